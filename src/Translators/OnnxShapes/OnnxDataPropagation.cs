using Bridge.Importers.Onnx.Ops;
using Bridge.Translators.Onnx;

namespace Bridge.Translators.OnnxShapes;

/// <summary>
/// Data propagation of small integer values (ONNX's <c>data_prop=True</c>, frontends.md §1.3), the one copy the shape
/// inference pass (<see cref="OnnxShapeInference"/>) and both emitters' import-time folding use: Shape/Size/Gather/Slice/Concat/
/// Unsqueeze/Squeeze/Cast/Identity/Reshape/Where/Equal/Less/Greater/Not/Neg/ConstantOfShape and integer arithmetic on
/// <see cref="KnownInts"/>, so <c>Shape(x)[1] + 0</c> of a <c>batch × sequence</c> input is the var <c>sequence</c>.
/// </summary>
public static class OnnxDataPropagation
{
    /// <summary>
    /// The known value of a single-output node from the known values (<paramref name="knownOrMatrix"/>; a constant matrix only
    /// for Reshape) and shapes (<paramref name="shapeOf"/>, for Shape and Size) of its inputs, or null.
    /// </summary>
    public static KnownInts? Fold(CanonicalNode n, Func<CanonicalInput, KnownInts?> knownOrMatrix, Func<CanonicalInput, ImmutableArray<SymExpr>?> shapeOf)
    {
        KnownInts? K(int i) => knownOrMatrix(n.Input(i)) is { MatrixShape: null } k ? k : null;
        long[]? ConstInts(CanonicalInput i) => knownOrMatrix(i) is { MatrixShape: null, AllConst: true } k ? [.. k.Values.Select(v => v.AsConst!.Value)] : null;
        switch (n.Kind)
        {
            case "Shape":
            {
                if (shapeOf(n.Input(0)) is not { } dims) return null;
                var a = n.AttrsAs<ShapeAttrs>();
                var r = dims.Length;
                long Clamp(long v) => Math.Clamp(v < 0 ? v + r : v, 0, r);
                var start = Clamp(a.Start);
                var end = a.End is { } e ? Clamp(e) : r;
                return KnownInts.Vector(dims.Skip((int)start).Take((int)Math.Max(0, end - start)));
            }
            case "Size":
            {
                if (shapeOf(n.Input(0)) is not { } dims) return null;
                SymExpr p = 1;
                foreach (var d in dims) p *= d;
                return KnownInts.Scalar(p);
            }
            case "Identity":
                return K(0);
            case "ConstantOfShape":
            {
                var fill = n.AttrsAs<ConstantOfShapeAttrs>().Value;
                if (fill is null || !fill.DType.IsIntegral || fill.DType.IsBool || K(0) is not { AllConst: true, Length: 1 } sh) return null;
                var len = sh.Values[0].AsConst!.Value;
                return len is >= 0 and <= KnownInts.MaxLength ? KnownInts.Vector(Enumerable.Repeat((SymExpr)fill.GetInt64(0), (int)len), fill.DType) : null;
            }
            case "Cast":
            {
                var to = n.AttrsAs<CastAttrs>().ToType;
                if (to == DataType.Bool) // a folded condition (If guards): nonzero → true
                    return K(0) is { AllConst: true } kb ? kb with { Values = [.. kb.Values.Select(v => (SymExpr)(v.AsConst != 0 ? 1 : 0))], DType = DataType.Bool } : null;
                return K(0) is { } k && to is { IsIntegral: true } dt && !dt.IsBool ? k with { DType = dt } : null;
            }
            case "Gather":
            {
                if (K(0) is not { IsScalar: false } data || K(1) is not { AllConst: true } idx) return null;
                var axis = n.AttrsAs<AxisAttrs>().Axis;
                if (axis is not (0 or -1)) return null;
                var vals = new List<SymExpr>();
                foreach (var iv in idx.Values)
                {
                    var i = iv.AsConst!.Value;
                    if (i < 0) i += data.Length;
                    if (i < 0 || i >= data.Length)
                        throw new BridgeException(OnnxTranslateDiagnosticIds.BadValue, n.Loc, $"node '{n.Source.Name}' (Gather): index {iv} out of range for {data.Length} values");
                    vals.Add(data.Values[(int)i]);
                }
                return idx.IsScalar ? KnownInts.Scalar(vals[0], data.DType) : KnownInts.Vector(vals, data.DType);
            }
            case "Slice":
            {
                if (K(0) is not { IsScalar: false } data) return null;
                var st = ConstInts(n.Input(1));
                var en = ConstInts(n.Input(2));
                var ax = n.Input(3).IsPresent ? ConstInts(n.Input(3)) : [0];
                var sp = n.Input(4).IsPresent ? ConstInts(n.Input(4)) : [1];
                if (st is not [var s0] || en is not [var e0] || ax is not [0 or -1] || sp is not [var step] || step == 0) return null;
                var len = data.Length;
                var idx = SliceIndices(len, s0, e0, step);
                return KnownInts.Vector(idx.Select(i => data.Values[(int)i]), data.DType);
            }
            case "Concat":
            {
                var parts = new List<SymExpr>();
                DataType? dt = null;
                for (var i = 0; i < n.Inputs.Length; i++)
                {
                    if (K(i) is not { IsScalar: false } k) return null;
                    parts.AddRange(k.Values);
                    dt ??= k.DType;
                }
                return KnownInts.Vector(parts, dt);
            }
            case "Unsqueeze":
                return K(0) is { IsScalar: true } s && ConstInts(n.Input(1)) is [0 or -1] ? KnownInts.Vector(s.Values, s.DType) : null;
            case "Squeeze":
                return K(0) is { IsScalar: false, Length: 1 } v && (!n.Input(1).IsPresent || ConstInts(n.Input(1)) is [0 or -1]) ? KnownInts.Scalar(v.Values[0], v.DType) : null;
            case "Reshape":
            {
                if (knownOrMatrix(n.Input(0)) is not { } d || ConstInts(n.Input(1)) is not { } shape) return null;
                d = d with { MatrixShape = null };
                if (shape is [] && d.Length == 1) return KnownInts.Scalar(d.Values[0], d.DType);
                if (shape is [-1] or [_] && (shape[0] == -1 || shape[0] == d.Length)) return KnownInts.Vector(d.Values, d.DType);
                return null;
            }
            case "Add" or "Sub" or "Mul" or "Div" or "Mod" or "Max" or "Min":
                if (n.Inputs.Length != 2) return null;
                return Binary(n, K(0), K(1));
            case "Not":
                return K(0) is { AllConst: true, DType: var nd } nk && nd == DataType.Bool ? nk with { Values = [.. nk.Values.Select(v => (SymExpr)(v.AsConst != 0 ? 0 : 1))] } : null;
            case "Neg":
                return K(0) is { } ng ? ng with { Values = [.. ng.Values.Select(x => -x)] } : null;
            case "Equal" or "Less" or "Greater":
            {
                if (K(0) is not { } a || K(1) is not { } b) return null;
                var r = Elementwise(a, b, (x, y) =>
                {
                    var t = n.Kind == "Equal" ? SymExpr.ProveEqual(x, y) : n.Kind == "Less" ? SymExpr.ProveLess(x, y) : SymExpr.ProveLess(y, x);
                    // A dim var (a known shape entry) is never negative: `batch == -1` (torch's expand(-1) pattern) is false.
                    if (t == Tri.Unknown && n.Kind == "Equal" && (x is SymVar && y.AsConst < 0 || y is SymVar && x.AsConst < 0)) t = Tri.Disproven;
                    return t == Tri.Proven ? 1 : t == Tri.Disproven ? 0 : null;
                });
                return r is null ? null : r with { DType = DataType.Bool };
            }
            case "Where":
            {
                if (K(0) is not { AllConst: true } c || K(1) is not { } a || K(2) is not { } b) return null;
                var len = Math.Max(c.Length, Math.Max(a.Length, b.Length));
                if (!Fits(c, len) || !Fits(a, len) || !Fits(b, len)) return null;
                var vals = Enumerable.Range(0, len).Select(i => At(c, i).AsConst != 0 ? At(a, i) : At(b, i));
                var scalar = c.IsScalar && a.IsScalar && b.IsScalar;
                return scalar ? KnownInts.Scalar(vals.First(), a.DType) : KnownInts.Vector(vals, a.DType);
            }
            default:
                return null;
        }
    }

    /// <summary>Indices selected by an ONNX slice (start/end clamped as the spec says) of a length-<paramref name="len"/> axis.</summary>
    public static List<long> SliceIndices(long len, long start, long end, long step)
    {
        long Norm(long v, bool isEnd)
        {
            if (v < 0) v += len;
            return step > 0 ? Math.Clamp(v, 0, len) : Math.Clamp(v, -1, len - 1);
        }
        var s = Norm(start, false);
        var e = Norm(end, true);
        var l = new List<long>();
        if (step > 0) for (var i = s; i < e; i += step) l.Add(i);
        else for (var i = s; i > e; i += step) l.Add(i);
        return l;
    }

    private static bool Fits(KnownInts k, int len) => k.Length == 1 || k.Length == len;
    private static SymExpr At(KnownInts k, int i) => k.Length == 1 ? k.Values[0] : k.Values[i];

    private static KnownInts? Elementwise(KnownInts a, KnownInts b, Func<SymExpr, SymExpr, SymExpr?> f)
    {
        var len = Math.Max(a.Length, b.Length);
        if (!Fits(a, len) || !Fits(b, len)) return null;
        var vals = new SymExpr[len];
        for (var i = 0; i < len; i++)
        {
            if (f(At(a, i), At(b, i)) is not { } v) return null;
            vals[i] = v;
        }
        return a.IsScalar && b.IsScalar ? KnownInts.Scalar(vals[0], a.DType) : KnownInts.Vector(vals, a.DType);
    }

    private static KnownInts? Binary(CanonicalNode n, KnownInts? a, KnownInts? b)
    {
        if (a is null || b is null || a.DType.IsBool) return null;
        return Elementwise(a, b, (x, y) => n.Kind switch
        {
            "Add" => x + y,
            "Sub" => x - y,
            "Mul" => x * y,
            // ONNX integer Div truncates and Mod (fmod=0) floors: equal to floor division for the non-negative dims seen in
            // shape arithmetic; fold only when both are constants or the divisor is a positive constant and x provably ≥ 0.
            "Div" => y.AsConst is { } c && c != 0 && (x.AsConst is { } xc ? true : SymExpr.ProveLessOrEqual(0, x) == Tri.Proven)
                ? (x.AsConst is { } xv ? (SymExpr)(xv / c) : c > 0 ? SymExpr.FloorDiv(x, c) : null) : null,
            "Mod" => y.AsConst is { } m && m > 0 && (x.AsConst is not null || SymExpr.ProveLessOrEqual(0, x) == Tri.Proven) ? SymExpr.FloorMod(x, m) : null,
            "Max" => SymExpr.Max(x, y),
            "Min" => SymExpr.Min(x, y),
            _ => null,
        });
    }
}

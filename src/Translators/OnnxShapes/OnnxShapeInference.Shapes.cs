using Bridge.Importers.Onnx.Ops;
using Bridge.Translators.Onnx;

namespace Bridge.Translators.OnnxShapes;

/// <summary>Shape arithmetic of the inference rules: broadcasting, reshape, slice, range, matmul, reductions, windows.</summary>
public sealed partial class OnnxShapeInference
{
    private static long NormAxis(long axis, int rank) => axis < 0 ? axis + rank : axis;

    private static SymExpr? Product(IEnumerable<SymExpr?> dims)
    {
        SymExpr p = 1;
        foreach (var d in dims)
        {
            if (d is null) return null;
            p *= d;
        }
        return p;
    }

    /// <summary>True when <paramref name="a"/> ≤ <paramref name="b"/> is provable (also for <c>min(b, c)</c>).</summary>
    private static bool AtMost(SymExpr a, SymExpr b) =>
        SymExpr.ProveLessOrEqual(a, b) == Tri.Proven || a is SymBinary { Op: SymOp.Min } m && (m.A.Equals(b) || m.B.Equals(b));

    /// <summary>
    /// ONNX multidirectional broadcasting of the inputs' dims (right-aligned). Per axis: equal dims stay; a 1 takes the other; a
    /// static size other than 1 is the result whatever the other (a valid model broadcasts it); of two symbolic dims where one is
    /// provably at most the other, the larger (a valid broadcast of different dims has a 1 on one side, so the result is the
    /// maximum: <c>sequence</c> against a position table sliced to <c>min(sequence, 512)</c> is <c>sequence</c>). Null when any
    /// rank is unknown.
    /// </summary>
    private static ImmutableArray<SymExpr?>? Broadcast(IEnumerable<ImmutableArray<SymExpr?>?> shapes)
    {
        var list = shapes.ToList();
        if (list.Count == 0 || list.Any(s => s is null)) return null;
        var rank = list.Max(s => s!.Value.Length);
        var res = new SymExpr?[rank];
        for (var i = 0; i < rank; i++)
        {
            SymExpr? acc = 1;
            var first = true;
            foreach (var s in list)
            {
                var k = i - (rank - s!.Value.Length);
                if (k < 0) continue;
                var d = s.Value[k];
                acc = first ? d : Combine(acc, d);
                first = false;
            }
            res[i] = acc;
        }
        return [.. res];
    }

    private static SymExpr? Combine(SymExpr? a, SymExpr? b)
    {
        if (a?.AsConst == 1) return b;
        if (b?.AsConst == 1) return a;
        if (a is null || b is null)
            return a?.AsConst is { } ac && ac > 1 ? a : b?.AsConst is { } bc && bc > 1 ? b : null;
        if (SymExpr.ProveEqual(a, b) == Tri.Proven) return a;
        if (a.AsConst is > 1) return a;
        if (b.AsConst is > 1) return b;
        if (AtMost(b, a)) return a;
        if (AtMost(a, b)) return b;
        return null;
    }

    private static InferredValue ReshapeRule(CanonicalNode n, InferredValue x, KnownInts? shape)
    {
        if (shape is null)
            return n.Inputs.Length > 1 && n.Input(1).IsPresent ? new(x.DType, null) : new(x.DType, null);
        var allowZero = n.AttrsAs<ReshapeAttrs>().Allowzero;
        var res = new SymExpr?[shape.Length];
        var infer = -1;
        for (var i = 0; i < shape.Length; i++)
        {
            var v = shape.Values[i];
            if (v.AsConst == -1) { infer = i; continue; }
            res[i] = v.AsConst == 0 && !allowZero ? (x.Dims is { } d && i < d.Length ? d[i] : null) : v;
        }
        if (infer >= 0)
        {
            var others = res.Where((_, i) => i != infer).ToList();
            res[infer] = x.Shape is { } xs && others.All(o => o is not null) ? ShapeMath.DivideProducts(xs, others!) : null;
        }
        return InferredValue.Of(x.DType, res);
    }

    private static InferredValue SliceRule(CanonicalNode n, InferredValue x, Func<int, InferredValue> I)
    {
        if (x.Dims is not { } d) return new(x.DType, null);
        var starts = I(1).Known;
        var ends = I(2).Known;
        long[]? ConstOf(KnownInts? k) => k is { AllConst: true } ? [.. k.Values.Select(v => v.AsConst!.Value)] : null;
        var count = starts?.Length ?? ends?.Length ?? (I(1).Dims is [{ AsConst: { } l }] ? (int)l : -1);
        var axes = n.Input(3).IsPresent ? ConstOf(I(3).Known) : count >= 0 ? [.. Enumerable.Range(0, count).Select(i => (long)i)] : null;
        var steps = n.Input(4).IsPresent ? ConstOf(I(4).Known) : count >= 0 ? [.. Enumerable.Repeat(1L, count)] : null;
        if (axes is null) return InferredValue.OfRank(x.DType, d.Length);
        var res = d.ToArray();
        for (var i = 0; i < axes.Length; i++)
        {
            var ax = NormAxis(axes[i], d.Length);
            if (ax < 0 || ax >= d.Length) return InferredValue.OfRank(x.DType, d.Length);
            res[(int)ax] = starts is null || ends is null || steps is null || i >= starts.Length || i >= ends.Length || i >= steps.Length
                ? null : SliceLength(d[(int)ax], starts.Values[i], ends.Values[i], steps[i]);
        }
        return InferredValue.Of(x.DType, res);
    }

    /// <summary>The length of one sliced axis: exact for constants, <c>min(end, dim) − start</c> for a symbolic size bound.</summary>
    private static SymExpr? SliceLength(SymExpr? dim, SymExpr start, SymExpr end, long step)
    {
        if (step == 0) return null;
        if (dim?.AsConst is { } dc && start.AsConst is { } sc && end.AsConst is { } ec)
            return OnnxDataPropagation.SliceIndices(dc, sc, ec, step).Count;
        if (step < 0 || dim is null) return null;
        // A symbolic bound is a size computed from shapes (non-negative): ONNX clamps it to the dim.
        SymExpr Bound(SymExpr v) => v.AsConst is { } c ? (c < 0 ? SymExpr.Max(dim + c, 0) : c >= int.MaxValue ? dim : AtMost(c, dim) ? c : SymExpr.Min(c, dim))
            : AtMost(v, dim) ? v : SymExpr.Min(v, dim);
        var b = Bound(start);
        var e = Bound(end);
        var len = step == 1 ? e - b : SymExpr.FloorDiv(e - b + (step - 1), step);
        return SymExpr.ProveLessOrEqual(0, len) == Tri.Proven || AtMost(b, e) ? len : SymExpr.Max(len, 0);
    }

    private static SymExpr? RangeLength(KnownInts? start, KnownInts? limit, KnownInts? delta)
    {
        if (start is not { Length: 1 } s || limit is not { Length: 1 } l || delta is not { Length: 1, AllConst: true } dk) return null;
        var d = dk.Values[0].AsConst!.Value;
        if (d == 0) return null;
        if (s.Values[0].AsConst is { } sc && l.Values[0].AsConst is { } lc) return Math.Max(0, (long)Math.Ceiling((double)(lc - sc) / d));
        if (d < 0) return null;
        var span = l.Values[0] - s.Values[0];
        return SymExpr.Max(d == 1 ? span : SymExpr.FloorDiv(span + (d - 1), d), 0);
    }

    private static InferredValue MatMulRule(CanonicalNode n, InferredValue a, InferredValue b)
    {
        var dt = n.Kind == "MatMulInteger" ? DataType.Int32 : a.DType;
        if (a.Dims is not { } ad || b.Dims is not { } bd || ad.Length == 0 || bd.Length == 0) return new(dt, null);
        var aa = ad.Length == 1 ? [1, ad[0]] : ad;
        var bb = bd.Length == 1 ? [bd[0], 1] : bd;
        var batch = Broadcast([[.. aa.Take(aa.Length - 2)], [.. bb.Take(bb.Length - 2)]])!.Value;
        var res = new List<SymExpr?>(batch);
        if (ad.Length > 1) res.Add(aa[^2]);
        if (bd.Length > 1) res.Add(bb[^1]);
        return InferredValue.Of(dt, res);
    }

    private static InferredValue ReduceRule(CanonicalNode n, InferredValue x, KnownInts? axesK)
    {
        var a = n.AttrsAs<ReduceAttrs>();
        if (x.Dims is not { } d) return new(x.DType, null);
        long[]? axes;
        if (n.Input(1).IsPresent) axes = axesK is { AllConst: true } k ? [.. k.Values.Select(v => v.AsConst!.Value)] : null;
        else axes = a.Axes is { } aa ? [.. aa] : [];
        if (axes is null) return a.Keepdims ? InferredValue.OfRank(x.DType, d.Length) : new(x.DType, null);
        if (axes.Length == 0)
        {
            if (a.NoopWithEmptyAxes) return x with { Known = null };
            axes = [.. Enumerable.Range(0, d.Length).Select(i => (long)i)];
        }
        var set = axes.Select(v => NormAxis(v, d.Length)).ToHashSet();
        return a.Keepdims ? InferredValue.Of(x.DType, d.Select((v, i) => set.Contains(i) ? 1 : v)) : InferredValue.Of(x.DType, d.Where((_, i) => !set.Contains(i)));
    }

    /// <summary>Conv / pooling output: N, then the weight's M (conv) or C (pool), then per spatial axis
    /// floor-or-ceil((in + pads − ((k − 1)·dilation + 1)) / stride) + 1; SAME: ceil(in / stride).</summary>
    private InferredValue WindowRule(CanonicalNode n, InferredValue x, InferredValue w)
    {
        var a = (WindowAttrs)n.Attrs;
        var dt = n.Kind switch { "ConvInteger" => DataType.Int32, "QLinearConv" => n.Inputs.Length > 7 ? In(n.Source.Graph, n.Input(7)).DType ?? x.DType : x.DType, _ => x.DType };
        if (x.Dims is not { Length: >= 3 } d) return new(dt, x.Rank is { } r ? [.. Enumerable.Repeat<SymExpr?>(null, r)] : null);
        var sp = d.Length - 2;
        var isConv = n.Kind is "Conv" or "ConvInteger" or "QLinearConv";
        SymExpr? channels = isConv ? (w.Dims is { Length: > 0 } wd ? wd[0] : null) : d[1];
        IReadOnlyList<SymExpr?>? kernel = a.ResolvedKernel.Count == sp ? [.. a.ResolvedKernel] : a.KernelShape.Count == sp ? [.. a.KernelShape.Select(v => (SymExpr?)v)]
            : isConv && w.Dims is { } wk && wk.Length == d.Length ? [.. wk.Skip(2)] : null;
        var strides = a.ResolvedStrides.Count == sp ? a.ResolvedStrides.ToArray() : a.Strides.Count == sp ? a.Strides.ToArray() : [.. Enumerable.Repeat(1L, sp)];
        var dil = a.ResolvedDilations.Count == sp ? a.ResolvedDilations.ToArray() : a.Dilations.Count == sp ? a.Dilations.ToArray() : [.. Enumerable.Repeat(1L, sp)];
        var ceil = a switch { MaxPoolAttrs m => m.CeilMode, AveragePoolAttrs av => av.CeilMode, LpPoolAttrs lp => lp.CeilMode, _ => false };
        var res = new List<SymExpr?> { d[0], channels };
        for (var i = 0; i < sp; i++)
        {
            var inDim = d[2 + i];
            if (inDim is null || kernel?[i] is not { } k) { res.Add(null); continue; }
            if (a.AutoPad is "SAME_UPPER" or "SAME_LOWER") { res.Add(SymExpr.FloorDiv(inDim + (strides[i] - 1), strides[i])); continue; }
            SymExpr pb = 0, pe = 0;
            if (a.AutoPad != "VALID")
            {
                if (a.ExplicitPads.Count == 2 * sp) (pb, pe) = (a.ExplicitPads[i], a.ExplicitPads[sp + i]);
                else if (a.Pads.Count == 2 * sp) (pb, pe) = (a.Pads[i], a.Pads[sp + i]);
            }
            var span = inDim + pb + pe - ((k - 1) * dil[i] + 1);
            var o = SymExpr.FloorDiv(span + (ceil ? strides[i] - 1 : 0), strides[i]) + 1;
            // ceil_mode: the last window must start inside the input or its begin padding (ONNX Runtime's rule).
            if (ceil && o.AsConst is { } oc && inDim.AsConst is { } ic && pb.AsConst is { } pbc && (oc - 1) * strides[i] >= ic + pbc) o = oc - 1;
            res.Add(o);
        }
        return InferredValue.Of(dt, res);
    }

    private static InferredValue ConvTransposeRule(CanonicalNode n, InferredValue x, InferredValue w)
    {
        var a = n.AttrsAs<ConvTransposeAttrs>();
        if (x.Dims is not { Length: >= 3 } d) return new(x.DType, x.Rank is { } r ? [.. Enumerable.Repeat<SymExpr?>(null, r)] : null);
        var sp = d.Length - 2;
        SymExpr? channels = w.Dims is { Length: > 1 } wd && wd[1] is { } c1 ? c1 * a.Group : null;
        var res = new List<SymExpr?> { d[0], channels };
        if (a.OutputShape.Count == sp) { res.AddRange(a.OutputShape.Select(v => (SymExpr?)v)); return InferredValue.Of(x.DType, res); }
        IReadOnlyList<SymExpr?>? kernel = a.ResolvedKernel.Count == sp ? [.. a.ResolvedKernel] : a.KernelShape.Count == sp ? [.. a.KernelShape.Select(v => (SymExpr?)v)]
            : w.Dims is { } wk && wk.Length == d.Length ? [.. wk.Skip(2)] : null;
        var strides = a.ResolvedStrides.Count == sp ? a.ResolvedStrides.ToArray() : a.Strides.Count == sp ? a.Strides.ToArray() : [.. Enumerable.Repeat(1L, sp)];
        var dil = a.ResolvedDilations.Count == sp ? a.ResolvedDilations.ToArray() : a.Dilations.Count == sp ? a.Dilations.ToArray() : [.. Enumerable.Repeat(1L, sp)];
        for (var i = 0; i < sp; i++)
        {
            if (d[2 + i] is not { } inDim || kernel?[i] is not { } k) { res.Add(null); continue; }
            if (a.AutoPad is "SAME_UPPER" or "SAME_LOWER") { res.Add(inDim * strides[i]); continue; }
            SymExpr pads = 0;
            if (a.AutoPad != "VALID")
            {
                if (a.ExplicitPads.Count == 2 * sp) pads = a.ExplicitPads[i] + a.ExplicitPads[sp + i];
                else if (a.Pads.Count == 2 * sp) pads = a.Pads[i] + a.Pads[sp + i];
            }
            var outPad = a.OutputPadding.Count == sp ? a.OutputPadding[i] : 0;
            res.Add(strides[i] * (inDim - 1) + outPad + ((k - 1) * dil[i] + 1) - pads);
        }
        return InferredValue.Of(x.DType, res);
    }
}

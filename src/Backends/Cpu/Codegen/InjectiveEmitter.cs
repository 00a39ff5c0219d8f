using System.Text;
using Bridge.Backends.Cpu.Lowering;

namespace Bridge.Backends.Cpu.Codegen;

/// <summary>
/// Writes the loop body of an injective group (or a reduction's prologue): the value of a buffer at an index context, with
/// the group's inlined ops computed in registers. An index context is a flat index, or coordinates, in a given shape;
/// reshapes keep the flat index (free), broadcasts/transposes/slices remap coordinates.
/// </summary>
internal sealed class InjectiveEmitter(FusedGroup group, IReadOnlyList<SymVar> vars, Func<TBuffer, string> pointer, StringBuilder body, string indent, string prefix = "")
{
    private readonly Dictionary<int, TOp> _inGroup = group.Ops.ToDictionary(o => o.Output.Id);
    private readonly Dictionary<string, string> _memo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _coords = new(StringComparer.Ordinal);
    private int _n;

    /// <summary>An index into a tensor of <see cref="Shape"/>: flat, or per-axis coordinates (C expressions).</summary>
    public sealed record Ctx(string? Flat, ImmutableArray<string> Coords, ImmutableArray<SymExpr> Shape)
    {
        public string Key => Flat ?? string.Join(",", Coords);
    }

    public static Ctx FlatCtx(string i, ImmutableArray<SymExpr> shape) => new(i, default, shape);
    public static Ctx CoordCtx(IEnumerable<string> c, ImmutableArray<SymExpr> shape) => new(null, [.. c], shape);

    private string Dim(SymExpr d) => CExpr.Of(d, vars);

    public string FlatOf(Ctx c)
    {
        if (c.Flat is not null) return c.Flat;
        if (c.Shape.Length == 0) return "0";
        var key = "F:" + c.Key;
        if (_memo.TryGetValue(key, out var done)) return done;
        var e = c.Coords[0];
        for (var k = 1; k < c.Shape.Length; k++) e = $"({e}) * {Dim(c.Shape[k])} + {c.Coords[k]}";
        var name = $"{prefix}f{_n++}";
        body.Append(indent).Append($"const int64_t {name} = {e};\n");
        return _memo[key] = name;
    }

    public string[] CoordsOf(Ctx c)
    {
        if (c.Flat is null) return [.. c.Coords];
        var key = c.Flat + "|" + string.Join(",", c.Shape);
        if (_coords.TryGetValue(key, out var done)) return done;
        var r = c.Shape.Length;
        var names = new string[r];
        if (r == 0) return _coords[key] = names;
        var rem = $"{prefix}r{_n++}";
        body.Append(indent).Append($"int64_t {rem} = {c.Flat};\n");
        for (var k = r - 1; k >= 1; k--)
        {
            names[k] = $"{prefix}c{_n++}";
            body.Append(indent).Append($"const int64_t {names[k]} = {rem} % {Dim(c.Shape[k])}; {rem} /= {Dim(c.Shape[k])};\n");
        }
        names[0] = $"{prefix}c{_n++}";
        body.Append(indent).Append($"const int64_t {names[0]} = {rem};\n");
        return _coords[key] = names;
    }

    /// <summary>The coordinates of an operand of shape <paramref name="s"/> broadcast to the context's shape (numpy rules).</summary>
    private Ctx Broadcast(Ctx c, ImmutableArray<SymExpr> s)
    {
        if (s.SequenceEqual(c.Shape)) return c with { Shape = s };
        if (s.All(d => d.AsConst == 1)) return FlatCtx("0", s);
        var oc = CoordsOf(c);
        var off = c.Shape.Length - s.Length;
        return CoordCtx(s.Select((d, k) => d.AsConst == 1 ? "0" : oc[k + off]), s);
    }

    /// <summary>The C expression (a local) holding buffer <paramref name="b"/>'s element at <paramref name="c"/>.</summary>
    public string Value(TBuffer b, Ctx c)
    {
        var key = b.Id + "@" + c.Key + "|" + c.Shape.Length;
        if (_memo.TryGetValue(key, out var done)) return done;
        string expr;
        if (!_inGroup.TryGetValue(b.Id, out var op))
        {
            expr = $"((const float*){pointer(b)})[{FlatOf(c)}]";
        }
        else
        {
            expr = op.Attrs switch
            {
                UnaryAttrs u => Unary(u, Value(op.Inputs[0], c with { Shape = op.Inputs[0].Shape })),
                BinaryAttrs bin => Binary(bin.Fn, Value(op.Inputs[0], Broadcast(c, op.Inputs[0].Shape)), Value(op.Inputs[1], Broadcast(c, op.Inputs[1].Shape))),
                TransposeAttrs t => Transpose(op, t, c),
                StridedSliceAttrs s => Slice(op, s, c),
                _ when op.Kind == OpKind.Reshape => Value(op.Inputs[0], FlatCtx(FlatOf(c), op.Inputs[0].Shape)),
                _ when op.Kind == OpKind.BroadcastTo => Value(op.Inputs[0], Broadcast(c, op.Inputs[0].Shape)),
                _ => throw new InvalidOperationException($"{op} is not injective"),
            };
        }
        var name = $"{prefix}v{_n++}";
        body.Append(indent).Append($"const float {name} = {expr};\n");
        return _memo[key] = name;
    }

    private string Transpose(TOp op, TransposeAttrs t, Ctx c)
    {
        var oc = CoordsOf(c);
        var ic = new string[oc.Length];
        for (var j = 0; j < oc.Length; j++) ic[t.Perm[j]] = oc[j];
        return Value(op.Inputs[0], CoordCtx(ic, op.Inputs[0].Shape));
    }

    private string Slice(TOp op, StridedSliceAttrs s, Ctx c)
    {
        var oc = CoordsOf(c);
        var ic = oc.Select((x, k) => s.Begin[k] == 0 && s.Step[k] == 1 ? x : $"({s.Begin[k]}LL + {x} * {s.Step[k]}LL)");
        return Value(op.Inputs[0], CoordCtx(ic, op.Inputs[0].Shape));
    }

    public static string Unary(UnaryAttrs u, string x) => u.Fn switch
    {
        "relu" => $"({x} > 0.0f ? {x} : 0.0f)",
        "sigmoid" => $"(1.0f / (1.0f + expf(-{x})))",
        "tanh" => $"tanhf({x})",
        "exp" => $"expf({x})",
        "erf" => $"erff({x})",
        "sqrt" => $"sqrtf({x})",
        "rsqrt" => $"(1.0f / sqrtf({x}))",
        "neg" => $"(-{x})",
        "abs" => $"fabsf({x})",
        "log" => $"logf({x})",
        "floor" => $"floorf({x})",
        "ceil" => $"ceilf({x})",
        "square" => $"({x} * {x})",
        "copy" => x,
        "clip" => $"fminf(fmaxf({x}, {CExpr.Float(u.Lo)}), {CExpr.Float(u.Hi)})",
        "leaky_relu" => $"({x} > 0.0f ? {x} : {CExpr.Float(u.Lo)} * {x})",
        "silu" => $"({x} / (1.0f + expf(-{x})))",
        "gelu" => $"(0.5f * {x} * (1.0f + erff({x} * 0.70710678118654752f)))",
        _ => throw new InvalidOperationException($"unary {u.Fn}"),
    };

    public static string Binary(string fn, string a, string b) => fn switch
    {
        "add" => $"({a} + {b})",
        "subtract" => $"({a} - {b})",
        "multiply" => $"({a} * {b})",
        "divide" => $"({a} / {b})",
        "maximum" => $"fmaxf({a}, {b})",
        "minimum" => $"fminf({a}, {b})",
        "power" => $"brg_powf({a}, {b})",
        _ => throw new InvalidOperationException($"binary {fn}"),
    };
}

using System.Text;
using Bridge.Backends.Cpu.Lowering;

namespace Bridge.Backends.Cpu.Codegen;

/// <summary>
/// The row form of injective and reduction groups: an outer loop over rows (index math hoisted there, once per row) and an
/// inner loop over the last axis whose reads are <c>p[j]</c> (contiguous), <c>p[j * s]</c> (strided) or a value hoisted
/// out of the loop (broadcast), so gcc vectorises it — no div/mod per element. Elementwise-only groups first collapse the
/// trailing axes along which every operand is either whole or broadcast (an SE block's multiply <c>[n,c,h,w] * [n,c,1,1]</c>
/// becomes rows of <c>h·w</c>). Index expressions are affine in the inner index, <c>B + S·j</c>, with a known factor of
/// B (<see cref="Aff.A"/>); a reshape splits such an index into coordinates only where that provably keeps <c>j</c> in the
/// last axis. Anything else (a reshape that spreads a row over two axes, a symbolic row length) returns null, and the
/// caller writes the flat form.
/// </summary>
internal sealed class RowEmitter
{
    /// <summary>A loop nest for <c>brg_parallel_for</c>: setup lines, the row count, the per-row body, the grain in rows.</summary>
    public sealed record Loop(string Setup, string Rows, string Body, string Grain);

    /// <summary>An index <c>B + S·j</c>; B is a multiple of A (A = 0: B is zero).</summary>
    private readonly record struct Aff(string B, long S, long A)
    {
        public static readonly Aff Zero = new("0", 0, 0);
        public string Key => $"{B}+{S}j";
    }

    private sealed class NotRowable : Exception;

    private readonly FusedGroup _g;
    private readonly IReadOnlyList<SymVar> _vars;
    private readonly Func<TBuffer, string> _pointer;
    private readonly Dictionary<int, ImmutableArray<SymExpr>> _shapes;
    private readonly Dictionary<int, TOp> _inGroup;
    private readonly long? _e;
    private readonly StringBuilder _outer = new();
    private readonly StringBuilder _inner = new();
    private readonly Dictionary<string, (string Name, bool Outer)> _memo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _hoisted = new(StringComparer.Ordinal);
    private int _n;

    private RowEmitter(FusedGroup g, IReadOnlyList<SymVar> vars, Func<TBuffer, string> pointer, Dictionary<int, ImmutableArray<SymExpr>> shapes, long? e)
    {
        _g = g;
        _vars = vars;
        _pointer = pointer;
        _shapes = shapes;
        _inGroup = g.Ops.ToDictionary(o => o.Output.Id);
        _e = e;
    }

    private ImmutableArray<SymExpr> ShapeOf(TBuffer b) => _shapes.TryGetValue(b.Id, out var s) ? s : b.Shape;
    private string Dim(SymExpr d) => CExpr.Of(d, _vars);

    /// <summary>An injective group in row form, or null.</summary>
    public static Loop? Injective(FusedGroup g, IReadOnlyList<SymVar> vars, Func<TBuffer, string> pointer)
    {
        if (g.Ops.Any(o => o.Output.DType != Core.Tensors.DataType.Float32)) return null;
        var y = g.Output;
        var shapes = new Dictionary<int, ImmutableArray<SymExpr>>();
        if (ElementwiseOnly(g))
        {
            var k = MaxCollapse(g, y.Shape);
            if (k >= y.Rank) return null; // every operand whole or scalar: the flat loop is already contiguous
            if (k >= 2) shapes = Collapse(g, y.Shape, k);
        }
        var s = shapes.TryGetValue(y.Id, out var cs) ? cs : y.Shape;
        if (s.Length < 2 || s[^1].AsConst is not { } e || e < 8) return null;
        if (TryInjective(g, vars, pointer, shapes, s, e) is { } loop) return loop;
        // A reshape at the root whose row spreads over two axes of its input (attention's heads merged back, [h, s, d] →
        // [s, h·d]): split the output's last axis into shorter rows that stay inside one input axis.
        if (shapes.Count > 0 || g.Root.Kind != OpKind.Reshape) return null;
        for (var rows = 2L; e / rows >= 8; rows++)
        {
            if (e % rows != 0) continue;
            ImmutableArray<SymExpr> split = [.. s.Take(s.Length - 1), rows, e / rows];
            if (TryInjective(g, vars, pointer, new Dictionary<int, ImmutableArray<SymExpr>> { [y.Id] = split }, split, e / rows) is { } l) return l;
        }
        return null;
    }

    private static Loop? TryInjective(FusedGroup g, IReadOnlyList<SymVar> vars, Func<TBuffer, string> pointer,
        Dictionary<int, ImmutableArray<SymExpr>> shapes, ImmutableArray<SymExpr> s, long e)
    {
        var y = g.Output;
        var r = new RowEmitter(g, vars, pointer, shapes, e);
        try
        {
            var coords = r.OuterCoords(s);
            var (v, _) = r.Value(y, coords);
            var body = new StringBuilder().Append(r._outer);
            body.Append($"        float* restrict yr = y + o * {e}LL;\n");
            body.Append($"        for (int64_t j = 0; j < {e}LL; j++) {{\n").Append(r._inner).Append($"            yr[j] = {v};\n        }}\n");
            return new Loop($"    float* restrict y = (float*){pointer(y)};\n", CExpr.Product(s.Take(s.Length - 1), vars), body.ToString(),
                $"BRG_MAX(1, 16384 / {e}LL)");
        }
        catch (NotRowable) { return null; }
    }

    /// <summary>A reduction over trailing axes in row form (the inner loop is the reduced extent), or null.</summary>
    public static Loop? Reduce(FusedGroup g, IReadOnlyList<SymVar> vars, Func<TBuffer, string> pointer)
    {
        var op = g.Root;
        var red = (ReduceAttrs)op.Attrs;
        var x = op.Inputs[0];
        if (g.Ops.Any(o => o.Output.DType != Core.Tensors.DataType.Float32) || x.Rank == 0) return null;
        var kr = red.Axes.Length;
        if (kr == 0 || !red.Axes.SequenceEqual(Enumerable.Range(x.Rank - kr, kr))) return null;
        var shapes = new Dictionary<int, ImmutableArray<SymExpr>>();
        if (kr > 1)
        {
            if (!ElementwiseOnly(g, op) || MaxCollapse(g, x.Shape, op) < kr) return null;
            shapes = Collapse(g, x.Shape, kr, op);
        }
        var s = shapes.TryGetValue(x.Id, out var cs) ? cs : x.Shape;
        var nr = CExpr.Of(s[^1], vars);
        var r = new RowEmitter(g, vars, pointer, shapes, s[^1].AsConst);
        try
        {
            var coords = s.Length == 1 ? [new Aff("0", 1, 0)] : r.OuterCoords(s);
            var (v, _) = r.Value(x, coords);
            var body = new StringBuilder().Append(r._outer);
            var (init, type, clause, step) = red.Fn switch
            {
                "max" => ("-INFINITY", "float", "max", $"acc = acc > {v} ? acc : {v};"),
                "min" => ("INFINITY", "float", "min", $"acc = acc < {v} ? acc : {v};"),
                _ => ("0.0", "double", "+", $"acc += {v};"),
            };
            body.Append($"        {type} acc = {init};\n");
            body.Append($"        #pragma omp simd reduction({clause}:acc)\n");
            body.Append("        for (int64_t j = 0; j < nr; j++) {\n").Append(r._inner).Append($"            {step}\n        }}\n");
            body.Append(red.Fn == "mean" ? "        y[o] = (float)(acc / (double)nr);\n" : "        y[o] = (float)acc;\n");
            return new Loop($"    float* restrict y = (float*){pointer(g.Output)};\n    const int64_t nr = {nr};\n",
                CExpr.Product(s.Take(s.Length - 1), vars), body.ToString(), $"BRG_MAX(1, 16384 / BRG_MAX(1, {nr}))");
        }
        catch (NotRowable) { return null; }
    }

    private static bool ElementwiseOnly(FusedGroup g, TOp? except = null) =>
        g.Ops.All(o => o == except || o.Kind is OpKind.Unary or OpKind.Binary or OpKind.BroadcastTo);

    /// <summary>The most trailing axes of <paramref name="outShape"/> along which every buffer of the group is whole or all ones.</summary>
    private static int MaxCollapse(FusedGroup g, ImmutableArray<SymExpr> outShape, TOp? except = null)
    {
        var buffers = Buffers(g, except);
        var best = 0;
        for (var k = 1; k <= outShape.Length; k++)
        {
            if (!buffers.All(b => Tail(b, outShape, k) is not null)) break;
            best = k;
        }
        return best;
    }

    /// <summary>Whether b's trailing k axes (right-aligned against outShape) are whole (true) or all ones (false); null otherwise.</summary>
    private static bool? Tail(TBuffer b, ImmutableArray<SymExpr> outShape, int k)
    {
        var r = b.Rank;
        var tail = b.Shape.Skip(Math.Max(0, r - k)).ToList();
        if (tail.All(d => d.AsConst == 1)) return false;
        if (r < k) return null;
        var outTail = outShape.Skip(outShape.Length - k).ToList();
        return tail.Zip(outTail).All(p => SymExpr.ProveEqual(p.First, p.Second) == Tri.Proven) ? true : null;
    }

    /// <summary>Every buffer the group reads or writes through the emitter (a reduction's own output is written directly).</summary>
    private static List<TBuffer> Buffers(FusedGroup g, TOp? except) =>
        [.. g.Ops.SelectMany(o => o == except ? o.Inputs : o.Inputs.Append(o.Output)).DistinctBy(b => b.Id)];

    private static Dictionary<int, ImmutableArray<SymExpr>> Collapse(FusedGroup g, ImmutableArray<SymExpr> outShape, int k, TOp? except = null)
    {
        var product = outShape.Skip(outShape.Length - k).Aggregate((SymExpr)1, (a, d) => a * d);
        var d = new Dictionary<int, ImmutableArray<SymExpr>>();
        foreach (var b in Buffers(g, except))
        {
            var whole = Tail(b, outShape, k) == true;
            var lead = b.Shape.Take(Math.Max(0, b.Rank - k));
            d[b.Id] = [.. lead, whole ? product : (SymExpr)1];
        }
        return d;
    }

    private string Hoist(string expr, string type = "int64_t")
    {
        if (expr == "0" || IsIdent(expr)) return expr;
        if (_hoisted.TryGetValue(type + expr, out var name)) return name;
        name = $"h{_n++}";
        _outer.Append($"        const {type} {name} = {expr};\n");
        return _hoisted[type + expr] = name;
    }

    private static bool IsIdent(string s) => s.All(c => char.IsLetterOrDigit(c) || c == '_');

    /// <summary>Coordinates of row o of <paramref name="s"/> (all axes but the last from o, hoisted) and j in the last axis.</summary>
    private Aff[] OuterCoords(ImmutableArray<SymExpr> s)
    {
        var c = new Aff[s.Length];
        c[^1] = new Aff("0", 1, 0);
        var rem = "o";
        for (var k = s.Length - 2; k >= 0; k--)
        {
            if (s[k].AsConst == 1) { c[k] = Aff.Zero; continue; }
            if (k == 0) { c[k] = new Aff(Hoist(rem), 0, 1); break; }
            c[k] = new Aff(Hoist($"{rem} % {Dim(s[k])}"), 0, 1);
            rem = Hoist($"{rem} / {Dim(s[k])}");
        }
        return c;
    }

    private static long Gcd(long a, long b)
    {
        a = Math.Abs(a); b = Math.Abs(b);
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    private Aff FlatOf(Aff[] coords, ImmutableArray<SymExpr> shape)
    {
        var terms = new List<string>();
        long s = 0, a = 0;
        SymExpr stride = 1;
        long constFactor = 1;
        for (var k = shape.Length - 1; k >= 0; k--)
        {
            var c = coords[k];
            var st = stride.AsConst;
            if (c.S != 0) s += c.S * (st ?? throw new NotRowable());
            if (c.B != "0")
            {
                terms.Add(st == 1 ? c.B : $"({c.B}) * {Dim(stride)}");
                a = Gcd(a, c.A * constFactor);
            }
            stride *= shape[k];
            if (shape[k].AsConst is { } dc) constFactor *= dc;
        }
        if (terms.Count == 0) return new Aff("0", s, 0);
        terms.Reverse();
        return new Aff(Hoist(string.Join(" + ", terms)), s, a == 0 ? 1 : a);
    }

    private Aff[] CoordsOf(Aff f, ImmutableArray<SymExpr> shape)
    {
        var r = shape.Length;
        var c = new Aff[r];
        if (r == 0) return c;
        if (f.S == 0)
        {
            if (f.B == "0") { Array.Fill(c, Aff.Zero); return c; }
            Split(f.B, shape, r, c);
            return c;
        }
        if (f.S < 0 || shape[^1].AsConst is not { } d || _e is not { } e) throw new NotRowable();
        var fits = f.A == 0 ? f.S * (e - 1) < d : d % f.A == 0 && f.S * (e - 1) < f.A;
        if (!fits) throw new NotRowable();
        if (f.A == 0) { Array.Fill(c, Aff.Zero); c[^1] = new Aff("0", f.S, 0); return c; }
        c[^1] = new Aff(Hoist($"{f.B} % {d}LL"), f.S, f.A);
        Split(Hoist($"{f.B} / {d}LL"), shape, r - 1, c);
        return c;
    }

    /// <summary>Coordinates 0..count-1 of the flat (outer-only) index <paramref name="flat"/> over shape[0..count).</summary>
    private void Split(string flat, ImmutableArray<SymExpr> shape, int count, Aff[] c)
    {
        var rem = flat;
        for (var k = count - 1; k >= 0; k--)
        {
            if (shape[k].AsConst == 1) { c[k] = Aff.Zero; continue; }
            if (k == 0) { c[k] = new Aff(rem, 0, 1); break; }
            c[k] = new Aff(Hoist($"{rem} % {Dim(shape[k])}"), 0, 1);
            rem = Hoist($"{rem} / {Dim(shape[k])}");
        }
    }

    private static Aff[] Broadcast(Aff[] coords, ImmutableArray<SymExpr> outShape, ImmutableArray<SymExpr> s)
    {
        var off = outShape.Length - s.Length;
        return [.. s.Select((d, k) => d.AsConst == 1 ? Aff.Zero : coords[k + off])];
    }

    /// <summary>The local holding b at <paramref name="coords"/>, and whether it is computed once per row.</summary>
    private (string Name, bool Outer) Value(TBuffer b, Aff[] coords)
    {
        var key = b.Id + "@" + string.Join(",", coords.Select(c => c.Key));
        if (_memo.TryGetValue(key, out var done)) return done;
        (string, bool) result;
        if (!_inGroup.TryGetValue(b.Id, out var op))
        {
            var f = FlatOf(coords, ShapeOf(b));
            if (f.S == 0) result = (Local($"((const float*){_pointer(b)})[{f.B}]", true), true);
            else
            {
                var p = Hoist($"(const float*){_pointer(b)} + {f.B}", "float* restrict");
                result = (Local(f.S == 1 ? $"{p}[j]" : $"{p}[j * {f.S}LL]", false), false);
            }
        }
        else
        {
            var os = ShapeOf(op.Output);
            result = op.Attrs switch
            {
                UnaryAttrs u => Apply(x => InjectiveEmitter.Unary(u, x[0]), Value(op.Inputs[0], coords)),
                BinaryAttrs bin => Apply(x => InjectiveEmitter.Binary(bin.Fn, x[0], x[1]),
                    Value(op.Inputs[0], Broadcast(coords, os, ShapeOf(op.Inputs[0]))), Value(op.Inputs[1], Broadcast(coords, os, ShapeOf(op.Inputs[1])))),
                TransposeAttrs t => Value(op.Inputs[0], Permute(coords, t)),
                StridedSliceAttrs sl => Value(op.Inputs[0], [.. coords.Select((c, k) => Slice(c, sl.Begin[k], sl.Step[k]))]),
                _ when op.Kind == OpKind.Reshape => Value(op.Inputs[0], CoordsOf(FlatOf(coords, os), ShapeOf(op.Inputs[0]))),
                _ when op.Kind == OpKind.BroadcastTo => Value(op.Inputs[0], Broadcast(coords, os, ShapeOf(op.Inputs[0]))),
                _ => throw new NotRowable(),
            };
        }
        return _memo[key] = result;
    }

    private static Aff[] Permute(Aff[] coords, TransposeAttrs t)
    {
        var ic = new Aff[coords.Length];
        for (var j = 0; j < coords.Length; j++) ic[t.Perm[j]] = coords[j];
        return ic;
    }

    private Aff Slice(Aff c, long begin, long step)
    {
        if (begin == 0 && step == 1) return c;
        var b = c.B == "0" ? $"{begin}LL" : Hoist(step == 1 ? $"{begin}LL + {c.B}" : $"{begin}LL + ({c.B}) * {step}LL");
        if (c.B == "0" && begin == 0) b = "0";
        return new Aff(b, c.S * step, Gcd(begin, c.A * step));
    }

    private (string, bool) Apply(Func<string[], string> f, params (string Name, bool Outer)[] args)
    {
        var outer = args.All(a => a.Outer);
        return (Local(f([.. args.Select(a => a.Name)]), outer), outer);
    }

    private string Local(string expr, bool outer)
    {
        var name = $"v{_n++}";
        (outer ? _outer.Append("        ") : _inner.Append("            ")).Append($"const float {name} = {expr};\n");
        return name;
    }
}

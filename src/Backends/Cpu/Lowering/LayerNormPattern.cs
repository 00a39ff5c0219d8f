
namespace Bridge.Backends.Cpu.Lowering;

/// <summary>
/// Recognises layer normalisation written out as elementwise ops and reductions (what ONNX exports below opset 17 and
/// torch's decomposition produce) and replaces it with one <see cref="OpKind.LayerNorm"/> op, so it runs as one pass of
/// <c>brg_layer_norm</c> instead of four loop nests:
/// <code>
/// m = mean(x, [-1], keepdims); d = x - m; v = mean(d^2 | d*d, [-1], keepdims);
/// y = d / sqrt(v + eps) * gamma + beta        (gamma, beta: constant vectors over the last axis)
/// </code>
/// Every intermediate must be read only inside the pattern; anything else leaves the ops as they are.
/// </summary>
public static class LayerNormPattern
{
    public static TensorProgram Rewrite(TensorProgram p)
    {
        var ops = p.Ops;
        var uses = ConstantFolding.Uses(ops, p.Outputs);
        var producer = new Dictionary<int, int>();
        for (var i = 0; i < ops.Length; i++) producer[ops[i].Output.Id] = i;
        var consumers = new Dictionary<int, List<int>>();
        for (var i = 0; i < ops.Length; i++)
            foreach (var b in ops[i].Inputs.DistinctBy(x => x.Id))
                (consumers.TryGetValue(b.Id, out var l) ? l : consumers[b.Id] = []).Add(i);
        TOp? Only(TBuffer b) =>
            uses.GetValueOrDefault(b.Id) == 1 && consumers.TryGetValue(b.Id, out var l) && l.Count == 1 ? ops[l[0]] : null;

        var removed = new HashSet<int>();
        var replaced = new Dictionary<int, TOp>();
        for (var i = 0; i < ops.Length; i++)
        {
            var m = ops[i];
            if (!IsLastAxisMean(m)) continue;
            var x = m.Inputs[0];
            if (x.DType != DataType.Float32 || x.Rank == 0 || x.Shape[^1].AsConst is not { } c) continue;
            // d = x - m, read by the square (once) and the divide
            if (Only(m.Output) is not { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "subtract" } } d || d.Inputs[0].Id != x.Id || d.Inputs[1].Id != m.Output.Id) continue;
            if (uses.GetValueOrDefault(d.Output.Id) != 2 || !consumers.TryGetValue(d.Output.Id, out var dl) || dl.Count != 2) continue;
            var sq = dl.Select(k => ops[k]).FirstOrDefault(IsSquareOf(d.Output));
            var div = dl.Select(k => ops[k]).FirstOrDefault(o => o is { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "divide" } } && o.Inputs[0].Id == d.Output.Id);
            if (sq is null || div is null) continue;
            if (Only(sq.Output) is not { } v || !IsLastAxisMean(v) || v.Inputs[0].Id != sq.Output.Id) continue;
            if (Only(v.Output) is not { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "add" } } ve || ScalarConst(ConstantFolding.Other(ve, v.Output)) is not { } eps) continue;
            if (Only(ve.Output) is not { Kind: OpKind.Unary, Attrs: UnaryAttrs { Fn: "sqrt" } } s) continue;
            if (Only(s.Output) is not { } div2 || div2 != div || div.Inputs[1].Id != s.Output.Id) continue;
            if (Only(div.Output) is not { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "multiply" } } gm || Vector(ConstantFolding.Other(gm, div.Output), c) is not { } gamma) continue;
            if (Only(gm.Output) is not { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "add" } } bt || Vector(ConstantFolding.Other(bt, gm.Output), c) is not { } beta) continue;
            if (!bt.Output.Shape.SequenceEqual(x.Shape) || bt.Output.DType != DataType.Float32) continue;
            var members = new[] { m, d, sq, v, ve, s, div, gm, bt };
            foreach (var o in members) removed.Add(producer[o.Output.Id]);
            replaced[producer[bt.Output.Id]] = new TOp(OpKind.LayerNorm, new LayerNormAttrs(eps), [x, gamma, beta], bt.Output, null, m.Loc,
                "layer_norm (mean/subtract/power/mean/add/sqrt/divide/multiply/add)");
        }
        if (replaced.Count == 0) return p;
        var result = ImmutableArray.CreateBuilder<TOp>();
        for (var i = 0; i < ops.Length; i++)
        {
            if (replaced.TryGetValue(i, out var ln)) result.Add(ln);
            else if (!removed.Contains(i)) result.Add(ops[i]);
        }
        return p.WithOps(result.ToImmutable());
    }

    private static bool IsLastAxisMean(TOp o) =>
        o is { Kind: OpKind.Reduce, Attrs: ReduceAttrs { Fn: "mean", KeepDims: true } r } && r.Axes.Length == 1 && r.Axes[0] == o.Inputs[0].Rank - 1;

    private static Func<TOp, bool> IsSquareOf(TBuffer d) => o =>
        o is { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "multiply" } } && o.Inputs[0].Id == d.Id && o.Inputs[1].Id == d.Id
        || o is { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "power" } } && o.Inputs[0].Id == d.Id && ScalarConst(o.Inputs[1]) == 2.0;

    private static double? ScalarConst(TBuffer b) =>
        b is { IsConstant: true, Value: { Length: 1 } t } && t.DType == DataType.Float32 ? t.GetDouble(0) : null;

    /// <summary>A constant float32 vector of <paramref name="c"/> elements (the last axis), as the kernel takes it.</summary>
    private static TBuffer? Vector(TBuffer b, long c) =>
        b is { IsConstant: true, Rank: 1, Value: { } t } && t.DType == DataType.Float32 && t.Length == c ? b : null;
}

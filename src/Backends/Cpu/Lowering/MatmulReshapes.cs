
namespace Bridge.Backends.Cpu.Lowering;

/// <summary>
/// Drops the reshapes around a matmul with constant weights that only flatten or restore the leading axes (Relay's
/// <c>reshape → nn.dense → reshape</c> where Relax has one <c>matmul</c> on a 3-D tensor). The packed GEMM reads A as M rows
/// of K whatever its leading axes, and writes M rows of N, so such a reshape is a copy for nothing — and a reshape between
/// the matmul and its bias add keeps the bias, residual and activation out of the GEMM's epilogue. Both reshapes must keep
/// the last axis and be read only by the matmul (resp. be the matmul's only reader).
/// </summary>
public static class MatmulReshapes
{
    public static TensorProgram Rewrite(TensorProgram p)
    {
        var ops = p.Ops;
        var uses = ConstantFolding.Uses(ops, p.Outputs);
        var producer = new Dictionary<int, int>();
        for (var i = 0; i < ops.Length; i++) producer[ops[i].Output.Id] = i;
        var readers = new Dictionary<int, List<int>>();
        for (var i = 0; i < ops.Length; i++)
            foreach (var b in ops[i].Inputs.DistinctBy(x => x.Id))
                (readers.TryGetValue(b.Id, out var l) ? l : readers[b.Id] = []).Add(i);
        bool OnlyReader(TBuffer b, int reader) =>
            uses.GetValueOrDefault(b.Id) == 1 && readers.TryGetValue(b.Id, out var l) && l.Count == 1 && l[0] == reader;

        var result = ops.ToArray();
        var removed = new HashSet<int>();
        for (var i = 0; i < ops.Length; i++)
        {
            var mm = result[i];
            if (mm is not { Kind: OpKind.Matmul } || mm.Inputs[1] is not { IsConstant: true, Rank: 2 } || mm.Output.DType != Core.Tensors.DataType.Float32)
                continue;
            var a = mm.Inputs[0];
            var inputs = mm.Inputs;
            if (producer.TryGetValue(a.Id, out var ri) && ops[ri] is { Kind: OpKind.Reshape } r1 && OnlyReader(a, i)
                && r1.Inputs[0] is { Rank: > 0 } x && SameLastAxis(x, a) && !removed.Contains(ri) && result[ri] == ops[ri])
            {
                inputs = [x, mm.Inputs[1]];
                removed.Add(ri);
            }
            var output = mm.Output;
            var last = i;
            if (readers.TryGetValue(mm.Output.Id, out var rl) && rl.Count == 1 && ops[rl[0]] is { Kind: OpKind.Reshape } r2
                && OnlyReader(mm.Output, rl[0]) && r2.Output.Rank > 0 && SameLastAxis(mm.Output, r2.Output))
            {
                output = r2.Output;
                removed.Add(rl[0]);
                last = rl[0];
            }
            if (inputs == mm.Inputs && output == mm.Output) continue;
            var op = new TOp(mm.Kind, mm.Attrs, inputs, output, null, mm.Loc, mm.SourceOp);
            // the matmul takes the place of a dropped output reshape (it runs there: its input is ready by then anyway)
            if (last != i) { removed.Remove(last); removed.Add(i); }
            result[last] = op;
        }
        if (removed.Count == 0) return p;
        return p.WithOps([.. result.Where((_, k) => !removed.Contains(k))]);
    }

    /// <summary>Same last axis and the same number of rows before it (a flatten or unflatten of the leading axes).</summary>
    private static bool SameLastAxis(TBuffer x, TBuffer y) =>
        SymExpr.ProveEqual(x.Shape[^1], y.Shape[^1]) == Tri.Proven
        && SymExpr.ProveEqual(x.Shape.Take(x.Rank - 1).Aggregate((SymExpr)1, (s, d) => s * d), y.Shape.Take(y.Rank - 1).Aggregate((SymExpr)1, (s, d) => s * d)) == Tri.Proven;
}

using Bridge.Backends.Cpu.Runtime;

namespace Bridge.Backends.Cpu.Lowering;

/// <summary>
/// Compile-time folding: (1) every op whose inputs are all constants and whose shape is static is evaluated once with its
/// reference kernel (weight transposes, bias reshapes, shape arithmetic); (2) a per-channel multiply after a convolution —
/// batch norm after SimplifyInference — is folded into the convolution's weights (and into a bias add between them).
/// </summary>
public static class ConstantFolding
{
    public static TensorProgram Run(TensorProgram p)
    {
        var ops = FoldConstants(p.Ops, p.Outputs);
        ops = FoldConvScale(ops, p.Outputs);
        ops = FoldAddChains(ops, p.Outputs);
        return p.WithOps(ops);
    }

    private static ImmutableArray<TOp> FoldConstants(ImmutableArray<TOp> ops, ImmutableArray<TBuffer> outputs)
    {
        var map = new Dictionary<int, TBuffer>();
        var outIds = outputs.Select(o => o.Id).ToHashSet();
        var result = ImmutableArray.CreateBuilder<TOp>();
        foreach (var op0 in ops)
        {
            var op = Remap(op0, map);
            var foldable = op.Inputs.Length > 0 && op.Inputs.All(i => i.IsConstant) && op.Output.IsStatic && !outIds.Contains(op.Output.Id)
                && (op.Origin is not null || op.Kind is OpKind.Reshape or OpKind.Binary) && op.SourceOp != "copy";
            if (foldable)
            {
                var value = ReferenceFallback.Run(op, [.. op.Inputs.Select(i => i.Value!)], _ => 0);
                map[op.Output.Id] = new TBuffer(op.Output.Id, op.Output.Name, BufferKind.Constant, op.Output.Shape, value.DType, value);
                continue;
            }
            result.Add(op);
        }
        return result.ToImmutable();
    }

    private static TOp Remap(TOp op, Dictionary<int, TBuffer> map) =>
        op.Inputs.Any(i => map.ContainsKey(i.Id)) ? op.WithInputs([.. op.Inputs.Select(i => map.TryGetValue(i.Id, out var c) ? c : i)]) : op;

    /// <summary>The values of a constant that broadcasts along axis 1 of a rank-<paramref name="rank"/> output with <paramref name="c"/> channels (or a scalar), else null.</summary>
    internal static float[]? PerChannel(TBuffer b, int rank, long c, int axis = 1)
    {
        if (b is not { IsConstant: true, Value: { } t } || t.DType != DataType.Float32 || b.Rank > rank) return null;
        if (t.Length == 1) return [.. Enumerable.Repeat(t.Span<float>()[0], (int)c)];
        var off = rank - b.Rank;
        for (var k = 0; k < b.Rank; k++)
        {
            var want = k + off == axis ? c : 1;
            if (t.Shape[k] != want) return null;
        }
        return t.Span<float>().ToArray();
    }

    private static ImmutableArray<TOp> FoldConvScale(ImmutableArray<TOp> ops, ImmutableArray<TBuffer> outputs)
    {
        var list = ops.ToList();
        var changed = true;
        while (changed)
        {
            changed = false;
            var uses = Uses(list, outputs);
            for (var i = 0; i < list.Count && !changed; i++)
            {
                var conv = list[i];
                if (conv.Kind != OpKind.Conv2d || conv.Inputs[1] is not { IsConstant: true, Value: { } w } || w.DType != DataType.Float32) continue;
                if (uses.GetValueOrDefault(conv.Output.Id) != 1) continue;
                var c = w.Shape[0];
                var next = list.FindIndex(o => o.Inputs.Any(x => x.Id == conv.Output.Id));
                if (next < 0) continue;
                var n1 = list[next];
                TOp? bias = null;
                var mulIdx = next;
                if (n1 is { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "add" } } && PerChannel(Other(n1, conv.Output), 4, c) is not null
                    && uses.GetValueOrDefault(n1.Output.Id) == 1)
                {
                    bias = n1;
                    mulIdx = list.FindIndex(o => o.Inputs.Any(x => x.Id == n1.Output.Id));
                    if (mulIdx < 0) continue;
                }
                var mul = list[mulIdx];
                var src = bias?.Output ?? conv.Output;
                if (mul is not { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "multiply" } } || PerChannel(Other(mul, src), 4, c) is not { } s) continue;
                if (!mul.Output.Shape.SequenceEqual(src.Shape)) continue;
                // w'[o,...] = w[o,...]·s[o]; b' = b·s; the multiply disappears: the last op now writes the multiply's output buffer.
                var per = w.Length / c;
                var nw = w.Clone();
                var ws = nw.Span<float>();
                for (var o = 0; o < c; o++) for (var k = 0; k < per; k++) ws[(int)(o * per + k)] *= s[o];
                var wBuf = new TBuffer(conv.Inputs[1].Id, conv.Inputs[1].Name + "_scaled", BufferKind.Constant, conv.Inputs[1].Shape, DataType.Float32, nw);
                if (bias is null)
                {
                    list[i] = new TOp(OpKind.Conv2d, conv.Attrs, [conv.Inputs[0], wBuf], mul.Output, conv.Origin, conv.Loc, conv.SourceOp);
                }
                else
                {
                    var bOld = Other(bias, conv.Output);
                    var bv = PerChannel(bOld, 4, c)!;
                    var nb = Tensor.FromArray([.. bv.Select((x, o) => x * s[o])], [.. bOld.Value!.Length == 1 ? [1, c, 1, 1] : bOld.Value!.Shape]);
                    var bBuf = new TBuffer(bOld.Id, bOld.Name + "_scaled", BufferKind.Constant, [.. nb.Shape.Select(d => (SymExpr)d)], DataType.Float32, nb);
                    list[i] = new TOp(OpKind.Conv2d, conv.Attrs, [conv.Inputs[0], wBuf], conv.Output, conv.Origin, conv.Loc, conv.SourceOp);
                    var ins = bias.Inputs.Select(x => x.Id == bOld.Id ? bBuf : x).ToImmutableArray();
                    list[next] = new TOp(bias.Kind, bias.Attrs, ins, mul.Output, null, bias.Loc, bias.SourceOp);
                }
                list.RemoveAt(mulIdx);
                changed = true;
            }
        }
        return [.. list];
    }

    /// <summary>add(add(x, c1), c2) → add(x, c1 + c2) for constants (a bias add followed by batch norm's shift).</summary>
    private static ImmutableArray<TOp> FoldAddChains(ImmutableArray<TOp> ops, ImmutableArray<TBuffer> outputs)
    {
        var list = ops.ToList();
        var uses = Uses(list, outputs);
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (a is not { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "add" } } || uses.GetValueOrDefault(a.Output.Id) != 1) continue;
            var c1 = a.Inputs.FirstOrDefault(x => x.IsConstant);
            if (c1 is null || a.Inputs.All(x => x.IsConstant) || c1.DType != DataType.Float32) continue;
            var x = Other(a, c1);
            if (!a.Output.Shape.SequenceEqual(x.Shape)) continue;
            var j = list.FindIndex(o => o.Inputs.Any(b => b.Id == a.Output.Id));
            if (j < 0) continue;
            var b = list[j];
            if (b is not { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "add" } } || !b.Output.Shape.SequenceEqual(x.Shape)) continue;
            var c2 = Other(b, a.Output);
            if (!c2.IsConstant || c2.DType != DataType.Float32) continue;
            var rank = Math.Max(c1.Rank, c2.Rank);
            var shape = new long[rank];
            var ok = true;
            for (var k = 0; k < rank; k++)
            {
                long D(TBuffer t) { var o = k - (rank - t.Rank); return o < 0 ? 1 : t.Value!.Shape[o]; }
                long d1 = D(c1), d2 = D(c2);
                if (d1 != d2 && d1 != 1 && d2 != 1) { ok = false; break; }
                shape[k] = Math.Max(d1, d2);
            }
            if (!ok || rank > x.Rank) continue;
            var sum = ReferenceFallback.Binary("add", c1.Value!, c2.Value!, shape);
            var cb = new TBuffer(c2.Id, c1.Name + "_plus_" + c2.Name, BufferKind.Constant, [.. shape.Select(d => (SymExpr)d)], DataType.Float32, sum);
            list[j] = new TOp(OpKind.Binary, b.Attrs, [x, cb], b.Output, null, b.Loc, b.SourceOp);
            list.RemoveAt(i);
            uses = Uses(list, outputs);
            i = -1;
        }
        return [.. list];
    }

    internal static TBuffer Other(TOp binary, TBuffer one) => binary.Inputs[0].Id == one.Id ? binary.Inputs[1] : binary.Inputs[0];

    /// <summary>How many times each buffer is read (program outputs count once more).</summary>
    internal static Dictionary<int, int> Uses(IEnumerable<TOp> ops, IEnumerable<TBuffer> outputs)
    {
        var u = new Dictionary<int, int>();
        foreach (var op in ops) foreach (var i in op.Inputs.DistinctBy(x => x.Id)) u[i.Id] = u.GetValueOrDefault(i.Id) + 1;
        foreach (var o in outputs) u[o.Id] = u.GetValueOrDefault(o.Id) + 1;
        return u;
    }
}

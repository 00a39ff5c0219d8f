using Bridge.Backends.Cpu.Lowering;
using Bridge.Backends.Reference;

namespace Bridge.Backends.Cpu.Runtime;

/// <summary>
/// Runs one neutral op through the reference kernel of the op it came from: the fallback of ops without codegen, and the
/// evaluator of constant folding (so a folded value is exactly what the interpreter computes).
/// </summary>
public static class ReferenceFallback
{
    /// <summary>The op's result on <paramref name="inputs"/> (its input buffers' values) with symbolic dims from <paramref name="dim"/>.</summary>
    public static Tensor Run(TOp op, IReadOnlyList<Tensor> inputs, Func<SymVar, long> dim)
    {
        if (op.Origin is null)
        {
            if (op.Kind == OpKind.Reshape || op.SourceOp == "copy" || op.Attrs is UnaryAttrs { Fn: "copy" })
            {
                var shape = op.Output.Shape.Select(d => d.Evaluate(dim)).ToArray();
                return Tensor.FromBytes(inputs[0].DType, shape, inputs[0].Bytes.ToArray());
            }
            if (op.Kind == OpKind.Binary && op.Attrs is BinaryAttrs bin) return Binary(bin.Fn, inputs[0], inputs[1], op.Output.Shape.Select(d => d.Evaluate(dim)).ToArray());
            throw new BridgeInternalError($"op {op} has no reference kernel to fall back on");
        }
        ReferenceKernels.EnsureRegistered();
        var o = op.Origin;
        var args = o.Args.Select(a => Arg(a, inputs, dim)).ToList();
        var kernel = InterpreterCommon.KernelOf(o.Op, op.Loc);
        var kc = new KernelCall(o.Op, o.Attrs, args, op.Loc) { OutDType = op.Output.DType };
        var v = InterpreterCommon.Invoke(kernel, kc);
        if (o.OutputIndex >= 0)
            v = v is TupleValue tv && o.OutputIndex < tv.Fields.Length ? tv.Fields[o.OutputIndex] : throw new BridgeInternalError($"{o.Op.Name} did not return a tuple");
        return v switch
        {
            TensorValue t => t.Tensor,
            _ => InterpreterCommon.Flatten(v) is [var one] ? one : throw new BridgeInternalError($"{o.Op.Name} returned {v.Describe()}, not a tensor"),
        };
    }

    private static Value Arg(OriginArg a, IReadOnlyList<Tensor> inputs, Func<SymVar, long> dim) => a switch
    {
        BufferArg b => new TensorValue(inputs[b.Index]),
        LiteralArg l => l.Value,
        ShapeArg s => new ShapeValue([.. s.Dims.Select(d => d.Evaluate(dim))]),
        PrimArg p => new PrimScalar(p.DType, p.Value.Evaluate(dim), p.Value.Evaluate(dim)),
        TupleArg t => new TupleValue([.. t.Fields.Select(f => Arg(f, inputs, dim))]),
        _ => throw new BridgeInternalError($"origin argument {a}"),
    };

    /// <summary>float32 numpy-broadcast binary op (the ops lowering synthesises, e.g. batch-norm's multiply and add).</summary>
    internal static Tensor Binary(string fn, Tensor a, Tensor b, long[] outShape)
    {
        var r = Tensor.Zeros(DataType.Float32, outShape);
        var rs = r.Span<float>();
        var n = rs.Length;
        var rank = outShape.Length;
        var idx = new long[rank];
        for (long i = 0; i < n; i++)
        {
            var rem = i;
            for (var k = rank - 1; k >= 0; k--) { idx[k] = rem % outShape[k]; rem /= outShape[k]; }
            var x = a.GetDouble(Broadcast(idx, a.Shape.AsSpan()));
            var y = b.GetDouble(Broadcast(idx, b.Shape.AsSpan()));
            rs[(int)i] = (float)(fn switch
            {
                "add" => x + y, "subtract" => x - y, "multiply" => x * y, "divide" => x / y,
                "maximum" => Math.Max(x, y), "minimum" => Math.Min(x, y), "power" => Math.Pow(x, y),
                _ => throw new BridgeInternalError($"binary {fn}"),
            });
        }
        return r;
    }

    private static long Broadcast(long[] idx, ReadOnlySpan<long> shape)
    {
        long flat = 0;
        var off = idx.Length - shape.Length;
        for (var k = 0; k < shape.Length; k++) flat = flat * shape[k] + (shape[k] == 1 ? 0 : idx[k + off]);
        return flat;
    }
}

using Bridge.Backends.Cpu.Lowering;
using Bridge.Backends.Cuda.Kernels;

namespace Bridge.Backends.Cuda;

/// <summary>
/// The integer program the tape kernels read, built on the host once the symbolic dims are bound. An injective expression is
/// a postfix list: <see cref="Load"/> (arena base, index stages), <see cref="Unary"/> (fn, lo, hi as float bits),
/// <see cref="Binary"/> (fn, swapped). A stage maps a flat index of one shape to a flat index of an input: the index is split
/// over the stage's dims and recombined with its strides plus an offset — transposes, broadcasts and slices are stages;
/// reshapes and elementwise ops keep the flat index and add none.
/// </summary>
public sealed class Tape
{
    public const int Load = 0, Unary = 1, Binary = 2;

    private readonly List<int> _ints = [];
    public int Count => _ints.Count;
    public int[] ToArray() => [.. _ints];

    public int Add(params ReadOnlySpan<int> values)
    {
        var at = _ints.Count;
        foreach (var v in values) _ints.Add(v);
        return at;
    }

    /// <summary>One index stage (rank, offset, dims, strides).</summary>
    public sealed record Stage(long Offset, long[] Dims, long[] Strides);

    /// <summary>
    /// Writes the expression computing <paramref name="root"/>'s output inside a group whose members are <paramref name="members"/>
    /// (buffers produced outside them are loads at <paramref name="baseOf"/>); returns its tape position.
    /// </summary>
    public int Expression(TOp root, IReadOnlyCollection<TOp> members, Func<TBuffer, int> baseOf, Func<TBuffer, long[]> shapeOf)
    {
        var producer = members.ToDictionary(o => o.Output.Id);
        var body = new List<int>();
        var count = 0;
        int Need(TBuffer b) => producer.TryGetValue(b.Id, out var op) ? NeedOp(op) : 1;
        int NeedOp(TOp op) => op.Kind switch
        {
            OpKind.Binary => Need(op.Inputs[0]) is var a && Need(op.Inputs[1]) is var c && a == c ? a + 1 : Math.Max(a, c),
            _ => Need(op.Inputs[0]),
        };
        if (NeedOp(root) > TapeKernels.StackDepth) throw new NotSupportedException($"expression deeper than {TapeKernels.StackDepth}");

        void Emit(TBuffer b, List<Stage> stages)
        {
            if (!producer.TryGetValue(b.Id, out var op))
            {
                body.Add(Load); body.Add(baseOf(b)); body.Add(stages.Count);
                foreach (var s in stages)
                {
                    body.Add(s.Dims.Length); body.Add(checked((int)s.Offset));
                    foreach (var d in s.Dims) body.Add(checked((int)d));
                    foreach (var d in s.Strides) body.Add(checked((int)d));
                }
                count++;
                return;
            }
            EmitOp(op, stages);
        }

        void EmitOp(TOp op, List<Stage> stages)
        {
            var outShape = shapeOf(op.Output);
            switch (op.Kind)
            {
                case OpKind.Unary:
                    {
                        var u = (UnaryAttrs)op.Attrs;
                        Emit(op.Inputs[0], stages);
                        var code = DeviceMath.UnaryCode(u.Fn);
                        if (code < 0) throw new NotSupportedException($"unary {u.Fn}");
                        body.Add(Unary); body.Add(code);
                        body.Add(BitConverter.SingleToInt32Bits((float)u.Lo)); body.Add(BitConverter.SingleToInt32Bits((float)u.Hi));
                        count++;
                        return;
                    }
                case OpKind.Binary:
                    {
                        var fn = DeviceMath.BinaryCode(((BinaryAttrs)op.Attrs).Fn);
                        if (fn < 0) throw new NotSupportedException($"binary {((BinaryAttrs)op.Attrs).Fn}");
                        var swapped = Need(op.Inputs[1]) > Need(op.Inputs[0]);
                        var (first, second) = swapped ? (op.Inputs[1], op.Inputs[0]) : (op.Inputs[0], op.Inputs[1]);
                        Emit(first, With(stages, Broadcast(shapeOf(first), outShape)));
                        Emit(second, With(stages, Broadcast(shapeOf(second), outShape)));
                        body.Add(Binary); body.Add(fn); body.Add(swapped ? 1 : 0);
                        count++;
                        return;
                    }
                case OpKind.Reshape:
                    Emit(op.Inputs[0], stages);
                    return;
                case OpKind.BroadcastTo:
                    Emit(op.Inputs[0], With(stages, Broadcast(shapeOf(op.Inputs[0]), outShape)));
                    return;
                case OpKind.Transpose:
                    {
                        var perm = ((TransposeAttrs)op.Attrs).Perm;
                        var inStrides = Strides(shapeOf(op.Inputs[0]));
                        Emit(op.Inputs[0], With(stages, new Stage(0, outShape, [.. perm.Select(p => inStrides[p])])));
                        return;
                    }
                case OpKind.StridedSlice:
                    {
                        var a = (StridedSliceAttrs)op.Attrs;
                        var inStrides = Strides(shapeOf(op.Inputs[0]));
                        var off = 0L;
                        for (var k = 0; k < inStrides.Length; k++) off += a.Begin[k] * inStrides[k];
                        Emit(op.Inputs[0], With(stages, new Stage(off, outShape, [.. inStrides.Select((s, k) => s * a.Step[k])])));
                        return;
                    }
                default:
                    throw new BridgeInternalError($"tape: {op.Kind} is not injective");
            }
        }

        EmitOp(root, []);
        var at = Add(count);
        _ints.AddRange(body);
        return at;
    }

    private static List<Stage> With(List<Stage> stages, Stage? s) => s is null ? stages : [.. stages, s];

    /// <summary>The stage reading <paramref name="input"/> broadcast (numpy rules) to <paramref name="output"/>, or null when they are equal.</summary>
    public static Stage? Broadcast(long[] input, long[] output)
    {
        if (input.SequenceEqual(output)) return null;
        var strides = Strides(input);
        var off = output.Length - input.Length;
        var s = new long[output.Length];
        for (var k = 0; k < output.Length; k++) s[k] = k - off >= 0 && input[k - off] != 1 ? strides[k - off] : 0;
        return new Stage(0, output, s);
    }

    /// <summary>Row-major strides (in elements).</summary>
    public static long[] Strides(long[] shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (var k = shape.Length - 1; k >= 0; k--) { s[k] = acc; acc *= shape[k]; }
        return s;
    }
}

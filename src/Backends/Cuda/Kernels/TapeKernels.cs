using ILGPU;
using ILGPU.Runtime;

namespace Bridge.Backends.Cuda.Kernels;

/// <summary>
/// Kernels driven by an integer tape (<see cref="Tape"/>): injective groups (a fused expression tree evaluated per output
/// element; index math over the extents bound at run time), reductions with an injective prologue (one thread block per
/// output element, warp-shuffle block reduce) and strided copies (concatenation). Every tensor lives in one float arena.
/// </summary>
public static class TapeKernels
{
    /// <summary>Most values the expression stack holds (the tape builder orders operands to stay below it).</summary>
    public const int StackDepth = 16;

    /// <summary>Evaluates the expression at tape[<paramref name="pos"/>] at flat index <paramref name="idx"/> of its root shape.</summary>
    public static float Eval(ArrayView<float> arena, ArrayView<int> tape, int pos, int idx)
    {
        var stack = LocalMemory.Allocate<float>(StackDepth);
        var sp = 0;
        var n = tape[pos++];
        for (var i = 0; i < n; i++)
        {
            var code = tape[pos++];
            if (code == Tape.Load)
            {
                var b = tape[pos++];
                var stages = tape[pos++];
                var at = idx;
                for (var s = 0; s < stages; s++)
                {
                    var rank = tape[pos++];
                    var flat = tape[pos++];
                    var rem = at;
                    for (var k = rank - 1; k >= 0; k--)
                    {
                        var d = tape[pos + k];
                        var c = rem % d;
                        rem /= d;
                        flat += c * tape[pos + rank + k];
                    }
                    pos += 2 * rank;
                    at = flat;
                }
                stack[sp++] = arena[b + at];
            }
            else if (code == Tape.Unary)
            {
                var fn = tape[pos++];
                var lo = Interop.IntAsFloat((uint)tape[pos++]);
                var hi = Interop.IntAsFloat((uint)tape[pos++]);
                stack[sp - 1] = DeviceMath.Unary(fn, stack[sp - 1], lo, hi);
            }
            else
            {
                var fn = tape[pos++];
                var swapped = tape[pos++];
                var top = stack[--sp];
                var under = stack[sp - 1];
                stack[sp - 1] = swapped != 0 ? DeviceMath.Binary(fn, top, under) : DeviceMath.Binary(fn, under, top);
            }
        }
        return stack[0];
    }

    /// <summary>out[i] = expr(i): one thread per output element.</summary>
    public static void Injective(Index1D i, ArrayView<float> arena, ArrayView<int> tape, int pos, int outBase) =>
        arena[outBase + i] = Eval(arena, tape, pos, i);

    /// <summary>
    /// One block per output element o (grid-stride over blocks): the reduced elements of the prologue's shape are strided over
    /// the block's threads and combined with warp shuffles. Descriptor at tape[desc]: kept rank, reduced rank, kept dims,
    /// kept strides, reduced dims, reduced strides (strides into the prologue's flat index).
    /// </summary>
    public static void Reduce(ArrayView<float> arena, ArrayView<int> tape, int pos, int desc, int outBase, int numOut, int r, int fn)
    {
        var scratch = SharedMemory.Allocate<float>(32);
        var op = fn == 2 ? 1 : fn == 3 ? 2 : 0; // sum, mean → sum; max; min
        var keptRank = tape[desc];
        var redRank = tape[desc + 1];
        var kd = desc + 2;
        var rd = kd + 2 * keptRank;
        for (var o = Grid.IdxX; o < numOut; o += Grid.DimX)
        {
            var rem = o;
            var basis = 0;
            for (var k = keptRank - 1; k >= 0; k--)
            {
                var d = tape[kd + k];
                basis += rem % d * tape[kd + keptRank + k];
                rem /= d;
            }
            var acc = DeviceMath.Identity(op);
            for (var j = Group.IdxX; j < r; j += Group.DimX)
            {
                var rr = j;
                var at = basis;
                for (var k = redRank - 1; k >= 0; k--)
                {
                    var d = tape[rd + k];
                    at += rr % d * tape[rd + redRank + k];
                    rr /= d;
                }
                acc = DeviceMath.Combine(op, acc, Eval(arena, tape, pos, at));
            }
            var total = DeviceMath.BlockReduce(acc, op, scratch);
            if (Group.IsFirstThread) arena[outBase + o] = fn == 1 ? total / r : total;
        }
    }

    /// <summary>Concatenation: input element i (inner span <paramref name="span"/> per outer index) → out[outer·outSpan + offset + rest].</summary>
    public static void CopyInto(Index1D i, ArrayView<float> arena, int src, int dst, int span, int outSpan, int offset) =>
        arena[dst + i / span * outSpan + offset + i % span] = arena[src + i];
}

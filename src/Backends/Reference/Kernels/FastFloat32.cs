using System.Numerics.Tensors;
using Tensor = Bridge.Core.Tensors.Tensor;
using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>
/// Copy-free float32 paths of the elementwise kernels: they read the operands' buffers in place and write the result once
/// (no float[] staging, no zeroing). Results are bit-identical to the generic paths: float32 +, −, ×, ÷, max and min round the
/// same whether computed in float or in double and rounded once, and NaN propagates in max/min as numpy's maximum/minimum.
/// </summary>
internal static class FastFloat32
{
    /// <summary>
    /// A broadcast binary op as runs: the output shape with adjacent dims merged wherever both operands advance contiguously
    /// (or both stay put) across them, so the innermost run is long and each operand is either a span (stride 1) or a scalar
    /// (stride 0) along it. [1,C,H,W] ⊕ [C,1,1] becomes C runs of H·W against one scalar each.
    /// </summary>
    private readonly record struct Plan(long[] Dims, long[] StrideA, long[] StrideB);

    private static Plan Collapse(long[] outShape, long[] sa, long[] sb)
    {
        var dims = new List<long>();
        var a = new List<long>();
        var b = new List<long>();
        for (var i = 0; i < outShape.Length; i++)
        {
            if (outShape[i] == 1) continue; // a dim of 1 contributes nothing to addressing
            if (dims.Count > 0)
            {
                var k = dims.Count - 1;
                // Merge dim i into the previous merged dim when both operands' strides continue it.
                if (a[k] == sa[i] * outShape[i] && b[k] == sb[i] * outShape[i])
                {
                    dims[k] *= outShape[i];
                    a[k] = sa[i];
                    b[k] = sb[i];
                    continue;
                }
            }
            dims.Add(outShape[i]);
            a.Add(sa[i]);
            b.Add(sb[i]);
        }
        if (dims.Count == 0) { dims.Add(1); a.Add(0); b.Add(0); }
        return new Plan([.. dims], [.. a], [.. b]);
    }

    public static bool Supports(BinaryOp op) =>
        op is BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide or BinaryOp.Maximum or BinaryOp.Minimum;

    /// <summary>float32 <paramref name="op"/> with numpy broadcasting into a new tensor of <paramref name="outShape"/>.</summary>
    public static Tensor Binary(BinaryOp op, Tensor a, Tensor b, long[] outShape)
    {
        var y = Tensor.Uninitialized(DataType.Float32, outShape);
        if (y.Length == 0) return y;
        var plan = Collapse(outShape, BroadcastStrides(a.Shape, outShape), BroadcastStrides(b.Shape, outShape));
        var rank = plan.Dims.Length;
        var inner = plan.Dims[rank - 1];
        var (ia, ib) = (plan.StrideA[rank - 1], plan.StrideB[rank - 1]);
        // Broadcasting never strides the innermost kept dim: every dim after it is 1 in the output, hence in both operands,
        // so each operand's stride there is 1 (it has the dim) or 0 (it is stretched).
        if (ia > 1 || ib > 1) throw new Bridge.Core.Diagnostics.BridgeInternalError($"broadcast run with inner strides {ia}/{ib}");
        var outer = y.Length / inner;
        var xa = a.ReadOnlySpan<float>();
        var xb = b.ReadOnlySpan<float>();
        var dst = y.Span<float>();
        // A scalar operand along the run is spread into a run-long buffer (L1-resident), so one span⊕span call serves every case.
        var spread = ia == 1 && ib == 1 ? [] : new float[inner];
        // Offsets of each run's start in a and b: one per index of the outer dims (KernelCommon.OffsetsOf).
        var starts = plan.Dims.AsSpan(0, rank - 1);
        var runsA = OffsetsOf(starts, plan.StrideA.AsSpan(0, rank - 1));
        var runsB = OffsetsOf(starts, plan.StrideB.AsSpan(0, rank - 1));
        for (long r = 0; r < outer; r++)
        {
            var d = dst.Slice((int)(r * inner), (int)inner);
            var (oa, ob) = ((int)runsA[r], (int)runsB[r]);
            if (ia != 1 && ib != 1) d.Fill(Scalar(op, xa[oa], xb[ob]));
            else if (ib != 1) Run(op, xa.Slice(oa, (int)inner), Spread(spread, xb[ob]), d);
            else if (ia != 1) Run(op, Spread(spread, xa[oa]), xb.Slice(ob, (int)inner), d);
            else Run(op, xa.Slice(oa, (int)inner), xb.Slice(ob, (int)inner), d);
        }
        return y;
    }

    private static ReadOnlySpan<float> Spread(float[] buffer, float value)
    {
        buffer.AsSpan().Fill(value);
        return buffer;
    }

    private static void Run(BinaryOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> z, Span<float> d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(x, z, d); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(x, z, d); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(x, z, d); break;
            case BinaryOp.Divide: TensorPrimitives.Divide(x, z, d); break;
            case BinaryOp.Maximum: TensorPrimitives.Max(x, z, d); break;
            default: TensorPrimitives.Min(x, z, d); break;
        }
    }

    private static float Scalar(BinaryOp op, float x, float z) => op switch
    {
        BinaryOp.Add => x + z,
        BinaryOp.Subtract => x - z,
        BinaryOp.Multiply => x * z,
        BinaryOp.Divide => x / z,
        BinaryOp.Maximum => float.IsNaN(x) || float.IsNaN(z) ? float.NaN : MathF.Max(x, z),
        _ => float.IsNaN(x) || float.IsNaN(z) ? float.NaN : MathF.Min(x, z),
    };

    /// <summary>
    /// Per-channel y = (x − center[c])·scale[c] + shift[c] over a tensor whose channel axis is <paramref name="axis"/>
    /// (inference batch_norm with γ/√(var+eps) folded into scale). Subtracting first keeps x ≈ mean exact.
    /// </summary>
    public static Tensor ChannelAffine(Tensor x, int axis, ReadOnlySpan<float> center, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift)
    {
        var y = Tensor.Uninitialized(DataType.Float32, [.. x.Shape]);
        long outer = 1, inner = 1;
        for (var i = 0; i < axis; i++) outer *= x.Shape[i];
        for (var i = axis + 1; i < x.Rank; i++) inner *= x.Shape[i];
        var c = x.Shape[axis];
        var src = x.ReadOnlySpan<float>();
        var dst = y.Span<float>();
        for (long o = 0; o < outer; o++)
        for (var ch = 0; ch < c; ch++)
        {
            var off = (int)((o * c + ch) * inner);
            var d = dst.Slice(off, (int)inner);
            TensorPrimitives.Subtract(src.Slice(off, (int)inner), center[ch], d);
            TensorPrimitives.Multiply(d, scale[ch], d);
            TensorPrimitives.Add(d, shift[ch], d);
        }
        return y;
    }
}

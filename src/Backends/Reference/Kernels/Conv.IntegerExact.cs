namespace Bridge.Backends.Reference;

/// <summary>Integer convolutions (qnn.conv2d, ConvInteger, quantized Conv) through the float32 GEMM, exactly.</summary>
public static partial class Conv
{
    /// <summary>Float32 holds every integer of magnitude up to 2^24 exactly.</summary>
    private const double ExactFloat32 = 1 << 24;

    /// <summary>
    /// Runs an integer-valued convolution on the packed float32 GEMM when that is exact, else returns null (the caller uses the
    /// direct double loop). Every product |x·w| ≤ max|x|·max|w| and every partial sum of a dot product over K terms is an integer of
    /// magnitude ≤ K·max|x|·max|w|; when that bound is ≤ 2^24 every float32 operation is exact, in any summation order. With
    /// groups = 1 a larger K is split over chunks of input channels that each satisfy the bound; the chunk results (exact integers)
    /// are summed in double. Uint8/int8 data with a zero point (|v| ≤ 255) fits 28 input channels of a 3×3 kernel per chunk.
    /// </summary>
    private static double[]? IntegerThroughFloat32(double[] x, double[] w, Geometry g)
    {
        var maxX = MaxAbsInteger(x);
        var maxW = MaxAbsInteger(w);
        if (maxX is not { } mx || maxW is not { } mw) return null;
        var kv = g.KD * g.KH * g.KW;
        var perChannel = Math.Max(1.0, kv * Math.Max(mx, 1) * Math.Max(mw, 1));
        var chunk = (int)Math.Min(g.CInPerGroup, Math.Floor(ExactFloat32 / perChannel));
        if (chunk < 1 || (chunk < g.CInPerGroup && g.Groups != 1)) return null;
        var outLen = g.OutShape.Aggregate(1L, (a, b) => a * b);
        if (chunk == g.CInPerGroup)
        {
            var y = Core.Tensors.Tensor.Uninitialized(Core.Tensors.DataType.Float32, g.OutShape);
            Float32(Floats(x, [.. InShape(g, g.CIn)]), Floats(w, [g.COut, g.CInPerGroup, g.KD, g.KH, g.KW]), y, g, null);
            return [.. y.ReadOnlySpan<float>().ToArray().Select(v => (double)v)];
        }
        var acc = new double[outLen];
        var inSp = (long)g.ID * g.IH * g.IW;
        for (var c0 = 0; c0 < g.CIn; c0 += chunk)
        {
            var c = Math.Min(chunk, g.CIn - c0);
            var xs = new float[(long)g.N * c * inSp];
            for (var n = 0; n < g.N; n++)
                for (var ic = 0; ic < c; ic++)
                    for (long i = 0; i < inSp; i++)
                        xs[((long)n * c + ic) * inSp + i] = (float)x[((long)n * g.CIn + c0 + ic) * inSp + i];
            var ws = new float[(long)g.COut * c * kv];
            for (var oc = 0; oc < g.COut; oc++)
                for (var ic = 0; ic < c; ic++)
                    for (var k = 0; k < kv; k++)
                        ws[((long)oc * c + ic) * kv + k] = (float)w[((long)oc * g.CIn + c0 + ic) * kv + k];
            var gc = g with { CIn = c, CInPerGroup = c };
            var y = Core.Tensors.Tensor.Uninitialized(Core.Tensors.DataType.Float32, g.OutShape);
            Float32(Core.Tensors.Tensor.FromArray(xs, InShape(g, c)), Core.Tensors.Tensor.FromArray(ws, g.COut, c, g.KD, g.KH, g.KW), y, gc, null);
            var ys = y.ReadOnlySpan<float>();
            for (var i = 0; i < outLen; i++) acc[i] += ys[i];
        }
        return acc;
    }

    private static long[] InShape(Geometry g, int channels) => [g.N, channels, g.ID, g.IH, g.IW];

    private static Core.Tensors.Tensor Floats(double[] v, long[] shape) => Core.Tensors.Tensor.FromArray([.. v.Select(d => (float)d)], shape);

    /// <summary>The largest |v| when every value is an integer within float32's exact range, else null.</summary>
    private static double? MaxAbsInteger(double[] v)
    {
        double m = 0;
        foreach (var d in v)
        {
            if (d != Math.Floor(d) || Math.Abs(d) > ExactFloat32) return null;
            m = Math.Max(m, Math.Abs(d));
        }
        return m;
    }
}

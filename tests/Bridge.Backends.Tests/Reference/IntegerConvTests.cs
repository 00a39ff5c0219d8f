using Bridge.Backends.Reference;

namespace Bridge.Backends.Tests.Reference;

/// <summary>
/// Integer convolutions (the quantized paths) run on the float32 GEMM only where that is exact: checked bit for bit against a
/// naive convolution in 64-bit integer arithmetic, for a single chunk, for input channels split over chunks, for groups, and
/// for values beyond float32's exact range (the direct loop).
/// </summary>
[TestFixture]
public sealed class IntegerConvTests
{
    private static long[] Naive(long[] x, long[] w, int n, int cin, int h, int wd, int cout, int k, int pad, int stride, int groups)
    {
        var oh = (h + 2 * pad - k) / stride + 1;
        var ow = (wd + 2 * pad - k) / stride + 1;
        var ci = cin / groups;
        var co = cout / groups;
        var y = new long[n * cout * oh * ow];
        for (var b = 0; b < n; b++)
            for (var oc = 0; oc < cout; oc++)
                for (var i = 0; i < oh; i++)
                    for (var j = 0; j < ow; j++)
                    {
                        long acc = 0;
                        var gr = oc / co;
                        for (var ic = 0; ic < ci; ic++)
                            for (var a = 0; a < k; a++)
                                for (var c = 0; c < k; c++)
                                {
                                    var ih = i * stride - pad + a;
                                    var iw = j * stride - pad + c;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                    acc += x[((b * cin + gr * ci + ic) * h + ih) * wd + iw] * w[((oc * ci + ic) * k + a) * k + c];
                                }
                        y[((b * cout + oc) * oh + i) * ow + j] = acc;
                    }
        return y;
    }

    private static long[] Values(int count, long lo, long hi, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => lo + (long)(rng.NextDouble() * (hi - lo + 1)))];
    }

    // (cin, groups, lo, hi): 8 channels fit one chunk; 64 channels of ±255 need three chunks of 28; groups 2 fit; int64 values
    // of 2^20 give products beyond float32's exact range and take the direct loop.
    [TestCase(8, 1, -255L, 255L)]
    [TestCase(64, 1, -255L, 255L)]
    [TestCase(16, 2, -128L, 127L)]
    [TestCase(4, 1, -(1L << 20), 1L << 20)]
    public void Integer_conv_is_exact(int cin, int groups, long lo, long hi)
    {
        const int n = 2, h = 7, wd = 6, cout = 4, k = 3, pad = 1, stride = 2;
        var x = Values(n * cin * h * wd, lo, hi, 1);
        var w = Values(cout * (cin / groups) * k * k, lo, hi, 2);
        var xt = Tensor.FromArray(x, n, cin, h, wd);
        var wt = Tensor.FromArray(w, cout, cin / groups, k, k);
        var y = Conv.Forward(xt, wt, new ConvParams([stride, stride], [pad, pad], [1, 1], Groups: groups));
        var expected = Naive(x, w, n, cin, h, wd, cout, k, pad, stride, groups);
        Assert.That(y.Shape, Is.EqualTo(new long[] { n, cout, 4, 3 }));
        Assert.That(Enumerable.Range(0, expected.Length).Select(i => y.GetInt64(i)), Is.EqualTo(expected));
    }
}

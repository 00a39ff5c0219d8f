using Bridge.Backends.Cpu;
using Bridge.Backends.Reference;
using static Bridge.Backends.Tests.Cpu.NativeKernelAssert;

namespace Bridge.Backends.Tests.Cpu;

/// <summary>
/// Pooling, softmax/log_softmax and layer_norm kernels against the reference kernels (which compute in double and round
/// once). Max pooling is exact; averages, softmax and layer norm are float32 sums: tolerances are a few ulp of the
/// result (rtol 1e-5) plus 1e-6 absolute for values near zero.
/// </summary>
[TestFixture]
public sealed class NativePoolAndRowTests
{
    public static IEnumerable<TestCaseData> PoolCases()
    {
        // (n, c, h, w, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, ceil)
        yield return new TestCaseData(2L, 3L, 9L, 11L, 3L, 3L, 2L, 2L, 1L, 1L, 1L, 1L, 1L, 1L, false).SetName("3x3 s2 p1");
        yield return new TestCaseData(1L, 2L, 10L, 7L, 2L, 3L, 1L, 2L, 0L, 1L, 1L, 2L, 1L, 1L, false).SetName("asymmetric pads");
        yield return new TestCaseData(1L, 2L, 12L, 12L, 3L, 3L, 2L, 2L, 1L, 1L, 1L, 1L, 2L, 2L, false).SetName("dilated");
        yield return new TestCaseData(1L, 3L, 8L, 9L, 3L, 3L, 2L, 2L, 0L, 0L, 0L, 0L, 1L, 1L, true).SetName("ceil mode");
        yield return new TestCaseData(1L, 1L, 4L, 40L, 1L, 4L, 1L, 1L, 0L, 0L, 0L, 0L, 1L, 1L, false).SetName("wide row");
    }

    [TestCaseSource(nameof(PoolCases))]
    public void PoolsMatchTheReference(long n, long c, long h, long w, long kh, long kw, long sh, long sw, long pt, long pl, long pb, long pr, long dh, long dw, bool ceil)
    {
        var x = Random(n * c * h * w, 1);
        x[3] = float.NaN; // NaN propagates through max; average takes it too
        var xt = Tensor.FromArray(x, n, c, h, w);
        foreach (var (kind, include) in new[] { (PoolKind.Max, false), (PoolKind.Avg, false), (PoolKind.Avg, true) })
        {
            var pp = new PoolParams([kh, kw], [sh, sw], [pt, pl, pb, pr], [dh, dw], "NCHW", ceil, include) { ClampCeilWindows = false };
            var expected = Pool.Window(kind, xt, pp);
            var p = new NativePool2dParams(n, c, h, w, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, expected.Shape[2], expected.Shape[3], include ? 1 : 0);
            var y = new float[expected.Length];
            if (kind == PoolKind.Max) NativeKernels.MaxPool2d(p, x, y); else NativeKernels.AvgPool2d(p, x, y);
            Close(y, expected.ReadOnlySpan<float>().ToArray(), kind == PoolKind.Max ? 0 : 1e-6, 1e-5, $"{kind} include_pad={include}");
        }
    }

    [Test]
    public void GlobalAveragePoolMatchesTheReference()
    {
        var x = Random(2 * 5 * 49, 2);
        var expected = Pool.Global(PoolKind.Avg, Tensor.FromArray(x, 2, 5, 7, 7)).ReadOnlySpan<float>().ToArray();
        var y = new float[10];
        NativeKernels.GlobalAvgPool2d(2, 5, 49, x, y);
        Close(y, expected, 1e-6, 1e-5, "global avg");
    }

    [TestCase(1, 1)]
    [TestCase(3, 7)]
    [TestCase(4, 8)]
    [TestCase(5, 33)]
    [TestCase(2, 1000)]
    [TestCase(64, 2049)]
    public void SoftmaxAndLogSoftmaxMatchTheReference(int rows, int cols)
    {
        var x = Random(rows * cols, 3, -80, 80); // large logits: the max must be subtracted
        if (rows > 2) for (var j = 0; j < cols; j++) x[2 * cols + j] = float.NegativeInfinity; // an all -inf row: NaN
        var xt = Tensor.FromArray(x, rows, cols);
        foreach (var log in new[] { false, true })
        {
            var expected = Reduce.Softmax(xt, -1, log).ReadOnlySpan<float>().ToArray();
            var y = new float[x.Length];
            if (log) NativeKernels.LogSoftmax(rows, cols, x, y); else NativeKernels.Softmax(rows, cols, x, y);
            Close(y, expected, log ? 1e-4 : 1e-7, 1e-5, log ? "log_softmax" : "softmax");
        }
    }

    [TestCase(1, 1)]
    [TestCase(3, 7)]
    [TestCase(5, 768)]
    [TestCase(33, 129)]
    public void LayerNormMatchesTheReference(int rows, int cols)
    {
        var x = Random(rows * cols, 4, 90, 110); // a large mean: a one-pass variance would cancel
        var gamma = Random(cols, 5);
        var beta = Random(cols, 6);
        var xt = Tensor.FromArray(x, rows, cols);
        foreach (var affine in new[] { true, false })
        {
            var expected = Norm.LayerNorm(xt, affine ? Tensor.FromArray(gamma, cols) : null, affine ? Tensor.FromArray(beta, cols) : null, [-1], 1e-5)
                .ReadOnlySpan<float>().ToArray();
            var y = new float[x.Length];
            NativeKernels.LayerNorm(rows, cols, x, affine ? gamma : null, affine ? beta : null, 1e-5f, y);
            Close(y, expected, 2e-5, 1e-4, $"layer_norm affine={affine}");
        }
    }
}

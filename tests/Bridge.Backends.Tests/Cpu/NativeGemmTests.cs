using Bridge.Backends.Cpu;
using Bridge.Backends.Reference;
using static Bridge.Backends.Tests.Cpu.NativeKernelAssert;

namespace Bridge.Backends.Tests.Cpu;

/// <summary>
/// brg_gemm / brg_gemm_packed / brg_gemm_batched against the reference GEMM (<see cref="Gemm.Sgemm"/>), with the epilogue
/// computed in double from its definition. Shapes straddle the 6×16 micro-tile, the 256-deep K block and the 144-row M block.
/// Tolerance: both sides are float32 FMA chains over K in different orders, so |Δ| ≤ K·2⁻²³·Σ|a·b| ≈ 1e-5·K for inputs in
/// [-1, 1]; an indexing bug is off by O(1).
/// </summary>
[TestFixture]
public sealed class NativeGemmTests
{
    private static float[] Reference(long m, long n, long k, float[] a, long lda, float[] b, long ldb, bool transB, long ldc)
    {
        var c = new float[m * ldc];
        Gemm.Sgemm((int)m, (int)n, (int)k, a, 0, (int)lda, false, b, 0, (int)ldb, transB, c, 0, (int)ldc, false);
        return c;
    }

    private static bool InMatrix(long i, long n, long ldc) => i % ldc < n;

    [TestCase(1, 1, 1)]
    [TestCase(7, 17, 5)]
    [TestCase(6, 16, 256)]
    [TestCase(37, 33, 300)]
    [TestCase(13, 50, 513)]
    [TestCase(150, 130, 70)]
    [TestCase(200, 300, 600)]
    [TestCase(1, 1000, 64)]
    [TestCase(197, 768, 768)] // wide N packs A per 144-row block: the second block once read the wrong rows
    [TestCase(300, 1024, 100)]
    public void GemmMatchesTheReferenceWithPaddedLeadingDims(int m, int n, int k)
    {
        foreach (var transB in new[] { false, true })
        {
            long lda = k + 3, ldb = (transB ? k : n) + 2, ldc = n + 5;
            var a = Random(m * lda, 1);
            var b = Random((transB ? n : k) * ldb, 2);
            var c = Random(m * ldc, 3); // garbage outside the matrix must stay untouched
            var before = (float[])c.Clone();
            NativeKernels.Gemm(m, n, k, a, lda, b, ldb, transB, c, ldc);
            var expected = Reference(m, n, k, a, lda, b, ldb, transB, ldc);
            Close(c, expected, 1e-5 * k, 1e-5, $"gemm {m}x{n}x{k} transB={transB}", i => InMatrix(i, n, ldc));
            for (long i = 0; i < c.Length; i++)
                if (!InMatrix(i, n, ldc)) Assert.That(c[i], Is.EqualTo(before[i]), $"wrote outside C at {i}");
        }
    }

    [Test]
    public void PackedGemmAppliesEveryActivationWithScaleBiasAndResidual([ValueSource(typeof(NativeKernelAssert), nameof(AllActivations))] NativeActivation act)
    {
        foreach (var (m, n, k) in new[] { (11L, 37L, 19L), (150L, 48L, 300L) })
        {
            var a = Random(m * k, 4);
            var b = Random(k * n, 5);
            var packed = NativeKernels.PackB(k, n, b, n, false);
            var ep = new NativeEpilogue(Random(n, 6, 0.5f, 1.5f), Random(n, 7), Random(m * n, 8), act, -0.25f, 0.5f);
            var c = new float[m * n];
            NativeKernels.GemmPacked(m, n, k, a, k, packed, c, n, ep);
            var expected = ApplyEpilogue(Reference(m, n, k, a, k, b, n, false, n), ep, i => i % n);
            Close(c, expected, 1e-5 * k, 1e-5, $"gemm {m}x{n}x{k} {act}");
        }
    }

    [Test]
    public void EachEpilogueFieldWorksAlone()
    {
        const long m = 9, n = 21, k = 13;
        var a = Random(m * k, 9);
        var b = Random(n * k, 10);
        var plain = Reference(m, n, k, a, k, b, k, true, n);
        foreach (var ep in new NativeEpilogue[]
        {
            new(), new(Scale: Random(n, 11)), new(Bias: Random(n, 12)), new(Residual: Random(m * n, 13)),
            new(Act: NativeActivation.Clip, ClipLo: -0.5f, ClipHi: 0.75f),
        })
        {
            var c = new float[m * n];
            NativeKernels.Gemm(m, n, k, a, k, b, k, true, c, n, ep);
            Close(c, ApplyEpilogue(plain, ep, i => i % n), 1e-4, 1e-5, $"epilogue {ep}");
        }
    }

    [Test]
    public void ResultsAreBitIdenticalAtOneAndTwoThreads()
    {
        // Each C element is one micro-kernel's FMA chain over K in a fixed order, whichever thread computes its tile.
        const long m = 300, n = 200, k = 700;
        var a = Random(m * k, 16);
        var b = Random(k * n, 17);
        var saved = NativeKernels.Threads;
        try
        {
            var c1 = new float[m * n];
            var c2 = new float[m * n];
            NativeKernels.Threads = 1;
            NativeKernels.Gemm(m, n, k, a, k, b, n, false, c1, n);
            NativeKernels.Threads = 2;
            Assert.That(NativeKernels.Threads, Is.EqualTo(2));
            NativeKernels.Gemm(m, n, k, a, k, b, n, false, c2, n);
            Assert.That(c2, Is.EqualTo(c1));
        }
        finally { NativeKernels.Threads = saved; }
    }

    [Test]
    public void EmptyKGivesTheEpilogueOfZero()
    {
        var c = new float[3 * 4];
        var ep = new NativeEpilogue(Bias: [1, -2, 3, -4], Act: NativeActivation.Relu);
        NativeKernels.Gemm(3, 4, 0, [0], 1, [0], 4, false, c, 4, ep);
        Assert.That(c, Is.EqualTo(new float[] { 1, 0, 3, 0, 1, 0, 3, 0, 1, 0, 3, 0 }));
    }

    [TestCase(0L, 1L)]
    [TestCase(1L, 0L)]
    [TestCase(1L, 1L)]
    public void BatchedGemmBroadcastsAZeroStride(long aStrides, long bStrides)
    {
        foreach (var transB in new[] { false, true })
        {
            const long batch = 5, m = 7, n = 19, k = 23;
            long sa = aStrides * m * k, sb = bStrides * n * k, sc = m * n;
            var a = Random(sa == 0 ? m * k : batch * m * k, 14);
            var b = Random(sb == 0 ? k * n : batch * k * n, 15);
            var c = new float[batch * sc];
            var ldb = transB ? k : n;
            NativeKernels.GemmBatched(batch, m, n, k, a, k, sa, b, ldb, sb, transB, c, n, sc);
            for (var i = 0; i < batch; i++)
            {
                var ai = a.AsSpan((int)(i * sa), (int)(m * k)).ToArray();
                var bi = b.AsSpan((int)(i * sb), (int)(k * n)).ToArray();
                var expected = Reference(m, n, k, ai, k, bi, ldb, transB, n);
                Close(c.AsSpan((int)(i * sc), (int)sc).ToArray(), expected, 1e-4, 1e-5, $"batch {i} transB={transB}");
            }
        }
    }
}

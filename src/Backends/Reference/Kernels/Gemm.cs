using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Reference;

/// <summary>
/// Single-precision GEMM <c>C = A·B (+ C)</c>, row-major with leading dimensions and transpose flags, in the Goto/BLIS
/// scheme: B is packed into KC×NR micro-panels, A into MR×KC micro-panels, and an MR×NR register-blocked micro-kernel
/// (Vector512: 8×32 with 16 accumulators; Vector256: 8×16; otherwise scalar) runs over them.
/// <para>Accumulation order (documented in docs/kernels.md): every C element is a float32 FMA chain over k in increasing
/// order, restarted per KC block and added to C between blocks. The order depends only on (K, KC), never on the thread
/// count or on M/N tiling, so results are bit-identical from run to run and between the Relay and Relax interpreters.</para>
/// </summary>
public static unsafe class Gemm
{
    private const int MR = 8;
    private const int KC = 256;
    private const int MC = 128;
    private const int NC = 2048;

    private static readonly int s_nr = Vector512.IsHardwareAccelerated ? 32 : Vector256.IsHardwareAccelerated ? 16 : 8;

    /// <summary>The micro-kernel width actually used on this machine (32 with AVX-512).</summary>
    public static int NR => s_nr;

    /// <summary>Worker count for parallel kernels (both cores of the project machine).</summary>
    public static int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>C[M×N] (+)= op(A)[M×K] · op(B)[K×N]; op(X) = Xᵀ when the flag is set. Arrays are addressed from the given offsets.</summary>
    public static void Sgemm(int m, int n, int k,
        float[] a, int aOff, int lda, bool transA,
        float[] b, int bOff, int ldb, bool transB,
        float[] c, int cOff, int ldc, bool accumulate)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) for (var i = 0; i < m; i++) Array.Clear(c, cOff + i * ldc, n);
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
            Run(m, n, k, pa + aOff, lda, transA, pb + bOff, ldb, transB, pc + cOff, ldc, accumulate);
    }

    /// <summary>Pointer form of <see cref="Sgemm"/> for kernels that pin tensor spans.</summary>
    internal static void Run(int m, int n, int k, float* a, int lda, bool ta, float* b, int ldb, bool tb, float* c, int ldc, bool acc) =>
        Run(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, null);

    /// <summary>C (+)= A·op(B) with A already packed by PackLeft (conv weights: packed once, reused every call).</summary>
    internal static void Run(PackedMatrix a, int n, float* b, int ldb, bool tb, float* c, int ldc, bool acc)
    {
        fixed (float* pa = a.Data) Run(a.M, n, a.K, null, 0, false, b, ldb, tb, c, ldc, acc, a, pa);
    }

    private static void Run(int m, int n, int k, float* a, int lda, bool ta, float* b, int ldb, bool tb, float* c, int ldc, bool acc, PackedMatrix? packed, float* pp = null)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!acc) for (var i = 0; i < m; i++) new Span<float>(c + (long)i * ldc, n).Clear();
            return;
        }
        if (m == 1 && packed is null)
        {
            Gemv(n, k, a, lda, ta, b, ldb, tb, c, acc);
            return;
        }
        var mpad = packed?.MPad ?? 0;
        var work = (double)m * n * k;
        var threads = work < 2e5 ? 1 : Math.Max(1, Threads);
        if (threads == 1) { Block(0, m, 0, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, pp, mpad); return; }
        // Split the larger side across workers, in multiples of the micro-tile so no tile is shared.
        var nr = s_nr;
        var splitN = n >= m || m < MR * threads;
        var unit = splitN ? nr : MR;
        var extent = splitN ? n : m;
        var tiles = (extent + unit - 1) / unit;
        var parts = Math.Min(threads * (tiles >= threads * 4 ? 2 : 1), tiles);
        var pA = (nint)a; var pB = (nint)b; var pC = (nint)c; var pP = (nint)pp;
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads }, p =>
        {
            var t0 = (int)((long)tiles * p / parts) * unit;
            var t1 = Math.Min(extent, (int)((long)tiles * (p + 1) / parts) * unit);
            if (t0 >= t1) return;
            if (splitN) Block(0, m, t0, t1, k, (float*)pA, lda, ta, (float*)pB, ldb, tb, (float*)pC, ldc, acc, (float*)pP, mpad);
            else Block(t0, t1, 0, n, k, (float*)pA, lda, ta, (float*)pB, ldb, tb, (float*)pC, ldc, acc, (float*)pP, mpad);
        });
    }

    /// <summary>
    /// C[1×N] (+)= a[1×K]·op(B) without packing (a dense layer at batch 1 would otherwise copy its whole weight per call).
    /// Bit-identical to the packed path: per element, an FMA chain over k in increasing order restarted per KC block, each
    /// block's sum stored (first block, no accumulate) or added to C.
    /// </summary>
    private static void Gemv(int n, int k, float* a, int lda, bool ta, float* b, int ldb, bool tb, float* c, bool acc)
    {
        var astep = ta ? lda : 1;
        if (!tb)
        {
            // B rows are contiguous along N: vector FMAs across N (each lane its own chain).
            var tmp = new float[n];
            fixed (float* t = tmp)
            {
                for (var pc = 0; pc < k; pc += KC)
                {
                    var kc = Math.Min(KC, k - pc);
                    new Span<float>(t, n).Clear();
                    for (var p = pc; p < pc + kc; p++)
                    {
                        var x = a[(long)p * astep];
                        var row = b + (long)p * ldb;
                        var j = 0;
                        if (Vector512.IsHardwareAccelerated)
                            for (var xv = Vector512.Create(x); j + 16 <= n; j += 16)
                                Vector512.FusedMultiplyAdd(xv, Vector512.Load(row + j), Vector512.Load(t + j)).Store(t + j);
                        for (; j < n; j++) t[j] = MathF.FusedMultiplyAdd(x, row[j], t[j]);
                    }
                    var first = pc == 0 && !acc;
                    for (var j = 0; j < n; j++) c[j] = first ? t[j] : c[j] + t[j];
                }
            }
            return;
        }
        // B is N×K (a dense weight): one chain per output, four at a time for instruction-level parallelism.
        for (var pc = 0; pc < k; pc += KC)
        {
            var kc = Math.Min(KC, k - pc);
            var first = pc == 0 && !acc;
            var j0 = 0;
            for (; j0 + 4 <= n; j0 += 4)
            {
                float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
                float* r0 = b + (long)j0 * ldb, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
                for (var p = pc; p < pc + kc; p++)
                {
                    var x = a[(long)p * astep];
                    t0 = MathF.FusedMultiplyAdd(x, r0[p], t0);
                    t1 = MathF.FusedMultiplyAdd(x, r1[p], t1);
                    t2 = MathF.FusedMultiplyAdd(x, r2[p], t2);
                    t3 = MathF.FusedMultiplyAdd(x, r3[p], t3);
                }
                c[j0] = first ? t0 : c[j0] + t0;
                c[j0 + 1] = first ? t1 : c[j0 + 1] + t1;
                c[j0 + 2] = first ? t2 : c[j0 + 2] + t2;
                c[j0 + 3] = first ? t3 : c[j0 + 3] + t3;
            }
            for (; j0 < n; j0++)
            {
                float t0 = 0;
                var r0 = b + (long)j0 * ldb;
                for (var p = pc; p < pc + kc; p++) t0 = MathF.FusedMultiplyAdd(a[(long)p * astep], r0[p], t0);
                c[j0] = first ? t0 : c[j0] + t0;
            }
        }
    }

    /// <summary>Packs op(A) (M×K) once into the micro-kernel layout: per K block, all MR-row strips (zero padded to MPad rows).</summary>
    public static PackedMatrix PackLeft(int m, int k, float[] a, int aOff, int lda, bool transA)
    {
        var mpad = (m + MR - 1) / MR * MR;
        var data = GC.AllocateUninitializedArray<float>(Math.Max(1, mpad * k), pinned: true);
        fixed (float* pa = a, pd = data)
            for (var pc = 0; pc < k; pc += KC)
                PackA(pa + aOff, lda, transA, 0, m, pc, Math.Min(KC, k - pc), pd + (long)pc * mpad);
        return new PackedMatrix(data, m, k, mpad);
    }

    internal static PackedMatrix PackLeft(int m, int k, float* a, int lda)
    {
        var mpad = (m + MR - 1) / MR * MR;
        var data = GC.AllocateUninitializedArray<float>(Math.Max(1, mpad * k), pinned: true);
        fixed (float* pd = data)
            for (var pc = 0; pc < k; pc += KC)
                PackA(a, lda, false, 0, m, pc, Math.Min(KC, k - pc), pd + (long)pc * mpad);
        return new PackedMatrix(data, m, k, mpad);
    }

    [ThreadStatic] private static float[]? t_packA;
    [ThreadStatic] private static float[]? t_packB;

    private static void Block(int m0, int m1, int n0, int n1, int k, float* a, int lda, bool ta, float* b, int ldb, bool tb, float* c, int ldc, bool acc,
        float* prepacked = null, int mpad = 0)
    {
        var nr = s_nr;
        var packA = t_packA ??= GC.AllocateUninitializedArray<float>(MC * KC + 64, pinned: true);
        var packB = t_packB ??= GC.AllocateUninitializedArray<float>(NC * KC + 64, pinned: true);
        var tile = stackalloc float[MR * 32];
        fixed (float* pA = packA, pB = packB)
        {
            for (var jc = n0; jc < n1; jc += NC)
            {
                var nc = Math.Min(NC, n1 - jc);
                for (var pc = 0; pc < k; pc += KC)
                {
                    var kc = Math.Min(KC, k - pc);
                    var first = pc == 0 && !acc;
                    PackB(b, ldb, tb, pc, kc, jc, nc, nr, pB);
                    for (var ic = m0; ic < m1; ic += MC)
                    {
                        var mc = Math.Min(MC, m1 - ic);
                        // A prepacked once (weights): strips for rows ic.. of K block pc start at pc·mpad + ic·kc.
                        var aBlock = prepacked != null ? prepacked + (long)pc * mpad + (long)ic * kc : pA;
                        if (prepacked == null) PackA(a, lda, ta, ic, mc, pc, kc, pA);
                        for (var jr = 0; jr < nc; jr += nr)
                        {
                            var nn = Math.Min(nr, nc - jr);
                            var bp = pB + (long)jr * kc;
                            for (var ir = 0; ir < mc; ir += MR)
                            {
                                var mm = Math.Min(MR, mc - ir);
                                var ap = aBlock + (long)ir * kc;
                                var cp = c + (long)(ic + ir) * ldc + jc + jr;
                                if (mm == MR && nn == nr) Micro(kc, ap, bp, cp, ldc, first);
                                else
                                {
                                    Micro(kc, ap, bp, tile, nr, true);
                                    for (var i = 0; i < mm; i++)
                                        for (var j = 0; j < nn; j++)
                                            cp[(long)i * ldc + j] = first ? tile[i * nr + j] : cp[(long)i * ldc + j] + tile[i * nr + j];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // B panel layout: for each NR-column strip, kc rows of NR contiguous floats (zero padded past n).
    private static void PackB(float* b, int ldb, bool tb, int pc, int kc, int jc, int nc, int nr, float* dst)
    {
        for (var jr = 0; jr < nc; jr += nr)
        {
            var nn = Math.Min(nr, nc - jr);
            var d = dst + (long)jr * kc;
            if (!tb)
            {
                for (var p = 0; p < kc; p++)
                {
                    var src = b + (long)(pc + p) * ldb + jc + jr;
                    var row = d + (long)p * nr;
                    if (nn == nr) Unsafe.CopyBlockUnaligned(row, src, (uint)(nr * 4));
                    else { for (var j = 0; j < nn; j++) row[j] = src[j]; for (var j = nn; j < nr; j++) row[j] = 0; }
                }
            }
            else
            {
                for (var p = 0; p < kc; p++)
                {
                    var row = d + (long)p * nr;
                    for (var j = 0; j < nn; j++) row[j] = b[(long)(jc + jr + j) * ldb + pc + p];
                    for (var j = nn; j < nr; j++) row[j] = 0;
                }
            }
        }
    }

    // A panel layout: for each MR-row strip, kc columns of MR contiguous floats (zero padded past m).
    private static void PackA(float* a, int lda, bool ta, int ic, int mc, int pc, int kc, float* dst)
    {
        for (var ir = 0; ir < mc; ir += MR)
        {
            var mm = Math.Min(MR, mc - ir);
            var d = dst + (long)ir * kc;
            if (!ta)
            {
                for (var i = 0; i < mm; i++)
                {
                    var src = a + (long)(ic + ir + i) * lda + pc;
                    for (var p = 0; p < kc; p++) d[p * MR + i] = src[p];
                }
            }
            else
            {
                for (var p = 0; p < kc; p++)
                {
                    var src = a + (long)(pc + p) * lda + ic + ir;
                    for (var i = 0; i < mm; i++) d[p * MR + i] = src[i];
                }
            }
            for (var i = mm; i < MR; i++)
                for (var p = 0; p < kc; p++) d[p * MR + i] = 0;
        }
    }

    private static void Micro(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
    {
        if (s_nr == 32) Micro512(kc, a, b, c, ldc, overwrite);
        else if (s_nr == 16) Micro256(kc, a, b, c, ldc, overwrite);
        else MicroScalar(kc, a, b, c, ldc, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Micro512(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            Vector512<float> x;
            x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            a += MR;
            b += 32;
        }
        Store(c, overwrite, c00, c01); c += ldc;
        Store(c, overwrite, c10, c11); c += ldc;
        Store(c, overwrite, c20, c21); c += ldc;
        Store(c, overwrite, c30, c31); c += ldc;
        Store(c, overwrite, c40, c41); c += ldc;
        Store(c, overwrite, c50, c51); c += ldc;
        Store(c, overwrite, c60, c61); c += ldc;
        Store(c, overwrite, c70, c71);

        static void Store(float* c, bool overwrite, Vector512<float> v0, Vector512<float> v1)
        {
            if (!overwrite) { v0 += Vector512.Load(c); v1 += Vector512.Load(c + 16); }
            v0.Store(c);
            v1.Store(c + 16);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Micro256(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            Vector256<float> x;
            x = Vector256.Create(a[0]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            x = Vector256.Create(a[6]); c60 = Vector256.FusedMultiplyAdd(x, b0, c60); c61 = Vector256.FusedMultiplyAdd(x, b1, c61);
            x = Vector256.Create(a[7]); c70 = Vector256.FusedMultiplyAdd(x, b0, c70); c71 = Vector256.FusedMultiplyAdd(x, b1, c71);
            a += MR;
            b += 16;
        }
        Store(c, overwrite, c00, c01); c += ldc;
        Store(c, overwrite, c10, c11); c += ldc;
        Store(c, overwrite, c20, c21); c += ldc;
        Store(c, overwrite, c30, c31); c += ldc;
        Store(c, overwrite, c40, c41); c += ldc;
        Store(c, overwrite, c50, c51); c += ldc;
        Store(c, overwrite, c60, c61); c += ldc;
        Store(c, overwrite, c70, c71);

        static void Store(float* c, bool overwrite, Vector256<float> v0, Vector256<float> v1)
        {
            if (!overwrite) { v0 += Vector256.Load(c); v1 += Vector256.Load(c + 8); }
            v0.Store(c);
            v1.Store(c + 8);
        }
    }

    private static void MicroScalar(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
    {
        var acc = stackalloc float[MR * 8];
        for (var i = 0; i < MR * 8; i++) acc[i] = 0;
        for (var p = 0; p < kc; p++, a += MR, b += 8)
            for (var i = 0; i < MR; i++)
                for (var j = 0; j < 8; j++) acc[i * 8 + j] = MathF.FusedMultiplyAdd(a[i], b[j], acc[i * 8 + j]);
        for (var i = 0; i < MR; i++)
            for (var j = 0; j < 8; j++) c[(long)i * ldc + j] = overwrite ? acc[i * 8 + j] : c[(long)i * ldc + j] + acc[i * 8 + j];
    }
}

/// <summary>A left GEMM operand packed once by <see cref="Gemm.PackLeft(int, int, float[], int, int, bool)"/> (e.g. conv weights).</summary>
public sealed class PackedMatrix
{
    internal PackedMatrix(float[] data, int m, int k, int mpad) { Data = data; M = m; K = k; MPad = mpad; }
    internal float[] Data { get; }
    public int M { get; }
    public int K { get; }
    internal int MPad { get; }
}

using System.Runtime.InteropServices;

namespace Bridge.Backends.Cpu;

/// <summary>The activations of <c>brg_epilogue.act</c> (<c>enum brg_act</c> in bridge_cpu.h).</summary>
public enum NativeActivation
{
    None = 0, Relu = 1, Clip = 2, Sigmoid = 3, Silu = 4, GeluErf = 5, GeluTanh = 6, Tanh = 7,
}

/// <summary>A GEMM/conv epilogue: <c>out = act(acc · scale[c] + bias[c] + residual[i])</c>; null arrays are absent.</summary>
public sealed record NativeEpilogue(float[]? Scale = null, float[]? Bias = null, float[]? Residual = null,
    NativeActivation Act = NativeActivation.None, float ClipLo = 0, float ClipHi = 0);

/// <summary><c>brg_conv2d_params</c>: NCHW input, OIHW weight, pads top/left/bottom/right; OH/OW computed by the <c>Create</c> factories.</summary>
[StructLayout(LayoutKind.Sequential)]
public record struct NativeConv2dParams(long N, long C, long H, long W, long OC, long KH, long KW, long StrideH, long StrideW,
    long PadT, long PadL, long PadB, long PadR, long DilH, long DilW, long Groups, long OH, long OW)
{
    /// <summary>Parameters with the output size computed as TVM/PyTorch do (floor mode).</summary>
    public static NativeConv2dParams Create(long n, long c, long h, long w, long oc, long kh, long kw, long stride = 1,
        long pad = 0, long dil = 1, long groups = 1) =>
        Create(n, c, h, w, oc, kh, kw, stride, stride, pad, pad, pad, pad, dil, dil, groups);

    public static NativeConv2dParams Create(long n, long c, long h, long w, long oc, long kh, long kw, long sh, long sw,
        long pt, long pl, long pb, long pr, long dh, long dw, long groups) =>
        new(n, c, h, w, oc, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, groups,
            (h + pt + pb - dh * (kh - 1) - 1) / sh + 1, (w + pl + pr - dw * (kw - 1) - 1) / sw + 1);
}

/// <summary><c>brg_pool2d_params</c> (NCHW).</summary>
[StructLayout(LayoutKind.Sequential)]
public record struct NativePool2dParams(long N, long C, long H, long W, long KH, long KW, long StrideH, long StrideW,
    long PadT, long PadL, long PadB, long PadR, long DilH, long DilW, long OH, long OW, int CountIncludePad);

/// <summary>
/// Managed entry to the C kernel library (<c>Cpu/Native/kernels</c>) compiled on first use by <see cref="NativeBuild"/>: used by
/// the kernel tests and <c>bridge bench --kernels</c>; generated code calls the same functions directly.
/// </summary>
public static unsafe class NativeKernels
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Epilogue
    {
        public float* Scale, Bias, Residual;
        public int Act;
        public float ClipLo, ClipHi;
    }

    private static readonly Lazy<(IntPtr Handle, string Path)> s_lib = new(() =>
    {
        var path = NativeBuild.BuildSharedLibrary(NativeBuild.KernelSources());
        return (NativeBuild.Load(path), path);
    });

    /// <summary>The compiled kernel library's path (built and loaded on first use).</summary>
    public static string LibraryPath => s_lib.Value.Path;

    private static IntPtr Fn(string name) => NativeBuild.Export(s_lib.Value.Handle, name, s_lib.Value.Path);

    public static int Threads
    {
        get => ((delegate* unmanaged<int>)Fn("brg_get_num_threads"))();
        set => ((delegate* unmanaged<int, void>)Fn("brg_set_num_threads"))(value);
    }

    private static Epilogue Make(NativeEpilogue? ep, float* scale, float* bias, float* residual) =>
        ep is null ? default : new Epilogue { Scale = scale, Bias = bias, Residual = residual, Act = (int)ep.Act, ClipLo = ep.ClipLo, ClipHi = ep.ClipHi };

    /// <summary><c>brg_gemm</c>: C[M,N] = A[M,K]·B (B is [N,K] when <paramref name="transB"/>), epilogue fused.</summary>
    public static void Gemm(long m, long n, long k, float[] a, long lda, float[] b, long ldb, bool transB, float[] c, long ldc, NativeEpilogue? ep = null)
    {
        var f = (delegate* unmanaged<long, long, long, float*, long, float*, long, int, float*, long, Epilogue*, void>)Fn("brg_gemm");
        fixed (float* pa = a, pb = b, pc = c, s = ep?.Scale, bi = ep?.Bias, r = ep?.Residual)
        {
            var e = Make(ep, s, bi, r);
            f(m, n, k, pa, lda, pb, ldb, transB ? 1 : 0, pc, ldc, ep is null ? null : &e);
        }
    }

    /// <summary><c>brg_gemm_pack_b</c> into a new array of <c>brg_gemm_packed_b_floats</c> floats.</summary>
    public static float[] PackB(long k, long n, float[] b, long ldb, bool transB)
    {
        var size = ((delegate* unmanaged<long, long, nuint>)Fn("brg_gemm_packed_b_floats"))(k, n);
        var packed = new float[checked((int)size)];
        fixed (float* pb = b, pp = packed)
            ((delegate* unmanaged<long, long, float*, long, int, float*, void>)Fn("brg_gemm_pack_b"))(k, n, pb, ldb, transB ? 1 : 0, pp);
        return packed;
    }

    /// <summary><c>brg_gemm_packed</c> with B from <see cref="PackB"/>.</summary>
    public static void GemmPacked(long m, long n, long k, float[] a, long lda, float[] packedB, float[] c, long ldc, NativeEpilogue? ep = null)
    {
        var f = (delegate* unmanaged<long, long, long, float*, long, float*, float*, long, Epilogue*, void>)Fn("brg_gemm_packed");
        fixed (float* pa = a, pb = packedB, pc = c, s = ep?.Scale, bi = ep?.Bias, r = ep?.Residual)
        {
            var e = Make(ep, s, bi, r);
            f(m, n, k, pa, lda, pb, pc, ldc, ep is null ? null : &e);
        }
    }

    /// <summary><c>brg_gemm_batched</c> (element strides between batches; 0 broadcasts).</summary>
    public static void GemmBatched(long batch, long m, long n, long k, float[] a, long lda, long strideA, float[] b, long ldb, long strideB,
        bool transB, float[] c, long ldc, long strideC)
    {
        var f = (delegate* unmanaged<long, long, long, long, float*, long, long, float*, long, long, int, float*, long, long, void>)Fn("brg_gemm_batched");
        fixed (float* pa = a, pb = b, pc = c) f(batch, m, n, k, pa, lda, strideA, pb, ldb, strideB, transB ? 1 : 0, pc, ldc, strideC);
    }

    /// <summary>The algorithm <c>brg_conv2d</c> picks for <paramref name="p"/>.</summary>
    public static string ConvAlgorithm(NativeConv2dParams p) =>
        Marshal.PtrToStringAnsi(((delegate* unmanaged<NativeConv2dParams*, IntPtr>)Fn("brg_conv2d_algorithm"))(&p)) ?? "";

    /// <summary>
    /// <c>brg_conv2d_force_algorithm</c> (benchmarks and tests): use <paramref name="name"/> wherever its geometry allows, null
    /// for the automatic choice; false for an unknown name. Process-global: pack and run under the same setting.
    /// </summary>
    public static bool ForceConvAlgorithm(string? name)
    {
        var bytes = name is null ? null : System.Text.Encoding.ASCII.GetBytes(name + "\0");
        fixed (byte* pn = bytes) return ((delegate* unmanaged<byte*, int>)Fn("brg_conv2d_force_algorithm"))(pn) != 0;
    }

    /// <summary>Packs OIHW weights for <paramref name="p"/>'s algorithm (<c>brg_conv2d_pack_w</c>).</summary>
    public static float[] ConvPackWeights(NativeConv2dParams p, float[] w)
    {
        var size = ((delegate* unmanaged<NativeConv2dParams*, nuint>)Fn("brg_conv2d_packed_w_floats"))(&p);
        var packed = new float[Math.Max(1, checked((int)size))];
        fixed (float* pw = w, pp = packed) ((delegate* unmanaged<NativeConv2dParams*, float*, float*, void>)Fn("brg_conv2d_pack_w"))(&p, pw, pp);
        return packed;
    }

    /// <summary>The scratch <c>brg_conv2d</c> needs for <paramref name="p"/>, in floats.</summary>
    public static long ConvScratchFloats(NativeConv2dParams p) =>
        (long)((delegate* unmanaged<NativeConv2dParams*, nuint>)Fn("brg_conv2d_scratch_floats"))(&p);

    /// <summary><c>brg_conv2d</c> with weights from <see cref="ConvPackWeights"/>; scratch is allocated when not given.</summary>
    public static void Conv2d(NativeConv2dParams p, float[] x, float[] packedW, float[] y, NativeEpilogue? ep = null, float[]? scratch = null)
    {
        scratch ??= new float[Math.Max(1, ConvScratchFloats(p))];
        var f = (delegate* unmanaged<NativeConv2dParams*, float*, float*, float*, Epilogue*, float*, void>)Fn("brg_conv2d");
        fixed (float* px = x, pw = packedW, py = y, ps = scratch, s = ep?.Scale, bi = ep?.Bias, r = ep?.Residual)
        {
            var e = Make(ep, s, bi, r);
            f(&p, px, pw, py, ep is null ? null : &e, ps);
        }
    }

    public static void MaxPool2d(NativePool2dParams p, float[] x, float[] y) => Pool("brg_max_pool2d", p, x, y);
    public static void AvgPool2d(NativePool2dParams p, float[] x, float[] y) => Pool("brg_avg_pool2d", p, x, y);

    private static void Pool(string name, NativePool2dParams p, float[] x, float[] y)
    {
        fixed (float* px = x, py = y) ((delegate* unmanaged<NativePool2dParams*, float*, float*, void>)Fn(name))(&p, px, py);
    }

    public static void GlobalAvgPool2d(long n, long c, long hw, float[] x, float[] y)
    {
        fixed (float* px = x, py = y) ((delegate* unmanaged<long, long, long, float*, float*, void>)Fn("brg_global_avg_pool2d"))(n, c, hw, px, py);
    }

    public static void Softmax(long rows, long cols, float[] x, float[] y) => Rowwise("brg_softmax", rows, cols, x, y);
    public static void LogSoftmax(long rows, long cols, float[] x, float[] y) => Rowwise("brg_log_softmax", rows, cols, x, y);

    private static void Rowwise(string name, long rows, long cols, float[] x, float[] y)
    {
        fixed (float* px = x, py = y) ((delegate* unmanaged<long, long, float*, float*, void>)Fn(name))(rows, cols, px, py);
    }

    public static void LayerNorm(long rows, long cols, float[] x, float[]? gamma, float[]? beta, float eps, float[] y)
    {
        fixed (float* px = x, pg = gamma, pb = beta, py = y)
            ((delegate* unmanaged<long, long, float*, float*, float*, float, float*, void>)Fn("brg_layer_norm"))(rows, cols, px, pg, pb, eps, py);
    }

    /// <summary>CPU seconds used by the calling thread (<c>brg_thread_cpu_seconds</c>).</summary>
    public static double ThreadCpuSeconds() => ((delegate* unmanaged<double>)Fn("brg_thread_cpu_seconds"))();

    /// <summary>Thread CPU seconds of <paramref name="iters"/> × 4 dependent FMAs (<c>brg_fma_chain_seconds</c>).</summary>
    public static double FmaChainSeconds(long iters) => ((delegate* unmanaged<long, double>)Fn("brg_fma_chain_seconds"))(iters);

    /// <summary>GFLOP/s of 12 independent FMA chains on the calling thread (<c>brg_fma_throughput_gflops</c>).</summary>
    public static double FmaThroughputGflops(long iters) => ((delegate* unmanaged<long, double>)Fn("brg_fma_throughput_gflops"))(iters);

    public static void Exp(float[] x, float[] y) => Vector("brg_vexp", x, y);
    public static void Tanh(float[] x, float[] y) => Vector("brg_vtanh", x, y);
    public static void Erf(float[] x, float[] y) => Vector("brg_verf", x, y);

    private static void Vector(string name, float[] x, float[] y)
    {
        fixed (float* px = x, py = y) ((delegate* unmanaged<long, float*, float*, void>)Fn(name))(x.Length, px, py);
    }
}

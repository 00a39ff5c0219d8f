
namespace Bridge.Backends.Cuda;

/// <summary>Diagnostics of the CUDA backend (range 6200–6289).</summary>
public static class CudaDiagnosticIds
{
    /// <summary><c>--backend cuda</c> without <c>--simulate</c> on a machine where ILGPU finds no CUDA device (no NVIDIA GPU or driver).</summary>
    public static readonly DiagnosticId NoGpu = new(6200, "CudaNoGpu");
    /// <summary>A run got a wrong input (count, dtype, rank, fixed dim, conflicting symbolic dims).</summary>
    public static readonly DiagnosticId RunFailed = new(6201, "CudaRunFailed");
    /// <summary>The model's device memory at these dims exceeds what 32-bit kernel indexing addresses (2^31 floats).</summary>
    public static readonly DiagnosticId TooLarge = new(6202, "CudaTooLarge");
    /// <summary>The device or ILGPU failed (kernel compilation, launch, out of device memory).</summary>
    public static readonly DiagnosticId DeviceFailed = new(6203, "CudaDeviceFailed");
    /// <summary><c>compile --target cuda</c>: there is no ahead-of-time artifact; ILGPU generates PTX when a model is loaded.</summary>
    public static readonly DiagnosticId NoArtifact = new(6204, "CudaNoArtifact");

    /// <summary>The refusal of <c>bridge compile --target cuda</c>.</summary>
    public static BridgeException NoArtifactError() => new(NoArtifact, SourceLoc.Unknown.Instance,
        "--target cuda: nothing to write — ILGPU compiles the kernels to PTX for the GPU at hand when the model loads (no CUDA toolkit, no file); " +
        "use run/check/bench --backend cuda [--simulate] (docs/cuda-backend.md)");
}

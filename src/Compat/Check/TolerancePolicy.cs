
namespace Bridge.Compat.Check;

/// <summary>How default tolerances are chosen for a pair of paths (<c>bridge check --policy</c>).</summary>
public enum TolerancePolicy
{
    /// <summary>
    /// Strict between paths that run the same kernels (Relay vs Relax on the reference interpreters), framework between a path
    /// and a source runtime (ONNX Runtime, PyTorch), whose kernels accumulate in another order.
    /// </summary>
    Auto,
    /// <summary>torch.testing's per-dtype table with Polygraphy's elementwise OR rule (float32: rtol 1.3e-6, atol 1e-5).</summary>
    Strict,
    /// <summary>
    /// The convention of TVM's Relay ONNX frontend tests against ONNX Runtime: numpy allclose (additive rule), float32
    /// rtol = atol = 1e-5; float16 1e-3/1e-3, bfloat16 1.6e-2/1e-2, float64 1e-7/1e-7; integers exact. Deep fp32 networks differ
    /// from ORT by ~1e-5 relative after 50 convolutions (resnet50: max abs 1.1e-5 on outputs near 0.9), which the strict table rejects.
    /// </summary>
    Framework,
}

/// <summary>Resolves <see cref="TolerancePolicy"/> into <see cref="CompareOptions"/> for one compared pair.</summary>
public static class Tolerances
{
    /// <summary>Path names of source runtimes (their kernels are not Bridge's).</summary>
    public static bool IsSourceRuntime(string path) => path is "onnxruntime" or "pytorch" or "torch";

    /// <summary>The options for comparing <paramref name="actual"/> with <paramref name="reference"/> on a <paramref name="dtype"/> output.</summary>
    public static CompareOptions For(DataType dtype, string reference, string actual, TolerancePolicy policy, double? rtol = null, double? atol = null)
    {
        var framework = policy == TolerancePolicy.Framework
            || policy == TolerancePolicy.Auto && (IsSourceRuntime(reference) || IsSourceRuntime(actual));
        var c = framework ? Framework(dtype) : CompareOptions.For(dtype);
        if (rtol is { } r) c = c with { Rtol = r };
        if (atol is { } a) c = c with { Atol = a };
        return c;
    }

    private static CompareOptions Framework(DataType dtype) => dtype switch
    {
        _ when dtype == DataType.Float16 => new() { Rtol = 1e-3, Atol = 1e-3, Rule = CompareRule.AllClose },
        _ when dtype == DataType.BFloat16 => new() { Rtol = 1.6e-2, Atol = 1e-2, Rule = CompareRule.AllClose },
        _ when dtype == DataType.Float32 => new() { Rtol = 1e-5, Atol = 1e-5, Rule = CompareRule.AllClose },
        _ when dtype == DataType.Float64 => new() { Rtol = 1e-7, Atol = 1e-7, Rule = CompareRule.AllClose },
        _ => new() { Rtol = 0, Atol = 0, Rule = CompareRule.AllClose },
    };
}


namespace Bridge.Compat.Diff;

/// <summary>Diagnostics of differential testing: saved outputs, <c>compare</c>, <c>reduce</c>, repro bundles (6740–6759 of the compat range).</summary>
public static class DiffDiagnosticIds
{
    /// <summary>A <c>--tol name=rtol,atol</c> entry is malformed.</summary>
    public static readonly DiagnosticId BadTolerance = new(6740, "DiffBadTolerance");
    /// <summary>Two output sets cannot be matched (different names and counts).</summary>
    public static readonly DiagnosticId OutputsUnmatched = new(6741, "DiffOutputsUnmatched");
    /// <summary><c>reduce</c>: the model does not show a disagreement or failure to shrink.</summary>
    public static readonly DiagnosticId NothingToReduce = new(6742, "DiffNothingToReduce");
    /// <summary><c>reduce</c>/per-node comparison: the model is not a kind these can work on (e.g. not ONNX).</summary>
    public static readonly DiagnosticId UnsupportedForDiff = new(6743, "DiffUnsupportedModel");
    /// <summary>A bundle directory cannot be written.</summary>
    public static readonly DiagnosticId BundleFailed = new(6744, "DiffBundleFailed");
}

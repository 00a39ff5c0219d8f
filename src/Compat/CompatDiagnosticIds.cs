
namespace Bridge.Compat;

/// <summary>Diagnostics of the compat layer: references, inputs, checks (range 6600–6799).</summary>
public static class CompatDiagnosticIds
{
    public static readonly DiagnosticId OrtSessionFailed = new(6600, "OrtSessionFailed");
    public static readonly DiagnosticId OrtRunFailed = new(6601, "OrtRunFailed");
    public static readonly DiagnosticId OrtUnsupportedType = new(6602, "OrtUnsupportedType");
    public static readonly DiagnosticId InputMismatch = new(6603, "InputMismatch");
    public static readonly DiagnosticId UnresolvedDim = new(6604, "UnresolvedDim");
    // PyTorch as a reference (check --reference torch, run --path torch): 6770–6779
    public static readonly DiagnosticId TorchPythonMissing = new(6770, "TorchPythonMissing");
    public static readonly DiagnosticId TorchMissing = new(6771, "TorchMissing");
    public static readonly DiagnosticId TorchRunFailed = new(6772, "TorchRunFailed");
    public static readonly DiagnosticId TorchUnsupportedType = new(6773, "TorchUnsupportedType");
}


namespace Bridge.Translators.Torch;

/// <summary>Diagnostics of the TorchScript → aten → Relay/Relax translator (range 4700–4999; 4700–4704 are the older Relax-only translator's).</summary>
public static class TorchDiagnosticIds
{
    /// <summary>An aten/prim op the canonical layer does not lower (all of them listed at once).</summary>
    public static readonly DiagnosticId UnsupportedOp = new(4710, "TorchAtenUnsupported");
    /// <summary>A TorchScript construct the partial evaluator cannot keep (e.g. a data-dependent branch that returns).</summary>
    public static readonly DiagnosticId UnsupportedConstruct = new(4711, "TorchConstructUnsupported");
    /// <summary>An aten call with arguments of the wrong kind or count.</summary>
    public static readonly DiagnosticId BadArguments = new(4712, "TorchAtenBadArguments");
    /// <summary>A name, attribute, method or function the code refers to does not exist.</summary>
    public static readonly DiagnosticId UnknownName = new(4713, "TorchUnknownName");
    /// <summary>The archive records no input shapes and none were given (<c>--shape x=1,3,224,224</c> or <c>--inputs</c>).</summary>
    public static readonly DiagnosticId MissingInputShape = new(4714, "TorchMissingInputShape");
    /// <summary>The code raised (<c>ops.prim.RaiseException</c> on a path taken at translation time).</summary>
    public static readonly DiagnosticId Raised = new(4715, "TorchRaised");
    /// <summary>A bad <c>--shape</c> entry for a TorchScript input.</summary>
    public static readonly DiagnosticId BadShapeSpec = new(4716, "TorchBadShapeSpec");
    /// <summary>A symbolic input dim that an aten rule needs as a number (the graph differs between two probe sizes): give its size.</summary>
    public static readonly DiagnosticId SymbolicDimFolded = new(4717, "TorchSymbolicDimFolded");
}

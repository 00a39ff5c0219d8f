
namespace Bridge.Backends.Reference;

/// <summary>Diagnostic IDs owned by the reference kernels (range 6300–6599). Numbers are forever: retire, never reuse.</summary>
public static class KernelDiagnosticIds
{
    /// <summary>Operand shapes do not fit together (broadcast, matmul inner dims, concat, …).</summary>
    public static readonly DiagnosticId ShapeMismatch = new(6301, "KernelShapeMismatch");
    /// <summary>An operand has the wrong rank for the op.</summary>
    public static readonly DiagnosticId RankMismatch = new(6302, "KernelRankMismatch");
    /// <summary>An axis is outside [-rank, rank) or repeated.</summary>
    public static readonly DiagnosticId BadAxis = new(6303, "KernelBadAxis");
    /// <summary>A kernel parameter is invalid (zero stride, negative pad, unknown layout, …).</summary>
    public static readonly DiagnosticId BadParameter = new(6304, "KernelBadParameter");
    /// <summary>The op does not support the operand's dtype.</summary>
    public static readonly DiagnosticId UnsupportedDType = new(6305, "KernelUnsupportedDType");
    /// <summary>An index operand holds an out-of-range index (take/gather/scatter with mode "fast" or ONNX semantics).</summary>
    public static readonly DiagnosticId IndexOutOfRange = new(6306, "KernelIndexOutOfRange");
    /// <summary>A mode string is not one the kernel implements (resize method, pad mode, …).</summary>
    public static readonly DiagnosticId UnsupportedMode = new(6307, "KernelUnsupportedMode");
    /// <summary>Integer division or modulo by zero.</summary>
    public static readonly DiagnosticId DivisionByZero = new(6308, "KernelDivisionByZero");
}


namespace Bridge.Translators.Onnx;

/// <summary>Diagnostics of the ONNX → Relay / Relax emitters (range 4300–4699).</summary>
public static class OnnxTranslateDiagnosticIds
{
    /// <summary>An op kind the emitter of one dialect has no mapping for (listed all at once, before any work).</summary>
    public static readonly DiagnosticId UnsupportedByEmitter = new(4300, "OnnxEmitUnsupportedOp");
    /// <summary>An op whose form (dynamic attribute input, rank, mode…) this emitter cannot express.</summary>
    public static readonly DiagnosticId UnsupportedForm = new(4301, "OnnxEmitUnsupportedForm");
    /// <summary>A value a node reads is neither an input, an initializer nor an earlier output.</summary>
    public static readonly DiagnosticId UndefinedValue = new(4302, "OnnxEmitUndefinedValue");
    /// <summary>An input's type is not a tensor of a supported dtype.</summary>
    public static readonly DiagnosticId UnsupportedType = new(4303, "OnnxEmitUnsupportedType");
    /// <summary>An input is statically inconsistent (e.g. a constant index out of range, shapes that cannot broadcast).</summary>
    public static readonly DiagnosticId BadValue = new(4304, "OnnxEmitBadValue");
    /// <summary>A shape override (<c>--shape name=…</c>) names no input or has the wrong rank.</summary>
    public static readonly DiagnosticId BadShapeOverride = new(4305, "OnnxEmitBadShapeOverride");
    /// <summary>Inferring the types / struct info of the emitted program failed (names the node).</summary>
    public static readonly DiagnosticId InferenceFailed = new(4306, "OnnxEmitInferenceFailed");
    /// <summary>The shape the emitter inferred for a value contradicts the shape the file's value_info declares (names both).</summary>
    public static readonly DiagnosticId DeclaredShapeMismatch = new(4307, "OnnxEmitDeclaredShapeMismatch");
    /// <summary>Warning: the model converted only specialised on the values of scalar inputs (a data-dependent If folded).</summary>
    public static readonly DiagnosticId SpecialisedOnInputValues = new(4308, "OnnxEmitSpecialisedOnInputValues");
}

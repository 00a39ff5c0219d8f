
namespace Bridge.Ir.Ops.Spec;

/// <summary>The element type an elementwise op returns: its operands' (<c>add</c>, <c>exp</c>) or bool (<c>less</c>, <c>isnan</c>).</summary>
public enum ElemResult { Same, Bool }

/// <summary>
/// One elementwise op across every stage (issue 21, STYLE 3): a row of <see cref="ElementwiseSpec"/> and the typed handle
/// translators use instead of a string name. From the row, the IR registers the Relay op (<c>NoAttrs</c>, the broadcasting
/// type relation) and the Relax op (its struct-info rule), the Relay→Relax translator maps <see cref="RelayName"/> to
/// <see cref="RelaxTarget"/>, the ONNX loader declares <see cref="Onnx"/> at <see cref="OnnxVersions"/> and both ONNX emitters
/// lower it to this op, the TorchScript translator maps <see cref="Aten"/> to the ONNX op, and the reference backend binds
/// the kernel named <see cref="Kernel"/> (a member of its <c>UnaryOp</c>/<c>BinaryOp</c>) to both dialects' ops. A name that
/// does not resolve at any of those stages is a start-up error, not a silent skip.
/// </summary>
public sealed record ElementwiseOp
{
    /// <summary>The name both ONNX emitters use (the Relay and the Relax op name where both exist; Relax prints it as <c>R.name</c>).</summary>
    public required string Name { get; init; }
    /// <summary>1 (unary) or 2 (binary broadcast).</summary>
    public required int Arity { get; init; }
    /// <summary>The Relay op this row registers; null where Relay has none (<c>square</c>, <c>nn.gelu</c>).</summary>
    public string? RelayName { get; init; }
    /// <summary>The Relax op this row registers, without the <c>relax.</c> prefix; null where Relax has none (<c>log10</c>).</summary>
    public string? RelaxName { get; init; }
    /// <summary>The Relax op (no prefix) the Relay op translates to one-for-one; null where the translation is written by hand.</summary>
    public string? RelaxTarget { get; init; }
    public ElemResult RelayResult { get; init; }
    public ElemResult RelaxResult { get; init; }
    /// <summary>Relax rejects a non-float input (TVM's float-only unary ops); Relay's relation does not check.</summary>
    public bool RelaxFloatOnly { get; init; }
    /// <summary>The ai.onnx op that lowers to this op one-for-one (no attributes), or null.</summary>
    public string? Onnx { get; init; }
    public ImmutableArray<int> OnnxVersions { get; init; } = [];
    /// <summary>The aten op that maps to <see cref="Onnx"/> one-for-one, or null.</summary>
    public string? Aten { get; init; }
    /// <summary>The reference kernel: a member name of the backend's <c>UnaryOp</c> (arity 1) or <c>BinaryOp</c> (arity 2); null
    /// where the kernel is a hand-written adapter (then the kernel-coverage meta-test still requires one).</summary>
    public string? Kernel { get; init; }

    /// <summary>The registered Relay op (throws when the row declares none).</summary>
    public OpDef Relay => SpecRowOps.Relay(Name, RelayName);

    /// <summary>The registered Relax op (throws when the row declares none).</summary>
    public OpDef Relax => SpecRowOps.Relax(Name, RelaxName);

    public override string ToString() => Name;
}


namespace Bridge.Ir.Ops.Spec;

/// <summary>
/// The one typed view of a reduction's attributes that its type rule, its Relay→Relax translation and its reference kernel
/// read (never an attribute name). Relay's <c>ReduceAttrs</c>, <c>ArgReduceAttrs</c>, <c>VarianceAttrs</c> and Relax's
/// <c>StatisticalAttrs</c>, <c>ArgmaxArgminAttrs</c> implement it; each record keeps its TVM type key and field list (the
/// printers and readers see no change), and the members a record lacks answer the TVM default here, once.
/// </summary>
public interface IReduceAttrs
{
    /// <summary>The reduced axes; null reduces over every axis.</summary>
    ValueArray<long>? Axis { get; }
    bool Keepdims { get; }
    /// <summary>Reduce over every axis <em>not</em> in <see cref="Axis"/> (Relay only; Relax has no such attribute).</summary>
    bool Exclude => false;
    /// <summary>Divide by n − 1 (Relay <c>variance</c>; Relax's variance and std are biased).</summary>
    bool Unbiased => false;
    /// <summary>argmax/argmin pick the last of equal values (Relay only).</summary>
    bool SelectLastIndex => false;
}

/// <summary>The element type a reduction returns: its input's, bool (<c>all</c>/<c>any</c>) or an index type (argmax/argmin:
/// int32 in Relay, int64 in Relax, as TVM).</summary>
public enum ReduceResult { Same, Bool, Index }

/// <summary>
/// One reduction across every stage (issue 21): a row of <see cref="ReductionSpec"/> and its typed handle. From the row the IR
/// registers the Relay op (<see cref="RelayAttrs"/>, inputs <see cref="RelayInputs"/>, the reduce type relation) and the Relax
/// op (<see cref="RelaxAttrs"/>, the reduce struct-info rule); the Relay→Relax translator maps <see cref="RelayName"/> to
/// <see cref="RelaxTarget"/> (axes normalised, <c>exclude</c> resolved; bool results go through int8 min/max, index results
/// are cast back to Relay's int32); the ONNX loader declares <see cref="Onnx"/> at <see cref="OnnxVersions"/> (axes an input
/// from <see cref="OnnxAxesInputSince"/>) and both emitters lower it to <see cref="OnnxPre"/> · <see cref="OnnxVia"/> ·
/// <see cref="OnnxPost"/>; TorchScript maps <see cref="Aten"/> to the ONNX op; the reference backend binds the kernel named
/// <see cref="Kernel"/> (a member of its <c>ReduceOp</c>) to both ops, reading <see cref="IReduceAttrs"/>.
/// </summary>
public sealed record ReductionOp
{
    /// <summary>The row's name: the op name both dialects share where they have it (<c>sum</c>), else a descriptive one (<c>l2_norm</c>).</summary>
    public required string Name { get; init; }
    /// <summary>The Relay op this row registers, or null.</summary>
    public string? RelayName { get; init; }
    /// <summary>The Relay attrs record (implements <see cref="IReduceAttrs"/>).</summary>
    public Type RelayAttrs { get; init; } = typeof(Bridge.Ir.Ops.Relay.ReduceAttrs);
    public ImmutableArray<string> RelayInputs { get; init; } = ["data"];
    /// <summary>The Relax op this row registers, without the <c>relax.</c> prefix, or null.</summary>
    public string? RelaxName { get; init; }
    /// <summary>The Relax attrs record (implements <see cref="IReduceAttrs"/>).</summary>
    public Type RelaxAttrs { get; init; } = typeof(Bridge.Ir.Ops.Relax.StatisticalAttrs);
    public ReduceResult Result { get; init; }
    /// <summary>The Relax op (no prefix) the Relay op translates to; null where the translation is written by hand (<c>variance</c>).</summary>
    public string? RelaxTarget { get; init; }
    /// <summary>The ai.onnx ReduceX op that lowers through this row, or null.</summary>
    public string? Onnx { get; init; }
    public ImmutableArray<int> OnnxVersions { get; init; } = [];
    /// <summary>The opset from which <c>axes</c> is input 1 rather than an attribute (13 for ReduceSum, 18 for the others).</summary>
    public int OnnxAxesInputSince { get; init; }
    /// <summary>The op both ONNX emitters reduce with (the name Relay and Relax share), e.g. <c>sum</c> for ReduceL1.</summary>
    public string? OnnxVia { get; init; }
    /// <summary>An elementwise op applied before the reduction (unary: f(x); binary: f(x, x), so Multiply squares).</summary>
    public ElementwiseOp? OnnxPre { get; init; }
    /// <summary>A unary elementwise op applied after the reduction (ReduceL2: sqrt).</summary>
    public ElementwiseOp? OnnxPost { get; init; }
    /// <summary>The aten op that lowers to <see cref="Onnx"/>, or null.</summary>
    public string? Aten { get; init; }
    /// <summary>The aten op takes a <c>dtype</c> argument (torch.sum/mean/prod; amax/amin do not).</summary>
    public bool AtenDtype { get; init; }
    /// <summary>The reference kernel: a member name of the backend's <c>ReduceOp</c>, or null (an ONNX-only composite row).</summary>
    public string? Kernel { get; init; }

    /// <summary>The registered Relay op (throws when the row declares none).</summary>
    public OpDef Relay => SpecRowOps.Relay(Name, RelayName);

    /// <summary>The registered Relax op (throws when the row declares none).</summary>
    public OpDef Relax => SpecRowOps.Relax(Name, RelaxName);

    public override string ToString() => Name;
}

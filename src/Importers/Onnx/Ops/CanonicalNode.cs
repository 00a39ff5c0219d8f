using Bridge.Ir.Ops;

namespace Bridge.Importers.Onnx.Ops;

/// <summary>
/// One input of a canonical node: a value name, a constant (an initializer, a Constant node's output, or an attribute of an
/// old opset lifted into the newest signature), both (a named initializer), or absent (an omitted optional input).
/// </summary>
public sealed record CanonicalInput(string Name, Tensor? Constant)
{
    public static readonly CanonicalInput Absent = new("", null);
    public bool IsPresent => Name.Length > 0 || Constant is not null;
    public bool IsConstant => Constant is not null;

    /// <summary>The constant as int64 values (axes, pads, shape, starts…), or null when dynamic/absent.</summary>
    public ValueArray<long>? Ints => Constant is null ? (ValueArray<long>?)null : new ValueArray<long>(Enumerable.Range(0, (int)Constant.Length).Select(i => Constant.GetInt64(i)));

    /// <summary>The constant as doubles (scales, clip bounds…), or null.</summary>
    public ValueArray<double>? Doubles => Constant is null ? (ValueArray<double>?)null : new ValueArray<double>(Constant.ToDoubleArray());

    public override string ToString() => Constant is null ? (Name.Length == 0 ? "<absent>" : Name) : $"{(Name.Length > 0 ? Name : "const")}={Constant}";
}

/// <summary>
/// An ONNX node in its one canonical form: the op kind emitters switch on, typed spec-defaulted attributes (derived fields
/// such as explicit pads filled in), inputs laid out as in the newest opset of the op (attribute forms of older opsets lifted
/// to constant inputs), outputs, and the source node and location.
/// </summary>
public sealed class CanonicalNode
{
    public required string Kind { get; init; }
    public required OnnxOpSpec Spec { get; init; }
    /// <summary>The schema version that governed the source node (largest declared version ≤ the node's opset).</summary>
    public required int Version { get; init; }
    public required Attrs Attrs { get; init; }
    public required ImmutableArray<CanonicalInput> Inputs { get; init; }
    public required ImmutableArray<string> Outputs { get; init; }
    public required OnnxNode Source { get; init; }
    public SourceLoc Loc => Source.Loc;

    public T AttrsAs<T>() where T : Attrs => Attrs as T ?? throw new BridgeInternalError($"{Kind} has {Attrs.GetType().Name}, not {typeof(T).Name}");

    public CanonicalInput Input(int i) => i < Inputs.Length ? Inputs[i] : CanonicalInput.Absent;

    public CanonicalNode With(Attrs? attrs = null, ImmutableArray<CanonicalInput>? inputs = null, string? kind = null) => new()
    {
        Kind = kind ?? Kind, Spec = Spec, Version = Version, Attrs = attrs ?? Attrs, Inputs = inputs ?? Inputs, Outputs = Outputs, Source = Source,
    };

    public override string ToString() => $"{string.Join(", ", Outputs)} = {Kind}[v{Version}]({string.Join(", ", Inputs)}) {Attrs}";
}

/// <summary>What a normaliser may ask about the graph: declared shapes (symbolic), constants, and where to report.</summary>
public sealed class CanonContext(OnnxModel model, OnnxGraph graph, DiagnosticBag bag)
{
    private readonly Dictionary<string, Tensor> _constants = new(StringComparer.Ordinal);

    public OnnxModel Model { get; } = model;
    public OnnxGraph Graph { get; } = graph;
    public DiagnosticBag Diagnostics { get; } = bag;

    /// <summary>The constant value of <paramref name="name"/>: an initializer of this or an enclosing graph or a Constant node output.</summary>
    public Tensor? Constant(string name) =>
        name.Length == 0 ? null : _constants.TryGetValue(name, out var t) ? t : Graph.ConstantOf(name);

    internal void RecordConstant(string name, Tensor value) => _constants[name] = value;

    /// <summary>Symbolic shape of a value: declared (dims shared by dim_param) or, for constants, exact; null when the rank is unknown.</summary>
    public ImmutableArray<SymExpr>? ShapeOf(string name)
    {
        if (Constant(name) is { } c) return [.. c.Shape.Select(d => SymExpr.Const(d))];
        return Model.SymbolicShape(Graph.TypeOf(name), name);
    }

    public BridgeException Error(OnnxNode node, DiagnosticId id, string message) => new(id, node.Loc, message);
}

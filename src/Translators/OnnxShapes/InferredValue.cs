using Bridge.Translators.Onnx;

namespace Bridge.Translators.OnnxShapes;

/// <summary>
/// What ONNX shape inference knows of one value (as <c>onnx.shape_inference.infer_shapes(data_prop=True)</c> records it in
/// value_info): the element type, the rank and each dim (a constant, a symbolic expression over the model's dim vars, or null
/// for a dim nothing determines), and for a small integer tensor its propagated values (<see cref="KnownInts"/>).
/// <see cref="Dims"/> null means the rank is unknown.
/// </summary>
public sealed record InferredValue(DataType? DType, ImmutableArray<SymExpr?>? Dims, KnownInts? Known = null)
{
    public static readonly InferredValue Unknown = new(null, null);

    public int? Rank => Dims?.Length;

    /// <summary>The shape when every dim is determined (no null entry), else null.</summary>
    public ImmutableArray<SymExpr>? Shape => Dims is { } d && d.All(x => x is not null) ? [.. d.Select(x => x!)] : null;

    public static InferredValue Of(DataType? dtype, IEnumerable<SymExpr?> dims, KnownInts? known = null) => new(dtype, [.. dims], known);

    public static InferredValue OfRank(DataType? dtype, int rank) => new(dtype, [.. Enumerable.Repeat<SymExpr?>(null, rank)]);

    public override string ToString() =>
        $"{DType?.ToString() ?? "?"}{(Dims is { } d ? "[" + string.Join(", ", d.Select(x => x?.ToString() ?? "?")) + "]" : "[*]")}{(Known is { } k ? " = " + k : "")}";
}

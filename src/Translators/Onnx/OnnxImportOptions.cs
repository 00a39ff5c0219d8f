using Bridge.Importers.Onnx;

namespace Bridge.Translators.Onnx;

/// <summary>Options of <see cref="OnnxImport"/>.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>Loader options (initializers kept as inputs, limits).</summary>
    public OnnxLoadOptions Load { get; init; } = OnnxLoadOptions.Default;
    /// <summary>
    /// Concrete values for named dims (<c>--shape batch=4</c>): every dim_param of that name becomes the constant. A dim with
    /// neither dim_value nor dim_param is keyed <c>input:axis</c> (<see cref="AnonymousDimKey"/>, the name <c>check</c> prints).
    /// </summary>
    public ImmutableDictionary<string, long> DimValues { get; init; } = ImmutableDictionary<string, long>.Empty;
    /// <summary>The <see cref="DimValues"/> key of an anonymous input dim: <c>input:axis</c>.</summary>
    public static string AnonymousDimKey(string input, int axis) => $"{input}:{axis.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    /// <summary>
    /// Relax only: fold Shape→Gather→Concat→Reshape/Expand/ConstantOfShape chains into shape expressions (the default and
    /// what TVM's Relax frontend does). Off, shape values stay int64 tensors built with <c>R.shape_to_tensor</c>.
    /// </summary>
    public bool FoldShapeChains { get; init; } = true;
    /// <summary>
    /// Relax only (TVM's <c>keep_params_in_input=True</c>): weight initializers become parameters of <c>main</c> after the real
    /// inputs (<c>num_input</c> counts the real inputs) and are returned in <see cref="OnnxImportResult{TModule}.Params"/>
    /// instead of being printed inline. Small integer initializers (shape/axes values) stay constants so shape chains fold.
    /// </summary>
    public bool KeepParamsAsInputs { get; init; }
    /// <summary>
    /// Values of scalar integer/bool inputs (the feeds <c>check</c> runs) that a data-dependent If may be specialised on when the
    /// model does not convert in its general form (OnnxEmitterBase.InputSpecialisation.cs, warning BRG4308).
    /// </summary>
    public ImmutableDictionary<string, Core.Tensors.Tensor> InputValues { get; init; } = ImmutableDictionary<string, Core.Tensors.Tensor>.Empty;

    /// <summary>The scalar (one-element) integer or bool tensors among <paramref name="feeds"/>, for <see cref="InputValues"/>.</summary>
    public static ImmutableDictionary<string, Core.Tensors.Tensor> ScalarInputs(IReadOnlyDictionary<string, Core.Tensors.Tensor> feeds) =>
        feeds.Where(kv => kv.Value.Length == 1 && kv.Value.Shape.Length <= 1 && (kv.Value.DType.IsIntegral || kv.Value.DType == Core.Tensors.DataType.Bool))
            .ToImmutableDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    public static OnnxImportOptions Default { get; } = new();
}

/// <summary>What an import produced besides the module: counts and notes for the CLI summary.</summary>
public sealed record OnnxImportSummary(string ModelPath, int Opset, int Nodes, int FoldedShapeNodes, ImmutableArray<string> Inputs,
    ImmutableArray<string> Outputs, ImmutableArray<Core.Diagnostics.Diagnostic> Warnings)
{
    /// <summary>A few lines for the <c>convert</c> verb.</summary>
    public string Render(string dialect) =>
        $"{ModelPath}: ONNX opset {Opset}, {Nodes} nodes → {dialect} ({FoldedShapeNodes} shape nodes folded at import)\n" +
        $"inputs: {string.Join(", ", Inputs)}\noutputs: {string.Join(", ", Outputs)}\n" +
        (Warnings.IsEmpty ? "" : string.Join("\n", Warnings.Select(w => w.Render())) + "\n");
}

/// <summary>An imported module with its summary.</summary>
public sealed record OnnxImportResult<TModule>(TModule Module, OnnxImportSummary Summary)
{
    /// <summary>Weights lifted to parameters (<see cref="OnnxImportOptions.KeepParamsAsInputs"/>), by parameter name.</summary>
    public IReadOnlyDictionary<string, Core.Tensors.Tensor> Params { get; init; } = ImmutableDictionary<string, Core.Tensors.Tensor>.Empty;
}

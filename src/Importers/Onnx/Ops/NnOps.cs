using Bridge.Ir.Ops;
using static Bridge.Importers.Onnx.Ops.Spec;

namespace Bridge.Importers.Onnx.Ops;

public sealed record ConvAttrs : WindowAttrs { public long Group { get; init; } = 1; }
public sealed record ConvTransposeAttrs : WindowAttrs
{
    public long Group { get; init; } = 1;
    public ValueArray<long> OutputPadding { get; init; } = [];
    public ValueArray<long> OutputShape { get; init; } = [];
}
public sealed record DeformConvAttrs : WindowAttrs { public long Group { get; init; } = 1; public long OffsetGroup { get; init; } = 1; }
public sealed record AveragePoolAttrs : WindowAttrs { public bool CeilMode { get; init; } public bool CountIncludePad { get; init; } }
public sealed record MaxPoolAttrs : WindowAttrs { public bool CeilMode { get; init; } public long StorageOrder { get; init; } }
public sealed record LpPoolAttrs : WindowAttrs { public bool CeilMode { get; init; } public long P { get; init; } = 2; }
public sealed record MaxUnpoolAttrs : WindowAttrs;
public sealed record GlobalLpPoolAttrs : Attrs { public long P { get; init; } = 2; }
public sealed record MaxRoiPoolAttrs : Attrs { [Required] public ValueArray<long> PooledShape { get; init; } = []; public float SpatialScale { get; init; } = 1.0f; }
public sealed record RoiAlignAttrs : Attrs
{
    /// <summary>Default "half_pixel" since opset 16; opset 10 behaves as "output_half_pixel" (normalised).</summary>
    [OneOf("half_pixel", "output_half_pixel")] public string? CoordinateTransformationMode { get; init; }
    [OneOf("avg", "max")] public string Mode { get; init; } = "avg";
    public long OutputHeight { get; init; } = 1;
    public long OutputWidth { get; init; } = 1;
    public long SamplingRatio { get; init; }
    public float SpatialScale { get; init; } = 1.0f;
}
public sealed record BatchNormalizationAttrs : Attrs
{
    public float Epsilon { get; init; } = 1e-5f;
    public float Momentum { get; init; } = 0.9f;
    /// <summary>Opsets &lt; 9: spatial=0 means per-activation statistics (scale/bias of shape C×D1…).</summary>
    public bool Spatial { get; init; } = true;
    public bool TrainingMode { get; init; }
}
public sealed record EpsilonAttrs : Attrs { public float Epsilon { get; init; } = 1e-5f; }
public sealed record LayerNormalizationAttrs : Attrs
{
    public long Axis { get; init; } = -1;
    public float Epsilon { get; init; } = 1e-5f;
    public long StashType { get; init; } = 1;
}
public sealed record GroupNormalizationAttrs : Attrs
{
    public float Epsilon { get; init; } = 1e-5f;
    [Required] public long NumGroups { get; init; }
    public long StashType { get; init; } = 1;
}
public sealed record LrnAttrs : Attrs
{
    public float Alpha { get; init; } = 1e-4f;
    public float Beta { get; init; } = 0.75f;
    public float Bias { get; init; } = 1.0f;
    [Required] public long Size { get; init; }
}
public sealed record MeanVarianceNormalizationAttrs : Attrs { public ValueArray<long> Axes { get; init; } = [0, 2, 3]; }
public sealed record LpNormalizationAttrs : Attrs { public long Axis { get; init; } = -1; public long P { get; init; } = 2; }
/// <summary>Dropout: opsets &lt; 12 have <c>ratio</c> as an attribute; canonical inputs are (data, ratio?, training_mode?).</summary>
public sealed record DropoutAttrs : Attrs { public float Ratio { get; init; } = 0.5f; public long? Seed { get; init; } }
public sealed record FlattenAttrs : Attrs { public long Axis { get; init; } = 1; }
public sealed record GemmAttrs : Attrs
{
    public float Alpha { get; init; } = 1.0f;
    public float Beta { get; init; } = 1.0f;
    [AttrName("transA")] public bool TransA { get; init; }
    [AttrName("transB")] public bool TransB { get; init; }
}
/// <summary>
/// Softmax, LogSoftmax, Hardmax. Before opset 13 the input is coerced to 2-D at <c>axis</c> (default 1) and normalised over
/// the flattened tail; from 13 the op works along one axis (default −1). <see cref="Coerce2D"/> records which.
/// </summary>
public sealed record SoftmaxAttrs : Attrs
{
    public long? Axis { get; init; }
    [Derived] public bool Coerce2D { get; init; }
}
public sealed record GridSampleAttrs : Attrs
{
    public bool AlignCorners { get; init; }
    /// <summary>"bilinear"/"nearest"/"bicubic" (16) or "linear"/"nearest"/"cubic" (20); normalised to the opset-20 names.</summary>
    [OneOf("bilinear", "nearest", "bicubic", "linear", "cubic")] public string Mode { get; init; } = "linear";
    [OneOf("zeros", "border", "reflection")] public string PaddingMode { get; init; } = "zeros";
}
public sealed record AffineGridAttrs : Attrs { public bool AlignCorners { get; init; } }
public sealed record Col2ImAttrs : Attrs
{
    public ValueArray<long> Dilations { get; init; } = [];
    public ValueArray<long> Pads { get; init; } = [];
    public ValueArray<long> Strides { get; init; } = [];
}
public sealed record CenterCropPadAttrs : Attrs { public ValueArray<long> Axes { get; init; } = []; }

/// <summary>Convolutions, pooling, normalisations, dense layers and softmax-like ops.</summary>
[OnnxOpFamily("nn")]
internal static class NnOps
{
    private const string F = "nn";

    internal static IEnumerable<OnnxOpSpec> Ops()
    {
        yield return Op<ConvAttrs>(F, "Conv", [1, 11], "X, W, B?", (x, c) => Window.Resolve(x, c, 0, 1), notes: "auto_pad → explicit pads; kernel from W when absent");
        yield return Op<ConvTransposeAttrs>(F, "ConvTranspose", [1, 11], "X, W, B?", (x, c) => Window.Resolve(x, c, 0, 1, transpose: true), notes: "output_shape/auto_pad → explicit pads");
        yield return Op<DeformConvAttrs>(F, "DeformConv", [19], "X, W, offset, B?, mask?", (x, c) => Window.Resolve(x, c, 0, 1));
        yield return Op<AveragePoolAttrs>(F, "AveragePool", [1, 7, 10, 11, 19], "X", (x, c) => Window.Resolve(x, c, 0, -1));
        yield return Op<MaxPoolAttrs>(F, "MaxPool", [1, 8, 10, 11, 12], "X", (x, c) => Window.Resolve(x, c, 0, -1), notes: "second output (Indices) optional");
        yield return Op<LpPoolAttrs>(F, "LpPool", [1, 2, 11, 18], "X", (x, c) => Window.Resolve(x, c, 0, -1));
        yield return Op<MaxUnpoolAttrs>(F, "MaxUnpool", [9, 11], "X, I, output_shape?", (x, c) => Window.Resolve(x, c, 0, -1));
        yield return Op<OnnxNoAttrs>(F, "GlobalAveragePool", [1], "X");
        yield return Op<OnnxNoAttrs>(F, "GlobalMaxPool", [1], "X");
        yield return Op<GlobalLpPoolAttrs>(F, "GlobalLpPool", [1, 2], "X");
        yield return Op<MaxRoiPoolAttrs>(F, "MaxRoiPool", [1], "X, rois");
        yield return Op<RoiAlignAttrs>(F, "RoiAlign", [10, 16], "X, rois, batch_indices", NormalizeRoiAlign);
        yield return Op<BatchNormalizationAttrs>(F, "BatchNormalization", [1, 6, 7, 9, 14, 15], "X, scale, B, input_mean, input_var");
        yield return Op<EpsilonAttrs>(F, "InstanceNormalization", [1, 6], "input, scale, B");
        yield return Op<LayerNormalizationAttrs>(F, "LayerNormalization", [17], "X, Scale, B?");
        yield return Op<GroupNormalizationAttrs>(F, "GroupNormalization", [18, 21], "X, scale, bias");
        yield return Op<LayerNormalizationAttrs>(F, "RMSNormalization", [23], "X, scale", notes: "opset 23, beyond the supported ai.onnx range");
        yield return Op<LrnAttrs>(F, "LRN", [1, 13], "X");
        yield return Op<MeanVarianceNormalizationAttrs>(F, "MeanVarianceNormalization", [9, 13], "X");
        yield return Op<LpNormalizationAttrs>(F, "LpNormalization", [1], "input");
        yield return Op<DropoutAttrs>(F, "Dropout", [1, 6, 7, 10, 12, 13], "data, ratio?, training_mode?", NormalizeDropout, notes: "opset < 12: ratio attribute lifted to an input");
        yield return Op<FlattenAttrs>(F, "Flatten", [1, 9, 11, 13, 21], "input");
        yield return Op<GemmAttrs>(F, "Gemm", [1, 6, 7, 9, 11, 13], "A, B, C?");
        yield return Op<OnnxNoAttrs>(F, "MatMul", [1, 9, 13], "A, B");
        foreach (var op in (string[])["Softmax", "LogSoftmax", "Hardmax"])
            yield return Op<SoftmaxAttrs>(F, op, [1, 11, 13], "input", NormalizeSoftmax, notes: "opset < 13: 2-D coercion at axis (default 1)");
        yield return Op<GridSampleAttrs>(F, "GridSample", [16, 20], "X, grid", NormalizeGridSample);
        yield return Op<AffineGridAttrs>(F, "AffineGrid", [20], "theta, size");
        yield return Op<Col2ImAttrs>(F, "Col2Im", [18], "input, image_shape, block_shape");
        yield return Op<CenterCropPadAttrs>(F, "CenterCropPad", [18], "input_data, shape");
    }

    private static CanonicalNode NormalizeSoftmax(CanonContext ctx, CanonicalNode c)
    {
        var a = c.AttrsAs<SoftmaxAttrs>();
        return c.With(attrs: a with { Axis = a.Axis ?? (c.Version < 13 ? 1 : -1), Coerce2D = c.Version < 13 });
    }

    private static CanonicalNode NormalizeDropout(CanonContext ctx, CanonicalNode c)
    {
        if (c.Version >= 12) return c;
        var a = c.AttrsAs<DropoutAttrs>();
        return c.With(inputs: OnnxCanonicalizer.SetInput(c.Inputs, 1, OnnxCanonicalizer.ScalarInput(c.Source, "ratio", DataType.Float32, a.Ratio)));
    }

    /// <summary>RoiAlign-10 has no coordinate_transformation_mode and behaves as "output_half_pixel"; 16 defaults to "half_pixel".</summary>
    private static CanonicalNode NormalizeRoiAlign(CanonContext ctx, CanonicalNode c)
    {
        var a = c.AttrsAs<RoiAlignAttrs>();
        return c.With(attrs: a with { CoordinateTransformationMode = a.CoordinateTransformationMode ?? (c.Version < 16 ? "output_half_pixel" : "half_pixel") });
    }

    /// <summary>GridSample-16 mode names (bilinear/bicubic) map to the opset-20 names (linear/cubic); 16's default is bilinear.</summary>
    private static CanonicalNode NormalizeGridSample(CanonContext ctx, CanonicalNode c)
    {
        var a = c.AttrsAs<GridSampleAttrs>();
        var mode = a.Mode switch { "bilinear" => "linear", "bicubic" => "cubic", var m => m };
        return c.With(attrs: a with { Mode = mode });
    }
}

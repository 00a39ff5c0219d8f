// Generated from spec §5 tables (/work/shared/spec/relay-formats.md) by a one-off script, then kept by hand.

namespace Bridge.Ir.Ops.Relay;

/// <summary>Attributes <c>relay.attrs.NonMaximumSuppressionAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.NonMaximumSuppressionAttrs")]
public sealed record NonMaximumSuppressionAttrs : Attrs
{
    [AttrName("force_suppress")] public bool ForceSuppress { get; init; } = false;
    [AttrName("top_k")] public long TopK { get; init; } = -1;
    [AttrName("coord_start")] public long CoordStart { get; init; } = 2;
    [AttrName("score_index")] public long ScoreIndex { get; init; } = 1;
    [AttrName("id_index")] public long IdIndex { get; init; } = 0;
    [AttrName("return_indices")] public bool ReturnIndices { get; init; } = true;
    [AttrName("invalid_to_bottom")] public bool InvalidToBottom { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.AllClassNonMaximumSuppressionAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.AllClassNonMaximumSuppressionAttrs")]
public sealed record AllClassNonMaximumSuppressionAttrs : Attrs
{
    [StdString] [AttrName("output_format")] public string OutputFormat { get; init; } = "onnx";
}

/// <summary>Attributes <c>relay.attrs.GetValidCountsAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.GetValidCountsAttrs")]
public sealed record GetValidCountsAttrs : Attrs
{
    [RelayRequired] [AttrName("score_threshold")] public double? ScoreThreshold { get; init; } = null;
    [AttrName("id_index")] public long IdIndex { get; init; } = 0;
    [AttrName("score_index")] public long ScoreIndex { get; init; } = 1;
}

/// <summary>Attributes <c>relay.attrs.ROIAlignAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ROIAlignAttrs")]
public sealed record ROIAlignAttrs : Attrs
{
    [RelayRequired] [AttrName("pooled_size")] public ValueArray<long>? PooledSize { get; init; } = null;
    [RelayRequired] [AttrName("spatial_scale")] public double? SpatialScale { get; init; } = null;
    [AttrName("sample_ratio")] public long SampleRatio { get; init; } = -1;
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCHW";
    [StdString] [AttrName("mode")] public string Mode { get; init; } = "avg";
}

/// <summary>Attributes <c>relay.attrs.ROIPoolAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ROIPoolAttrs")]
public sealed record ROIPoolAttrs : Attrs
{
    [RelayRequired] [AttrName("pooled_size")] public ValueArray<long>? PooledSize { get; init; } = null;
    [RelayRequired] [AttrName("spatial_scale")] public double? SpatialScale { get; init; } = null;
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCHW";
}

/// <summary>Attributes <c>relay.attrs.NLLLossAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.NLLLossAttrs")]
public sealed record NLLLossAttrs : Attrs
{
    [StdString] [AttrName("reduction")] public string Reduction { get; init; } = "mean";
    [RelayRequired] [AttrName("ignore_index")] public long? IgnoreIndex { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.StftAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.StftAttrs")]
public sealed record StftAttrs : Attrs
{
    [AttrName("n_fft")] public long NFft { get; init; } = -1;
    [AttrName("hop_length")] public long HopLength { get; init; } = -1;
    [AttrName("win_length")] public long WinLength { get; init; } = -1;
    [AttrName("normalized")] public bool Normalized { get; init; } = false;
    [AttrName("onesided")] public bool Onesided { get; init; } = true;
}

/// <summary>Attributes <c>relay.attrs.DFTAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.DFTAttrs")]
public sealed record DFTAttrs : Attrs
{
    [AttrName("inverse")] public bool Inverse { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.ThreefryGenerateAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ThreefryGenerateAttrs")]
public sealed record ThreefryGenerateAttrs : Attrs
{
    [RelayRequired] [AttrName("out_shape")] public ValueArray<long>? OutShape { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.UniformAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.UniformAttrs")]
public sealed record UniformAttrs : Attrs
{
    [RelayRequired] [AttrName("out_shape")] public ValueArray<long>? OutShape { get; init; } = null;
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.NormalAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.NormalAttrs")]
public sealed record NormalAttrs : Attrs
{
    [RelayRequired] [AttrName("out_shape")] public ValueArray<long>? OutShape { get; init; } = null;
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.MultinomialAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.MultinomialAttrs")]
public sealed record MultinomialAttrs : Attrs
{
    [AttrName("num_samples")] public long NumSamples { get; init; } = 1;
}

/// <summary>Relay op table: Vision family.</summary>
internal static class RelayVisionOps
{
    private static void Def<T>(string name, params string[] inputs) where T : Attrs, new() => RelayOps.Define<T>(name, "vision", inputs);

    internal static void Register()
    {
        Def<NonMaximumSuppressionAttrs>("vision.non_max_suppression", "data", "valid_count", "indices", "max_output_size", "iou_threshold");
        Def<AllClassNonMaximumSuppressionAttrs>("vision.all_class_non_max_suppression", "boxes", "scores", "max_output_boxes_per_class", "iou_threshold", "score_threshold");
        Def<GetValidCountsAttrs>("vision.get_valid_counts", "data", "score_threshold");
        Def<ROIAlignAttrs>("vision.roi_align", "data", "rois");
        Def<ROIPoolAttrs>("vision.roi_pool", "data", "rois");
        Def<NLLLossAttrs>("nn.nll_loss", "predictions", "targets", "weights");
        Def<NoAttrs>("nn.cross_entropy_with_logits", "predictions", "targets");
        Def<StftAttrs>("stft", "data", "window");
        Def<DFTAttrs>("dft", "re_data", "im_data");
        Def<ThreefryGenerateAttrs>("random.threefry_generate", "key");
        Def<NoAttrs>("random.threefry_split", "key");
        Def<UniformAttrs>("random.uniform", "key", "low", "high");
        Def<NormalAttrs>("random.normal", "key", "mean", "scale");
        Def<MultinomialAttrs>("random.multinomial", "key", "probs");
    }
}

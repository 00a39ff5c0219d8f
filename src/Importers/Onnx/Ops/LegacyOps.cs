using Bridge.Ir.Ops;
using static Bridge.Importers.Onnx.Ops.Spec;

namespace Bridge.Importers.Onnx.Ops;

/// <summary>
/// caffe2 <c>FC</c>: Y = flatten(X, axis) · flatten(W, axis_w)ᵀ + b, Y shaped X.dims[:axis] + [N]. TVM's Relay frontend
/// matched it by op name in the default domain (AttrCvt("dense"), ignoring axis/axis_w).
/// </summary>
public sealed record FcAttrs : Attrs
{
    public long Axis { get; init; } = 1;
    [AttrName("axis_w")] public long AxisW { get; init; } = 1;
}

/// <summary>caffe2 <c>SpatialBN</c> (inference form): batch normalisation over the channel axis of <c>order</c>.</summary>
public sealed record SpatialBnAttrs : Attrs
{
    public float Epsilon { get; init; } = 1e-5f;
    public float Momentum { get; init; } = 0.9f;
    /// <summary>caffe2's default (training statistics); ignored as TVM did: the given mean/var are always used.</summary>
    [AttrName("is_test")] public long IsTest { get; init; }
    [OneOf("NCHW", "NHWC")] public string Order { get; init; } = "NCHW";
}

/// <summary>
/// TVM's non-standard <c>AllClassNMS</c> (Relax frontend, HEAD): NonMaxSuppression's inputs and <c>center_point_box</c>;
/// its two outputs are vision.all_class_non_max_suppression's "onnx" pair (selected rows padded to batch·classes·boxes, and
/// the count), not sliced.
/// </summary>
public sealed record AllClassNmsAttrs : Attrs
{
    [AttrName("center_point_box")] public long CenterPointBox { get; init; }
}

/// <summary>
/// Ops outside every ONNX opset that TVM's frontends nevertheless matched by name in the default domain: the caffe2 legacy
/// FC and SpatialBN (Relay v0.19 <c>_get_convert_map</c>) and the TVM-specific AllClassNMS (Relax HEAD). Version 1 only: no
/// ONNX schema exists, so every opset of the default domain resolves to it.
/// </summary>
[OnnxOpFamily("legacy")]
internal static class LegacyOps
{
    private const string F = "legacy";

    internal static IEnumerable<OnnxOpSpec> Ops()
    {
        yield return Op<FcAttrs>(F, "FC", [1], "X, W, B?", notes: "caffe2 legacy");
        yield return Op<SpatialBnAttrs>(F, "SpatialBN", [1], "X, scale, bias, mean, var", notes: "caffe2 legacy");
        yield return Op<AllClassNmsAttrs>(F, "AllClassNMS", [1], "boxes, scores, max_output_boxes_per_class?, iou_threshold?, score_threshold?",
            notes: "TVM-specific, not an ONNX op");
    }
}

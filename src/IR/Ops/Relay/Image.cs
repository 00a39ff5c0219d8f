// Generated from spec §5 tables (/work/shared/spec/relay-formats.md) by a one-off script, then kept by hand.

namespace Bridge.Ir.Ops.Relay;

/// <summary>Attributes <c>relay.attrs.Resize1DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.Resize1DAttrs")]
public sealed record Resize1DAttrs : Attrs
{
    [AttrName("size")] public ValueArray<long>? Size { get; init; } = null;
    [AttrName("roi")] public ValueArray<double>? Roi { get; init; } = null;
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCW";
    [StdString] [AttrName("method")] public string Method { get; init; } = "linear";
    [StdString] [AttrName("coordinate_transformation_mode")] public string CoordinateTransformationMode { get; init; } = "half_pixel";
    [StdString] [AttrName("rounding_method")] public string RoundingMethod { get; init; } = "round";
    [AttrName("cubic_alpha")] public double CubicAlpha { get; init; } = -0.5;
    [AttrName("cubic_exclude")] public long CubicExclude { get; init; } = 0;
    [AttrName("extrapolation_value")] public double ExtrapolationValue { get; init; } = 0.0;
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.Resize2DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.Resize2DAttrs")]
public sealed record Resize2DAttrs : Attrs
{
    [AttrName("size")] public ValueArray<long>? Size { get; init; } = null;
    [AttrName("roi")] public ValueArray<double>? Roi { get; init; } = null;
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCHW";
    [StdString] [AttrName("method")] public string Method { get; init; } = "linear";
    [StdString] [AttrName("coordinate_transformation_mode")] public string CoordinateTransformationMode { get; init; } = "half_pixel";
    [StdString] [AttrName("rounding_method")] public string RoundingMethod { get; init; } = "round";
    [AttrName("cubic_alpha")] public double CubicAlpha { get; init; } = -0.5;
    [AttrName("cubic_exclude")] public long CubicExclude { get; init; } = 0;
    [AttrName("extrapolation_value")] public double ExtrapolationValue { get; init; } = 0.0;
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.Resize3DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.Resize3DAttrs")]
public sealed record Resize3DAttrs : Attrs
{
    [AttrName("size")] public ValueArray<long>? Size { get; init; } = null;
    [AttrName("roi")] public ValueArray<double>? Roi { get; init; } = null;
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCDHW";
    [StdString] [AttrName("method")] public string Method { get; init; } = "linear";
    [StdString] [AttrName("coordinate_transformation_mode")] public string CoordinateTransformationMode { get; init; } = "half_pixel";
    [StdString] [AttrName("rounding_method")] public string RoundingMethod { get; init; } = "round";
    [AttrName("cubic_alpha")] public double CubicAlpha { get; init; } = -0.5;
    [AttrName("cubic_exclude")] public long CubicExclude { get; init; } = 0;
    [AttrName("extrapolation_value")] public double ExtrapolationValue { get; init; } = 0.0;
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.GridSampleAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.GridSampleAttrs")]
public sealed record GridSampleAttrs : Attrs
{
    [AttrName("method")] public string Method { get; init; } = "bilinear";
    [AttrName("layout")] public string Layout { get; init; } = "NCHW";
    [AttrName("padding_mode")] public string PaddingMode { get; init; } = "zeros";
    [AttrName("align_corners")] public bool AlignCorners { get; init; } = true;
}

/// <summary>Attributes <c>relay.attrs.AffineGridAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.AffineGridAttrs")]
public sealed record AffineGridAttrs : Attrs
{
    [RelayRequired] [AttrName("target_shape")] public ValueArray<long>? TargetShape { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.CropAndResizeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.CropAndResizeAttrs")]
public sealed record CropAndResizeAttrs : Attrs
{
    [AttrName("crop_size")] public ValueArray<long>? CropSize { get; init; } = null;
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCHW";
    [StdString] [AttrName("method")] public string Method { get; init; } = "bilinear";
    [AttrName("extrapolation_value")] public double ExtrapolationValue { get; init; } = 0.0;
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Relay op table: Image family.</summary>
internal static class RelayImageOps
{
    private static void Def<T>(string name, params string[] inputs) where T : Attrs, new() => RelayOps.Define<T>(name, "image", inputs);

    internal static void Register()
    {
        Def<Resize1DAttrs>("image.resize1d", "data");
        Def<Resize2DAttrs>("image.resize2d", "data");
        Def<Resize3DAttrs>("image.resize3d", "data");
        Def<GridSampleAttrs>("image.grid_sample", "data", "grid");
        Def<AffineGridAttrs>("image.affine_grid", "data");
        Def<CropAndResizeAttrs>("image.crop_and_resize", "data", "boxes", "box_indices");
    }
}

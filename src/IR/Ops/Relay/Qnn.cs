// Generated from spec §5 tables (/work/shared/spec/relay-formats.md) by a one-off script, then kept by hand.

namespace Bridge.Ir.Ops.Relay;

/// <summary>Attributes <c>relay.attrs.QuantizeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.QuantizeAttrs")]
public sealed record QuantizeAttrs : Attrs
{
    [RelayRequired] [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
    [AttrName("axis")] public long Axis { get; init; } = -1;
}

/// <summary>Attributes <c>relay.attrs.DequantizeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.DequantizeAttrs")]
public sealed record DequantizeAttrs : Attrs
{
    [RelayRequired] [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
    [AttrName("axis")] public long Axis { get; init; } = -1;
}

/// <summary>Attributes <c>relay.attrs.RequantizeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.RequantizeAttrs")]
public sealed record RequantizeAttrs : Attrs
{
    [AttrName("axis")] public long Axis { get; init; } = -1;
    [StdString] [AttrName("rounding")] public string Rounding { get; init; } = "None";
    [StdString] [AttrName("compute_dtype")] public string ComputeDtype { get; init; } = "None";
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.BroadcastAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.BroadcastAttrs")]
public sealed record BroadcastAttrs : Attrs
{
    [AttrName("lhs_axis")] public long LhsAxis { get; init; } = -1;
    [AttrName("rhs_axis")] public long RhsAxis { get; init; } = -1;
}

/// <summary>Relay op table: Qnn family.</summary>
internal static class RelayQnnOps
{
    private static void Def<T>(string name, params string[] inputs) where T : Attrs, new() => RelayOps.Define<T>(name, "qnn", inputs);

    internal static void Register()
    {
        Def<QuantizeAttrs>("qnn.quantize", "data", "output_scale", "output_zero_point");
        Def<DequantizeAttrs>("qnn.dequantize", "data", "input_scale", "input_zero_point");
        Def<RequantizeAttrs>("qnn.requantize", "data", "input_scale", "input_zero_point", "output_scale", "output_zero_point");
        Def<Conv2DAttrs>("qnn.conv2d", "data", "weight", "input_zero_point", "kernel_zero_point", "input_scale", "kernel_scale");
        Def<Conv2DTransposeAttrs>("qnn.conv2d_transpose", "data", "weight", "input_zero_point", "kernel_zero_point", "input_scale", "kernel_scale");
        Def<DenseAttrs>("qnn.dense", "data", "weight", "input_zero_point", "kernel_zero_point", "input_scale", "kernel_scale");
        Def<BatchMatmulAttrs>("qnn.batch_matmul", "x", "y", "x_zero_point", "y_zero_point", "x_scale", "y_scale");
        Def<BroadcastAttrs>("qnn.add", "lhs", "rhs", "lhs_scale", "lhs_zero_point", "rhs_scale", "rhs_zero_point", "output_scale", "output_zero_point");
        Def<BroadcastAttrs>("qnn.subtract", "lhs", "rhs", "lhs_scale", "lhs_zero_point", "rhs_scale", "rhs_zero_point", "output_scale", "output_zero_point");
        Def<BroadcastAttrs>("qnn.mul", "lhs", "rhs", "lhs_scale", "lhs_zero_point", "rhs_scale", "rhs_zero_point", "output_scale", "output_zero_point");
        Def<ConcatenateAttrs>("qnn.concatenate", "data", "input_scales", "input_zero_points", "output_scale", "output_zero_point");
        Def<LeakyReluAttrs>("qnn.leaky_relu", "x", "input_scale", "input_zero_point", "output_scale", "output_zero_point");
        Def<NoAttrs>("qnn.sigmoid", "x", "scale", "zero_point", "output_scale", "output_zero_point");
        Def<NoAttrs>("qnn.tanh", "x", "scale", "zero_point", "output_scale", "output_zero_point");
        Def<NoAttrs>("qnn.exp", "x", "scale", "zero_point", "output_scale", "output_zero_point");
        Def<NoAttrs>("qnn.sqrt", "x", "scale", "zero_point", "output_scale", "output_zero_point");
        Def<NoAttrs>("qnn.rsqrt", "x", "scale", "zero_point", "output_scale", "output_zero_point");
        Def<NoAttrs>("qnn.erf", "x", "scale", "zero_point", "output_scale", "output_zero_point");
        Def<NoAttrs>("qnn.hardswish", "x", "scale", "zero_point", "output_scale", "output_zero_point");
        Def<NoAttrs>("qnn.log", "x", "scale", "zero_point", "output_scale", "output_zero_point");
        Def<NoAttrs>("qnn.abs", "x", "scale", "zero_point", "output_scale", "output_zero_point");
        Def<SoftmaxAttrs>("qnn.softmax", "x", "scale", "zero_point", "output_scale", "output_zero_point");
        Def<AvgPool2DAttrs>("qnn.avg_pool2d", "data", "input_scale", "input_zero_point", "output_scale", "output_zero_point");
    }
}

// Generated from spec §5 tables (/work/shared/spec/relay-formats.md) by a one-off script, then kept by hand.

namespace Bridge.Ir.Ops.Relay;

/// <summary>Attributes <c>relay.attrs.Conv1DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.Conv1DAttrs")]
public sealed record Conv1DAttrs : Attrs
{
    [AttrName("strides")] public ValueArray<long> Strides { get; init; } = new ValueArray<long>(new long[] { 1 });
    [AttrName("padding")] public ValueArray<long> Padding { get; init; } = new ValueArray<long>(new long[] { 0, 0 });
    [AttrName("dilation")] public ValueArray<long> Dilation { get; init; } = new ValueArray<long>(new long[] { 1 });
    [AttrName("groups")] public long Groups { get; init; } = 1;
    [AttrName("channels")] public long? Channels { get; init; } = null;
    [AttrName("kernel_size")] public ValueArray<long>? KernelSize { get; init; } = null;
    [AttrName("data_layout")] public string DataLayout { get; init; } = "NCW";
    [AttrName("kernel_layout")] public string KernelLayout { get; init; } = "OIW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.Conv2DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.Conv2DAttrs")]
public sealed record Conv2DAttrs : Attrs
{
    [AttrName("strides")] public ValueArray<long> Strides { get; init; } = new ValueArray<long>(new long[] { 1, 1 });
    [AttrName("padding")] public ValueArray<long> Padding { get; init; } = new ValueArray<long>(new long[] { 0, 0 });
    [AttrName("dilation")] public ValueArray<long> Dilation { get; init; } = new ValueArray<long>(new long[] { 1, 1 });
    [AttrName("groups")] public long Groups { get; init; } = 1;
    [AttrName("channels")] public long? Channels { get; init; } = null;
    [AttrName("kernel_size")] public ValueArray<long>? KernelSize { get; init; } = null;
    [AttrName("data_layout")] public string DataLayout { get; init; } = "NCHW";
    [AttrName("kernel_layout")] public string KernelLayout { get; init; } = "OIHW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.Conv3DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.Conv3DAttrs")]
public sealed record Conv3DAttrs : Attrs
{
    [AttrName("strides")] public ValueArray<long> Strides { get; init; } = new ValueArray<long>(new long[] { 1, 1, 1 });
    [AttrName("padding")] public ValueArray<long> Padding { get; init; } = new ValueArray<long>(new long[] { 0, 0, 0 });
    [AttrName("dilation")] public ValueArray<long> Dilation { get; init; } = new ValueArray<long>(new long[] { 1, 1, 1 });
    [AttrName("groups")] public long Groups { get; init; } = 1;
    [AttrName("channels")] public long? Channels { get; init; } = null;
    [AttrName("kernel_size")] public ValueArray<long>? KernelSize { get; init; } = null;
    [AttrName("data_layout")] public string DataLayout { get; init; } = "NCDHW";
    [AttrName("kernel_layout")] public string KernelLayout { get; init; } = "OIDHW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.Conv1DTransposeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.Conv1DTransposeAttrs")]
public sealed record Conv1DTransposeAttrs : Attrs
{
    [AttrName("channels")] public long? Channels { get; init; } = null;
    [AttrName("kernel_size")] public ValueArray<long>? KernelSize { get; init; } = null;
    [AttrName("strides")] public ValueArray<long> Strides { get; init; } = new ValueArray<long>(new long[] { 1 });
    [AttrName("output_padding")] public ValueArray<long> OutputPadding { get; init; } = new ValueArray<long>(new long[] { 0 });
    [AttrName("padding")] public ValueArray<long> Padding { get; init; } = new ValueArray<long>(new long[] { 0 });
    [AttrName("dilation")] public ValueArray<long> Dilation { get; init; } = new ValueArray<long>(new long[] { 1 });
    [AttrName("groups")] public long Groups { get; init; } = 1;
    [StdString] [AttrName("data_layout")] public string DataLayout { get; init; } = "NCW";
    [StdString] [AttrName("kernel_layout")] public string KernelLayout { get; init; } = "IOW";
    [StdString] [AttrName("out_layout")] public string OutLayout { get; init; } = "";
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.Conv2DTransposeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.Conv2DTransposeAttrs")]
public sealed record Conv2DTransposeAttrs : Attrs
{
    [AttrName("channels")] public long? Channels { get; init; } = null;
    [AttrName("kernel_size")] public ValueArray<long>? KernelSize { get; init; } = null;
    [AttrName("strides")] public ValueArray<long> Strides { get; init; } = new ValueArray<long>(new long[] { 1, 1 });
    [AttrName("output_padding")] public ValueArray<long> OutputPadding { get; init; } = new ValueArray<long>(new long[] { 0, 0 });
    [AttrName("padding")] public ValueArray<long> Padding { get; init; } = new ValueArray<long>(new long[] { 0, 0 });
    [AttrName("dilation")] public ValueArray<long> Dilation { get; init; } = new ValueArray<long>(new long[] { 1, 1 });
    [AttrName("groups")] public long Groups { get; init; } = 1;
    [StdString] [AttrName("data_layout")] public string DataLayout { get; init; } = "NCHW";
    [StdString] [AttrName("kernel_layout")] public string KernelLayout { get; init; } = "IOHW";
    [StdString] [AttrName("out_layout")] public string OutLayout { get; init; } = "";
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.Conv3DTransposeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.Conv3DTransposeAttrs")]
public sealed record Conv3DTransposeAttrs : Attrs
{
    [AttrName("channels")] public long? Channels { get; init; } = null;
    [AttrName("kernel_size")] public ValueArray<long>? KernelSize { get; init; } = null;
    [AttrName("strides")] public ValueArray<long> Strides { get; init; } = new ValueArray<long>(new long[] { 1, 1, 1 });
    [AttrName("output_padding")] public ValueArray<long> OutputPadding { get; init; } = new ValueArray<long>(new long[] { 0, 0, 0 });
    [AttrName("padding")] public ValueArray<long> Padding { get; init; } = new ValueArray<long>(new long[] { 0, 0, 0 });
    [AttrName("dilation")] public ValueArray<long> Dilation { get; init; } = new ValueArray<long>(new long[] { 1, 1, 1 });
    [AttrName("groups")] public long Groups { get; init; } = 1;
    [AttrName("data_layout")] public string DataLayout { get; init; } = "NCDHW";
    [AttrName("kernel_layout")] public string KernelLayout { get; init; } = "IODHW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.DeformableConv2DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.DeformableConv2DAttrs")]
public sealed record DeformableConv2DAttrs : Attrs
{
    [AttrName("strides")] public ValueArray<long> Strides { get; init; } = new ValueArray<long>(new long[] { 1, 1 });
    [AttrName("padding")] public ValueArray<long> Padding { get; init; } = new ValueArray<long>(new long[] { 0, 0 });
    [AttrName("dilation")] public ValueArray<long> Dilation { get; init; } = new ValueArray<long>(new long[] { 1, 1 });
    [AttrName("deformable_groups")] public long DeformableGroups { get; init; } = 1;
    [AttrName("groups")] public long Groups { get; init; } = 1;
    [AttrName("channels")] public long? Channels { get; init; } = null;
    [AttrName("kernel_size")] public ValueArray<long>? KernelSize { get; init; } = null;
    [StdString] [AttrName("data_layout")] public string DataLayout { get; init; } = "NCHW";
    [StdString] [AttrName("kernel_layout")] public string KernelLayout { get; init; } = "OIHW";
    [StdString] [AttrName("out_layout")] public string OutLayout { get; init; } = "";
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.DenseAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.DenseAttrs")]
public sealed record DenseAttrs : Attrs
{
    [RelayRequired] [AttrName("units")] public long? Units { get; init; } = null;
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.MatmulAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.MatmulAttrs")]
public sealed record MatmulAttrs : Attrs
{
    [RelayRequired] [AttrName("units")] public long? Units { get; init; } = null;
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
    [AttrName("transpose_a")] public bool TransposeA { get; init; } = false;
    [AttrName("transpose_b")] public bool TransposeB { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.BatchMatmulAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.BatchMatmulAttrs")]
public sealed record BatchMatmulAttrs : Attrs
{
    [AttrName("out_dtype")] public string OutDtype { get; init; } = "";
    [AttrName("transpose_a")] public bool TransposeA { get; init; } = false;
    [AttrName("transpose_b")] public bool TransposeB { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.BiasAddAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.BiasAddAttrs")]
public sealed record BiasAddAttrs : Attrs
{
    [AttrName("axis")] public long Axis { get; init; } = 1;
}

/// <summary>Attributes <c>relay.attrs.BatchNormAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.BatchNormAttrs")]
public sealed record BatchNormAttrs : Attrs
{
    [AttrName("axis")] public long Axis { get; init; } = 1;
    [AttrName("epsilon")] public double Epsilon { get; init; } = 1e-5;
    [AttrName("center")] public bool Center { get; init; } = true;
    [AttrName("scale")] public bool Scale { get; init; } = true;
}

/// <summary>Attributes <c>relay.attrs.LayerNormAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.LayerNormAttrs")]
public sealed record LayerNormAttrs : Attrs
{
    [AttrName("axis")] public long Axis { get; init; } = -1;
    [AttrName("epsilon")] public double Epsilon { get; init; } = 1e-5;
    [AttrName("center")] public bool Center { get; init; } = true;
    [AttrName("scale")] public bool Scale { get; init; } = true;
}

/// <summary>Attributes <c>relay.attrs.GroupNormAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.GroupNormAttrs")]
public sealed record GroupNormAttrs : Attrs
{
    [AttrName("num_groups")] public long NumGroups { get; init; } = 0;
    [AttrName("axis")] public long Axis { get; init; } = 1;
    [AttrName("epsilon")] public double Epsilon { get; init; } = 1e-5;
    [AttrName("center")] public bool Center { get; init; } = true;
    [AttrName("scale")] public bool Scale { get; init; } = true;
}

/// <summary>Attributes <c>relay.attrs.InstanceNormAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.InstanceNormAttrs")]
public sealed record InstanceNormAttrs : Attrs
{
    [AttrName("axis")] public long Axis { get; init; } = 1;
    [AttrName("epsilon")] public double Epsilon { get; init; } = 1e-5;
    [AttrName("center")] public bool Center { get; init; } = true;
    [AttrName("scale")] public bool Scale { get; init; } = true;
}

/// <summary>Attributes <c>relay.attrs.L2NormalizeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.L2NormalizeAttrs")]
public sealed record L2NormalizeAttrs : Attrs
{
    [RelayRequired] [AttrName("eps")] public double? Eps { get; init; } = null;
    [RelayRequired] [AttrName("axis")] public long? Axis { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.LRNAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.LRNAttrs")]
public sealed record LRNAttrs : Attrs
{
    [AttrName("size")] public long Size { get; init; } = 5;
    [AttrName("axis")] public long Axis { get; init; } = 1;
    [AttrName("bias")] public double Bias { get; init; } = 2.0;
    [AttrName("alpha")] public double Alpha { get; init; } = 0.0001;
    [AttrName("beta")] public double Beta { get; init; } = 0.75;
}

/// <summary>Attributes <c>relay.attrs.SoftmaxAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.SoftmaxAttrs")]
public sealed record SoftmaxAttrs : Attrs, Spec.ISoftmaxAttrs
{
    [AttrName("axis")] public long Axis { get; init; } = -1;
}

/// <summary>Attributes <c>relay.attrs.LeakyReluAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.LeakyReluAttrs")]
public sealed record LeakyReluAttrs : Attrs
{
    [AttrName("alpha")] public double Alpha { get; init; } = 0.25;
}

/// <summary>Attributes <c>relay.attrs.PReluAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.PReluAttrs")]
public sealed record PReluAttrs : Attrs
{
    [AttrName("axis")] public long Axis { get; init; } = 1;
}

/// <summary>Attributes <c>relay.attrs.DropoutAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.DropoutAttrs")]
public sealed record DropoutAttrs : Attrs
{
    [AttrName("rate")] public double Rate { get; init; } = 0.5;
}

/// <summary>Attributes <c>relay.attrs.ClipAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ClipAttrs")]
public sealed record ClipAttrs : Attrs
{
    [RelayRequired] [AttrName("a_min")] public double? AMin { get; init; } = null;
    [RelayRequired] [AttrName("a_max")] public double? AMax { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.MaxPool1DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.MaxPool1DAttrs")]
public sealed record MaxPool1DAttrs : Attrs, Spec.IWindowPoolAttrs
{
    [RelayRequired] [AttrName("pool_size")] public ValueArray<long>? PoolSize { get; init; } = null;
    [AttrName("strides")] public ValueArray<long> Strides { get; init; } = new ValueArray<long>(new long[] { 1 });
    [AttrName("dilation")] public ValueArray<long> Dilation { get; init; } = new ValueArray<long>(new long[] { 1 });
    [AttrName("padding")] public ValueArray<long> Padding { get; init; } = new ValueArray<long>(new long[] { 0 });
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";
    [AttrName("ceil_mode")] public bool CeilMode { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.MaxPool2DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.MaxPool2DAttrs")]
public sealed record MaxPool2DAttrs : Attrs, Spec.IWindowPoolAttrs
{
    [RelayRequired] [AttrName("pool_size")] public ValueArray<long>? PoolSize { get; init; } = null;
    [AttrName("strides")] public ValueArray<long> Strides { get; init; } = new ValueArray<long>(new long[] { 1, 1 });
    [AttrName("dilation")] public ValueArray<long> Dilation { get; init; } = new ValueArray<long>(new long[] { 1, 1 });
    [AttrName("padding")] public ValueArray<long> Padding { get; init; } = new ValueArray<long>(new long[] { 0, 0 });
    [AttrName("layout")] public string Layout { get; init; } = "NCHW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";
    [AttrName("ceil_mode")] public bool CeilMode { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.MaxPool3DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.MaxPool3DAttrs")]
public sealed record MaxPool3DAttrs : Attrs, Spec.IWindowPoolAttrs
{
    [RelayRequired] [AttrName("pool_size")] public ValueArray<long>? PoolSize { get; init; } = null;
    [AttrName("strides")] public ValueArray<long> Strides { get; init; } = new ValueArray<long>(new long[] { 1, 1, 1 });
    [AttrName("dilation")] public ValueArray<long> Dilation { get; init; } = new ValueArray<long>(new long[] { 1, 1, 1 });
    [AttrName("padding")] public ValueArray<long> Padding { get; init; } = new ValueArray<long>(new long[] { 0, 0, 0 });
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCDHW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";
    [AttrName("ceil_mode")] public bool CeilMode { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.AvgPool1DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.AvgPool1DAttrs")]
public sealed record AvgPool1DAttrs : Attrs, Spec.IWindowPoolAttrs
{
    [RelayRequired] [AttrName("pool_size")] public ValueArray<long>? PoolSize { get; init; } = null;
    [AttrName("strides")] public ValueArray<long> Strides { get; init; } = new ValueArray<long>(new long[] { 1 });
    [AttrName("dilation")] public ValueArray<long> Dilation { get; init; } = new ValueArray<long>(new long[] { 1 });
    [AttrName("padding")] public ValueArray<long> Padding { get; init; } = new ValueArray<long>(new long[] { 0 });
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";
    [AttrName("ceil_mode")] public bool CeilMode { get; init; } = false;
    [AttrName("count_include_pad")] public bool CountIncludePad { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.AvgPool2DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.AvgPool2DAttrs")]
public sealed record AvgPool2DAttrs : Attrs, Spec.IWindowPoolAttrs
{
    [RelayRequired] [AttrName("pool_size")] public ValueArray<long>? PoolSize { get; init; } = null;
    [AttrName("strides")] public ValueArray<long> Strides { get; init; } = new ValueArray<long>(new long[] { 1, 1 });
    [AttrName("dilation")] public ValueArray<long> Dilation { get; init; } = new ValueArray<long>(new long[] { 1, 1 });
    [AttrName("padding")] public ValueArray<long> Padding { get; init; } = new ValueArray<long>(new long[] { 0, 0 });
    [AttrName("layout")] public string Layout { get; init; } = "NCHW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";
    [AttrName("ceil_mode")] public bool CeilMode { get; init; } = false;
    [AttrName("count_include_pad")] public bool CountIncludePad { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.AvgPool3DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.AvgPool3DAttrs")]
public sealed record AvgPool3DAttrs : Attrs, Spec.IWindowPoolAttrs
{
    [RelayRequired] [AttrName("pool_size")] public ValueArray<long>? PoolSize { get; init; } = null;
    [AttrName("strides")] public ValueArray<long> Strides { get; init; } = new ValueArray<long>(new long[] { 1, 1, 1 });
    [AttrName("dilation")] public ValueArray<long> Dilation { get; init; } = new ValueArray<long>(new long[] { 1, 1, 1 });
    [AttrName("padding")] public ValueArray<long> Padding { get; init; } = new ValueArray<long>(new long[] { 0, 0, 0 });
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCDHW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";
    [AttrName("ceil_mode")] public bool CeilMode { get; init; } = false;
    [AttrName("count_include_pad")] public bool CountIncludePad { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.GlobalPool2DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.GlobalPool2DAttrs")]
public sealed record GlobalPool2DAttrs : Attrs, Spec.IAdaptivePoolAttrs
{
    [AttrName("layout")] public string Layout { get; init; } = "NCHW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";

    /// <summary>A global pool is an adaptive one of output size 1×1.</summary>
    ValueArray<long>? Spec.IAdaptivePoolAttrs.OutputSize => new ValueArray<long>(new long[] { 1, 1 });
}

/// <summary>Attributes <c>relay.attrs.AdaptivePool1DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.AdaptivePool1DAttrs")]
public sealed record AdaptivePool1DAttrs : Attrs, Spec.IAdaptivePoolAttrs
{
    [AttrName("output_size")] public ValueArray<long> OutputSize { get; init; } = ValueArray<long>.Empty;
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";

    ValueArray<long>? Spec.IAdaptivePoolAttrs.OutputSize => OutputSize;
}

/// <summary>Attributes <c>relay.attrs.AdaptivePool2DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.AdaptivePool2DAttrs")]
public sealed record AdaptivePool2DAttrs : Attrs, Spec.IAdaptivePoolAttrs
{
    [AttrName("output_size")] public ValueArray<long> OutputSize { get; init; } = ValueArray<long>.Empty;
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCHW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";

    ValueArray<long>? Spec.IAdaptivePoolAttrs.OutputSize => OutputSize;
}

/// <summary>Attributes <c>relay.attrs.AdaptivePool3DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.AdaptivePool3DAttrs")]
public sealed record AdaptivePool3DAttrs : Attrs, Spec.IAdaptivePoolAttrs
{
    [AttrName("output_size")] public ValueArray<long> OutputSize { get; init; } = ValueArray<long>.Empty;
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCDHW";
    [AttrName("out_layout")] public string OutLayout { get; init; } = "";

    ValueArray<long>? Spec.IAdaptivePoolAttrs.OutputSize => OutputSize;
}

/// <summary>Attributes <c>relay.attrs.PadAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.PadAttrs")]
public sealed record PadAttrs : Attrs
{
    [RelayRequired] [AttrName("pad_width")] public ValueArray<ValueArray<long>>? PadWidth { get; init; } = null;
    [AttrName("pad_mode")] public string PadMode { get; init; } = "constant";
}

/// <summary>Attributes <c>relay.attrs.MirrorPadAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.MirrorPadAttrs")]
public sealed record MirrorPadAttrs : Attrs
{
    [StdString] [AttrName("mode")] public string Mode { get; init; } = "SYMMETRIC";
    [RelayRequired] [AttrName("pad_width")] public ValueArray<ValueArray<long>>? PadWidth { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.UpSamplingAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.UpSamplingAttrs")]
public sealed record UpSamplingAttrs : Attrs
{
    [RelayRequired] [AttrName("scale_h")] public double? ScaleH { get; init; } = null;
    [RelayRequired] [AttrName("scale_w")] public double? ScaleW { get; init; } = null;
    [AttrName("layout")] public string Layout { get; init; } = "NCHW";
    [AttrName("method")] public string Method { get; init; } = "nearest_neighbor";
    [AttrName("align_corners")] public bool AlignCorners { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.UpSampling3DAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.UpSampling3DAttrs")]
public sealed record UpSampling3DAttrs : Attrs
{
    [RelayRequired] [AttrName("scale_d")] public double? ScaleD { get; init; } = null;
    [RelayRequired] [AttrName("scale_h")] public double? ScaleH { get; init; } = null;
    [RelayRequired] [AttrName("scale_w")] public double? ScaleW { get; init; } = null;
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCDHW";
    [StdString] [AttrName("method")] public string Method { get; init; } = "nearest_neighbor";
    [StdString] [AttrName("coordinate_transformation_mode")] public string CoordinateTransformationMode { get; init; } = "half_pixel";
}

/// <summary>Attributes <c>relay.attrs.SubPixelAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.SubPixelAttrs")]
public sealed record SubPixelAttrs : Attrs
{
    [AttrName("block_size")] public long BlockSize { get; init; } = 1;
    [StdString] [AttrName("layout")] public string Layout { get; init; } = "NCHW";
    [StdString] [AttrName("mode")] public string Mode { get; init; } = "DCR";
}

/// <summary>Attributes <c>relay.attrs.SpaceToBatchNDAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.SpaceToBatchNDAttrs")]
public sealed record SpaceToBatchNDAttrs : Attrs
{
    [AttrName("block_shape")] public ValueArray<long> BlockShape { get; init; } = new ValueArray<long>(new long[] { 1, 1 });
    [RelayRequired] [AttrName("paddings")] public ValueArray<ValueArray<long>>? Paddings { get; init; } = null;
    [AttrName("pad_value")] public double PadValue { get; init; } = 0.0;
}

/// <summary>Attributes <c>relay.attrs.BatchToSpaceNDAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.BatchToSpaceNDAttrs")]
public sealed record BatchToSpaceNDAttrs : Attrs
{
    [AttrName("block_shape")] public ValueArray<long> BlockShape { get; init; } = new ValueArray<long>(new long[] { 1, 1 });
    [RelayRequired] [AttrName("crops")] public ValueArray<ValueArray<long>>? Crops { get; init; } = null;
}

/// <summary>Relay op table: Nn family.</summary>
internal static class RelayNnOps
{
    private static void Def<T>(string name, params string[] inputs) where T : Attrs, new() => RelayOps.Define<T>(name, "nn", inputs);

    internal static void Register()
    {
        Def<Conv1DAttrs>("nn.conv1d", "data", "weight");
        Def<Conv2DAttrs>("nn.conv2d", "data", "weight");
        Def<Conv3DAttrs>("nn.conv3d", "data", "weight");
        Def<Conv1DTransposeAttrs>("nn.conv1d_transpose", "data", "weight");
        Def<Conv2DTransposeAttrs>("nn.conv2d_transpose", "data", "weight");
        Def<Conv3DTransposeAttrs>("nn.conv3d_transpose", "data", "weight");
        Def<DeformableConv2DAttrs>("nn.deformable_conv2d", "data", "offset", "weight");
        Def<DenseAttrs>("nn.dense", "data", "weight");
        Def<MatmulAttrs>("nn.matmul", "tensor_a", "tensor_b");
        Def<BatchMatmulAttrs>("nn.batch_matmul", "tensor_a", "tensor_b");
        Def<BiasAddAttrs>("nn.bias_add", "data", "bias");
        Def<BatchNormAttrs>("nn.batch_norm", "data", "gamma", "beta", "moving_mean", "moving_var");
        Def<LayerNormAttrs>("nn.layer_norm", "data", "gamma", "beta");
        Def<GroupNormAttrs>("nn.group_norm", "data", "gamma", "beta");
        Def<InstanceNormAttrs>("nn.instance_norm", "data", "gamma", "beta");
        Def<L2NormalizeAttrs>("nn.l2_normalize", "data");
        Def<LRNAttrs>("nn.lrn", "data");
        foreach (var row in Spec.SoftmaxSpec.All)
            if (row.RelayName is { } name) Def<SoftmaxAttrs>(name, "data");
        Def<LeakyReluAttrs>("nn.leaky_relu", "data");
        Def<PReluAttrs>("nn.prelu", "data", "alpha");
        Def<DropoutAttrs>("nn.dropout", "data");
        Def<ClipAttrs>("clip", "data");
        // The pools are rows of the one pooling spec (Relay and Relax op, rule, mapping, kernel).
        foreach (var row in Spec.PoolingSpec.All)
            if (row.RelayName is { } name)
                RelayOps.Define(name, "nn", ["data"], row.RelayAttrs);
        Def<PadAttrs>("nn.pad", "data", "pad_value");
        Def<MirrorPadAttrs>("nn.mirror_pad", "data");
        Def<UpSamplingAttrs>("nn.upsampling", "data");
        Def<UpSampling3DAttrs>("nn.upsampling3d", "data");
        Def<SubPixelAttrs>("nn.depth_to_space", "data");
        Def<SubPixelAttrs>("nn.space_to_depth", "data");
        Def<SpaceToBatchNDAttrs>("nn.space_to_batch_nd", "data");
        Def<BatchToSpaceNDAttrs>("nn.batch_to_space_nd", "data");
    }
}


namespace Bridge.Ir.Ops.Relax;

// Typed attribute records of the Relax ops (spec §2.3, HEAD field order = printing order). Defaults are the C++/Python
// defaults, written once. Fields added after v0.19.0 carry [RelaxSince] so the v0.19 printer omits them.

/// <summary>Marks an attribute field that first exists in the given TVM version (older printers omit it).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RelaxSinceAttribute(int minor) : Attribute
{
    /// <summary>The 0.x minor version that introduced the field.</summary>
    public int Minor { get; } = minor;
}

/// <summary><c>relax.attrs.Conv1DAttrs</c> … <c>Conv3DAttrs</c> (one record; the rank is in the list lengths).</summary>
[AttrsTypeKey("relax.attrs.Conv2DAttrs")]
public sealed record ConvAttrs : Attrs
{
    public ValueArray<long> Strides { get; init; } = [1, 1];
    public ValueArray<long> Padding { get; init; } = [0, 0, 0, 0];
    public ValueArray<long> Dilation { get; init; } = [1, 1];
    public long Groups { get; init; } = 1;
    public string DataLayout { get; init; } = "NCHW";
    public string KernelLayout { get; init; } = "OIHW";
    public string OutLayout { get; init; } = "NCHW";
    public DataType? OutDtype { get; init; }
}

/// <summary><c>relax.attrs.Conv2DTransposeAttrs</c> (and 1d/3d).</summary>
[AttrsTypeKey("relax.attrs.Conv2DTransposeAttrs")]
public sealed record ConvTransposeAttrs : Attrs
{
    public ValueArray<long> Strides { get; init; } = [1, 1];
    public ValueArray<long> Padding { get; init; } = [0, 0, 0, 0];
    public ValueArray<long> OutputPadding { get; init; } = [0, 0];
    public ValueArray<long> Dilation { get; init; } = [1, 1];
    public long Groups { get; init; } = 1;
    public string DataLayout { get; init; } = "NCHW";
    public string KernelLayout { get; init; } = "IOHW";
    public string OutLayout { get; init; } = "NCHW";
    public DataType? OutDtype { get; init; }
}

/// <summary><c>relax.attrs.Pool2DAttrs</c> (and 1d/3d).</summary>
[AttrsTypeKey("relax.attrs.Pool2DAttrs")]
public sealed record PoolAttrs : Attrs, Spec.IWindowPoolAttrs
{
    public ValueArray<long> PoolSize { get; init; } = [1, 1];
    public ValueArray<long> Strides { get; init; } = [1, 1];
    public ValueArray<long> Dilation { get; init; } = [1, 1];
    public ValueArray<long> Padding { get; init; } = [0, 0, 0, 0];
    public bool CeilMode { get; init; }
    public bool CountIncludePad { get; init; }
    public string Layout { get; init; } = "NCHW";
    public string OutLayout { get; init; } = "NCHW";

    ValueArray<long>? Spec.IWindowPoolAttrs.PoolSize => PoolSize;
}

/// <summary><c>relax.attrs.AdaptivePool2DAttrs</c> (and 1d/3d).</summary>
[AttrsTypeKey("relax.attrs.AdaptivePool2DAttrs")]
public sealed record AdaptivePoolAttrs : Attrs, Spec.IAdaptivePoolAttrs
{
    public ValueArray<long>? OutputSize { get; init; }
    public string Layout { get; init; } = "NCHW";
    public string OutLayout { get; init; } = "NCHW";
}

/// <summary><c>relax.attrs.SoftmaxAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.SoftmaxAttrs")]
public sealed record SoftmaxAttrs : Attrs, Spec.ISoftmaxAttrs { public long Axis { get; init; } = -1; }

/// <summary><c>relax.attrs.LeakyReluAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.LeakyReluAttrs")]
public sealed record LeakyReluAttrs : Attrs { public double Alpha { get; init; } = 0.01; }

/// <summary><c>relax.attrs.PReluAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.PReluAttrs")]
public sealed record PReluAttrs : Attrs { public long Axis { get; init; } = 1; }

/// <summary><c>relax.attrs.SoftplusAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.SoftplusAttrs")]
public sealed record SoftplusAttrs : Attrs
{
    public double Beta { get; init; } = 1.0;
    public double Threshold { get; init; } = 20.0;
}

/// <summary><c>relax.attrs.BatchNormAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.BatchNormAttrs")]
public sealed record BatchNormAttrs : Attrs
{
    public long Axis { get; init; } = 1;
    public double Epsilon { get; init; } = 1e-5;
    public bool Center { get; init; } = true;
    public bool Scale { get; init; } = true;
    public double Momentum { get; init; } = 0.1;
    /// <summary>Python default is True (training); inference graphs must set False.</summary>
    [RelaxSince(20)] public bool Training { get; init; } = true;
}

/// <summary><c>relax.attrs.LayerNormAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.LayerNormAttrs")]
public sealed record LayerNormAttrs : Attrs
{
    public ValueArray<long> Axes { get; init; } = [-1];
    public double Epsilon { get; init; } = 1e-5;
    public bool Center { get; init; } = true;
    public bool Scale { get; init; } = true;
}

/// <summary><c>relax.attrs.GroupNormAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.GroupNormAttrs")]
public sealed record GroupNormAttrs : Attrs
{
    public long NumGroups { get; init; } = 1;
    public long ChannelAxis { get; init; } = 1;
    public ValueArray<long> Axes { get; init; } = [];
    public double Epsilon { get; init; } = 1e-5;
    public bool Center { get; init; } = true;
    public bool Scale { get; init; } = true;
}

/// <summary><c>relax.attrs.InstanceNormAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.InstanceNormAttrs")]
public sealed record InstanceNormAttrs : Attrs
{
    public long ChannelAxis { get; init; } = 1;
    public ValueArray<long> Axes { get; init; } = [];
    public double Epsilon { get; init; } = 1e-5;
    public bool Center { get; init; } = true;
    public bool Scale { get; init; } = true;
}

/// <summary><c>relax.attrs.RMSNormAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.RMSNormAttrs")]
public sealed record RmsNormAttrs : Attrs
{
    public ValueArray<long> Axes { get; init; } = [-1];
    public double Epsilon { get; init; } = 1e-5;
}

/// <summary><c>relax.attrs.DropoutAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.DropoutAttrs")]
public sealed record DropoutAttrs : Attrs { public double Rate { get; init; } = 0.5; }

/// <summary><c>relax.attrs.PadAttrs</c> (<c>relay.attrs.PadAttrs</c> at v0.19).</summary>
[AttrsTypeKey("relax.attrs.PadAttrs")]
public sealed record PadAttrs : Attrs
{
    public ValueArray<long> PadWidth { get; init; } = [];
    [RelaxSince(20)] public double PadValue { get; init; }
    public string PadMode { get; init; } = "constant";
}

/// <summary><c>relax.attrs.PixelShuffleAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.PixelShuffleAttrs")]
public sealed record PixelShuffleAttrs : Attrs { public long UpscaleFactor { get; init; } = 1; }

/// <summary><c>relax.attrs.AttentionAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.AttentionAttrs")]
public sealed record AttentionAttrs : Attrs
{
    public double? Scale { get; init; }
    public string? CausalMask { get; init; }
    public long? WindowSize { get; init; }
}

/// <summary><c>relax.attrs.NLLLossAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.NLLLossAttrs")]
public sealed record NllLossAttrs : Attrs
{
    public string Reduction { get; init; } = "mean";
    public long IgnoreIndex { get; init; } = -100;
}

/// <summary><c>relax.attrs.MatmulAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.MatmulAttrs")]
public sealed record MatmulAttrs : Attrs { public DataType? OutDtype { get; init; } }

/// <summary><c>relax.attrs.EinsumAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.EinsumAttrs")]
public sealed record EinsumAttrs : Attrs { public string Subscripts { get; init; } = ""; }

/// <summary><c>relax.attrs.PermuteDimsAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.PermuteDimsAttrs")]
public sealed record PermuteDimsAttrs : Attrs { public ValueArray<long>? Axes { get; init; } }

/// <summary><c>relax.attrs.ExpandDimsAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.ExpandDimsAttrs")]
public sealed record ExpandDimsAttrs : Attrs { public ValueArray<long> Axis { get; init; } = []; }

/// <summary><c>relax.attrs.SqueezeAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.SqueezeAttrs")]
public sealed record SqueezeAttrs : Attrs { public ValueArray<long>? Axis { get; init; } }

/// <summary><c>relax.attrs.ConcatAttrs</c> (also <c>StackAttrs</c>).</summary>
[AttrsTypeKey("relax.attrs.ConcatAttrs")]
public sealed record ConcatAttrs : Attrs { public long? Axis { get; init; } = 0; }

/// <summary><c>relax.attrs.StackAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.StackAttrs")]
public sealed record StackAttrs : Attrs { public long? Axis { get; init; } = 0; }

/// <summary><c>relax.attrs.SplitAttrs</c>: <see cref="IndicesOrSections"/> is a section count or a list of cut points.</summary>
[AttrsTypeKey("relax.attrs.SplitAttrs")]
public sealed record SplitAttrs : Attrs
{
    public ValueArray<long> IndicesOrSections { get; init; } = [];
    /// <summary>True when <see cref="IndicesOrSections"/> holds one section count (printed as a bare int).</summary>
    [AttrName("__is_sections")] public bool IsSections { get; init; }
    public long Axis { get; init; }
}

/// <summary><c>relax.attrs.TileAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.TileAttrs")]
public sealed record TileAttrs : Attrs { public ValueArray<long> Repeats { get; init; } = []; }

/// <summary><c>relax.attrs.RepeatAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.RepeatAttrs")]
public sealed record RepeatAttrs : Attrs
{
    public long Repeats { get; init; } = 1;
    public long? Axis { get; init; }
}

/// <summary><c>relax.attrs.FlipAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.FlipAttrs")]
public sealed record FlipAttrs : Attrs { public long Axis { get; init; } }

/// <summary><c>relax.attrs.TakeAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.TakeAttrs")]
public sealed record TakeAttrs : Attrs
{
    public long? Axis { get; init; }
    [RelaxSince(22)] public string Mode { get; init; } = "fast";
}

/// <summary><c>relax.attrs.StridedSliceAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.StridedSliceAttrs")]
public sealed record StridedSliceAttrs : Attrs { public bool AssumeInbound { get; init; } }

/// <summary><c>relax.attrs.GatherElementsAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.GatherElementsAttrs")]
public sealed record GatherElementsAttrs : Attrs { public long Axis { get; init; } }

/// <summary><c>relax.attrs.GatherNDAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.GatherNDAttrs")]
public sealed record GatherNdAttrs : Attrs { public long BatchDims { get; init; } }

/// <summary><c>relax.attrs.ScatterElementsAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.ScatterElementsAttrs")]
public sealed record ScatterElementsAttrs : Attrs
{
    public long Axis { get; init; }
    public string Reduction { get; init; } = "update";
}

/// <summary><c>relax.attrs.ScatterNDAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.ScatterNDAttrs")]
public sealed record ScatterNdAttrs : Attrs { public string Reduction { get; init; } = "update"; }

/// <summary><c>relax.attrs.OneHotAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.OneHotAttrs")]
public sealed record OneHotAttrs : Attrs
{
    public long Depth { get; init; } = 1;
    public long Axis { get; init; } = -1;
}

/// <summary><c>relax.attrs.StatisticalAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.StatisticalAttrs")]
public sealed record StatisticalAttrs : Attrs, Spec.IReduceAttrs
{
    public ValueArray<long>? Axis { get; init; }
    public bool Keepdims { get; init; }
}

/// <summary><c>relax.attrs.ArgmaxArgminAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.ArgmaxArgminAttrs")]
public sealed record ArgmaxArgminAttrs : Attrs, Spec.IReduceAttrs
{
    public long? Axis { get; init; }
    public bool Keepdims { get; init; }

    ValueArray<long>? Spec.IReduceAttrs.Axis => Axis is { } a ? new ValueArray<long>(new[] { a }) : (ValueArray<long>?)null;
}

/// <summary><c>relax.attrs.ScanopAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.ScanopAttrs")]
public sealed record ScanopAttrs : Attrs
{
    public long? Axis { get; init; }
    public DataType? Dtype { get; init; }
    public bool Exclusive { get; init; }
}

/// <summary><c>relax.attrs.SortAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.SortAttrs")]
public sealed record SortAttrs : Attrs
{
    public long Axis { get; init; } = -1;
    public bool Descending { get; init; }
}

/// <summary><c>relax.attrs.ArgsortAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.ArgsortAttrs")]
public sealed record ArgsortAttrs : Attrs
{
    public long Axis { get; init; } = -1;
    public bool Descending { get; init; }
    public DataType? Dtype { get; init; } = DataType.Int32;
}

/// <summary><c>relax.attrs.TopKAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.TopKAttrs")]
public sealed record TopKAttrs : Attrs
{
    public long K { get; init; } = 1;
    public long Axis { get; init; } = -1;
    public string RetType { get; init; } = "both";
    public bool Largest { get; init; } = true;
    public DataType? Dtype { get; init; } = DataType.Int32;
}

/// <summary><c>relax.attrs.InitAttrs</c> (full, ones, zeros, arange, …).</summary>
[AttrsTypeKey("relax.attrs.InitAttrs")]
public sealed record InitAttrs : Attrs { public DataType? Dtype { get; init; } }

/// <summary><c>relax.attrs.AstypeAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.AstypeAttrs")]
public sealed record AstypeAttrs : Attrs { public DataType? Dtype { get; init; } }

/// <summary><c>relax.attrs.WrapParamAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.WrapParamAttrs")]
public sealed record WrapParamAttrs : Attrs { public DataType? Dtype { get; init; } = DataType.Float32; }

/// <summary><c>relax.attrs.QuantizeAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.QuantizeAttrs")]
public sealed record QuantizeAttrs : Attrs
{
    public DataType? OutDtype { get; init; } = DataType.Int8;
    public long Axis { get; init; } = -1;
}

/// <summary><c>relax.attrs.Resize2DAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.Resize2DAttrs")]
public sealed record Resize2DAttrs : Attrs
{
    public ValueArray<double> Roi { get; init; } = [0.0, 0.0, 0.0, 0.0];
    public string Layout { get; init; } = "NCHW";
    public string Method { get; init; } = "linear";
    public string CoordinateTransformationMode { get; init; } = "half_pixel";
    public string RoundingMethod { get; init; } = "round";
    public double CubicAlpha { get; init; } = -0.75;
    public long CubicExclude { get; init; }
    public double ExtrapolationValue { get; init; }
    public DataType? OutDtype { get; init; }
}

/// <summary><c>relax.attrs.CallTIRInplaceAttrs</c> / <c>CallInplacePackedAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.CallTIRInplaceAttrs")]
public sealed record InplaceAttrs : Attrs { public ValueArray<long> InplaceIndices { get; init; } = []; }

/// <summary><c>relax.attrs.LayoutTransformAttrs</c>; the index map is kept as its printed lambda text.</summary>
[AttrsTypeKey("relax.attrs.LayoutTransformAttrs")]
public sealed record LayoutTransformAttrs : Attrs
{
    public string IndexMap { get; init; } = "";
    public double? PadValue { get; init; }
}

/// <summary><c>relax.attrs.BucketizeAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.BucketizeAttrs")]
public sealed record BucketizeAttrs : Attrs
{
    public bool OutInt32 { get; init; }
    public bool Right { get; init; }
}

/// <summary><c>relax.attrs.MeshgridAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.MeshgridAttrs")]
public sealed record MeshgridAttrs : Attrs { public string Indexing { get; init; } = "ij"; }

/// <summary><c>relax.attrs.ToVDeviceAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.ToVDeviceAttrs")]
public sealed record ToVDeviceAttrs : Attrs { public string DstVdevice { get; init; } = ""; }

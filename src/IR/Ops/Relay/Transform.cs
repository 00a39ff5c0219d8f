// Generated from spec §5 tables (/work/shared/spec/relay-formats.md) by a one-off script, then kept by hand.

namespace Bridge.Ir.Ops.Relay;

/// <summary>Attributes <c>relay.attrs.ReshapeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ReshapeAttrs")]
public sealed record ReshapeAttrs : Attrs
{
    [RelayRequired] [AttrName("newshape")] public ValueArray<long>? Newshape { get; init; } = null;
    [AttrName("allowzero")] public bool Allowzero { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.ReshapeLikeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ReshapeLikeAttrs")]
public sealed record ReshapeLikeAttrs : Attrs
{
    [AttrName("lhs_begin")] public long LhsBegin { get; init; } = 0;
    [AttrName("lhs_end")] public long? LhsEnd { get; init; } = null;
    [AttrName("rhs_begin")] public long RhsBegin { get; init; } = 0;
    [AttrName("rhs_end")] public long? RhsEnd { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.SqueezeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.SqueezeAttrs")]
public sealed record SqueezeAttrs : Attrs
{
    [AttrName("axis")] public ValueArray<long>? Axis { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.ExpandDimsAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ExpandDimsAttrs")]
public sealed record ExpandDimsAttrs : Attrs
{
    [RelayRequired] [AttrName("axis")] public long? Axis { get; init; } = null;
    [AttrName("num_newaxis")] public long NumNewaxis { get; init; } = 1;
}

/// <summary>Attributes <c>relay.attrs.TransposeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.TransposeAttrs")]
public sealed record TransposeAttrs : Attrs
{
    [RelayRequired] [AttrName("axes")] public ValueArray<long>? Axes { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.ConcatenateAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ConcatenateAttrs")]
public sealed record ConcatenateAttrs : Attrs
{
    [AttrName("axis")] public long Axis { get; init; } = 0;
}

/// <summary>Attributes <c>relay.attrs.StackAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.StackAttrs")]
public sealed record StackAttrs : Attrs
{
    [AttrName("axis")] public long Axis { get; init; } = 0;
}

/// <summary>Attributes <c>relay.attrs.SplitAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.SplitAttrs")]
public sealed record SplitAttrs : Attrs
{
    [RelayRequired] [AttrName("indices_or_sections")] public object? IndicesOrSections { get; init; } = null;
    [AttrName("axis")] public long Axis { get; init; } = 0;
}

/// <summary>Attributes <c>relay.attrs.StridedSliceAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.StridedSliceAttrs")]
public sealed record StridedSliceAttrs : Attrs
{
    [RelayRequired] [AttrName("begin")] public ValueArray<long>? Begin { get; init; } = null;
    [RelayRequired] [AttrName("end")] public ValueArray<long>? End { get; init; } = null;
    [RelayRequired] [AttrName("strides")] public ValueArray<long>? Strides { get; init; } = null;
    [AttrName("slice_mode")] public string SliceMode { get; init; } = "end";
    [RelayRequired] [AttrName("axes")] public ValueArray<long>? Axes { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.TakeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.TakeAttrs")]
public sealed record TakeAttrs : Attrs
{
    [AttrName("batch_dims")] public long BatchDims { get; init; } = 0;
    [AttrName("axis")] public long? Axis { get; init; } = null;
    [AttrName("mode")] public string Mode { get; init; } = "clip";
}

/// <summary>Attributes <c>relay.attrs.GatherAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.GatherAttrs")]
public sealed record GatherAttrs : Attrs
{
    [AttrName("axis")] public long? Axis { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.GatherNDAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.GatherNDAttrs")]
public sealed record GatherNDAttrs : Attrs
{
    [AttrName("batch_dims")] public long BatchDims { get; init; } = 0;
    [AttrName("index_rank")] public long? IndexRank { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.ScatterElementsAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ScatterElementsAttrs")]
public sealed record ScatterElementsAttrs : Attrs
{
    [AttrName("axis")] public long Axis { get; init; } = 0;
    [AttrName("reduction")] public string Reduction { get; init; } = "update";
}

/// <summary>Attributes <c>relay.attrs.ScatterNDAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ScatterNDAttrs")]
public sealed record ScatterNDAttrs : Attrs
{
    [AttrName("mode")] public string Mode { get; init; } = "update";
}

/// <summary>Attributes <c>relay.attrs.InitOpAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.InitOpAttrs")]
public sealed record InitOpAttrs : Attrs
{
    [RelayRequired] [AttrName("shape")] public ValueArray<long>? Shape { get; init; } = null;
    [AttrName("dtype")] public string Dtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.TileAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.TileAttrs")]
public sealed record TileAttrs : Attrs
{
    [RelayRequired] [AttrName("reps")] public ValueArray<long>? Reps { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.RepeatAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.RepeatAttrs")]
public sealed record RepeatAttrs : Attrs
{
    [RelayRequired] [AttrName("repeats")] public long? Repeats { get; init; } = null;
    [AttrName("axis")] public long? Axis { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.ReverseAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ReverseAttrs")]
public sealed record ReverseAttrs : Attrs
{
    [AttrName("axis")] public long? Axis { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.ReverseSequenceAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ReverseSequenceAttrs")]
public sealed record ReverseSequenceAttrs : Attrs
{
    [AttrName("seq_axis")] public long SeqAxis { get; init; } = 1;
    [AttrName("batch_axis")] public long BatchAxis { get; init; } = 0;
}

/// <summary>Attributes <c>relay.attrs.LayoutTransformAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.LayoutTransformAttrs")]
public sealed record LayoutTransformAttrs : Attrs
{
    [RelayRequired, StdString] [AttrName("src_layout")] public string? SrcLayout { get; init; } = null;
    [RelayRequired, StdString] [AttrName("dst_layout")] public string? DstLayout { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.SliceLikeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.SliceLikeAttrs")]
public sealed record SliceLikeAttrs : Attrs
{
    [RelayRequired] [AttrName("axes")] public ValueArray<long>? Axes { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.MeshgridAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.MeshgridAttrs")]
public sealed record MeshgridAttrs : Attrs
{
    [StdString] [AttrName("indexing")] public string Indexing { get; init; } = "ij";
}

/// <summary>Attributes <c>relay.attrs.SequenceMaskAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.SequenceMaskAttrs")]
public sealed record SequenceMaskAttrs : Attrs
{
    [AttrName("mask_value")] public double MaskValue { get; init; } = 0.0;
    [AttrName("axis")] public long Axis { get; init; } = 0;
}

/// <summary>Attributes <c>relay.attrs.MatrixSetDiagAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.MatrixSetDiagAttrs")]
public sealed record MatrixSetDiagAttrs : Attrs
{
    [AttrName("k1")] public long K1 { get; init; } = 0;
    [AttrName("k2")] public long K2 { get; init; } = 0;
    [AttrName("super_diag_right_align")] public bool SuperDiagRightAlign { get; init; } = true;
    [AttrName("sub_diag_right_align")] public bool SubDiagRightAlign { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.TriluAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.TriluAttrs")]
public sealed record TriluAttrs : Attrs
{
    [AttrName("upper")] public bool Upper { get; init; } = true;
}

/// <summary>Attributes <c>relay.attrs.CastAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.CastAttrs")]
public sealed record CastAttrs : Attrs
{
    [RelayRequired] [AttrName("dtype")] public string Dtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.ArangeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ArangeAttrs")]
public sealed record ArangeAttrs : Attrs
{
    [RelayRequired] [AttrName("start")] public object? Start { get; init; } = null;
    [RelayRequired] [AttrName("stop")] public object? Stop { get; init; } = null;
    [RelayRequired] [AttrName("step")] public object? Step { get; init; } = null;
    [RelayRequired] [AttrName("dtype")] public string Dtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.OneHotAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.OneHotAttrs")]
public sealed record OneHotAttrs : Attrs
{
    [AttrName("depth")] public long Depth { get; init; } = 1;
    [AttrName("axis")] public long Axis { get; init; } = -1;
    [AttrName("dtype")] public string Dtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.ShapeOfAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ShapeOfAttrs")]
public sealed record ShapeOfAttrs : Attrs
{
    [AttrName("dtype")] public string Dtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.NdarraySizeAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.NdarraySizeAttrs")]
public sealed record NdarraySizeAttrs : Attrs
{
    [AttrName("dtype")] public string Dtype { get; init; } = "";
}

/// <summary>Relay op table: Transform family.</summary>
internal static class RelayTransformOps
{
    private static void Def<T>(string name, params string[] inputs) where T : Attrs, new() => RelayOps.Define<T>(name, "transform", inputs);

    internal static void Register()
    {
        Def<ReshapeAttrs>("reshape", "data");
        Def<ReshapeAttrs>("contrib_reverse_reshape", "data");
        Def<ReshapeLikeAttrs>("reshape_like", "data", "shape_like");
        Def<SqueezeAttrs>("squeeze", "data");
        Def<ExpandDimsAttrs>("expand_dims", "data");
        Def<TransposeAttrs>("transpose", "data");
        Def<NoAttrs>("nn.batch_flatten", "data");
        Def<ConcatenateAttrs>("concatenate", "data");
        Def<StackAttrs>("stack", "data");
        Def<SplitAttrs>("split", "data");
        Def<StridedSliceAttrs>("strided_slice", "data");
        Def<TakeAttrs>("take", "data", "indices");
        Def<GatherAttrs>("gather", "data", "indices");
        Def<GatherNDAttrs>("gather_nd", "data", "indices");
        Def<ScatterElementsAttrs>("scatter_elements", "data", "indices", "updates");
        Def<ScatterNDAttrs>("scatter_nd", "data", "indices", "updates");
        Def<NoAttrs>("where", "condition", "x", "y");
        Def<InitOpAttrs>("broadcast_to", "data");
        Def<NoAttrs>("broadcast_to_like", "data", "broadcast_type");
        Def<NoAttrs>("collapse_sum_like", "data", "collapse_type");
        Def<TileAttrs>("tile", "data");
        Def<RepeatAttrs>("repeat", "data");
        Def<ReverseAttrs>("reverse", "data");
        Def<ReverseSequenceAttrs>("reverse_sequence", "data", "seq_lengths");
        Def<LayoutTransformAttrs>("layout_transform", "data");
        Def<SliceLikeAttrs>("slice_like", "data", "shape_like");
        Def<MeshgridAttrs>("meshgrid", "data");
        Def<SequenceMaskAttrs>("sequence_mask", "data", "valid_length");
        Def<MatrixSetDiagAttrs>("matrix_set_diag", "input", "diagonal");
        Def<NoAttrs>("adv_index", "inputs");
        Def<TriluAttrs>("trilu", "data", "k");
        Def<CastAttrs>("cast", "data");
        Def<NoAttrs>("cast_like", "data", "dtype_like");
        Def<CastAttrs>("reinterpret", "data");
        Def<InitOpAttrs>("full", "fill_value");
        Def<NoAttrs>("full_like", "data", "fill_value");
        Def<InitOpAttrs>("zeros");
        Def<InitOpAttrs>("ones");
        Def<NoAttrs>("zeros_like", "data");
        Def<NoAttrs>("ones_like", "data");
        Def<ArangeAttrs>("arange", "start", "stop", "step");
        Def<OneHotAttrs>("one_hot", "indices", "on_value", "off_value");
        Def<ShapeOfAttrs>("shape_of", "data");
        Def<NdarraySizeAttrs>("ndarray_size", "data");
        Def<NoAttrs>("copy", "data");
    }
}

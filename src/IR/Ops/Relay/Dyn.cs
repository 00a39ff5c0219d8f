// Generated from spec §5 tables (/work/shared/spec/relay-formats.md) by a one-off script, then kept by hand.

namespace Bridge.Ir.Ops.Relay;

/// <summary>Attributes <c>relay.attrs.DynExpandDimsAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.DynExpandDimsAttrs")]
public sealed record DynExpandDimsAttrs : Attrs
{
    [AttrName("num_newaxis")] public long NumNewaxis { get; init; } = 1;
}

/// <summary>Relay op table: Dyn family.</summary>
internal static class RelayDynOps
{
    private static void Def<T>(string name, params string[] inputs) where T : Attrs, new() => RelayOps.Define<T>(name, "dyn", inputs);

    internal static void Register()
    {
        Def<ReshapeAttrs>("dyn.reshape", "data", "newshape");
        Def<InitOpAttrs>("dyn.broadcast_to", "data", "shape");
        Def<InitOpAttrs>("dyn.full", "fill_value", "shape");
        Def<InitOpAttrs>("dyn.zeros", "shape");
        Def<InitOpAttrs>("dyn.ones", "shape");
        Def<TileAttrs>("dyn.tile", "data", "reps");
        Def<SqueezeAttrs>("dyn.squeeze", "data", "axes");
        Def<DynExpandDimsAttrs>("dyn.expand_dims", "data", "axis");
        Def<StridedSliceAttrs>("dyn.strided_slice", "data", "begin", "end", "strides");
        Def<TopkAttrs>("dyn.topk", "data", "k");
        Def<OneHotAttrs>("dyn.one_hot", "indices", "on_value", "off_value", "depth");
        Def<PadAttrs>("dyn.nn.pad", "data", "pad_width", "pad_val");
        Def<UpSamplingAttrs>("dyn.nn.upsampling", "data", "scale_h", "scale_w");
        Def<Resize2DAttrs>("dyn.image.resize2d", "data", "size", "roi");
        Def<NoAttrs>("dyn.sparse_to_dense", "sparse_indices", "sparse_values", "default_value", "output_shape");
    }
}

using RelayOps = Bridge.Ir.Ops.Relay;
using RelaxOps = Bridge.Ir.Ops.Relax;

namespace Bridge.Ir.Ops.Spec;

/// <summary>
/// The pooling ops, one row each (<see cref="PoolingOp"/>), every field also a typed handle (<c>PoolingSpec.MaxPool2d</c>).
/// Sources: TVM v0.19 src/relay/op/nn/pooling.cc (max/avg 1d–3d, global 2d, adaptive max/avg 1d–3d) and TVM main
/// src/relax/op/nn/pooling.cc (max/avg 1d–3d, adaptive avg 1d–3d; no adaptive max and no global pools).
/// </summary>
public static class PoolingSpec
{
    public static readonly PoolingOp MaxPool1d = Sliding(PoolReduce.Max, 1, typeof(RelayOps.MaxPool1DAttrs));
    public static readonly PoolingOp MaxPool2d = Sliding(PoolReduce.Max, 2, typeof(RelayOps.MaxPool2DAttrs));
    public static readonly PoolingOp MaxPool3d = Sliding(PoolReduce.Max, 3, typeof(RelayOps.MaxPool3DAttrs));
    public static readonly PoolingOp AvgPool1d = Sliding(PoolReduce.Avg, 1, typeof(RelayOps.AvgPool1DAttrs));
    public static readonly PoolingOp AvgPool2d = Sliding(PoolReduce.Avg, 2, typeof(RelayOps.AvgPool2DAttrs));
    public static readonly PoolingOp AvgPool3d = Sliding(PoolReduce.Avg, 3, typeof(RelayOps.AvgPool3DAttrs));

    public static readonly PoolingOp AdaptiveAvgPool1d = Adaptive(PoolReduce.Avg, 1, typeof(RelayOps.AdaptivePool1DAttrs));
    public static readonly PoolingOp AdaptiveAvgPool2d = Adaptive(PoolReduce.Avg, 2, typeof(RelayOps.AdaptivePool2DAttrs));
    public static readonly PoolingOp AdaptiveAvgPool3d = Adaptive(PoolReduce.Avg, 3, typeof(RelayOps.AdaptivePool3DAttrs));
    // Relay only: Relax has no adaptive max pool; output size 1 translates to a max over the spatial axes.
    public static readonly PoolingOp AdaptiveMaxPool1d = Adaptive(PoolReduce.Max, 1, typeof(RelayOps.AdaptivePool1DAttrs));
    public static readonly PoolingOp AdaptiveMaxPool2d = Adaptive(PoolReduce.Max, 2, typeof(RelayOps.AdaptivePool2DAttrs));
    public static readonly PoolingOp AdaptiveMaxPool3d = Adaptive(PoolReduce.Max, 3, typeof(RelayOps.AdaptivePool3DAttrs));

    // Relay only: the global pools are adaptive ones of output size 1 (avg → adaptive_avg_pool2d, max → max over H, W).
    public static readonly PoolingOp GlobalAvgPool2d = Global(PoolReduce.Avg, "nn.adaptive_avg_pool2d");
    public static readonly PoolingOp GlobalMaxPool2d = Global(PoolReduce.Max, "max");

    // Declared last: static initializers run in textual order, so every row field is set when this one is read.
    private static readonly ImmutableArray<PoolingOp> s_rows = [.. typeof(PoolingSpec)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(PoolingOp)).OrderBy(f => f.MetadataToken).Select(f => (PoolingOp)f.GetValue(null)!)];

    /// <summary>Every row, in declaration order.</summary>
    public static ImmutableArray<PoolingOp> All => s_rows;

    private static string Kind(PoolReduce r) => r == PoolReduce.Max ? "max" : "avg";

    private static PoolingOp Sliding(PoolReduce r, int rank, Type relayAttrs)
    {
        var n = $"nn.{Kind(r)}_pool{rank}d";
        return new()
        {
            Name = n, Reduce = r, Window = PoolWindow.Sliding, Rank = rank, RelayName = n, RelayAttrs = relayAttrs,
            RelaxName = n, RelaxAttrs = typeof(RelaxOps.PoolAttrs), RelaxTarget = n,
        };
    }

    private static PoolingOp Adaptive(PoolReduce r, int rank, Type relayAttrs)
    {
        var n = $"nn.adaptive_{Kind(r)}_pool{rank}d";
        var relax = r == PoolReduce.Avg;
        return new()
        {
            Name = n, Reduce = r, Window = PoolWindow.Adaptive, Rank = rank, RelayName = n, RelayAttrs = relayAttrs,
            RelaxName = relax ? n : null, RelaxAttrs = relax ? typeof(RelaxOps.AdaptivePoolAttrs) : null, RelaxTarget = relax ? n : "max",
        };
    }

    private static PoolingOp Global(PoolReduce r, string target)
    {
        var n = $"nn.global_{Kind(r)}_pool2d";
        return new() { Name = n, Reduce = r, Window = PoolWindow.Global, Rank = 2, RelayName = n, RelayAttrs = typeof(RelayOps.GlobalPool2DAttrs), RelaxTarget = target };
    }
}

using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Spec;

namespace Bridge.Backends.Reference;

// The reference kernels of the pooling spec rows, bound to each row's Relay and Relax op. The adapters read the attrs
// through the spec's typed views (IWindowPoolAttrs, IAdaptivePoolAttrs), never by name; an op whose attrs record lacks
// the view stops start-up.
public static partial class ReferenceKernels
{
    private static void RegisterPoolingSpec()
    {
        foreach (var row in PoolingSpec.All)
        {
            var kind = row.Reduce == PoolReduce.Max ? PoolKind.Max : PoolKind.Avg;
            var rank = row.Rank;
            KernelFn fn = row.Window switch
            {
                PoolWindow.Sliding => c => V(Pool.Window(kind, c.T(0), PoolOf(c))),
                PoolWindow.Adaptive => c => V(Adaptive(kind, c, rank)),
                _ => c => V(Pool.Global(kind, c.T(0), AdaptiveView(c).Layout)),
            };
            foreach (var op in new[] { row.RelayName is null ? null : row.Relay, row.RelaxName is null ? null : row.Relax })
            {
                if (op is null) continue;
                var view = row.Window == PoolWindow.Sliding ? typeof(IWindowPoolAttrs) : typeof(IAdaptivePoolAttrs);
                if (!view.IsAssignableFrom(op.AttrsType))
                    throw new BridgeInternalError($"pooling spec row {row.Name}: {op.Name} attrs {op.AttrsType.Name} do not implement {view.Name}");
                op.Set(Kernel, fn);
            }
        }
    }

    private static IWindowPoolAttrs WindowView(KernelCall c) =>
        c.Attrs as IWindowPoolAttrs ?? c.Op.Schema.Defaults as IWindowPoolAttrs ?? throw c.Error("attrs are not a pool's");

    private static IAdaptivePoolAttrs AdaptiveView(KernelCall c) =>
        c.Attrs as IAdaptivePoolAttrs ?? c.Op.Schema.Defaults as IAdaptivePoolAttrs ?? throw c.Error("attrs are not an adaptive pool's");

    /// <summary>A sliding-window pool's parameters from the typed view (also <c>qnn.avg_pool2d</c>'s).</summary>
    internal static PoolParams PoolOf(KernelCall c)
    {
        var a = WindowView(c);
        return new([.. a.PoolSize ?? throw c.Error("pool_size is required")], [.. a.Strides], [.. a.Padding], [.. a.Dilation], a.Layout, a.CeilMode, a.CountIncludePad);
    }

    private static Tensor Adaptive(PoolKind kind, KernelCall c, int nd)
    {
        var x = c.T(0);
        var a = AdaptiveView(c);
        var spatial = Layouts.Spatial(nd);
        // output_size: empty/None keeps the input's spatial size; one value applies to every spatial dim (TVM).
        var size = a.OutputSize ?? [];
        var outSize = new long[nd];
        for (var i = 0; i < nd; i++)
        {
            var dim = x.Shape[a.Layout.IndexOf(spatial[i])];
            outSize[i] = size.Length == 0 ? dim : size.Length == 1 ? size[0] : size[i];
        }
        return Pool.Adaptive(kind, x, outSize, a.Layout);
    }
}

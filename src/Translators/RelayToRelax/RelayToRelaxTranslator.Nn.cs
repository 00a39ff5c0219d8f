using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;
using Bridge.Ir.Ops.Spec;
using Relax = Bridge.Ir.Relax;
using RelayOps = Bridge.Ir.Ops.Relay;
using RelaxOps = Bridge.Ir.Ops.Relax;
using E = Bridge.Ir.Ops.Spec.ElementwiseSpec;

namespace Bridge.Translators.RelayToRelax;

// Neural-net ops: convolutions, dense/matmul, normalisations, activations, pooling, padding (relay-formats §5.2.3–5.2.5).
public sealed partial class RelayToRelaxTranslator
{
    private static void RegisterNn(Dictionary<string, OpConverter> t)
    {
        t["nn.conv1d"] = c => { var a = c.A<RelayOps.Conv1DAttrs>(); return Conv(c, "nn.conv1d", 1, a.Strides, a.Padding, a.Dilation, a.Groups, a.DataLayout, a.KernelLayout, a.OutLayout, a.OutDtype); };
        t["nn.conv2d"] = c => { var a = c.A<RelayOps.Conv2DAttrs>(); return Conv(c, "nn.conv2d", 2, a.Strides, a.Padding, a.Dilation, a.Groups, a.DataLayout, a.KernelLayout, a.OutLayout, a.OutDtype); };
        t["nn.conv3d"] = c => { var a = c.A<RelayOps.Conv3DAttrs>(); return Conv(c, "nn.conv3d", 3, a.Strides, a.Padding, a.Dilation, a.Groups, a.DataLayout, a.KernelLayout, a.OutLayout, a.OutDtype); };
        t["nn.conv1d_transpose"] = c => { var a = c.A<RelayOps.Conv1DTransposeAttrs>(); return ConvT(c, "nn.conv1d_transpose", 1, a.Strides, a.Padding, a.OutputPadding, a.Dilation, a.Groups, a.DataLayout, a.KernelLayout, a.OutLayout, a.OutDtype); };
        t["nn.conv2d_transpose"] = c => { var a = c.A<RelayOps.Conv2DTransposeAttrs>(); return ConvT(c, "nn.conv2d_transpose", 2, a.Strides, a.Padding, a.OutputPadding, a.Dilation, a.Groups, a.DataLayout, a.KernelLayout, a.OutLayout, a.OutDtype); };
        t["nn.conv3d_transpose"] = c => { var a = c.A<RelayOps.Conv3DTransposeAttrs>(); return ConvT(c, "nn.conv3d_transpose", 3, a.Strides, a.Padding, a.OutputPadding, a.Dilation, a.Groups, a.DataLayout, a.KernelLayout, a.OutLayout, a.OutDtype); };
        t["nn.dense"] = c =>
        {
            // y = x · Wᵀ, W (units, in): Relax has no dense; matmul with the permuted weight (what R.linear does).
            var wt = c.Emit("permute_dims", new PermuteDimsAttrs { Axes = [1, 0] }, c.Arg(1));
            return c.Op("matmul", new RelaxOps.MatmulAttrs { OutDtype = OpCall.DT(c.A<RelayOps.DenseAttrs>().OutDtype) }, c.Arg(0), wt);
        };
        t["nn.matmul"] = c =>
        {
            var a = c.A<RelayOps.MatmulAttrs>();
            return c.Op("matmul", new RelaxOps.MatmulAttrs { OutDtype = OpCall.DT(a.OutDtype) }, SwapLast(c, 0, a.TransposeA), SwapLast(c, 1, a.TransposeB));
        };
        t["nn.batch_matmul"] = c =>
        {
            var a = c.A<RelayOps.BatchMatmulAttrs>();
            // Before TVM 0.8 batch_matmul had no attrs and always computed x · yᵀ (relay-formats §5.3).
            var tb = c.RelayMinor < 8 ? true : a.TransposeB;
            return c.Op("matmul", new RelaxOps.MatmulAttrs { OutDtype = OpCall.DT(a.OutDtype) }, SwapLast(c, 0, a.TransposeA), SwapLast(c, 1, tb));
        };
        t["nn.bias_add"] = c =>
        {
            var rank = c.Rank(0);
            var axis = c.Axis(c.A<RelayOps.BiasAddAttrs>().Axis, rank);
            var trailing = rank - 1 - axis;
            var b = trailing == 0 ? c.Arg(1) : c.Emit("expand_dims", new ExpandDimsAttrs { Axis = new ValueArray<long>(Enumerable.Range(1, (int)trailing).Select(i => (long)i)) }, c.Arg(1));
            return c.Op(E.Add, c.Arg(0), b);
        };
        t["nn.batch_norm"] = c =>
        {
            var a = c.A<RelayOps.BatchNormAttrs>();
            // Relay's batch_norm is the inference form; Relax's must say training=False.
            return c.Op("nn.batch_norm", new RelaxOps.BatchNormAttrs { Axis = a.Axis, Epsilon = a.Epsilon, Center = a.Center, Scale = a.Scale, Training = false },
                c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4));
        };
        t["nn.layer_norm"] = c =>
        {
            var a = c.A<RelayOps.LayerNormAttrs>();
            return c.Op("nn.layer_norm", new RelaxOps.LayerNormAttrs { Axes = [a.Axis], Epsilon = a.Epsilon, Center = a.Center, Scale = a.Scale }, c.Arg(0), c.Arg(1), c.Arg(2));
        };
        t["nn.group_norm"] = c =>
        {
            var a = c.A<RelayOps.GroupNormAttrs>();
            var rank = c.Rank(0);
            var ch = c.Axis(a.Axis, rank);
            return c.Op("nn.group_norm", new RelaxOps.GroupNormAttrs { NumGroups = a.NumGroups, ChannelAxis = ch, Axes = Spatial(rank, ch), Epsilon = a.Epsilon, Center = a.Center, Scale = a.Scale },
                c.Arg(0), c.Arg(1), c.Arg(2));
        };
        t["nn.instance_norm"] = c =>
        {
            var a = c.A<RelayOps.InstanceNormAttrs>();
            var rank = c.Rank(0);
            var ch = c.Axis(a.Axis, rank);
            return c.Op("nn.instance_norm", new RelaxOps.InstanceNormAttrs { ChannelAxis = ch, Axes = Spatial(rank, ch), Epsilon = a.Epsilon, Center = a.Center, Scale = a.Scale },
                c.Arg(0), c.Arg(1), c.Arg(2));
        };
        t["nn.l2_normalize"] = c =>
        {
            // x / sqrt(max(sum(x², axis, keepdims), eps))
            var a = c.A<RelayOps.L2NormalizeAttrs>();
            var dt = c.TT(0).DType;
            var sq = c.Emit(E.Multiply, c.Arg(0), c.Arg(0));
            ValueArray<long>? axes = a.Axis is { } ax ? [c.Axis(ax, c.Rank(0))] : null;
            var s = c.Emit("sum", new StatisticalAttrs { Axis = axes, Keepdims = true }, sq);
            var m = c.Emit(E.Maximum, s, OpCall.Scalar(a.Eps ?? 0, dt));
            return c.Op(E.Divide, c.Arg(0), c.Emit(E.Sqrt, m));
        };
        foreach (var row in SoftmaxSpec.All)
            if (row is { RelayName: { } name, RelaxTarget: var target })
                t[name] = c => c.Op(target, new RelaxOps.SoftmaxAttrs { Axis = c.A<RelayOps.SoftmaxAttrs>().Axis }, c.Arg(0));
        t["nn.leaky_relu"] = c => c.Op("nn.leakyrelu", new RelaxOps.LeakyReluAttrs { Alpha = c.A<RelayOps.LeakyReluAttrs>().Alpha }, c.Arg(0));
        t["nn.prelu"] = c => c.Op("nn.prelu", new RelaxOps.PReluAttrs { Axis = c.A<RelayOps.PReluAttrs>().Axis }, c.Arg(0), c.Arg(1));
        t["nn.dropout"] = c => c.Op("nn.dropout", new RelaxOps.DropoutAttrs { Rate = c.A<RelayOps.DropoutAttrs>().Rate }, c.Arg(0));
        // The pooling spec rows: sliding pools map one-for-one; adaptive and global pools through the typed view (a global pool
        // is an adaptive one of output size 1); where Relax has no such pool, output size 1 is a max over the spatial axes.
        foreach (var row in PoolingSpec.All)
        {
            if (row.RelayName is not { } name) continue;
            var (rank, target) = (row.Rank, row.RelaxTarget);
            t[name] = row.Window == PoolWindow.Sliding ? c => Pool(c, target, rank, c.Call.Attrs as IWindowPoolAttrs ?? (IWindowPoolAttrs)c.Call.Op!.Schema.Defaults)
                : target == "max" ? c => AdaptiveAsMax(c, rank) : c =>
                {
                    var (size, layout, outLayout) = Adaptive(c, rank);
                    return c.Op(target, new AdaptivePoolAttrs { OutputSize = size, Layout = layout, OutLayout = Out(outLayout, layout) }, c.Arg(0));
                };
        }
        t["nn.pad"] = c =>
        {
            var a = c.A<RelayOps.PadAttrs>();
            var pw = a.PadWidth ?? throw c.Fail("pad_width is required");
            var flat = new ValueArray<long>(pw.SelectMany(p => p.Length == 2 ? p : throw c.Fail("each pad_width entry must be [before, after]")));
            double value = 0;
            if (c.ArgCount > 1) value = c.ConstScalar(1) ?? throw c.Fail("the pad value must be a constant (Relax's pad_value is an attribute)");
            var mode = a.PadMode switch { "constant" => "constant", "edge" => "edge", "reflect" => "reflect", var m => throw c.Fail($"pad_mode {m}") };
            return c.Op("nn.pad", new RelaxOps.PadAttrs { PadWidth = flat, PadValue = value, PadMode = mode }, c.Arg(0));
        };
        t["nn.mirror_pad"] = c =>
        {
            var a = c.A<RelayOps.MirrorPadAttrs>();
            if (a.Mode != "REFLECT") throw c.Fail($"mode {a.Mode} (only REFLECT has a Relax form)");
            var flat = new ValueArray<long>((a.PadWidth ?? throw c.Fail("pad_width is required")).SelectMany(p => p));
            return c.Op("nn.pad", new RelaxOps.PadAttrs { PadWidth = flat, PadMode = "reflect" }, c.Arg(0));
        };
        t["nn.batch_flatten"] = c =>
        {
            var s = c.InShape(0);
            SymExpr rest = 1;
            foreach (var d in s.Skip(1)) rest *= d;
            return c.Op("reshape", c.Arg(0), OpCall.Shape([s[0], rest]));
        };
        t["nn.depth_to_space"] = c => DepthSpace(c, toSpace: true);
        t["nn.space_to_depth"] = c => DepthSpace(c, toSpace: false);
        t["nn.cross_entropy_with_logits"] = c => c.Op("nn.cross_entropy_with_logits", c.Arg(0), c.Arg(1));
        NoTranslation("local response normalisation has no Relax op", "nn.lrn");
        NoTranslation("deformable convolution has no Relax op", "nn.deformable_conv2d");
        NoTranslation("no Relax op (space/batch reshuffles)", "nn.space_to_batch_nd", "nn.batch_to_space_nd");
        NoTranslation("3-D upsampling has no Relax op (no resize3d)", "nn.upsampling3d");
        NoTranslation("training-only loss", "nn.nll_loss");
    }

    private static string Out(string outLayout, string layout) => outLayout.Length == 0 ? layout : outLayout;

    /// <summary>Relay padding (1, r or 2r values) → Relax's 2r values (all befores, then all afters).</summary>
    internal static ValueArray<long> ExpandPadding(OpCall c, ValueArray<long> p, int r)
    {
        if (p.Length == 2 * r) return p;
        if (p.Length == 1) return new ValueArray<long>(Enumerable.Repeat(p[0], 2 * r));
        if (p.Length == r) return new ValueArray<long>(p.Concat(p));
        throw c.Fail($"padding has {p.Length} values; expected 1, {r} or {2 * r}");
    }

    private static Relax.Expr Conv(OpCall c, string op, int r, ValueArray<long> strides, ValueArray<long> padding, ValueArray<long> dilation,
        long groups, string dataLayout, string kernelLayout, string outLayout, string outDtype) =>
        c.Op(op, new ConvAttrs
        {
            Strides = strides.Length == 1 && r > 1 ? new ValueArray<long>(Enumerable.Repeat(strides[0], r)) : strides,
            Padding = ExpandPadding(c, padding, r),
            Dilation = dilation.Length == 1 && r > 1 ? new ValueArray<long>(Enumerable.Repeat(dilation[0], r)) : dilation,
            Groups = groups,
            DataLayout = dataLayout,
            KernelLayout = kernelLayout,
            OutLayout = Out(outLayout, dataLayout),
            OutDtype = OpCall.DT(outDtype),
        }, c.Arg(0), c.Arg(1));

    private static Relax.Expr ConvT(OpCall c, string op, int r, ValueArray<long> strides, ValueArray<long> padding, ValueArray<long> outPad,
        ValueArray<long> dilation, long groups, string dataLayout, string kernelLayout, string outLayout, string outDtype)
    {
        // Before 0.12 the default kernel label was OI*, but the kernels always read (in, out/groups, …) weights (§5.3).
        if (kernelLayout.StartsWith("OI", StringComparison.Ordinal)) kernelLayout = "IO" + kernelLayout[2..];
        return c.Op(op, new ConvTransposeAttrs
        {
            Strides = strides,
            Padding = ExpandPadding(c, padding, r),
            OutputPadding = outPad,
            Dilation = dilation,
            Groups = groups,
            DataLayout = dataLayout,
            KernelLayout = kernelLayout,
            OutLayout = Out(outLayout, dataLayout),
            OutDtype = OpCall.DT(outDtype),
        }, c.Arg(0), c.Arg(1));
    }

    private static Relax.Expr Pool(OpCall c, string op, int r, IWindowPoolAttrs a)
    {
        var ps = a.PoolSize ?? throw c.Fail("pool_size is required");
        ValueArray<long> Full(ValueArray<long> v) => v.Length == 1 && r > 1 ? new ValueArray<long>(Enumerable.Repeat(v[0], r)) : v;
        return c.Op(op, new PoolAttrs
        {
            PoolSize = Full(ps),
            Strides = Full(a.Strides),
            Dilation = Full(a.Dilation),
            Padding = ExpandPadding(c, a.Padding, r),
            CeilMode = a.CeilMode,
            CountIncludePad = a.CountIncludePad,
            Layout = a.Layout,
            OutLayout = Out(a.OutLayout, a.Layout),
        }, c.Arg(0));
    }

    private static (ValueArray<long>? Size, string Layout, string OutLayout) Adaptive(OpCall c, int r)
    {
        var a = c.Call.Attrs as IAdaptivePoolAttrs;
        var (size, layout, outLayout) = a is not null ? (a.OutputSize ?? ValueArray<long>.Empty, a.Layout, a.OutLayout)
            : (ValueArray<long>.Empty, r == 1 ? "NCW" : r == 2 ? "NCHW" : "NCDHW", "");
        // Empty output_size keeps the input size (Relax: None); one value is a square/cubic output.
        ValueArray<long>? s = size.Length == 0 ? (ValueArray<long>?)null : size.Length == 1 && r > 1 ? new ValueArray<long>(Enumerable.Repeat(size[0], r)) : size;
        return (s, layout, outLayout);
    }

    /// <summary>An adaptive or global pool of output size 1 as the <c>max</c> reduction over the spatial axes (Relax has no
    /// adaptive max pool and no global pools).</summary>
    private static Relax.Expr AdaptiveAsMax(OpCall c, int rank)
    {
        var (size, layout, outLayout) = Adaptive(c, rank);
        if (size is null || size.Value.Any(s => s != 1)) throw c.Fail($"output_size {size} (only all-ones is expressible in Relax, as a max reduction)");
        if (Out(outLayout, layout) != layout) throw c.Fail($"out_layout {outLayout} differs from layout {layout}");
        return c.Op("max", new StatisticalAttrs { Axis = SpatialAxes(c, layout), Keepdims = true }, c.Arg(0));
    }

    /// <summary>The positions of the spatial letters (D, H, W) of a plain layout.</summary>
    private static ValueArray<long> SpatialAxes(OpCall c, string layout)
    {
        if (layout.Any(ch => !char.IsUpper(ch))) throw c.Fail($"blocked layout {layout}");
        return new ValueArray<long>(layout.Select((ch, i) => (ch, (long)i)).Where(p => p.ch is 'D' or 'H' or 'W').Select(p => p.Item2));
    }

    /// <summary>All axes except 0 (batch) and the channel axis.</summary>
    private static ValueArray<long> Spatial(int rank, long channel) =>
        new(Enumerable.Range(1, rank - 1).Select(i => (long)i).Where(i => i != channel));

    /// <summary>Swaps the last two axes of argument <paramref name="i"/> when <paramref name="swap"/>.</summary>
    private static Relax.Expr SwapLast(OpCall c, int i, bool swap)
    {
        if (!swap) return c.Arg(i);
        var rank = c.Rank(i);
        if (rank < 2) throw c.Fail($"cannot transpose a rank-{rank} operand");
        var axes = Enumerable.Range(0, rank).Select(k => (long)k).ToArray();
        (axes[^1], axes[^2]) = (axes[^2], axes[^1]);
        return c.Emit("permute_dims", new PermuteDimsAttrs { Axes = new ValueArray<long>(axes) }, c.Arg(i));
    }

    /// <summary>depth_to_space (DCR/CRD) and space_to_depth as reshape → permute_dims → reshape (NCHW).</summary>
    private static Relax.Expr DepthSpace(OpCall c, bool toSpace)
    {
        var a = c.A<RelayOps.SubPixelAttrs>();
        if (a.Layout != "NCHW") throw c.Fail($"layout {a.Layout} (only NCHW)");
        var b = a.BlockSize;
        var s = c.InShape(0);
        var (n, ch, h, w) = (s[0], s[1], s[2], s[3]);
        Relax.Var r1;
        long[] perm;
        if (toSpace)
        {
            var cOut = SymExpr.FloorDiv(ch, b * b);
            if (a.Mode == "DCR") { r1 = c.Emit("reshape", c.Arg(0), OpCall.Shape([n, b, b, cOut, h, w])); perm = [0, 3, 4, 1, 5, 2]; }
            else if (a.Mode == "CRD") { r1 = c.Emit("reshape", c.Arg(0), OpCall.Shape([n, cOut, b, b, h, w])); perm = [0, 1, 4, 2, 5, 3]; }
            else throw c.Fail($"mode {a.Mode}");
            var p = c.Emit("permute_dims", new PermuteDimsAttrs { Axes = new ValueArray<long>(perm) }, r1);
            return c.Op("reshape", p, OpCall.Shape([n, cOut, h * b, w * b]));
        }
        var ho = SymExpr.FloorDiv(h, b);
        var wo = SymExpr.FloorDiv(w, b);
        r1 = c.Emit("reshape", c.Arg(0), OpCall.Shape([n, ch, ho, b, wo, b]));
        var p2 = c.Emit("permute_dims", new PermuteDimsAttrs { Axes = [0, 3, 5, 1, 2, 4] }, r1);
        return c.Op("reshape", p2, OpCall.Shape([n, ch * b * b, ho, wo]));
    }
}

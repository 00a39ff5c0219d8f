using Bridge.Ir.Relay;
using Bridge.Ir.Ops.Spec;

namespace Bridge.Ir.Ops.Relay;

internal static partial class RelayTypeRelations
{
    /// <summary>Positions of the primal axes of a layout such as NCHW / NHWC / OIHW; split layouts (NCHW4c) are rejected.</summary>
    private static Dictionary<char, int> Layout(string layout, RelationContext ctx)
    {
        var m = new Dictionary<char, int>();
        for (var i = 0; i < layout.Length; i++)
        {
            if (!char.IsAsciiLetterUpper(layout[i]))
                throw ctx.Fail($"layout '{layout}' with split sub-dimensions is not supported by this relation");
            m[layout[i]] = i;
        }
        return m;
    }

    /// <summary>Normalises a padding list to (before[0..n), after[0..n)) like TVM's GetPaddingWidth.</summary>
    private static (long[] Before, long[] After) Pads(ValueArray<long> p, int n, RelationContext ctx)
    {
        var b = new long[n]; var a = new long[n];
        if (p.Count == 1) { for (var i = 0; i < n; i++) b[i] = a[i] = p[0]; }
        else if (p.Count == n) { for (var i = 0; i < n; i++) b[i] = a[i] = p[i]; }
        else if (p.Count == 2 * n) { for (var i = 0; i < n; i++) { b[i] = p[i]; a[i] = p[n + i]; } }
        else if (p.Count == 0) { }
        else throw ctx.Fail($"padding has {p.Count} values; expected 1, {n} or {2 * n}");
        return (b, a);
    }

    private static long At(ValueArray<long> v, int i, long dflt) => v.Count == 0 ? dflt : v.Count == 1 ? v[0] : v[i];

    private static TensorType Conv(IReadOnlyList<RelayType> args, RelationContext c, string dataLayout, string kernelLayout, string outLayout,
        ValueArray<long> strides, ValueArray<long> padding, ValueArray<long> dilation, long groups, long? channels, ValueArray<long>? kernelSize,
        string outDtype, bool transpose, ValueArray<long> outputPadding)
    {
        var data = T(args, 0, c);
        var weight = T(args, 1, c);
        var dl = Layout(dataLayout, c);
        var kl = Layout(kernelLayout, c);
        var spatial = dataLayout.Where(ch => ch is not ('N' or 'C')).ToArray();
        var n = spatial.Length;
        if (data.Rank != dataLayout.Length) throw c.Fail($"data has rank {data.Rank} but layout {dataLayout}");
        if (weight.Rank != kernelLayout.Length) throw c.Fail($"weight has rank {weight.Rank} but kernel layout {kernelLayout}");
        var (pb, pa) = Pads(padding, n, c);
        SymExpr outC = transpose ? weight.Shape[kl['O']] * groups : weight.Shape[kl['O']];
        if (channels is { } ch) outC = ch;
        var outShape = new Dictionary<char, SymExpr> { ['N'] = data.Shape[dl['N']], ['C'] = outC };
        for (var i = 0; i < n; i++)
        {
            var ax = spatial[i];
            var inD = data.Shape[dl[ax]];
            SymExpr k = kernelSize is { Count: > 0 } ks ? ks[i] : weight.Shape[kl[ax]];
            var s = At(strides, i, 1); var dil = At(dilation, i, 1);
            var dk = (k - 1) * dil + 1;
            outShape[ax] = transpose
                ? D(() => (inD - 1) * s - pb[i] - pa[i] + dk + At(outputPadding, i, 0), inD, k)
                : D(() => SymExpr.FloorDiv(inD + pb[i] + pa[i] - dk, s) + 1, inD, k);
        }
        var ol = string.IsNullOrEmpty(outLayout) ? dataLayout : outLayout;
        Layout(ol, c);
        return new TensorType([.. ol.Select(ch2 => outShape[ch2])], Dt(outDtype, data.DType));
    }

    private static TensorType Pool(IReadOnlyList<RelayType> args, RelationContext c, string layout, string outLayout, ValueArray<long> poolSize,
        ValueArray<long> strides, ValueArray<long> dilation, ValueArray<long> padding, bool ceil)
    {
        var data = T(args, 0, c);
        var dl = Layout(layout, c);
        var spatial = layout.Where(ch => ch is not ('N' or 'C')).ToArray();
        var (pb, pa) = Pads(padding, spatial.Length, c);
        var shape = data.Shape.ToArray();
        for (var i = 0; i < spatial.Length; i++)
        {
            var inD = data.Shape[dl[spatial[i]]];
            var k = At(poolSize, i, 1); var s = At(strides, i, 1); var dil = At(dilation, i, 1);
            var dk = (k - 1) * dil + 1;
            shape[dl[spatial[i]]] = D(() => ceil ? SymExpr.FloorDiv(inD + pb[i] + pa[i] - dk + s - 1, s) + 1
                                                  : SymExpr.FloorDiv(inD + pb[i] + pa[i] - dk, s) + 1, inD);
        }
        return OutLayout(data, shape, layout, outLayout, c);
    }

    private static TensorType OutLayout(TensorType data, SymExpr[] shape, string layout, string outLayout, RelationContext c)
    {
        if (string.IsNullOrEmpty(outLayout) || outLayout == layout) return new TensorType([.. shape], data.DType);
        var dl = Layout(layout, c);
        return new TensorType([.. outLayout.Select(ch => shape[dl[ch]])], data.DType);
    }

    private static RelayType WindowPoolRel(IReadOnlyList<RelayType> a, Attrs at, RelationContext c)
    {
        var x = (IWindowPoolAttrs)at;
        return Pool(a, c, x.Layout, x.OutLayout, x.PoolSize ?? default, x.Strides, x.Dilation, x.Padding, x.CeilMode);
    }

    private static RelayType AdaptivePoolRel(IReadOnlyList<RelayType> a, Attrs at, RelationContext c)
    {
        var x = (IAdaptivePoolAttrs)at;
        return AdaptivePool(a, c, x.Layout, x.OutLayout, x.OutputSize ?? ValueArray<long>.Empty);
    }

    private static TensorType AdaptivePool(IReadOnlyList<RelayType> args, RelationContext c, string layout, string outLayout, ValueArray<long> size)
    {
        var data = T(args, 0, c);
        var dl = Layout(layout, c);
        var spatial = layout.Where(ch => ch is not ('N' or 'C')).ToArray();
        var shape = data.Shape.ToArray();
        if (size.Count > 0)
            for (var i = 0; i < spatial.Length; i++) shape[dl[spatial[i]]] = size.Count == 1 ? size[0] : size[i];
        return OutLayout(data, shape, layout, outLayout, c);
    }

    private static void Nn()
    {
        Rel(["nn.conv1d"], (a, at, c) => { var x = (Conv1DAttrs)at; return Conv(a, c, x.DataLayout, x.KernelLayout, x.OutLayout, x.Strides, x.Padding, x.Dilation, x.Groups, x.Channels, x.KernelSize, x.OutDtype, false, default); });
        Rel(["nn.conv2d", "qnn.conv2d"], (a, at, c) =>
        {
            var x = (Conv2DAttrs)at;
            var t = Conv(a, c, x.DataLayout, x.KernelLayout, x.OutLayout, x.Strides, x.Padding, x.Dilation, x.Groups, x.Channels, x.KernelSize, x.OutDtype, false, default);
            return c.OpName == "qnn.conv2d" && string.IsNullOrEmpty(x.OutDtype) ? new TensorType(t.Shape, DataType.Int32) : t;
        });
        Rel("nn.conv3d", (a, at, c) => { var x = (Conv3DAttrs)at; return Conv(a, c, x.DataLayout, x.KernelLayout, x.OutLayout, x.Strides, x.Padding, x.Dilation, x.Groups, x.Channels, x.KernelSize, x.OutDtype, false, default); });
        Rel("nn.conv1d_transpose", (a, at, c) => { var x = (Conv1DTransposeAttrs)at; return Conv(a, c, x.DataLayout, IoLabel(x.KernelLayout), x.OutLayout, x.Strides, x.Padding, x.Dilation, x.Groups, x.Channels, x.KernelSize, x.OutDtype, true, x.OutputPadding); });
        Rel(["nn.conv2d_transpose", "qnn.conv2d_transpose"], (a, at, c) => { var x = (Conv2DTransposeAttrs)at; return Conv(a, c, x.DataLayout, IoLabel(x.KernelLayout), x.OutLayout, x.Strides, x.Padding, x.Dilation, x.Groups, x.Channels, x.KernelSize, x.OutDtype, true, x.OutputPadding); });
        Rel("nn.conv3d_transpose", (a, at, c) => { var x = (Conv3DTransposeAttrs)at; return Conv(a, c, x.DataLayout, IoLabel(x.KernelLayout), x.OutLayout, x.Strides, x.Padding, x.Dilation, x.Groups, x.Channels, x.KernelSize, x.OutDtype, true, x.OutputPadding); });
        Rel(["nn.dense", "qnn.dense"], (a, at, c) =>
        {
            var x = (DenseAttrs)at;
            var (d, w) = (T(a, 0, c), T(a, 1, c));
            if (d.Rank < 1 || w.Rank != 2) throw c.Fail($"dense expects data rank ≥ 1 and 2-D weight, got {d} and {w}");
            SymExpr units = x.Units is { } u ? u : w.Shape[0];
            var dflt = c.OpName == "qnn.dense" ? DataType.Int32 : d.DType;
            return new TensorType([.. d.Shape.Take(d.Rank - 1), units], Dt(x.OutDtype, dflt));
        });
        Rel("nn.matmul", (a, at, c) =>
        {
            var x = (MatmulAttrs)at;
            var (d, w) = (T(a, 0, c), T(a, 1, c));
            SymExpr n = x.Units is { } u ? u : x.TransposeB ? w.Shape[0] : w.Shape[^1];
            return new TensorType([.. d.Shape.Take(d.Rank - 1), n], Dt(x.OutDtype, d.DType));
        });
        Rel(["nn.batch_matmul", "qnn.batch_matmul"], (a, at, c) =>
        {
            var x = (BatchMatmulAttrs)at;
            var (p, q) = (T(a, 0, c), T(a, 1, c));
            if (p.Rank != 3 || q.Rank != 3) throw c.Fail($"batch_matmul expects 3-D operands, got {p} and {q}");
            var m = x.TransposeA ? p.Shape[2] : p.Shape[1];
            var n = x.TransposeB ? q.Shape[1] : q.Shape[2];
            var b = p.Shape[0].AsConst == 1 ? q.Shape[0] : p.Shape[0];
            var dflt = c.OpName == "qnn.batch_matmul" ? DataType.Int32 : p.DType;
            return new TensorType([b, m, n], Dt(x.OutDtype, dflt));
        });
        Rel("nn.batch_norm", (a, _, c) => new TupleType([T(a, 0, c), T(a, 3, c), T(a, 4, c)]));
        Rel("nn.dropout", (a, _, c) => new TupleType([T(a, 0, c), T(a, 0, c)]));
        // The pooling spec rows: one relation per window kind over the rows' typed view of the attrs.
        foreach (var row in PoolingSpec.All)
            if (row.RelayName is { } name)
                Rel(name, row.Window == PoolWindow.Sliding ? WindowPoolRel : AdaptivePoolRel);
        Rel("qnn.avg_pool2d", WindowPoolRel);
        Rel(["nn.pad", "nn.mirror_pad"], (a, at, c) =>
        {
            var d = T(a, 0, c);
            var pw = at is PadAttrs p ? p.PadWidth : ((MirrorPadAttrs)at).PadWidth;
            if (pw is not { } w || w.Count != d.Rank) throw c.Fail($"pad_width must have one [before, after] pair per axis ({d.Rank})");
            return WithShape(d, d.Shape.Select((s, i) => D(() => s + w[i][0] + w[i][1], s)));
        });
        Rel("nn.batch_flatten", (a, _, c) =>
        {
            var d = T(a, 0, c);
            return WithShape(d, [d.Shape[0], Prod(d.Shape.Skip(1))]);
        });
        Rel("nn.upsampling", (a, at, c) =>
        {
            var x = (UpSamplingAttrs)at;
            var d = T(a, 0, c);
            var l = Layout(x.Layout, c);
            var s = d.Shape.ToArray();
            s[l['H']] = Scale(s[l['H']], x.ScaleH ?? 1);
            s[l['W']] = Scale(s[l['W']], x.ScaleW ?? 1);
            return WithShape(d, s);
        });
        Rel(["nn.depth_to_space", "nn.space_to_depth"], (a, at, c) =>
        {
            var x = (SubPixelAttrs)at;
            var d = T(a, 0, c);
            var l = Layout(x.Layout, c);
            var s = d.Shape.ToArray();
            var b = x.BlockSize;
            var up = c.OpName == "nn.depth_to_space";
            s[l['C']] = D(() => up ? SymExpr.FloorDiv(s[l['C']], b * b) : s[l['C']] * (b * b), s[l['C']]);
            foreach (var ax in "HW") { var v = s[l[ax]]; s[l[ax]] = D(() => up ? v * b : SymExpr.FloorDiv(v, b), v); }
            return WithShape(d, s);
        });
        Rel("image.resize2d", (a, at, c) =>
        {
            var x = (Resize2DAttrs)at;
            var d = T(a, 0, c);
            var l = Layout(x.Layout, c);
            var s = d.Shape.ToArray();
            if (x.Size is { Count: 2 } sz) { s[l['H']] = sz[0]; s[l['W']] = sz[1]; }
            return WithShape(d, s, Dt(x.OutDtype, d.DType));
        });
        Rel(["qnn.quantize"], (a, at, c) => WithShape(T(a, 0, c), T(a, 0, c).Shape, Dt(((QuantizeAttrs)at).OutDtype, DataType.Int8)));
        Rel(["qnn.dequantize"], (a, at, c) => WithShape(T(a, 0, c), T(a, 0, c).Shape, Dt(((DequantizeAttrs)at).OutDtype, DataType.Float32)));
        Rel(["qnn.requantize"], (a, at, c) => WithShape(T(a, 0, c), T(a, 0, c).Shape, Dt(((RequantizeAttrs)at).OutDtype, DataType.Int8)));
        Rel(["qnn.add", "qnn.subtract", "qnn.mul"], (a, _, c) => new TensorType(Broadcast(T(a, 0, c), T(a, 1, c), c), T(a, 0, c).DType));
        Rel(["qnn.leaky_relu", "qnn.sigmoid", "qnn.tanh", "qnn.exp", "qnn.sqrt", "qnn.rsqrt", "qnn.erf", "qnn.hardswish", "qnn.log", "qnn.abs", "qnn.softmax"],
            (a, _, c) => T(a, 0, c));
    }

    // Before 0.12 the transposed-conv default kernel label was OI*, but the weights were always IO* (spec §7 trap 1).
    private static string IoLabel(string l) => l;

    private static SymExpr Scale(SymExpr d, double s) => d.IsConst(out var v) ? (long)Math.Floor(v * s) : SymVar.Any();
}

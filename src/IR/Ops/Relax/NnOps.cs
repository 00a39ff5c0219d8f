using Bridge.Ir.Relax;
using static Bridge.Ir.Ops.Relax.RelaxOpsInit;

namespace Bridge.Ir.Ops.Relax;

/// <summary>Neural-net ops (<c>R.nn.*</c>, <c>R.image.resize2d</c>): convolutions, pools, norms, softmax, pad, dropout.</summary>
internal static class NnOps
{
    private static readonly (string Name, int Rank)[] s_conv = [("nn.conv1d", 1), ("nn.conv2d", 2), ("nn.conv3d", 3)];
    private static readonly (string Name, int Rank)[] s_convT = [("nn.conv1d_transpose", 1), ("nn.conv2d_transpose", 2), ("nn.conv3d_transpose", 3)];
    private static readonly string[] s_spatial = ["W", "HW", "DHW"];

    public static void Register()
    {
        foreach (var (n, r) in s_conv) Def<ConvAttrs>(n, "nn", (c, cx) => Conv(c, cx, r), "data", "weight");
        foreach (var (n, r) in s_convT) Def<ConvTransposeAttrs>(n, "nn", (c, cx) => ConvTranspose(c, cx, r), "data", "weight");
        // The pools are rows of the one pooling spec (Relay and Relax op, rule, mapping, kernel).
        foreach (var row in Spec.PoolingSpec.All)
        {
            if (row is not { RelaxName: { } name, RelaxAttrs: { } attrs }) continue;
            var rank = row.Rank;
            Def(name, attrs, "nn", row.Window == Spec.PoolWindow.Sliding ? (c, cx) => Pool(c, cx, rank) : (c, cx) => AdaptivePool(c, cx, rank), "data");
        }
        foreach (var row in Spec.SoftmaxSpec.All)
            if (row.RelaxName is { } name) Def<SoftmaxAttrs>(name, "nn", Softmax, "data");
        Def<PReluAttrs>("nn.prelu", "nn", (c, cx) => Infer.Tensor(c, 0, cx), "data", "alpha");
        Def<BatchNormAttrs>("nn.batch_norm", "nn", BatchNorm, "data", "gamma", "beta", "moving_mean", "moving_var");
        Def<LayerNormAttrs>("nn.layer_norm", "nn", (c, cx) => Infer.Tensor(c, 0, cx), "data", "gamma", "beta");
        Def<GroupNormAttrs>("nn.group_norm", "nn", (c, cx) => Infer.Tensor(c, 0, cx), "data", "gamma", "beta");
        Def<InstanceNormAttrs>("nn.instance_norm", "nn", (c, cx) => Infer.Tensor(c, 0, cx), "data", "gamma", "beta");
        Def<RmsNormAttrs>("nn.rms_norm", "nn", (c, cx) => Infer.Tensor(c, 0, cx), "data", "weight");
        Def<DropoutAttrs>("nn.dropout", "nn", (c, cx) => { var t = Infer.Tensor(c, 0, cx); return new TupleSInfo([t, t]); }, "data");
        Def<PadAttrs>("nn.pad", "nn", Pad, "data");
        Def<NoAttrs>("nn.batch_flatten", "nn", BatchFlatten, "data");
        Def<AttentionAttrs>("nn.attention", "nn", Attention, "query", "key", "value", "bias").WithArity(3, 4);
        Def<PixelShuffleAttrs>("nn.pixel_shuffle", "nn", PixelShuffle, "data");
        Def<NoAttrs>("nn.cross_entropy_with_logits", "nn", (c, cx) => new TensorSInfo([], Infer.Tensor(c, 0, cx).DType), "predictions", "labels");
        Def<Resize2DAttrs>("image.resize2d", "image", Resize2D, "data", "size");
    }

    /// <summary>Positions of layout letters; null for blocked layouts (NCHW4c).</summary>
    private static Dictionary<char, int>? Layout(string layout, int ndim)
    {
        if (layout.Length != ndim || layout.Any(ch => !char.IsUpper(ch))) return null;
        var d = new Dictionary<char, int>();
        for (var i = 0; i < layout.Length; i++) d[layout[i]] = i;
        return d;
    }

    private static StructInfo Conv(Call c, InferContext cx, int r)
    {
        var data = Infer.Tensor(c, 0, cx);
        var w = Infer.Tensor(c, 1, cx);
        var a = (ConvAttrs)c.Attrs;
        var dt = a.OutDtype ?? Infer.SameDType(data, w, cx);
        if (a.Strides.Length != r || a.Dilation.Length != r || a.Padding.Length != 2 * r)
            throw cx.Error(StructInfoDiagnosticIds.BadAttr, $"strides/dilation need {r} values and padding {2 * r}");
        if (data.NDim >= 0 && data.NDim != r + 2) throw cx.Error(StructInfoDiagnosticIds.WrongArgKind, $"data must have rank {r + 2}, got {data.NDim}");
        var dl = Layout(a.DataLayout, r + 2);
        var kl = Layout(a.KernelLayout, r + 2);
        var ol = Layout(a.OutLayout, r + 2);
        if (data.Shape is not { } ds || w.Shape is not { } ws || dl is null || kl is null || ol is null) return new TensorSInfo(null, dt, r + 2, data.VDevice);
        var sp = s_spatial[r - 1];
        var groups = a.Groups;
        cx.RequireEqual(ds[dl['C']], ws[kl['I']] * groups, "input channels vs weight in-channels × groups");
        var outDims = new Dictionary<char, SymExpr> { ['N'] = ds[dl['N']], ['C'] = ws[kl['O']] };
        for (var i = 0; i < r; i++)
        {
            var ch = sp[i];
            outDims[ch] = Infer.ConvOut(ds[dl[ch]], ws[kl[ch]], a.Padding[i], a.Padding[i + r], a.Strides[i], a.Dilation[i]);
        }
        return Infer.Shaped(a.OutLayout.Select(ch => outDims[ch]), dt, data.VDevice);
    }

    private static StructInfo ConvTranspose(Call c, InferContext cx, int r)
    {
        var data = Infer.Tensor(c, 0, cx);
        var w = Infer.Tensor(c, 1, cx);
        var a = (ConvTransposeAttrs)c.Attrs;
        var dt = a.OutDtype ?? Infer.SameDType(data, w, cx);
        var dl = Layout(a.DataLayout, r + 2);
        var kl = Layout(a.KernelLayout, r + 2);
        if (data.Shape is not { } ds || w.Shape is not { } ws || dl is null || kl is null || a.Padding.Length != 2 * r || a.Strides.Length != r
            || a.OutputPadding.Length != r || a.Dilation.Length != r)
            return new TensorSInfo(null, dt, r + 2, data.VDevice);
        var sp = s_spatial[r - 1];
        cx.RequireEqual(ds[dl['C']], ws[kl['I']], "input channels vs weight in-channels");
        var outDims = new Dictionary<char, SymExpr> { ['N'] = ds[dl['N']], ['C'] = ws[kl['O']] * a.Groups };
        for (var i = 0; i < r; i++)
        {
            var ch = sp[i];
            outDims[ch] = (ds[dl[ch]] - 1) * a.Strides[i] - a.Padding[i] - a.Padding[i + r] + a.Dilation[i] * (ws[kl[ch]] - 1) + a.OutputPadding[i] + 1;
        }
        return Infer.Shaped(a.OutLayout.Select(ch => outDims[ch]), dt, data.VDevice);
    }

    private static StructInfo Pool(Call c, InferContext cx, int r)
    {
        var data = Infer.Tensor(c, 0, cx);
        var a = (PoolAttrs)c.Attrs;
        if (a.PoolSize.Length != r || a.Strides.Length != r || a.Dilation.Length != r || a.Padding.Length != 2 * r)
            throw cx.Error(StructInfoDiagnosticIds.BadAttr, $"pool_size/strides/dilation need {r} values and padding {2 * r}");
        var dl = Layout(a.Layout, r + 2);
        if (data.Shape is not { } ds || dl is null) return new TensorSInfo(null, data.DType, r + 2, data.VDevice);
        var sp = s_spatial[r - 1];
        var outDims = new Dictionary<char, SymExpr> { ['N'] = ds[dl['N']], ['C'] = ds[dl['C']] };
        for (var i = 0; i < r; i++)
            outDims[sp[i]] = Infer.ConvOut(ds[dl[sp[i]]], a.PoolSize[i], a.Padding[i], a.Padding[i + r], a.Strides[i], a.Dilation[i], a.CeilMode);
        return Infer.Shaped(a.OutLayout.Select(ch => outDims[ch]), data.DType, data.VDevice);
    }

    private static StructInfo AdaptivePool(Call c, InferContext cx, int r)
    {
        var data = Infer.Tensor(c, 0, cx);
        var a = (AdaptivePoolAttrs)c.Attrs;
        var dl = Layout(a.Layout, r + 2);
        if (data.Shape is not { } ds || dl is null) return new TensorSInfo(null, data.DType, r + 2, data.VDevice);
        var sp = s_spatial[r - 1];
        var outDims = new Dictionary<char, SymExpr> { ['N'] = ds[dl['N']], ['C'] = ds[dl['C']] };
        for (var i = 0; i < r; i++)
        {
            SymExpr o = a.OutputSize is { } os ? (os.Length == 1 ? os[0] : os[i]) : ds[dl[sp[i]]];
            outDims[sp[i]] = o;
        }
        return Infer.Shaped(a.OutLayout.Select(ch => outDims[ch]), data.DType, data.VDevice);
    }

    private static StructInfo Softmax(Call c, InferContext cx)
    {
        var t = Infer.Tensor(c, 0, cx);
        if (t.NDim >= 0) Infer.NormAxis(((SoftmaxAttrs)c.Attrs).Axis, t.NDim, cx);
        if (t.DType is { IsFloat: false } d) throw cx.Error(StructInfoDiagnosticIds.DTypeMismatch, $"requires a float input, got {d}");
        return t;
    }

    private static StructInfo BatchNorm(Call c, InferContext cx)
    {
        var t = Infer.Tensor(c, 0, cx);
        var a = (BatchNormAttrs)c.Attrs;
        var mean = Infer.Tensor(c, 3, cx);
        var v = Infer.Tensor(c, 4, cx);
        if (t.Shape is { } s)
        {
            var ax = Infer.NormAxis(a.Axis, s.Length, cx);
            foreach (var (p, nm) in new[] { (Infer.Tensor(c, 1, cx), "gamma"), (Infer.Tensor(c, 2, cx), "beta"), (mean, "moving_mean"), (v, "moving_var") })
                if (p.Shape is { Length: 1 } ps) cx.RequireEqual(ps[0], s[ax], $"{nm} length vs channel dim");
            var ch = new TensorSInfo(Infer.Dims(s[ax]), t.DType, -1, t.VDevice);
            return new TupleSInfo([t, ch, ch]);
        }
        return new TupleSInfo([t, new TensorSInfo(null, t.DType, 1), new TensorSInfo(null, t.DType, 1)]);
    }

    private static StructInfo Pad(Call c, InferContext cx)
    {
        var t = Infer.Tensor(c, 0, cx);
        var a = (PadAttrs)c.Attrs;
        if (t.Shape is not { } s) return t;
        if (a.PadWidth.Length != 2 * s.Length) throw cx.Error(StructInfoDiagnosticIds.BadAttr, $"pad_width needs {2 * s.Length} values, got {a.PadWidth.Length}");
        return Infer.Shaped(s.Select((d, i) => d + a.PadWidth[2 * i] + a.PadWidth[2 * i + 1]), t.DType, t.VDevice);
    }

    private static StructInfo BatchFlatten(Call c, InferContext cx)
    {
        var t = Infer.Tensor(c, 0, cx);
        if (t.Shape is not { } s || s.Length < 1) return new TensorSInfo(null, t.DType, 2, t.VDevice);
        SymExpr rest = 1;
        for (var i = 1; i < s.Length; i++) rest *= s[i];
        return Infer.Shaped([s[0], rest], t.DType, t.VDevice);
    }

    private static StructInfo Attention(Call c, InferContext cx)
    {
        var q = Infer.Tensor(c, 0, cx);
        var v = Infer.Tensor(c, 2, cx);
        // (B, Sq, H, D) x (B, Skv, H, Dv) → (B, Sq, H, Dv)
        if (q.Shape is { Length: 4 } qs && v.Shape is { Length: 4 } vs) return Infer.Shaped([qs[0], qs[1], qs[2], vs[3]], q.DType, q.VDevice);
        return new TensorSInfo(null, q.DType, 4, q.VDevice);
    }

    private static StructInfo PixelShuffle(Call c, InferContext cx)
    {
        var t = Infer.Tensor(c, 0, cx);
        var r = ((PixelShuffleAttrs)c.Attrs).UpscaleFactor;
        if (t.Shape is not { Length: 4 } s) return t;
        return Infer.Shaped([s[0], SymExpr.FloorDiv(s[1], r * r), s[2] * r, s[3] * r], t.DType, t.VDevice);
    }

    private static StructInfo Resize2D(Call c, InferContext cx)
    {
        var t = Infer.Tensor(c, 0, cx);
        var a = (Resize2DAttrs)c.Attrs;
        var size = Infer.ShapeArg(c, 1, cx, out _);
        var dt = a.OutDtype ?? t.DType;
        var dl = Layout(a.Layout, 4);
        if (t.Shape is not { } s || size is not { } sz || dl is null) return new TensorSInfo(null, dt, 4, t.VDevice);
        var hw = sz.Length == 1 ? new[] { sz[0], sz[0] } : [sz[0], sz[1]];
        var outDims = new Dictionary<char, SymExpr> { ['N'] = s[dl['N']], ['C'] = s[dl['C']], ['H'] = hw[0], ['W'] = hw[1] };
        return Infer.Shaped(a.Layout.Select(ch => outDims[ch]), dt, t.VDevice);
    }
}

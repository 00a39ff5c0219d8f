using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>Pooling reduction kinds: max, average, and Lp (ONNX LpPool: (Σ|x|^p)^(1/p), padding counts as 0).</summary>
public enum PoolKind { Max, Avg, Lp }

/// <summary>
/// Pool parameters. Padding follows <see cref="ConvParams.Padding"/>. <see cref="CeilMode"/> uses TVM's output size
/// ((I + pads − dil·(k−1) − 1 + s − 1) / s + 1); <see cref="ClampCeilWindows"/> additionally drops a last window that would start
/// inside the right padding, as PyTorch and ONNX Runtime do.
/// </summary>
public sealed record PoolParams(long[] PoolSize, long[]? Strides = null, long[]? Padding = null, long[]? Dilation = null, string Layout = "NCHW",
    bool CeilMode = false, bool CountIncludePad = false)
{
    public bool ClampCeilWindows { get; init; }
    /// <summary>The p of <see cref="PoolKind.Lp"/>.</summary>
    public double P { get; init; } = 2;
}

/// <summary>Max/avg/Lp pools 1d/2d/3d, global and adaptive pools. Computed in double, rounded once; any NC*/N*C layout.</summary>
public static class Pool
{
    /// <summary>A windowed pool. Max over a window that lies wholly in padding gives -inf (lowest value for integers).</summary>
    public static Tensor Window(PoolKind kind, Tensor x, PoolParams p)
    {
        var op = kind.ToString().ToLowerInvariant() + "_pool";
        var nd = p.Layout.Length - 2;
        if (nd is < 1 or > 3) throw Fail(KernelDiagnosticIds.BadParameter, op, $"layout '{p.Layout}' is not a 1d/2d/3d layout");
        if (x.Rank != nd + 2) throw Fail(KernelDiagnosticIds.RankMismatch, op, $"data {Fmt(x.Shape)} does not match layout {p.Layout}");
        var canon = "NC" + Layouts.Spatial(nd);
        var xc = Layouts.ToCanonical(op, x, p.Layout, canon);
        var k = Conv.Expand(op, "pool_size", p.PoolSize, nd, 1);
        var s = Conv.Expand(op, "strides", p.Strides, nd, 1);
        var dl = Conv.Expand(op, "dilation", p.Dilation, nd, 1);
        var pad = Conv.Pads(op, p.Padding, nd);
        if (k.Any(v => v < 1) || s.Any(v => v < 1) || dl.Any(v => v < 1))
            throw Fail(KernelDiagnosticIds.BadParameter, op, $"pool_size/strides/dilation must be >= 1");
        var inS = xc.Shape.Skip(2).ToArray();
        var outS = new long[nd];
        for (var i = 0; i < nd; i++)
        {
            var eff = dl[i] * (k[i] - 1) + 1;
            var num = inS[i] + pad[i] + pad[nd + i] - eff;
            if (num < 0) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"window {eff} exceeds padded input {Fmt(x.Shape)}");
            outS[i] = (p.CeilMode ? (num + s[i] - 1) / s[i] : num / s[i]) + 1;
            if (p.CeilMode && p.ClampCeilWindows && (outS[i] - 1) * s[i] >= inS[i] + pad[i]) outS[i]--;
        }
        var (n, c) = (xc.Shape[0], xc.Shape[1]);
        if (kind == PoolKind.Max && nd == 2 && xc.DType == DataType.Float32)
            return Layouts.FromCanonical(MaxPool2dFloat32(xc, k, s, dl, pad, outS), canon, p.Layout);
        var d = ToDouble(xc);
        var outShape = new long[] { n, c }.Concat(outS).ToArray();
        var r = new double[Product(outShape)];
        var inSp = Product(inS);
        var outSp = Product(outS);
        var lowest = x.DType.IsFloat ? double.NegativeInfinity : MinOf(x.DType);
        Parallel.For(0, n * c, new ParallelOptions { MaxDegreeOfParallelism = r.Length < 1 << 14 ? 1 : Gemm.Threads }, nc =>
        {
            var o = new long[nd];
            var w = new long[nd];
            var win = Product(k);
            for (long oi = 0; oi < outSp; oi++)
            {
                Manipulate.Unravel(oi, outS, o);
                double acc = kind == PoolKind.Max ? lowest : 0;
                long valid = 0, counted = 0;
                for (long wi = 0; wi < win; wi++)
                {
                    Manipulate.Unravel(wi, k, w);
                    long off = 0;
                    bool inside = true, inPadded = true;
                    for (var t = 0; t < nd; t++)
                    {
                        var pos = o[t] * s[t] - pad[t] + w[t] * dl[t];
                        if (pos < 0 || pos >= inS[t]) inside = false;
                        if (pos >= inS[t] + pad[nd + t]) inPadded = false;
                        off = off * inS[t] + pos;
                    }
                    if (inPadded) counted++;
                    if (!inside) continue;
                    valid++;
                    var v = d[nc * inSp + off];
                    acc = kind switch
                    {
                        PoolKind.Max => double.IsNaN(v) || double.IsNaN(acc) ? double.NaN : Math.Max(acc, v),
                        PoolKind.Avg => acc + v,
                        _ => acc + Math.Pow(Math.Abs(v), p.P),
                    };
                }
                if (kind == PoolKind.Avg)
                {
                    var div = p.CountIncludePad ? counted : valid;
                    acc = div == 0 ? 0 : acc / div;
                }
                else if (kind == PoolKind.Lp) acc = Math.Pow(acc, 1 / p.P);
                r[nc * outSp + oi] = acc;
            }
        });
        var y = FromDouble(x.DType, outShape, r);
        return Layouts.FromCanonical(y, canon, p.Layout);
    }

    /// <summary>
    /// 2-D float32 max pool over NCHW, reading the input in place: the same result as the generic path (max over the
    /// in-bounds window cells, -inf for a window wholly in padding, NaN propagating) without double staging.
    /// </summary>
    private static Tensor MaxPool2dFloat32(Tensor x, long[] k, long[] s, long[] dl, long[] pad, long[] outS)
    {
        var (n, c, ih, iw) = (x.Shape[0], x.Shape[1], (int)x.Shape[2], (int)x.Shape[3]);
        var (oh, ow) = ((int)outS[0], (int)outS[1]);
        var y = Tensor.Uninitialized(DataType.Float32, [n, c, oh, ow]);
        var (kh, kw, sh, sw, dh, dw, ph, pw) = ((int)k[0], (int)k[1], (int)s[0], (int)s[1], (int)dl[0], (int)dl[1], (int)pad[0], (int)pad[1]);
        var planes = (int)(n * c);
        var (inPlane, outPlane) = (ih * iw, oh * ow);
        unsafe
        {
            fixed (float* px0 = x.ReadOnlySpan<float>(), py0 = y.Span<float>())
            {
                nint pxn = (nint)px0, pyn = (nint)py0;
                Parallel.For(0, planes, new ParallelOptions { MaxDegreeOfParallelism = (long)planes * outPlane < 1 << 14 ? 1 : Gemm.Threads }, plane =>
                {
                    var src = (float*)pxn + (long)plane * inPlane;
                    var dst = (float*)pyn + (long)plane * outPlane;
                    for (var i = 0; i < oh; i++)
                    for (var j = 0; j < ow; j++)
                    {
                        var acc = float.NegativeInfinity;
                        var nan = false;
                        for (var a = 0; a < kh; a++)
                        {
                            var r = i * sh - ph + a * dh;
                            if ((uint)r >= (uint)ih) continue;
                            var row = src + (long)r * iw;
                            for (var b = 0; b < kw; b++)
                            {
                                var q = j * sw - pw + b * dw;
                                if ((uint)q >= (uint)iw) continue;
                                var v = row[q];
                                if (v > acc) acc = v;
                                else if (float.IsNaN(v)) nan = true;
                            }
                        }
                        dst[(long)i * ow + j] = nan ? float.NaN : acc;
                    }
                });
            }
        }
        return y;
    }

    private static double MinOf(DataType t) => t.IsUInt || t.IsBool ? 0 : -Math.Pow(2, t.Bits - 1);

    /// <summary>
    /// Adaptive pool (PyTorch/TVM): output cell i covers [floor(i·I/O), ceil((i+1)·I/O)). Global pooling is output size 1.
    /// <paramref name="outputSize"/> entries ≤ 0 keep the input size.
    /// </summary>
    public static Tensor Adaptive(PoolKind kind, Tensor x, long[] outputSize, string layout = "NCHW")
    {
        var op = "adaptive_" + kind.ToString().ToLowerInvariant() + "_pool";
        if (kind == PoolKind.Lp) throw Fail(KernelDiagnosticIds.UnsupportedMode, op, "adaptive Lp pooling");
        var nd = layout.Length - 2;
        if (nd is < 1 or > 3) throw Fail(KernelDiagnosticIds.BadParameter, op, $"layout '{layout}' is not a 1d/2d/3d layout");
        if (x.Rank != nd + 2) throw Fail(KernelDiagnosticIds.RankMismatch, op, $"data {Fmt(x.Shape)} does not match layout {layout}");
        var canon = "NC" + Layouts.Spatial(nd);
        var xc = Layouts.ToCanonical(op, x, layout, canon);
        var inS = xc.Shape.Skip(2).ToArray();
        var outS = Conv.Expand(op, "output_size", outputSize, nd, 1).Select((v, i) => v <= 0 ? inS[i] : v).ToArray();
        var d = ToDouble(xc);
        var (n, c) = (xc.Shape[0], xc.Shape[1]);
        var outShape = new long[] { n, c }.Concat(outS).ToArray();
        var r = new double[Product(outShape)];
        var inSp = Product(inS);
        var outSp = Product(outS);
        var o = new long[nd];
        for (long nc = 0; nc < n * c; nc++)
        for (long oi = 0; oi < outSp; oi++)
        {
            Manipulate.Unravel(oi, outS, o);
            var lo = new long[nd]; var hi = new long[nd];
            for (var t = 0; t < nd; t++)
            {
                lo[t] = o[t] * inS[t] / outS[t];
                hi[t] = ((o[t] + 1) * inS[t] + outS[t] - 1) / outS[t];
            }
            var ext = lo.Zip(hi, (a, b) => b - a).ToArray();
            var cnt = Product(ext);
            double acc = kind == PoolKind.Max ? double.NegativeInfinity : 0;
            var w = new long[nd];
            for (long wi = 0; wi < cnt; wi++)
            {
                Manipulate.Unravel(wi, ext, w);
                long off = 0;
                for (var t = 0; t < nd; t++) off = off * inS[t] + lo[t] + w[t];
                var v = d[nc * inSp + off];
                acc = kind == PoolKind.Max ? (double.IsNaN(v) || double.IsNaN(acc) ? double.NaN : Math.Max(acc, v)) : acc + v;
            }
            r[nc * outSp + oi] = kind == PoolKind.Avg ? (cnt == 0 ? 0 : acc / cnt) : acc;
        }
        return Layouts.FromCanonical(FromDouble(x.DType, outShape, r), canon, layout);
    }

    /// <summary>Global pool: adaptive pool to size 1 in every spatial dim.</summary>
    public static Tensor Global(PoolKind kind, Tensor x, string layout = "NCHW") =>
        Adaptive(kind, x, Enumerable.Repeat(1L, layout.Length - 2).ToArray(), layout);
}

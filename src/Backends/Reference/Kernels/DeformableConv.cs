using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>nn.deformable_conv2d (deformable convolution v1) as topi's deformable_conv2d_nchw computes it.</summary>
public static class DeformableConv
{
    /// <summary>
    /// out[n, f, y, x] = Σ_{c, kh, kw} w[f, c, kh, kw] · sample(n, c, y·s_h − pad_top + kh·d_h + Δy, x·s_w − pad_left + kw·d_w + Δx), where
    /// (Δy, Δx) = offset[n, (g·KH·KW + kh·KW + kw)·2 + {0, 1}, y, x] for the deformable group g = c / (C / deformable_groups).
    /// sample is topi's bilinear_sample_nchw: zero when h &lt; 0, w &lt; 0, h &gt;= H or w &gt;= W; otherwise the lerp of floor and
    /// min(ceil, H−1) (so positions in (−1, 0) are zero, unlike torchvision's deform_conv2d, which fades them in). Groups split the
    /// channels as an ordinary grouped convolution (topi itself only implements groups = 1). Data and offset layouts NCHW or NHWC,
    /// kernel OIHW or HWIO; <paramref name="padding"/> is 1, 2 or 4 values (top, left, bottom, right). Computed in double.
    /// </summary>
    public static Tensor Forward(Tensor data, Tensor offset, Tensor weight, long[] strides, long[] padding, long[] dilation,
        int deformableGroups = 1, int groups = 1, string dataLayout = "NCHW", string kernelLayout = "OIHW", DataType? outDType = null)
    {
        const string op = "nn.deformable_conv2d";
        RequireRank(op, "data", data, 4);
        RequireRank(op, "offset", offset, 4);
        RequireRank(op, "weight", weight, 4);
        var x = Layouts.ToCanonical(op, data, dataLayout, "NCHW");
        var off = Layouts.ToCanonical(op, offset, dataLayout, "NCHW");
        var w = Layouts.ToCanonical(op, weight, kernelLayout, "OIHW");
        var s = Conv.Expand(op, "strides", strides, 2, 1);
        var d = Conv.Expand(op, "dilation", dilation, 2, 1);
        var p = padding.Length switch
        {
            0 => new long[4],
            1 => [padding[0], padding[0], padding[0], padding[0]],
            2 => [padding[0], padding[1], padding[0], padding[1]],
            4 => padding,
            _ => throw Fail(KernelDiagnosticIds.BadParameter, op, $"padding needs 1, 2 or 4 values, got {padding.Length}"),
        };
        if (s.Any(v => v < 1) || d.Any(v => v < 1) || p.Any(v => v < 0))
            throw Fail(KernelDiagnosticIds.BadParameter, op, "strides and dilation must be positive and padding non-negative");
        long n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        long o = w.Shape[0], cg = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        if (groups < 1 || deformableGroups < 1 || c % groups != 0 || o % groups != 0 || c / groups != cg || c % deformableGroups != 0)
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"data {Fmt(data.Shape)} and weight {Fmt(weight.Shape)} do not fit groups={groups}, deformable_groups={deformableGroups}");
        var oh = (h + p[0] + p[2] - d[0] * (kh - 1) - 1) / s[0] + 1;
        var ow = (wd + p[1] + p[3] - d[1] * (kw - 1) - 1) / s[1] + 1;
        if (oh < 0 || ow < 0) oh = ow = 0;
        long[] offWant = [n, deformableGroups * kh * kw * 2, oh, ow];
        if (!off.Shape.SequenceEqual(offWant))
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"offset {Fmt(offset.Shape)} must be {Fmt(offWant)} (NCHW order) for data {Fmt(data.Shape)}");
        var xv = ToDouble(x);
        var ov = ToDouble(off);
        var wv = ToDouble(w);
        var cPerDg = c / deformableGroups;
        var oPerG = o / groups;
        var outv = new double[n * o * oh * ow];
        // cols[c, kh, kw] for one output position, then a grouped dot with the weights.
        var col = new double[c * kh * kw];
        for (long b = 0; b < n; b++)
            for (long y = 0; y < oh; y++)
                for (long xo = 0; xo < ow; xo++)
                {
                    for (long ci = 0; ci < c; ci++)
                    {
                        var g = ci / cPerDg;
                        for (long i = 0; i < kh; i++)
                            for (long j = 0; j < kw; j++)
                            {
                                var ch = (g * kh * kw + i * kw + j) * 2;
                                var dy = ov[((b * offWant[1] + ch) * oh + y) * ow + xo];
                                var dx = ov[((b * offWant[1] + ch + 1) * oh + y) * ow + xo];
                                var py = y * s[0] - p[0] + i * d[0] + dy;
                                var px = xo * s[1] - p[1] + j * d[1] + dx;
                                col[(ci * kh + i) * kw + j] = Sample(xv, (b * c + ci) * h * wd, h, wd, py, px);
                            }
                    }
                    for (long f = 0; f < o; f++)
                    {
                        var c0 = f / oPerG * cg;
                        double acc = 0;
                        for (long ci = 0; ci < cg; ci++)
                            for (long k = 0; k < kh * kw; k++)
                                acc += wv[(f * cg + ci) * kh * kw + k] * col[(c0 + ci) * kh * kw + k];
                        outv[((b * o + f) * oh + y) * ow + xo] = acc;
                    }
                }
        var r = FromDouble(outDType ?? data.DType, [n, o, oh, ow], outv);
        return Layouts.FromCanonical(r, "NCHW", dataLayout);
    }

    private static double Sample(double[] x, long baseOff, long h, long w, double py, double px)
    {
        if (py < 0 || px < 0 || py >= h || px >= w || double.IsNaN(py) || double.IsNaN(px)) return 0;
        long y0 = (long)Math.Floor(py), x0 = (long)Math.Floor(px);
        long y1 = Math.Min((long)Math.Ceiling(py), h - 1), x1 = Math.Min((long)Math.Ceiling(px), w - 1);
        double ty = py - y0, tx = px - x0;
        var top = (1 - tx) * x[baseOff + y0 * w + x0] + tx * x[baseOff + y0 * w + x1];
        var bottom = (1 - tx) * x[baseOff + y1 * w + x0] + tx * x[baseOff + y1 * w + x1];
        return (1 - ty) * top + ty * bottom;
    }
}

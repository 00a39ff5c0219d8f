using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>
/// roi_align parameters (TVM vision.roi_align / torchvision.ops.roi_align / ONNX RoiAlign). <see cref="Aligned"/> shifts box
/// coordinates by half a pixel (torchvision aligned=True, ONNX half_pixel); without it a box is at least 1×1 (TVM, ONNX
/// output_half_pixel). <see cref="SampleRatio"/> ≤ 0 samples ceil(roi size / pooled size) points per bin.
/// </summary>
public sealed record RoiAlignParams(long[] PooledSize, double SpatialScale, int SampleRatio = -1, string Layout = "NCHW", string Mode = "avg", bool Aligned = false);

public static partial class Vision
{
    /// <summary>
    /// roi_align: data (N, C, H, W), rois (R, 5) rows (batch index, x1, y1, x2, y2) → (R, C, PH, PW). Each bin averages (or, with mode
    /// "max", takes the max of) bilinear samples on a regular grid; samples beyond one pixel outside the map count as 0. Computed in double.
    /// </summary>
    public static Tensor RoiAlign(Tensor data, Tensor rois, RoiAlignParams p)
    {
        const string op = "roi_align";
        var x = Layouts.ToCanonical(op, data, p.Layout, "NCHW");
        RequireRank(op, "data", x, 4);
        RequireRank(op, "rois", rois, 2);
        if (rois.Shape[1] != 5) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"rois {Fmt(rois.Shape)} must be (num_rois, 5)");
        if (p.Mode is not ("avg" or "max")) throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"mode '{p.Mode}'");
        var ps = Conv.Expand(op, "pooled_size", p.PooledSize, 2, 1);
        var (n, c, h, w) = (x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]);
        var (ph, pw) = (ps[0], ps[1]);
        var d = ToDouble(x);
        var r = ToDouble(rois);
        var nr = rois.Shape[0];
        var outShape = new[] { nr, c, ph, pw };
        var y = new double[Product(outShape)];
        var off = p.Aligned ? 0.5 : 0;
        for (long i = 0; i < nr; i++)
        {
            var b = (long)r[i * 5];
            if (b < 0 || b >= n) throw Fail(KernelDiagnosticIds.IndexOutOfRange, op, $"roi {i} names batch {b}, data {Fmt(data.Shape)} has {n}");
            var x1 = r[i * 5 + 1] * p.SpatialScale - off;
            var y1 = r[i * 5 + 2] * p.SpatialScale - off;
            var rw = r[i * 5 + 3] * p.SpatialScale - off - x1;
            var rh = r[i * 5 + 4] * p.SpatialScale - off - y1;
            if (!p.Aligned) { rw = Math.Max(rw, 1); rh = Math.Max(rh, 1); }
            var (bh, bw) = (rh / ph, rw / pw);
            var gh = p.SampleRatio > 0 ? p.SampleRatio : (long)Math.Ceiling(rh / ph);
            var gw = p.SampleRatio > 0 ? p.SampleRatio : (long)Math.Ceiling(rw / pw);
            var count = Math.Max(gh * gw, 1);
            for (long ch = 0; ch < c; ch++)
            {
                var plane = (b * c + ch) * h * w;
                for (long oy = 0; oy < ph; oy++)
                for (long ox = 0; ox < pw; ox++)
                {
                    double acc = p.Mode == "max" ? double.NegativeInfinity : 0;
                    for (long iy = 0; iy < gh; iy++)
                    for (long ix = 0; ix < gw; ix++)
                    {
                        var sy = y1 + oy * bh + (iy + 0.5) * bh / gh;
                        var sx = x1 + ox * bw + (ix + 0.5) * bw / gw;
                        var v = Bilinear(d, plane, h, w, sy, sx);
                        acc = p.Mode == "max" ? Math.Max(acc, v) : acc + v;
                    }
                    y[((i * c + ch) * ph + oy) * pw + ox] = p.Mode == "max" ? (gh * gw == 0 ? 0 : acc) : acc / count;
                }
            }
        }
        return Layouts.FromCanonical(FromDouble(data.DType, outShape, y), "NCHW", p.Layout);
    }

    // torchvision's bilinear_interpolate: 0 beyond one pixel outside; coordinates clamped to the border otherwise.
    private static double Bilinear(double[] d, long plane, long h, long w, double y, double x)
    {
        if (y < -1 || y > h || x < -1 || x > w) return 0;
        y = Math.Max(y, 0);
        x = Math.Max(x, 0);
        var yl = (long)y;
        var xl = (long)x;
        long yh, xh;
        if (yl >= h - 1) { yh = yl = h - 1; y = yl; } else yh = yl + 1;
        if (xl >= w - 1) { xh = xl = w - 1; x = xl; } else xh = xl + 1;
        var (ly, lx) = (y - yl, x - xl);
        var (hy, hx) = (1 - ly, 1 - lx);
        return hy * hx * d[plane + yl * w + xl] + hy * lx * d[plane + yl * w + xh] + ly * hx * d[plane + yh * w + xl] + ly * lx * d[plane + yh * w + xh];
    }
}

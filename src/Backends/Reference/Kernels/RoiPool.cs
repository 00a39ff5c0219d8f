using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

public static partial class Vision
{
    /// <summary>
    /// roi_pool (TVM vision.roi_pool / ONNX MaxRoiPool, Caffe's ROIPooling): data (N, C, H, W), rois (R, 5) rows (batch index,
    /// x1, y1, x2, y2) → (R, C, PH, PW). Box corners are scaled and rounded half away from zero, the box is at least 1×1, bin
    /// (ph, pw) covers rows [floor(ph·bh), ceil((ph+1)·bh)) offset by the box start and clipped to the map; an empty bin is 0.
    /// </summary>
    public static Tensor RoiPool(Tensor data, Tensor rois, long[] pooledSize, double spatialScale)
    {
        const string op = "roi_pool";
        RequireRank(op, "data", data, 4);
        RequireRank(op, "rois", rois, 2);
        if (rois.Shape[1] != 5) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"rois {Fmt(rois.Shape)} must be (num_rois, 5)");
        var ps = Conv.Expand(op, "pooled_size", pooledSize, 2, 1);
        var (n, c, h, w) = (data.Shape[0], data.Shape[1], data.Shape[2], data.Shape[3]);
        var (ph, pw) = (ps[0], ps[1]);
        var d = ToDouble(data);
        var r = ToDouble(rois);
        var nr = rois.Shape[0];
        var y = new double[nr * c * ph * pw];
        for (long i = 0; i < nr; i++)
        {
            var b = (long)r[i * 5];
            if (b < 0 || b >= n) throw Fail(KernelDiagnosticIds.IndexOutOfRange, op, $"roi {i} names batch {b}, data {Fmt(data.Shape)} has {n}");
            long Rnd(double v) => (long)Math.Round(v * spatialScale, MidpointRounding.AwayFromZero);
            long x1 = Rnd(r[i * 5 + 1]), y1 = Rnd(r[i * 5 + 2]), x2 = Rnd(r[i * 5 + 3]), y2 = Rnd(r[i * 5 + 4]);
            var bh = (double)Math.Max(y2 - y1 + 1, 1) / ph;
            var bw = (double)Math.Max(x2 - x1 + 1, 1) / pw;
            for (long ch = 0; ch < c; ch++)
            {
                var plane = (b * c + ch) * h * w;
                for (long py = 0; py < ph; py++)
                for (long px = 0; px < pw; px++)
                {
                    var hs = Math.Clamp((long)Math.Floor(py * bh) + y1, 0, h);
                    var he = Math.Clamp((long)Math.Ceiling((py + 1) * bh) + y1, 0, h);
                    var ws = Math.Clamp((long)Math.Floor(px * bw) + x1, 0, w);
                    var we = Math.Clamp((long)Math.Ceiling((px + 1) * bw) + x1, 0, w);
                    var best = he <= hs || we <= ws ? 0 : double.NegativeInfinity;
                    for (var yy = hs; yy < he; yy++)
                        for (var xx = ws; xx < we; xx++) best = Math.Max(best, d[plane + yy * w + xx]);
                    y[((i * c + ch) * ph + py) * pw + px] = best;
                }
            }
        }
        return FromDouble(data.DType, [nr, c, ph, pw], y);
    }
}

using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>
/// grid_sample (TVM image.grid_sample / ONNX GridSample / torch.nn.functional.grid_sample), 2-D: data (N, C, H, W) sampled at
/// normalised grid points given as (N, 2, Ho, Wo) (TVM's layout; channel 0 is x, channel 1 is y) → (N, C, Ho, Wo).
/// Follows ONNX Runtime's CPU kernel step for step: denormalise ([−1, 1] to pixel centres, or to the corner pixels with
/// align_corners), nearest rounds half to even, out-of-range points are clamped (border) or reflected (reflection) before
/// interpolation, and every tap fetch applies the padding mode again (zeros: 0 outside). Bicubic uses A = −0.75.
/// </summary>
public static class GridSample
{
    public static Tensor Apply(Tensor data, Tensor grid, string method, string paddingMode, bool alignCorners)
    {
        const string op = "grid_sample";
        RequireRank(op, "data", data, 4);
        RequireRank(op, "grid", grid, 4);
        var (n, c, h, w) = (data.Shape[0], data.Shape[1], data.Shape[2], data.Shape[3]);
        if (grid.Shape[0] != n || grid.Shape[1] != 2)
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"grid {Fmt(grid.Shape)} must be ({n}, 2, out_h, out_w) for data {Fmt(data.Shape)}");
        var m = method switch
        {
            "nearest" => 0,
            "bilinear" or "linear" => 1,
            "bicubic" or "cubic" => 2,
            _ => throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"method '{method}'"),
        };
        var pad = paddingMode switch
        {
            "zeros" => 0,
            "border" => 1,
            "reflection" => 2,
            _ => throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"padding_mode '{paddingMode}'"),
        };
        var (ho, wo) = (grid.Shape[2], grid.Shape[3]);
        var src = ToDouble(data);
        var g = ToDouble(grid);
        var outShape = new[] { n, c, ho, wo };
        var y = new double[n * c * ho * wo];
        double xMin = alignCorners ? 0 : -0.5, xMax = alignCorners ? w - 1 : w - 0.5;
        double yMin = alignCorners ? 0 : -0.5, yMax = alignCorners ? h - 1 : h - 0.5;

        double Denorm(double v, long len) => alignCorners ? (v + 1) / 2 * (len - 1) : ((v + 1) * len - 1) / 2;

        double Pixel(long plane, long yy, long xx)
        {
            switch (pad)
            {
                case 0:
                    return xx >= 0 && xx < w && yy >= 0 && yy < h ? src[plane + yy * w + xx] : 0;
                case 1:
                    return src[plane + Math.Clamp(yy, 0, h - 1) * w + Math.Clamp(xx, 0, w - 1)];
                default:
                    var rx = (long)Reflect(xx, xMin, xMax);
                    var ry = (long)Reflect(yy, yMin, yMax);
                    return src[plane + Math.Clamp(ry, 0, h - 1) * w + Math.Clamp(rx, 0, w - 1)];
            }
        }

        for (long b = 0; b < n; b++)
        for (long oy = 0; oy < ho; oy++)
        for (long ox = 0; ox < wo; ox++)
        {
            var gx = g[((b * 2 + 0) * ho + oy) * wo + ox];
            var gy = g[((b * 2 + 1) * ho + oy) * wo + ox];
            var x = Denorm(gx, w);
            var yv = Denorm(gy, h);
            if (m == 0) { x = Math.Round(x, MidpointRounding.ToEven); yv = Math.Round(yv, MidpointRounding.ToEven); }
            if (x < xMin || x > xMax || yv < yMin || yv > yMax)
            {
                if (pad == 1) { x = Math.Clamp(x, 0, w - 1); yv = Math.Clamp(yv, 0, h - 1); }
                else if (pad == 2) { x = Reflect(x, xMin, xMax); yv = Reflect(yv, yMin, yMax); }
            }
            for (long ch = 0; ch < c; ch++)
            {
                var plane = (b * c + ch) * h * w;
                double v;
                if (m == 0) v = Pixel(plane, (long)yv, (long)x);
                else if (m == 1)
                {
                    long x1 = (long)Math.Floor(x), y1 = (long)Math.Floor(yv), x2 = x1 + 1, y2 = y1 + 1;
                    double dx2 = x2 - x, dx1 = x - x1, dy2 = y2 - yv, dy1 = yv - y1;
                    v = dy2 * (dx2 * Pixel(plane, y1, x1) + dx1 * Pixel(plane, y1, x2)) + dy1 * (dx2 * Pixel(plane, y2, x1) + dx1 * Pixel(plane, y2, x2));
                }
                else
                {
                    long x0 = (long)Math.Floor(x) - 1, y0 = (long)Math.Floor(yv) - 1;
                    var cx = CubicCoeffs(x - x0 - 1);
                    var cy = CubicCoeffs(yv - y0 - 1);
                    v = 0;
                    for (var i = 0; i < 4; i++)
                    {
                        double row = 0;
                        for (var j = 0; j < 4; j++) row += cx[j] * Pixel(plane, y0 + i, x0 + j);
                        v += cy[i] * row;
                    }
                }
                y[((b * c + ch) * ho + oy) * wo + ox] = v;
            }
        }
        return FromDouble(data.DType, outShape, y);
    }

    /// <summary>Reflects <paramref name="x"/> into [lo, hi] (repeatedly, as ONNX Runtime's GsReflect).</summary>
    private static double Reflect(double x, double lo, double hi)
    {
        var range = hi - lo;
        if (range <= 0) return lo;
        if (x < lo)
        {
            var d = lo - x;
            var k = (long)(d / range);
            var r = d - k * range;
            return k % 2 == 0 ? lo + r : hi - r;
        }
        if (x > hi)
        {
            var d = x - hi;
            var k = (long)(d / range);
            var r = d - k * range;
            return k % 2 == 0 ? hi - r : lo + r;
        }
        return x;
    }

    private static double[] CubicCoeffs(double t)
    {
        const double a = -0.75;
        var x = Math.Abs(t);
        return
        [
            ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a,
            ((a + 2) * x - (a + 3)) * x * x + 1,
            ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1,
            ((a * (2 - x) - 5 * a) * (2 - x) + 8 * a) * (2 - x) - 4 * a,
        ];
    }
}

using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>
/// Resize parameters (TVM image.resize1d/2d/3d). Method: nearest_neighbor | linear | cubic (aliases nearest, bilinear, trilinear,
/// bicubic). Coordinate modes: half_pixel, align_corners, asymmetric, pytorch_half_pixel, tf_half_pixel_for_nn, tf_crop_and_resize
/// (with <see cref="Roi"/> = starts then ends, normalised). Rounding for nearest: round (half to even, TVM's tir.round), floor, ceil
/// (both with TVM's 1e-5 epsilon), round_prefer_floor, round_prefer_ceil; "" means round under align_corners, floor otherwise (TVM).
/// </summary>
public sealed record ResizeParams(long[] Size, string Layout = "NCHW", string Method = "linear", string CoordinateTransformationMode = "half_pixel",
    string RoundingMethod = "round", double CubicAlpha = -0.5, bool CubicExclude = false, double ExtrapolationValue = 0, double[]? Roi = null);

/// <summary>Resize 1d/2d/3d. Separable taps per spatial dim, combined in double, rounded once to the dtype.</summary>
public static class Resize
{
    public static Tensor Apply(Tensor x, ResizeParams p)
    {
        const string op = "resize";
        var nd = p.Layout.Length - 2;
        if (nd is < 1 or > 3) throw Fail(KernelDiagnosticIds.BadParameter, op, $"layout '{p.Layout}' is not a 1d/2d/3d layout");
        if (x.Rank != nd + 2) throw Fail(KernelDiagnosticIds.RankMismatch, op, $"data {Fmt(x.Shape)} does not match layout {p.Layout}");
        var canon = "NC" + Layouts.Spatial(nd);
        var xc = Layouts.ToCanonical(op, x, p.Layout, canon);
        var size = Conv.Expand(op, "size", p.Size, nd, 1);
        if (size.Any(s => s < 0)) throw Fail(KernelDiagnosticIds.BadParameter, op, $"negative size [{string.Join(", ", p.Size)}]");
        var method = p.Method switch
        {
            "nearest_neighbor" or "nearest" => 0,
            "linear" or "bilinear" or "trilinear" => 1,
            "cubic" or "bicubic" => 2,
            _ => throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"method '{p.Method}'"),
        };
        if (p.CoordinateTransformationMode is not ("half_pixel" or "half_pixel_symmetric" or "align_corners" or "asymmetric" or "pytorch_half_pixel" or "tf_half_pixel_for_nn" or "tf_crop_and_resize"))
            throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"coordinate_transformation_mode '{p.CoordinateTransformationMode}'");
        if (p.RoundingMethod is not ("" or "round" or "floor" or "ceil" or "round_prefer_floor" or "round_prefer_ceil"))
            throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"rounding_method '{p.RoundingMethod}'");
        var inS = xc.Shape.Skip(2).ToArray();
        // taps[d][o] = (indices, weights) for output coordinate o of spatial dim d; index −1 marks the extrapolation value.
        var taps = new (long[] Idx, double[] W)[nd][];
        for (var d = 0; d < nd; d++)
        {
            taps[d] = new (long[], double[])[size[d]];
            var (roiS, roiE) = p.Roi is { Length: > 0 } roi && roi.Length == 2 * nd ? (roi[d], roi[nd + d]) : (0.0, 1.0);
            for (long o = 0; o < size[d]; o++)
                taps[d][o] = Taps(p, method, Coord(p.CoordinateTransformationMode, o, inS[d], size[d], roiS, roiE), inS[d]);
        }
        var (n, c) = (xc.Shape[0], xc.Shape[1]);
        var outShape = new long[] { n, c }.Concat(size).ToArray();
        var src = ToDouble(xc);
        var r = new double[Product(outShape)];
        var inSp = Product(inS);
        var outSp = Product(size);
        var oc = new long[nd];
        var tc = new long[nd];
        for (long oi = 0; oi < outSp; oi++)
        {
            Manipulate.Unravel(oi, size, oc);
            var counts = Enumerable.Range(0, nd).Select(d => (long)taps[d][oc[d]].Idx.Length).ToArray();
            var combos = Product(counts);
            for (long nc = 0; nc < n * c; nc++)
            {
                double acc = 0;
                var extrap = false;
                for (long t = 0; t < combos; t++)
                {
                    Manipulate.Unravel(t, counts, tc);
                    double w = 1;
                    long off = 0;
                    for (var d = 0; d < nd; d++)
                    {
                        var (idx, wt) = taps[d][oc[d]];
                        if (idx[tc[d]] < 0) { extrap = true; break; }
                        w *= wt[tc[d]];
                        off = off * inS[d] + idx[tc[d]];
                    }
                    if (extrap) break;
                    if (w != 0) acc += w * src[nc * inSp + off];
                }
                r[nc * outSp + oi] = extrap ? p.ExtrapolationValue : acc;
            }
        }
        return Layouts.FromCanonical(FromDouble(x.DType, outShape, r), canon, p.Layout);
    }

    private static double Coord(string mode, long o, long inSize, long outSize, double roiS, double roiE)
    {
        var scale = (double)inSize / outSize;
        return mode switch
        {
            "half_pixel" => (o + 0.5) * scale - 0.5,
            // ONNX-19: offset + (o + 0.5) / s − 0.5 with offset = in/2 · (1 − out_int / (s · in)). The kernel sees sizes only
            // (s = out / in), so the adjustment out_int / (s · in) is 1 and the mode equals half_pixel.
            "half_pixel_symmetric" => (o + 0.5) * scale - 0.5,
            "pytorch_half_pixel" => outSize > 1 ? (o + 0.5) * scale - 0.5 : 0,
            "align_corners" => outSize > 1 ? o * (double)(inSize - 1) / (outSize - 1) : 0,
            "asymmetric" => o * scale,
            "tf_half_pixel_for_nn" => (o + 0.5) * scale,
            _ => outSize > 1 ? roiS * (inSize - 1) + o * (roiE - roiS) * (inSize - 1) / (outSize - 1) : 0.5 * (roiS + roiE) * (inSize - 1),
        };
    }

    private static (long[] Idx, double[] W) Taps(ResizeParams p, int method, double x, long n)
    {
        if (p.CoordinateTransformationMode == "tf_crop_and_resize" && (x < 0 || x > n - 1)) return ([-1], [0]);
        long Clamp(long i) => Math.Clamp(i, 0, Math.Max(0, n - 1));
        switch (method)
        {
            case 0:
            {
                var i = p.RoundingMethod switch
                {
                    "floor" => (long)Math.Floor(x + 1e-5),
                    "ceil" => (long)Math.Ceiling(x - 1e-5),
                    "round_prefer_floor" => (long)Math.Ceiling(x - 0.5),
                    "round_prefer_ceil" => (long)Math.Floor(x + 0.5),
                    // TVM: an empty rounding_method means "round" under align_corners and "floor" otherwise.
                    "" when p.CoordinateTransformationMode != "align_corners" => (long)Math.Floor(x + 1e-5),
                    _ => (long)Math.Round(x, MidpointRounding.ToEven),
                };
                return ([Clamp(i)], [1]);
            }
            case 1:
            {
                var f = Math.Floor(x);
                var t = x - f;
                return ([Clamp((long)f), Clamp((long)f + 1)], [1 - t, t]);
            }
            default:
            {
                var f = Math.Floor(x);
                var t = x - f;
                var a = p.CubicAlpha;
                var idx = new long[4];
                var w = new double[4];
                double sum = 0;
                for (var k = 0; k < 4; k++)
                {
                    var raw = (long)f - 1 + k;
                    var d = Math.Abs(t - (k - 1));
                    var wk = d <= 1 ? ((a + 2) * d - (a + 3)) * d * d + 1 : d < 2 ? ((a * d - 5 * a) * d + 8 * a) * d - 4 * a : 0;
                    if (p.CubicExclude && (raw < 0 || raw >= n)) wk = 0;
                    idx[k] = Clamp(raw);
                    w[k] = wk;
                    sum += wk;
                }
                if (p.CubicExclude && sum != 0) for (var k = 0; k < 4; k++) w[k] /= sum;
                return (idx, w);
            }
        }
    }
}

using Relax = Bridge.Ir.Relax;
using RelayOps = Bridge.Ir.Ops.Relay;
using RelaxOps = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.RelayToRelax;

// Resizing (relay-formats §5.2.5 upsampling, image.resize2d).
public sealed partial class RelayToRelaxTranslator
{
    private static void RegisterImage(Dictionary<string, OpConverter> t)
    {
        t["image.resize2d"] = c =>
        {
            var a = c.A<RelayOps.Resize2DAttrs>();
            var outS = c.OutShape();
            var (h, w) = a.Layout switch
            {
                "NCHW" => (outS[2], outS[3]),
                "NHWC" => (outS[1], outS[2]),
                var l => throw c.Fail($"layout {l}"),
            };
            var method = a.Method switch { "nearest_neighbor" => "nearest_neighbor", "linear" or "bilinear" => "linear", "cubic" or "bicubic" => "cubic", var m => throw c.Fail($"method {m}") };
            return Resize(c, c.Arg(0), h, w, a.Layout, method, a.CoordinateTransformationMode, a.RoundingMethod, a.CubicAlpha, a.CubicExclude,
                a.ExtrapolationValue, OpCall.DT(a.OutDtype), a.Roi);
        };
        t["nn.upsampling"] = c =>
        {
            // topi.nn.upsampling: resize2d with "align_corners" or "asymmetric" coordinates; output dims round(dim·scale).
            var a = c.A<RelayOps.UpSamplingAttrs>();
            var s = c.InShape(0);
            var (hi, wi) = a.Layout switch { "NCHW" => (2, 3), "NHWC" => (1, 2), var l => throw c.Fail($"layout {l}") };
            SymExpr Scale(SymExpr d, double f)
            {
                if (d.AsConst is { } dc) return (long)Math.Round(dc * f, MidpointRounding.AwayFromZero);
                if (f == Math.Floor(f)) return d * (long)f;
                throw c.Fail($"fractional scale {f} of a symbolic dim");
            }
            var method = a.Method switch { "nearest_neighbor" => "nearest_neighbor", "bilinear" or "linear" => "linear", "bicubic" or "cubic" => "cubic", var m => throw c.Fail($"method {m}") };
            var ctm = a.AlignCorners ? "align_corners" : "asymmetric";
            return Resize(c, c.Arg(0), Scale(s[hi], a.ScaleH ?? 1), Scale(s[wi], a.ScaleW ?? 1), a.Layout, method, ctm, "", -0.5, 0, 0, null, null);
        };
        NoTranslation("no Relax op (Relax has only image.resize2d)", "image.resize1d", "image.resize3d", "image.grid_sample", "image.affine_grid", "image.crop_and_resize");
    }

    private static Relax.Expr Resize(OpCall c, Relax.Expr x, SymExpr h, SymExpr w, string layout, string method, string ctm, string rounding,
        double cubicAlpha, long cubicExclude, double extrapolation, Core.Tensors.DataType? outDtype, ValueArray<double>? roi)
    {
        // TOPI's rounding default "" means: nearest with align_corners rounds, otherwise floors; Relax needs it explicit.
        if (rounding.Length == 0) rounding = method == "nearest_neighbor" ? (ctm == "align_corners" ? "round" : "floor") : "round";
        return c.Op("image.resize2d", new RelaxOps.Resize2DAttrs
        {
            Roi = roi is { Length: 4 } r ? r : [0.0, 0.0, 0.0, 0.0],
            Layout = layout,
            Method = method,
            CoordinateTransformationMode = ctm,
            RoundingMethod = rounding,
            CubicAlpha = cubicAlpha,
            CubicExclude = cubicExclude,
            ExtrapolationValue = extrapolation,
            OutDtype = outDtype,
        }, x, OpCall.Shape([h, w]));
    }
}

using Bridge.Core.Collections;
using Bridge.Core.Shapes;
using Bridge.Core.Tensors;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relay;
using Bridge.Translators.Onnx;
using O = Bridge.Importers.Onnx.Ops;
using R = Bridge.Ir.Ops.Relay;

namespace Bridge.Translators.OnnxToRelay;

// Standard-domain (ai.onnx) ops added for Relay parity with the Relax emitter and TVM's from_onnx (issue 7).
// Where from_onnx used a dyn.* op, the static op is emitted when the shape/parameter is a constant known at import;
// otherwise the node is a BRG4301 naming the input that must be constant.
public sealed partial class OnnxToRelayEmitter
{
    private static void AddStdRules(Dictionary<string, Rule> t)
    {
        t["CastLike"] = (e, n) => e.Out(n, e.Op(n, "cast", new R.CastAttrs { Dtype = DT(e.DTypeOfValue(n, 1)) }, e.X(n, 0)));
        t["Softplus"] = (e, n) => e.Out(n, e.Softplus(n, e.X(n, 0)));
        t["Softsign"] = (e, n) =>
        {
            var x = e.X(n, 0);
            e.Out(n, e.Op(n, "divide", null, x, e.Op(n, "add", null, e.ScalarLike(n, 0, 1), e.Op(n, "abs", null, x))));
        };
        t["Mish"] = (e, n) =>
        {
            var x = e.X(n, 0);
            e.Out(n, e.Op(n, "multiply", null, x, e.Op(n, "tanh", null, e.Softplus(n, x))));
        };
        t["Elu"] = (e, n) => e.Out(n, e.Elu(n, e.X(n, 0), n.AttrsAs<EluAttrs>().Alpha));
        t["Selu"] = (e, n) =>
        {
            var a = n.AttrsAs<SeluAttrs>();
            e.Out(n, e.Op(n, "multiply", null, e.ScalarLike(n, 0, a.Gamma), e.Elu(n, e.X(n, 0), a.Alpha)));
        };
        t["Celu"] = (e, n) =>
        {
            // celu(x) = max(0, x) + min(0, alpha·(exp(x/alpha) − 1))
            var a = n.AttrsAs<CeluAttrs>().Alpha;
            var x = e.X(n, 0);
            var neg = e.Op(n, "multiply", null, e.ScalarLike(n, 0, a),
                e.Op(n, "subtract", null, e.Op(n, "exp", null, e.Op(n, "divide", null, x, e.ScalarLike(n, 0, a))), e.ScalarLike(n, 0, 1)));
            e.Out(n, e.Op(n, "add", null, e.Op(n, "maximum", null, x, e.ScalarLike(n, 0, 0)), e.Op(n, "minimum", null, neg, e.ScalarLike(n, 0, 0))));
        };
        t["ThresholdedRelu"] = (e, n) =>
        {
            var x = e.X(n, 0);
            var m = e.Op(n, "greater", null, x, e.ScalarLike(n, 0, n.AttrsAs<ThresholdedReluAttrs>().Alpha));
            e.Out(n, e.Op(n, "where", null, m, x, e.Op(n, "zeros_like", null, x)));
        };
        t["Gelu"] = (e, n) =>
        {
            var x = e.X(n, 0);
            Expr inner;
            if (n.AttrsAs<GeluAttrs>().Approximate == "tanh")
            {
                // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
                var x3 = e.Op(n, "multiply", null, e.Op(n, "multiply", null, x, x), x);
                var poly = e.Op(n, "add", null, x, e.Op(n, "multiply", null, x3, e.ScalarLike(n, 0, 0.044715)));
                inner = e.Op(n, "tanh", null, e.Op(n, "multiply", null, poly, e.ScalarLike(n, 0, Math.Sqrt(2 / Math.PI))));
            }
            else inner = e.Op(n, "erf", null, e.Op(n, "multiply", null, x, e.ScalarLike(n, 0, 1 / Math.Sqrt(2))));
            var half = e.Op(n, "multiply", null, x, e.ScalarLike(n, 0, 0.5));
            e.Out(n, e.Op(n, "multiply", null, half, e.Op(n, "add", null, e.ScalarLike(n, 0, 1), inner)));
        };
        t["IsInf"] = (e, n) =>
        {
            var a = n.AttrsAs<IsInfAttrs>();
            var x = e.X(n, 0);
            var inf = e.Op(n, "isinf", null, x);
            if (a.DetectNegative && a.DetectPositive) { e.Out(n, inf); return; }
            if (!a.DetectNegative && !a.DetectPositive) { e.Out(n, e.Op(n, "logical_and", null, inf, e.Op(n, "logical_not", null, inf))); return; }
            var sign = e.Op(n, a.DetectPositive ? "greater" : "less", null, x, e.ScalarLike(n, 0, 0));
            e.Out(n, e.Op(n, "logical_and", null, inf, sign));
        };
        t["PRelu"] = (e, n) =>
        {
            // slope broadcasts unidirectionally to x (ONNX); where() keeps x's shape.
            var x = e.X(n, 0);
            var neg = e.Op(n, "multiply", null, x, e.X(n, 1));
            e.Out(n, e.Op(n, "where", null, e.Op(n, "less", null, x, e.ScalarLike(n, 0, 0)), neg, x));
        };
        t["DepthToSpace"] = (e, n) =>
        {
            var a = n.AttrsAs<DepthToSpaceAttrs>();
            if (e.Rank(n, 0) != 4) throw e.Unsupported(n, "non-4-D input");
            e.Out(n, e.Op(n, "nn.depth_to_space", new R.SubPixelAttrs { BlockSize = a.Blocksize, Mode = a.Mode }, e.X(n, 0)));
        };
        t["SpaceToDepth"] = (e, n) =>
        {
            if (e.Rank(n, 0) != 4) throw e.Unsupported(n, "non-4-D input");
            e.Out(n, e.Op(n, "nn.space_to_depth", new R.SubPixelAttrs { BlockSize = n.AttrsAs<SpaceToDepthAttrs>().Blocksize }, e.X(n, 0)));
        };
        t["Einsum"] = (e, n) => e.Out(n, e.Op(n, "einsum", new R.EinsumAttrs { Equation = n.AttrsAs<O.EinsumAttrs>().Equation.Replace(" ", "", StringComparison.Ordinal) },
            e.Tup(Enumerable.Range(0, n.Inputs.Length).Select(i => e.X(n, i)))));
        t["GatherND"] = (e, n) =>
        {
            // Relay's gather_nd takes the index tuple dim first (M, Y...): move ONNX's last axis to the front.
            var ri = e.Rank(n, 1);
            var idx = e.Op(n, "transpose", new R.TransposeAttrs { Axes = VA([ri - 1, .. Enumerable.Range(0, ri - 1).Select(i => (long)i)]) }, e.X(n, 1));
            e.Out(n, e.Op(n, "gather_nd", new R.GatherNDAttrs { BatchDims = n.AttrsAs<GatherNdAttrs>().BatchDims }, e.X(n, 0), idx));
        };
        t["ScatterElements"] = (e, n) =>
        {
            var a = n.AttrsAs<ScatterAttrs>();
            e.Out(n, e.Op(n, "scatter_elements", new R.ScatterElementsAttrs { Axis = NormAxis(a.Axis, e.Rank(n, 0)), Reduction = a.Reduction == "none" ? "update" : a.Reduction },
                e.X(n, 0), e.X(n, 1), e.X(n, 2)));
        };
        t["ScatterND"] = (e, n) =>
        {
            var a = n.AttrsAs<ScatterNdAttrs>();
            var ri = e.Rank(n, 1);
            var idx = e.Op(n, "transpose", new R.TransposeAttrs { Axes = VA([ri - 1, .. Enumerable.Range(0, ri - 1).Select(i => (long)i)]) }, e.X(n, 1));
            e.Out(n, e.Op(n, "scatter_nd", new R.ScatterNDAttrs { Mode = a.Reduction == "none" ? "update" : a.Reduction }, e.X(n, 0), idx, e.X(n, 2)));
        };
        t["TopK"] = (e, n) =>
        {
            var a = n.AttrsAs<TopKAttrs>();
            var k = e.RequireConstInts(n, 1, "K")[0];
            var tk = e.Op(n, "topk", new R.TopkAttrs { K = k, Axis = NormAxis(a.Axis, e.Rank(n, 0)), RetType = "both", IsAscend = !a.Largest, Dtype = "int64" }, e.X(n, 0));
            e.Out(n, e.Item(tk, 0), 0);
            e.Out(n, e.Item(tk, 1), 1);
        };
        t["Trilu"] = (e, n) =>
        {
            long k = n.Input(1).IsPresent ? e.RequireConstInts(n, 1, "k")[0] : 0;
            e.Out(n, e.Op(n, "trilu", new R.TriluAttrs { Upper = n.AttrsAs<TriluAttrs>().Upper }, e.X(n, 0), e.Const(Tensor.Scalar(DataType.Int64, k))));
        };
        t["Range"] = (e, n) =>
        {
            // from_onnx folds constant start/limit/delta (fold_constant); a data-dependent range would need dyn shapes.
            var dt = e.DTypeOfValue(n, 0);
            var cs = Enumerable.Range(0, 3).Select(i => e.ConstOf(n.Input(i))).ToArray();
            if (cs.Any(c => c is null)) throw e.Unsupported(n, "start/limit/delta must be constants known at import (Relay needs a static length)");
            e.Out(n, e.Const(OnnxStd.RangeTensor(dt, cs[0]!, cs[1]!, cs[2]!)));
        };
        t["Resize"] = (e, n) => e.EmitResize(n);
    }

    /// <summary>softplus(x) = max(x, 0) + log(1 + exp(−|x|)) (the overflow-free form of log(1 + exp(x))).</summary>
    private Expr Softplus(CanonicalNode n, Expr x)
    {
        var t = Op(n, "log", null, Op(n, "add", null, ScalarLike(n, 0, 1), Op(n, "exp", null, Op(n, "negative", null, Op(n, "abs", null, x)))));
        return Op(n, "add", null, Op(n, "maximum", null, x, ScalarLike(n, 0, 0)), t);
    }

    /// <summary>elu(x) = x for x &gt; 0, alpha·(exp(x) − 1) otherwise.</summary>
    private Expr Elu(CanonicalNode n, Expr x, double alpha)
    {
        var neg = Op(n, "multiply", null, ScalarLike(n, 0, alpha), Op(n, "subtract", null, Op(n, "exp", null, x), ScalarLike(n, 0, 1)));
        return Op(n, "where", null, Op(n, "greater", null, x, ScalarLike(n, 0, 0)), x, neg);
    }

    /// <summary>
    /// Resize / Upsample → image.resize1d/2d/3d (NCW/NCHW/NCDHW) with a static output size from constant sizes or scales.
    /// N and C must not be resized. TVM computes source coordinates from in/out sizes (not from the given scale), as
    /// from_onnx does; the two agree whenever in·scale is an integer.
    /// </summary>
    private void EmitResize(CanonicalNode n)
    {
        var a = n.AttrsAs<ResizeAttrs>();
        var s = RequireShape(n, 0);
        var nd = s.Length - 2;
        if (nd is < 1 or > 3) throw Unsupported(n, $"Resize of a rank-{s.Length} input (1-D, 2-D and 3-D spatial resizes map)");
        var outDims = OnnxStd.ResizeOutput(n, a, s, ConstOf(n.Input(2)), Known(n.Input(3)), (node, what) => Unsupported(node, what));
        var size = new long[nd];
        for (var i = 0; i < nd; i++) size[i] = outDims[i + 2].AsConst ?? throw Unsupported(n, "a symbolic output size");
        var method = a.Mode switch { "nearest" => "nearest_neighbor", "linear" => "linear", _ => "cubic" };
        var rounding = a.Mode == "nearest" ? a.NearestMode ?? "round_prefer_floor" : "";
        var ctm = a.CoordinateTransformationMode ?? "half_pixel";
        if (ctm == "half_pixel_symmetric") throw Unsupported(n, "coordinate_transformation_mode 'half_pixel_symmetric'");
        ValueArray<double>? roi = null;
        if (ctm == "tf_crop_and_resize")
        {
            var rt = ConstOf(n.Input(1)) ?? throw Unsupported(n, "tf_crop_and_resize with a roi that is not a constant");
            if (rt.Length != 2 * s.Length) throw Unsupported(n, $"roi of {rt.Length} values for a rank-{s.Length} input");
            var r = s.Length;
            // ONNX roi lists [starts of every axis, ends of every axis]; TVM takes the spatial starts then ends.
            roi = new ValueArray<double>([.. Enumerable.Range(2, nd).Select(i => rt.GetDouble(i)), .. Enumerable.Range(2, nd).Select(i => rt.GetDouble(r + i))]);
        }
        var sz = VA(size);
        Ir.Ops.Attrs attrs = nd switch
        {
            1 => new R.Resize1DAttrs { Size = sz, Roi = roi, Layout = "NCW", Method = method, CoordinateTransformationMode = ctm, RoundingMethod = rounding, CubicAlpha = a.CubicCoeffA, CubicExclude = a.ExcludeOutside ? 1 : 0, ExtrapolationValue = a.ExtrapolationValue },
            2 => new R.Resize2DAttrs { Size = sz, Roi = roi, Layout = "NCHW", Method = method, CoordinateTransformationMode = ctm, RoundingMethod = rounding, CubicAlpha = a.CubicCoeffA, CubicExclude = a.ExcludeOutside ? 1 : 0, ExtrapolationValue = a.ExtrapolationValue },
            _ => new R.Resize3DAttrs { Size = sz, Roi = roi, Layout = "NCDHW", Method = method, CoordinateTransformationMode = ctm, RoundingMethod = rounding, CubicAlpha = a.CubicCoeffA, CubicExclude = a.ExcludeOutside ? 1 : 0, ExtrapolationValue = a.ExtrapolationValue },
        };
        Out(n, Op(n, $"image.resize{nd}d", attrs, X(n, 0)));
    }
}

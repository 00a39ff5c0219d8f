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
            if (e.ConstInts(n.Input(1)) is null) { e.EmitRuntimeTopK(n, NormAxis(a.Axis, e.Rank(n, 0)), a.Largest); return; }
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
            if (cs.Any(c => c is null)) { e.EmitRuntimeRange(n, dt); return; }
            e.Out(n, e.Const(OnnxStd.RangeTensor(dt, cs[0]!, cs[1]!, cs[2]!)));
        };
        t["Resize"] = (e, n) => e.EmitResize(n);
        AddStdRulesB(t);
        AddStdRulesC(t);
    }

    private static void AddStdRulesB(Dictionary<string, Rule> t)
    {
        t["Hardmax"] = (e, n) =>
        {
            var a = n.AttrsAs<O.SoftmaxAttrs>();
            var s = e.RequireShape(n, 0);
            var x = e.X(n, 0);
            var ax = (int)NormAxis(a.Axis!.Value, s.Length);
            if (a.Coerce2D)
            {
                var depth = Prod(s.Skip(ax)).AsConst ?? throw e.Unsupported(n, "a symbolic coerced axis size");
                var flat = e.Reshape(n, x, [Prod(s.Take(ax)), Prod(s.Skip(ax))]);
                e.Out(n, e.Reshape(n, e.HardmaxAt(n, flat, 1, depth), s));
                return;
            }
            e.Out(n, e.HardmaxAt(n, x, ax, s[ax].AsConst ?? throw e.Unsupported(n, "a symbolic axis size")));
        };
        t["OneHot"] = (e, n) =>
        {
            var values = e.ConstOf(n.Input(2)) ?? throw e.Unsupported(n, "values that are not constants");
            if (e.ConstOf(n.Input(1)) is not { } depth)
            {
                e.EmitRuntimeOneHot(n, NormAxis(n.AttrsAs<OneHotAttrs>().Axis, e.Rank(n, 0) + 1), values);
                return;
            }
            var d = (long)depth.GetDouble(0);
            var idx = e.X(n, 0);
            if (e.DTypeOfValue(n, 0) != DataType.Int64) idx = e.Op(n, "cast", new R.CastAttrs { Dtype = "int64" }, idx);
            // ONNX indices lie in [−depth, depth): negative ones count from the end.
            idx = e.Op(n, "where", null, e.Op(n, "less", null, idx, e.Const(Tensor.Scalar(DataType.Int64, 0))), e.Op(n, "add", null, idx, e.Const(Tensor.Scalar(DataType.Int64, d))), idx);
            var dt = values.DType;
            e.Out(n, e.Op(n, "one_hot", new R.OneHotAttrs { Depth = d, Axis = NormAxis(n.AttrsAs<OneHotAttrs>().Axis, e.Rank(n, 0) + 1), Dtype = DT(dt) },
                idx, e.Const(Tensor.Scalar(dt, values.GetDouble(1))), e.Const(Tensor.Scalar(dt, values.GetDouble(0)))));
        };
        t["LRN"] = (e, n) =>
        {
            var a = n.AttrsAs<LrnAttrs>();
            var s = e.RequireShape(n, 0);
            if (s.Length < 3) throw e.Unsupported(n, $"rank-{s.Length} input");
            var x = e.X(n, 0);
            // TVM's lrn window is [c − size/2, c + (size−1)/2]; ONNX's is [c − (size−1)/2, c + size/2]: equal for odd sizes only.
            if (a.Size % 2 == 1)
            {
                e.Out(n, e.Op(n, "nn.lrn", new R.LRNAttrs { Size = a.Size, Axis = 1, Bias = a.Bias, Alpha = a.Alpha, Beta = a.Beta }, x));
                return;
            }
            var sq = e.Reshape(n, e.Op(n, "multiply", null, x, x), [s[0], 1, s[1], Prod(s.Skip(2))]);
            long front = (a.Size - 1) / 2, back = a.Size - 1 - front;
            var avg = e.Op(n, "nn.avg_pool2d", new R.AvgPool2DAttrs { PoolSize = VA([a.Size, 1]), Padding = VA([front, 0, back, 0]), CountIncludePad = true }, sq);
            var den = e.Op(n, "add", null, e.ScalarLike(n, 0, a.Bias), e.Op(n, "multiply", null, e.Reshape(n, avg, s), e.ScalarLike(n, 0, a.Alpha)));
            e.Out(n, e.Op(n, "divide", null, x, e.Op(n, "power", null, den, e.ScalarLike(n, 0, a.Beta))));
        };
        t["LpPool"] = (e, n) =>
        {
            var a = n.AttrsAs<LpPoolAttrs>();
            var w = (WindowAttrs)n.Attrs;
            var r = w.ResolvedKernel.Count;
            if (r is < 1 or > 3) throw e.Unsupported(n, $"{r}-D pooling");
            if (a.CeilMode) throw e.Unsupported(n, "ceil_mode=1");
            var kernel = VA(w.ResolvedKernel.Select(k => k.AsConst ?? throw e.Unsupported(n, "symbolic kernel")));
            var pads = VA(e.Pads(n, w.ExplicitPads));
            Ir.Ops.Attrs attrs = r switch
            {
                1 => new R.AvgPool1DAttrs { PoolSize = kernel, Strides = w.ResolvedStrides, Dilation = w.ResolvedDilations, Padding = pads, CountIncludePad = true },
                2 => new R.AvgPool2DAttrs { PoolSize = kernel, Strides = w.ResolvedStrides, Dilation = w.ResolvedDilations, Padding = pads, CountIncludePad = true },
                _ => new R.AvgPool3DAttrs { PoolSize = kernel, Strides = w.ResolvedStrides, Dilation = w.ResolvedDilations, Padding = pads, CountIncludePad = true },
            };
            // Σ|x|^p over the window = avg pool (zero padding counted) × window volume.
            var avg = e.Op(n, $"nn.avg_pool{r}d", attrs, e.AbsPow(n, e.X(n, 0), a.P));
            var sum = e.Op(n, "multiply", null, avg, e.ScalarLike(n, 0, kernel.Aggregate(1L, (x, y) => x * y)));
            e.Out(n, e.Root(n, sum, a.P));
        };
        t["GroupNormalization"] = (e, n) =>
        {
            var a = n.AttrsAs<GroupNormalizationAttrs>();
            var s = e.RequireShape(n, 0);
            Expr sc = e.X(n, 1), bi = e.X(n, 2);
            if (n.Version < 21)
            {
                // Opset 18 gives scale/bias per group (a spec bug fixed in 21): repeat each group's value C/G times.
                if (s[1].AsConst is not { } c) throw e.Unsupported(n, "per-group scale/bias (opset 18) with a symbolic channel count");
                if (c % a.NumGroups != 0) throw e.Unsupported(n, $"{c} channels in {a.NumGroups} groups");
                var rep = new R.RepeatAttrs { Repeats = c / a.NumGroups, Axis = 0 };
                sc = e.Op(n, "repeat", rep, sc); bi = e.Op(n, "repeat", rep, bi);
            }
            e.Out(n, e.Op(n, "nn.group_norm", new R.GroupNormAttrs { NumGroups = a.NumGroups, Axis = 1, Epsilon = a.Epsilon }, e.X(n, 0), sc, bi));
        };
    }

    /// <summary>one_hot(argmax(x, axis)) in x's dtype: 1 at the first maximum along <paramref name="axis"/>.</summary>
    private Expr HardmaxAt(CanonicalNode n, Expr x, int axis, long depth)
    {
        var dt = DTypeOf(x) ?? DataType.Float32;
        var am = Op(n, "argmax", new R.ArgReduceAttrs { Axis = VA([axis]), Keepdims = false }, x);
        return Op(n, "one_hot", new R.OneHotAttrs { Depth = depth, Axis = axis, Dtype = DT(dt) }, am, Const(Tensor.Scalar(dt, 1)), Const(Tensor.Scalar(dt, 0)));
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
        var dynSize = nd == 2 && a.Axes is null && outDims.Skip(2).Any(d => d.AsConst is null) ? RuntimeResizeSize(n, s.Length) : null;
        for (var i = 0; i < nd && dynSize is null; i++) size[i] = outDims[i + 2].AsConst ?? throw Unsupported(n, "a symbolic output size");
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
        if (dynSize is not null)
        {
            Out(n, Op(n, "dyn.image.resize2d", new R.Resize2DAttrs { Roi = roi, Layout = "NCHW", Method = method, CoordinateTransformationMode = ctm, RoundingMethod = rounding,
                CubicAlpha = a.CubicCoeffA, CubicExclude = a.ExcludeOutside ? 1 : 0, ExtrapolationValue = a.ExtrapolationValue }, X(n, 0), dynSize, Const(Tensor.Zeros(DataType.Float32, 4))));
            return;
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

using Bridge.Core.Collections;
using Bridge.Core.Shapes;
using Bridge.Core.Tensors;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relax;
using Bridge.Translators.Onnx;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

// Standard-domain ops built from index arithmetic (MaxUnpool, ReverseSequence) and Scan (unrolled).
public sealed partial class OnnxToRelaxEmitter
{
    private static void AddStdRulesC(Dictionary<string, Rule> t)
    {
        t["MaxUnpool"] = (e, n) =>
        {
            var w = (WindowAttrs)n.Attrs;
            var s = e.RequireShape(n, 0);
            var outShape = OnnxStd.UnpoolShape(n, w, s, e.ConstInts(n.Input(2)), n.Input(2).IsPresent, (node, what) => e.Unsupported(node, what));
            var total = outShape.Aggregate(1L, (a, b) => a * b);
            var dt = e.DTypeOfValue(n, 0);
            // ONNX indices address the flattened output (batch and channel included): scatter into a zero vector.
            var zeros = e.Op(n, "full", new RA.InitAttrs { Dtype = dt }, RelaxEmitBuilder.Shape([total]), Scalar(dt, 0));
            var flatI = e.Reshape(n, e.X(n, 1), [Prod(s)]);
            var flatX = e.Reshape(n, e.X(n, 0), [Prod(s)]);
            var y = e.Op(n, "scatter_elements", new RA.ScatterElementsAttrs { Axis = 0, Reduction = "update" }, zeros, flatI, flatX);
            e.Out(n, e.Reshape(n, y, outShape.Select(d => (SymExpr)d)));
        };
        t["ReverseSequence"] = (e, n) =>
        {
            var a = n.AttrsAs<ReverseSequenceAttrs>();
            var s = e.RequireShape(n, 0);
            var (ta, ba) = (NormAxis(a.TimeAxis, s.Length), NormAxis(a.BatchAxis, s.Length));
            if (s[(int)ta].AsConst is not { } steps) throw e.Unsupported(n, "a symbolic time axis");
            // idx[t, b] = t < len[b] ? len[b] − 1 − t : t, laid out along (time, batch) and broadcast over the other axes.
            var tv = Tensor.Zeros(DataType.Int64, steps);
            for (long i = 0; i < steps; i++) tv.SetInt64(i, i);
            var tShape = Enumerable.Repeat((SymExpr)1, s.Length).ToArray();
            var bShape = Enumerable.Repeat((SymExpr)1, s.Length).ToArray();
            tShape[ta] = steps; bShape[ba] = s[(int)ba];
            var tt = e.Reshape(n, RelaxEmitBuilder.Const(tv), tShape);
            Expr len = e.X(n, 1);
            if (e.DTypeOfValue(n, 1) != DataType.Int64) len = e.Op(n, "astype", new RA.AstypeAttrs { Dtype = DataType.Int64 }, len);
            len = e.Reshape(n, len, bShape);
            var rev = e.Op(n, "subtract", null, e.Op(n, "subtract", null, len, Scalar(DataType.Int64, 1)), tt);
            var idx = e.Op(n, "where", null, e.Op(n, "less", null, tt, len), rev, tt);
            idx = e.Op(n, "broadcast_to", null, idx, RelaxEmitBuilder.Shape(s));
            e.Out(n, e.Op(n, "gather_elements", new RA.GatherElementsAttrs { Axis = ta }, e.X(n, 0), idx));
        };
        t["Scan"] = (e, n) => e.EmitScan(n);
        t["GridSample"] = (e, n) =>
        {
            var a = n.AttrsAs<GridSampleAttrs>();
            if (e.Rank(n, 0) != 4) throw e.Unsupported(n, $"a rank-{e.Rank(n, 0)} input (2-D sampling of NCHW data maps)");
            // R.image.grid_sample takes the grid as (N, 2, H, W) like TVM's topi; ONNX gives (N, H, W, 2).
            var grid = e.Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([0, 3, 1, 2]) }, e.X(n, 1));
            var method = a.Mode switch { "linear" => "bilinear", "cubic" => "bicubic", var m => m };
            e.Out(n, e.Op(n, "image.grid_sample", new RA.GridSampleAttrs { Method = method, PaddingMode = a.PaddingMode, AlignCorners = a.AlignCorners }, e.X(n, 0), grid));
        };
        t["RoiAlign"] = (e, n) =>
        {
            var a = n.AttrsAs<RoiAlignAttrs>();
            if (e.Rank(n, 0) != 4) throw e.Unsupported(n, "non-4-D input");
            var dt = e.DTypeOfValue(n, 1);
            var bi = e.Op(n, "astype", new RA.AstypeAttrs { Dtype = dt }, e.Op(n, "expand_dims", new RA.ExpandDimsAttrs { Axis = VA([1]) }, e.X(n, 2)));
            var r5 = e.Op(n, "concat", new RA.ConcatAttrs { Axis = 1 }, RelaxEmitBuilder.Tuple([bi, e.X(n, 1)]));
            e.Out(n, e.Op(n, "vision.roi_align", new RA.ROIAlignAttrs
            {
                PooledSize = VA([a.OutputHeight, a.OutputWidth]), SpatialScale = a.SpatialScale, SampleRatio = a.SamplingRatio, Mode = a.Mode,
                Aligned = a.CoordinateTransformationMode == "half_pixel",
            }, e.X(n, 0), r5));
        };
        t["NonMaxSuppression"] = (e, n) => e.EmitNms(n);
        t["Affine"] = (e, n) =>
        {
            var a = n.AttrsAs<AffineAttrs>();
            e.Out(n, e.Op(n, "add", null, e.Op(n, "multiply", null, e.X(n, 0), e.ScalarLike(n, 0, a.Alpha)), e.ScalarLike(n, 0, a.Beta)));
        };
        t["Scale"] = (e, n) => e.Out(n, e.Op(n, "multiply", null, e.X(n, 0), e.ScalarLike(n, 0, n.AttrsAs<ScaleAttrs>().Scale)));
        t["ScaledTanh"] = (e, n) =>
        {
            var a = n.AttrsAs<AffineAttrs>();
            e.Out(n, e.Op(n, "multiply", null, e.ScalarLike(n, 0, a.Alpha), e.Op(n, "tanh", null, e.Op(n, "multiply", null, e.X(n, 0), e.ScalarLike(n, 0, a.Beta)))));
        };
        t["ParametricSoftplus"] = (e, n) =>
        {
            // alpha·ln(1 + exp(beta·x)); alpha and beta default to 1 as in TVM's from_onnx.
            var a = n.AttrsAs<ParametricSoftplusAttrs>();
            var bx = e.Op(n, "multiply", null, e.X(n, 0), e.ScalarLike(n, 0, a.Beta ?? 1f));
            var sp = e.Op(n, "log", null, e.Op(n, "add", null, e.Op(n, "exp", null, bx), e.ScalarLike(n, 0, 1)));
            e.Out(n, e.Op(n, "multiply", null, sp, e.ScalarLike(n, 0, a.Alpha ?? 1f)));
        };
        t["ImageScaler"] = (e, n) =>
        {
            var a = n.AttrsAs<ImageScalerAttrs>();
            var s = e.RequireShape(n, 0);
            if (s.Length != 4) throw e.Unsupported(n, "non-4-D input");
            var y = e.Op(n, "multiply", null, e.X(n, 0), e.ScalarLike(n, 0, a.Scale));
            if (a.Bias is { Count: > 0 } b)
            {
                var bt = Tensor.Zeros(e.DTypeOfValue(n, 0), b.Count, 1, 1);
                for (var i = 0; i < b.Count; i++) bt.SetDouble(i, b[i]);
                y = e.Op(n, "add", null, y, RelaxEmitBuilder.Const(bt));
            }
            e.Out(n, y);
        };
        t["LinearRegressor"] = (e, n) =>
        {
            var a = n.AttrsAs<Importers.Onnx.Ops.LinearRegressorAttrs>();
            if (a.PostTransform != "NONE") throw e.Unsupported(n, $"post_transform '{a.PostTransform}'");
            var s = e.RequireShape(n, 0);
            if (s.Length is not (1 or 2) || s[^1].AsConst is not { } features) throw e.Unsupported(n, "an input that is not [N, F] / [F] with static F");
            var coef = a.Coefficients ?? throw e.Unsupported(n, "missing coefficients");
            if (coef.Count != a.Targets * features) throw e.Unsupported(n, $"{coef.Count} coefficients for {a.Targets} targets × {features} features");
            // Y = X · Wᵀ + b with W (targets, F) stored as its transpose (F, targets) so a plain matmul applies.
            var w = Tensor.Zeros(DataType.Float32, features, a.Targets);
            for (var t2 = 0; t2 < a.Targets; t2++)
                for (var f = 0; f < features; f++) w.SetDouble(f * a.Targets + t2, coef[(int)(t2 * features + f)]);
            Expr x = e.X(n, 0);
            if (e.DTypeOfValue(n, 0) != DataType.Float32) x = e.Op(n, "astype", new RA.AstypeAttrs { Dtype = DataType.Float32 }, x);
            if (s.Length == 1) x = e.Reshape(n, x, [1, features]);
            Expr y = e.Op(n, "matmul", null, x, RelaxEmitBuilder.Const(w));
            if (a.Intercepts is { Count: > 0 } ic)
            {
                var bt = Tensor.Zeros(DataType.Float32, ic.Count);
                for (var i = 0; i < ic.Count; i++) bt.SetDouble(i, ic[i]);
                y = e.Op(n, "add", null, y, RelaxEmitBuilder.Const(bt));
            }
            e.Out(n, y);
        };
        t["NegativeLogLikelihoodLoss"] = (e, n) =>
            e.Out(n, e.Nll(n, e.X(n, 0), e.X(n, 1), n.Input(2).IsPresent ? e.X(n, 2) : null, n.AttrsAs<LossAttrs>()));
        t["SoftmaxCrossEntropyLoss"] = (e, n) =>
        {
            var logp = e.Op(n, "nn.log_softmax", new RA.SoftmaxAttrs { Axis = 1 }, e.X(n, 0));
            e.Out(n, e.Nll(n, logp, e.X(n, 1), n.Input(2).IsPresent ? e.X(n, 2) : null, n.AttrsAs<LossAttrs>()), 0);
            e.Out(n, logp, 1);
        };
        t["MaxRoiPool"] = (e, n) =>
        {
            var a = n.AttrsAs<MaxRoiPoolAttrs>();
            if (e.Rank(n, 0) != 4 || a.PooledShape.Count != 2) throw e.Unsupported(n, "non-4-D input or a pooled_shape of other than two values");
            e.Out(n, e.Op(n, "vision.roi_pool", new RA.ROIPoolAttrs { PooledSize = a.PooledShape, SpatialScale = a.SpatialScale }, e.X(n, 0), e.X(n, 1)));
        };
        t["Unique"] = (e, n) =>
        {
            var a = n.AttrsAs<UniqueAttrs>();
            if (a.Axis is not null) throw e.Unsupported(n, "an axis (only the flattened form maps)");
            var u = e.Op(n, "unique", new RA.UniqueAttrs { Sorted = a.Sorted }, e.X(n, 0));
            for (var i = 0; i < n.Outputs.Length; i++) e.Out(n, e._b.Emit(RelaxEmitBuilder.Item(u, i), "lv", n.Loc), i);
        };
        t["AffineGrid"] = (e, n) =>
        {
            var size = e.Known(n.Input(1)) ?? throw e.Unsupported(n, "a size input that is not known at import");
            var nd = size.Length - 2;
            if (nd is not (2 or 3)) throw e.Unsupported(n, $"a size of {size.Length} values (2-D and 3-D grids)");
            var spatial = size.Values.Skip(2).Select(v => v.AsConst ?? throw e.Unsupported(n, "symbolic spatial sizes")).ToArray();
            var dt = e.DTypeOfValue(n, 0);
            // grid[n] = base · θ[n]ᵀ: matmul([P, nd+1], permute(θ) [N, nd+1, nd]) → [N, P, nd].
            var thetaT = e.Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([0, 2, 1]) }, e.X(n, 0));
            var g = e.Op(n, "matmul", null, RelaxEmitBuilder.Const(OnnxStd.AffineBase(spatial, n.AttrsAs<AffineGridAttrs>().AlignCorners, dt)), thetaT);
            e.Out(n, e.Reshape(n, g, [size.Values[0], .. spatial.Select(v => (SymExpr)v), nd]));
        };
    }

    /// <summary>
    /// ONNX Scan (9+) unrolled over its static sequence length: the body is emitted once per step with the state values and
    /// the step's slices bound to its inputs; scan outputs are stacked along their axes (reversed for direction 1).
    /// </summary>
    private void EmitScan(CanonicalNode n)
    {
        var a = n.AttrsAs<ScanAttrs>();
        var body = a.Body!;
        var m = (int)a.NumScanInputs;
        var nState = n.Inputs.Length - m;
        var k = body.Outputs.Length - nState;
        if (body.Inputs.Length != nState + m || k < 0) throw Unsupported(n, "a body whose inputs/outputs do not match the state and scan values");
        long Attr(ValueArray<long>? v, int i) => v is { } x && i < x.Count ? x[i] : 0;
        var state = Enumerable.Range(0, nState).Select(i => X(n, i)).ToList();
        long? steps = null;
        var scanIn = new List<(Expr X, long Axis, bool Rev)>();
        for (var j = 0; j < m; j++)
        {
            var s = RequireShape(n, nState + j);
            var ax = NormAxis(Attr(a.ScanInputAxes, j), s.Length);
            var len = s[(int)ax].AsConst ?? throw Unsupported(n, $"scan input {j} has a symbolic sequence length (Scan is unrolled)");
            if (steps is { } st && st != len) throw Unsupported(n, "scan inputs of different lengths");
            steps = len;
            scanIn.Add((X(n, nState + j), ax, Attr(a.ScanInputDirections, j) == 1));
        }
        var collected = Enumerable.Range(0, k).Select(_ => new List<Expr>()).ToList();
        for (long step = 0; step < steps; step++)
        {
            PushScope();
            try
            {
                for (var i = 0; i < nState; i++) Set(body.Inputs[i].Name, state[i]);
                for (var j = 0; j < m; j++)
                {
                    var (x, ax, rev) = scanIn[j];
                    var at = rev ? steps!.Value - 1 - step : step;
                    Set(body.Inputs[nState + j].Name, Op(n, "take", new RA.TakeAttrs { Axis = ax }, x, Scalar(DataType.Int64, at)));
                }
                foreach (var (name, tv) in body.Initializers) SetConst(name, tv);
                EmitNodes(Canonicalize(body));
                var outs = body.Outputs.Select(o => X(o.Name, n)).ToList();
                state = outs.Take(nState).ToList();
                for (var i = 0; i < k; i++) collected[i].Add(outs[nState + i]);
            }
            finally { PopScope(); }
        }
        for (var i = 0; i < nState; i++) Out(n, state[i], i);
        for (var i = 0; i < k; i++)
        {
            var items = collected[i];
            if (items.Count == 0) throw Unsupported(n, "a scan output of zero steps");
            if (Attr(a.ScanOutputDirections, i) == 1) items.Reverse();
            var r = (ShapeOf(items[0]) ?? throw Unsupported(n, "a scan output of unknown rank")).Length;
            var ax = NormAxis(Attr(a.ScanOutputAxes, i), r + 1);
            Out(n, Op(n, "stack", new RA.StackAttrs { Axis = ax }, RelaxEmitBuilder.Tuple(items)), nState + i);
        }
    }

    /// <summary>
    /// NonMaxSuppression → R.vision.all_class_non_max_suppression (output_format "onnx", as TVM's Relax frontend) and a
    /// dynamic_strided_slice to the detection count. center_point_box=1 boxes are converted to corners first.
    /// </summary>
    private void EmitNms(CanonicalNode n)
    {
        var boxes = X(n, 0);
        if (n.AttrsAs<NonMaxSuppressionAttrs>().CenterPointBox == 1)
        {
            var dt = DTypeOfValue(n, 0);
            Expr Col(long i) => Op(n, "take", new RA.TakeAttrs { Axis = 2 }, boxes, RelaxEmitBuilder.Const(Tensor.FromArray<long>(DataType.Int64, [i], 1)));
            var half = Scalar(dt, 0.5);
            Expr xc = Col(0), yc = Col(1), hw = Op(n, "multiply", null, Col(2), half), hh = Op(n, "multiply", null, Col(3), half);
            boxes = Op(n, "concat", new RA.ConcatAttrs { Axis = 2 }, RelaxEmitBuilder.Tuple([
                Op(n, "subtract", null, yc, hh), Op(n, "subtract", null, xc, hw), Op(n, "add", null, yc, hh), Op(n, "add", null, xc, hw)]));
        }
        var f32 = DataType.Float32;
        Expr Opt(int i, Tensor dflt) => n.Input(i).IsPresent ? X(n, i) : RelaxEmitBuilder.Const(dflt);
        var maxOut = Opt(2, Tensor.Scalar(DataType.Int64, 0));
        var iou = Opt(3, Tensor.Scalar(f32, 0));
        var score = Opt(4, Tensor.Scalar(f32, float.NegativeInfinity));
        var nms = Op(n, "vision.all_class_non_max_suppression", new RA.AllClassNonMaximumSuppressionAttrs { OutputFormat = "onnx" }, boxes, X(n, 1), maxOut, iou, score);
        var sel = _b.Emit(RelaxEmitBuilder.Item(nms, 0), "lv", n.Loc);
        var count = _b.Emit(RelaxEmitBuilder.Item(nms, 1), "lv", n.Loc);
        var end = Op(n, "concat", new RA.ConcatAttrs { Axis = 0 }, RelaxEmitBuilder.Tuple([count, RelaxEmitBuilder.Const(Tensor.FromArray<long>(DataType.Int64, [3], 1))]));
        Out(n, Op(n, "dynamic_strided_slice", null, sel, RelaxEmitBuilder.Const(Tensor.FromArray<long>(DataType.Int64, [0, 0], 2)), end,
            RelaxEmitBuilder.Const(Tensor.FromArray<long>(DataType.Int64, [1, 1], 2))));
    }

    /// <summary>
    /// NegativeLogLikelihoodLoss on log-probabilities <paramref name="logp"/> (N, C, d…): −logp[n, t, d…]·w[t] with ignored
    /// targets weighing 0; "mean" divides by the summed weights (ONNX), "sum" sums, "none" keeps (N, d…).
    /// </summary>
    private Expr Nll(CanonicalNode n, Expr logp, Expr target, Expr? weight, LossAttrs a)
    {
        var dt = DTypeOf(logp) ?? DataType.Float32;
        var tdt = DTypeOf(target) ?? DataType.Int64;
        Expr? ignored = a.IgnoreIndex is { } ig ? Op(n, "equal", null, target, Scalar(tdt, ig)) : null;
        // Ignored targets are replaced by 0 so the gather stays in range; their weight is 0.
        var safe = ignored is null ? target : Op(n, "where", null, ignored, Op(n, "zeros_like", null, target), target);
        var picked = Op(n, "squeeze", new RA.SqueezeAttrs { Axis = VA([1]) },
            Op(n, "gather_elements", new RA.GatherElementsAttrs { Axis = 1 }, logp, Op(n, "expand_dims", new RA.ExpandDimsAttrs { Axis = VA([1]) }, safe)));
        Expr w = weight is null ? Op(n, "ones_like", null, picked) : Op(n, "take", new RA.TakeAttrs { Axis = 0 }, weight, safe);
        if (ignored is not null) w = Op(n, "where", null, ignored, Op(n, "zeros_like", null, w), w);
        var loss = Op(n, "negative", null, Op(n, "multiply", null, picked, w));
        return a.Reduction switch
        {
            "none" => loss,
            "sum" => Op(n, "sum", new RA.StatisticalAttrs(), loss),
            _ => Op(n, "divide", null, Op(n, "sum", new RA.StatisticalAttrs(), loss), Op(n, "sum", new RA.StatisticalAttrs(), w)),
        };
    }
}

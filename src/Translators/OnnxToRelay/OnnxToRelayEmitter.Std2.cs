using Bridge.Core.Collections;
using Bridge.Core.Shapes;
using Bridge.Core.Tensors;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relay;
using Bridge.Translators.Onnx;
using R = Bridge.Ir.Ops.Relay;

namespace Bridge.Translators.OnnxToRelay;

// Standard-domain ops built from index arithmetic (MaxUnpool, ReverseSequence) and Scan (unrolled).
public sealed partial class OnnxToRelayEmitter
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
            var zeros = e.Op(n, "zeros", new R.InitOpAttrs { Shape = VA([total]), Dtype = DT(dt) });
            var flatI = e.Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([-1]) }, e.X(n, 1));
            var flatX = e.Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([-1]) }, e.X(n, 0));
            var y = e.Op(n, "scatter_elements", new R.ScatterElementsAttrs { Axis = 0 }, zeros, flatI, flatX);
            e.Out(n, e.Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA(outShape) }, y));
        };
        t["ReverseSequence"] = (e, n) =>
        {
            var a = n.AttrsAs<ReverseSequenceAttrs>();
            var s = e.RequireShape(n, 0);
            var (ta, ba) = (NormAxis(a.TimeAxis, s.Length), NormAxis(a.BatchAxis, s.Length));
            if (s[(int)ta].AsConst is not { } steps) throw e.Unsupported(n, "a symbolic time axis");
            var full = s.Select(d => d.AsConst ?? throw e.Unsupported(n, "a symbolic input shape (Relay broadcast_to needs a static shape)")).ToArray();
            // idx[t, b] = t < len[b] ? len[b] − 1 − t : t, laid out along (time, batch) and broadcast over the other axes.
            var tv = Tensor.Zeros(DataType.Int64, steps);
            for (long i = 0; i < steps; i++) tv.SetInt64(i, i);
            var tShape = new long[s.Length]; var bShape = new long[s.Length];
            Array.Fill(tShape, 1); Array.Fill(bShape, 1);
            tShape[ta] = steps; bShape[ba] = full[ba];
            var tt = e.Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA(tShape) }, e.Const(tv));
            Expr len = e.X(n, 1);
            if (e.DTypeOfValue(n, 1) != DataType.Int64) len = e.Op(n, "cast", new R.CastAttrs { Dtype = "int64" }, len);
            len = e.Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA(bShape) }, len);
            var rev = e.Op(n, "subtract", null, e.Op(n, "subtract", null, len, e.Const(Tensor.Scalar(DataType.Int64, 1))), tt);
            var idx = e.Op(n, "where", null, e.Op(n, "less", null, tt, len), rev, tt);
            idx = e.Op(n, "broadcast_to", new R.InitOpAttrs { Shape = VA(full) }, idx);
            e.Out(n, e.Op(n, "gather", new R.GatherAttrs { Axis = ta }, e.X(n, 0), idx));
        };
        t["Scan"] = (e, n) => e.EmitScan(n);
        t["GridSample"] = (e, n) =>
        {
            var a = n.AttrsAs<GridSampleAttrs>();
            if (e.Rank(n, 0) != 4) throw e.Unsupported(n, $"a rank-{e.Rank(n, 0)} input (2-D sampling of NCHW data maps)");
            // TVM's grid_sample takes the grid as (N, 2, H, W); ONNX gives (N, H, W, 2).
            var grid = e.Op(n, "transpose", new R.TransposeAttrs { Axes = VA([0, 3, 1, 2]) }, e.X(n, 1));
            var method = a.Mode switch { "linear" => "bilinear", "cubic" => "bicubic", var m => m };
            e.Out(n, e.Op(n, "image.grid_sample", new R.GridSampleAttrs { Method = method, PaddingMode = a.PaddingMode, AlignCorners = a.AlignCorners }, e.X(n, 0), grid));
        };
        t["RoiAlign"] = (e, n) =>
        {
            var a = n.AttrsAs<RoiAlignAttrs>();
            if (e.Rank(n, 0) != 4) throw e.Unsupported(n, "non-4-D input");
            var dt = e.DTypeOfValue(n, 1);
            Expr rois = e.X(n, 1);
            // Relay's roi_align has no `aligned` flag: ONNX half_pixel shifts the boxes by half a pixel of the feature map
            // (exact whenever a scaled box is at least one pixel wide and high, where the non-aligned 1×1 floor is inactive).
            if (a.CoordinateTransformationMode == "half_pixel") rois = e.Op(n, "subtract", null, rois, e.Const(Tensor.Scalar(dt, 0.5 / a.SpatialScale)));
            var bi = e.Op(n, "cast", new R.CastAttrs { Dtype = DT(dt) }, e.Op(n, "expand_dims", new R.ExpandDimsAttrs { Axis = 1, NumNewaxis = 1 }, e.X(n, 2)));
            var r5 = e.Op(n, "concatenate", new R.ConcatenateAttrs { Axis = 1 }, e.Tup([bi, rois]));
            e.Out(n, e.Op(n, "vision.roi_align", new R.ROIAlignAttrs
            {
                PooledSize = VA([a.OutputHeight, a.OutputWidth]), SpatialScale = a.SpatialScale, SampleRatio = a.SamplingRatio, Mode = a.Mode,
            }, e.X(n, 0), r5));
        };
        t["NonZero"] = (e, n) =>
        {
            // argwhere gives (count, rank) int32; ONNX wants (rank, count) int64.
            var w = e.Op(n, "argwhere", null, e.X(n, 0));
            e.Out(n, e.Op(n, "cast", new R.CastAttrs { Dtype = "int64" }, e.Op(n, "transpose", new R.TransposeAttrs { Axes = VA([1, 0]) }, w)));
        };
        t["Compress"] = (e, n) =>
        {
            var a = n.AttrsAs<CompressAttrs>();
            Expr x = e.X(n, 0);
            long axis = 0;
            if (a.Axis is { } ax) axis = NormAxis(ax, e.Rank(n, 0));
            else x = e.Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([-1]) }, x);
            if (e.Rank(n, 1) != 1) throw e.Unsupported(n, "a condition that is not 1-D");
            var pos = e.Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([-1]) }, e.Op(n, "argwhere", null, e.X(n, 1)));
            e.Out(n, e.Op(n, "take", new R.TakeAttrs { Axis = axis, Mode = "clip" }, x, pos));
        };
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
                y = e.Op(n, "add", null, y, e.Const(bt));
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
            // Y = X · Wᵀ + b: nn.dense takes W as (units, in) = (targets, F), the coefficient order.
            var w = Tensor.Zeros(DataType.Float32, a.Targets, features);
            for (var i = 0; i < coef.Count; i++) w.SetDouble(i, coef[i]);
            Expr x = e.X(n, 0);
            if (e.DTypeOfValue(n, 0) != DataType.Float32) x = e.Op(n, "cast", new R.CastAttrs { Dtype = "float32" }, x);
            if (s.Length == 1) x = e.Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([1, features]) }, x);
            Expr y = e.Op(n, "nn.dense", new R.DenseAttrs(), x, e.Const(w));
            if (a.Intercepts is { Count: > 0 } ic)
            {
                var bt = Tensor.Zeros(DataType.Float32, ic.Count);
                for (var i = 0; i < ic.Count; i++) bt.SetDouble(i, ic[i]);
                y = e.Op(n, "add", null, y, e.Const(bt));
            }
            e.Out(n, y);
        };
        t["NegativeLogLikelihoodLoss"] = (e, n) =>
            e.Out(n, e.Nll(n, e.X(n, 0), e.X(n, 1), n.Input(2).IsPresent ? e.X(n, 2) : null, n.AttrsAs<LossAttrs>()));
        t["SoftmaxCrossEntropyLoss"] = (e, n) =>
        {
            var logp = e.Op(n, "nn.log_softmax", new R.SoftmaxAttrs { Axis = 1 }, e.X(n, 0));
            e.Out(n, e.Nll(n, logp, e.X(n, 1), n.Input(2).IsPresent ? e.X(n, 2) : null, n.AttrsAs<LossAttrs>()), 0);
            e.Out(n, logp, 1);
        };
        t["MaxRoiPool"] = (e, n) =>
        {
            var a = n.AttrsAs<MaxRoiPoolAttrs>();
            if (e.Rank(n, 0) != 4 || a.PooledShape.Count != 2) throw e.Unsupported(n, "non-4-D input or a pooled_shape of other than two values");
            e.Out(n, e.Op(n, "vision.roi_pool", new R.ROIPoolAttrs { PooledSize = a.PooledShape, SpatialScale = a.SpatialScale }, e.X(n, 0), e.X(n, 1)));
        };
        t["AffineGrid"] = (e, n) =>
        {
            var size = e.RequireConstInts(n, 1, "size");
            var nd = size.Length - 2;
            if (nd is not (2 or 3)) throw e.Unsupported(n, $"a size of {size.Length} values (2-D and 3-D grids)");
            var dt = e.DTypeOfValue(n, 0);
            var spatial = size.Skip(2).ToArray();
            var points = spatial.Aggregate(1L, (x, y) => x * y);
            // grid[n] = base · θ[n]ᵀ: batch_matmul(base broadcast to [N, P, nd+1], θ [N, nd, nd+1], transpose_b).
            var baseT = e.Op(n, "broadcast_to", new R.InitOpAttrs { Shape = VA([size[0], points, nd + 1]) }, e.Const(OnnxStd.AffineBase(spatial, n.AttrsAs<AffineGridAttrs>().AlignCorners, dt)));
            var g = e.Op(n, "nn.batch_matmul", new R.BatchMatmulAttrs { TransposeB = true }, baseT, e.X(n, 0));
            e.Out(n, e.Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([size[0], .. spatial, nd]) }, g));
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
                    Set(body.Inputs[nState + j].Name, Op(n, "take", new R.TakeAttrs { Axis = ax, Mode = "clip" }, x, Const(Tensor.Scalar(DataType.Int64, at))));
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
            Out(n, Op(n, "stack", new R.StackAttrs { Axis = ax }, Tup(items)), nState + i);
        }
    }

    /// <summary>
    /// NegativeLogLikelihoodLoss on log-probabilities <paramref name="logp"/> (N, C, d…): −logp[n, t, d…]·w[t] with ignored
    /// targets weighing 0; "mean" divides by the summed weights (ONNX), "sum" sums, "none" keeps (N, d…).
    /// </summary>
    private Expr Nll(CanonicalNode n, Expr logp, Expr target, Expr? weight, LossAttrs a)
    {
        var dt = DTypeOf(logp) ?? DataType.Float32;
        var tdt = DTypeOf(target) ?? DataType.Int64;
        Expr? ignored = a.IgnoreIndex is { } ig ? Op(n, "equal", null, target, Const(Tensor.Scalar(tdt, ig))) : null;
        // Ignored targets are replaced by 0 so the gather stays in range; their weight is 0.
        var safe = ignored is null ? target : Op(n, "where", null, ignored, Op(n, "zeros_like", null, target), target);
        var picked = Op(n, "squeeze", new R.SqueezeAttrs { Axis = VA([1]) },
            Op(n, "gather", new R.GatherAttrs { Axis = 1 }, logp, Op(n, "expand_dims", new R.ExpandDimsAttrs { Axis = 1, NumNewaxis = 1 }, safe)));
        Expr w = weight is null ? Op(n, "ones_like", null, picked) : Op(n, "take", new R.TakeAttrs { Axis = 0, Mode = "clip" }, weight, safe);
        if (ignored is not null) w = Op(n, "where", null, ignored, Op(n, "zeros_like", null, w), w);
        var loss = Op(n, "negative", null, Op(n, "multiply", null, picked, w));
        return a.Reduction switch
        {
            "none" => loss,
            "sum" => Op(n, "sum", new R.ReduceAttrs(), loss),
            _ => Op(n, "divide", null, Op(n, "sum", new R.ReduceAttrs(), loss), Op(n, "sum", new R.ReduceAttrs(), w)),
        };
    }
}

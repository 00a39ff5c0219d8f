using System.Collections.Frozen;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relay;
using Bridge.Translators.Onnx;
using O = Bridge.Importers.Onnx.Ops;
using R = Bridge.Ir.Ops.Relay;

namespace Bridge.Translators.OnnxToRelay;

public sealed partial class OnnxToRelayEmitter
{
    private static readonly FrozenDictionary<string, Rule> s_table = BuildTable();

    private static FrozenDictionary<string, Rule> BuildTable()
    {
        var t = new Dictionary<string, Rule>(StringComparer.Ordinal);
        t["LeakyRelu"] = (e, n) => e.Out(n, e.Op(n, "nn.leaky_relu", new R.LeakyReluAttrs { Alpha = n.AttrsAs<LeakyReluAttrs>().Alpha }, e.X(n, 0)));
        t["Clip"] = (e, n) =>
        {
            Expr y = e.X(n, 0);
            if (n.Input(1).IsPresent) y = e.Op(n, "maximum", null, y, e.X(n, 1));
            if (n.Input(2).IsPresent) y = e.Op(n, "minimum", null, y, e.X(n, 2));
            e.Out(n, y);
        };
        foreach (var (on, rn) in new[] { ("Max", "maximum"), ("Min", "minimum"), ("Sum", "add"), ("Mean", "add") })
            t[on] = (e, n) =>
            {
                var y = e.X(n, 0);
                for (var i = 1; i < n.Inputs.Length; i++) y = e.Op(n, rn, null, y, e.X(n, i));
                if (on == "Mean") y = e.Op(n, "divide", null, y, e.ScalarLike(n, 0, n.Inputs.Length));
                e.Out(n, y);
            };
        t["Softmax"] = (e, n) => e.Softmax(n, "nn.softmax");
        t["LogSoftmax"] = (e, n) => e.Softmax(n, "nn.log_softmax");
        t["Conv"] = (e, n) => e.Conv(n, false);
        t["ConvTranspose"] = (e, n) => e.Conv(n, true);
        t["MaxPool"] = (e, n) => e.Pool(n, "max");
        t["AveragePool"] = (e, n) => e.Pool(n, "avg");
        t["GlobalAveragePool"] = (e, n) => e.GlobalPool(n, "avg", "mean");
        t["GlobalMaxPool"] = (e, n) => e.GlobalPool(n, "max", "max");
        t["BatchNormalization"] = (e, n) =>
        {
            var a = n.AttrsAs<BatchNormalizationAttrs>();
            if (a.TrainingMode || n.Outputs.Skip(1).Any(o => o.Length > 0)) throw e.Unsupported(n, "training mode (running statistics outputs)");
            if (!a.Spatial) throw e.Unsupported(n, "spatial=0");
            var bn = e.Op(n, "nn.batch_norm", new R.BatchNormAttrs { Axis = 1, Epsilon = a.Epsilon }, e.X(n, 0), e.X(n, 1), e.X(n, 2), e.X(n, 3), e.X(n, 4));
            e.Out(n, e.Item(bn, 0));
        };
        t["LayerNormalization"] = (e, n) =>
        {
            var a = n.AttrsAs<LayerNormalizationAttrs>();
            var r = e.Rank(n, 0);
            if (NormAxis(a.Axis, r) != r - 1) throw e.Unsupported(n, "normalisation over more than the last axis");
            if (n.Outputs.Skip(1).Any(o => o.Length > 0)) throw e.Unsupported(n, "Mean / InvStdDev outputs");
            var bias = n.Input(2).IsPresent ? e.X(n, 2) : e.Op(n, "zeros_like", null, e.X(n, 1));
            e.Out(n, e.Op(n, "nn.layer_norm", new R.LayerNormAttrs { Axis = -1, Epsilon = a.Epsilon }, e.X(n, 0), e.X(n, 1), bias));
        };
        t["InstanceNormalization"] = (e, n) => e.Out(n, e.Op(n, "nn.instance_norm", new R.InstanceNormAttrs { Axis = 1, Epsilon = n.AttrsAs<EpsilonAttrs>().Epsilon }, e.X(n, 0), e.X(n, 1), e.X(n, 2)));
        t["Flatten"] = (e, n) =>
        {
            var s = e.RequireShape(n, 0);
            var ax = (int)NormAxis(n.AttrsAs<FlattenAttrs>().Axis, s.Length);
            e.Out(n, e.Reshape(n, e.X(n, 0), [Prod(s.Take(ax)), Prod(s.Skip(ax))]));
        };
        t["Gemm"] = (e, n) =>
        {
            var a = n.AttrsAs<GemmAttrs>();
            Expr A = e.X(n, 0), B = e.X(n, 1);
            if (a.TransA) A = e.Op(n, "transpose", new R.TransposeAttrs { Axes = VA([1, 0]) }, A);
            // nn.dense takes the weight as [units, in]: ONNX B (in, units) is transposed unless transB already is.
            if (!a.TransB) B = e.Op(n, "transpose", new R.TransposeAttrs { Axes = VA([1, 0]) }, B);
            var y = e.Op(n, "nn.dense", new R.DenseAttrs(), A, B);
            if (a.Alpha != 1) y = e.Op(n, "multiply", null, y, e.ScalarLike(n, 0, a.Alpha));
            if (n.Input(2).IsPresent && a.Beta != 0)
            {
                var c = e.X(n, 2);
                if (a.Beta != 1) c = e.Op(n, "multiply", null, c, e.ScalarLike(n, 0, a.Beta));
                y = e.Op(n, "add", null, y, c);
            }
            e.Out(n, y);
        };
        t["MatMul"] = (e, n) => e.Out(n, e.MatMul(n, e.X(n, 0), e.X(n, 1)));
        t["Reshape"] = (e, n) => e.EmitReshape(n);
        t["Shape"] = (e, n) => e.Out(n, e.Op(n, "shape_of", new R.ShapeOfAttrs { Dtype = "int64" }, e.X(n, 0)));
        t["Size"] = (e, n) => e.Out(n, e.Op(n, "ndarray_size", new R.NdarraySizeAttrs { Dtype = "int64" }, e.X(n, 0)));
        t["Concat"] = (e, n) => e.Out(n, e.Op(n, "concatenate", new R.ConcatenateAttrs { Axis = n.AttrsAs<ConcatAttrs>().Axis },
            e.Tup(Enumerable.Range(0, n.Inputs.Length).Select(i => e.X(n, i)))));
        t["Transpose"] = (e, n) =>
        {
            var p = n.AttrsAs<TransposeAttrs>().Perm;
            var axes = p is { } pv ? pv : VA(Enumerable.Range(0, e.Rank(n, 0)).Reverse().Select(i => (long)i));
            e.Out(n, e.Op(n, "transpose", new R.TransposeAttrs { Axes = axes }, e.X(n, 0)));
        };
        t["Unsqueeze"] = (e, n) =>
        {
            if (e.ConstInts(n.Input(1)) is not { } axes)
            {
                // Run-time axes (one of them, as dyn.expand_dims takes) → dyn.expand_dims on the normalised axis.
                if (e.RequireShape(n, 1) is not [{ AsConst: 1 }]) throw e.Unsupported(n, "run-time axes of a length other than 1 (dyn.expand_dims inserts one axis)");
                e.Out(n, e.Op(n, "dyn.expand_dims", new R.DynExpandDimsAttrs { NumNewaxis = 1 }, e.X(n, 0), e.SliceAxes(n, 1, 1, e.Rank(n, 0) + 1)));
                return;
            }
            var outRank = e.Rank(n, 0) + axes.Length;
            var y = e.X(n, 0);
            foreach (var a in axes.Select(a => NormAxis(a, outRank)).Order()) y = e.Op(n, "expand_dims", new R.ExpandDimsAttrs { Axis = a, NumNewaxis = 1 }, y);
            e.Out(n, y);
        };
        t["Squeeze"] = (e, n) =>
        {
            ValueArray<long>? axes = null;
            if (n.Input(1).IsPresent && e.ConstInts(n.Input(1)) is null)
            {
                e.Out(n, e.Op(n, "dyn.squeeze", new R.SqueezeAttrs(), e.X(n, 0), e.SliceAxes(n, 1, 1, e.Rank(n, 0))));
                return;
            }
            if (n.Input(1).IsPresent) axes = VA(e.RequireConstInts(n, 1, "axes").Select(a => NormAxis(a, e.Rank(n, 0))));
            e.Out(n, e.Op(n, "squeeze", new R.SqueezeAttrs { Axis = axes }, e.X(n, 0)));
        };
        t["Gather"] = (e, n) =>
        {
            var r = e.Rank(n, 0);
            // take with mode "wrap"/"fast" differs on negative indices; ONNX wraps once: mode "wrap" is exact for [-d, d).
            e.Out(n, e.Op(n, "take", new R.TakeAttrs { Axis = NormAxis(n.AttrsAs<AxisAttrs>().Axis, r), Mode = "wrap" }, e.X(n, 0), e.X(n, 1)));
        };
        t["GatherElements"] = (e, n) => e.Out(n, e.Op(n, "gather", new R.GatherAttrs { Axis = NormAxis(n.AttrsAs<AxisAttrs>().Axis, e.Rank(n, 0)) }, e.X(n, 0), e.X(n, 1)));
        t["Slice"] = (e, n) => e.EmitSlice(n);
        t["Split"] = (e, n) =>
        {
            var a = n.AttrsAs<SplitAttrs>();
            var ax = NormAxis(a.Axis, e.Rank(n, 0));
            object sections;
            if (n.Input(1).IsPresent && e.ConstInts(n.Input(1)) is null)
            {
                e.EmitRuntimeSplit(n, ax, e.Rank(n, 0));
                return;
            }
            if (n.Input(1).IsPresent)
            {
                var sizes = e.RequireConstInts(n, 1, "split");
                var cuts = new List<object?>();
                long acc = 0;
                foreach (var z in sizes.SkipLast(1)) { acc += z; cuts.Add(acc); }
                sections = new ValueArray<object?>([.. cuts]);
            }
            else if (e.RequireShape(n, 0)[(int)ax].AsConst is { } dim && dim % n.Outputs.Length != 0)
            {
                // Split-18 num_outputs on an indivisible dim: parts of ceil(dim / n), the last one smaller (Relay's sections
                // form needs divisibility), as explicit cut points.
                var piece = (dim + n.Outputs.Length - 1) / n.Outputs.Length;
                sections = new ValueArray<object?>([.. Enumerable.Range(1, n.Outputs.Length - 1).Select(i => (object?)Math.Min(i * piece, dim))]);
            }
            else sections = (long)n.Outputs.Length;
            var tup = e.Op(n, "split", new R.SplitAttrs { IndicesOrSections = sections, Axis = ax }, e.X(n, 0));
            for (var i = 0; i < n.Outputs.Length; i++) e.Out(n, e.Item(tup, i), i);
        };
        t["Cast"] = (e, n) => e.Out(n, e.Op(n, "cast", new R.CastAttrs { Dtype = DT(n.AttrsAs<CastAttrs>().ToType!.Value) }, e.X(n, 0)));
        t["Expand"] = (e, n) => e.EmitExpand(n);
        t["ConstantOfShape"] = (e, n) =>
        {
            var v = n.AttrsAs<ConstantOfShapeAttrs>().Value!;
            // A shape known only at run time (e.g. [layers, batch, hidden] from Shape) → dyn.full, as from_onnx emits.
            if (e.ConstInts(n.Input(0)) is { } k) e.Out(n, e.Op(n, "full", new R.InitOpAttrs { Shape = VA(k), Dtype = DT(v.DType) }, e.Const(v.Reshape())));
            else e.Out(n, e.Op(n, "dyn.full", new R.InitOpAttrs { Dtype = DT(v.DType) }, e.Const(v.Reshape()), e.X(n, 0)));
        };
        t["Tile"] = (e, n) => e.Out(n, e.ConstInts(n.Input(1)) is { } reps
            ? e.Op(n, "tile", new R.TileAttrs { Reps = VA(reps) }, e.X(n, 0))
            : e.Op(n, "dyn.tile", new R.TileAttrs(), e.X(n, 0), e.X(n, 1)));
        foreach (var (on, rn) in new[] { ("ArgMax", "argmax"), ("ArgMin", "argmin") })
            t[on] = (e, n) =>
            {
                var a = n.AttrsAs<ArgReduceAttrs>();
                var y = e.Op(n, rn, new R.ArgReduceAttrs { Axis = VA([NormAxis(a.Axis, e.Rank(n, 0))]), Keepdims = a.Keepdims, SelectLastIndex = a.SelectLastIndex }, e.X(n, 0));
                e.Out(n, e.Op(n, "cast", new R.CastAttrs { Dtype = "int64" }, y));
            };
        t["CumSum"] = (e, n) =>
        {
            var a = n.AttrsAs<CumSumAttrs>();
            var ax = NormAxis(e.RequireConstInts(n, 1, "axis")[0], e.Rank(n, 0));
            // reverse=1: reverse → cumsum → reverse along the axis (from_onnx does the same).
            Expr Rev(Expr x) => a.Reverse ? e.Op(n, "reverse", new R.ReverseAttrs { Axis = ax }, x) : x;
            e.Out(n, Rev(e.Op(n, "cumsum", new R.ScanopAttrs { Axis = ax, Exclusive = a.Exclusive }, Rev(e.X(n, 0)))));
        };
        t["If"] = (e, n) => e.EmitIf(n);
        t["Loop"] = (e, n) => e.EmitLoop(n);
        AddQuantRules(t);
        AddContribRules(t);
        AddStdRules(t);
        AddLegacyRules(t);
        return t.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

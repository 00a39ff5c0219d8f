using System.Collections.Frozen;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Ops;
using Bridge.Ir.Relax;
using Bridge.Translators.Onnx;
using O = Bridge.Importers.Onnx.Ops;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

public sealed partial class OnnxToRelaxEmitter
{
    private static readonly FrozenDictionary<string, Rule> s_table = BuildTable();

    private static FrozenDictionary<string, Rule> BuildTable()
    {
        var t = new Dictionary<string, Rule>(StringComparer.Ordinal);
        // Integer Div truncates in ONNX; Relax divide on ints is C division (truncation) as well.
        t["Softplus"] = (e, n) => e.Out(n, e.Op(n, "nn.softplus", null, e.X(n, 0)));
        t["Mish"] = (e, n) =>
        {
            var x = e.X(n, 0);
            e.Out(n, e.Op(n, "multiply", null, x, e.Op(n, "tanh", null, e.Op(n, "nn.softplus", null, x))));
        };
        t["LeakyRelu"] = (e, n) => e.Out(n, e.Op(n, "nn.leakyrelu", new RA.LeakyReluAttrs { Alpha = n.AttrsAs<LeakyReluAttrs>().Alpha }, e.X(n, 0)));
        t["Elu"] = (e, n) => e.Out(n, e.Elu(n, e.X(n, 0), n.AttrsAs<EluAttrs>().Alpha, 1));
        t["Celu"] = (e, n) =>
        {
            var a = n.AttrsAs<CeluAttrs>().Alpha;
            var x = e.X(n, 0);
            var neg = e.Op(n, "multiply", null, e.ScalarLike(n, 0, a),
                e.Op(n, "subtract", null, e.Op(n, "exp", null, e.Op(n, "divide", null, x, e.ScalarLike(n, 0, a))), e.ScalarLike(n, 0, 1)));
            e.Out(n, e.Op(n, "add", null, e.Op(n, "maximum", null, x, e.ScalarLike(n, 0, 0)), e.Op(n, "minimum", null, neg, e.ScalarLike(n, 0, 0))));
        };
        t["Selu"] = (e, n) =>
        {
            var a = n.AttrsAs<SeluAttrs>();
            e.Out(n, e.Op(n, "multiply", null, e.ScalarLike(n, 0, a.Gamma), e.Elu(n, e.X(n, 0), a.Alpha, 1)));
        };
        t["ThresholdedRelu"] = (e, n) =>
        {
            var x = e.X(n, 0);
            var m = e.Op(n, "greater", null, x, e.ScalarLike(n, 0, n.AttrsAs<ThresholdedReluAttrs>().Alpha));
            e.Out(n, e.Op(n, "where", null, m, x, e.Op(n, "zeros_like", null, x)));
        };
        t["PRelu"] = (e, n) =>
        {
            var x = e.X(n, 0);
            var neg = e.Op(n, "multiply", null, x, e.X(n, 1));
            e.Out(n, e.Op(n, "where", null, e.Op(n, "less", null, x, e.ScalarLike(n, 0, 0)), neg, x));
        };
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
                Expr y = e.X(n, 0);
                for (var i = 1; i < n.Inputs.Length; i++) y = e.Op(n, rn, null, y, e.X(n, i));
                if (on == "Mean") y = e.Op(n, "divide", null, y, e.ScalarLike(n, 0, n.Inputs.Length));
                e.Out(n, y);
            };
        t["IsInf"] = (e, n) =>
        {
            var a = n.AttrsAs<IsInfAttrs>();
            var x = e.X(n, 0);
            var inf = e.Op(n, "isinf", null, x);
            if (a.DetectNegative && a.DetectPositive) { e.Out(n, inf); return; }
            var sign = e.Op(n, a.DetectPositive ? "greater" : "less", null, x, e.ScalarLike(n, 0, 0));
            e.Out(n, a.DetectNegative || a.DetectPositive ? e.Op(n, "logical_and", null, inf, sign) : e.Op(n, "logical_and", null, inf, e.Op(n, "logical_not", null, inf)));
        };

        t["Conv"] = (e, n) => e.Conv(n, transpose: false);
        t["ConvTranspose"] = (e, n) => e.Conv(n, transpose: true);
        t["MaxPool"] = (e, n) => e.Pool(n, "max");
        t["AveragePool"] = (e, n) => e.Pool(n, "avg");
        t["GlobalAveragePool"] = (e, n) => e.Out(n, e.Op(n, "mean", new RA.StatisticalAttrs { Axis = VA(Enumerable.Range(2, e.Rank(n, 0) - 2).Select(i => (long)i)), Keepdims = true }, e.X(n, 0)));
        t["GlobalMaxPool"] = (e, n) => e.Out(n, e.Op(n, "max", new RA.StatisticalAttrs { Axis = VA(Enumerable.Range(2, e.Rank(n, 0) - 2).Select(i => (long)i)), Keepdims = true }, e.X(n, 0)));
        t["BatchNormalization"] = (e, n) =>
        {
            var a = n.AttrsAs<BatchNormalizationAttrs>();
            if (a.TrainingMode || n.Outputs.Skip(1).Any(o => o.Length > 0)) throw e.Unsupported(n, "training mode (running statistics outputs)");
            if (!a.Spatial) throw e.Unsupported(n, "spatial=0 (per-activation statistics)");
            var bn = e.Op(n, "nn.batch_norm", new RA.BatchNormAttrs { Axis = 1, Epsilon = a.Epsilon, Training = false },
                e.X(n, 0), e.X(n, 1), e.X(n, 2), e.X(n, 3), e.X(n, 4));
            e.Out(n, e._b.Emit(RelaxEmitBuilder.Item(bn, 0), "lv", n.Loc));
        };
        t["InstanceNormalization"] = (e, n) =>
        {
            var r = e.Rank(n, 0);
            e.Out(n, e.Op(n, "nn.instance_norm", new RA.InstanceNormAttrs { ChannelAxis = 1, Axes = VA(Enumerable.Range(2, r - 2).Select(i => (long)i)), Epsilon = n.AttrsAs<EpsilonAttrs>().Epsilon },
                e.X(n, 0), e.X(n, 1), e.X(n, 2)));
        };
        t["LayerNormalization"] = (e, n) =>
        {
            var a = n.AttrsAs<LayerNormalizationAttrs>();
            if (n.Outputs.Skip(1).Any(o => o.Length > 0)) throw e.Unsupported(n, "Mean / InvStdDev outputs");
            var r = e.Rank(n, 0);
            var ax = NormAxis(a.Axis, r);
            var x = e.X(n, 0);
            var bias = n.Input(2).IsPresent ? e.X(n, 2) : e.Op(n, "zeros_like", null, e.X(n, 1));
            e.Out(n, e.Op(n, "nn.layer_norm", new RA.LayerNormAttrs { Axes = VA(Enumerable.Range((int)ax, r - (int)ax).Select(i => (long)i)), Epsilon = a.Epsilon }, x, e.X(n, 1), bias));
        };
        t["Flatten"] = (e, n) =>
        {
            var s = e.RequireShape(n, 0);
            var ax = (int)NormAxis(n.AttrsAs<FlattenAttrs>().Axis, s.Length);
            e.Out(n, e.Reshape(n, e.X(n, 0), [Prod(s.Take(ax)), Prod(s.Skip(ax))]));
        };
        t["MatMul"] = (e, n) => e.Out(n, e.Op(n, "matmul", null, e.X(n, 0), e.X(n, 1)));
        t["Gemm"] = (e, n) =>
        {
            var a = n.AttrsAs<GemmAttrs>();
            Expr A = e.X(n, 0), B = e.X(n, 1);
            if (a.TransA) A = e.Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([1, 0]) }, A);
            if (a.TransB) B = e.Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([1, 0]) }, B);
            Expr y = e.Op(n, "matmul", null, A, B);
            if (a.Alpha != 1) y = e.Op(n, "multiply", null, y, e.ScalarLike(n, 0, a.Alpha));
            if (n.Input(2).IsPresent && a.Beta != 0)
            {
                Expr c = e.X(n, 2);
                if (a.Beta != 1) c = e.Op(n, "multiply", null, c, e.ScalarLike(n, 0, a.Beta));
                y = e.Op(n, "add", null, y, c);
            }
            e.Out(n, y);
        };
        foreach (var (on, rn) in new[] { ("Softmax", "nn.softmax"), ("LogSoftmax", "nn.log_softmax") })
            t[on] = (e, n) =>
            {
                var a = n.AttrsAs<O.SoftmaxAttrs>();
                var x = e.X(n, 0);
                if (!a.Coerce2D) { e.Out(n, e.Op(n, rn, new RA.SoftmaxAttrs { Axis = a.Axis!.Value }, x)); return; }
                var s = e.RequireShape(n, 0);
                var ax = (int)NormAxis(a.Axis!.Value, s.Length);
                var flat = e.Reshape(n, x, [Prod(s.Take(ax)), Prod(s.Skip(ax))]);
                e.Out(n, e.Reshape(n, e.Op(n, rn, new RA.SoftmaxAttrs { Axis = -1 }, flat), s));
            };

        t["Reshape"] = (e, n) => e.EmitReshape(n);
        t["Shape"] = (e, n) =>
        {
            // Folding failed: the rank is unknown. R.shape_of gives a shape value of unknown ndim.
            e.Out(n, e.Op(n, "shape_to_tensor", null, e.Op(n, "shape_of", null, e.X(n, 0))));
        };
        t["Concat"] = (e, n) =>
        {
            var xs = Enumerable.Range(0, n.Inputs.Length).Select(i => e.X(n, i)).ToList();
            e.Out(n, e.Op(n, "concat", new RA.ConcatAttrs { Axis = n.AttrsAs<ConcatAttrs>().Axis }, RelaxEmitBuilder.Tuple(xs)));
        };
        t["Transpose"] = (e, n) =>
        {
            var p = n.AttrsAs<TransposeAttrs>().Perm;
            var axes = p is { } pv ? pv : VA(Enumerable.Range(0, e.Rank(n, 0)).Reverse().Select(i => (long)i));
            e.Out(n, e.Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = axes }, e.X(n, 0)));
        };
        t["Unsqueeze"] = (e, n) =>
        {
            if (e.ConstInts(n.Input(1)) is null) { e.EmitRuntimeUnsqueeze(n); return; }
            var axes = e.RequireConstInts(n, 1, "axes");
            var outRank = e.Rank(n, 0) + axes.Length;
            e.Out(n, e.Op(n, "expand_dims", new RA.ExpandDimsAttrs { Axis = VA(axes.Select(a => NormAxis(a, outRank)).Order()) }, e.X(n, 0)));
        };
        t["Squeeze"] = (e, n) =>
        {
            ValueArray<long>? axes = null;
            if (n.Input(1).IsPresent && e.ConstInts(n.Input(1)) is null) { e.EmitRuntimeSqueeze(n); return; }
            if (n.Input(1).IsPresent) axes = VA(e.RequireConstInts(n, 1, "axes").Select(a => NormAxis(a, e.Rank(n, 0))));
            e.Out(n, e.Op(n, "squeeze", new RA.SqueezeAttrs { Axis = axes }, e.X(n, 0)));
        };
        t["Gather"] = (e, n) =>
        {
            var s = e.RequireShape(n, 0);
            var ax = (int)NormAxis(n.AttrsAs<AxisAttrs>().Axis, s.Length);
            e.Out(n, e.Op(n, "take", new RA.TakeAttrs { Axis = ax }, e.X(n, 0), e.NormIndices(n, 1, s[ax])));
        };
        t["GatherElements"] = (e, n) =>
        {
            var s = e.RequireShape(n, 0);
            var ax = (int)NormAxis(n.AttrsAs<AxisAttrs>().Axis, s.Length);
            e.Out(n, e.Op(n, "gather_elements", new RA.GatherElementsAttrs { Axis = ax }, e.X(n, 0), e.NormIndices(n, 1, s[ax])));
        };
        t["GatherND"] = (e, n) => e.Out(n, e.Op(n, "gather_nd", new RA.GatherNdAttrs { BatchDims = n.AttrsAs<GatherNdAttrs>().BatchDims }, e.X(n, 0), e.X(n, 1)));
        t["ScatterElements"] = (e, n) =>
        {
            var a = n.AttrsAs<ScatterAttrs>();
            var s = e.RequireShape(n, 0);
            e.Out(n, e.Op(n, "scatter_elements", new RA.ScatterElementsAttrs { Axis = NormAxis(a.Axis, s.Length), Reduction = a.Reduction == "none" ? "update" : a.Reduction },
                e.X(n, 0), e.X(n, 1), e.X(n, 2)));
        };
        t["ScatterND"] = (e, n) =>
        {
            var a = n.AttrsAs<ScatterNdAttrs>();
            e.Out(n, e.Op(n, "scatter_nd", new RA.ScatterNdAttrs { Reduction = a.Reduction == "none" ? "update" : a.Reduction }, e.X(n, 0), e.X(n, 1), e.X(n, 2)));
        };
        t["Slice"] = (e, n) => e.EmitSlice(n);
        t["Split"] = (e, n) =>
        {
            var a = n.AttrsAs<SplitAttrs>();
            var s = e.RequireShape(n, 0);
            var ax = NormAxis(a.Axis, s.Length);
            var outs = n.Outputs.Length;
            RA.SplitAttrs sa;
            if (n.Input(1).IsPresent && e.ConstInts(n.Input(1)) is null)
            {
                e.EmitRuntimeSplit(n, ax);
                return;
            }
            if (n.Input(1).IsPresent)
            {
                var sizes = e.RequireConstInts(n, 1, "split");
                var cuts = new List<long>();
                long acc = 0;
                foreach (var z in sizes.SkipLast(1)) { acc += z; cuts.Add(acc); }
                sa = new RA.SplitAttrs { IndicesOrSections = VA(cuts), IsSections = false, Axis = ax };
            }
            else if (s[(int)ax].AsConst is { } dim)
            {
                // Equal parts (the last one smaller when not divisible), as explicit cut points.
                var piece = (dim + outs - 1) / outs;
                sa = new RA.SplitAttrs { IndicesOrSections = VA(Enumerable.Range(1, outs - 1).Select(i => Math.Min(i * piece, dim))), IsSections = false, Axis = ax };
            }
            else sa = new RA.SplitAttrs { IndicesOrSections = VA([outs]), IsSections = true, Axis = ax };
            var tup = e.Op(n, "split", sa, e.X(n, 0));
            for (var i = 0; i < outs; i++) e.Out(n, e._b.Emit(RelaxEmitBuilder.Item(tup, i), "lv", n.Loc), i);
        };
        t["Cast"] = (e, n) => e.Out(n, e.Op(n, "astype", new RA.AstypeAttrs { Dtype = n.AttrsAs<CastAttrs>().ToType }, e.X(n, 0)));
        t["CastLike"] = (e, n) => e.Out(n, e.Op(n, "astype", new RA.AstypeAttrs { Dtype = e.DTypeOfValue(n, 1) }, e.X(n, 0)));
        t["Expand"] = (e, n) => e.EmitExpand(n);
        t["ConstantOfShape"] = (e, n) =>
        {
            var v = n.AttrsAs<ConstantOfShapeAttrs>().Value!;
            var k = e.ShapeValues(n, 0, "shape");
            e.Out(n, e.Op(n, "full", new RA.InitAttrs { Dtype = v.DType }, RelaxEmitBuilder.Shape(k), RelaxEmitBuilder.Const(v.Reshape())));
        };
        t["Range"] = (e, n) =>
        {
            var dt = e.DTypeOfValue(n, 0);
            var ks = Enumerable.Range(0, 3).Select(i => e.Known(n.Input(i))).ToArray();
            if (dt.IsInt && ks.All(k => k is { IsScalar: true }))
            {
                e.Out(n, e.Op(n, "arange", new RA.InitAttrs { Dtype = dt }, PrimValue.Int64(ks[0]!.Values[0]), PrimValue.Int64(ks[1]!.Values[0]), PrimValue.Int64(ks[2]!.Values[0])));
                return;
            }
            var cs = Enumerable.Range(0, 3).Select(i => e.ConstOf(n.Input(i))).ToArray();
            if (cs.Any(c => c is null)) throw e.Unsupported(n, "start/limit/delta must be known at import");
            double st = cs[0]!.GetDouble(0), lim = cs[1]!.GetDouble(0), d = cs[2]!.GetDouble(0);
            var count = Math.Max((long)Math.Ceiling((lim - st) / d), 0);
            var tt = Tensor.Zeros(dt, count);
            for (long i = 0; i < count; i++) tt.SetDouble(i, st + i * d);
            e.Out(n, RelaxEmitBuilder.Const(tt));
        };
        t["Tile"] = (e, n) =>
        {
            if (e.ConstInts(n.Input(1)) is null) { e.EmitRuntimeTile(n); return; }
            e.Out(n, e.Op(n, "tile", new RA.TileAttrs { Repeats = VA(e.RequireConstInts(n, 1, "repeats")) }, e.X(n, 0)));
        };
        foreach (var (on, rn) in new[] { ("ArgMax", "argmax"), ("ArgMin", "argmin") })
            t[on] = (e, n) =>
            {
                var a = n.AttrsAs<ArgReduceAttrs>();
                var ax = NormAxis(a.Axis, e.Rank(n, 0));
                var attrs = new RA.ArgmaxArgminAttrs { Axis = ax, Keepdims = a.Keepdims };
                if (!a.SelectLastIndex) { e.Out(n, e.Op(n, rn, attrs, e.X(n, 0))); return; }
                // select_last_index=1 (R.argmax has no such attribute): the first index in the flipped axis is the last
                // one, d − 1 − i.
                var d = e.RequireShape(n, 0)[(int)ax].AsConst ?? throw e.Unsupported(n, "select_last_index=1 on a symbolic axis");
                var i = e.Op(n, rn, attrs, e.Op(n, "flip", new RA.FlipAttrs { Axis = ax }, e.X(n, 0)));
                e.Out(n, e.Op(n, "subtract", null, e.Const(Tensor.Scalar(DataType.Int64, d - 1)), i));
            };
        t["CumSum"] = (e, n) =>
        {
            var a = n.AttrsAs<CumSumAttrs>();
            var ax = NormAxis(e.RequireConstInts(n, 1, "axis")[0], e.Rank(n, 0));
            // reverse=1: flip → cumsum → flip along the axis (TVM's Relax frontend does the same).
            Expr Rev(Expr x) => a.Reverse ? e.Op(n, "flip", new RA.FlipAttrs { Axis = ax }, x) : x;
            e.Out(n, Rev(e.Op(n, "cumsum", new RA.ScanopAttrs { Axis = ax, Exclusive = a.Exclusive }, Rev(e.X(n, 0)))));
        };
        t["TopK"] = (e, n) =>
        {
            var a = n.AttrsAs<TopKAttrs>();
            if (e.ConstInts(n.Input(1)) is null) { e.EmitRuntimeTopK(n, NormAxis(a.Axis, e.Rank(n, 0)), a.Largest); return; }
            var k = e.RequireConstInts(n, 1, "K")[0];
            var tk = e.Op(n, "topk", new RA.TopKAttrs { K = k, Axis = NormAxis(a.Axis, e.Rank(n, 0)), RetType = "both", Largest = a.Largest, Dtype = DataType.Int64 }, e.X(n, 0));
            e.Out(n, e._b.Emit(RelaxEmitBuilder.Item(tk, 0), "lv", n.Loc), 0);
            e.Out(n, e._b.Emit(RelaxEmitBuilder.Item(tk, 1), "lv", n.Loc), 1);
        };
        t["Trilu"] = (e, n) =>
        {
            long k = n.Input(1).IsPresent ? e.RequireConstInts(n, 1, "k")[0] : 0;
            e.Out(n, e.Op(n, n.AttrsAs<TriluAttrs>().Upper ? "triu" : "tril", null, e.X(n, 0), PrimValue.Int64(k)));
        };
        t["Einsum"] = (e, n) => e.Out(n, e.Op(n, "einsum", new RA.EinsumAttrs { Subscripts = n.AttrsAs<O.EinsumAttrs>().Equation.Replace(" ", "", StringComparison.Ordinal) },
            RelaxEmitBuilder.Tuple(Enumerable.Range(0, n.Inputs.Length).Select(i => e.X(n, i)))));
        t["DepthToSpace"] = (e, n) => e.DepthToSpace(n);
        t["SpaceToDepth"] = (e, n) => e.SpaceToDepth(n);
        t["If"] = (e, n) => e.EmitIf(n);
        t["Loop"] = (e, n) => e.EmitLoop(n);
        t["Resize"] = (e, n) => e.EmitResize(n);
        AddQuantRules(t);
        AddContribRules(t);
        AddStdRules(t);
        AddLegacyRules(t);
        // einsum is registered only when the Relax op table has it.
        if (OpRegistry.Find(Bridge.Ir.Ops.Dialect.Relax, "relax.einsum") is null) t.Remove("Einsum");
        return t.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

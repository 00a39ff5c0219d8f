using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relax;
using Bridge.Translators.Onnx;
using O = Bridge.Importers.Onnx.Ops;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

// Standard-domain (ai.onnx) ops of issue 7 that both emitters map (normalisations, pooling variants, index ops).
public sealed partial class OnnxToRelaxEmitter
{
    private static void AddStdRules(Dictionary<string, Rule> t)
    {
        AddStdRulesC(t);
        t["Size"] = (e, n) =>
        {
            // Folding handles known shapes; here the rank is unknown: the element count of R.shape_of at run time.
            var st = e.Op(n, "shape_to_tensor", null, e.Op(n, "shape_of", null, e.X(n, 0)));
            e.Out(n, e.Op(n, "prod", new RA.StatisticalAttrs { Axis = null, Keepdims = false }, st));
        };
        t["Hardmax"] = (e, n) =>
        {
            var a = n.AttrsAs<O.SoftmaxAttrs>();
            var s = e.RequireShape(n, 0);
            var x = e.X(n, 0);
            var dt = e.DTypeOfValue(n, 0);
            var ax = (int)NormAxis(a.Axis!.Value, s.Length);
            if (a.Coerce2D)
            {
                var flat = e.Reshape(n, x, [Prod(s.Take(ax)), Prod(s.Skip(ax))]);
                var depth = Prod(s.Skip(ax)).AsConst ?? throw e.Unsupported(n, "a symbolic coerced axis size");
                e.Out(n, e.Reshape(n, e.HardmaxAt(n, flat, 1, 2, depth, dt), s));
                return;
            }
            e.Out(n, e.HardmaxAt(n, x, ax, s.Length, s[ax].AsConst ?? throw e.Unsupported(n, "a symbolic axis size"), dt));
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
            if (e.DTypeOfValue(n, 0) != DataType.Int64) idx = e.Op(n, "astype", new RA.AstypeAttrs { Dtype = DataType.Int64 }, idx);
            // ONNX indices lie in [−depth, depth): negative ones count from the end.
            idx = e.Op(n, "where", null, e.Op(n, "less", null, idx, Scalar(DataType.Int64, 0)), e.Op(n, "add", null, idx, Scalar(DataType.Int64, d)), idx);
            var dt = values.DType;
            var rank = e.Rank(n, 0);
            e.Out(n, e.Op(n, "one_hot", new RA.OneHotAttrs { Depth = d, Axis = NormAxis(n.AttrsAs<OneHotAttrs>().Axis, rank + 1) },
                idx, Prim(dt, values.GetDouble(1)), Prim(dt, values.GetDouble(0))));
        };
        t["LRN"] = (e, n) =>
        {
            var a = n.AttrsAs<LrnAttrs>();
            var s = e.RequireShape(n, 0);
            if (s.Length < 3) throw e.Unsupported(n, $"rank-{s.Length} input");
            var x = e.X(n, 0);
            // Windowed channel sum as an avg pool with zero padding counted: x² viewed as [N, 1, C, rest], window (size, 1).
            var sq = e.Reshape(n, e.Op(n, "multiply", null, x, x), [s[0], 1, s[1], Prod(s.Skip(2))]);
            long front = (a.Size - 1) / 2, back = a.Size - 1 - front;
            var avg = e.Op(n, "nn.avg_pool2d", new RA.PoolAttrs
            {
                PoolSize = VA([a.Size, 1]), Strides = VA([1, 1]), Dilation = VA([1, 1]), Padding = VA([front, 0, back, 0]), CountIncludePad = true,
            }, sq);
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
            var kernel = w.ResolvedKernel.Select(k => k.AsConst ?? throw e.Unsupported(n, "symbolic kernel")).ToArray();
            // Σ|x|^p over the window = avg pool (zero padding counted) × window volume.
            var avg = e.Op(n, $"nn.avg_pool{r}d", new RA.PoolAttrs
            {
                PoolSize = VA(kernel), Strides = w.ResolvedStrides, Dilation = w.ResolvedDilations, Padding = VA(e.ExplicitPads(n, w.ExplicitPads)),
                CountIncludePad = true, Layout = Layout(r), OutLayout = Layout(r),
            }, e.AbsPow(n, e.X(n, 0), a.P));
            var sum = e.Op(n, "multiply", null, avg, e.ScalarLike(n, 0, kernel.Aggregate(1L, (x, y) => x * y)));
            e.Out(n, e.Root(n, sum, a.P));
        };
        t["GroupNormalization"] = (e, n) =>
        {
            var a = n.AttrsAs<GroupNormalizationAttrs>();
            var s = e.RequireShape(n, 0);
            var (scale, bias) = e.GroupAffine(n, s, a.NumGroups);
            e.Out(n, e.Op(n, "nn.group_norm", new RA.GroupNormAttrs
            {
                NumGroups = a.NumGroups, ChannelAxis = 1, Axes = VA(Enumerable.Range(2, s.Length - 2).Select(i => (long)i)), Epsilon = a.Epsilon,
            }, e.X(n, 0), scale, bias));
        };
        t["NonZero"] = (e, n) => e.Out(n, e.Op(n, "nonzero", null, e.X(n, 0)));
        t["Compress"] = (e, n) =>
        {
            var a = n.AttrsAs<CompressAttrs>();
            Expr x = e.X(n, 0);
            long axis = 0;
            if (a.Axis is { } ax) axis = NormAxis(ax, e.Rank(n, 0));
            else x = e.Op(n, "reshape", null, x, RelaxEmitBuilder.Shape([Prod(e.RequireShape(n, 0))]));
            // Positions where the condition holds (nonzero gives [1, k] for a 1-D condition).
            var pos = e.Op(n, "squeeze", new RA.SqueezeAttrs { Axis = VA([0]) }, e.Op(n, "nonzero", null, e.X(n, 1)));
            e.Out(n, e.Op(n, "take", new RA.TakeAttrs { Axis = axis }, x, pos));
        };
    }

    private static PrimValue Prim(DataType dt, double v) =>
        dt.IsFloat ? new PrimValue(dt, null, v) { Info = new PrimSInfo(dt) } : new PrimValue(dt, (long)v, v) { Info = new PrimSInfo(dt, (long)v) };

    /// <summary>one_hot(argmax(x, axis)) in x's dtype: 1 at the first maximum along <paramref name="axis"/>.</summary>
    private Expr HardmaxAt(CanonicalNode n, Expr x, int axis, int rank, long depth, DataType dt)
    {
        var am = Op(n, "argmax", new RA.ArgmaxArgminAttrs { Axis = axis, Keepdims = false }, x);
        return Op(n, "one_hot", new RA.OneHotAttrs { Depth = depth, Axis = axis }, am, Prim(dt, 1), Prim(dt, 0));
    }

    /// <summary>
    /// GroupNormalization's scale/bias as per-channel vectors: opset 21 gives them per channel; opset 18 per group, so each
    /// group value is repeated C/G times (the op was changed in 21 because the per-group form was a spec bug).
    /// </summary>
    private (Expr Scale, Expr Bias) GroupAffine(CanonicalNode n, IReadOnlyList<SymExpr> s, long groups)
    {
        var sc = X(n, 1); var bi = X(n, 2);
        if (n.Version >= 21) return (sc, bi);
        if (s[1].AsConst is not { } c) throw Unsupported(n, "per-group scale/bias (opset 18) with a symbolic channel count");
        if (c % groups != 0) throw Unsupported(n, $"{c} channels in {groups} groups");
        var rep = new RA.RepeatAttrs { Repeats = c / groups, Axis = 0 };
        return (Op(n, "repeat", rep, sc), Op(n, "repeat", rep, bi));
    }
}

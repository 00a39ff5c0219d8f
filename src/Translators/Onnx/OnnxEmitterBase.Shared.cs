using System.Collections.Frozen;
using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// Lowerings that are the same arithmetic in Relay and Relax, written once against the neutral vocabulary
/// (<c>OnnxEmitterBase.Neutral.cs</c>): the legacy experimental ops, MeanVarianceNormalization, the losses,
/// LinearRegressor and Scan. A dialect's own rule table never maps these kinds; <see cref="SharedKinds"/> joins its
/// support-matrix column.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    private delegate void SharedRule(OnnxEmitterBase<TExpr> e, CanonicalNode n);

    private static readonly FrozenDictionary<string, SharedRule> s_shared = BuildSharedRules();

    /// <summary>Canonical kinds lowered here for both dialects.</summary>
    public static IReadOnlyCollection<string> SharedKinds => s_shared.Keys;

    /// <summary>True when the kind is lowered by a shared rule, a sequence rule or the dialect's own table.</summary>
    protected bool IsSharedKind(string kind) => s_shared.ContainsKey(kind) || SequenceKinds.Contains(kind);

    private bool TryEmitShared(CanonicalNode n)
    {
        if (!s_shared.TryGetValue(n.Kind, out var rule)) return false;
        rule(this, n);
        return true;
    }

    private static FrozenDictionary<string, SharedRule> BuildSharedRules()
    {
        var t = new Dictionary<string, SharedRule>(StringComparer.Ordinal);
        AddIndexArithmeticRules(t);
        t["Affine"] = (e, n) =>
        {
            var a = n.AttrsAs<AffineAttrs>();
            e.Out(n, e.Elem(n, "add", e.Elem(n, "multiply", e.X(n, 0), e.ScalarLike(n, 0, a.Alpha)), e.ScalarLike(n, 0, a.Beta)));
        };
        t["Scale"] = (e, n) => e.Out(n, e.Elem(n, "multiply", e.X(n, 0), e.ScalarLike(n, 0, n.AttrsAs<ScaleAttrs>().Scale)));
        t["ScaledTanh"] = (e, n) =>
        {
            var a = n.AttrsAs<AffineAttrs>();
            e.Out(n, e.Elem(n, "multiply", e.ScalarLike(n, 0, a.Alpha), e.Elem(n, "tanh", e.Elem(n, "multiply", e.X(n, 0), e.ScalarLike(n, 0, a.Beta)))));
        };
        t["ParametricSoftplus"] = (e, n) =>
        {
            // alpha·ln(1 + exp(beta·x)); alpha and beta default to 1 as in TVM's from_onnx.
            var a = n.AttrsAs<ParametricSoftplusAttrs>();
            var bx = e.Elem(n, "multiply", e.X(n, 0), e.ScalarLike(n, 0, a.Beta ?? 1f));
            var sp = e.Elem(n, "log", e.Elem(n, "add", e.Elem(n, "exp", bx), e.ScalarLike(n, 0, 1)));
            e.Out(n, e.Elem(n, "multiply", sp, e.ScalarLike(n, 0, a.Alpha ?? 1f)));
        };
        t["ImageScaler"] = (e, n) =>
        {
            var a = n.AttrsAs<ImageScalerAttrs>();
            if (e.Rank(n, 0) != 4) throw e.Unsupported(n, "non-4-D input");
            var y = e.Elem(n, "multiply", e.X(n, 0), e.ScalarLike(n, 0, a.Scale));
            if (a.Bias is { Count: > 0 } b)
            {
                var bt = Tensor.Zeros(e.DTypeOfValue(n, 0), b.Count, 1, 1);
                for (var i = 0; i < b.Count; i++) bt.SetDouble(i, b[i]);
                y = e.Elem(n, "add", y, e.Const(bt));
            }
            e.Out(n, y);
        };
        t["MeanVarianceNormalization"] = (e, n) =>
        {
            var r = e.Rank(n, 0);
            long[] axes = [.. n.AttrsAs<MeanVarianceNormalizationAttrs>().Axes.Select(v => NormAxis(v, r))];
            var x = e.X(n, 0);
            // The ONNX function body: (x − E[x]) / (sqrt(E[x²] − E[x]²) + 1e-9).
            var mean = e.ReduceOver(n, "mean", x, axes, true);
            var meanSq = e.ReduceOver(n, "mean", e.Elem(n, "multiply", x, x), axes, true);
            var variance = e.Elem(n, "subtract", meanSq, e.Elem(n, "multiply", mean, mean));
            var std = e.Elem(n, "add", e.Elem(n, "sqrt", variance), e.ScalarLike(n, 0, 1e-9));
            e.Out(n, e.Elem(n, "divide", e.Elem(n, "subtract", x, mean), std));
        };
        t["LinearRegressor"] = (e, n) => e.Out(n, e.LinearRegressor(n));
        t["NegativeLogLikelihoodLoss"] = (e, n) => e.Out(n, e.Nll(n, e.X(n, 0), e.X(n, 1), e.XOpt(n, 2), n.AttrsAs<LossAttrs>()));
        t["SoftmaxCrossEntropyLoss"] = (e, n) =>
        {
            var logp = e.SoftmaxAlong(n, e.X(n, 0), 1, log: true);
            e.Out(n, e.Nll(n, logp, e.X(n, 1), e.XOpt(n, 2), n.AttrsAs<LossAttrs>()), 0);
            e.Out(n, logp, 1);
        };
        t["Scan"] = (e, n) => e.EmitScan(n);
        AddContribRules(t);
        AddRecurrentRules(t);
        AddElementwiseRules(t);
        AddWindowRules(t);
        AddPadRules(t);
        AddMoreRules(t);
        AddMlRules(t);
        foreach (var k in RandomKinds) t[k] = (e, n) => e.EmitRandomNode(n);
        return t.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// The outer-scope values a Loop body (or its nested subgraphs) reads that are not constants, in first-use order: they
    /// become extra parameters of the loop function, since a Relay/Relax function cannot see the enclosing graph's values.
    /// </summary>
    protected List<string> CapturedOuterValues(Importers.Onnx.OnnxGraph body)
    {
        var defined = new HashSet<string>(body.Inputs.Select(i => i.Name).Concat(body.Initializers.Keys), StringComparer.Ordinal);
        var captured = new List<string>();
        foreach (var g in body.SelfAndSubgraphs())
            foreach (var bn in g.Nodes)
            {
                foreach (var inp in bn.Inputs)
                    if (inp.Length > 0 && !defined.Contains(inp) && !captured.Contains(inp) && IsDefined(inp) && ConstOf(new CanonicalInput(inp, null)) is null)
                        captured.Add(inp);
                foreach (var o in bn.Outputs) defined.Add(o);
            }
        return captured;
    }

    /// <summary>ai.onnx.ml LinearRegressor: Y = X·Wᵀ + b over [N, F] or [F] inputs with static F, computed in float32.</summary>
    private TExpr LinearRegressor(CanonicalNode n)
    {
        var a = n.AttrsAs<LinearRegressorAttrs>();
        if (a.PostTransform != "NONE") throw Unsupported(n, $"post_transform '{a.PostTransform}'");
        var s = RequireShape(n, 0);
        if (s.Length is not (1 or 2) || s[^1].AsConst is not { } features) throw Unsupported(n, "an input that is not [N, F] / [F] with static F");
        var coef = a.Coefficients ?? throw Unsupported(n, "missing coefficients");
        if (coef.Count != a.Targets * features) throw Unsupported(n, $"{coef.Count} coefficients for {a.Targets} targets × {features} features");
        // W is stored (targets, F) in coefficient order; the matmul takes its transpose (F, targets).
        var w = Tensor.Zeros(DataType.Float32, features, a.Targets);
        for (var t = 0; t < a.Targets; t++)
            for (var f = 0; f < features; f++) w.SetDouble(f * a.Targets + t, coef[(int)(t * features + f)]);
        var x = X(n, 0);
        if (DTypeOfValue(n, 0) != DataType.Float32) x = Cast(n, x, DataType.Float32);
        if (s.Length == 1) x = Reshape(n, x, [1, features]);
        var y = MatMul(n, x, Const(w));
        if (a.Intercepts is { Count: > 0 } ic)
        {
            var bt = Tensor.Zeros(DataType.Float32, ic.Count);
            for (var i = 0; i < ic.Count; i++) bt.SetDouble(i, ic[i]);
            y = Elem(n, "add", y, Const(bt));
        }
        return y;
    }

    /// <summary>
    /// NegativeLogLikelihoodLoss on log-probabilities <paramref name="logp"/> (N, C, d…): −logp[n, t, d…]·w[t] with ignored
    /// targets weighing 0; "mean" divides by the summed weights (ONNX), "sum" sums, "none" keeps (N, d…).
    /// </summary>
    private TExpr Nll(CanonicalNode n, TExpr logp, TExpr target, TExpr? weight, LossAttrs a)
    {
        var tdt = DTypeOf(target) ?? DataType.Int64;
        var ignored = a.IgnoreIndex is { } ig ? Elem(n, "equal", target, ScalarOf(tdt, ig)) : null;
        // Ignored targets are replaced by 0 so the gather stays in range; their weight is 0.
        var safe = ignored is null ? target : Elem(n, "where", ignored, Elem(n, "zeros_like", target), target);
        var picked = Squeeze(n, GatherElements(n, logp, ExpandDims(n, safe, 1), 1), [1]);
        var w = weight is null ? Elem(n, "ones_like", picked) : Take(n, weight, safe, 0);
        if (ignored is not null) w = Elem(n, "where", ignored, Elem(n, "zeros_like", w), w);
        var loss = Elem(n, "negative", Elem(n, "multiply", picked, w));
        return a.Reduction switch
        {
            "none" => loss,
            "sum" => ReduceOver(n, "sum", loss, null, false),
            _ => Elem(n, "divide", ReduceOver(n, "sum", loss, null, false), ReduceOver(n, "sum", w, null, false)),
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
        var scanIn = new List<(TExpr X, long Axis, bool Rev)>();
        for (var j = 0; j < m; j++)
        {
            var s = RequireShape(n, nState + j);
            var ax = NormAxis(Attr(a.ScanInputAxes, j), s.Length);
            var len = s[(int)ax].AsConst ?? throw Unsupported(n, $"scan input {j} has a symbolic sequence length (Scan is unrolled)");
            if (steps is { } st && st != len) throw Unsupported(n, "scan inputs of different lengths");
            steps = len;
            scanIn.Add((X(n, nState + j), ax, Attr(a.ScanInputDirections, j) == 1));
        }
        var collected = Enumerable.Range(0, k).Select(_ => new List<TExpr>()).ToList();
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
                    Set(body.Inputs[nState + j].Name, Take(n, x, ScalarOf(DataType.Int64, at), ax));
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
            Out(n, Stack(n, items, NormAxis(Attr(a.ScanOutputAxes, i), r + 1)), nState + i);
        }
    }
}

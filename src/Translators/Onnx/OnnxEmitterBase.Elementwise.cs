using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Ops.Spec;
using E = Bridge.Ir.Ops.Spec.ElementwiseSpec;

namespace Bridge.Translators.Onnx;

/// <summary>
/// Element-wise ONNX ops, written once: their Relay and Relax ops have the same names (Relax prints them with the
/// <c>R.</c> prefix), so each is one <c>Elem</c> call or a short composition.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>min(max(x, lo), hi) in x's element type (Relay <c>clip</c>; Relax <c>minimum</c>/<c>maximum</c>, which keep
    /// the bounds exact for every dtype).</summary>
    protected abstract TExpr Clamp(CanonicalNode n, TExpr x, double lo, double hi);

    private static void AddElementwiseRules(Dictionary<string, SharedRule> t)
    {
        // The ops that lower one-for-one are the spec rows with an ONNX name (integer Div truncates in ONNX, Relay and Relax alike).
        foreach (var row in ElementwiseSpec.All)
        {
            if (row.Onnx is not { } on) continue;
            var op = row.Name;
            t[on] = row.Arity == 1 ? (e, n) => e.Out(n, e.Elem(n, op, e.X(n, 0))) : (e, n) => e.Out(n, e.Elem(n, op, e.X(n, 0), e.X(n, 1)));
        }
        t["Mod"] = (e, n) => e.Out(n, e.Elem(n, n.AttrsAs<ModAttrs>().Fmod ? "mod" : "floor_mod", e.X(n, 0), e.X(n, 1)));
        t["Where"] = (e, n) => e.Out(n, e.Elem(n, "where", e.X(n, 0), e.X(n, 1), e.X(n, 2)));
        t["Identity"] = (e, n) => e.Out(n, e.X(n, 0));
        t["Dropout"] = (e, n) =>
        {
            if (n.Outputs.Length > 1 && n.Outputs[1].Length > 0) throw e.Unsupported(n, "the mask output");
            e.Out(n, e.X(n, 0));
        };
        t["Reciprocal"] = (e, n) => e.Out(n, e.Elem(n, E.Divide, e.ScalarLike(n, 0, 1), e.X(n, 0)));
        t["Softsign"] = (e, n) =>
        {
            var x = e.X(n, 0);
            e.Out(n, e.Elem(n, E.Divide, x, e.Elem(n, E.Add, e.ScalarLike(n, 0, 1), e.Elem(n, E.Abs, x))));
        };
        t["HardSigmoid"] = (e, n) =>
        {
            var a = n.AttrsAs<HardSigmoidAttrs>();
            var y = e.Elem(n, E.Add, e.Elem(n, E.Multiply, e.X(n, 0), e.ScalarLike(n, 0, a.Alpha)), e.ScalarLike(n, 0, a.Beta));
            e.Out(n, e.Clamp(n, y, 0, 1));
        };
        t["HardSwish"] = (e, n) =>
        {
            var x = e.X(n, 0);
            var y = e.Clamp(n, e.Elem(n, E.Add, e.Elem(n, E.Multiply, x, e.ScalarLike(n, 0, 1.0 / 6)), e.ScalarLike(n, 0, 0.5)), 0, 1);
            e.Out(n, e.Elem(n, E.Multiply, x, y));
        };
        t["BitShift"] = (e, n) => e.Out(n, e.Elem(n, n.AttrsAs<BitShiftAttrs>().Direction == "LEFT" ? "left_shift" : "right_shift", e.X(n, 0), e.X(n, 1)));
        t["Shrink"] = (e, n) =>
        {
            var a = n.AttrsAs<ShrinkAttrs>();
            var x = e.X(n, 0);
            // y = x + bias for x < −lambd, x − bias for x > lambd, else 0.
            var lo = e.Elem(n, E.Less, x, e.ScalarLike(n, 0, -a.Lambd));
            var hi = e.Elem(n, E.Greater, x, e.ScalarLike(n, 0, a.Lambd));
            var inner = e.Elem(n, "where", hi, e.Elem(n, E.Subtract, x, e.ScalarLike(n, 0, a.Bias)), e.Elem(n, "zeros_like", x));
            e.Out(n, e.Elem(n, "where", lo, e.Elem(n, E.Add, x, e.ScalarLike(n, 0, a.Bias)), inner));
        };
        t["EyeLike"] = (e, n) =>
        {
            var a = n.AttrsAs<EyeLikeAttrs>();
            var dt = a.Dtype is { } code ? Importers.Onnx.OnnxDTypes.ToCore((int)code) ?? throw e.Unsupported(n, $"dtype {code}") : e.DTypeOfValue(n, 0);
            e.Out(n, e.Const(OnnxStd.Eye(e.RequireShape(n, 0), dt, a.K) ?? throw e.Unsupported(n, "a non-2-D or symbolic input shape")));
        };
        t["GlobalLpPool"] = (e, n) =>
        {
            var p = n.AttrsAs<GlobalLpPoolAttrs>().P;
            var r = e.Rank(n, 0);
            e.Out(n, e.Root(n, e.ReduceOver(n, "sum", e.AbsPow(n, e.X(n, 0), p), [.. Enumerable.Range(2, r - 2).Select(i => (long)i)], true), p));
        };
        t["RMSNormalization"] = (e, n) =>
        {
            var a = n.AttrsAs<LayerNormalizationAttrs>();
            var r = e.Rank(n, 0);
            var ax = (int)NormAxis(a.Axis, r);
            e.Out(n, e.RmsNorm(n, e.X(n, 0), e.X(n, 1), [.. Enumerable.Range(ax, r - ax).Select(i => (long)i)], a.Epsilon));
        };
        // The ReduceX ops are reduction spec rows: an optional elementwise op before (binary ones square: f(x, x)), the
        // row's reduction, an optional one after.
        foreach (var row in ReductionSpec.All)
        {
            if (row is not { Onnx: { } on, OnnxVia: { } via }) continue;
            var (pre, post) = (row.OnnxPre, row.OnnxPost?.Name);
            t[on] = (e, n) =>
            {
                var x = e.X(n, 0);
                if (pre is not null) x = pre.Arity == 1 ? e.Elem(n, pre, x) : e.Elem(n, pre, x, x);
                e.Reduce(n, via, x, post);
            };
        }
    }

    /// <summary>|x|^p (x² and |x| for p = 2 and 1).</summary>
    protected TExpr AbsPow(CanonicalNode n, TExpr x, long p) =>
        p == 2 ? Elem(n, E.Multiply, x, x) : p == 1 ? Elem(n, E.Abs, x) : Elem(n, E.Power, Elem(n, E.Abs, x), ScalarLike(n, 0, p));

    /// <summary>x^(1/p) (sqrt for p = 2).</summary>
    protected TExpr Root(CanonicalNode n, TExpr x, long p) =>
        p == 2 ? Elem(n, E.Sqrt, x) : p == 1 ? x : Elem(n, E.Power, x, ScalarLike(n, 0, 1.0 / p));

    /// <summary>An ONNX reduction (axes as an input from opset 13/18, attribute before; canonicalised to the input) followed
    /// by an optional element-wise <paramref name="post"/> op.</summary>
    private void Reduce(CanonicalNode n, string op, TExpr x, string? post = null)
    {
        var a = n.AttrsAs<ReduceAttrs>();
        var r = Rank(n, 0);
        var ax = n.Input(1).IsPresent ? RequireConstInts(n, 1, "axes") : [];
        // An absent axes input is an empty one: noop_with_empty_axes makes it the identity instead of a full reduction.
        if (ax.Length == 0 && a.NoopWithEmptyAxes) { Out(n, x); return; }
        var y = ReduceOver(n, op, x, ax.Length > 0 ? [.. ax.Select(v => NormAxis(v, r))] : null, a.Keepdims);
        if (post is not null) y = Elem(n, post, y);
        Out(n, y);
    }
}

using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// The ai.onnx.preview.training optimisers Adagrad, Adam and Momentum, written once for both dialects: each is the ONNX
/// spec's element-wise update formula over the node's n tensors (inputs R, T, then n X, n G and the n (or 2n) state tensors;
/// outputs the n new X then the new state tensors), emitted as synthetic Mul/Add/Sub/Div/Sqrt/Pow/Where nodes. R is a float
/// scalar, T an int64 scalar (the update count) read at run time; the T &gt; 0 branches of Adam and Momentum are a Where
/// (TVM Relay used relay.If on the scalar for Momentum; the values are the same).
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>Arithmetic on synthetic values of one float dtype.</summary>
    private readonly record struct Ar(OnnxEmitterBase<TExpr> E, CanonicalNode N, DataType Dt)
    {
        public CanonicalInput K(double v) => LitScalar(Dt, v);
        public CanonicalInput Add(CanonicalInput a, CanonicalInput b) => E.Emit(N, "Add", a, b);
        public CanonicalInput Sub(CanonicalInput a, CanonicalInput b) => E.Emit(N, "Sub", a, b);
        public CanonicalInput Mul(CanonicalInput a, CanonicalInput b) => E.Emit(N, "Mul", a, b);
        public CanonicalInput Div(CanonicalInput a, CanonicalInput b) => E.Emit(N, "Div", a, b);
        public CanonicalInput Sqrt(CanonicalInput a) => E.Emit(N, "Sqrt", a);
        public CanonicalInput Pow(CanonicalInput a, CanonicalInput b) => E.Emit(N, "Pow", a, b);
        /// <summary>a·x, skipped when a is 1 and folded to 0 when a is 0 (norm_coefficient defaults to 0).</summary>
        public CanonicalInput Scale(double a, CanonicalInput x) => a == 1 ? x : Mul(K(a), x);
    }

    /// <summary>The number of optimised tensors: (inputs − 2) / groups, checked.</summary>
    private int OptimizedCount(CanonicalNode n, int groups)
    {
        var k = n.Inputs.Length - 2;
        if (k <= 0 || k % groups != 0)
            throw BadValue(n, $"{n.Inputs.Length} inputs are not R, T and {groups} groups of equally many tensors");
        return k / groups;
    }

    /// <summary>R as the dtype of the optimised tensors, and T (int64) cast to it.</summary>
    private (Ar A, CanonicalInput R, CanonicalInput T, CanonicalInput TPositive) OptimizerScalars(CanonicalNode n)
    {
        var dt = DTypeOfValue(n, 2);
        if (!dt.IsFloat) throw Unsupported(n, $"optimising {dt} tensors");
        var r = Cast(n, n.Input(0), DTypeOfValue(n, 0), dt);
        var t = n.Input(1);
        var tdt = DTypeOfValue(n, 1);
        var positive = Emit(n, "Greater", t, LitScalar(tdt, 0));
        return (new Ar(this, n, dt), r, Cast(n, t, tdt, dt), positive);
    }

    /// <summary>norm_coefficient·X + G.</summary>
    private static CanonicalInput Regularized(Ar a, double norm, CanonicalInput x, CanonicalInput g) => norm == 0 ? g : a.Add(a.Scale(norm, x), g);

    /// <summary>Adagrad: r = R / (1 + T·decay); G' = norm·X + G; H' = H + G'²; X' = X − r·G' / (√H' + ε). Outputs X'…, H'….</summary>
    protected void EmitAdagrad(CanonicalNode n)
    {
        var p = n.AttrsAs<AdagradAttrs>();
        var k = OptimizedCount(n, 3);
        var (a, r, t, _) = OptimizerScalars(n);
        var rate = a.Div(r, a.Add(a.K(1), a.Scale(p.DecayFactor, t)));
        for (var i = 0; i < k; i++)
        {
            var x = n.Input(2 + i);
            var g = Regularized(a, p.NormCoefficient, x, n.Input(2 + k + i));
            var h = a.Add(n.Input(2 + 2 * k + i), a.Mul(g, g));
            var xn = a.Sub(x, a.Div(a.Mul(rate, g), a.Add(a.Sqrt(h), a.K(p.Epsilon))));
            BindOutput(n, i, xn);
            BindOutput(n, k + i, h);
        }
    }

    /// <summary>
    /// Momentum: G' = norm·X + G; β' = T &gt; 0 ? β : 1; V' = α·V + β'·G'; standard X' = X − R·V', nesterov
    /// X' = X − R·(G' + α·V'). Outputs X'…, V'….
    /// </summary>
    protected void EmitMomentum(CanonicalNode n)
    {
        var p = n.AttrsAs<MomentumAttrs>();
        var k = OptimizedCount(n, 3);
        var (a, r, _, positive) = OptimizerScalars(n);
        var beta = Emit(n, "Where", positive, a.K(p.Beta), a.K(1));
        for (var i = 0; i < k; i++)
        {
            var x = n.Input(2 + i);
            var g = Regularized(a, p.NormCoefficient, x, n.Input(2 + k + i));
            var v = a.Add(a.Scale(p.Alpha, n.Input(2 + 2 * k + i)), a.Mul(beta, g));
            var step = p.Mode == "nesterov" ? a.Add(g, a.Scale(p.Alpha, v)) : v;
            BindOutput(n, i, a.Sub(x, a.Mul(r, step)));
            BindOutput(n, k + i, v);
        }
    }

    /// <summary>
    /// Adam: G' = norm·X + G; V' = α·V + (1 − α)·G'; H' = β·H + (1 − β)·G'²; R' = T &gt; 0 ? R·√(1 − β^T) / (1 − α^T) : R;
    /// X' = (1 − norm_post)·(X − R'·V' / (√H' + ε)). Outputs X'…, V'…, H'….
    /// </summary>
    protected void EmitAdam(CanonicalNode n)
    {
        var p = n.AttrsAs<AdamAttrs>();
        var k = OptimizedCount(n, 4);
        var (a, r, t, positive) = OptimizerScalars(n);
        // At T = 0 the bias-corrected branch is 0/0; Where picks R there, so the NaN never reaches a result.
        var corrected = a.Div(a.Mul(r, a.Sqrt(a.Sub(a.K(1), a.Pow(a.K(p.Beta), t)))), a.Sub(a.K(1), a.Pow(a.K(p.Alpha), t)));
        var rate = Emit(n, "Where", positive, corrected, r);
        for (var i = 0; i < k; i++)
        {
            var x = n.Input(2 + i);
            var g = Regularized(a, p.NormCoefficient, x, n.Input(2 + k + i));
            var v = a.Add(a.Scale(p.Alpha, n.Input(2 + 2 * k + i)), a.Scale(1 - (double)p.Alpha, g));
            var h = a.Add(a.Scale(p.Beta, n.Input(2 + 3 * k + i)), a.Scale(1 - (double)p.Beta, a.Mul(g, g)));
            var xn = a.Sub(x, a.Div(a.Mul(rate, v), a.Add(a.Sqrt(h), a.K(p.Epsilon))));
            if (p.NormCoefficientPost != 0) xn = a.Scale(1 - (double)p.NormCoefficientPost, xn);
            BindOutput(n, i, xn);
            BindOutput(n, k + i, v);
            BindOutput(n, 2 * k + i, h);
        }
    }
}

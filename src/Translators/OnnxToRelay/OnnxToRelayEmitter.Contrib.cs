using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relay;
using R = Bridge.Ir.Ops.Relay;

namespace Bridge.Translators.OnnxToRelay;

// com.microsoft contrib ops in Relay's spelling: QAttention's qnn projection and the GELU / norm / slice vocabulary that the
// shared contrib lowerings (OnnxEmitterBase.Contrib.cs) are written in.
public sealed partial class OnnxToRelayEmitter
{
    private static void AddContribRules(Dictionary<string, Rule> t)
    {
        t["QAttention"] = (e, n) =>
        {
            var a = n.AttrsAs<QAttentionAttrs>();
            if (a.DoRotary) throw e.Unsupported(n, "do_rotary=1");
            // int32 input·weight (zero points subtracted), then · input_scale·weight_scale + bias, as ORT's QAttention.
            var acc = e.QMatMul(n, 0, 1, e.ZeroPoint(n, 6, e.DTypeOfValue(n, 0)), e.ZeroPoint(n, 7, e.DTypeOfValue(n, 1)), e.X(n, 3), e.X(n, 4));
            var proj = e.IntToFloat(n, acc, e.Op(n, "multiply", null, e.X(n, 3), e.X(n, 4)), e.X(n, 2));
            e.AttentionFromProjection(n, proj, a.NumHeads, a.QkvHiddenSizes, a.Scale, a.Unidirectional, a.MaskFilterValue, 5, 8, -1);
        };
    }

    protected override Expr GeluOf(CanonicalNode n, Expr x, bool tanh) => tanh ? GeluTanh(n, x) : GeluErf(n, x);

    protected override Expr LayerNormLast(CanonicalNode n, Expr x, Expr gamma, Expr beta, double eps) =>
        Op(n, "nn.layer_norm", new R.LayerNormAttrs { Axis = -1, Epsilon = eps }, x, gamma, beta);

    /// <summary>Relay has no RMS norm op: x · rsqrt(mean(x², axes) + eps) · gamma.</summary>
    protected override Expr RmsNorm(CanonicalNode n, Expr x, Expr gamma, IReadOnlyList<long> axes, double eps)
    {
        var ms = ReduceOver(n, "mean", Elem(n, "multiply", x, x), axes, true);
        return Elem(n, "multiply", Elem(n, "multiply", x, Elem(n, "rsqrt", Elem(n, "add", ms, ScalarOf(DTypeOf(x) ?? DataType.Float32, eps)))), gamma);
    }

    private Expr GeluErf(CanonicalNode n, Expr x)
    {
        var dt = DTypeOf(x) ?? DataType.Float32;
        Expr S(double v) => Const(Tensor.Scalar(dt, v));
        var cdf = Op(n, "add", null, S(1), Op(n, "erf", null, Op(n, "multiply", null, x, S(0.7071067811865476))));
        return Op(n, "multiply", null, Op(n, "multiply", null, x, S(0.5)), cdf);
    }

    private Expr GeluTanh(CanonicalNode n, Expr x)
    {
        var dt = DTypeOf(x) ?? DataType.Float32;
        Expr S(double v) => Const(Tensor.Scalar(dt, v));
        var cube = Op(n, "multiply", null, Op(n, "multiply", null, x, x), x);
        var inner = Op(n, "multiply", null, S(0.7978845608028654), Op(n, "add", null, x, Op(n, "multiply", null, S(0.044715), cube)));
        return Op(n, "multiply", null, Op(n, "multiply", null, x, S(0.5)), Op(n, "add", null, S(1), Op(n, "tanh", null, inner)));
    }

    protected override Expr SliceAxis(CanonicalNode n, Expr x, long axis, long begin, long end, long step = 1) =>
        Op(n, "strided_slice", new R.StridedSliceAttrs { Begin = VA([begin]), End = VA([end]), Strides = VA([step]), Axes = VA([axis]) }, x);

    protected override Expr Dense(CanonicalNode n, Expr x, Expr w) => Op(n, "nn.dense", new R.DenseAttrs(), x, w);

    protected override IReadOnlyList<Expr> SplitAt(CanonicalNode n, Expr x, IReadOnlyList<long> cuts, long axis)
    {
        var s = Op(n, "split", new R.SplitAttrs { IndicesOrSections = new Core.Collections.ValueArray<object?>([.. cuts.Select(c => (object?)c)]), Axis = axis }, x);
        return [.. Enumerable.Range(0, cuts.Count + 1).Select(i => Item(s, i))];
    }
}

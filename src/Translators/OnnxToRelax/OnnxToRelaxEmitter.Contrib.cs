using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relax;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

// com.microsoft contrib ops in Relax's spelling: QAttention's integer projection and the GELU (R.nn.gelu / gelu_tanh), norm
// (R.nn.layer_norm / rms_norm) and slice vocabulary that the shared contrib lowerings (OnnxEmitterBase.Contrib.cs) are written in.
public sealed partial class OnnxToRelaxEmitter
{
    private static void AddContribRules(Dictionary<string, Rule> t)
    {
        t["QAttention"] = (e, n) =>
        {
            var a = n.AttrsAs<QAttentionAttrs>();
            if (a.DoRotary) throw e.Unsupported(n, "do_rotary=1");
            // int32 input·weight (zero points subtracted), then · input_scale·weight_scale + bias, as ORT's QAttention.
            var acc = e.QMatMul(n, e.X(n, 0), e.X(n, 1), e.XOpt(n, 6), e.XOpt(n, 7));
            var proj = e.IntToFloat(n, acc, e.Op(n, "multiply", null, e.X(n, 3), e.X(n, 4)), e.X(n, 2));
            e.AttentionFromProjection(n, proj, a.NumHeads, a.QkvHiddenSizes, a.Scale, a.Unidirectional, a.MaskFilterValue, 5, 8, -1);
        };
    }

    protected override Expr GeluOf(CanonicalNode n, Expr x, bool tanh) => Op(n, tanh ? "nn.gelu_tanh" : "nn.gelu", null, x);

    protected override Expr LayerNormLast(CanonicalNode n, Expr x, Expr gamma, Expr beta, double eps) =>
        Op(n, "nn.layer_norm", new RA.LayerNormAttrs { Axes = VA([-1]), Epsilon = eps }, x, gamma, beta);

    protected override Expr RmsNorm(CanonicalNode n, Expr x, Expr gamma, IReadOnlyList<long> axes, double eps) =>
        Op(n, "nn.rms_norm", new RA.RmsNormAttrs { Axes = VA(axes), Epsilon = eps }, x, gamma);

    protected override Expr SliceAxis(CanonicalNode n, Expr x, long axis, long begin, long end, long step = 1)
    {
        Expr T(long v) => RelaxEmitBuilder.Tuple([PrimValue.Int64(v)]);
        return Op(n, "strided_slice", new RA.StridedSliceAttrs(), x, T(axis), T(begin), T(end), T(step));
    }

    protected override Expr Dense(CanonicalNode n, Expr x, Expr w) => Op(n, "matmul", null, x, Transpose(n, w, [1, 0]));

    protected override IReadOnlyList<Expr> SplitAt(CanonicalNode n, Expr x, IReadOnlyList<long> cuts, long axis)
    {
        var s = Op(n, "split", new RA.SplitAttrs { IndicesOrSections = VA(cuts), IsSections = false, Axis = axis }, x);
        return [.. Enumerable.Range(0, cuts.Count + 1).Select(i => Field(n, s, i))];
    }
}

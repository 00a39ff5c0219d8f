using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relax;

namespace Bridge.Translators.OnnxToRelax;

/// <summary>Relax consumes the shape inference pass: a value with ndim-only struct info is <c>R.match_cast</c> to the inferred shape.</summary>
public sealed partial class OnnxToRelaxEmitter
{
    protected override bool RefinesShapes => true;

    protected override Expr? RefineShape(CanonicalNode n, Expr e, ImmutableArray<SymExpr> dims) =>
        e.Info is TensorSInfo { Shape: null } t && (t.NDim < 0 || t.NDim == dims.Length)
            ? _b.MatchCast(e, new TensorSInfo(new ValueArray<SymExpr>(dims), t.DType), "lv", n.Loc)
            : null;
}

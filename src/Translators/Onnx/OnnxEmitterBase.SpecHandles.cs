using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Ops.Spec;

namespace Bridge.Translators.Onnx;

// Typed op handles for the neutral vocabulary: an elementwise spec row instead of its name.
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>The elementwise op of spec row <paramref name="op"/> (<c>Elem(n, ElementwiseSpec.Add, a, b)</c>).</summary>
    protected TExpr Elem(CanonicalNode n, ElementwiseOp op, params TExpr[] args) => Elem(n, op.Name, args);
}

using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// The dialect-neutral vocabulary that lowerings shared by both emitters are written in (<c>OnnxEmitterBase.Shared.cs</c>).
/// Each dialect maps a constructor to its own op name and typed attrs (Relay <c>transpose</c> / Relax <c>permute_dims</c>,
/// Relay <c>reshape(newshape=…)</c> / Relax <c>reshape(x, R.shape(…))</c>, Relay <c>nn.batch_matmul</c> / Relax
/// <c>matmul</c>, …), so a decomposition is written once and differs between the two IRs only in those spellings.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>An element-wise op, or a <c>*_like</c> op, spelled the same without attrs in both dialects: add, subtract,
    /// multiply, divide, power, maximum, minimum, negative, exp, log, sqrt, tanh, sigmoid, abs, equal, less, less_equal,
    /// greater, greater_equal, where, zeros_like, ones_like, …</summary>
    protected abstract TExpr Elem(CanonicalNode n, string op, params TExpr[] args);

    /// <summary>Element type conversion (Relay <c>cast</c>, Relax <c>astype</c>).</summary>
    protected abstract TExpr Cast(CanonicalNode n, TExpr x, DataType dtype);

    /// <summary>Reshape to symbolic dims (Relay spells unknown dims as 0/−1; Relax passes a shape expression).</summary>
    protected abstract TExpr Reshape(CanonicalNode n, TExpr x, IEnumerable<SymExpr> dims);

    /// <summary>Axis permutation (Relay <c>transpose</c>, Relax <c>permute_dims</c>).</summary>
    protected abstract TExpr Transpose(CanonicalNode n, TExpr x, IReadOnlyList<long> axes);

    /// <summary>One new unit axis at <paramref name="axis"/>.</summary>
    protected abstract TExpr ExpandDims(CanonicalNode n, TExpr x, long axis);

    /// <summary>Removes the given unit axes.</summary>
    protected abstract TExpr Squeeze(CanonicalNode n, TExpr x, IReadOnlyList<long> axes);

    /// <summary>Concatenation along an existing axis (Relay <c>concatenate</c>, Relax <c>concat</c>).</summary>
    protected abstract TExpr Concat(CanonicalNode n, IReadOnlyList<TExpr> xs, long axis);

    /// <summary>Stacking along a new axis.</summary>
    protected abstract TExpr Stack(CanonicalNode n, IReadOnlyList<TExpr> xs, long axis);

    /// <summary><c>take</c> along an axis with in-range indices (Relay clips, as <c>from_onnx</c> emitted).</summary>
    protected abstract TExpr Take(CanonicalNode n, TExpr x, TExpr indices, long axis);

    /// <summary>ONNX GatherElements semantics (Relay <c>gather</c>, Relax <c>gather_elements</c>).</summary>
    protected abstract TExpr GatherElements(CanonicalNode n, TExpr x, TExpr indices, long axis);

    /// <summary>A reduction (<c>sum</c>, <c>mean</c>, <c>max</c>, <c>min</c>, <c>prod</c>) over <paramref name="axes"/> (null: all).</summary>
    protected abstract TExpr ReduceOver(CanonicalNode n, string op, TExpr x, IReadOnlyList<long>? axes, bool keepdims);

    /// <summary>Softmax (or log-softmax) along one axis.</summary>
    protected abstract TExpr SoftmaxAlong(CanonicalNode n, TExpr x, long axis, bool log = false);

    /// <summary>numpy matmul of equal ranks ≥ 2, or N-D × 2-D (Relay folds leading dims into <c>nn.dense</c> /
    /// <c>nn.batch_matmul</c> as <c>from_onnx</c> did; Relax <c>matmul</c>).</summary>
    protected abstract TExpr MatMul(CanonicalNode n, TExpr a, TExpr b);

    /// <summary>[0, 1, …, len − 1] in <paramref name="dtype"/>; a symbolic length is the dialect's to accept or refuse.</summary>
    protected abstract TExpr Arange(CanonicalNode n, SymExpr len, DataType dtype);

    /// <summary>A tuple's field (Relax binds it to a var so later rules can read its struct info).</summary>
    protected abstract TExpr Field(CanonicalNode n, TExpr tuple, int index);

    // ---------------------------------------------------------------- shared helpers

    /// <summary>Binds output <paramref name="i"/> of the node (an absent optional output is skipped).</summary>
    protected void Out(CanonicalNode n, TExpr e, int i = 0) { if (i < n.Outputs.Length) Set(n.Outputs[i], e); }

    /// <summary>The rank of input <paramref name="i"/>.</summary>
    protected int Rank(CanonicalNode n, int i) => RequireShape(n, i).Length;

    /// <summary>A scalar constant.</summary>
    protected TExpr ScalarOf(DataType dt, double v) => Const(Tensor.Scalar(dt, v));

    /// <summary>A scalar constant of input <paramref name="input"/>'s element type.</summary>
    protected TExpr ScalarLike(CanonicalNode n, int input, double v) => ScalarOf(DTypeOfValue(n, input), v);

    /// <summary>The product of symbolic dims.</summary>
    protected static SymExpr Prod(IEnumerable<SymExpr> dims) { SymExpr p = 1; foreach (var d in dims) p *= d; return p; }

    /// <summary>A negative axis counted from the end.</summary>
    protected static long NormAxis(long a, int rank) => a < 0 ? a + rank : a;

    /// <summary>The optional input <paramref name="i"/>, or null when absent.</summary>
    protected TExpr? XOpt(CanonicalNode n, int i) => n.Input(i).IsPresent ? X(n, i) : null;
}

using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relax;
using Bridge.Translators.Onnx;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

/// <summary>
/// Run-time forms Relax has no op for (issue 13): reflect / edge Pad whose widths are only known at run time, and
/// Squeeze / Unsqueeze whose axes are fed or computed. R.nn.pad, R.squeeze and R.expand_dims take integer attributes, so these
/// are built from index arithmetic on int64 tensors: the padded axis is a <c>R.take</c> of computed source indices (its
/// length a symbolic sum of the matched widths), the squeezed / unsqueezed shape is computed as an int64 tensor and matched to
/// fresh symbolic vars (<c>R.tensor_to_shape</c> + <c>R.match_cast</c>, as <see cref="MatchShape"/>) before <c>R.reshape</c>.
/// The output rank is static (the axes operand has a static length); the dims are symbolic.
/// </summary>
public sealed partial class OnnxToRelaxEmitter
{
    private static Expr I64Scalar(long v) => RelaxEmitBuilder.Const(Tensor.Scalar(DataType.Int64, v));

    /// <summary>Dim <paramref name="axis"/> of <paramref name="x"/> at run time, as an int64 scalar tensor.</summary>
    private Expr DimTensor(CanonicalNode n, Expr x, int axis) =>
        Op(n, "take", new RA.TakeAttrs { Axis = 0 }, Op(n, "shape_to_tensor", null, Op(n, "shape_of", null, x)), I64Scalar(axis));

    /// <summary>
    /// reflect / edge padding with run-time widths (b, e) per axis: source index j = i − b for i in [0, b + d + e), mapped into
    /// [0, d) as ONNX Runtime does — edge: clamp(j, 0, d − 1); reflect (|pad| &lt; d): (d − 1) − |(d − 1) − |j||. Negative widths
    /// crop (the index range starts inside the axis), as ONNX allows.
    /// </summary>
    private Expr RuntimeGatherPad(CanonicalNode n, string mode, long[] axes, ImmutableArray<SymExpr> pads)
    {
        var x = X(n, 0);
        for (var i = 0; i < axes.Length; i++)
        {
            var ax = (int)axes[i];
            var (b, e) = (pads[i], pads[axes.Length + i]);
            if (b.AsConst == 0 && e.AsConst == 0) continue;
            var s = ShapeOf(x) ?? throw Unsupported(n, "an input of unknown shape");
            Expr j = Op(n, "arange", new RA.InitAttrs { Dtype = DataType.Int64 }, PrimValue.Int64(SymExpr.Const(0) - b), PrimValue.Int64(s[ax] + e), PrimValue.Int64(1));
            var last = Op(n, "subtract", null, DimTensor(n, x, ax), I64Scalar(1));
            var idx = mode == "edge"
                ? Op(n, "minimum", null, Op(n, "maximum", null, j, I64Scalar(0)), last)
                : Op(n, "subtract", null, last, Op(n, "abs", null, Op(n, "subtract", null, last, Op(n, "abs", null, j))));
            x = Op(n, "take", new RA.TakeAttrs { Axis = ax }, x, idx);
        }
        return x;
    }

    /// <summary>Normalised run-time axes (input 1, static length) for an output of rank <paramref name="rank"/>, and their count.</summary>
    private (Expr Axes, int Count) RuntimeAxes(CanonicalNode n, int rank)
    {
        var count = AxesLength(n);
        var a = Int64Of(n, 1);
        return (Op(n, "where", null, Op(n, "less", null, a, I64Scalar(0)), Op(n, "add", null, a, I64Scalar(rank)), a), count);
    }

    /// <summary>A 0/1 int64 mask of length <paramref name="len"/>: 1 at the given axes.</summary>
    private Expr AxisMask(CanonicalNode n, Expr axes, int count, int len) =>
        Op(n, "scatter_elements", new RA.ScatterElementsAttrs { Axis = 0, Reduction = "update" }, I64Vector(new long[len]), axes,
            I64Vector([.. Enumerable.Repeat(1L, count)]));

    /// <summary>
    /// Unsqueeze with run-time axes: the output shape (rank r + k) has 1 at the inserted axes and the input dims, in order,
    /// elsewhere: out[p] = mask[p] ? 1 : shape[cumsum(1 − mask)[p] − 1].
    /// </summary>
    private void EmitRuntimeUnsqueeze(CanonicalNode n)
    {
        var x = X(n, 0);
        var r = Rank(n, 0);
        var (axes, k) = RuntimeAxes(n, r + AxesLength(n));
        var outRank = r + k;
        var mask = AxisMask(n, axes, k, outRank);
        var kept = Op(n, "subtract", null, I64Vector([.. Enumerable.Repeat(1L, outRank)]), mask);
        var src = Op(n, "subtract", null, Op(n, "cumsum", new RA.ScanopAttrs { Axis = 0 }, kept), I64Scalar(1));
        src = Op(n, "minimum", null, Op(n, "maximum", null, src, I64Scalar(0)), I64Scalar(Math.Max(r - 1, 0)));
        var dims = r == 0 ? I64Vector(new long[outRank]) : Op(n, "take", new RA.TakeAttrs { Axis = 0 }, Op(n, "shape_to_tensor", null, Op(n, "shape_of", null, x)), src);
        var shape = Op(n, "where", null, Op(n, "greater", null, mask, I64Scalar(0)), I64Vector([.. Enumerable.Repeat(1L, outRank)]), dims);
        Out(n, Op(n, "reshape", null, x, RelaxEmitBuilder.Shape(MatchShape(n, shape, outRank, "shape"))));
    }

    /// <summary>The length of the axes operand (static), for the output rank of Unsqueeze.</summary>
    private int AxesLength(CanonicalNode n) => RequireShape(n, 1) is [{ AsConst: { } c }] ? (int)c : throw Unsupported(n, "run-time axes of unknown length");

    /// <summary>
    /// Squeeze with run-time axes (rank r − k): each kept dim goes to slot cumsum(1 − mask) − 1 of an (r + 1)-long buffer, each
    /// squeezed one to the spare last slot; the first r − k slots are the shape. A squeezed dim other than 1 fails the reshape.
    /// </summary>
    private void EmitRuntimeSqueeze(CanonicalNode n)
    {
        var x = X(n, 0);
        var r = Rank(n, 0);
        var (axes, k) = RuntimeAxes(n, r);
        if (k > r) throw BadValue(n, $"{k} axes for rank {r}");
        var mask = AxisMask(n, axes, k, r);
        var kept = Op(n, "subtract", null, I64Vector([.. Enumerable.Repeat(1L, r)]), mask);
        var slot = Op(n, "subtract", null, Op(n, "cumsum", new RA.ScanopAttrs { Axis = 0 }, kept), I64Scalar(1));
        slot = Op(n, "where", null, Op(n, "greater", null, mask, I64Scalar(0)), I64Vector([.. Enumerable.Repeat((long)r, r)]), slot);
        var buf = Op(n, "scatter_elements", new RA.ScatterElementsAttrs { Axis = 0, Reduction = "update" }, I64Vector(new long[r + 1]), slot,
            Op(n, "shape_to_tensor", null, Op(n, "shape_of", null, x)));
        var shape = Op(n, "take", new RA.TakeAttrs { Axis = 0 }, buf, I64Vector([.. Enumerable.Range(0, r - k).Select(i => (long)i)]));
        Out(n, Op(n, "reshape", null, x, RelaxEmitBuilder.Shape(MatchShape(n, shape, r - k, "shape"))));
    }
}

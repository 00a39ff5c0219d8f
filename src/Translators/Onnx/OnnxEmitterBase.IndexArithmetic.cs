using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// Standard-domain ops built from index arithmetic, the same in Relay and Relax and so written once against the neutral
/// vocabulary: MaxUnpool (a scatter into a zero vector) and ReverseSequence (a gather along a computed index tensor). What the
/// dialects spell differently is in the three constructors below (one line each in <c>*Emitter.Neutral.cs</c>).
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>A zero tensor of a static shape (Relay <c>zeros</c>, Relax <c>full</c> with a zero fill value).</summary>
    protected abstract TExpr Zeros(CanonicalNode n, IReadOnlyList<long> shape, DataType dtype);

    /// <summary><c>x</c> broadcast to <paramref name="shape"/> (Relay's <c>broadcast_to</c> needs it static: Unsupported otherwise).</summary>
    protected abstract TExpr BroadcastTo(CanonicalNode n, TExpr x, IReadOnlyList<SymExpr> shape);

    /// <summary><c>data</c> with <c>updates</c> written at <c>indices</c> along <paramref name="axis"/> (no reduction).</summary>
    protected abstract TExpr ScatterElements(CanonicalNode n, TExpr data, TExpr indices, TExpr updates, long axis);

    private static void AddIndexArithmeticRules(Dictionary<string, SharedRule> t)
    {
        t["MaxUnpool"] = (e, n) =>
        {
            var w = (WindowAttrs)n.Attrs;
            var s = e.RequireShape(n, 0);
            var outShape = OnnxStd.UnpoolShape(n, w, s, e.ConstInts(n.Input(2)), n.Input(2).IsPresent, (node, what) => e.Unsupported(node, what));
            var total = outShape.Aggregate(1L, (a, b) => a * b);
            // ONNX indices address the flattened output (batch and channel included): scatter into a zero vector.
            var zeros = e.Zeros(n, [total], e.DTypeOfValue(n, 0));
            var flatI = e.Reshape(n, e.X(n, 1), [Prod(s)]);
            var flatX = e.Reshape(n, e.X(n, 0), [Prod(s)]);
            var y = e.ScatterElements(n, zeros, flatI, flatX, 0);
            e.Out(n, e.Reshape(n, y, outShape.Select(d => (SymExpr)d)));
        };
        t["ReverseSequence"] = (e, n) =>
        {
            var a = n.AttrsAs<ReverseSequenceAttrs>();
            var s = e.RequireShape(n, 0);
            var (ta, ba) = (NormAxis(a.TimeAxis, s.Length), NormAxis(a.BatchAxis, s.Length));
            if (s[(int)ta].AsConst is not { } steps) throw e.Unsupported(n, "a symbolic time axis");
            // idx[t, b] = t < len[b] ? len[b] − 1 − t : t, laid out along (time, batch) and broadcast over the other axes.
            var tv = Tensor.Zeros(DataType.Int64, steps);
            for (long i = 0; i < steps; i++) tv.SetInt64(i, i);
            var tShape = Enumerable.Repeat((SymExpr)1, s.Length).ToArray();
            var bShape = Enumerable.Repeat((SymExpr)1, s.Length).ToArray();
            tShape[ta] = steps; bShape[ba] = s[(int)ba];
            var tt = e.Reshape(n, e.Const(tv), tShape);
            var len = e.X(n, 1);
            if (e.DTypeOfValue(n, 1) != DataType.Int64) len = e.Cast(n, len, DataType.Int64);
            len = e.Reshape(n, len, bShape);
            var rev = e.Elem(n, "subtract", e.Elem(n, "subtract", len, e.Const(Tensor.Scalar(DataType.Int64, 1))), tt);
            var idx = e.Elem(n, "where", e.Elem(n, "less", tt, len), rev, tt);
            idx = e.BroadcastTo(n, idx, s);
            e.Out(n, e.GatherElements(n, e.X(n, 0), idx, ta));
        };
    }
}

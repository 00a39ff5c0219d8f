using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relay;
using R = Bridge.Ir.Ops.Relay;

namespace Bridge.Translators.OnnxToRelay;

// The neutral vocabulary of OnnxEmitterBase in Relay's spelling (MatMul and Reshape live in Helpers.cs / the main file).
public sealed partial class OnnxToRelayEmitter
{
    protected override Expr Elem(CanonicalNode n, string op, params Expr[] args) => Op(n, op, null, args);
    protected override Expr Cast(CanonicalNode n, Expr x, DataType dtype) => Op(n, "cast", new R.CastAttrs { Dtype = DT(dtype) }, x);
    protected override Expr Transpose(CanonicalNode n, Expr x, IReadOnlyList<long> axes) => Op(n, "transpose", new R.TransposeAttrs { Axes = VA(axes) }, x);
    protected override Expr ExpandDims(CanonicalNode n, Expr x, long axis) => Op(n, "expand_dims", new R.ExpandDimsAttrs { Axis = axis, NumNewaxis = 1 }, x);
    protected override Expr Squeeze(CanonicalNode n, Expr x, IReadOnlyList<long> axes) => Op(n, "squeeze", new R.SqueezeAttrs { Axis = VA(axes) }, x);
    protected override Expr Concat(CanonicalNode n, IReadOnlyList<Expr> xs, long axis) => Op(n, "concatenate", new R.ConcatenateAttrs { Axis = axis }, Tup(xs));
    protected override Expr Stack(CanonicalNode n, IReadOnlyList<Expr> xs, long axis) => Op(n, "stack", new R.StackAttrs { Axis = axis }, Tup(xs));
    protected override Expr Take(CanonicalNode n, Expr x, Expr indices, long axis) => Op(n, "take", new R.TakeAttrs { Axis = axis, Mode = "clip" }, x, indices);
    protected override Expr GatherElements(CanonicalNode n, Expr x, Expr indices, long axis) => Op(n, "gather", new R.GatherAttrs { Axis = axis }, x, indices);

    protected override Expr ReduceOver(CanonicalNode n, string op, Expr x, IReadOnlyList<long>? axes, bool keepdims) =>
        Op(n, op, new R.ReduceAttrs { Axis = axes is null ? null : (ValueArray<long>?)VA(axes), Keepdims = keepdims }, x);

    protected override Expr SoftmaxAlong(CanonicalNode n, Expr x, long axis, bool log = false) =>
        Op(n, log ? "nn.log_softmax" : "nn.softmax", new R.SoftmaxAttrs { Axis = axis }, x);

    /// <summary>A constant range: Relay's <c>arange</c> of a symbolic length is a dyn op from_onnx never emitted here.</summary>
    protected override Expr Arange(CanonicalNode n, SymExpr len, DataType dtype)
    {
        var l = len.AsConst ?? throw Unsupported(n, $"a range of symbolic length {len}");
        var t = Tensor.Zeros(dtype, l);
        for (long i = 0; i < l; i++) t.SetDouble(i, i);
        return Const(t);
    }

    protected override Expr Clamp(CanonicalNode n, Expr x, double lo, double hi) => Op(n, "clip", new R.ClipAttrs { AMin = lo, AMax = hi }, x);

    protected override Expr Repeat(CanonicalNode n, Expr x, long repeats, long axis) => Op(n, "repeat", new R.RepeatAttrs { Repeats = repeats, Axis = axis }, x);

    protected override Expr PadOp(CanonicalNode n, Expr x, long[][] widths, string mode) =>
        Op(n, "nn.pad", new R.PadAttrs { PadWidth = new ValueArray<ValueArray<long>>([.. widths.Select(w => VA(w))]), PadMode = mode }, x,
            XOpt(n, 2) ?? ScalarLike(n, 0, 0));

    protected override Expr Zeros(CanonicalNode n, IReadOnlyList<long> shape, DataType dtype) => Op(n, "zeros", new R.InitOpAttrs { Shape = VA(shape), Dtype = DT(dtype) });

    protected override Expr BroadcastTo(CanonicalNode n, Expr x, IReadOnlyList<SymExpr> shape) =>
        Op(n, "broadcast_to", new R.InitOpAttrs
        {
            Shape = VA(shape.Select(d => d.AsConst ?? throw Unsupported(n, "a symbolic input shape (Relay broadcast_to needs a static shape)")).ToArray()),
        }, x);

    protected override Expr ScatterElements(CanonicalNode n, Expr data, Expr indices, Expr updates, long axis) =>
        Op(n, "scatter_elements", new R.ScatterElementsAttrs { Axis = axis }, data, indices, updates);

    protected override Expr Field(CanonicalNode n, Expr tuple, int index) => Item(tuple, index);
}

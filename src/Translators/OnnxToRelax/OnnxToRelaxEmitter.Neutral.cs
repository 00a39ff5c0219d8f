using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relax;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

// The neutral vocabulary of OnnxEmitterBase in Relax's spelling (Reshape lives in the main file).
public sealed partial class OnnxToRelaxEmitter
{
    protected override Expr Elem(CanonicalNode n, string op, params Expr[] args) => Op(n, op, null, args);
    protected override Expr Cast(CanonicalNode n, Expr x, DataType dtype) => Op(n, "astype", new RA.AstypeAttrs { Dtype = dtype }, x);
    protected override Expr Transpose(CanonicalNode n, Expr x, IReadOnlyList<long> axes) => Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA(axes) }, x);
    protected override Expr ExpandDims(CanonicalNode n, Expr x, long axis) => Op(n, "expand_dims", new RA.ExpandDimsAttrs { Axis = VA([axis]) }, x);
    protected override Expr Squeeze(CanonicalNode n, Expr x, IReadOnlyList<long> axes) => Op(n, "squeeze", new RA.SqueezeAttrs { Axis = VA(axes) }, x);
    protected override Expr Concat(CanonicalNode n, IReadOnlyList<Expr> xs, long axis) => Op(n, "concat", new RA.ConcatAttrs { Axis = axis }, RelaxEmitBuilder.Tuple(xs));
    protected override Expr Stack(CanonicalNode n, IReadOnlyList<Expr> xs, long axis) => Op(n, "stack", new RA.StackAttrs { Axis = axis }, RelaxEmitBuilder.Tuple(xs));
    protected override Expr Take(CanonicalNode n, Expr x, Expr indices, long axis) => Op(n, "take", new RA.TakeAttrs { Axis = axis }, x, indices);
    protected override Expr GatherElements(CanonicalNode n, Expr x, Expr indices, long axis) => Op(n, "gather_elements", new RA.GatherElementsAttrs { Axis = axis }, x, indices);

    protected override Expr ReduceOver(CanonicalNode n, string op, Expr x, IReadOnlyList<long>? axes, bool keepdims) =>
        Op(n, op, new RA.StatisticalAttrs { Axis = axes is null ? null : (ValueArray<long>?)VA(axes), Keepdims = keepdims }, x);

    protected override Expr SoftmaxAlong(CanonicalNode n, Expr x, long axis, bool log = false) =>
        Op(n, log ? "nn.log_softmax" : "nn.softmax", new RA.SoftmaxAttrs { Axis = axis }, x);

    protected override Expr MatMul(CanonicalNode n, Expr a, Expr b) => Op(n, "matmul", null, a, b);

    protected override Expr Arange(CanonicalNode n, SymExpr len, DataType dtype) =>
        Op(n, "arange", new RA.InitAttrs { Dtype = dtype }, PrimValue.Int64(0), PrimValue.Int64(len), PrimValue.Int64(1));

    protected override Expr Repeat(CanonicalNode n, Expr x, long repeats, long axis) => Op(n, "repeat", new RA.RepeatAttrs { Repeats = repeats, Axis = axis }, x);

    /// <summary>R.nn.pad takes the constant as an attribute: input 2 must be a constant.</summary>
    protected override Expr PadOp(CanonicalNode n, Expr x, long[][] widths, string mode)
    {
        double value = 0;
        if (n.Input(2).IsPresent) value = (ConstOf(n.Input(2)) ?? throw Unsupported(n, "constant_value must be a constant")).GetDouble(0);
        return Op(n, "nn.pad", new RA.PadAttrs { PadWidth = VA(widths.SelectMany(w => w)), PadValue = value, PadMode = mode }, x);
    }

    protected override Expr Zeros(CanonicalNode n, IReadOnlyList<long> shape, DataType dtype) =>
        Op(n, "full", new RA.InitAttrs { Dtype = dtype }, RelaxEmitBuilder.Shape(shape.Select(d => (SymExpr)d)), Scalar(dtype, 0));
    protected override Expr BroadcastTo(CanonicalNode n, Expr x, IReadOnlyList<SymExpr> shape) => Op(n, "broadcast_to", null, x, RelaxEmitBuilder.Shape(shape));
    protected override Expr ScatterElements(CanonicalNode n, Expr data, Expr indices, Expr updates, long axis) =>
        Op(n, "scatter_elements", new RA.ScatterElementsAttrs { Axis = axis, Reduction = "update" }, data, indices, updates);

    protected override Expr Field(CanonicalNode n, Expr tuple, int index) => _b.Emit(RelaxEmitBuilder.Item(tuple, index), "lv", n.Loc);
}

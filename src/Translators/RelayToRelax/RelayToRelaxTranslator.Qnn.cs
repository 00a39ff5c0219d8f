using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;
using Relax = Bridge.Ir.Relax;
using RelayOps = Bridge.Ir.Ops.Relay;
using RelaxOps = Bridge.Ir.Ops.Relax;
using E = Bridge.Ir.Ops.Spec.ElementwiseSpec;

namespace Bridge.Translators.RelayToRelax;

// QNN ops by their meaning (relay-formats §5.2.11): quantize/dequantize map to Relax's; integer conv/dense/batch_matmul are
// exact int32 arithmetic on zero-point-shifted operands; the rest are dequantize → float op → quantize. requantize through
// float can differ from TVM's fixed-point rounding by one unit in the last place of the output scale.
public sealed partial class RelayToRelaxTranslator
{
    private static void RegisterQnn(Dictionary<string, OpConverter> t)
    {
        t["qnn.quantize"] = c =>
        {
            var a = c.A<RelayOps.QuantizeAttrs>();
            return c.Op("quantize", new QuantizeAttrs { OutDtype = OpCall.DT(a.OutDtype) ?? DataType.Int8, Axis = QAxis(c, a.Axis) }, c.Arg(0), c.Arg(1), c.Arg(2));
        };
        t["qnn.dequantize"] = c =>
        {
            var a = c.A<RelayOps.DequantizeAttrs>();
            return c.Op("dequantize", new QuantizeAttrs { OutDtype = OpCall.DT(a.OutDtype) ?? DataType.Float32, Axis = QAxis(c, a.Axis) }, c.Arg(0), c.Arg(1), c.Arg(2));
        };
        t["qnn.requantize"] = c =>
        {
            var a = c.A<RelayOps.RequantizeAttrs>();
            var f = Deq(c, c.Arg(0), c.Arg(1), c.Arg(2), a.Axis);
            return Q(c, f, c.Arg(3), c.Arg(4), a.Axis, c.OutTT.DType);
        };
        t["qnn.conv2d"] = c =>
        {
            var a = c.A<RelayOps.Conv2DAttrs>();
            var (d, w) = (Shifted(c, 0, 2), Shifted(c, 1, 3, a.KernelLayout.IndexOf('O', StringComparison.Ordinal)));
            return c.Op("nn.conv2d", new ConvAttrs
            {
                Strides = a.Strides, Padding = ExpandPadding(c, a.Padding, 2), Dilation = a.Dilation, Groups = a.Groups,
                DataLayout = a.DataLayout, KernelLayout = a.KernelLayout, OutLayout = Out(a.OutLayout, a.DataLayout), OutDtype = DataType.Int32,
            }, d, w);
        };
        t["qnn.dense"] = c =>
        {
            var (d, w) = (Shifted(c, 0, 2), Shifted(c, 1, 3, 0));
            var wt = c.Emit("permute_dims", new PermuteDimsAttrs { Axes = [1, 0] }, w);
            return c.Op("matmul", new RelaxOps.MatmulAttrs { OutDtype = DataType.Int32 }, d, wt);
        };
        t["qnn.batch_matmul"] = c =>
        {
            var a = c.A<RelayOps.BatchMatmulAttrs>();
            var (x, y) = (Shifted(c, 0, 2), Shifted(c, 1, 3));
            if (a.TransposeA) x = c.Emit("permute_dims", new PermuteDimsAttrs { Axes = [0, 2, 1] }, x);
            if (a.TransposeB) y = c.Emit("permute_dims", new PermuteDimsAttrs { Axes = [0, 2, 1] }, y);
            return c.Op("matmul", new RelaxOps.MatmulAttrs { OutDtype = DataType.Int32 }, x, y);
        };
        foreach (var (q, op) in new[] { ("qnn.add", "add"), ("qnn.subtract", "subtract"), ("qnn.mul", "multiply") })
        {
            var relaxOp = op;
            t[q] = c =>
            {
                var a = c.A<RelayOps.BroadcastAttrs>();
                var l = Deq(c, c.Arg(0), c.Arg(2), c.Arg(3), a.LhsAxis);
                var r = Deq(c, c.Arg(1), c.Arg(4), c.Arg(5), a.RhsAxis);
                return Q(c, c.Emit(relaxOp, l, r), c.Arg(6), c.Arg(7), -1, c.OutTT.DType);
            };
        }
        t["qnn.concatenate"] = c =>
        {
            var data = TupleFields(c, 0);
            var scales = TupleFields(c, 1);
            var zps = TupleFields(c, 2);
            ImmutableArray<Relax.Expr> fs = [.. data.Select((d, i) => (Relax.Expr)Deq(c, d, scales[i], zps[i], -1))];
            var tup = new Relax.TupleExpr(fs) { Info = new Relax.TupleSInfo(new ValueArray<Relax.StructInfo>(fs.Select(f => f.Info!))) };
            var cat = c.Emit("concat", new RelaxOps.ConcatAttrs { Axis = c.A<RelayOps.ConcatenateAttrs>().Axis }, tup);
            return Q(c, cat, c.Arg(3), c.Arg(4), -1, c.OutTT.DType);
        };
        foreach (var (q, op) in new[] { ("qnn.sigmoid", "sigmoid"), ("qnn.tanh", "tanh"), ("qnn.exp", "exp"), ("qnn.sqrt", "sqrt"),
                     ("qnn.rsqrt", "rsqrt"), ("qnn.erf", "erf"), ("qnn.log", "log"), ("qnn.abs", "abs") })
        {
            var relaxOp = op;
            t[q] = c => Q(c, c.Emit(relaxOp, Deq(c, c.Arg(0), c.Arg(1), c.Arg(2), -1)), c.Arg(3), c.Arg(4), -1, c.OutTT.DType);
        }
        t["qnn.hardswish"] = c =>
        {
            // x · relu6(x + 3) / 6
            var x = Deq(c, c.Arg(0), c.Arg(1), c.Arg(2), -1);
            var f32 = DataType.Float32;
            var p = c.Emit(E.Add, x, OpCall.Scalar(3, f32));
            var r6 = c.Emit("clip", p, new Relax.PrimValue(f32, null, 0) { Info = new Relax.PrimSInfo(f32) }, new Relax.PrimValue(f32, null, 6) { Info = new Relax.PrimSInfo(f32) });
            var m = c.Emit(E.Multiply, x, r6);
            return Q(c, c.Emit(E.Divide, m, OpCall.Scalar(6, f32)), c.Arg(3), c.Arg(4), -1, c.OutTT.DType);
        };
        t["qnn.softmax"] = c =>
            Q(c, c.Emit("nn.softmax", new RelaxOps.SoftmaxAttrs { Axis = c.A<RelayOps.SoftmaxAttrs>().Axis }, Deq(c, c.Arg(0), c.Arg(1), c.Arg(2), -1)), c.Arg(3), c.Arg(4), -1, c.OutTT.DType);
        t["qnn.leaky_relu"] = c =>
            Q(c, c.Emit("nn.leakyrelu", new RelaxOps.LeakyReluAttrs { Alpha = c.A<RelayOps.LeakyReluAttrs>().Alpha }, Deq(c, c.Arg(0), c.Arg(1), c.Arg(2), -1)), c.Arg(3), c.Arg(4), -1, c.OutTT.DType);
        t["qnn.avg_pool2d"] = c =>
        {
            var a = c.A<RelayOps.AvgPool2DAttrs>();
            var x = Deq(c, c.Arg(0), c.Arg(1), c.Arg(2), -1);
            var p = c.Emit("nn.avg_pool2d", new PoolAttrs
            {
                PoolSize = a.PoolSize ?? throw c.Fail("pool_size is required"), Strides = a.Strides, Dilation = a.Dilation,
                Padding = ExpandPadding(c, a.Padding, 2), CeilMode = a.CeilMode, CountIncludePad = a.CountIncludePad,
                Layout = a.Layout, OutLayout = Out(a.OutLayout, a.Layout),
            }, x);
            return Q(c, p, c.Arg(3), c.Arg(4), -1, c.OutTT.DType);
        };
        NoTranslation("quantized transposed convolution is not translated", "qnn.conv2d_transpose");
    }

    private static long QAxis(OpCall c, long axis) => c.Rank(0) == 0 ? -1 : axis;

    private static Relax.Var Deq(OpCall c, Relax.Expr x, Relax.Expr scale, Relax.Expr zp, long axis) =>
        c.Emit("dequantize", new QuantizeAttrs { OutDtype = DataType.Float32, Axis = axis }, x, scale, zp);

    private static Relax.Expr Q(OpCall c, Relax.Expr x, Relax.Expr scale, Relax.Expr zp, long axis, DataType outDtype) =>
        c.Op("quantize", new QuantizeAttrs { OutDtype = outDtype, Axis = axis }, x, scale, zp);

    /// <summary>
    /// Argument <paramref name="i"/> as int32 minus its zero point (argument <paramref name="zpArg"/>); a per-channel (vector)
    /// zero point lies along <paramref name="axis"/> of argument <paramref name="i"/> (the kernel's output channels).
    /// </summary>
    private static Relax.Expr Shifted(OpCall c, int i, int zpArg, int axis = -1)
    {
        var x = c.TT(i).DType == DataType.Int32 ? c.Arg(i) : c.Emit("astype", new AstypeAttrs { Dtype = DataType.Int32 }, c.Arg(i));
        if (c.ConstScalar(zpArg) == 0) return x;
        Relax.Expr zp = c.TT(zpArg).DType == DataType.Int32 ? c.Arg(zpArg) : c.Emit("astype", new AstypeAttrs { Dtype = DataType.Int32 }, c.Arg(zpArg));
        if (axis >= 0 && c.TT(zpArg) is { Rank: 1 } zt && zt.Shape[0].AsConst != 1)
            zp = c.Emit("reshape", zp, OpCall.Shape([zt.Shape[0], .. Enumerable.Repeat((Core.Shapes.SymExpr)1, c.Rank(i) - axis - 1)]));
        return c.Emit(E.Subtract, x, zp);
    }
}

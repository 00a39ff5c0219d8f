
namespace Bridge.Backends.Reference;

// Relay qnn.* adapters (relay-formats §5.2.11). quantize/dequantize/requantize are affine maps (Quant); integer conv, dense and
// batch_matmul subtract the zero points in int32 and accumulate exactly (int32 out); the elementwise and pooling qnn ops are
// dequantize → float op → quantize (ONNX Runtime computes QLinearAdd/Mul/Sigmoid/… the same way, through float).
public static partial class ReferenceKernels
{
    private static void RegisterQnn()
    {
        Relay("qnn.quantize", c => V(Quant.Quantize(c.T(0), c.T(1), c.T(2), c.Long("axis", -1), c.OutDType ?? c.DType("out_dtype") ?? DataType.Int8)));
        Relay("qnn.dequantize", c => V(Quant.Dequantize(c.T(0), c.T(1), c.T(2), c.Long("axis", -1), c.DType("out_dtype"))));
        Relay("qnn.requantize", c =>
        {
            var rounding = c.Str("rounding", "None") switch
            {
                "TONEAREST" => QuantRounding.AwayFromZero,
                "UPWARD" or "None" or "" => QuantRounding.Upward,
                var r => throw c.Error($"unknown rounding '{r}'"),
            };
            return V(Quant.Requantize(c.T(0), c.T(1), c.T(2), c.T(3), c.T(4), c.Long("axis", -1), rounding, c.OutDType ?? c.DType("out_dtype") ?? DataType.Int8));
        });
        Relay("qnn.conv2d", c =>
        {
            var p = ConvOf(c);
            var oAxis = p.KernelLayout.IndexOf('O', StringComparison.Ordinal);
            var d = Quant.Shift(c.T(0), c.T(2), 0);
            var w = Quant.Shift(c.T(1), c.T(3), oAxis);
            return V(Conv.Forward(d, w, p with { OutDType = c.OutDType ?? p.OutDType ?? DataType.Int32 }));
        });
        Relay("qnn.dense", c =>
        {
            var d = Quant.Shift(c.T(0), c.T(2), 0);
            var w = Quant.Shift(c.T(1), c.T(3), 0);
            return V(Linalg.Dense(d, w, c.OutDType ?? c.DType("out_dtype") ?? DataType.Int32));
        });
        Relay("qnn.batch_matmul", c =>
        {
            var x = Quant.Shift(c.T(0), c.T(2), 0);
            var y = Quant.Shift(c.T(1), c.T(3), 0);
            return V(Linalg.BatchMatmul(x, y, c.Bool("transpose_a"), c.Bool("transpose_b", true), c.OutDType ?? c.DType("out_dtype") ?? DataType.Int32));
        });
        foreach (var (name, op) in new[] { ("qnn.add", BinaryOp.Add), ("qnn.subtract", BinaryOp.Subtract), ("qnn.mul", BinaryOp.Multiply) })
        {
            var bop = op;
            Relay(name, c =>
            {
                var l = Quant.Dequantize(c.T(0), c.T(2), c.T(3), c.Long("lhs_axis", -1));
                var r = Quant.Dequantize(c.T(1), c.T(4), c.T(5), c.Long("rhs_axis", -1));
                return V(Quant.Quantize(Elementwise.Binary(bop, l, r), c.T(6), c.T(7), -1, c.OutDType ?? c.T(0).DType));
            });
        }
        Relay("qnn.concatenate", c =>
        {
            var xs = c.Tensors(0);
            var scales = c.Tensors(1);
            var zps = c.Tensors(2);
            if (scales.Count != xs.Count || zps.Count != xs.Count) throw c.Error($"{xs.Count} inputs but {scales.Count} scales and {zps.Count} zero points");
            var f = xs.Select((x, i) => Quant.Dequantize(x, scales[i], zps[i], -1)).ToList();
            return V(Quant.Quantize(Manipulate.Concat(f, c.Long("axis")), c.T(3), c.T(4), -1, c.OutDType ?? xs[0].DType));
        });
        foreach (var (name, op) in new[]
                 {
                     ("qnn.sigmoid", UnaryOp.Sigmoid), ("qnn.tanh", UnaryOp.Tanh), ("qnn.exp", UnaryOp.Exp), ("qnn.sqrt", UnaryOp.Sqrt),
                     ("qnn.rsqrt", UnaryOp.Rsqrt), ("qnn.erf", UnaryOp.Erf), ("qnn.hardswish", UnaryOp.HardSwish), ("qnn.log", UnaryOp.Log),
                     ("qnn.abs", UnaryOp.Abs),
                 })
        {
            var uop = op;
            Relay(name, c => V(QnnUnary(c, x => Elementwise.Unary(uop, x))));
        }
        Relay("qnn.leaky_relu", c => V(QnnUnary(c, x => Elementwise.Unary(UnaryOp.LeakyRelu, x, new UnaryParams(Alpha: c.Double("alpha", 0.25))))));
        Relay("qnn.softmax", c => V(QnnUnary(c, x => Reduce.Softmax(x, c.Long("axis", -1)))));
        Relay("qnn.avg_pool2d", c => V(QnnUnary(c, x => Pool.Window(PoolKind.Avg, x, PoolOf(c)))));
    }

    /// <summary>quantize(f(dequantize(x, arg1, arg2)), arg3, arg4): the layout of every unary qnn op.</summary>
    private static Tensor QnnUnary(KernelCall c, Func<Tensor, Tensor> f)
    {
        var x = c.T(0);
        var y = f(Quant.Dequantize(x, c.T(1), c.T(2), -1));
        return Quant.Quantize(y, c.T(3), c.T(4), -1, c.OutDType ?? x.DType);
    }
}

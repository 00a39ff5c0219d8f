using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relax;
using O = Bridge.Importers.Onnx.Ops;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

// Quantization in Relax (TVM's Relax frontend maps QuantizeLinear/DequantizeLinear to R.quantize/R.dequantize and has no qnn
// dialect): integer conv/matmul are int32 arithmetic on zero-point-shifted operands (exact, as ORT's int32 accumulation);
// requantize is float32(acc) · (a_scale·b_scale) → R.quantize(y_scale, y_zero_point); elementwise QLinear ops are
// dequantize → float op → quantize, as ORT computes them. The float requantize can differ from ORT's by one unit where the
// scaled value lies at a rounding tie after float rounding.
public sealed partial class OnnxToRelaxEmitter
{
    private static void AddQuantRules(Dictionary<string, Rule> t)
    {
        t["QuantizeLinear"] = (e, n) =>
        {
            var a = n.AttrsAs<QuantizeLinearAttrs>();
            var odt = e.QuantOutDType(n, a.OutputDtype);
            if (a.BlockSize > 0) { e.Out(n, e.BlockedQuantize(n, a.Axis, a.BlockSize, odt)); return; }
            e.Out(n, e.Op(n, "quantize", new RA.QuantizeAttrs { OutDtype = odt, Axis = e.QAxis(n, 1, a.Axis) }, e.X(n, 0), e.X(n, 1), e.ZeroPoint(n, 2, odt)));
        };
        t["DequantizeLinear"] = (e, n) =>
        {
            var a = n.AttrsAs<DequantizeLinearAttrs>();
            var xdt = e.DTypeOfValue(n, 0);
            if (!xdt.IsInt && !xdt.IsUInt) throw e.Unsupported(n, $"dequantizing {xdt} (only integer types)");
            if (a.BlockSize > 0) { e.Out(n, e.BlockedDequantize(n, a.Axis, a.BlockSize)); return; }
            e.Out(n, e.Op(n, "dequantize", new RA.QuantizeAttrs { OutDtype = DataType.Float32, Axis = e.QAxis(n, 1, a.Axis) }, e.X(n, 0), e.X(n, 1), e.ZeroPoint(n, 2, xdt)));
        };
        t["DynamicQuantizeLinear"] = (e, n) =>
        {
            var (y, s, z) = e.DynamicQuantize(n, e.X(n, 0));
            e.Out(n, y, 0); e.Out(n, s, 1); e.Out(n, z, 2);
        };
        t["QLinearConv"] = (e, n) =>
        {
            var r = e.Rank(n, 0) - 2;
            var acc = e.QConv(n, e.Shift(n, e.X(n, 0), e.XOpt(n, 2), -1, r + 2), e.Shift(n, e.X(n, 3), e.XOpt(n, 5), 0, r + 2), n.AttrsAs<QLinearConvAttrs>().Group);
            acc = e.AddChannelBias(n, acc, 8, r);
            var scale = e.PerAxis(n, e.Op(n, "multiply", null, e.X(n, 1), e.X(n, 4)), 1, r + 2);
            e.Out(n, e.Requantize(n, acc, scale, 6, 7));
        };
        t["ConvInteger"] = (e, n) =>
        {
            var r = e.Rank(n, 0) - 2;
            e.Out(n, e.QConv(n, e.Shift(n, e.X(n, 0), e.XOpt(n, 2), -1, r + 2), e.Shift(n, e.X(n, 1), e.XOpt(n, 3), 0, r + 2), n.AttrsAs<O.ConvAttrs>().Group));
        };
        t["QLinearMatMul"] = (e, n) =>
        {
            var acc = e.QMatMul(n, e.X(n, 0), e.X(n, 3), e.XOpt(n, 2), e.XOpt(n, 5));
            e.Out(n, e.Requantize(n, acc, e.Op(n, "multiply", null, e.X(n, 1), e.X(n, 4)), 6, 7));
        };
        t["MatMulInteger"] = (e, n) => e.Out(n, e.QMatMul(n, e.X(n, 0), e.X(n, 1), e.XOpt(n, 2), e.XOpt(n, 3)));
        t["MatMulInteger16"] = (e, n) => e.Out(n, e.QMatMul(n, e.X(n, 0), e.X(n, 1), null, null));
        t["MatMulIntegerToFloat"] = (e, n) =>
        {
            var acc = e.QMatMul(n, e.X(n, 0), e.X(n, 1), e.XOpt(n, 4), e.XOpt(n, 5));
            e.Out(n, e.IntToFloat(n, acc, e.Op(n, "multiply", null, e.X(n, 2), e.X(n, 3)), e.XOpt(n, 6)));
        };
        t["DynamicQuantizeMatMul"] = (e, n) =>
        {
            var (aq, asc, azp) = e.DynamicQuantize(n, e.X(n, 0));
            var acc = e.QMatMul(n, aq, e.X(n, 1), azp, e.XOpt(n, 3));
            e.Out(n, e.IntToFloat(n, acc, e.Op(n, "multiply", null, asc, e.X(n, 2)), e.XOpt(n, 4)));
        };
        t["QGemm"] = (e, n) =>
        {
            var a = n.AttrsAs<QGemmAttrs>();
            if (e.Rank(n, 0) != 2 || e.Rank(n, 3) != 2) throw e.Unsupported(n, "operands that are not 2-D");
            Expr A = e.Shift(n, e.X(n, 0), e.XOpt(n, 2), -1, 2), B = e.Shift(n, e.X(n, 3), e.XOpt(n, 5), a.TransB ? 0 : 1, 2);
            if (a.TransA) A = e.Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([1, 0]) }, A);
            if (a.TransB) B = e.Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([1, 0]) }, B);
            Expr acc = e.Op(n, "matmul", new RA.MatmulAttrs { OutDtype = DataType.Int32 }, A, B);
            if (n.Input(6).IsPresent) acc = e.Op(n, "add", null, acc, e.X(n, 6));
            Expr scale = e.Op(n, "multiply", null, e.X(n, 1), e.X(n, 4));
            if (a.Alpha != 1) scale = e.Op(n, "multiply", null, scale, Scalar(DataType.Float32, a.Alpha));
            e.Out(n, n.Input(7).IsPresent ? e.Requantize(n, acc, scale, 7, 8) : e.IntToFloat(n, acc, scale, null));
        };
        foreach (var (kind, op) in new[] { ("QLinearAdd", "add"), ("QLinearMul", "multiply") })
            t[kind] = (e, n) =>
            {
                var l = e.Deq(n, e.X(n, 0), e.X(n, 1), e.ZeroPoint(n, 2, e.DTypeOfValue(n, 0)));
                var r = e.Deq(n, e.X(n, 3), e.X(n, 4), e.ZeroPoint(n, 5, e.DTypeOfValue(n, 3)));
                e.Out(n, e.Q(n, e.Op(n, op, null, l, r), 6, 7));
            };
        t["QLinearSigmoid"] = (e, n) => e.Out(n, e.Q(n, e.Op(n, "sigmoid", null, e.Deq0(n)), 3, 4));
        t["QLinearLeakyRelu"] = (e, n) =>
            e.Out(n, e.Q(n, e.Op(n, "nn.leakyrelu", new RA.LeakyReluAttrs { Alpha = n.AttrsAs<QLinearLeakyReluAttrs>().Alpha }, e.Deq0(n)), 3, 4));
        t["QLinearSoftmax"] = (e, n) =>
        {
            var a = n.AttrsAs<QLinearSoftmaxAttrs>();
            var s = e.RequireShape(n, 0);
            var ax = (int)NormAxis(a.Axis, s.Length);
            var x = e.Deq0(n);
            if (a.Opset >= 13) { e.Out(n, e.Q(n, e.Op(n, "nn.softmax", new RA.SoftmaxAttrs { Axis = ax }, x), 3, 4)); return; }
            // opset < 13: softmax of the input coerced to 2-D at axis.
            var flat = e.Reshape(n, x, [Prod(s.Take(ax)), Prod(s.Skip(ax))]);
            e.Out(n, e.Q(n, e.Reshape(n, e.Op(n, "nn.softmax", new RA.SoftmaxAttrs { Axis = -1 }, flat), s), 3, 4));
        };
        t["QLinearAveragePool"] = (e, n) =>
        {
            var a = n.AttrsAs<QLinearAveragePoolAttrs>();
            var r = a.ResolvedKernel.Count;
            if (r is < 1 or > 3) throw e.Unsupported(n, $"{r}-D pooling");
            // channels_last: the pool runs in N…C layout; pads from SAME auto_pad would have been resolved on the wrong dims.
            if (a.ChannelsLast && a.AutoPad is "SAME_UPPER" or "SAME_LOWER") throw e.Unsupported(n, "channels_last=1 with auto_pad SAME");
            var layout = a.ChannelsLast ? "N" + Layout(r)[2..] + "C" : Layout(r);
            var p = e.Op(n, $"nn.avg_pool{r}d", new RA.PoolAttrs
            {
                PoolSize = VA(a.ResolvedKernel.Select(k => k.AsConst ?? throw e.Unsupported(n, "symbolic kernel"))), Strides = a.ResolvedStrides,
                Dilation = a.ResolvedDilations, Padding = VA(e.ExplicitPads(n, a.ExplicitPads)), CeilMode = a.CeilMode, CountIncludePad = a.CountIncludePad,
                Layout = layout, OutLayout = layout,
            }, e.Deq0(n));
            e.Out(n, e.Q(n, p, 3, 4));
        };
        t["QLinearGlobalAveragePool"] = (e, n) =>
        {
            var r = e.Rank(n, 0);
            var axes = n.AttrsAs<ChannelsLastAttrs>().ChannelsLast ? Enumerable.Range(1, r - 2) : Enumerable.Range(2, r - 2);
            var m = e.Op(n, "mean", new RA.StatisticalAttrs { Axis = VA(axes.Select(i => (long)i)), Keepdims = true }, e.Deq0(n));
            e.Out(n, e.Q(n, m, 3, 4));
        };
        t["QLinearConcat"] = (e, n) =>
        {
            if ((n.Inputs.Length - 2) % 3 != 0 || n.Inputs.Length < 5) throw e.Unsupported(n, $"{n.Inputs.Length} inputs (expected Y_scale, Y_zero_point and (tensor, scale, zero_point) triples)");
            var k = (n.Inputs.Length - 2) / 3;
            var fs = Enumerable.Range(0, k).Select(i => (Expr)e.Deq(n, e.X(n, 2 + 3 * i), e.X(n, 3 + 3 * i), e.X(n, 4 + 3 * i))).ToList();
            var cat = e.Op(n, "concat", new RA.ConcatAttrs { Axis = n.AttrsAs<QLinearConcatAttrs>().Axis }, RelaxEmitBuilder.Tuple(fs));
            e.Out(n, e.Q(n, cat, 0, 1, e.DTypeOfValue(n, 2)));
        };
    }

    /// <summary>The zero point input, or a 0 of <paramref name="dt"/> when it is absent (ONNX's default).</summary>
    private Expr ZeroPoint(CanonicalNode n, int input, DataType dt) => n.Input(input).IsPresent ? X(n, input) : Scalar(dt, 0);

    private Var Deq(CanonicalNode n, Expr x, Expr scale, Expr zp) =>
        Op(n, "dequantize", new RA.QuantizeAttrs { OutDtype = DataType.Float32, Axis = -1 }, x, scale, zp);

    /// <summary>Input 0 dequantized with inputs 1 and 2 (the QLinear unary layout).</summary>
    private Var Deq0(CanonicalNode n) => Deq(n, X(n, 0), X(n, 1), ZeroPoint(n, 2, DTypeOfValue(n, 0)));

    /// <summary>R.quantize of a float value to the (scale, zero point) inputs; the type is the zero point's (else input 0's).</summary>
    private Var Q(CanonicalNode n, Expr f, int scaleInput, int zpInput, DataType? dflt = null)
    {
        var odt = n.Input(zpInput).IsPresent ? DTypeOfValue(n, zpInput) : dflt ?? DTypeOfValue(n, 0);
        return Op(n, "quantize", new RA.QuantizeAttrs { OutDtype = odt, Axis = -1 }, f, X(n, scaleInput), ZeroPoint(n, zpInput, odt));
    }

    /// <summary>int32 accumulator → float32 · scale → R.quantize(y_scale, y_zero_point).</summary>
    private Var Requantize(CanonicalNode n, Expr acc, Expr scale, int ysInput, int yzpInput)
    {
        var f = Op(n, "multiply", null, Op(n, "astype", new RA.AstypeAttrs { Dtype = DataType.Float32 }, acc), scale);
        return Q(n, f, ysInput, yzpInput);
    }

    private Expr IntToFloat(CanonicalNode n, Expr acc, Expr scale, Expr? bias)
    {
        Expr y = Op(n, "multiply", null, Op(n, "astype", new RA.AstypeAttrs { Dtype = DataType.Float32 }, acc), scale);
        return bias is null ? y : Op(n, "add", null, y, bias);
    }

    /// <summary>A 1-d per-channel vector reshaped to broadcast along <paramref name="axis"/> of a rank-<paramref name="rank"/> value.</summary>
    private Expr PerAxis(CanonicalNode n, Expr v, int axis, int rank)
    {
        if (ShapeOf(v) is not [var len] || len.AsConst == 1) return v;
        var dims = Enumerable.Repeat((SymExpr)1, rank).ToArray();
        dims[axis] = len;
        return Reshape(n, v, dims[axis..]);
    }

    /// <summary>
    /// int32(x) − int32(zp): the operand of an integer conv/matmul. A vector zero point lies along <paramref name="axis"/>
    /// (−1: the input is per-tensor only; 0 for a conv weight's output channels or A's rows; 1 for B's columns).
    /// </summary>
    private Expr Shift(CanonicalNode n, Expr x, Expr? zp, int axis, int rank)
    {
        Expr xi = DTypeOf(x) == DataType.Int32 ? x : Op(n, "astype", new RA.AstypeAttrs { Dtype = DataType.Int32 }, x);
        if (zp is null || zp is Constant { Data: var c } && c.Length == 1 && c.GetDouble(0) == 0) return xi;
        Expr z = DTypeOf(zp) == DataType.Int32 ? zp : Op(n, "astype", new RA.AstypeAttrs { Dtype = DataType.Int32 }, zp);
        if (ShapeOf(zp) is [var len] && len.AsConst != 1)
        {
            if (axis < 0) throw Unsupported(n, "a per-axis zero point for an operand that only takes one");
            z = PerAxis(n, z, axis, rank);
        }
        return Op(n, "subtract", null, xi, z);
    }

    private Expr QConv(CanonicalNode n, Expr x, Expr w, long group)
    {
        var win = (WindowAttrs)n.Attrs;
        var r = win.ResolvedKernel.Count;
        if (r is < 1 or > 3) throw Unsupported(n, $"{r}-D convolution");
        return Op(n, $"nn.conv{r}d", new RA.ConvAttrs
        {
            Strides = win.ResolvedStrides, Padding = VA(ExplicitPads(n, win.ExplicitPads)), Dilation = win.ResolvedDilations, Groups = group,
            DataLayout = Layout(r), KernelLayout = KLayout(r, false), OutLayout = Layout(r), OutDtype = DataType.Int32,
        }, x, w);
    }

    /// <summary>Integer MatMul (numpy semantics, int32 out). A vector A zero point is per row, a vector B zero point per column.</summary>
    private Expr QMatMul(CanonicalNode n, Expr a, Expr b, Expr? azp, Expr? bzp)
    {
        var ra = ShapeOf(a)?.Length ?? throw Unsupported(n, "input A has unknown rank");
        var rb = ShapeOf(b)?.Length ?? throw Unsupported(n, "input B has unknown rank");
        var sa = Shift(n, a, azp, ra - 2, ra);
        var sb = Shift(n, b, bzp, rb - 1, rb);
        return Op(n, "matmul", new RA.MatmulAttrs { OutDtype = DataType.Int32 }, sa, sb);
    }

    /// <summary>DynamicQuantizeLinear (uint8): scale = (max(x,0) − min(x,0)) / 255, zp = round(clip(−min/scale, 0, 255)).</summary>
    private (Expr Y, Expr Scale, Expr Zp) DynamicQuantize(CanonicalNode n, Expr x)
    {
        var f0 = Scalar(DataType.Float32, 0);
        var mx = Op(n, "maximum", null, Op(n, "max", new RA.StatisticalAttrs(), x), f0);
        var mn = Op(n, "minimum", null, Op(n, "min", new RA.StatisticalAttrs(), x), f0);
        var scale = Op(n, "divide", null, Op(n, "subtract", null, mx, mn), Scalar(DataType.Float32, 255));
        var zf = Op(n, "subtract", null, f0, Op(n, "divide", null, mn, scale));
        zf = Op(n, "minimum", null, Op(n, "maximum", null, zf, f0), Scalar(DataType.Float32, 255));
        var zp = Op(n, "astype", new RA.AstypeAttrs { Dtype = DataType.UInt8 }, Op(n, "round", null, zf));
        var y = Op(n, "quantize", new RA.QuantizeAttrs { OutDtype = DataType.UInt8, Axis = -1 }, x, scale, zp);
        return (y, scale, zp);
    }
}

using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relay;
using O = Bridge.Importers.Onnx.Ops;
using R = Bridge.Ir.Ops.Relay;

namespace Bridge.Translators.OnnxToRelay;

// Quantization (QDQ, QLinear*, integer ops, com.microsoft QLinear contrib ops) as relay.frontend.from_onnx maps them: the qnn
// dialect. Integer conv/matmul are qnn.conv2d / qnn.dense / qnn.batch_matmul (int32 accumulation) followed by qnn.requantize
// with input scale a_scale·b_scale; elementwise QLinear ops are the matching qnn op (dequantize → float op → quantize).
public sealed partial class OnnxToRelayEmitter
{
    private static void AddQuantRules(Dictionary<string, Rule> t)
    {
        t["QuantizeLinear"] = (e, n) =>
        {
            var a = n.AttrsAs<QuantizeLinearAttrs>();
            var odt = e.QuantOutDType(n, a.OutputDtype);
            if (a.BlockSize > 0) { e.Out(n, e.BlockedQuantize(n, a.Axis, a.BlockSize, odt)); return; }
            var axis = e.QAxis(n, 1, a.Axis);
            e.Out(n, e.Op(n, "qnn.quantize", new R.QuantizeAttrs { OutDtype = DT(odt), Axis = axis }, e.X(n, 0), e.Scale(n, 1), e.ZeroPoint(n, 2, odt)));
        };
        t["DequantizeLinear"] = (e, n) =>
        {
            var a = n.AttrsAs<DequantizeLinearAttrs>();
            var xdt = e.DTypeOfValue(n, 0);
            if (!xdt.IsInt && !xdt.IsUInt) throw e.Unsupported(n, $"dequantizing {xdt} (only integer types)");
            if (a.BlockSize > 0) { e.Out(n, e.BlockedDequantize(n, a.Axis, a.BlockSize)); return; }
            e.Out(n, e.Op(n, "qnn.dequantize", new R.DequantizeAttrs { OutDtype = "float32", Axis = e.QAxis(n, 1, a.Axis) }, e.X(n, 0), e.Scale(n, 1), e.ZeroPoint(n, 2, xdt)));
        };
        t["DynamicQuantizeLinear"] = (e, n) =>
        {
            var (y, s, z) = e.DynamicQuantize(n, e.X(n, 0));
            e.Out(n, y, 0); e.Out(n, s, 1); e.Out(n, z, 2);
        };
        t["QLinearConv"] = (e, n) =>
        {
            var acc = e.QConv(n, 0, 3, e.ZeroPoint(n, 2, e.DTypeOfValue(n, 0)), e.ZeroPoint(n, 5, e.DTypeOfValue(n, 3)), e.Scale(n, 1), e.Scale(n, 4), n.AttrsAs<QLinearConvAttrs>().Group);
            if (n.Input(8).IsPresent) acc = e.Op(n, "nn.bias_add", new R.BiasAddAttrs { Axis = 1 }, acc, e.X(n, 8));
            var inScale = e.Op(n, "multiply", null, e.Scale(n, 1), e.Scale(n, 4));
            e.Out(n, e.Requantize(n, acc, inScale, 6, 7, 1));
        };
        t["ConvInteger"] = (e, n) =>
        {
            var one = e.Const(Tensor.Scalar(DataType.Float32, 1));
            e.Out(n, e.QConv(n, 0, 1, e.ZeroPoint(n, 2, e.DTypeOfValue(n, 0)), e.ZeroPoint(n, 3, e.DTypeOfValue(n, 1)), one, one, n.AttrsAs<O.ConvAttrs>().Group));
        };
        t["QLinearMatMul"] = (e, n) =>
        {
            var acc = e.QMatMul(n, 0, 3, e.ZeroPoint(n, 2, e.DTypeOfValue(n, 0)), e.ZeroPoint(n, 5, e.DTypeOfValue(n, 3)), e.Scale(n, 1), e.Scale(n, 4));
            e.Out(n, e.Requantize(n, acc, e.Op(n, "multiply", null, e.Scale(n, 1), e.Scale(n, 4)), 6, 7, -1));
        };
        t["MatMulInteger"] = (e, n) =>
        {
            var one = e.Const(Tensor.Scalar(DataType.Float32, 1));
            e.Out(n, e.QMatMul(n, 0, 1, e.ZeroPoint(n, 2, e.DTypeOfValue(n, 0)), e.ZeroPoint(n, 3, e.DTypeOfValue(n, 1)), one, one));
        };
        t["MatMulInteger16"] = (e, n) =>
        {
            var one = e.Const(Tensor.Scalar(DataType.Float32, 1));
            e.Out(n, e.QMatMul(n, 0, 1, e.Const(Tensor.Scalar(e.DTypeOfValue(n, 0), 0)), e.Const(Tensor.Scalar(e.DTypeOfValue(n, 1), 0)), one, one));
        };
        t["MatMulIntegerToFloat"] = (e, n) =>
        {
            var acc = e.QMatMul(n, 0, 1, e.ZeroPoint(n, 4, e.DTypeOfValue(n, 0)), e.ZeroPoint(n, 5, e.DTypeOfValue(n, 1)), e.Scale(n, 2), e.Scale(n, 3));
            e.Out(n, e.IntToFloat(n, acc, e.Op(n, "multiply", null, e.Scale(n, 2), e.Scale(n, 3)), n.Input(6).IsPresent ? e.X(n, 6) : null));
        };
        t["DynamicQuantizeMatMul"] = (e, n) =>
        {
            var (aq, asc, azp8) = e.DynamicQuantize(n, e.X(n, 0));
            var azp = e.Op(n, "cast", new R.CastAttrs { Dtype = "int32" }, azp8);
            var bdt = e.DTypeOfValue(n, 1);
            var acc = e.QMatMulExprs(n, aq, e.X(n, 1), e.RequireShape(n, 0), e.RequireShape(n, 1), azp, e.ZeroPoint(n, 3, bdt), asc, e.Scale(n, 2));
            e.Out(n, e.IntToFloat(n, acc, e.Op(n, "multiply", null, asc, e.Scale(n, 2)), n.Input(4).IsPresent ? e.X(n, 4) : null));
        };
        t["QGemm"] = (e, n) =>
        {
            var a = n.AttrsAs<QGemmAttrs>();
            if (e.Rank(n, 0) != 2 || e.Rank(n, 3) != 2) throw e.Unsupported(n, "operands that are not 2-D");
            Expr A = e.X(n, 0), B = e.X(n, 3);
            if (a.TransA) A = e.Op(n, "transpose", new R.TransposeAttrs { Axes = VA([1, 0]) }, A);
            // qnn.dense takes the weight as [units, in]; ONNX B is [in, units] unless transB.
            if (!a.TransB) B = e.Op(n, "transpose", new R.TransposeAttrs { Axes = VA([1, 0]) }, B);
            var acc = e.Op(n, "qnn.dense", new R.DenseAttrs { OutDtype = "int32" }, A, B, e.ZeroPoint(n, 2, e.DTypeOfValue(n, 0)), e.ZeroPoint(n, 5, e.DTypeOfValue(n, 3)), e.Scale(n, 1), e.Scale(n, 4));
            if (n.Input(6).IsPresent) acc = e.Op(n, "add", null, acc, e.X(n, 6));
            Expr scale = e.Op(n, "multiply", null, e.Scale(n, 1), e.Scale(n, 4));
            if (a.Alpha != 1) scale = e.Op(n, "multiply", null, scale, e.Const(Tensor.Scalar(DataType.Float32, a.Alpha)));
            e.Out(n, n.Input(7).IsPresent ? e.Requantize(n, acc, scale, 7, 8, -1) : e.IntToFloat(n, acc, scale, null));
        };
        foreach (var (kind, op) in new[] { ("QLinearAdd", "qnn.add"), ("QLinearMul", "qnn.mul") })
            t[kind] = (e, n) =>
            {
                var adt = e.DTypeOfValue(n, 0);
                e.Out(n, e.Op(n, op, new R.BroadcastAttrs(), e.X(n, 0), e.X(n, 3), e.Scale(n, 1), e.ZeroPoint(n, 2, adt), e.Scale(n, 4), e.ZeroPoint(n, 5, e.DTypeOfValue(n, 3)),
                    e.Scale(n, 6), e.ZeroPoint(n, 7, adt)));
            };
        t["QLinearSigmoid"] = (e, n) => e.Out(n, e.QUnary(n, "qnn.sigmoid", null, e.X(n, 0)));
        t["QLinearLeakyRelu"] = (e, n) => e.Out(n, e.QUnary(n, "qnn.leaky_relu", new R.LeakyReluAttrs { Alpha = n.AttrsAs<QLinearLeakyReluAttrs>().Alpha }, e.X(n, 0)));
        t["QLinearSoftmax"] = (e, n) =>
        {
            var a = n.AttrsAs<QLinearSoftmaxAttrs>();
            var s = e.RequireShape(n, 0);
            var ax = (int)NormAxis(a.Axis, s.Length);
            if (a.Opset >= 13) { e.Out(n, e.QUnary(n, "qnn.softmax", new R.SoftmaxAttrs { Axis = ax }, e.X(n, 0))); return; }
            // opset < 13: softmax of the input coerced to 2-D at axis.
            var flat = e.Reshape(n, e.X(n, 0), [Prod(s.Take(ax)), Prod(s.Skip(ax))]);
            e.Out(n, e.Reshape(n, e.QUnary(n, "qnn.softmax", new R.SoftmaxAttrs { Axis = -1 }, flat), s));
        };
        t["QLinearAveragePool"] = (e, n) =>
        {
            var a = n.AttrsAs<QLinearAveragePoolAttrs>();
            var r = a.ResolvedKernel.Count;
            if (r is < 1 or > 3) throw e.Unsupported(n, $"{r}-D pooling");
            // channels_last: the pool runs in N…C layout; pads from SAME auto_pad would have been resolved on the wrong dims.
            if (a.ChannelsLast && a.AutoPad is "SAME_UPPER" or "SAME_LOWER") throw e.Unsupported(n, "channels_last=1 with auto_pad SAME");
            var layout = a.ChannelsLast ? "N" + Layout(r)[2..] + "C" : Layout(r);
            var pool = VA(a.ResolvedKernel.Select(k => k.AsConst ?? throw e.Unsupported(n, "symbolic kernel")));
            var pads = VA(e.Pads(n, a.ExplicitPads));
            if (r == 2)
            {
                e.Out(n, e.QUnary(n, "qnn.avg_pool2d", new R.AvgPool2DAttrs
                {
                    PoolSize = pool, Strides = a.ResolvedStrides, Dilation = a.ResolvedDilations, Padding = pads, CeilMode = a.CeilMode,
                    CountIncludePad = a.CountIncludePad, Layout = layout,
                }, e.X(n, 0)));
                return;
            }
            // qnn has no 1-D/3-D pools: dequantize → nn.avg_pool{1,3}d → quantize (what qnn.avg_pool2d computes).
            Ir.Ops.Attrs attrs = r == 1
                ? new R.AvgPool1DAttrs { PoolSize = pool, Strides = a.ResolvedStrides, Dilation = a.ResolvedDilations, Padding = pads, CeilMode = a.CeilMode, CountIncludePad = a.CountIncludePad, Layout = layout }
                : new R.AvgPool3DAttrs { PoolSize = pool, Strides = a.ResolvedStrides, Dilation = a.ResolvedDilations, Padding = pads, CeilMode = a.CeilMode, CountIncludePad = a.CountIncludePad, Layout = layout };
            var xdt = e.DTypeOfValue(n, 0);
            var f = e.Op(n, "qnn.dequantize", new R.DequantizeAttrs { OutDtype = "float32" }, e.X(n, 0), e.Scale(n, 1), e.ZeroPoint(n, 2, xdt));
            var p = e.Op(n, $"nn.avg_pool{r}d", attrs, f);
            var odt = n.Input(4).IsPresent ? e.DTypeOfValue(n, 4) : xdt;
            e.Out(n, e.Op(n, "qnn.quantize", new R.QuantizeAttrs { OutDtype = DT(odt) }, p, e.Scale(n, 3), e.ZeroPoint(n, 4, odt)));
        };
        t["QLinearGlobalAveragePool"] = (e, n) =>
        {
            var r = e.Rank(n, 0);
            var xdt = e.DTypeOfValue(n, 0);
            var f = e.Op(n, "qnn.dequantize", new R.DequantizeAttrs { OutDtype = "float32" }, e.X(n, 0), e.Scale(n, 1), e.ZeroPoint(n, 2, xdt));
            var axes = n.AttrsAs<ChannelsLastAttrs>().ChannelsLast ? Enumerable.Range(1, r - 2) : Enumerable.Range(2, r - 2);
            var m = e.Op(n, "mean", new R.ReduceAttrs { Axis = VA(axes.Select(i => (long)i)), Keepdims = true }, f);
            e.Out(n, e.Op(n, "qnn.quantize", new R.QuantizeAttrs { OutDtype = DT(xdt) }, m, e.Scale(n, 3), e.ZeroPoint(n, 4, xdt)));
        };
        t["QLinearConcat"] = (e, n) =>
        {
            if ((n.Inputs.Length - 2) % 3 != 0 || n.Inputs.Length < 5) throw e.Unsupported(n, $"{n.Inputs.Length} inputs (expected Y_scale, Y_zero_point and (tensor, scale, zero_point) triples)");
            var k = (n.Inputs.Length - 2) / 3;
            var xs = Enumerable.Range(0, k).Select(i => e.X(n, 2 + 3 * i)).ToList();
            var ss = Enumerable.Range(0, k).Select(i => e.Scale(n, 3 + 3 * i)).ToList();
            var zs = Enumerable.Range(0, k).Select(i => e.ZeroPoint(n, 4 + 3 * i, DataType.Int32)).ToList();
            e.Out(n, e.Op(n, "qnn.concatenate", new R.ConcatenateAttrs { Axis = n.AttrsAs<QLinearConcatAttrs>().Axis }, e.Tup(xs), e.Tup(ss), e.Tup(zs), e.Scale(n, 0), e.ZeroPoint(n, 1, DataType.Int32)));
        };
    }

    /// <summary>
    /// A zero point as TVM's qnn ops take it: int32 (from_onnx casts them), a scalar when the input is one value or a constant
    /// vector of equal values (TVM's per-channel support is for scales), 0 when the input is absent (ONNX's default).
    /// </summary>
    private Expr ZeroPoint(CanonicalNode n, int input, DataType dt)
    {
        _ = dt;
        if (!n.Input(input).IsPresent) return Const(Tensor.Scalar(DataType.Int32, 0));
        if (ConstOf(n.Input(input)) is { } c)
        {
            var v = Enumerable.Range(0, (int)c.Length).Select(i => c.GetInt64(i)).ToArray();
            if (v.Length >= 1 && v.All(x => x == v[0])) return Const(Tensor.Scalar(DataType.Int32, v[0]));
            return Const(Tensor.FromArray([.. v.Select(x => (int)x)], v.Length));
        }
        var e = X(n, input);
        return DTypeOf(e) == DataType.Int32 ? e : Op(n, "cast", new R.CastAttrs { Dtype = "int32" }, e);
    }

    /// <summary>A scale: a one-value constant becomes a scalar (TVM's qnn ops take per-tensor scales as scalars).</summary>
    private Expr Scale(CanonicalNode n, int input) =>
        ConstOf(n.Input(input)) is { Length: 1, Rank: > 0 } c ? Const(Tensor.Scalar(c.DType, c.GetDouble(0))) : X(n, input);

    private Expr QUnary(CanonicalNode n, string op, Ir.Ops.Attrs? attrs, Expr x)
    {
        var xdt = DTypeOfValue(n, 0);
        return Op(n, op, attrs, x, Scale(n, 1), ZeroPoint(n, 2, xdt), Scale(n, 3), ZeroPoint(n, 4, xdt));
    }

    /// <summary>qnn.requantize of an int32 accumulator to (y_scale, y_zero_point) inputs; the output type is the zero point's.</summary>
    private Expr Requantize(CanonicalNode n, Expr acc, Expr inScale, int ysInput, int yzpInput, long axis)
    {
        var odt = n.Input(yzpInput).IsPresent ? DTypeOfValue(n, yzpInput) : DTypeOfValue(n, 0);
        var ax = axis < 0 && ShapeOf(acc) is { } s ? s.Length + axis : axis;
        return Op(n, "qnn.requantize", new R.RequantizeAttrs { Axis = ax, OutDtype = DT(odt) }, acc, inScale, Const(Tensor.Scalar(DataType.Int32, 0)),
            Scale(n, ysInput), ZeroPoint(n, yzpInput, odt));
    }

    /// <summary>float32(acc) · scale (+ bias): the float result of MatMulIntegerToFloat / QGemm without y_scale.</summary>
    private Expr IntToFloat(CanonicalNode n, Expr acc, Expr scale, Expr? bias)
    {
        var y = Op(n, "multiply", null, Op(n, "cast", new R.CastAttrs { Dtype = "float32" }, acc), scale);
        return bias is null ? y : Op(n, "add", null, y, bias);
    }

    /// <summary>DynamicQuantizeLinear (uint8): scale = (max(x,0) − min(x,0)) / 255, zp = round(clip(−min/scale, 0, 255)).</summary>
    private (Expr Y, Expr Scale, Expr Zp) DynamicQuantize(CanonicalNode n, Expr x)
    {
        var f0 = Const(Tensor.Scalar(DataType.Float32, 0));
        var mx = Op(n, "maximum", null, Op(n, "max", new R.ReduceAttrs(), x), f0);
        var mn = Op(n, "minimum", null, Op(n, "min", new R.ReduceAttrs(), x), f0);
        var scale = Op(n, "divide", null, Op(n, "subtract", null, mx, mn), Const(Tensor.Scalar(DataType.Float32, 255)));
        var zf = Op(n, "clip", new R.ClipAttrs { AMin = 0, AMax = 255 }, Op(n, "subtract", null, f0, Op(n, "divide", null, mn, scale)));
        var zr = Op(n, "round", null, zf);
        var y = Op(n, "qnn.quantize", new R.QuantizeAttrs { OutDtype = "uint8" }, x, scale, Op(n, "cast", new R.CastAttrs { Dtype = "int32" }, zr));
        return (y, scale, Op(n, "cast", new R.CastAttrs { Dtype = "uint8" }, zr));
    }

    /// <summary>qnn.conv2d (int32 accumulation) of inputs <paramref name="xi"/>, <paramref name="wi"/>; a 1-D conv runs as 2-D with H = 1.</summary>
    private Expr QConv(CanonicalNode n, int xi, int wi, Expr xzp, Expr wzp, Expr xs, Expr ws, long group)
    {
        var w = (WindowAttrs)n.Attrs;
        var r = w.ResolvedKernel.Count;
        if (r is not (1 or 2)) throw Unsupported(n, $"{r}-D convolution (qnn.conv2d is 2-D; 1-D runs as 2-D)");
        var kernel = w.ResolvedKernel.Select(k => k.AsConst ?? throw Unsupported(n, "symbolic kernel")).ToArray();
        var pads = Pads(n, w.ExplicitPads);
        long[] strides = [.. w.ResolvedStrides], dil = [.. w.ResolvedDilations];
        Expr x = X(n, xi), wt = X(n, wi);
        if (r == 1)
        {
            // (N, C, W) → (N, C, 1, W): kernel (1, k), pads (0, b, 0, e), strides/dilations (1, ·).
            var sx = RequireShape(n, xi);
            var sw = RequireShape(n, wi);
            x = Reshape(n, x, [sx[0], sx[1], 1, sx[2]]);
            wt = Reshape(n, wt, [sw[0], sw[1], 1, sw[2]]);
            (kernel, pads, strides, dil) = ([1, kernel[0]], [0, pads[0], 0, pads[1]], [1, strides[0]], [1, dil[0]]);
        }
        var attrs = new R.Conv2DAttrs
        {
            Strides = VA(strides), Padding = VA(pads), Dilation = VA(dil), Groups = group, KernelSize = VA(kernel),
            Channels = RequireShape(n, wi)[0].AsConst, OutDtype = "int32",
        };
        var y = Op(n, "qnn.conv2d", attrs, x, wt, xzp, wzp, xs, ws);
        return r == 1 ? Op(n, "squeeze", new R.SqueezeAttrs { Axis = VA([2]) }, y) : y;
    }

    private Expr QMatMul(CanonicalNode n, int ai, int bi, Expr azp, Expr bzp, Expr ascale, Expr bscale) =>
        QMatMulExprs(n, X(n, ai), X(n, bi), RequireShape(n, ai), RequireShape(n, bi), azp, bzp, ascale, bscale);

    /// <summary>
    /// Integer MatMul (int32 out) as from_onnx: B 2-D → qnn.dense with B transposed (A flattened to 2-D and back), equal ranks ≥ 3 →
    /// qnn.batch_matmul. A per-column B zero point stays along axis 0 of the transposed weight.
    /// </summary>
    private Expr QMatMulExprs(CanonicalNode n, Expr a, Expr b, IReadOnlyList<Core.Shapes.SymExpr> sa, IReadOnlyList<Core.Shapes.SymExpr> sb, Expr azp, Expr bzp, Expr ascale, Expr bscale)
    {
        if (sb.Count == 2 && sa.Count >= 2)
        {
            var bt = Op(n, "transpose", new R.TransposeAttrs { Axes = VA([1, 0]) }, b);
            var a2 = sa.Count == 2 ? a : Reshape(n, a, [Prod(sa.Take(sa.Count - 1)), sa[^1]]);
            var y = Op(n, "qnn.dense", new R.DenseAttrs { OutDtype = "int32" }, a2, bt, azp, bzp, ascale, bscale);
            return sa.Count == 2 ? y : Reshape(n, y, [.. sa.Take(sa.Count - 1), sb[1]]);
        }
        if (sa.Count == sb.Count && sa.Count >= 3)
        {
            if (ShapeOf(bzp) is { Length: > 0 } zs && zs.Any(d => d.AsConst != 1)) throw Unsupported(n, "a per-column zero point of a batched B");
            var lead = sa.Take(sa.Count - 2).ToList();
            var a3 = sa.Count == 3 ? a : Reshape(n, a, [Prod(lead), sa[^2], sa[^1]]);
            var b3 = sb.Count == 3 ? b : Reshape(n, b, [Prod(sb.Take(sb.Count - 2)), sb[^2], sb[^1]]);
            var y = Op(n, "qnn.batch_matmul", new R.BatchMatmulAttrs { TransposeA = false, TransposeB = false, OutDtype = "int32" }, a3, b3, azp, bzp, ascale, bscale);
            return sa.Count == 3 ? y : Reshape(n, y, [.. lead, sa[^2], sb[^1]]);
        }
        throw Unsupported(n, $"integer MatMul of ranks {sa.Count} and {sb.Count}");
    }
}

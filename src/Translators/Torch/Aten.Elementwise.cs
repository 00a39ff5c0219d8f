using Bridge.Importers.TorchScript.Code;
using static Bridge.Translators.Torch.OnnxGraphBuilder;

namespace Bridge.Translators.Torch;

/// <summary>Elementwise aten ops (unary, binary with broadcasting and torch's type promotion, comparisons, activations).</summary>
internal static partial class Aten
{
    private static void RegisterElementwise()
    {
        foreach (var (name, onnx) in new[]
                 {
                     ("reciprocal", "Reciprocal"), ("softsign", "Softsign"), ("hardswish", "HardSwish"), ("clone", "Identity"),
                     ("detach", "Identity"), ("contiguous", "Identity"), ("logical_not", "Not"), ("bitwise_not", "Not"), ("trunc", "Floor"),
                 })
            R((ev, c) => name == "trunc" ? Trunc(ev, T(ev, c, 0)) : name is "logical_not" or "bitwise_not" ? Unary(ev, "Not", ev.Cast(T(ev, c, 0), DataType.Bool))
                : Unary(ev, onnx, FloatIfNeeded(ev, T(ev, c, 0), onnx)), name);
        // aten ops that are one ONNX op of an elementwise spec row (Bridge.Ir.Ops.Spec.ElementwiseSpec).
        foreach (var row in Ir.Ops.Spec.ElementwiseSpec.All)
            if (row is { Aten: { } aten, Onnx: { } onnx, Arity: 1 })
                R((ev, c) => Unary(ev, onnx, FloatIfNeeded(ev, T(ev, c, 0), onnx)), aten);
        R((ev, c) => Unary(ev, "Sqrt", FloatIfNeeded(ev, T(ev, c, 0), "Sqrt")), "tensor::sqrt");
        R((ev, c) => Unary(ev, "Reciprocal", Unary(ev, "Sqrt", FloatIfNeeded(ev, T(ev, c, 0), "Sqrt"))), "rsqrt");
        R((ev, c) => Bin(ev, c, "Mul", T(ev, c, 0), T(ev, c, 0)), "square");
        R((ev, c) => Bin(ev, c, "Mul", T(ev, c, 0), Unary(ev, "Sigmoid", T(ev, c, 0))), "silu");
        R((ev, c) => Bin(ev, c, "Mul", T(ev, c, 0), Unary(ev, "Tanh", Unary(ev, "Softplus", T(ev, c, 0)))), "mish");
        R((ev, c) => Unary(ev, "Neg", Unary(ev, "Softplus", Unary(ev, "Neg", T(ev, c, 0)))), "log_sigmoid");
        R((ev, c) => Unary(ev, "Log", Bin(ev, c, "Add", T(ev, c, 0), 1.0)), "log1p");
        R((ev, c) => Bin(ev, c, "Sub", Unary(ev, "Exp", T(ev, c, 0)), 1.0), "expm1");
        R((ev, c) => Bin(ev, c, "Div", Unary(ev, "Log", T(ev, c, 0)), Math.Log(2)), "log2");
        R((ev, c) => Bin(ev, c, "Div", Unary(ev, "Log", T(ev, c, 0)), Math.Log(10)), "log10");
        R((ev, c) => Gelu(ev, c), "gelu");
        R((ev, c) => Unary(ev, "HardSigmoid", T(ev, c, 0), A("alpha", 1.0 / 6), A("beta", 0.5)), "hardsigmoid");
        R((ev, c) => Unary(ev, "LeakyRelu", T(ev, c, 0), A("alpha", D(ev, c, 1, "negative_slope", 0.01))), "leaky_relu");
        R((ev, c) => Unary(ev, "Elu", T(ev, c, 0), A("alpha", D(ev, c, 1, "alpha", 1.0))), "elu");
        R((ev, c) => Unary(ev, "Selu", T(ev, c, 0)), "selu");
        R((ev, c) => Unary(ev, "Celu", T(ev, c, 0), A("alpha", D(ev, c, 1, "alpha", 1.0))), "celu");
        R((ev, c) =>
        {
            var beta = D(ev, c, 1, "beta", 1.0);
            var x = T(ev, c, 0);
            return beta == 1 ? Unary(ev, "Softplus", x) : Bin(ev, c, "Div", Unary(ev, "Softplus", Bin(ev, c, "Mul", x, beta)), beta);
        }, "softplus");
        R((ev, c) => Clip(ev, T(ev, c, 0), D(ev, c, 1, "min_val", -1.0), D(ev, c, 2, "max_val", 1.0)), "hardtanh");
        R((ev, c) => Clip(ev, T(ev, c, 0), 0.0, 6.0), "relu6");
        R((ev, c) => Clip(ev, T(ev, c, 0), Arg(c, 1, "min"), Arg(c, 2, "max")), "clamp", "clip");
        R((ev, c) => Clip(ev, T(ev, c, 0), Arg(c, 1, "min"), null), "clamp_min");
        R((ev, c) => Clip(ev, T(ev, c, 0), null, Arg(c, 1, "max")), "clamp_max");

        // Binary (tensor forms; the Python-value forms are folded by the prim rules of the same name).
        R((ev, c) => AddSub(ev, c, "Add"), "tensor::add");
        R((ev, c) => AddSub(ev, c, "Sub"), "tensor::sub");
        R((ev, c) => Bin(ev, c, "Sub", Arg(c, 1, "other"), Alpha(ev, c, Arg(c, 0, "self"))), "rsub");
        R((ev, c) => Bin(ev, c, "Mul", Arg(c, 0, "self"), Arg(c, 1, "other")), "tensor::mul", "multiply");
        R((ev, c) => Div(ev, c, Arg(c, 2, "rounding_mode") as string), "tensor::div", "divide", "true_divide");
        R((ev, c) => Div(ev, c, "floor"), "tensor::floor_divide", "tensor::floordiv");
        R((ev, c) => Remainder(ev, c), "tensor::remainder");
        R((ev, c) => Bin(ev, c, "Mod", Arg(c, 0, "self"), Arg(c, 1, "other"), A("fmod", 1L)), "fmod");
        R((ev, c) => Bin(ev, c, "Pow", Arg(c, 0, "self"), Arg(c, 1, "exponent")), "tensor::pow");
        R((ev, c) => Bin(ev, c, "Max", Arg(c, 0, "self"), Arg(c, 1, "other")), "maximum", "fmax");
        R((ev, c) => Bin(ev, c, "Min", Arg(c, 0, "self"), Arg(c, 1, "other")), "minimum", "fmin");
        foreach (var (name, onnx) in new[] { ("eq", "Equal"), ("ne", "Equal"), ("lt", "Less"), ("gt", "Greater"), ("le", "LessOrEqual"), ("ge", "GreaterOrEqual") })
            R((ev, c) =>
            {
                var r = Bin(ev, c, onnx, Arg(c, 0, "self"), Arg(c, 1, "other"), bool_: true);
                return name == "ne" ? Unary(ev, "Not", r) : r;
            }, "tensor::" + name);
        foreach (var (name, onnx) in new[] { ("logical_and", "And"), ("logical_or", "Or"), ("logical_xor", "Xor"), ("tensor::__and__", "And"), ("tensor::__or__", "Or"), ("tensor::__xor__", "Xor"), ("tensor::__iand__", "And"), ("tensor::__ior__", "Or"), ("tensor::__ixor__", "Xor"), ("bitwise_and", "And"), ("bitwise_or", "Or"), ("bitwise_xor", "Xor") })
            R((ev, c) => Logical(ev, onnx, Arg(c, 0, "self"), Arg(c, 1, "other"), c.Pos), name);
        R((ev, c) => Where(ev, ev.Cast(T(ev, c, 0, "condition"), DataType.Bool), Arg(c, 1, "self"), Arg(c, 2, "other"), c.Pos), "where");
        R((ev, c) => Where(ev, ev.Cast(T(ev, c, 1, "mask"), DataType.Bool), Arg(c, 2, "value"), Arg(c, 0, "self"), c.Pos), "masked_fill");
        R((ev, c) => Bin(ev, c, "Add", T(ev, c, 0), Bin(ev, c, "Mul", Bin(ev, c, "Mul", T(ev, c, 1, "tensor1"), T(ev, c, 2, "tensor2")), D(ev, c, 3, "value", 1.0))), "addcmul");
        R((ev, c) => Bin(ev, c, "Add", T(ev, c, 0), Bin(ev, c, "Mul", Bin(ev, c, "Div", T(ev, c, 1, "tensor1"), T(ev, c, 2, "tensor2")), D(ev, c, 3, "value", 1.0))), "addcdiv");
        R((ev, c) => Bin(ev, c, "Add", T(ev, c, 0), Bin(ev, c, "Mul", Bin(ev, c, "Sub", T(ev, c, 1, "end"), T(ev, c, 0)), Arg(c, 2, "weight"))), "lerp");
    }

    internal static TensorRef Unary(TorchScriptEvaluator ev, string onnx, TensorRef x, params Importers.Onnx.Proto.AttributeProto[] attrs)
    {
        if (attrs.Length == 0 && ev.Graph.KnownScalar(x) is { } k && onnx is "Floor" or "Ceil" or "Neg" or "Abs" or "Sign" or "Identity")
        {
            var v = k.GetDouble(0);
            var r = Tensor.Zeros(x.DType, [.. x.Shape]);
            r.SetDouble(0, onnx switch { "Floor" => Math.Floor(v), "Ceil" => Math.Ceiling(v), "Neg" => -v, "Abs" => Math.Abs(v), "Sign" => Math.Sign(v), _ => v });
            return ev.Graph.Const(r, null, "folded");
        }
        return ev.Graph.Node(onnx, [x], x.Shape, onnx is "IsNaN" or "Not" ? DataType.Bool : x.DType, attrs);
    }

    /// <summary>
    /// Arithmetic on one-element constants folds at translation: traced shape code (<c>NumToTensor(size(x, 0))</c> divided by a
    /// constant tensor, then <c>int(...)</c>) must give ints known at translation for <c>view</c>.
    /// </summary>
    private static TensorRef? FoldScalar(TorchScriptEvaluator ev, string onnx, TensorRef x, TensorRef y, ImmutableArray<long> shape, DataType dt, bool plain)
    {
        if (!plain || ev.Graph.KnownScalar(x) is not { } a || ev.Graph.KnownScalar(y) is not { } b) return null;
        var (p, q) = (a.GetDouble(0), b.GetDouble(0));
        double? r = onnx switch
        {
            "Add" => p + q, "Sub" => p - q, "Mul" => p * q, "Div" => p / q, "Max" => Math.Max(p, q), "Min" => Math.Min(p, q),
            "Mod" when q != 0 => p - q * Math.Floor(p / q), "Pow" => Math.Pow(p, q),
            "Equal" => p == q ? 1 : 0, "Less" => p < q ? 1 : 0, "Greater" => p > q ? 1 : 0, "LessOrEqual" => p <= q ? 1 : 0, "GreaterOrEqual" => p >= q ? 1 : 0,
            _ => null,
        };
        if (r is null) return null;
        var t = Tensor.Zeros(dt, [.. shape]);
        t.SetDouble(0, dt.IsFloat || dt.IsBool ? r.Value : Math.Truncate(r.Value));
        return ev.Graph.Const(t, null, "folded");
    }

    private static TensorRef FloatIfNeeded(TorchScriptEvaluator ev, TensorRef x, string onnx) =>
        !x.DType.IsFloat && onnx is not ("Relu" or "Sign" or "Identity" or "Not" or "Neg" or "Abs" or "IsNaN") ? ev.Cast(x, DataType.Float32) : x;

    private static TensorRef Trunc(TorchScriptEvaluator ev, TensorRef x) =>
        x.DType.IsFloat ? Bin(ev, null, "Mul", Unary(ev, "Floor", Unary(ev, "Abs", x)), Unary(ev, "Sign", x)) : x;

    /// <summary>Two operands (tensors or Python numbers) promoted to one dtype and broadcast; comparisons give bool.</summary>
    internal static TensorRef Bin(TorchScriptEvaluator ev, AtenCall? c, string onnx, object? a, object? b, params Importers.Onnx.Proto.AttributeProto[] attrs) =>
        Bin(ev, c, onnx, a, b, false, attrs);

    private static TensorRef Bin(TorchScriptEvaluator ev, AtenCall? c, string onnx, object? a, object? b, bool bool_, params Importers.Onnx.Proto.AttributeProto[] attrs)
    {
        var call = c ?? new AtenCall(onnx, [], new(StringComparer.Ordinal), new TsPos(1, 1));
        if (a is not TensorRef && b is not TensorRef) a = ev.ScalarConst(a, null, call.Pos);
        var dt = Promote(a, b);
        if (onnx == "Div" && !dt.IsFloat) dt = DataType.Float32;
        var x = ev.Cast(a as TensorRef ?? ev.ScalarConst(a, dt, call.Pos), dt);
        var y = ev.Cast(b as TensorRef ?? ev.ScalarConst(b, dt, call.Pos), dt);
        if (x.DType != dt) x = ev.Cast(x, dt);
        if (y.DType != dt) y = ev.Cast(y, dt);
        var shape = Broadcast(ev, call, x.Shape, y.Shape);
        if (FoldScalar(ev, onnx, x, y, shape, bool_ ? DataType.Bool : dt, attrs.Length == 0) is { } folded) return folded;
        return ev.Graph.Node(onnx, [x, y], shape, bool_ ? DataType.Bool : dt, attrs);
    }

    private static object? Alpha(TorchScriptEvaluator ev, AtenCall c, object? other)
    {
        var alpha = Arg(c, 2, "alpha", 1L);
        return alpha is 1L or 1.0 ? other : Bin(ev, c, "Mul", other, alpha);
    }

    private static TensorRef AddSub(TorchScriptEvaluator ev, AtenCall c, string onnx) =>
        Bin(ev, c, onnx, Arg(c, 0, "self"), Alpha(ev, c, Arg(c, 1, "other")));

    private static TensorRef Div(TorchScriptEvaluator ev, AtenCall c, string? mode)
    {
        var (a, b) = (Arg(c, 0, "self"), Arg(c, 1, "other"));
        var dt = Promote(a is TensorRef ? a : ev.ScalarConst(a, null, c.Pos), b);
        if (mode is null) return Bin(ev, c, "Div", a, b);
        var q = Bin(ev, c, "Div", a, b); // float quotient
        var r = mode == "floor" ? Unary(ev, "Floor", q) : Trunc(ev, q);
        return dt.IsFloat ? r : ev.Cast(r, dt);
    }

    private static TensorRef Remainder(TorchScriptEvaluator ev, AtenCall c)
    {
        var (a, b) = (Arg(c, 0, "self"), Arg(c, 1, "other"));
        var dt = Promote(a is TensorRef ? a : ev.ScalarConst(a, null, c.Pos), b);
        if (!dt.IsFloat) return Bin(ev, c, "Mod", a, b); // ONNX integer Mod (fmod=0) takes the divisor's sign, as Python does
        // a - b * floor(a / b)
        return Bin(ev, c, "Sub", a, Bin(ev, c, "Mul", b, Unary(ev, "Floor", Bin(ev, c, "Div", a, b))));
    }

    private static TensorRef Gelu(TorchScriptEvaluator ev, AtenCall c)
    {
        var x = T(ev, c, 0);
        if (Arg(c, 1, "approximate", "none") is "tanh")
        {
            var inner = Bin(ev, c, "Mul", Bin(ev, c, "Add", x, Bin(ev, c, "Mul", Bin(ev, c, "Mul", Bin(ev, c, "Mul", x, x), x), 0.044715)), Math.Sqrt(2 / Math.PI));
            return Bin(ev, c, "Mul", Bin(ev, c, "Mul", x, 0.5), Bin(ev, c, "Add", Unary(ev, "Tanh", inner), 1.0));
        }
        var erf = Unary(ev, "Erf", Bin(ev, c, "Mul", x, 1 / Math.Sqrt(2)));
        return Bin(ev, c, "Mul", Bin(ev, c, "Mul", x, 0.5), Bin(ev, c, "Add", erf, 1.0));
    }

    private static TensorRef Clip(TorchScriptEvaluator ev, TensorRef x, object? lo, object? hi)
    {
        var pos = new TsPos(1, 1);
        var l = lo is null ? null : lo as TensorRef ?? ev.ScalarConst(lo, x.DType, pos);
        var h = hi is null ? null : hi as TensorRef ?? ev.ScalarConst(hi, x.DType, pos);
        if (l is not null && l.DType != x.DType) l = ev.Cast(l, x.DType);
        if (h is not null && h.DType != x.DType) h = ev.Cast(h, x.DType);
        return ev.Graph.Node("Clip", [x, l, h], x.Shape, x.DType);
    }

    internal static object? Logical(TorchScriptEvaluator ev, string onnx, object? a, object? b, TsPos pos)
    {
        var x = ev.Cast(a as TensorRef ?? ev.ScalarConst(a, DataType.Bool, pos), DataType.Bool);
        var y = ev.Cast(b as TensorRef ?? ev.ScalarConst(b, DataType.Bool, pos), DataType.Bool);
        var call = new AtenCall(onnx, [], new(StringComparer.Ordinal), pos);
        return ev.Graph.Node(onnx, [x, y], Broadcast(ev, call, x.Shape, y.Shape), DataType.Bool);
    }

    internal static TensorRef Where(TorchScriptEvaluator ev, TensorRef cond, object? a, object? b, TsPos pos)
    {
        var call = new AtenCall("where", [], new(StringComparer.Ordinal), pos);
        if (a is not TensorRef && b is not TensorRef) a = ev.ScalarConst(a, null, pos);
        var dt = Promote(a, b);
        var x = ev.Cast(a as TensorRef ?? ev.ScalarConst(a, dt, pos), dt);
        var y = ev.Cast(b as TensorRef ?? ev.ScalarConst(b, dt, pos), dt);
        var shape = Broadcast(ev, call, Broadcast(ev, call, cond.Shape, x.Shape), y.Shape);
        return ev.Graph.Node("Where", [cond, x, y], shape, dt);
    }
}

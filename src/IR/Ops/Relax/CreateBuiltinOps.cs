using Bridge.Ir.Relax;
using static Bridge.Ir.Ops.Relax.RelaxOpsInit;

namespace Bridge.Ir.Ops.Relax;

/// <summary>Creation ops and dtype conversion.</summary>
internal static class CreateOps
{
    public static void Register()
    {
        Def<InitAttrs>("full", "create", (c, cx) => FromShape(c, cx, ((InitAttrs)c.Attrs).Dtype ?? (c.Args[1].Info as TensorSInfo)?.DType), "shape", "fill_value");
        Def<InitAttrs>("ones", "create", (c, cx) => FromShape(c, cx, ((InitAttrs)c.Attrs).Dtype), "shape");
        Def<InitAttrs>("zeros", "create", (c, cx) => FromShape(c, cx, ((InitAttrs)c.Attrs).Dtype), "shape");
        Def<InitAttrs>("full_like", "create", (c, cx) => Infer.Tensor(c, 0, cx).WithDType(((InitAttrs)c.Attrs).Dtype ?? Infer.Tensor(c, 0, cx).DType), "x", "fill_value");
        Def<InitAttrs>("ones_like", "create", (c, cx) => Infer.Tensor(c, 0, cx).WithDType(((InitAttrs)c.Attrs).Dtype ?? Infer.Tensor(c, 0, cx).DType), "x");
        Def<InitAttrs>("zeros_like", "create", (c, cx) => Infer.Tensor(c, 0, cx).WithDType(((InitAttrs)c.Attrs).Dtype ?? Infer.Tensor(c, 0, cx).DType), "x");
        Def<InitAttrs>("arange", "create", Arange, "start", "end", "step");
        Def<NoAttrs>("tril", "create", (c, cx) => Infer.Tensor(c, 0, cx), "x", "k");
        Def<NoAttrs>("triu", "create", (c, cx) => Infer.Tensor(c, 0, cx), "x", "k");
        Def<AstypeAttrs>("astype", "datatype", (c, cx) => Infer.Tensor(c, 0, cx).WithDType(((AstypeAttrs)c.Attrs).Dtype), "x");
        Def<WrapParamAttrs>("wrap_param", "datatype", (c, cx) => Infer.Tensor(c, 0, cx).WithDType(((WrapParamAttrs)c.Attrs).Dtype), "data");
        Def<QuantizeAttrs>("quantize", "datatype", (c, cx) => Infer.Tensor(c, 0, cx).WithDType(((QuantizeAttrs)c.Attrs).OutDtype), "data", "scale", "zero_point");
        Def<QuantizeAttrs>("dequantize", "datatype", (c, cx) => Infer.Tensor(c, 0, cx).WithDType(((QuantizeAttrs)c.Attrs).OutDtype), "data", "scale", "zero_point");
    }

    private static StructInfo FromShape(Call c, InferContext cx, DataType? dt)
    {
        var s = Infer.ShapeArg(c, 0, cx, out var nd);
        return s is { } v ? Infer.Shaped(v, dt) : new TensorSInfo(null, dt, nd);
    }

    private static StructInfo Arange(Call c, InferContext cx)
    {
        var dt = ((InitAttrs)c.Attrs).Dtype;
        SymExpr? Val(int i) => c.Args[i] is PrimValue { IntValue: { } v } ? v : null;
        if (Val(0) is { } a && Val(1) is { } b && Val(2) is { } st && st.AsConst is { } sv && sv != 0)
            return Infer.Shaped([SymExpr.Max(SymExpr.FloorDiv(b - a + (sv > 0 ? sv - 1 : sv + 1), sv), 0)], dt);
        return new TensorSInfo(null, dt, 1);
    }
}

/// <summary>Call forms and builtins: call_tir, call_dps_packed, call_pure_packed, call_packed, print, assert_op, shape_of, …</summary>
internal static class BuiltinOps
{
    public static void Register()
    {
        // Output struct info of the DPS calls comes from sinfo_args (out_sinfo / out_ty).
        Def<NoAttrs>("call_tir", "call", OutSInfo, "gvar", "args", "tir_vars").WithArity(2, 3);
        Def<InplaceAttrs>("call_tir_inplace", "call", OutSInfo, "gvar", "args", "tir_vars").WithArity(2, 3);
        Def<NoAttrs>("call_dps_packed", "call", OutSInfo, "func", "args");
        Def<NoAttrs>("call_pure_packed", "call", OutSInfo, "func", "args...");
        Def<NoAttrs>("call_builtin_with_ctx", "call", OutSInfo, "func", "args");
        Def<InplaceAttrs>("call_inplace_packed", "call", OutSInfo, "func", "args...").Impure();
        Def<NoAttrs>("call_packed", "call", OutSInfo, "func", "args...").Impure();
        Def<NoAttrs>("print", "builtin", (c, cx) => StructInfo.Void, "values...").Impure();
        Def<NoAttrs>("assert_op", "builtin", (c, cx) => StructInfo.Void, "condition", "format_args...").Impure();
        Def<NoAttrs>("shape_of", "builtin", (c, cx) =>
        {
            var t = Infer.Tensor(c, 0, cx);
            return new ShapeSInfo(t.Shape, t.NDim);
        }, "expr");
        Def<NoAttrs>("shape_to_tensor", "builtin", (c, cx) =>
        {
            var s = c.Args[0].Info as ShapeSInfo;
            return s is { NDim: >= 0 } ? Infer.Shaped([s.NDim], DataType.Int64) : new TensorSInfo(null, DataType.Int64, 1);
        }, "expr");
        Def<NoAttrs>("tensor_to_shape", "builtin", (c, cx) =>
        {
            var t = Infer.Tensor(c, 0, cx);
            return new ShapeSInfo(null, t.Shape is { Length: 1 } s && s[0].AsConst is { } n ? (int)n : -1);
        }, "expr");
        Def<NoAttrs>("make_closure", "builtin", (c, cx) => StructInfo.Object, "func", "args");
        Def<NoAttrs>("invoke_closure", "builtin", OutSInfo, "closure", "args");
        Def<ToVDeviceAttrs>("to_vdevice", "builtin", (c, cx) =>
        {
            var t = Infer.Tensor(c, 0, cx);
            return new TensorSInfo(t.Shape, t.DType, t.NDim, ((ToVDeviceAttrs)c.Attrs).DstVdevice);
        }, "data");
    }

    private static StructInfo OutSInfo(Call c, InferContext cx) => c.SInfoArgs.Length switch
    {
        0 => StructInfo.Object,
        1 => c.SInfoArgs[0],
        _ => new TupleSInfo(new ValueArray<StructInfo>(c.SInfoArgs)),
    };
}

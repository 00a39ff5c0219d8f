using Bridge.Core.Tensors;
using Bridge.Ir.Relax;
using static Bridge.Ir.Ops.Relax.RelaxOpsInit;

namespace Bridge.Ir.Ops.Relax;

/// <summary>Elementwise unary ops (spec §2.3 "Elementwise unary"), registered from a table (STYLE 4).</summary>
internal static class UnaryOps
{
    // (name, requires float input)
    private static readonly (string Name, bool Float)[] s_arith =
    [
        ("abs", false), ("acos", true), ("acosh", true), ("asin", true), ("asinh", true), ("atan", true), ("atanh", true),
        ("bitwise_not", false), ("ceil", false), ("cos", true), ("cosh", true), ("erf", true), ("exp", true), ("floor", false),
        ("log", true), ("logical_not", false), ("negative", false), ("round", false), ("rsqrt", true), ("sigmoid", true),
        ("sign", false), ("sin", true), ("sinh", true), ("sqrt", true), ("square", false), ("tan", true), ("tanh", true),
        ("trunc", false), ("nn.relu", false), ("nn.gelu", true), ("nn.gelu_tanh", true), ("nn.silu", true), ("nn.selu", true),
    ];

    private static readonly string[] s_check = ["isfinite", "isinf", "isnan"];

    public static void Register()
    {
        foreach (var (name, fl) in s_arith) Def<NoAttrs>(name, "unary", Arith(fl), "x");
        foreach (var name in s_check) Def<NoAttrs>(name, "unary", (c, cx) => Infer.Tensor(c, 0, cx).WithDType(DataType.Bool), "x");
        Def<LeakyReluAttrs>("nn.leakyrelu", "unary", Arith(true), "data");
        Def<SoftplusAttrs>("nn.softplus", "unary", Arith(true), "data");
    }

    internal static InferStructInfoFn Arith(bool requireFloat) => (c, cx) =>
    {
        var t = Infer.Tensor(c, 0, cx);
        if (requireFloat && t.DType is { IsFloat: false } d)
            throw cx.Error(StructInfoDiagnosticIds.DTypeMismatch, $"requires a float input, got {d}");
        return t;
    };
}

/// <summary>Elementwise binary broadcast ops, comparisons, and where/clip/ewise_fma.</summary>
internal static class BinaryOps
{
    private static readonly string[] s_arith =
    [
        "add", "subtract", "multiply", "divide", "floor_divide", "mod", "floor_mod", "power", "maximum", "minimum", "atan2",
        "log_add_exp", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift",
    ];

    private static readonly string[] s_cmp = ["equal", "not_equal", "greater", "greater_equal", "less", "less_equal"];

    public static void Register()
    {
        foreach (var n in s_arith) Def<NoAttrs>(n, "binary", (c, cx) => Binary(c, cx, cmp: false), "x1", "x2");
        foreach (var n in s_cmp) Def<NoAttrs>(n, "binary", (c, cx) => Binary(c, cx, cmp: true), "x1", "x2");
        Def<NoAttrs>("where", "ternary", (c, cx) =>
        {
            var cond = Infer.Tensor(c, 0, cx);
            var a = Infer.Tensor(c, 1, cx);
            var b = Infer.Tensor(c, 2, cx);
            var dt = Infer.SameDType(a, b, cx);
            return Infer.Broadcast(Infer.Broadcast(cond, a, dt, cx), b, dt, cx);
        }, "condition", "x1", "x2");
        Def<NoAttrs>("clip", "ternary", (c, cx) => Infer.Tensor(c, 0, cx), "x", "min", "max");
        Def<NoAttrs>("ewise_fma", "ternary", (c, cx) =>
        {
            var a = Infer.Tensor(c, 0, cx);
            var b = Infer.Tensor(c, 1, cx);
            var d = Infer.Tensor(c, 2, cx);
            var dt = Infer.SameDType(Infer.Tensor(c, 0, cx), b, cx);
            Infer.SameDType(a, d, cx);
            if (a.Shape is { } sa && b.Shape is { } sb && d.Shape is { } sd && sa.Length == sb.Length && sa.Length == sd.Length)
                for (var i = 0; i < sa.Length; i++) { cx.RequireEqual(sa[i], sb[i], $"dim {i}"); cx.RequireEqual(sa[i], sd[i], $"dim {i}"); }
            return a.WithDType(dt);
        }, "x1", "x2", "x3");
    }

    internal static StructInfo Binary(Call c, InferContext cx, bool cmp)
    {
        var (a, b) = (Operand(c, 0, cx), Operand(c, 1, cx));
        // Prim (scalar) operands: TVM accepts R.add(prim, prim) → prim.
        if (a is PrimSInfo pa && b is PrimSInfo) return cmp ? new PrimSInfo(DataType.Bool) : new PrimSInfo(pa.DType);
        var ta = a as TensorSInfo ?? new TensorSInfo([], ((PrimSInfo)a).DType);
        var tb = b as TensorSInfo ?? new TensorSInfo([], ((PrimSInfo)b).DType);
        var dt = Infer.SameDType(ta, tb, cx);
        return Infer.Broadcast(ta, tb, cmp ? DataType.Bool : dt, cx);
    }

    private static StructInfo Operand(Call c, int i, InferContext cx) => c.Args[i].Info switch
    {
        PrimSInfo p => p,
        _ => Infer.Tensor(c, i, cx),
    };
}

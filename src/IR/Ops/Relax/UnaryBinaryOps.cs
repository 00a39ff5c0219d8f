using Bridge.Ir.Ops.Spec;
using Bridge.Ir.Relax;
using static Bridge.Ir.Ops.Relax.RelaxOpsInit;

namespace Bridge.Ir.Ops.Relax;

/// <summary>Elementwise unary ops (spec §2.3 "Elementwise unary"): the <see cref="ElementwiseSpec"/> rows and the activations with attributes.</summary>
internal static class UnaryOps
{
    public static void Register()
    {
        // The attribute-free unary ops are rows of the one elementwise spec (Relay and Relax op, rule, mapping, ONNX, kernel).
        foreach (var row in ElementwiseSpec.All)
            if (row is { Arity: 1, RelaxName: { } name })
                Def<NoAttrs>(name, "unary", row.RelaxResult == ElemResult.Bool
                    ? (c, cx) => Infer.Tensor(c, 0, cx).WithDType(DataType.Bool) : Arith(row.RelaxFloatOnly), "x");
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
    public static void Register()
    {
        foreach (var row in ElementwiseSpec.All)
            if (row is { Arity: 2, RelaxName: { } name })
            {
                var cmp = row.RelaxResult == ElemResult.Bool;
                Def<NoAttrs>(name, "binary", (c, cx) => Binary(c, cx, cmp), "x1", "x2");
            }
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


namespace Bridge.Ir.Ops.Spec;

/// <summary>
/// The elementwise unary and binary ops and the activations without attributes, one row each (<see cref="ElementwiseOp"/>).
/// Each field is also the op's typed handle (<c>ElementwiseSpec.Add</c>). Adding such an op = one row here, its kernel
/// (a case of the backend's <c>Elementwise</c>), and a test: docs/architecture-ops.md "Adding an op".
/// Sources: TVM v0.19 src/relay/op/tensor/unary.cc, binary.cc; TVM main src/relax/op/tensor/unary.cc, binary.cc; ONNX
/// operator versions from onnx/defs (the since-versions of the ops that lower one-for-one).
/// </summary>
public static class ElementwiseSpec
{
    // ---------- unary, in both dialects under one name ----------
    public static readonly ElementwiseOp Abs = Unary("abs", "Abs", onnx: "Abs", since: [1, 6, 13]);
    public static readonly ElementwiseOp Acos = Unary("acos", "Acos", floatOnly: true, onnx: "Acos", since: [7], aten: "acos");
    public static readonly ElementwiseOp Acosh = Unary("acosh", "Acosh", floatOnly: true, onnx: "Acosh", since: [9]);
    public static readonly ElementwiseOp Asin = Unary("asin", "Asin", floatOnly: true, onnx: "Asin", since: [7], aten: "asin");
    public static readonly ElementwiseOp Asinh = Unary("asinh", "Asinh", floatOnly: true, onnx: "Asinh", since: [9]);
    public static readonly ElementwiseOp Atan = Unary("atan", "Atan", floatOnly: true, onnx: "Atan", since: [7], aten: "atan");
    public static readonly ElementwiseOp Atanh = Unary("atanh", "Atanh", floatOnly: true, onnx: "Atanh", since: [9]);
    public static readonly ElementwiseOp BitwiseNot = Unary("bitwise_not", "BitwiseNot", onnx: "BitwiseNot", since: [18]);
    public static readonly ElementwiseOp Ceil = Unary("ceil", "Ceil", onnx: "Ceil", since: [1, 6, 13]);
    public static readonly ElementwiseOp Cos = Unary("cos", "Cos", floatOnly: true, onnx: "Cos", since: [7], aten: "cos");
    public static readonly ElementwiseOp Cosh = Unary("cosh", "Cosh", floatOnly: true, onnx: "Cosh", since: [9], aten: "cosh");
    public static readonly ElementwiseOp Erf = Unary("erf", "Erf", floatOnly: true, onnx: "Erf", since: [9, 13], aten: "erf");
    public static readonly ElementwiseOp Exp = Unary("exp", "Exp", floatOnly: true, onnx: "Exp", since: [1, 6, 13], aten: "exp");
    public static readonly ElementwiseOp Floor = Unary("floor", "Floor", onnx: "Floor", since: [1, 6, 13]);
    public static readonly ElementwiseOp Log = Unary("log", "Log", floatOnly: true, onnx: "Log", since: [1, 6, 13], aten: "log");
    public static readonly ElementwiseOp LogicalNot = Unary("logical_not", "LogicalNot", onnx: "Not", since: [1]);
    public static readonly ElementwiseOp Negative = Unary("negative", "Neg", onnx: "Neg", since: [1, 6, 13]);
    public static readonly ElementwiseOp Round = Unary("round", "Round", onnx: "Round", since: [11], aten: "round");
    public static readonly ElementwiseOp Rsqrt = Unary("rsqrt", "Rsqrt", floatOnly: true);
    public static readonly ElementwiseOp Sigmoid = Unary("sigmoid", "Sigmoid", floatOnly: true, onnx: "Sigmoid", since: [1, 6, 13], aten: "sigmoid");
    public static readonly ElementwiseOp Sign = Unary("sign", "Sign", onnx: "Sign", since: [9, 13], aten: "sign");
    public static readonly ElementwiseOp Sin = Unary("sin", "Sin", floatOnly: true, onnx: "Sin", since: [7], aten: "sin");
    public static readonly ElementwiseOp Sinh = Unary("sinh", "Sinh", floatOnly: true, onnx: "Sinh", since: [9], aten: "sinh");
    public static readonly ElementwiseOp Sqrt = Unary("sqrt", "Sqrt", floatOnly: true, onnx: "Sqrt", since: [1, 6, 13]);
    public static readonly ElementwiseOp Tan = Unary("tan", "Tan", floatOnly: true, onnx: "Tan", since: [7], aten: "tan");
    public static readonly ElementwiseOp Tanh = Unary("tanh", "Tanh", floatOnly: true, onnx: "Tanh", since: [1, 6, 13], aten: "tanh");
    public static readonly ElementwiseOp Trunc = Unary("trunc", "Trunc");
    public static readonly ElementwiseOp Relu = Unary("nn.relu", "Relu", onnx: "Relu", since: [1, 6, 13, 14], aten: "relu");
    public static readonly ElementwiseOp IsFinite = Unary("isfinite", "IsFinite", result: ElemResult.Bool);
    public static readonly ElementwiseOp IsInf = Unary("isinf", "IsInf", result: ElemResult.Bool);
    public static readonly ElementwiseOp IsNan = Unary("isnan", "IsNan", result: ElemResult.Bool, onnx: "IsNaN", since: [9, 13, 20], aten: "isnan");

    // ---------- unary, Relay only: log10/log2 translate as log(x)/log(base); FastMath ops as the exact function ----------
    public static readonly ElementwiseOp Log10 = Unary("log10", "Log10") with { RelaxName = null, RelaxTarget = null };
    public static readonly ElementwiseOp Log2 = Unary("log2", "Log2") with { RelaxName = null, RelaxTarget = null };
    // The reference computes the exact function; the approximation error is the compiler's.
    public static readonly ElementwiseOp FastExp = Unary("fast_exp", "Exp") with { RelaxName = null, RelaxTarget = "exp" };
    public static readonly ElementwiseOp FastTanh = Unary("fast_tanh", "Tanh") with { RelaxName = null, RelaxTarget = "tanh" };
    public static readonly ElementwiseOp FastErf = Unary("fast_erf", "Erf") with { RelaxName = null, RelaxTarget = "erf" };

    // ---------- unary, Relax only ----------
    public static readonly ElementwiseOp Square = Unary("square", "Square") with { RelayName = null, RelaxTarget = null };
    public static readonly ElementwiseOp Gelu = Unary("nn.gelu", "GeluErf", floatOnly: true) with { RelayName = null, RelaxTarget = null };
    public static readonly ElementwiseOp GeluTanh = Unary("nn.gelu_tanh", "GeluTanh", floatOnly: true) with { RelayName = null, RelaxTarget = null };
    public static readonly ElementwiseOp Silu = Unary("nn.silu", "Silu", floatOnly: true) with { RelayName = null, RelaxTarget = null };
    public static readonly ElementwiseOp Selu = Unary("nn.selu", "Selu", floatOnly: true) with { RelayName = null, RelaxTarget = null };

    // ---------- binary broadcast ----------
    // Integer divide truncates in Relay, Relax and ONNX alike (C division); Relay and Relax `mod` are TVM's truncmod.
    public static readonly ElementwiseOp Add = Binary("add", "Add", onnx: "Add", since: [1, 6, 7, 13, 14]);
    public static readonly ElementwiseOp Subtract = Binary("subtract", "Subtract", onnx: "Sub", since: [1, 6, 7, 13, 14]);
    public static readonly ElementwiseOp Multiply = Binary("multiply", "Multiply", onnx: "Mul", since: [1, 6, 7, 13, 14]);
    public static readonly ElementwiseOp Divide = Binary("divide", "Divide", onnx: "Div", since: [1, 6, 7, 13, 14]);
    public static readonly ElementwiseOp FloorDivide = Binary("floor_divide", "FloorDivide");
    public static readonly ElementwiseOp Mod = Binary("mod", "TruncMod");
    public static readonly ElementwiseOp FloorMod = Binary("floor_mod", "FloorMod");
    public static readonly ElementwiseOp Power = Binary("power", "Power", onnx: "Pow", since: [1, 7, 12, 13, 15]);
    public static readonly ElementwiseOp Maximum = Binary("maximum", "Maximum");
    public static readonly ElementwiseOp Minimum = Binary("minimum", "Minimum");
    public static readonly ElementwiseOp BitwiseAnd = Binary("bitwise_and", "BitwiseAnd", onnx: "BitwiseAnd", since: [18]);
    public static readonly ElementwiseOp BitwiseOr = Binary("bitwise_or", "BitwiseOr", onnx: "BitwiseOr", since: [18]);
    public static readonly ElementwiseOp BitwiseXor = Binary("bitwise_xor", "BitwiseXor", onnx: "BitwiseXor", since: [18]);
    public static readonly ElementwiseOp LeftShift = Binary("left_shift", "LeftShift");
    public static readonly ElementwiseOp RightShift = Binary("right_shift", "RightShift");
    // Relay's logical ops return bool (its compare relation); Relax's keep the operand dtype (bool for bool inputs).
    public static readonly ElementwiseOp LogicalAnd = Binary("logical_and", "LogicalAnd", onnx: "And", since: [1, 7]) with { RelayResult = ElemResult.Bool };
    public static readonly ElementwiseOp LogicalOr = Binary("logical_or", "LogicalOr", onnx: "Or", since: [1, 7]) with { RelayResult = ElemResult.Bool };
    public static readonly ElementwiseOp LogicalXor = Binary("logical_xor", "LogicalXor", onnx: "Xor", since: [1, 7]) with { RelayResult = ElemResult.Bool };
    public static readonly ElementwiseOp Equal = Binary("equal", "Equal", ElemResult.Bool, onnx: "Equal", since: [1, 7, 11, 13, 19]);
    public static readonly ElementwiseOp NotEqual = Binary("not_equal", "NotEqual", ElemResult.Bool);
    public static readonly ElementwiseOp Less = Binary("less", "Less", ElemResult.Bool, onnx: "Less", since: [1, 7, 9, 13]);
    public static readonly ElementwiseOp LessEqual = Binary("less_equal", "LessEqual", ElemResult.Bool, onnx: "LessOrEqual", since: [12, 16]);
    public static readonly ElementwiseOp Greater = Binary("greater", "Greater", ElemResult.Bool, onnx: "Greater", since: [1, 7, 9, 13]);
    public static readonly ElementwiseOp GreaterEqual = Binary("greater_equal", "GreaterEqual", ElemResult.Bool, onnx: "GreaterOrEqual", since: [12, 16]);

    // Relay only: C division and remainder, which Relax's divide and mod are.
    public static readonly ElementwiseOp TruncDivide = Binary("trunc_divide", "TruncDivide") with { RelaxName = null, RelaxTarget = "divide" };
    public static readonly ElementwiseOp TruncMod = Binary("trunc_mod", "TruncMod") with { RelaxName = null, RelaxTarget = "mod" };
    // Relax only. log_add_exp's kernel is the adapter in RelaxAdapters.cs (log(exp(a) + exp(b)) without overflow).
    public static readonly ElementwiseOp Atan2 = Binary("atan2", "Atan2") with { RelayName = null, RelaxTarget = null };
    public static readonly ElementwiseOp LogAddExp = Binary("log_add_exp", null) with { RelayName = null, RelaxTarget = null };

    // Declared last: static initializers run in textual order, so every row field is set when this one is read.
    private static readonly ImmutableArray<ElementwiseOp> s_rows = [.. typeof(ElementwiseSpec)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ElementwiseOp)).OrderBy(f => f.MetadataToken).Select(f => (ElementwiseOp)f.GetValue(null)!)];

    /// <summary>Every row, in declaration order.</summary>
    public static ImmutableArray<ElementwiseOp> All => s_rows;

    /// <summary>The row whose ONNX op is <paramref name="onnx"/> (ai.onnx), or null.</summary>
    public static ElementwiseOp? ByOnnx(string onnx) => s_rows.FirstOrDefault(r => r.Onnx == onnx);

    private static ElementwiseOp Unary(string name, string kernel, bool floatOnly = false, ElemResult result = ElemResult.Same,
        string? onnx = null, int[]? since = null, string? aten = null) =>
        new()
        {
            Name = name, Arity = 1, RelayName = name, RelaxName = name, RelaxTarget = name, RelayResult = result, RelaxResult = result,
            RelaxFloatOnly = floatOnly, Onnx = onnx, OnnxVersions = since is null ? [] : [.. since], Aten = aten, Kernel = kernel,
        };

    private static ElementwiseOp Binary(string name, string? kernel, ElemResult result = ElemResult.Same, string? onnx = null, int[]? since = null) =>
        new()
        {
            Name = name, Arity = 2, RelayName = name, RelaxName = name, RelaxTarget = name, RelayResult = result, RelaxResult = result,
            Onnx = onnx, OnnxVersions = since is null ? [] : [.. since], Kernel = kernel,
        };
}

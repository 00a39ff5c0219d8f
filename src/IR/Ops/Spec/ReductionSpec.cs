using RelayOps = Bridge.Ir.Ops.Relay;
using RelaxOps = Bridge.Ir.Ops.Relax;

namespace Bridge.Ir.Ops.Spec;

/// <summary>
/// The reductions, one row each (<see cref="ReductionOp"/>); each field is also the op's typed handle (<c>ReductionSpec.Sum</c>).
/// Adding a reduction = one row here, its kernel (a <c>ReduceOp</c> case of the backend's <c>Reduce</c>) and a test:
/// docs/architecture-ops.md "Adding a reduction". Sources: TVM v0.19 src/relay/op/tensor/reduce.cc, TVM main
/// src/relax/op/tensor/statistical.cc and index.cc (argmax/argmin), onnx/defs/reduction (since-versions; axes become input 1
/// at opset 13 for ReduceSum and 18 for the others).
/// </summary>
public static class ReductionSpec
{
    // ---------- in both dialects; ONNX ReduceX and aten lower to them one-for-one ----------
    // Declared in the ONNX loader's order (ReduceSum, ReduceMax, ReduceMin, ReduceMean, ReduceProd, then the composites).
    public static readonly ReductionOp Sum = Both("sum", "Sum", onnx: "ReduceSum", since: [1, 11, 13], axesInput: 13) with { Aten = "sum", AtenDtype = true };
    public static readonly ReductionOp Max = Both("max", "Max", onnx: "ReduceMax", since: [1, 11, 12, 13, 18, 20], axesInput: 18) with { Aten = "amax" };
    public static readonly ReductionOp Min = Both("min", "Min", onnx: "ReduceMin", since: [1, 11, 12, 13, 18, 20], axesInput: 18) with { Aten = "amin" };
    public static readonly ReductionOp Mean = Both("mean", "Mean", onnx: "ReduceMean", since: [1, 11, 13, 18], axesInput: 18) with { Aten = "mean", AtenDtype = true };
    public static readonly ReductionOp Prod = Both("prod", "Prod", onnx: "ReduceProd", since: [1, 11, 13, 18], axesInput: 18) with { Aten = "prod", AtenDtype = true };

    // ---------- Relay only: all/any return bool; Relax has no all/any, so they translate to min/max of the int8 values ----------
    public static readonly ReductionOp AllTrue = Both("all", "All") with { RelaxName = null, RelaxTarget = "min", Result = ReduceResult.Bool };
    public static readonly ReductionOp AnyTrue = Both("any", "Any") with { RelaxName = null, RelaxTarget = "max", Result = ReduceResult.Bool };

    // ---------- index results: int32 in Relay, int64 in Relax; Relax takes one axis and no select_last_index ----------
    public static readonly ReductionOp ArgMax = Both("argmax", "ArgMax") with
    {
        Result = ReduceResult.Index, RelayAttrs = typeof(RelayOps.ArgReduceAttrs), RelaxAttrs = typeof(RelaxOps.ArgmaxArgminAttrs),
    };
    public static readonly ReductionOp ArgMin = ArgMax with { Name = "argmin", RelayName = "argmin", RelaxName = "argmin", RelaxTarget = "argmin", Kernel = "ArgMin" };

    // ---------- statistics: Relay variance takes the mean as an input and may be unbiased (translated by hand); std is Relax only ----------
    public static readonly ReductionOp Variance = Both("variance", "Variance") with
    {
        RelayAttrs = typeof(RelayOps.VarianceAttrs), RelayInputs = ["data", "mean"], RelaxTarget = null,
    };
    public static readonly ReductionOp Std = Both("std", "Std") with { RelayName = null, RelaxTarget = null };

    // ---------- ONNX composites: an elementwise op before and/or after a sum (no IR op of their own) ----------
    public static readonly ReductionOp L1Norm = Composite("l1_norm", "ReduceL1", pre: ElementwiseSpec.Abs);
    public static readonly ReductionOp L2Norm = Composite("l2_norm", "ReduceL2", pre: ElementwiseSpec.Multiply, post: ElementwiseSpec.Sqrt);
    public static readonly ReductionOp LogSum = Composite("log_sum", "ReduceLogSum", post: ElementwiseSpec.Log);
    public static readonly ReductionOp LogSumExp = Composite("log_sum_exp", "ReduceLogSumExp", pre: ElementwiseSpec.Exp, post: ElementwiseSpec.Log);
    public static readonly ReductionOp SumSquare = Composite("sum_square", "ReduceSumSquare", pre: ElementwiseSpec.Multiply);

    // Declared last: static initializers run in textual order, so every row field is set when this one is read.
    private static readonly ImmutableArray<ReductionOp> s_rows = [.. typeof(ReductionSpec)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ReductionOp)).OrderBy(f => f.MetadataToken).Select(f => (ReductionOp)f.GetValue(null)!)];

    /// <summary>Every row, in declaration order.</summary>
    public static ImmutableArray<ReductionOp> All => s_rows;

    /// <summary>The row whose ONNX op is <paramref name="onnx"/> (ai.onnx), or null.</summary>
    public static ReductionOp? ByOnnx(string onnx) => s_rows.FirstOrDefault(r => r.Onnx == onnx);

    private static ReductionOp Both(string name, string kernel, string? onnx = null, int[]? since = null, int axesInput = 0) =>
        new()
        {
            Name = name, RelayName = name, RelaxName = name, RelaxTarget = name, Kernel = kernel,
            Onnx = onnx, OnnxVersions = since is null ? [] : [.. since], OnnxAxesInputSince = axesInput, OnnxVia = onnx is null ? null : name,
        };

    // Every composite is declared at ReduceL1's versions: axes an attribute until 18.
    private static ReductionOp Composite(string name, string onnx, ElementwiseOp? pre = null, ElementwiseOp? post = null) =>
        new()
        {
            Name = name, Onnx = onnx, OnnxVersions = [1, 11, 13, 18], OnnxAxesInputSince = 18, OnnxVia = "sum", OnnxPre = pre, OnnxPost = post,
        };
}

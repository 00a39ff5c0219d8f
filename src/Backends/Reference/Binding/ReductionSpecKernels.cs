using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Spec;

namespace Bridge.Backends.Reference;

// The reference kernels of the reduction spec rows: each row names a ReduceOp member, bound to its Relay and its Relax op.
// The adapter reads the attrs through the spec's typed view (IReduceAttrs), never by name; index results are int32 in Relay
// and int64 in Relax (TVM). A kernel name that is not a member, or an attrs record without the view, stops start-up.
public static partial class ReferenceKernels
{
    private static void RegisterReductionSpec()
    {
        foreach (var row in ReductionSpec.All)
        {
            if (row.Kernel is not { } name) continue;
            var op = Enum.TryParse<ReduceOp>(name, out var r) && Enum.IsDefined(r) ? r
                : throw new BridgeInternalError($"reduction spec row {row.Name}: kernel '{name}' is not a {nameof(ReduceOp)} member");
            if (row.RelayName is not null) row.Relay.Set(Kernel, ReductionKernel(row, row.Relay, op, DataType.Int32));
            if (row.RelaxName is not null) row.Relax.Set(Kernel, ReductionKernel(row, row.Relax, op, DataType.Int64));
        }
    }

    private static KernelFn ReductionKernel(ReductionOp row, OpDef def, ReduceOp op, DataType indexType)
    {
        if (!typeof(IReduceAttrs).IsAssignableFrom(def.AttrsType))
            throw new BridgeInternalError($"reduction spec row {row.Name}: {def.Name} attrs {def.AttrsType.Name} do not implement {nameof(IReduceAttrs)}");
        var index = row.Result == ReduceResult.Index ? indexType : (DataType?)null;
        var defaults = (IReduceAttrs)def.Schema.Defaults;
        return c =>
        {
            var a = c.Attrs as IReduceAttrs ?? defaults;
            var p = new ReduceParams(a.Axis is { } ax ? [.. ax] : null, a.Keepdims, a.Exclude, a.Unbiased, a.SelectLastIndex);
            return V(Reduce.Apply(op, c.T(0), p, index));
        };
    }

    /// <summary>Resolves a kernel name of the reduction spec (for the meta-test: an unknown name is a start-up error).</summary>
    public static bool IsReductionKernel(string name) => Enum.TryParse<ReduceOp>(name, out var r) && Enum.IsDefined(r);
}

using Bridge.Ir.Ops.Spec;

namespace Bridge.Backends.Reference;

// The reference kernels of the elementwise spec rows: each row names a UnaryOp/BinaryOp member, bound to its Relay and its
// Relax op. A kernel name that is not a member, or an op the row declares that is not registered, stops start-up.
public static partial class ReferenceKernels
{
    private static void RegisterElementwiseSpec()
    {
        foreach (var row in ElementwiseSpec.All)
        {
            if (row.Kernel is not { } name) continue;
            KernelFn fn;
            if (row.Arity == 1)
            {
                var op = Enum.TryParse<UnaryOp>(name, out var u) && Enum.IsDefined(u) ? u
                    : throw new BridgeInternalError($"elementwise spec row {row.Name}: kernel '{name}' is not a {nameof(UnaryOp)} member");
                fn = c => V(Elementwise.Unary(op, c.T(0)));
            }
            else
            {
                var op = Enum.TryParse<BinaryOp>(name, out var b) && Enum.IsDefined(b) ? b
                    : throw new BridgeInternalError($"elementwise spec row {row.Name}: kernel '{name}' is not a {nameof(BinaryOp)} member");
                fn = c => V(Elementwise.Binary(op, c.T(0), c.T(1)));
            }
            if (row.RelayName is not null) row.Relay.Set(Kernel, fn);
            if (row.RelaxName is not null) row.Relax.Set(Kernel, fn);
        }
    }

    /// <summary>Resolves a kernel name of the elementwise spec (for tests and the meta-test: an unknown name is a start-up error).</summary>
    public static bool IsElementwiseKernel(int arity, string name) =>
        arity == 1 ? Enum.TryParse<UnaryOp>(name, out var u) && Enum.IsDefined(u) : Enum.TryParse<BinaryOp>(name, out var b) && Enum.IsDefined(b);
}

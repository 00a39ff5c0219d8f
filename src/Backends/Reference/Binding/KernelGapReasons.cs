using Bridge.Ir.Ops;

namespace Bridge.Backends.Reference;

// The written reasons why a registered op has no reference kernel; the op meta-test fails for an op with neither.
public static partial class ReferenceKernels
{
    private const string Lowered = "calls lowered code (TIR / packed functions), which the reference interpreter refuses as unsupported";
    private const string Memory = "memory planning of lowered programs; the reference interpreter evaluates graph-level ops only";
    private const string Interpreted = "evaluated by the interpreter itself (closure call), not by a kernel";
    private const string NotWritten = "kernel not written yet: running a model that uses it fails with 'no kernel' at that call";

    private static readonly Dictionary<(Dialect, string), string> s_noKernel = new()
    {
        [(Dialect.Relay, "call_lowered")] = Lowered,
        [(Dialect.Relay, "memory.alloc_storage")] = Memory,
        [(Dialect.Relay, "memory.alloc_tensor")] = Memory,
        [(Dialect.Relay, "memory.kill")] = Memory,
        [(Dialect.Relay, "dyn.sparse_to_dense")] = NotWritten,
        [(Dialect.Relay, "image.affine_grid")] = NotWritten,
        [(Dialect.Relay, "nn.nll_loss")] = NotWritten,
        [(Dialect.Relay, "qnn.conv2d_transpose")] = NotWritten,
        [(Dialect.Relay, "reverse_sequence")] = NotWritten,
        [(Dialect.Relay, "vision.non_max_suppression")] = NotWritten,
        [(Dialect.Relax, "relax.call_builtin_with_ctx")] = Lowered,
        [(Dialect.Relax, "relax.call_dps_packed")] = Lowered,
        [(Dialect.Relax, "relax.call_inplace_packed")] = Lowered,
        [(Dialect.Relax, "relax.call_packed")] = Lowered,
        [(Dialect.Relax, "relax.call_pure_packed")] = Lowered,
        [(Dialect.Relax, "relax.call_tir")] = Lowered,
        [(Dialect.Relax, "relax.call_tir_inplace")] = Lowered,
        [(Dialect.Relax, "relax.invoke_closure")] = Interpreted,
        [(Dialect.Relax, "relax.make_closure")] = NotWritten,
        [(Dialect.Relax, "relax.eye")] = NotWritten,
        [(Dialect.Relax, "relax.eye_like")] = NotWritten,
        [(Dialect.Relax, "relax.nn.attention")] = NotWritten,
        [(Dialect.Relax, "relax.nn.nll_loss")] = NotWritten,
    };

    /// <summary>Why <paramref name="op"/> has no reference kernel, or null when none is written.</summary>
    public static string? NoKernelReason(OpDef op) => s_noKernel.TryGetValue((op.Dialect, op.Name), out var r) ? r : null;
}

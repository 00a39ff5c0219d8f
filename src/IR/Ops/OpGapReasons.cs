namespace Bridge.Ir.Ops;

/// <summary>
/// The written reasons why a registered op lacks a type rule (Relay type relation / Relax struct-info rule). The op meta-test
/// (tests/Bridge.Translators.Tests/OpSpecTests.cs) fails for any op without a rule and without an entry here; the kernel and
/// translation gaps have their own tables (<c>ReferenceKernels.NoKernelReason</c>, <c>RelayToRelaxTranslator.UnsupportedReason</c>).
/// </summary>
public static class OpGapReasons
{
    private const string NotWritten = "relation not written yet: a module that uses it is refused at type inference";
    private const string LoweredMemory = "memory planning of lowered programs (TVM's memory dialect), which Bridge reads but never type-checks";

    private static readonly Dictionary<(Dialect, string), string> s_noTypeRule = new()
    {
        [(Dialect.Relay, "adv_index")] = NotWritten,
        [(Dialect.Relay, "image.affine_grid")] = NotWritten,
        [(Dialect.Relay, "image.crop_and_resize")] = NotWritten,
        [(Dialect.Relay, "meshgrid")] = NotWritten,
        [(Dialect.Relay, "nn.batch_to_space_nd")] = NotWritten,
        [(Dialect.Relay, "nn.cross_entropy_with_logits")] = NotWritten,
        [(Dialect.Relay, "nn.deformable_conv2d")] = NotWritten,
        [(Dialect.Relay, "nn.nll_loss")] = NotWritten,
        [(Dialect.Relay, "nn.space_to_batch_nd")] = NotWritten,
        [(Dialect.Relay, "nn.upsampling3d")] = NotWritten,
        [(Dialect.Relay, "searchsorted")] = NotWritten,
        [(Dialect.Relay, "slice_like")] = NotWritten,
        [(Dialect.Relay, "stft")] = NotWritten,
        [(Dialect.Relay, "vision.get_valid_counts")] = NotWritten,
        [(Dialect.Relay, "vision.non_max_suppression")] = NotWritten,
        [(Dialect.Relay, "memory.alloc_storage")] = LoweredMemory,
        [(Dialect.Relay, "memory.alloc_tensor")] = LoweredMemory,
    };

    /// <summary>Why <paramref name="op"/> has no type rule, or null when none is written.</summary>
    public static string? NoTypeRule(OpDef op) => s_noTypeRule.TryGetValue((op.Dialect, op.Name), out var r) ? r : null;
}

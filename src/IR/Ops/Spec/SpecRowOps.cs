namespace Bridge.Ir.Ops.Spec;

/// <summary>
/// The registered ops a spec row names, looked up the same way for every family's rows (elementwise, reduction, pooling):
/// a row that declares no op for a dialect, or names one that is not registered, is a bug in the spec table.
/// </summary>
internal static class SpecRowOps
{
    /// <summary>The Relay op <paramref name="relayName"/> of row <paramref name="row"/>.</summary>
    public static OpDef Relay(string row, string? relayName) =>
        relayName is { } n ? OpRegistry.Find(Dialect.Relay, n) ?? throw Missing(Dialect.Relay, n) : throw new BridgeInternalError($"{row} has no Relay op");

    /// <summary>The Relax op <c>relax.</c><paramref name="relaxName"/> of row <paramref name="row"/>.</summary>
    public static OpDef Relax(string row, string? relaxName) =>
        relaxName is { } n ? OpRegistry.Find(Dialect.Relax, "relax." + n) ?? throw Missing(Dialect.Relax, "relax." + n) : throw new BridgeInternalError($"{row} has no Relax op");

    private static BridgeInternalError Missing(Dialect d, string n) => new($"spec row {d}:{n} is not registered");
}

namespace Bridge.Ir.Ops.Relay;

/// <summary>Type relations of Relay ops (attached to the registry entries).</summary>
internal static partial class RelayTypeRelations
{
    internal static void Attach() { }
}

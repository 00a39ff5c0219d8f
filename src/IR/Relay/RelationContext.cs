
namespace Bridge.Ir.Relay;

/// <summary>What a type relation may use: the call's location and op name for diagnostics.</summary>
public sealed class RelationContext(string opName, SourceLoc loc)
{
    public string OpName { get; } = opName;
    public SourceLoc Loc { get; } = loc;
    public BridgeException Fail(string message) => new(RelayTypeDiagnosticIds.OpRelation, Loc, $"{OpName}: {message}");
}

using Bridge.Ir.Relay;

namespace Bridge.Cli;

/// <summary>A Relay module read from text or save_json, with the meta table it was read against.</summary>
internal sealed record RelayInput(IRModule Module, MetaTable? Meta);

/// <summary>
/// Reads Relay artifacts for the CLI verbs. A meta table comes from <c>--meta</c> (a <c>*.consts.json</c> of types, or an
/// <c>.npz</c>/<c>.params</c> of values keyed <c>relay.Constant.N</c>); without it, a sidecar named like the model with
/// <c>.consts.json</c> (as TVM's test menagerie ships them) is used when present.
/// </summary>
internal static class RelayInputs
{
    public static RelayInput Load(string path, string? meta)
    {
        var table = LoadMeta(path, meta);
        return new RelayInput(Translators.RelayToRelax.MigrationPipeline.ReadRelay(path, table), table);
    }

    public static MetaTable? LoadMeta(string modelPath, string? meta) =>
        (meta ?? Translators.RelayToRelax.MigrationPipeline.SidecarMeta(modelPath)) is { } m ? Translators.RelayToRelax.MigrationPipeline.LoadMeta(m) : null;
}

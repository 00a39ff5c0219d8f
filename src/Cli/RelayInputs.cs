using Bridge.Core.Diagnostics;
using Bridge.Core.Files;
using Bridge.Core.IO;
using Bridge.Ir.Relay;
using Bridge.Ir.Relay.Text;
using Bridge.Ir.Relay.Json;

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
        var bytes = AtomicFile.ReadAllBytes(path);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        var format = FormatSniffer.Identify(path).Format;
        var module = format switch
        {
            ModelFormat.RelayText => Translators.RelayToRelax.MigrationPipeline.ReadRelayText(text, path, new RelayTextOptions { ExternalMeta = table }),
            ModelFormat.RelayJson => RelayJsonReader.ReadModule(text, path),
            _ => throw new BridgeException(CoreDiagnosticIds.UnknownFormat, SourceLoc.Unknown.Instance,
                $"{path}: expected Relay text or Relay JSON, found {Core.Files.FormatSniffer.Identify(path).Format}"),
        };
        RelayTypeInference.InferModule(module);
        return new RelayInput(module, table);
    }

    public static MetaTable? LoadMeta(string modelPath, string? meta)
    {
        if (meta is null)
        {
            var sidecar = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, Path.GetFileNameWithoutExtension(modelPath) + ".consts.json");
            return File.Exists(sidecar) ? MetaTable.FromConstsJson(sidecar) : null;
        }
        return Translators.RelayToRelax.MigrationPipeline.LoadMeta(meta);
    }
}

using System.CommandLine;
using System.Globalization;
using Bridge.Core.IO;
using Bridge.Ir.Relax.Script;
using Bridge.Translators.RelayToRelax;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge convert … --metadata auto|section|file</c>: where the large constants of a TVMScript output go
/// (<see cref="RelaxMetadataFile"/>). By default a script whose metadata exceeds 1 MiB is written as TVM's default
/// <c>script()</c> prints it (references only) and the values go to <c>OUT.meta.json</c> beside it, named in the summary line;
/// <c>run</c>/<c>check</c>/<c>zoo</c>/<c>inspect</c>/<c>convert</c> on the script find that file by themselves.
/// </summary>
internal static class ConvertMetadata
{
    public static Option<string> Create() => new("--metadata")
    {
        Description = "TVMScript with large constants: auto (default: the metadata section inside the script up to 1 MiB, else in OUT.meta.json " +
            "beside it, the script then as TVM's default script() prints it), section (always inside, as script(show_meta=True)), file (always beside)",
        DefaultValueFactory = _ => "auto",
    };

    public static MetadataPlacement Parse(string? text) => text switch
    {
        null or "auto" => MetadataPlacement.Auto,
        "section" => MetadataPlacement.Section,
        "file" => MetadataPlacement.File,
        _ => throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance,
            $"--metadata {Diagnostic.Quote(text)}: expected auto, section or file"),
    };

    /// <summary>
    /// Writes a TVMScript <paramref name="text"/> to <paramref name="output"/>, its metadata to the sidecar when
    /// <paramref name="placement"/> says so (the sidecar first; a failure writing the script removes it again). Returns the summary
    /// line's addition naming the sidecar ("" without one).
    /// </summary>
    public static string Write(string output, string text, MetadataPlacement placement)
    {
        var sidecar = RelaxMetadataFile.SidecarFor(output);
        var (script, json) = RelaxMetadataFile.Split(text, placement, Path.GetFileName(sidecar));
        if (json is null)
        {
            AtomicFile.WriteAllText(output, script);
            return "";
        }
        AtomicFile.WriteAllText(sidecar, json);
        try { AtomicFile.WriteAllText(output, script); }
        catch { File.Delete(sidecar); throw; }
        return $", metadata ({(json.Length / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture)} MiB) → {sidecar}";
    }
}

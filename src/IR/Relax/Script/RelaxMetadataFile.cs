using System.Text;
using Bridge.Core.Limits;

namespace Bridge.Ir.Relax.Script;

/// <summary>Where the large constants of a TVMScript file go: <c>--metadata</c> of <c>bridge convert</c>.</summary>
public enum MetadataPlacement
{
    /// <summary>The section inside the script when its constants are small (≤ <see cref="RelaxMetadataFile.AutoLimitBytes"/>), the
    /// sidecar file otherwise (the default).</summary>
    Auto,
    /// <summary>Always inside the script, as <c>script(show_meta=True)</c> prints it.</summary>
    Section,
    /// <summary>Always in the sidecar <c>OUT.meta.json</c>; the script is what TVM's default <c>script()</c> prints.</summary>
    File,
}

/// <summary>
/// TVM's two ways of printing a module with metadata: <c>script(show_meta=True)</c> puts the section
/// <c>metadata = tvm.ir.load_json("""…""")</c> before the module; the default <c>script()</c> prints only the
/// <c>metadata["relax.expr.Constant"][i]</c> references and ends with the comment
/// <c># Metadata omitted. Use show_meta=True in script() method to show it.</c> Bridge never drops the values: in the second form
/// they go to <c>STEM.meta.json</c> beside the script (the same save_json Map the section holds, so
/// <c>metadata = tvm.ir.load_json(open("STEM.meta.json").read())</c> restores them in TVM), and the reader finds that file by
/// itself when a script references metadata it does not carry.
/// </summary>
public static class RelaxMetadataFile
{
    /// <summary>Above this many bytes of metadata JSON, <see cref="MetadataPlacement.Auto"/> writes the sidecar file.</summary>
    public const int AutoLimitBytes = 1 << 20;

    public const string Suffix = ".meta.json";
    private const string Head = "metadata = tvm.ir.load_json(\"\"\"";
    public const string OmittedComment = "# Metadata omitted. Use show_meta=True in script() method to show it.";

    /// <summary>The sidecar of a TVMScript file: <c>m.py</c> → <c>m.meta.json</c>.</summary>
    public static string SidecarFor(string scriptPath) => Path.ChangeExtension(scriptPath, null) + Suffix;

    /// <summary>
    /// Splits the metadata section off <paramref name="script"/> when <paramref name="placement"/> asks for it: returns the script as
    /// TVM's default <c>script()</c> prints it (plus a comment naming <paramref name="sidecarName"/>) and the metadata JSON; or the
    /// script unchanged and null.
    /// </summary>
    public static (string Script, string? MetadataJson) Split(string script, MetadataPlacement placement, string sidecarName)
    {
        if (placement == MetadataPlacement.Section || !script.StartsWith(Head, StringComparison.Ordinal)) return (script, null);
        var end = script.IndexOf("\"\"\")\n", Head.Length, StringComparison.Ordinal);
        if (end < 0) return (script, null);
        if (placement == MetadataPlacement.Auto && end - Head.Length <= AutoLimitBytes) return (script, null);
        var json = Unescape(script.AsSpan(Head.Length, end - Head.Length));
        var rest = script[(end + 4)..].TrimEnd('\n');
        return (rest + "\n\n" + OmittedComment + "\n# Bridge wrote the metadata to " + sidecarName
            + " (metadata = tvm.ir.load_json(open(\"" + sidecarName + "\").read()) restores it).\n", json);
    }

    /// <summary>Reader options whose metadata, when the script references metadata without a section, comes from the sidecar
    /// beside <paramref name="scriptPath"/> (opened confined to the script's folder: a regular file, no link out of it).</summary>
    public static RelaxReaderOptions ReaderOptions(string scriptPath, RelaxReaderOptions? options = null) =>
        (options ?? new RelaxReaderOptions()) with { ExternalMetadata = loc => Load(scriptPath, loc) };

    private static IReadOnlyList<Constant> Load(string scriptPath, SourceLoc loc)
    {
        var sidecar = SidecarFor(scriptPath);
        if (!File.Exists(sidecar))
            throw new BridgeException(RelaxScriptDiagnosticIds.MetadataMissing, loc,
                $"metadata[...] used, but the script has no metadata section and {Path.GetFileName(sidecar)} is not beside it " +
                "(TVM's script() omits the values; print with show_meta=True, or keep the .meta.json that bridge convert wrote)");
        var dir = Path.GetDirectoryName(Path.GetFullPath(sidecar))!;
        using var s = ConfinedFile.OpenRead(dir, Path.GetFileName(sidecar), loc);
        using var r = new StreamReader(s, Encoding.UTF8);
        return Json.RelaxJsonReader.ReadMetadata(r.ReadToEnd(), sidecar);
    }

    private static string Unescape(ReadOnlySpan<char> s)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 == s.Length) { sb.Append(s[i]); continue; }
            var c = s[++i];
            if (c is '"' or '\\') sb.Append(c);
            else sb.Append('\\').Append(c);
        }
        return sb.ToString();
    }
}

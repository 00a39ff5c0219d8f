using Bridge.Ir.Relay;

namespace Bridge.Translators.Tests;

/// <summary>The committed Relay fixtures and how each is read (corpora/relay/README.md).</summary>
internal static class Corpus
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !Directory.Exists(Path.Combine(d.FullName, "corpora", "relay"))) d = d.Parent;
        return d is null ? throw new DirectoryNotFoundException("corpora/relay not found") : Path.Combine(d.FullName, "corpora", "relay");
    }

    public static IEnumerable<string> TextFixtures() =>
        Directory.GetFiles(Path.Combine(Root, "text"), "*.relay").Concat(Directory.GetFiles(Path.Combine(Root, "std"), "*.rly"))
            .Select(p => Path.GetRelativePath(Root, p)).OrderBy(p => p, StringComparer.Ordinal);

    public static string PathOf(string rel) => Path.Combine(Root, rel);

    /// <summary>The consts.json next to a fixture, if any.</summary>
    public static string? MetaOf(string rel)
    {
        var p = Path.Combine(Root, Path.ChangeExtension(rel, ".consts.json"));
        return File.Exists(p) ? p : null;
    }

    /// <summary>Fixtures that need an initial module (parsed by TVM with init_module): not standalone conversions.</summary>
    public static readonly HashSet<string> NeedsInitModule = ["nat.rly", "parser_init_module_main.relay"];
}

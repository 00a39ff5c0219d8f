using System.Text.RegularExpressions;

namespace Bridge.Cli.Tests;

/// <summary>
/// Issue 14 item 4: <c>bridge inspect</c> prints only domain values for every attribute kind of every format (strings, maps,
/// arrays of arrays, objects), never a .NET runtime type name. Walks every committed corpus file.
/// </summary>
public partial class InspectDomainValueTests
{
    private static string Corpora()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !Directory.Exists(Path.Combine(d.FullName, "corpora", "relay"))) d = d.Parent;
        return Path.Combine(d!.FullName, "corpora");
    }

    private static IEnumerable<string> Files() =>
        new[] { "relay", "relax" }.SelectMany(sub => Directory.GetFiles(Path.Combine(Corpora(), sub), "*", SearchOption.AllDirectories))
            .Where(f => !f.EndsWith(".md", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Corpora(), f).Replace('\\', '/')).Order(StringComparer.Ordinal);

    [GeneratedRegex(@"System\.|Microsoft\.|Bridge\.[A-Z]|`\d|\bList`|Dictionary`|ImmutableArray`|KeyValuePair")]
    private static partial Regex RuntimeTypeName();

    [TestCaseSource(nameof(Files))]
    public void Inspect_prints_no_runtime_type_names(string rel)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var rc = Program.Run(["inspect", Path.Combine(Corpora(), rel)], o, e);
        var text = o.ToString() + e.ToString();
        Assert.That(rc, Is.AnyOf(0, 2), text);
        var m = RuntimeTypeName().Match(text);
        Assert.That(m.Success, Is.False, $"runtime type name '{m.Value}' in:\n{text}");
    }

    /// <summary>The generated and real ONNX models and the TorchScript archives of the shared corpus (corpora/.cache, made by
    /// scripts/corpus.sh), up to 12 MB each: their attributes (ONNX node attributes, TorchScript module attributes and constants)
    /// reach inspect through other readers than the committed files'.</summary>
    private static IEnumerable<string> GeneratedFiles()
    {
        var cache = Path.Combine(Corpora(), ".cache");
        var files = Directory.Exists(cache)
            ? Directory.GetFiles(cache, "*", SearchOption.AllDirectories)
                .Where(f => (f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".pt", StringComparison.Ordinal)) && new FileInfo(f).Length < 12_000_000)
                .Select(f => Path.GetRelativePath(Corpora(), f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList()
            : [];
        return files.Count > 0 ? files : ["(no generated corpus: run scripts/corpus.sh)"];
    }

    [TestCaseSource(nameof(GeneratedFiles))]
    public void Inspect_on_onnx_and_torchscript_prints_no_runtime_type_names(string rel)
    {
        Assert.That(File.Exists(Path.Combine(Corpora(), rel)), Is.True, rel);
        var o = new StringWriter();
        var e = new StringWriter();
        var rc = Program.Run(["inspect", Path.Combine(Corpora(), rel)], o, e);
        var text = o.ToString() + e.ToString();
        Assert.That(rc, Is.EqualTo(0), text);
        Assert.That(text, Does.Contain(rel.EndsWith(".pt", StringComparison.Ordinal) ? "aten" : "op histogram"));
        var m = RuntimeTypeName().Match(text);
        Assert.That(m.Success, Is.False, $"runtime type name '{m.Value}' in:\n{text}");
    }

    [Test]
    public void A_map_attribute_prints_as_a_map()
    {
        var kvs = new List<KeyValuePair<string, object?>> { new("layout", "NCHW"), new("sizes", new List<object?> { new List<object?> { 1L, 2L }, new List<object?> { 3L } }) };
        Assert.That(Ir.Relay.AttrValues.Format(kvs), Is.EqualTo("{\"layout\": \"NCHW\", \"sizes\": [[1, 2], [3]]}"));
    }
}

using System.Xml.Linq;

namespace Bridge.Cli.Tests.Architecture;

/// <summary>
/// The layer diagram of docs/architecture.md, checked against the project files: an assembly references only the layers below it
/// that the diagram allows, and a test project only the project it tests (plus the listed reference helpers).
/// </summary>
public class LayerTests
{
    /// <summary>Assembly → the assemblies it may reference (the diagram; keep docs/architecture.md in step).</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Bridge.Core"] = [],
        ["Bridge.IR"] = ["Bridge.Core"],
        ["Bridge.Importers"] = ["Bridge.Core", "Bridge.IR"],
        ["Bridge.Backends"] = ["Bridge.Core", "Bridge.IR"],
        ["Bridge.Translators"] = ["Bridge.Core", "Bridge.IR", "Bridge.Importers"],
        ["Bridge.Compat"] = ["Bridge.Core", "Bridge.IR", "Bridge.Importers", "Bridge.Backends", "Bridge.Translators"],
        ["Bridge.Cli"] = ["Bridge.Core", "Bridge.IR", "Bridge.Importers", "Bridge.Translators", "Bridge.Backends", "Bridge.Compat"],
    };

    /// <summary>Test projects that reference more than the project they test, and why.</summary>
    private static readonly IReadOnlyDictionary<string, string[]> TestExtras = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        // ONNX Runtime (through Compat) is the independent reference of the ONNX emitter tests.
        ["Bridge.Translators.Tests"] = ["Bridge.Compat"],
    };

    private static string Root
    {
        get
        {
            var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (d is not null && !File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) d = d.Parent;
            return d?.FullName ?? throw new InvalidOperationException("Bridge.sln not found");
        }
    }

    private static IEnumerable<string> References(string csproj) =>
        XDocument.Load(csproj).Descendants().Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')));

    public static IEnumerable<TestCaseData> SourceProjects() =>
        Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => new TestCaseData(p).SetName($"layers of {Path.GetFileNameWithoutExtension(p)}"));

    [TestCaseSource(nameof(SourceProjects))]
    public void ASourceProjectReferencesOnlyTheLayersTheDiagramAllows(string csproj)
    {
        var name = Path.GetFileNameWithoutExtension(csproj);
        Assert.That(Allowed.ContainsKey(name), $"{name} is not in the layer diagram: add it to docs/architecture.md and {nameof(Allowed)}");
        var bad = References(csproj).Where(r => !Allowed[name].Contains(r)).ToList();
        Assert.That(bad, Is.Empty, $"{name} references {string.Join(", ", bad)}, which the layer diagram (docs/architecture.md) does not allow");
    }

    [Test]
    public void TheDiagramHasNoCycle()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        void Visit(string n, string path)
        {
            Assert.That(state.GetValueOrDefault(n), Is.Not.EqualTo(1), $"cycle: {path}");
            if (state.GetValueOrDefault(n) == 2) return;
            state[n] = 1;
            foreach (var m in Allowed[n]) Visit(m, path + " -> " + m);
            state[n] = 2;
        }
        foreach (var n in Allowed.Keys) Visit(n, n);
    }

    [Test]
    public void ATestProjectReferencesTheProjectItTests()
    {
        foreach (var csproj in Directory.GetFiles(Path.Combine(Root, "tests"), "*.csproj", SearchOption.AllDirectories))
        {
            var name = Path.GetFileNameWithoutExtension(csproj);
            var tested = name[..^".Tests".Length];
            var extras = TestExtras.GetValueOrDefault(name) ?? [];
            var refs = References(csproj).ToList();
            Assert.That(refs, Does.Contain(tested), $"{name} does not reference {tested}");
            Assert.That(refs.Where(r => r != tested && !extras.Contains(r)), Is.Empty, $"{name} references more than {tested}");
        }
    }
}

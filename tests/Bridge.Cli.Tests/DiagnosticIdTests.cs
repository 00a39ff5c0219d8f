using System.Reflection;

namespace Bridge.Cli.Tests;

/// <summary>Diagnostic numbers are forever and unique across every Bridge assembly (DEVELOPERS.md).</summary>
public class DiagnosticIdTests
{
    /// <summary>Every Bridge assembly next to the tests (the CLI references all of them).</summary>
    private static List<Assembly> BridgeAssemblies()
    {
        var dir = TestContext.CurrentContext.TestDirectory;
        var files = Directory.GetFiles(dir, "Bridge.*.dll").Append(Path.Combine(dir, "bridge.dll"))
            .Where(f => File.Exists(f) && !Path.GetFileName(f).EndsWith(".Tests.dll", StringComparison.Ordinal));
        return files.Select(Assembly.LoadFrom).ToList();
    }

    [Test]
    public void No_Diagnostic_Number_Is_Declared_Twice()
    {
        var asms = BridgeAssemblies();
        Assert.That(asms.Select(a => a.GetName().Name), Does.Contain("Bridge.Core").And.Contain("bridge"));
        var all = CoreDiagnosticIds.AllDeclared(asms).ToList();
        Assert.That(all, Is.Not.Empty);
        var dups = all.GroupBy(d => d.Id.Code).Where(g => g.Count() > 1)
            .Select(g => $"BRG{g.Key:D4}: " + string.Join(", ", g.Select(d => $"{d.Owner.FullName}.{d.Field}"))).ToList();
        Assert.That(dups, Is.Empty, string.Join("\n", dups));
        var outOfRange = all.Where(d => d.Id.Code is < 1000 or > 7999).Select(d => $"{d.Owner.FullName}.{d.Field} = {d.Id}").ToList();
        Assert.That(outOfRange, Is.Empty);
    }

    [Test]
    public void Core_Ids_Are_In_Core_Range_And_Named_After_Their_Field()
    {
        var core = CoreDiagnosticIds.AllDeclared([typeof(CoreDiagnosticIds).Assembly]).ToList();
        Assert.That(core, Has.Count.GreaterThanOrEqualTo(14));
        foreach (var (_, field, id) in core)
        {
            Assert.That(id.Code, Is.InRange(1000, 1999), field);
            Assert.That(id.Name, Is.EqualTo(field));
        }
    }

    [Test]
    public void Docs_List_Every_Core_Id()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) d = d.Parent;
        var doc = File.ReadAllText(Path.Combine(d!.FullName, "docs", "diagnostics.md"));
        foreach (var (_, field, id) in CoreDiagnosticIds.AllDeclared([typeof(CoreDiagnosticIds).Assembly]))
            Assert.That(doc, Does.Contain($"{id}").And.Contain(field), $"docs/diagnostics.md lacks {id} {field}");
    }
}

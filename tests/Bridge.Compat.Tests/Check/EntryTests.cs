using Bridge.Compat.Check;

namespace Bridge.Compat.Tests.Check;

/// <summary>The default entry: <c>main</c>, or a module's only function when it has no <c>main</c> (TVM test fixtures).</summary>
public sealed class EntryTests
{
    private static string Write(string text)
    {
        var p = Path.Combine(Path.GetTempPath(), $"bridge-entry-{Guid.NewGuid():N}.relay");
        File.WriteAllText(p, text);
        return p;
    }

    [Test]
    public void OnlyFunctionIsTheDefaultEntryAndRunsOnBothPaths()
    {
        var path = Write("#[version = \"0.0.5\"]\ndef @f(%y: Tensor[(2, 3), float32]) -> Tensor[(2, 3), float32] {\n  negative(%y)\n}\n");
        try
        {
            Assert.That(LoadedModel.Load(path).ResolveEntry("main"), Is.EqualTo("f"));
            var report = ModelChecker.Check(path);
            Assert.That(report.Paths.Select(p => (p.Name, p.Ok)), Is.EquivalentTo(new[] { ("relay", true), ("relax", true) }));
            Assert.That(report.Agree, Is.True);
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void MainWinsAndSeveralFunctionsWithoutMainAreNotGuessed()
    {
        var withMain = Write("#[version = \"0.0.5\"]\ndef @g(%x: int32) { %x }\ndef @main(%x: int32) { @g(%x) }\n");
        var noMain = Write("#[version = \"0.0.5\"]\ndef @g(%x: int32) { %x }\ndef @h(%x: int32) { %x }\n");
        try
        {
            Assert.That(LoadedModel.Load(withMain).ResolveEntry("main"), Is.EqualTo("main"));
            Assert.That(LoadedModel.Load(noMain).ResolveEntry("main"), Is.EqualTo("main"));
            Assert.That(LoadedModel.Load(noMain).ResolveEntry("h"), Is.EqualTo("h"));
        }
        finally { File.Delete(withMain); File.Delete(noMain); }
    }
}

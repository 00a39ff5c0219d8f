namespace Bridge.Cli.Tests.Fuzz;

/// <summary>
/// The fuzz smoke run of every importer (1,000 seeded mutations each): every input must end in a value or a diagnostic —
/// an internal exception, a hang over the per-input limit or a crash fails. <c>scripts/fuzz-soak.sh</c> runs the same
/// harness for longer through <see cref="FuzzSoak"/>.
/// </summary>
[TestFixture]
public class FuzzSmokeTests
{
    private static IEnumerable<string> Targets() => FuzzTargets.All.Select(t => t.Name);

    [TestCaseSource(nameof(Targets))]
    public void ThousandMutationsEndInValueOrDiagnostic(string target)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"bridge-fuzz-{target}-{Guid.NewGuid():N}");
        try
        {
            var stats = FuzzEngine.Run(FuzzTargets.Find(target), 1000, seed: 20, TimeSpan.FromSeconds(20), dir);
            TestContext.Out.WriteLine(stats.Summary());
            Assert.That(stats.Bugs, Is.Empty, "non-diagnostic exceptions:\n" + string.Join("\n", stats.Bugs.Select(b => $"{b.Key} ×{b.Value.Count} e.g. {b.Value.Example}")));
            Assert.That(stats.Hangs, Is.Zero, "hangs: " + string.Join(", ", stats.HangExamples));
            Assert.That(stats.Rejected, Is.GreaterThan(0), "no mutation was rejected: the mutator does not reach the reader");
        }
        finally
        {
            if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Passed) Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// The soak entry point: <c>BRIDGE_FUZZ_TARGET</c>, <c>BRIDGE_FUZZ_N</c> and <c>BRIDGE_FUZZ_REPORT</c> (JSON written every
    /// 1,000 inputs, so a crash still leaves the figures) come from scripts/fuzz-soak.sh; without them it runs 200 inputs of
    /// the ONNX target so the entry point itself stays tested.
    /// </summary>
    [Test]
    public void FuzzSoak()
    {
        var target = Environment.GetEnvironmentVariable("BRIDGE_FUZZ_TARGET") is { Length: > 0 } t ? t : "onnx";
        var n = int.TryParse(Environment.GetEnvironmentVariable("BRIDGE_FUZZ_N"), out var v) ? v : 200;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("BRIDGE_FUZZ_SEED"), out var s) ? s : 1;
        var report = Environment.GetEnvironmentVariable("BRIDGE_FUZZ_REPORT");
        var dir = report is { Length: > 0 } ? Path.GetDirectoryName(Path.GetFullPath(report))! : Path.Combine(Path.GetTempPath(), $"bridge-fuzz-soak-{Guid.NewGuid():N}");
        var stats = FuzzEngine.Run(FuzzTargets.Find(target), n, seed, TimeSpan.FromSeconds(10), Path.Combine(dir, "findings-" + target),
            progress: st => { if (report is { Length: > 0 }) File.WriteAllText(report, st.Json()); });
        if (report is { Length: > 0 }) File.WriteAllText(report, stats.Json());
        TestContext.Out.WriteLine(stats.Summary());
        Assert.That(stats.Bugs, Is.Empty, string.Join("\n", stats.Bugs.Keys));
        Assert.That(stats.Hangs, Is.Zero);
    }
}

using System.Text.RegularExpressions;

namespace Bridge.Cli.Tests.Pipeline;

/// <summary>
/// Every fixture under <c>tests/Bridge.Cli.Tests/BadInputs/</c> carries its expected error inside (MLIR's <c>expected-error</c> style,
/// see that folder's README): each verb it names exits 2 with exactly one error line of that ID at that location, and writes nothing.
/// </summary>
public partial class BadInputFixtureTests
{
    /// <summary>One expectation: the diagnostic ID, its line and column (or JSON node), the verbs, the message fragments.</summary>
    public sealed record Expectation(string Id, int? Line, int? Column, int? Node, IReadOnlyList<string> Verbs, IReadOnlyList<string> Fragments);

    [GeneratedRegex(@"expected-error@(?:(?<rel>[+-]\d+)|(?<line>\d+)|node (?<node>-?\d+))(?::(?<col>\d+))?\s+(?<id>BRG\d{4})(?:\s+verbs=(?<verbs>[a-z,]+))?(?<rest>.*)$")]
    private static partial Regex Directive();

    [GeneratedRegex(@"\{\{(.*?)\}\}")]
    private static partial Regex Fragment();

    [GeneratedRegex(@"^(?<path>.+?)(?:\((?<line>\d+),(?<col>\d+)\)|\[node (?<node>-?\d+)\])?: error (?<id>BRG\d{4}): (?<msg>.*)$")]
    private static partial Regex Rendered();

    private static string Folder
    {
        get
        {
            var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (d is not null && !File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) d = d.Parent;
            return Path.Combine(d?.FullName ?? throw new InvalidOperationException("Bridge.sln not found"), "tests", "Bridge.Cli.Tests", "BadInputs");
        }
    }

    /// <summary>The expectations written in <paramref name="fixture"/> (or its <c>.expected</c> sidecar).</summary>
    public static IReadOnlyList<Expectation> Parse(string fixture)
    {
        var sidecar = fixture + ".expected";
        var lines = File.ReadAllLines(File.Exists(sidecar) ? sidecar : fixture);
        var r = new List<Expectation>();
        for (var i = 0; i < lines.Length; i++)
        {
            var m = Directive().Match(lines[i]);
            if (!m.Success) continue;
            int? line = m.Groups["line"].Success ? int.Parse(m.Groups["line"].Value) : m.Groups["rel"].Success ? i + 1 + int.Parse(m.Groups["rel"].Value) : null;
            int? col = m.Groups["col"].Success ? int.Parse(m.Groups["col"].Value) : null;
            int? node = m.Groups["node"].Success ? int.Parse(m.Groups["node"].Value) : null;
            var verbs = m.Groups["verbs"].Success ? m.Groups["verbs"].Value.Split(',') : ["convert"];
            r.Add(new Expectation(m.Groups["id"].Value, line, col, node, verbs, [.. Fragment().Matches(m.Groups["rest"].Value).Select(f => f.Groups[1].Value)]));
        }
        return r;
    }

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var f in Directory.GetFiles(Folder).Where(f => !f.EndsWith(".expected", StringComparison.Ordinal) && !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var expectations = Parse(f);
            if (expectations.Count == 0) { yield return new TestCaseData(f, "", -1).SetName($"{Path.GetFileName(f)} has an expected-error"); continue; }
            for (var k = 0; k < expectations.Count; k++)
                foreach (var verb in expectations[k].Verbs)
                    yield return new TestCaseData(f, verb, k).SetName($"{verb} {Path.GetFileName(f)} #{k}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void FixtureFailsWithItsExpectedError(string fixture, string verb, int index)
    {
        Assert.That(index, Is.GreaterThanOrEqualTo(0), $"{fixture}: no expected-error directive (every bad-input fixture names its error)");
        var x = Parse(fixture)[index];
        var outDir = Directory.CreateTempSubdirectory("bridge-bad-input-").FullName;
        string[] args = verb switch
        {
            "convert" => ["convert", fixture, "-o", Path.Combine(outDir, "out.py")],
            "run" => ["run", fixture, "-o", Path.Combine(outDir, "out.npz")],
            "check" => ["check", fixture, "--report", Path.Combine(outDir, "report.json")],
            _ => throw new ArgumentException($"unknown verb {verb} in {fixture}"),
        };
        var (rc, o, e) = CliHarness.Run(args);
        Assert.That(rc, Is.EqualTo(ExitCodes.InputError), o + e);
        var errors = e.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Contains(": error BRG", StringComparison.Ordinal)).ToList();
        Assert.That(errors, Has.Count.EqualTo(1), $"one error line:\n{e}");
        var m = Rendered().Match(errors[0]);
        Assert.That(m.Success, errors[0]);
        Assert.That(m.Groups["id"].Value, Is.EqualTo(x.Id), errors[0]);
        if (x.Line is { } line)
            Assert.That((int.Parse(m.Groups["line"].Value), int.Parse(m.Groups["col"].Value)), Is.EqualTo((line, x.Column ?? int.Parse(m.Groups["col"].Value))), errors[0]);
        if (x.Node is { } node) Assert.That(int.Parse(m.Groups["node"].Value), Is.EqualTo(node), errors[0]);
        foreach (var f in x.Fragments) Assert.That(m.Groups["msg"].Value, Does.Contain(f), errors[0]);
        Assert.That(Directory.GetFiles(outDir), Is.Empty, "nothing written");
    }
}

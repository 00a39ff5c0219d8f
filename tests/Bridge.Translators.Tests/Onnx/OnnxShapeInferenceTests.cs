using System.Text;
using System.Text.Json;
using Bridge.Importers.Onnx;
using Bridge.Translators.Onnx;
using Bridge.Translators.OnnxShapes;
using NUnit.Framework;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// The import-time shape inference pass (<see cref="OnnxShapeInference"/>) against onnx 1.12's own
/// <c>infer_shapes(data_prop=True)</c> on the same graphs (gen_shape_inference.py records what ONNX infers): one case per op
/// family, symbolic input dims in, symbolic dims out. Every dim ONNX determines (a static size, or an input's dim_param) must be
/// Bridge's too, with the same rank and dtype; where Bridge goes further (products and clamps of dims ONNX cannot name) the
/// case's hand-written sizes, evaluated at the case's dim values, must match.
/// </summary>
[TestFixture]
public sealed class OnnxShapeInferenceTests
{
    private static readonly Lazy<(string Dir, List<JsonElement> Cases, string? Error)> s_cases = new(() =>
    {
        var (dir, error) = SingleOpModels.RunGenerator("gen_shape_inference.py", "bridge-shapeinfer");
        if (error is not null) return (dir, [], error);
        var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cases.json")));
        return (dir, [.. doc.RootElement.EnumerateArray()], null);
    });

    public static IEnumerable<TestCaseData> Cases()
    {
        var (_, cases, error) = s_cases.Value;
        // A generator that cannot run is a failing case, never a silent skip.
        if (error is not null) { yield return new TestCaseData("!" + error).SetName("GeneratorUnavailable"); yield break; }
        foreach (var c in cases) yield return new TestCaseData(c.GetProperty("name").GetString()!).SetName($"{c.GetProperty("family").GetString()}_{c.GetProperty("name").GetString()}");
    }

    private static (OnnxModel Model, OnnxShapeInference Inference, JsonElement Case) Run(string name)
    {
        if (s_cases.Value.Error is { } err) Assert.Fail(err);
        var c = s_cases.Value.Cases.Single(x => x.GetProperty("name").GetString() == name);
        var model = OnnxModelLoader.Load(Path.Combine(s_cases.Value.Dir, name + ".onnx"));
        return (model, OnnxShapeInference.Run(model), c);
    }

    private static InferredValue? Lookup(OnnxModel model, OnnxShapeInference inf, string key)
    {
        var slash = key.IndexOf('/');
        if (slash < 0) return inf.Get(key);
        var g = model.Graph.SelfAndSubgraphs().First(s => s.Name == key[..slash]);
        return inf.Get(g, key[(slash + 1)..]);
    }

    [TestCaseSource(nameof(Cases))]
    public void AgreesWithOnnxShapeInference(string name)
    {
        var (model, inf, c) = Run(name);
        Assert.That(inf.Failures, Is.Empty, "rules that threw");
        var inputParams = model.Graph.Inputs.SelectMany(i => i.Type.Shape ?? []).Select(d => d.Param).Where(p => p is { Length: > 0 }).ToHashSet();
        var env = c.GetProperty("env").EnumerateObject().ToDictionary(p => Names.Identifier(p.Name), p => p.Value.GetInt64());
        var failures = new StringBuilder();
        foreach (var v in c.GetProperty("values").EnumerateObject())
        {
            var ours = Lookup(model, inf, v.Name);
            if (v.Value.GetProperty("dtype") is { ValueKind: JsonValueKind.Number } dt && ours?.DType != OnnxDTypes.ToCore(dt.GetInt32()))
                failures.Append($"\n  {v.Name}: dtype {ours?.DType}, ONNX {OnnxDTypes.ToCore(dt.GetInt32())}");
            if (v.Value.GetProperty("dims") is not { ValueKind: JsonValueKind.Array } dims) continue;
            var want = dims.EnumerateArray().ToList();
            if (ours?.Dims is not { } got || got.Length != want.Count)
            {
                failures.Append($"\n  {v.Name}: {ours}, ONNX rank {want.Count}");
                continue;
            }
            for (var i = 0; i < want.Count; i++)
            {
                var ok = want[i].ValueKind switch
                {
                    JsonValueKind.Number => got[i]?.AsConst == want[i].GetInt64(),
                    JsonValueKind.String when inputParams.Contains(want[i].GetString()) => got[i] is SymVar sv && sv.Name == Names.Identifier(want[i].GetString()!),
                    _ => true, // ONNX has no value for the dim (or an unk__N it made up): Bridge may know more.
                };
                if (!ok) failures.Append($"\n  {v.Name}[{i}]: {got[i]?.ToString() ?? "?"}, ONNX {want[i]}");
            }
        }
        foreach (var v in c.GetProperty("hand").EnumerateObject())
        {
            var want = v.Value.EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var ours = Lookup(model, inf, v.Name);
            long? Eval(SymExpr? d) => d is null || d.FreeVars().Any(x => !env.ContainsKey(x.Name)) ? null : d.Evaluate(x => env[x.Name]);
            var got = ours?.Dims is { } ds ? ds.Select(Eval).ToArray() : null;
            if (got is null || !got.SequenceEqual(want.Select(x => (long?)x)))
                failures.Append($"\n  {v.Name}: {ours} (at {string.Join(", ", env.Select(kv => $"{kv.Key}={kv.Value}"))}: [{(got is null ? "?" : string.Join(", ", got.Select(x => x?.ToString() ?? "?")))}]), expected [{string.Join(", ", want)}]");
        }
        Assert.That(failures.ToString(), Is.Empty, $"{name}: Bridge's inference differs");
    }

    [TestCaseSource(nameof(Cases))]
    public void ValueInfoContradictionIsLocated(string name)
    {
        var (_, inf, c) = Run(name);
        if (!c.TryGetProperty("contradiction", out var value))
        {
            Assert.That(inf.Contradictions, Is.Empty, "no contradiction in a consistent file");
            return;
        }
        var hit = inf.Contradictions.Where(kv => kv.Key.Outputs.Contains(value.GetString()!)).Select(kv => kv.Value).SingleOrDefault();
        Assert.That(hit, Is.Not.Null, $"a contradiction at the node producing '{value.GetString()}'");
        Assert.That(hit!.Id, Is.EqualTo(OnnxTranslateDiagnosticIds.DeclaredShapeMismatch));
        Assert.That(hit.Loc, Is.Not.InstanceOf<Core.Diagnostics.SourceLoc.Unknown>());
        Assert.That(hit.Message, Does.Contain($"'{value.GetString()}'").And.Contain("[batch, seq, 5]").And.Contain("[batch, seq, 4]"));
    }

    /// <summary>The pass runs over every real-corpus model without a rule failing (the cache missing fails, never skips).</summary>
    [Test]
    public void RealModels_InferWithoutRuleFailures()
    {
        var dir = Path.Combine(OnnxCorpusTests.RepoRoot(), "corpora", ".cache", "real", "models");
        Assert.That(Directory.Exists(dir), Is.True, $"{dir} missing: run bash scripts/fetch-real-models.sh");
        var failures = new StringBuilder();
        foreach (var f in Directory.GetFiles(dir, "*.onnx").Order(StringComparer.Ordinal))
        {
            var inf = OnnxShapeInference.Run(OnnxModelLoader.Load(f));
            foreach (var x in inf.Failures) failures.Append($"\n  {Path.GetFileName(f)}: {x}");
        }
        Assert.That(failures.ToString(), Is.Empty);
    }
}

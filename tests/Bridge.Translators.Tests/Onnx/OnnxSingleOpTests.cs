using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Bridge.Backends.Reference;
using Bridge.Compat.Inputs;
using Bridge.Compat.Reference;
using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;
using Bridge.Translators.Onnx;
using Bridge.Translators.OnnxToRelax;
using Bridge.Translators.OnnxToRelay;
using NUnit.Framework;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// One generated single-op model per case (gen_single_ops.py, onnx.helper, cached per run in a temp dir). Each case converts
/// both ways and runs: ONNX Runtime on seeded random inputs (value ranges from the case metadata; dim_param <c>batch</c> = 3),
/// ONNX→Relay → <see cref="RelayInterpreter"/>, ONNX→Relax → <see cref="RelaxInterpreter"/>. Every output must match ORT's
/// within the per-dtype defaults of <see cref="TensorCompare"/> (a case may declare a looser tolerance with a reason), and the
/// emitted output types / struct info must agree with ORT's shapes. A case whose op an emitter does not map must fail on that
/// path with the one up-front diagnostic (BRG4300). <see cref="EveryMappedOpHasACase"/> ties the cases to the support matrix.
/// </summary>
[TestFixture]
public sealed class OnnxSingleOpTests
{
    /// <summary>One case of cases.json.</summary>
    public sealed record CaseInfo(string Name, string Op, string Domain, int Opset, IReadOnlyDictionary<string, (double Lo, double Hi)> Ranges,
        double? Rtol, double? Atol, string? Ignore, IReadOnlyDictionary<string, string> Unsupported, RandomSpec? Random = null)
    {
        public override string ToString() => Name;
    }

    private static readonly Lazy<(string Dir, CaseInfo[] Cases, string? Error)> s_models = new(Generate);

    private static (string, CaseInfo[], string?) Generate()
    {
        var dir = SingleOpModels.Dir;
        if (SingleOpModels.Error is not null) return (dir, [], SingleOpModels.Error);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cases.json")));
        return (dir, [.. doc.RootElement.EnumerateArray().Select(Parse)], null);
    }

    private static CaseInfo Parse(JsonElement c)
    {
        var ranges = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
        if (c.TryGetProperty("ranges", out var r))
            foreach (var kv in r.EnumerateObject()) ranges[kv.Name] = (kv.Value[0].GetDouble(), kv.Value[1].GetDouble());
        double? rtol = null, atol = null;
        if (c.TryGetProperty("tol", out var t))
        {
            rtol = t.GetProperty("rtol").GetDouble();
            atol = t.GetProperty("atol").GetDouble();
        }
        return new CaseInfo(c.GetProperty("name").GetString()!, c.GetProperty("op").GetString()!,
            c.TryGetProperty("domain", out var d) && d.GetString() is { Length: > 0 } dom ? dom : OnnxDomains.AiOnnx,
            c.GetProperty("opset").GetInt32(), ranges, rtol, atol, c.TryGetProperty("ignore", out var ig) ? ig.GetString() : null,
            c.TryGetProperty("unsupported", out var u) ? u.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!) : new Dictionary<string, string>(),
            c.TryGetProperty("random", out var rs) ? RandomSpec.Parse(rs) : null);
    }

    private static IReadOnlyList<CaseInfo> AllCases()
    {
        var (_, cases, error) = s_models.Value;
        if (error is not null) Assert.Ignore(error);
        return cases;
    }

    public static IEnumerable<TestCaseData> Cases()
    {
        var (_, cases, error) = s_models.Value;
        if (error is not null)
        {
            yield return new TestCaseData(new CaseInfo("!" + error, "", "", 0, new Dictionary<string, (double, double)>(), null, null, error, new Dictionary<string, string>())).SetName("GeneratorUnavailable");
            yield break;
        }
        foreach (var c in cases) yield return new TestCaseData(c).SetName(c.Name);
    }

    private static string ModelOf(CaseInfo c)
    {
        if (c.Ignore is { } why) Assert.Ignore(why);
        return Path.Combine(s_models.Value.Dir, c.Name + ".onnx");
    }

    private static string ModelOf(string name) => Path.Combine(s_models.Value.Dir, name + ".onnx");

    /// <summary>
    /// Seeded random feeds for the model's inputs: floats uniform in [-1, 1), integers in [-5, 5], bools 0/1, unless the case
    /// declares a range for the input (positive-only ops, valid indices). dim_param dims are 3.
    /// </summary>
    private static Dictionary<string, Tensor> Feeds(CaseInfo c, OnnxRuntimeReference ort)
    {
        var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        ulong seed = 1;
        foreach (var i in ort.Inputs)
        {
            var shape = i.Shape.Select(d => d.Value ?? 3).ToArray();
            var (lo, hi) = c.Ranges.TryGetValue(i.Name, out var r) ? r : i.DType.IsFloat ? (-1.0, 1.0) : (-5.0, 5.0);
            feeds[i.Name] = RandomInputs.Generate(i.DType, shape, lo, hi, seed++);
        }
        return feeds;
    }

    /// <summary>ORT's outputs in graph-output order, plus the feeds they came from.</summary>
    private static (List<(string Name, Tensor T)> Outputs, Dictionary<string, Tensor> Feeds, List<InputSpec> Specs) Reference(CaseInfo c, string path)
    {
        using var ort = new OnnxRuntimeReference(path);
        var feeds = Feeds(c, ort);
        var outs = ort.Run(feeds);
        return ([.. ort.OutputNames.Select(n => (n, outs[n]))], feeds, [.. ort.Inputs]);
    }

    private static void AssertShape(string what, IReadOnlyList<SymExpr> got, DataType? gotDt, Tensor want)
    {
        Assert.That(gotDt, Is.EqualTo(want.DType), $"{what}: dtype");
        Assert.That(got.Count, Is.EqualTo(want.Shape.Length), $"{what}: rank");
        for (var i = 0; i < got.Count; i++)
        {
            // Symbolic dims (from dim_param 'batch', fed as 3) are checked by substitution; Relay's Any (`?`) is unknown.
            if (got[i] is SymVar { Name: "?" }) continue;
            var v = got[i].Evaluate(_ => 3);
            Assert.That(v, Is.EqualTo(want.Shape[i]), $"{what}: dim {i} ({got[i]})");
        }
    }

    /// <summary>Compares every output with ORT's; one message listing each failing output with its max abs / rel error.</summary>
    private static void AssertValues(CaseInfo c, string path, IReadOnlyList<(string Name, Tensor T)> want, IReadOnlyList<Tensor> got)
    {
        Assert.That(got, Has.Count.EqualTo(want.Count), $"{path}: output count");
        if (c.Random is { } rnd)
        {
            // A random op's values cannot match ORT's: the exact shape and dtype, then each sample against the declared
            // distribution (ORT's included, so a wrong declaration fails too).
            for (var i = 0; i < want.Count; i++)
            {
                Assert.That(got[i].DType, Is.EqualTo(want[i].T.DType), $"{want[i].Name} via {path}: dtype");
                Assert.That(got[i].Shape, Is.EqualTo(want[i].T.Shape), $"{want[i].Name} via {path}: shape");
                Assert.That(OnnxRandomChecks.Check(rnd.Ort ?? rnd, want[i].T), Is.Empty,
                    $"{c.Name}: ONNX Runtime's {want[i].Name} does not fit the declared distribution{(rnd.Ort is null ? "" : $" (ORT's known departure: {rnd.OrtWhy})")}");
                Assert.That(OnnxRandomChecks.Check(rnd, got[i]), Is.Empty, $"{c.Name} via {path}: {want[i].Name} does not fit the declared distribution");
            }
            return;
        }
        var failures = new StringBuilder();
        for (var i = 0; i < want.Count; i++)
        {
            var o = CompareOptions.For(want[i].T.DType);
            if (c.Rtol is { } rt) o = o with { Rtol = rt, Atol = c.Atol!.Value };
            var r = TensorCompare.Compare(got[i], want[i].T, o);
            if (!r.Passed)
                failures.Append($"\n  {want[i].Name}: {r} (got shape [{string.Join(", ", got[i].Shape)}] {got[i].DType}, ORT [{string.Join(", ", want[i].T.Shape)}] {want[i].T.DType})");
        }
        Assert.That(failures.ToString(), Is.Empty, $"{c.Name} via {path} differs from ONNX Runtime:");
    }

    /// <summary>
    /// Whether the path is expected to refuse the case: an op the emitter does not map (by the support matrix) must fail with
    /// BRG4300; a form the case declares unsupported on this path must fail with BRG4301 naming it.
    /// </summary>
    private static bool ExpectRefusal<T>(CaseInfo c, string path, bool supported, Func<T> translate)
    {
        if (!supported)
        {
            var ex = Assert.Throws<BridgeException>(() => translate());
            Assert.That(ex!.Diagnostic.Id, Is.EqualTo(OnnxTranslateDiagnosticIds.UnsupportedByEmitter));
            return true;
        }
        if (c.Unsupported.TryGetValue(path, out var form))
        {
            var ex = Assert.Throws<BridgeException>(() => translate(), $"{path} declares '{form}' unsupported (BRG4301); if it is implemented now, drop the case's 'unsupported' entry");
            Assert.That(ex!.Diagnostic.Id, Is.EqualTo(OnnxTranslateDiagnosticIds.UnsupportedForm));
            Assert.That(ex.Diagnostic.Message, Does.Contain(form));
            return true;
        }
        return false;
    }

    [TestCaseSource(nameof(Cases))]
    public void Relax_MatchesOrt(CaseInfo c)
    {
        var path = ModelOf(c);
        var model = OnnxModelLoader.Load(path);
        if (ExpectRefusal(c, "relax", OnnxSupportMatrix.RelaxSupports(c.Op, c.Domain), () => OnnxToRelaxEmitter.Translate(model))) return;
        var (want, feeds, specs) = Reference(c, path);
        var r = OnnxToRelaxEmitter.Translate(model);
        var main = r.Module.Find("main")!.Function!;
        var outs = main.RetInfo is TupleSInfo t ? t.Fields.ToList() : [main.RetInfo!];
        Assert.That(outs, Has.Count.EqualTo(want.Count));
        for (var i = 0; i < want.Count; i++)
        {
            var ti = outs[i] as TensorSInfo;
            Assert.That(ti?.Shape, Is.Not.Null, $"{want[i].Name}: Relax struct info has a shape ({outs[i]})");
            AssertShape(want[i].Name, ti!.Shape!.Value.Items, ti.DType, want[i].T);
        }
        var text = RelaxScriptPrinter.Print(r.Module);
        Assert.That(RelaxScriptPrinter.Print(RelaxScriptReader.Parse(text, c.Name + ".py")), Is.EqualTo(text), "print → parse → print");
        var got = Compat.Check.ModelChecker.RunOnnxRelax(r.Module, r.Params, specs, feeds, "main", default);
        AssertValues(c, "Relax", want, [.. got.Select(g => g.Tensor)]);
    }

    [TestCaseSource(nameof(Cases))]
    public void Relay_MatchesOrt(CaseInfo c)
    {
        var path = ModelOf(c);
        var model = OnnxModelLoader.Load(path);
        if (ExpectRefusal(c, "relay", OnnxSupportMatrix.RelaySupports(c.Op, c.Domain), () => OnnxToRelayEmitter.Translate(model))) return;
        var (want, feeds, specs) = Reference(c, path);
        var r = OnnxToRelayEmitter.Translate(model);
        var body = r.Module.Lookup("main")!.Body;
        var outs = body.CheckedType is Relay.TupleType tt ? tt.Fields.ToList() : [body.CheckedType!];
        Assert.That(outs, Has.Count.EqualTo(want.Count));
        for (var i = 0; i < want.Count; i++)
        {
            var ty = outs[i] as Relay.TensorType;
            Assert.That(ty, Is.Not.Null, $"{want[i].Name}: a tensor type");
            AssertShape(want[i].Name, ty!.Shape, ty.DType, want[i].T);
        }
        var got = Compat.Check.ModelChecker.RunOnnxRelay(r.Module, specs, feeds, "main", default);
        AssertValues(c, "Relay", want, [.. got.Select(g => g.Tensor)]);
    }

    /// <summary>
    /// Every op row an emitter maps ("yes" in either support-matrix column) has at least one case, computed from the rule
    /// tables (an op added to an emitter without a case fails here). Constant is exercised inside other cases' graphs.
    /// </summary>
    [Test]
    public void EveryMappedOpHasACase()
    {
        var covered = AllCases().Select(c => (c.Domain, c.Op)).ToHashSet();
        // The sections with their own numeric fixtures (OnnxQuantContribNumericTests, OnnxStdOpNumericTests) list the cases
        // this fixture cannot run (a reference model instead of ORT, data-dependent shapes) in their own files.
        foreach (var extra in new[] { "quant_cases.json", "cases_opstd.json", "cases_ref.json" })
        {
            var file = Path.Combine(s_models.Value.Dir, extra);
            Assert.That(File.Exists(file), Is.True, $"gen_single_ops.py no longer writes {extra}");
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var c in doc.RootElement.EnumerateArray())
                covered.Add((c.TryGetProperty("domain", out var d) && d.GetString() is { Length: > 0 } dom ? dom : OnnxDomains.AiOnnx, c.GetProperty("op").GetString()!));
        }
        var missing = OnnxOps.All
            .Where(s => OnnxSupportMatrix.RelaySupports(s.OpType, s.Domain) || OnnxSupportMatrix.RelaxSupports(s.OpType, s.Domain))
            // Mapped ahead of the loader's range (RMSNormalization is opset 23; ai.onnx ends at 21): no model can reach it yet.
            .Where(s => s.Domain != OnnxDomains.AiOnnx || s.Versions.Any(v => v <= OnnxModelLoader.MaxAiOnnxOpset))
            .Where(s => !covered.Contains((s.Domain, s.OpType)))
            .Select(s => $"{s.Domain}:{s.OpType}").ToList();
        Assert.That(missing, Is.Empty, "mapped ops without a single-op case in gen_single_ops.py");
    }

    /// <summary>
    /// Every since-version of a mapped op whose schema changed in a way the importer must handle (the ops with a normaliser in
    /// the op table: attributes lifted to inputs, version-dependent defaults; plus BatchNormalization, whose attributes changed
    /// without one) resolves from some case's opset, when the loader can reach it: a version is reachable when some opset in
    /// the loader's ai.onnx range resolves to it (e.g. Reshape-1 is not: opset 7 already resolves to Reshape-5). Versions ONNX
    /// Runtime cannot run are listed by the generator in unrunnable.json with the reason.
    /// </summary>
    [Test]
    public void EveryVersionedFormHasACase()
    {
        var cases = AllCases();
        var exempt = ExemptVersions();
        var missing = new List<string>();
        foreach (var s in OnnxOps.All)
        {
            if (s.Normalize is null && s.OpType != "BatchNormalization") continue;
            if (!OnnxSupportMatrix.RelaySupports(s.OpType, s.Domain) && !OnnxSupportMatrix.RelaxSupports(s.OpType, s.Domain)) continue;
            var (lo, hi) = s.Domain == OnnxDomains.AiOnnx ? (OnnxModelLoader.MinAiOnnxOpset, OnnxModelLoader.MaxAiOnnxOpset) : (1, 1000);
            foreach (var v in s.Versions)
            {
                if (!Enumerable.Range(lo, hi - lo + 1).Any(o => s.Resolve(o) == v)) continue;
                if (exempt.Contains($"{s.OpType}-{v}")) continue;
                if (!cases.Any(c => c.Domain == s.Domain && c.Op == s.OpType && s.Resolve(c.Opset) == v)) missing.Add($"{s.OpType}-{v}");
            }
        }
        Assert.That(missing, Is.Empty, "reachable since-versions of version-dependent ops without a single-op case");
    }

    private static HashSet<string> ExemptVersions()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_models.Value.Dir, "unrunnable.json")));
        return [.. doc.RootElement.EnumerateObject().Select(p => p.Name)];
    }

    /// <summary>Known-value folding: the Shape→Gather→Unsqueeze→Concat chain becomes R.shape([batch, 12]) with no tensor ops.</summary>
    [Test]
    public void ShapeChain_FoldsIntoShapeExpr()
    {
        AllCases();
        var r = OnnxToRelaxEmitter.Translate(OnnxModelLoader.Load(ModelOf("ShapeChain")));
        var text = RelaxScriptPrinter.Print(r.Module);
        Assert.That(text, Does.Contain("R.reshape(x, R.shape([batch, 12]))"));
        Assert.That(text, Does.Not.Contain("shape_of").And.Not.Contain("R.take").And.Not.Contain("R.concat"));
        Assert.That(r.Summary.FoldedShapeNodes, Is.EqualTo(4));
    }
}

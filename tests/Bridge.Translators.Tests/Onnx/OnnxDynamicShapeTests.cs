using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Bridge.Compat.Reference;
using Bridge.Core.Files;
using Bridge.Importers.Onnx;
using Bridge.Ir.Relax.Script;
using Bridge.Ir.Relay.Text;
using Bridge.Translators.OnnxToRelax;
using Bridge.Translators.OnnxToRelay;
using NUnit.Framework;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// Data-dependent and dynamic-shape forms (issue 13): models from gen_dynamic_ops.py whose shape operands are computed in the
/// graph or fed at run time, with dynamic input dims (dim_param, unknown, <c>-1</c>). Each model is converted ONCE per path with
/// every dynamic dim left symbolic, then run at two different sizes (none of them 1) on ONNX Runtime, the Relay interpreter and
/// the Relax interpreter; every output must match ORT's (shape and values, per-dtype defaults of <see cref="TensorCompare"/>).
/// </summary>
[TestFixture]
public sealed class OnnxDynamicShapeTests
{
    private static readonly Lazy<(string Dir, string[] Cases, string? Error)> s_models = new(Generate);
    private static readonly Lazy<Dictionary<string, Dictionary<string, string>>> s_unsupported = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_models.Value.Dir, "cases.json")));
        return doc.RootElement.EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!,
            c => c.TryGetProperty("unsupported", out var u) ? u.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!) : new Dictionary<string, string>());
    });

    /// <summary>A form the path refuses on purpose must fail with BRG4301 naming it (the case starts failing once implemented).</summary>
    private static bool ExpectRefusal(string name, string path, Action translate)
    {
        if (!s_unsupported.Value[name].TryGetValue(path, out var form)) return false;
        var ex = Assert.Throws<Core.Diagnostics.BridgeException>(() => translate(), $"{path} declares '{form}' unsupported; if it is implemented now, drop the case's 'unsupported' entry");
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(Translators.Onnx.OnnxTranslateDiagnosticIds.UnsupportedForm));
        Assert.That(ex.Diagnostic.Message, Does.Contain(form));
        return true;
    }

    private static (string, string[], string?) Generate()
    {
        var (dir, error) = SingleOpModels.RunGenerator("gen_dynamic_ops.py", "bridge-dynops");
        if (error is not null) return (dir, [], error);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cases.json")));
        return (dir, [.. doc.RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()!)], null);
    }

    public static IEnumerable<TestCaseData> Cases()
    {
        var (_, cases, error) = s_models.Value;
        // A generator that cannot run is a failing case, never a silent skip.
        if (error is not null) { yield return new TestCaseData("!" + error).SetName("GeneratorUnavailable"); yield break; }
        foreach (var c in cases) yield return new TestCaseData(c).SetName(c);
    }

    private static string ModelPath(string name)
    {
        if (s_models.Value.Error is { } err) Assert.Fail(err);
        return Path.Combine(s_models.Value.Dir, name + ".onnx");
    }

    private static IEnumerable<Dictionary<string, Tensor>> Feeds(string name) =>
        Enumerable.Range(0, 2).Select(k => NpzFile.Read(Path.Combine(s_models.Value.Dir, $"{name}.{k}.npz"))
            .ToDictionary(a => a.Name, a => a.Tensor, StringComparer.Ordinal));

    private static void Compare(string name, string path, int size, IReadOnlyDictionary<string, Tensor> want, IReadOnlyList<string> names,
        IReadOnlyList<(string Name, Tensor Tensor)> got)
    {
        Assert.That(got, Has.Count.EqualTo(names.Count), $"{name} via {path}: output count");
        var failures = new StringBuilder();
        for (var i = 0; i < names.Count; i++)
        {
            var w = want[names[i]];
            var g = got[i].Tensor;
            if (!g.Shape.SequenceEqual(w.Shape) || g.DType != w.DType)
            {
                failures.Append($"\n  {names[i]}: got [{string.Join(", ", g.Shape)}] {g.DType}, ORT [{string.Join(", ", w.Shape)}] {w.DType}");
                continue;
            }
            var r = TensorCompare.Compare(g, w, CompareOptions.For(w.DType));
            if (!r.Passed) failures.Append($"\n  {names[i]}: {r}");
        }
        Assert.That(failures.ToString(), Is.Empty, $"{name} via {path} at size {size} differs from ONNX Runtime:");
    }

    [TestCaseSource(nameof(Cases))]
    public void Relax_MatchesOrtAtTwoSizes(string name)
    {
        var path = ModelPath(name);
        if (ExpectRefusal(name, "relax", () => OnnxToRelaxEmitter.Translate(OnnxModelLoader.Load(path)))) return;
        var r = OnnxToRelaxEmitter.Translate(OnnxModelLoader.Load(path));
        var text = RelaxScriptPrinter.Print(r.Module);
        var back = RelaxScriptReader.Parse(text, name + ".py");
        Assert.That(RelaxScriptPrinter.Print(back), Is.EqualTo(text), "print → parse → print");
        // The zoo's round-trip stage: the re-parsed module is structurally the emitted one (BRG6802 otherwise).
        Assert.That(Ir.Relax.RelaxStructuralEqual.Modules(r.Module, back), Is.True, "print → parse is structurally equal");
        using var ort = new OnnxRuntimeReference(path);
        var size = 0;
        foreach (var feeds in Feeds(name))
        {
            var want = ort.Run(feeds);
            var got = Compat.Check.ModelChecker.RunOnnxRelax(r.Module, r.Params, [.. ort.Inputs], feeds, "main", default);
            Compare(name, "Relax", size++, want, ort.OutputNames, got);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Relay_MatchesOrtAtTwoSizes(string name)
    {
        var path = ModelPath(name);
        if (ExpectRefusal(name, "relay", () => OnnxToRelayEmitter.Translate(OnnxModelLoader.Load(path)))) return;
        var r = OnnxToRelayEmitter.Translate(OnnxModelLoader.Load(path));
        RelayTextWriter.PrintModule(r.Module);
        using var ort = new OnnxRuntimeReference(path);
        var size = 0;
        foreach (var feeds in Feeds(name))
        {
            var want = ort.Run(feeds);
            var got = Compat.Check.ModelChecker.RunOnnxRelay(r.Module, [.. ort.Inputs], feeds, "main", default);
            Compare(name, "Relay", size++, want, ort.OutputNames, got);
        }
    }

    /// <summary>
    /// Unknown dims (neither dim_value nor dim_param) and <c>dim_value: -1</c> become named symbolic vars derived from the input
    /// name and axis, printed in the signature; none is frozen to a constant.
    /// </summary>
    [Test]
    public void UnknownAndMinusOneDims_StaySymbolicAndNamed()
    {
        var text = RelaxScriptPrinter.Print(OnnxToRelaxEmitter.Translate(OnnxModelLoader.Load(ModelPath("UnknownDims_Symbolic"))).Module);
        Assert.That(text, Does.Match(@"def main\(img: R\.Tensor\(\(""?img_dim0""?, 3, ""?img_dim2""?\), dtype=""float32""\)"), text);
        Assert.That(text, Does.Contain("R.Tensor((img_dim0, 3, img_dim2), dtype=\"float32\")"), text);
    }

    /// <summary>A value_info shape that contradicts the inferred one is BRG4307 at the producing node, on both paths.</summary>
    [TestCase("relay")]
    [TestCase("relax")]
    public void ValueInfoContradiction_IsLocatedDiagnostic(string path)
    {
        ModelPath("UnknownDims_Symbolic");
        var m = OnnxModelLoader.Load(Path.Combine(s_models.Value.Dir, "bad_value_info.onnx"));
        var ex = Assert.Throws<Core.Diagnostics.BridgeException>(() => SingleOpModels.Translate(path, m));
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(Translators.Onnx.OnnxTranslateDiagnosticIds.DeclaredShapeMismatch));
        Assert.That(ex.Diagnostic.Message, Does.Contain("relu0").And.Contain("'r'").And.Contain("[N, 4]"));
        Assert.That(ex.Diagnostic.Loc, Is.InstanceOf<Core.Diagnostics.SourceLoc.GraphNode>());
    }

    /// <summary>
    /// silero v5's form: an If on a scalar input whose untaken branch does not convert at the bound dims (BRG4307). Without
    /// input values the import fails with that diagnostic; with the feed's sr it converts specialised (warning BRG4308 naming
    /// sr=16000 and the first failure) and matches ONNX Runtime; when the feed selects the bad branch the first error stands.
    /// </summary>
    [TestCase("relay")]
    [TestCase("relax")]
    public void IfOnScalarInput_SpecialisesOnlyWhenTheGeneralFormFails(string path)
    {
        ModelPath("UnknownDims_Symbolic");
        var file = Path.Combine(s_models.Value.Dir, "if_on_scalar_input.onnx");
        var m = OnnxModelLoader.Load(file);
        using var ort = new OnnxRuntimeReference(file);
        var bound = Translators.Onnx.OnnxImportOptions.Default with { DimValues = System.Collections.Immutable.ImmutableDictionary<string, long>.Empty.Add("L", 5) };
        Translators.Onnx.OnnxImportSummary Import(Translators.Onnx.OnnxImportOptions o, out Func<IReadOnlyDictionary<string, Tensor>, IReadOnlyList<(string, Tensor)>> run)
        {
            if (path == "relay")
            {
                var r = OnnxToRelayEmitter.Translate(m, o);
                run = f => Compat.Check.ModelChecker.RunOnnxRelay(r.Module, [.. ort.Inputs], f, "main", default);
                return r.Summary;
            }
            var x = OnnxToRelaxEmitter.Translate(m, o);
            run = f => Compat.Check.ModelChecker.RunOnnxRelax(x.Module, x.Params, [.. ort.Inputs], f, "main", default);
            return x.Summary;
        }
        var general = Assert.Throws<Core.Diagnostics.BridgeException>(() => Import(bound, out _));
        Assert.That(general!.Diagnostic.Id, Is.EqualTo(Translators.Onnx.OnnxTranslateDiagnosticIds.DeclaredShapeMismatch));

        var feeds = new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray(new float[] { 1, -2, 3, -4, 5, 6, -7, 8, -9, 10 }, 2, 5), ["sr"] = Tensor.Scalar(DataType.Int64, 16000) };
        var summary = Import(bound with { InputValues = Translators.Onnx.OnnxImportOptions.ScalarInputs(feeds) }, out var runIt);
        var note = summary.Warnings.Single(w => w.Id == Translators.Onnx.OnnxTranslateDiagnosticIds.SpecialisedOnInputValues);
        Assert.That(note.Message, Does.Contain("sr=16000").And.Contain("BRG4307"));
        Compare("if_on_scalar_input", path, 0, ort.Run(feeds), ort.OutputNames, runIt(feeds));

        feeds["sr"] = Tensor.Scalar(DataType.Int64, 8000);
        var still = Assert.Throws<Core.Diagnostics.BridgeException>(() => Import(bound with { InputValues = Translators.Onnx.OnnxImportOptions.ScalarInputs(feeds) }, out _));
        Assert.That(still!.Diagnostic.Id, Is.EqualTo(Translators.Onnx.OnnxTranslateDiagnosticIds.DeclaredShapeMismatch));
    }

    /// <summary>
    /// keep_params_in_input also lifts large Constant-node weights (paddle2onnx stores weights so): the 32×40 weight becomes a
    /// parameter, the 40-element bias stays inline, and the module with its params matches ONNX Runtime.
    /// </summary>
    [Test]
    public void KeepParamsAsInputs_LiftsLargeConstantNodes()
    {
        ModelPath("UnknownDims_Symbolic");
        var file = Path.Combine(s_models.Value.Dir, "constant_node_weights.onnx");
        var r = OnnxToRelaxEmitter.Translate(OnnxModelLoader.Load(file), Translators.Onnx.OnnxImportOptions.Default with { KeepParamsAsInputs = true });
        Assert.That(r.Params.Values.Select(t => string.Join("x", t.Shape)), Is.EqualTo(new[] { "32x40" }));
        var text = RelaxScriptPrinter.Print(r.Module);
        Assert.That(text, Does.Contain("cw: R.Tensor((32, 40), dtype=\"float32\")"), text);
        using var ort = new OnnxRuntimeReference(file);
        var feeds = new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray(Enumerable.Range(0, 96).Select(i => MathF.Sin(i)).ToArray(), 3, 32) };
        Compare("constant_node_weights", "Relax", 0, ort.Run(feeds), ort.OutputNames,
            Compat.Check.ModelChecker.RunOnnxRelax(r.Module, r.Params, [.. ort.Inputs], feeds, "main", default));
    }

    /// <summary>The BERT-like block keeps batch and sequence symbolic by their dim_param names on both ends of main.</summary>
    [Test]
    public void BertLike_KeepsNamedDimsSymbolic()
    {
        var text = RelaxScriptPrinter.Print(OnnxToRelaxEmitter.Translate(OnnxModelLoader.Load(ModelPath("BertLike_SymbolicBatchSeq"))).Module);
        Assert.That(text, Does.Match(@"ids: R\.Tensor\(\(""?batch""?, ""?sequence""?\), dtype=""int64""\)"), text);
        Assert.That(text, Does.Match(@"-> R\.Tensor\(\(""?batch""?, ""?sequence""?, 8\), dtype=""float32""\)"), text);
    }
}

using System.Text;
using System.Text.Json;
using Bridge.Compat.Check;
using Bridge.Compat.Inputs;
using Bridge.Core.Files;
using Bridge.Importers.Onnx;
using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;
using Bridge.Translators.Onnx;
using Bridge.Translators.OnnxToRelax;
using Bridge.Translators.OnnxToRelay;
using NUnit.Framework;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// The single-op cases ONNX Runtime cannot run (gen_single_ops.py section "legacy", cases_ref.json): caffe2 FC/SpatialBN,
/// TVM's AllClassNMS, org.pytorch.aten ATen and the preview-training optimisers. Each case declares
/// <c>"reference": "numpy"</c>: its fixed feeds and numpy-computed expected outputs lie beside the model in
/// <c>&lt;name&gt;.ref.npz</c> ("in.&lt;input&gt;", "out.&lt;output&gt;"). ONNX→Relay→Relay interpreter and ONNX→Relax→Relax
/// interpreter must both match them within the per-dtype <see cref="TensorCompare"/> defaults, with the outputs' dtypes and
/// static dims as the reference's (data-dependent dims are checked by value only). A path a case declares unsupported must
/// reject it with BRG4301 naming the form.
/// </summary>
[TestFixture]
public sealed class OnnxReferenceCaseTests
{
    /// <summary>One case of cases_ref.json.</summary>
    public sealed record RefCase(string Name, string Op, string Domain, string Reference, IReadOnlyDictionary<string, string> Unsupported)
    {
        public override string ToString() => Name;
    }

    private static readonly Lazy<(RefCase[] Cases, string? Error)> s_cases = new(Load);

    private static (RefCase[], string?) Load()
    {
        if (SingleOpModels.Error is { } err) return ([], err);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(SingleOpModels.Dir, "cases_ref.json")));
        return ([.. doc.RootElement.EnumerateArray().Select(c => new RefCase(c.GetProperty("name").GetString()!, c.GetProperty("op").GetString()!,
            c.TryGetProperty("domain", out var d) && d.GetString() is { Length: > 0 } dom ? dom : OnnxDomains.AiOnnx,
            c.TryGetProperty("reference", out var r) ? r.GetString() ?? "" : "",
            c.TryGetProperty("unsupported", out var u) ? u.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!) : new Dictionary<string, string>()))], null);
    }

    public static IEnumerable<TestCaseData> Cases()
    {
        var (cases, error) = s_cases.Value;
        if (error is not null)
        {
            yield return new TestCaseData(new RefCase("!" + error, "", "", "", new Dictionary<string, string>())).SetName("GeneratorUnavailable");
            yield break;
        }
        foreach (var c in cases) yield return new TestCaseData(c).SetName(c.Name);
    }

    private static string ModelPath(RefCase c)
    {
        if (c.Name.StartsWith('!')) Assert.Ignore(c.Name[1..]);
        return Path.Combine(SingleOpModels.Dir, c.Name + ".onnx");
    }

    /// <summary>The stored feeds and expected outputs (graph-output order) of a case.</summary>
    private static (Dictionary<string, Tensor> Feeds, List<(string Name, Tensor T)> Want, List<InputSpec> Specs) Stored(RefCase c, OnnxModel model)
    {
        var arrays = NpzFile.Read(Path.Combine(SingleOpModels.Dir, c.Name + ".ref.npz")).ToDictionary(a => a.Name, a => a.Tensor, StringComparer.Ordinal);
        var feeds = model.Graph.Inputs.ToDictionary(i => i.Name, i => arrays.TryGetValue("in." + i.Name, out var t) ? t
            : throw new AssertionException($"{c.Name}.ref.npz has no feed for input '{i.Name}'"), StringComparer.Ordinal);
        var want = model.Graph.Outputs.Select(o => (o.Name, arrays.TryGetValue("out." + o.Name, out var t) ? t
            : throw new AssertionException($"{c.Name}.ref.npz has no expected value for output '{o.Name}'"))).ToList();
        var specs = model.Graph.Inputs.Select(i => new InputSpec(i.Name, i.Type.DType!.Value,
            [.. i.Type.Shape!.Value.Select(d => d.Value is { } v and > 0 ? InputDim.Fixed(v) : InputDim.Named(d.Param ?? ""))])).ToList();
        return (feeds, want, specs);
    }

    /// <summary>A path the case declares unsupported must fail with BRG4301 whose message names the form.</summary>
    private static bool ExpectRefusal(RefCase c, string path, Action translate)
    {
        if (!c.Unsupported.TryGetValue(path, out var form)) return false;
        var ex = Assert.Throws<BridgeException>(() => translate(), $"{path} declares '{form}' unsupported (BRG4301)");
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(OnnxTranslateDiagnosticIds.UnsupportedForm));
        Assert.That(ex.Diagnostic.Message, Does.Contain(form));
        return true;
    }

    /// <summary>dtype, rank and the static dims of an emitted output type against the reference value.</summary>
    private static void AssertType(string what, IReadOnlyList<SymExpr> dims, DataType? dt, Tensor want)
    {
        Assert.That(dt, Is.EqualTo(want.DType), $"{what}: dtype");
        Assert.That(dims.Count, Is.EqualTo(want.Shape.Length), $"{what}: rank");
        for (var i = 0; i < dims.Count; i++)
            if (dims[i].AsConst is { } v) Assert.That(v, Is.EqualTo(want.Shape[i]), $"{what}: dim {i}");
    }

    private static void AssertValues(RefCase c, string path, IReadOnlyList<(string Name, Tensor T)> want, IReadOnlyList<Tensor> got)
    {
        Assert.That(got, Has.Count.EqualTo(want.Count), $"{path}: output count");
        var failures = new StringBuilder();
        for (var i = 0; i < want.Count; i++)
        {
            var r = TensorCompare.Compare(got[i], want[i].T, CompareOptions.For(want[i].T.DType));
            if (!r.Passed)
                failures.Append($"\n  {want[i].Name}: {r} (got [{string.Join(", ", got[i].Shape)}] {got[i].DType}, want [{string.Join(", ", want[i].T.Shape)}] {want[i].T.DType})");
        }
        Assert.That(failures.ToString(), Is.Empty, $"{c.Name} via {path} differs from the {c.Reference} reference:");
    }

    [TestCaseSource(nameof(Cases))]
    public void Relay_MatchesReference(RefCase c)
    {
        var model = OnnxModelLoader.Load(ModelPath(c));
        if (ExpectRefusal(c, "relay", () => OnnxToRelayEmitter.Translate(model))) return;
        var (feeds, want, specs) = Stored(c, model);
        var r = OnnxToRelayEmitter.Translate(model);
        var body = r.Module.Lookup("main")!.Body;
        var outs = body.CheckedType is Relay.TupleType tt ? tt.Fields.ToList() : [body.CheckedType!];
        Assert.That(outs, Has.Count.EqualTo(want.Count));
        for (var i = 0; i < want.Count; i++)
        {
            var ty = outs[i] as Relay.TensorType ?? throw new AssertionException($"{want[i].Name}: not a tensor type");
            AssertType(want[i].Name, ty.Shape, ty.DType, want[i].T);
        }
        var got = ModelChecker.RunOnnxRelay(r.Module, specs, feeds, "main", default);
        AssertValues(c, "Relay", want, [.. got.Select(g => g.Tensor)]);
    }

    [TestCaseSource(nameof(Cases))]
    public void Relax_MatchesReference(RefCase c)
    {
        var model = OnnxModelLoader.Load(ModelPath(c));
        if (ExpectRefusal(c, "relax", () => OnnxToRelaxEmitter.Translate(model))) return;
        var (feeds, want, specs) = Stored(c, model);
        var r = OnnxToRelaxEmitter.Translate(model);
        var main = r.Module.Find("main")!.Function!;
        var outs = main.RetInfo is TupleSInfo t ? t.Fields.ToList() : [main.RetInfo!];
        Assert.That(outs, Has.Count.EqualTo(want.Count));
        for (var i = 0; i < want.Count; i++)
        {
            var ti = outs[i] as TensorSInfo ?? throw new AssertionException($"{want[i].Name}: not a tensor");
            // A data-dependent result (dynamic_strided_slice) knows only its rank.
            var dims = ti.Shape?.Items ?? [.. Enumerable.Range(0, ti.NDim).Select(_ => (SymExpr)SymVar.Any())];
            AssertType(want[i].Name, dims, ti.DType, want[i].T);
        }
        var text = RelaxScriptPrinter.Print(r.Module);
        Assert.That(RelaxScriptPrinter.Print(RelaxScriptReader.Parse(text, c.Name + ".py")), Is.EqualTo(text), "print → parse → print");
        var got = ModelChecker.RunOnnxRelax(r.Module, r.Params, specs, feeds, "main", default);
        AssertValues(c, "Relax", want, [.. got.Select(g => g.Tensor)]);
    }

    /// <summary>Every case declares its reference kind, and a case that some path runs has its stored arrays.</summary>
    [Test]
    public void EveryCaseDeclaresAStoredReference()
    {
        var (cases, error) = s_cases.Value;
        if (error is not null) Assert.Ignore(error);
        Assert.That(cases, Is.Not.Empty);
        foreach (var c in cases)
        {
            Assert.That(c.Reference, Is.EqualTo("numpy"), $"{c.Name}: reference kind");
            if (c.Unsupported.Count < 2) Assert.That(File.Exists(Path.Combine(SingleOpModels.Dir, c.Name + ".ref.npz")), $"{c.Name}: stored reference");
        }
    }

    /// <summary>The comparison can fail: a stored value off by 1e-2 is a mismatch.</summary>
    [Test]
    public void Compare_DetectsAPerturbedReference()
    {
        var a = Tensor.FromArray([1f, 2f, 3f], 3);
        var b = Tensor.FromArray([1f, 2f, 3.01f], 3);
        Assert.That(TensorCompare.Compare(a, b, CompareOptions.For(DataType.Float32)).Passed, Is.False);
    }
}

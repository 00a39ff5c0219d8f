using System.Diagnostics;
using System.Text.Json;
using Bridge.Backends.Reference;
using Bridge.Compat.Inputs;
using Bridge.Compat.Reference;
using Bridge.Importers.Onnx;
using Bridge.Translators.Onnx;
using Bridge.Translators.OnnxToRelax;
using Bridge.Translators.OnnxToRelay;
using NUnit.Framework;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// Numeric checks of the standard-domain op cases (gen_single_ops.py section "opstd", marked "numeric"): ONNX Runtime is
/// the reference; the Relay interpreter on the Relay import and the Relax interpreter on the Relax import must match it
/// within the per-dtype <see cref="TensorCompare"/> tolerances. A case whose op an emitter does not map is skipped for that
/// emitter (the shape tests in <see cref="OnnxSingleOpTests"/> check the BRG4300 there).
/// </summary>
[TestFixture]
public sealed class OnnxStdOpNumericTests
{
    private sealed record CaseInfo(string Name, double Lo, double Hi, string? RelayExpect = null, string? RelaxExpect = null);

    private static readonly Lazy<(string Dir, CaseInfo[] Cases)> s_models = new(Generate);

    /// <summary>Runs gen_single_ops.py into its own temp dir and keeps the cases marked "numeric".</summary>
    private static (string, CaseInfo[]) Generate()
    {
        var dir = SingleOpModels.Dir;
        if (SingleOpModels.Error is not null) return (dir, [new($"!{SingleOpModels.Error}", 0, 0)]);
        var all = new List<CaseInfo>();
        foreach (var file in new[] { "cases.json", "cases_opstd.json" })
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, file)));
            foreach (var c in doc.RootElement.EnumerateArray().Where(c => c.TryGetProperty("numeric", out var nm) && nm.GetBoolean()))
            {
                string? Expect(string who) => c.TryGetProperty("expect", out var ex) && ex.TryGetProperty(who, out var v) ? v.GetString() : null;
                all.Add(new CaseInfo(c.GetProperty("name").GetString()!, c.TryGetProperty("lo", out var lo) ? lo.GetDouble() : -1,
                    c.TryGetProperty("hi", out var hi) ? hi.GetDouble() : 1, Expect("relay"), Expect("relax")));
            }
        }
        return (dir, [.. all]);
    }

    public static IEnumerable<string> Cases() => s_models.Value.Cases.Select(c => c.Name);

    private static CaseInfo Info(string name)
    {
        if (name.StartsWith('!')) Assert.Ignore(name[1..]);
        return s_models.Value.Cases.First(c => c.Name == name);
    }

    /// <summary>A case an emitter is meant to reject: translation must fail with exactly that diagnostic.</summary>
    private static bool Rejects(string? expect, Action translate)
    {
        if (expect is null) return false;
        var ex = Assert.Throws<Bridge.Core.Diagnostics.BridgeException>(() => translate());
        Assert.That(ex!.Diagnostic.Id.ToString(), Is.EqualTo(expect));
        return true;
    }

    private static (OnnxModel Model, Dictionary<string, Tensor> Feeds, IReadOnlyDictionary<string, Tensor> Want) Setup(string name)
    {
        var info = Info(name);
        var path = Path.Combine(s_models.Value.Dir, name + ".onnx");
        var model = OnnxModelLoader.Load(path);
        using var ort = new OnnxRuntimeReference(path);
        var feeds = new Dictionary<string, Tensor>();
        ulong seed = 11;
        foreach (var i in ort.Inputs)
        {
            var shape = i.Shape.Select(d => d.Value ?? 3).ToArray();
            feeds[i.Name] = RandomInputs.Generate(i.DType, shape, info.Lo, info.Hi, seed++);
        }
        return (model, feeds, ort.Run(feeds));
    }

    private static void Compare(string who, OnnxModel model, Value got, IReadOnlyDictionary<string, Tensor> want)
    {
        var names = model.Graph.Outputs.Select(o => o.Name).ToList();
        var outs = names.Count == 1 ? [got] : ((TupleValue)got).Fields.ToList();
        Assert.That(outs, Has.Count.EqualTo(names.Count), $"{who}: output count");
        for (var i = 0; i < names.Count; i++)
        {
            var w = want[names[i]];
            var g = outs[i].AsTensor();
            var r = TensorCompare.Compare(g, w, CompareOptions.For(w.DType));
            Assert.That(r.Passed, Is.True, $"{who} output '{names[i]}': {r}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Relay_MatchesOrt(string name)
    {
        if (Rejects(Info(name).RelayExpect, () => OnnxToRelayEmitter.Translate(OnnxModelLoader.Load(Path.Combine(s_models.Value.Dir, name + ".onnx"))))) return;
        var (model, feeds, want) = Setup(name);
        if (!OnnxSupportMatrix.RelaySupports(model.Graph.Nodes[^1].OpType, model.Graph.Nodes[^1].Domain)) Assert.Ignore("not mapped by the Relay emitter");
        var r = OnnxToRelayEmitter.Translate(model);
        Compare("Relay", model, new RelayInterpreter(r.Module).Run(feeds), want);
    }

    [TestCaseSource(nameof(Cases))]
    public void Relax_MatchesOrt(string name)
    {
        if (Rejects(Info(name).RelaxExpect, () => OnnxToRelaxEmitter.Translate(OnnxModelLoader.Load(Path.Combine(s_models.Value.Dir, name + ".onnx"))))) return;
        var (model, feeds, want) = Setup(name);
        if (!OnnxSupportMatrix.RelaxSupports(model.Graph.Nodes[^1].OpType, model.Graph.Nodes[^1].Domain)) Assert.Ignore("not mapped by the Relax emitter");
        var r = OnnxToRelaxEmitter.Translate(model);
        Compare("Relax", model, new RelaxInterpreter(r.Module).Run(feeds), want);
    }

    /// <summary>The fixture must be able to fail: a wrong reference value is reported as a mismatch.</summary>
    [Test]
    public void Compare_DetectsAWrongValue()
    {
        var a = Tensor.FromArray([1f, 2f, 3f], 3);
        var b = Tensor.FromArray([1f, 2f, 3.5f], 3);
        Assert.That(TensorCompare.Compare(a, b, CompareOptions.For(DataType.Float32)).Passed, Is.False);
    }
}

using Bridge.Backends.Reference;
using Bridge.Compat.Check;
using Bridge.Compat.Diff;
using Bridge.Compat.Reports;
using Bridge.Core.Files;
using Bridge.Ir.Ops;

namespace Bridge.Compat.Tests.Diff;

/// <summary>
/// Per-node localisation and reduction on a corpus model (lstm_seq: MatMul, Add, Relu, two LSTMs) with one op's Relax kernel
/// deliberately wrong (<see cref="KernelFaults"/>: relax nn.relu results + 0.5): check must name the model's Relu node for Relax
/// vs ONNX Runtime and Relax vs Relay (and find Relay agreeing with ORT node by node), and reduce must cut it to ≤ 3 nodes that
/// still disagree.
/// </summary>
[NonParallelizable]
public class DifferentialCorpusTests
{
    internal static string LstmSeq()
    {
        var path = Path.Combine(AgreementTests.Corpora, ".cache", "models", "lstm_seq", "lstm_seq.onnx");
        if (!File.Exists(path)) Assert.Ignore($"{path} not generated (corpora/.cache is built by the corpus generators)");
        return path;
    }

    private static Dictionary<string, Core.Tensors.Tensor> Inputs(string model) =>
        NpzFile.Read(Path.ChangeExtension(model, null) + ".inputs.npz").ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);

    private static KernelFaults Fault => new(Dialect.Relax, "nn.relu", 0.5);

    /// <summary>The corpus inputs have batch 2 (the model's batch dim is symbolic).</summary>
    private static CheckOptions Options(Dictionary<string, Core.Tensors.Tensor>? inputs = null) =>
        new() { Load = new LoadOptions { Dims = new Dictionary<string, long> { ["batch"] = 2 } }, Inputs = inputs };

    [Test]
    public void UnperturbedModelAgreesNodeByNode()
    {
        var path = LstmSeq();
        var model = LoadedModel.Load(path);
        var loc = NodeLocalizer.LocalizeOnnx(model, Inputs(path), Options());
        Assert.That(loc.Notes, Is.Empty);
        Assert.That(loc.First.Select(f => f.ToString()), Is.Empty);
        Assert.That(loc.Curves.Select(c => $"{c.Actual} vs {c.Reference}"), Is.EquivalentTo(new[] { "relay vs onnxruntime", "relax vs onnxruntime", "relax vs relay" }));
        Assert.That(loc.Curves.All(c => c.Points.Count >= 5), Is.True, () => string.Join("; ", loc.Curves.Select(c => $"{c.Actual} vs {c.Reference}: {c.Points.Count}")));
    }

    [Test]
    public void CheckNamesThePerturbedNode()
    {
        var path = LstmSeq();
        var relu = LoadedModel.Load(path).Onnx.Graph.Nodes.First(n => n.OpType == "Relu").Name;
        CheckReport r;
        using (KernelFaults.Inject(Fault))
            r = ModelChecker.Check(path, Options(Inputs(path)));
        Assert.That(r.Agree, Is.False);
        var loc = r.Localization;
        Assert.That(loc, Is.Not.Null);
        var first = loc!.First.ToDictionary(f => $"{f.Actual} vs {f.Reference}");
        Assert.That(first.Keys, Is.EquivalentTo(new[] { "relax vs onnxruntime", "relax vs relay" }), "relay agrees with ONNX Runtime at every node");
        foreach (var f in first.Values)
        {
            Assert.That(f.Node, Is.EqualTo(relu));
            Assert.That(f.Op, Is.EqualTo("Relu"));
            Assert.That(f.InputStats, Has.Count.EqualTo(1));
            Assert.That(f.Stats!.MaxAbs, Is.EqualTo(0.5).Within(1e-6), "every element is off by the injected 0.5");
        }
        var html = HtmlReport.Check(r);
        Assert.That(html, Does.Contain("class=\"chart curve\""));
        Assert.That(html, Does.Contain("class=\"chart histogram\""));
        Assert.That(html, Does.Contain("<svg"));
    }

    [Test]
    public void ReduceCutsThePerturbedModelToAFewNodesThatStillDisagree()
    {
        var path = LstmSeq();
        var dir = Directory.CreateTempSubdirectory("bridge-reduce-test-").FullName;
        try
        {
            ReduceResult r;
            using (KernelFaults.Inject(Fault))
                r = OnnxReducer.Reduce(path, Inputs(path), Options(), dir);
            Assert.That(r.Nodes, Has.Length.LessThanOrEqualTo(3), string.Join(", ", r.Nodes));
            Assert.That(r.Nodes, Does.Contain(LoadedModel.Load(path).Onnx.Graph.Nodes.First(n => n.OpType == "Relu").Name));
            Assert.That(r.Symptom, Does.Contain("relax vs onnxruntime"));
            Assert.That(File.Exists(r.ModelPath) && File.Exists(r.InputsPath), Is.True);
            // The written pair reproduces on its own (fault on), and agrees without the fault: the cut is the fault, not the cut.
            var inputs = NpzFile.Read(r.InputsPath).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
            using (KernelFaults.Inject(Fault))
                Assert.That(ModelChecker.Check(r.ModelPath, new CheckOptions { Inputs = inputs, FindDivergence = false }).Agree, Is.False);
            Assert.That(ModelChecker.Check(r.ModelPath, new CheckOptions { Inputs = inputs, FindDivergence = false }).Agree, Is.True);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void MarkAllExposesEveryIntermediate()
    {
        var path = LstmSeq();
        var model = LoadedModel.Load(path);
        var values = OnnxIntermediates.RunAll(path, Inputs(path));
        var expected = model.Onnx.Graph.Nodes.Where(n => n.OpType != "Constant").Select(n => n.Outputs[0]).Where(o => o.Length > 0).ToList();
        Assert.That(expected.Where(o => !values.ContainsKey(o)), Is.Empty);
    }
}

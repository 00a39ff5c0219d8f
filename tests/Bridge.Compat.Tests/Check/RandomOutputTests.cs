using Bridge.Importers.Onnx;
using System.Diagnostics;
using Bridge.Compat.Check;
using Bridge.Compat.Zoo;

namespace Bridge.Compat.Tests.Check;

/// <summary>
/// Outputs that depend on a random op are <c>nondeterministic</c> in check and zoo reports: compared on shape and dtype only,
/// with the random node named; the other outputs of the same model are still compared by value.
/// </summary>
public class RandomOutputTests
{
    // mixed.onnx: y_random = x + RandomUniformLike(x), y_plain = Relu(x).
    // in_if.onnx: an If whose then-branch holds a RandomNormal; its output is random-dependent, the second output is not.
    private const string Script = """
import sys, os
import numpy as np
import onnx
from onnx import TensorProto as TP, helper as h
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
x = h.make_tensor_value_info("x", TP.FLOAT, [4, 8])
nodes = [h.make_node("RandomUniformLike", ["x"], ["r"], name="noise", seed=1.0),
         h.make_node("Add", ["x", "r"], ["y_random"], name="add"),
         h.make_node("Relu", ["x"], ["y_plain"], name="relu")]
g = h.make_graph(nodes, "mixed", [x], [h.make_tensor_value_info("y_random", TP.FLOAT, [4, 8]), h.make_tensor_value_info("y_plain", TP.FLOAT, [4, 8])])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 14)]); m.ir_version = 7
onnx.save(m, os.path.join(out, "mixed.onnx"))
then_g = h.make_graph([h.make_node("RandomNormal", [], ["t"], name="inner_normal", shape=[2], seed=3.0)], "then", [],
                      [h.make_tensor_value_info("t", TP.FLOAT, [2])])
else_g = h.make_graph([h.make_node("Constant", [], ["e"], value=h.make_tensor("c", TP.FLOAT, [2], [1.0, 2.0]))], "else", [],
                      [h.make_tensor_value_info("e", TP.FLOAT, [2])])
c = h.make_tensor_value_info("c", TP.BOOL, [])
nodes = [h.make_node("If", ["c"], ["y_if"], name="branch", then_branch=then_g, else_branch=else_g),
         h.make_node("Not", ["c"], ["y_not"], name="not")]
g = h.make_graph(nodes, "in_if", [c], [h.make_tensor_value_info("y_if", TP.FLOAT, [2]), h.make_tensor_value_info("y_not", TP.BOOL, [])])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 14)]); m.ir_version = 7
onnx.save(m, os.path.join(out, "in_if.onnx"))
""";

    private static readonly Lazy<string> s_dir = new(() =>
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Inconclusive("/usr/bin/python3 (with onnx) is required to generate the models");
        var dir = Path.Combine(Path.GetTempPath(), $"bridge-random-outputs-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        var script = Path.Combine(dir, "gen.py");
        File.WriteAllText(script, Script);
        using var p = Process.Start(new ProcessStartInfo(python, [script, dir]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"model generator failed: {err}");
        return dir;
    });

    private static string ModelPath(string name) => Path.Combine(s_dir.Value, name + ".onnx");

    private static OnnxModel Model(string name) => OnnxModelLoader.Load(ModelPath(name));

    [Test]
    public void Reachability_FollowsDataAndSubgraphs()
    {
        var mixed = RandomOutputs.Of(Model("mixed"));
        Assert.That(mixed.Keys, Is.EquivalentTo(new[] { 0 }));
        Assert.That(mixed[0], Does.Contain("noise").And.Contain("RandomUniformLike"));
        var inIf = RandomOutputs.Of(Model("in_if"));
        Assert.That(inIf.Keys, Is.EquivalentTo(new[] { 0 }));
        Assert.That(inIf[0], Does.Contain("inner_normal"));
    }

    [Test]
    public void ModelWithoutRandomOps_HasNoRandomOutputs() =>
        Assert.That(RandomOutputs.Of(OnnxModelLoader.Load(OnnxFixtures.Good("gemm_v13"))), Is.Empty);

    [Test]
    public void Check_ReportsRandomOutputAsNondeterministic_AndComparesTheOther()
    {
        var r = ModelChecker.Check(ModelPath("mixed"), new CheckOptions { Load = new LoadOptions { Seed = 1 } });
        Assert.That(r.Paths.Where(p => !p.Ok).Select(p => $"{p.Name}: {p.Error}"), Is.Empty);
        Assert.That(r.Diffs, Has.Count.EqualTo(6), "three pairs × two outputs");
        var random = r.Diffs.Where(d => d.Output is "output0" or "y_random").ToList();
        var plain = r.Diffs.Except(random).ToList();
        Assert.That(random, Has.Count.EqualTo(3));
        Assert.That(random.Select(d => d.Status), Has.All.EqualTo(CheckStatus.Nondeterministic));
        Assert.That(random.Select(d => d.RandomSource), Has.All.Contains("noise"));
        // The values really differ between runtimes (ORT's engine vs Threefry vs the packed stream): a value comparison would fail.
        var ort = r.Paths.Single(p => p.Name == "onnxruntime").Outputs![0].Tensor;
        var relay = r.Paths.Single(p => p.Name == "relay").Outputs![0].Tensor;
        Assert.That(Core.Tensors.TensorCompare.Compare(relay, ort, Core.Tensors.CompareOptions.For(ort.DType)).Passed, Is.False);
        Assert.That(plain.Select(d => d.Status), Has.All.EqualTo(CheckStatus.Pass));
        Assert.That(plain.Select(d => d.RandomSource), Has.All.Null);
        Assert.That(plain.Select(d => d.Result.Elements), Has.All.EqualTo(32));
        Assert.That(r.Agree, Is.True);

        var csv = CheckReportWriter.ToCsv(r);
        Assert.That(csv.Split('\n')[0], Does.Contain("Status").And.Contain("RandomSource"));
        Assert.That(csv, Does.Contain(",nondeterministic,").And.Contain("noise"));
        var json = CheckReportWriter.ToJson(r);
        Assert.That(json, Does.Contain("\"status\": \"nondeterministic\"").And.Contain("\"status\": \"pass\""));
    }

    [Test]
    public void ShapeOnly_FailsOnShapeOrDtype()
    {
        var a = Core.Tensors.Tensor.Zeros(Core.Tensors.DataType.Float32, 2, 3);
        var opts = new Core.Tensors.CompareOptions();
        Assert.That(ModelChecker.ShapeOnly(a, Core.Tensors.Tensor.Zeros(Core.Tensors.DataType.Float32, 3, 2), opts).Passed, Is.False);
        Assert.That(ModelChecker.ShapeOnly(a, Core.Tensors.Tensor.Zeros(Core.Tensors.DataType.Float64, 2, 3), opts).Passed, Is.False);
        Assert.That(ModelChecker.ShapeOnly(a, Core.Tensors.Tensor.Zeros(Core.Tensors.DataType.Float32, 2, 3), opts).Passed, Is.True);
        var d = new OutputDiff("onnxruntime", "relay", "y", ModelChecker.ShapeOnly(a, Core.Tensors.Tensor.Zeros(Core.Tensors.DataType.Float32, 3, 2), opts)) { RandomSource = "n" };
        Assert.That(d.Status, Is.EqualTo(CheckStatus.Fail), "a random output of the wrong shape is a failure");
    }

    [Test]
    public void Zoo_CheckStageIsNondeterministic()
    {
        var r = ZooRunner.RunOne(ModelPath("mixed"), "mixed", new ZooOptions());
        Assert.That(r.Check, Is.EqualTo(StageStatus.Nondeterministic), () => $"{r.Import} {r.Translate} {r.WellFormed} {r.Run} {r.Check}: {r.ErrorIds} {r.Message}");
        Assert.That(r.Passed, Is.True);
        Assert.That(r.Message, Does.Contain("output0").And.Contain("noise"));
        Assert.That(ZooRunner.Summary([r]).Single(s => s.Stage == "check").Passed, Is.EqualTo(1));
    }
}

using System.Diagnostics;

namespace Bridge.Cli.Tests;

/// <summary><c>bridge check</c> on an ONNX model with a random op: the random-dependent output is reported nondeterministic, the run passes.</summary>
public class RandomCheckCliTests
{
    private const string Script = """
import sys, os
import onnx
from onnx import TensorProto as TP, helper as h
x = h.make_tensor_value_info("x", TP.FLOAT, [3, 5])
nodes = [h.make_node("RandomNormalLike", ["x"], ["r"], name="noise", seed=4.0), h.make_node("Mul", ["x", "r"], ["y_random"], name="mul"),
         h.make_node("Abs", ["x"], ["y_plain"], name="abs")]
g = h.make_graph(nodes, "g", [x], [h.make_tensor_value_info("y_random", TP.FLOAT, [3, 5]), h.make_tensor_value_info("y_plain", TP.FLOAT, [3, 5])])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 14)]); m.ir_version = 7
onnx.save(m, sys.argv[1])
""";

    [Test]
    public void Check_ReportsNondeterministicOutput_AndPasses()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Inconclusive("/usr/bin/python3 (with onnx) is required");
        var dir = Path.Combine(Path.GetTempPath(), "bridge-cli-random-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var script = Path.Combine(dir, "gen.py");
            var model = Path.Combine(dir, "m.onnx");
            File.WriteAllText(script, Script);
            using (var p = Process.Start(new ProcessStartInfo(python, [script, model]) { RedirectStandardError = true })!)
            {
                var err = p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.That(p.ExitCode, Is.EqualTo(0), err);
            }
            var o = new StringWriter();
            var e = new StringWriter();
            var report = Path.Combine(dir, "r.csv");
            var rc = Program.Run(["check", model, "--report", report], o, e);
            Assert.That(rc, Is.EqualTo(0), o.ToString() + e);
            Assert.That(o.ToString(), Does.Contain("NONDETERMINISTIC (depends on random node noise (RandomNormalLike)"));
            Assert.That(o.ToString(), Does.Contain("PASSED").And.Contain("random-dependent outputs"));
            Assert.That(File.ReadAllText(report), Does.Contain("nondeterministic").And.Contain(",pass,"));
        }
        finally { Directory.Delete(dir, true); }
    }
}

using System.Diagnostics;
using Bridge.Importers.TorchScript;
using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;
using Bridge.Translators.TorchToRelax;

namespace Bridge.Translators.Tests.Torch;

[TestFixture]
public class TorchToRelaxTests
{
    private static readonly Lazy<string> s_dir = new(Generate);

    private static string Generate()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Inconclusive("/usr/bin/python3 with torch is required");
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Bridge.sln"))) root = root.Parent;
        var script = Path.Combine(root!.FullName, "tests", "Bridge.Translators.Tests", "Torch", "gen_torch_models.py");
        var dir = Path.Combine(Path.GetTempPath(), $"bridge-torch2relax-{Environment.ProcessId}");
        var psi = new ProcessStartInfo(python, [script, dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var so = p.StandardOutput.ReadToEndAsync();
        var err = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(300_000)) { p.Kill(true); throw new TimeoutException("gen_torch_models.py"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"gen_torch_models.py failed: {err}{so.Result}");
        return dir;
    }

    private static TorchScriptArchive Open(string name) => TorchScriptArchive.Open(Path.Combine(s_dir.Value, name + ".pt"));

    private static void AssertRoundTrips(IRModule m)
    {
        Assert.That(RelaxWellFormed.Check(m), Is.Empty);
        var text = RelaxScriptPrinter.Print(m);
        var m2 = RelaxScriptReader.Parse(text, "reprinted.py");
        Assert.That(RelaxStructuralEqual.Modules(m, m2), Is.True, text);
        Assert.That(RelaxWellFormed.Check(m2), Is.Empty);
    }

    [Test]
    public void ResNetLike_Traced_ConvertsWithSymbolicBatch_AndRoundTrips()
    {
        var batch = new SymVar("batch");
        var m = TorchToRelaxTranslator.Translate(Open("resnet18"), [new TensorSInfo([batch, 3, 32, 32], DataType.Float32)]);
        var text = RelaxScriptPrinter.Print(m);
        Assert.That(text, Does.Contain("R.nn.conv2d").And.Contain("R.nn.batch_norm").And.Contain("R.nn.max_pool2d")
            .And.Contain("R.nn.adaptive_avg_pool2d").And.Contain("R.matmul"));
        var main = m.Entries.Select(e => e.Value).OfType<Function>().Single();
        var ret = (TensorSInfo)(main.RetInfo ?? main.Body.Body.Info)!;
        Assert.That(ret.Shape!.Value.Length, Is.EqualTo(2));
        Assert.That(ret.Shape!.Value[1], Is.EqualTo((SymExpr)10));
        Assert.That(ret.Shape!.Value[0], Is.EqualTo((SymExpr)batch));
        AssertRoundTrips(m);
    }

    [Test]
    public void Head_CatTransposeReshapeMeanSoftmax_Converts()
    {
        var m = TorchToRelaxTranslator.Translate(Open("head"), [new TensorSInfo([2, 6, 6], DataType.Float32)]);
        var text = RelaxScriptPrinter.Print(m);
        Assert.That(text, Does.Contain("R.concat").And.Contain("R.permute_dims").And.Contain("R.mean").And.Contain("R.nn.softmax"));
        AssertRoundTrips(m);
    }

    [Test]
    public void UnsupportedOps_AreListedOnceWithCounts()
    {
        var ex = Assert.Throws<BridgeException>(() => TorchToRelaxTranslator.Translate(Open("odd"), [new TensorSInfo([3], DataType.Float32)]))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(TorchToRelaxDiagnosticIds.UnsupportedOps));
        Assert.That(ex.Message, Does.Contain("aten::cumsum x1").And.Contain("aten::erf x2").And.Contain("2 unsupported op(s)"));
    }
}

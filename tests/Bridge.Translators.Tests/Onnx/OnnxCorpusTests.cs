using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;
using Bridge.Translators.Onnx;
using NUnit.Framework;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>Corpus models (corpora/.cache, from corpora/generate.py) convert both ways; Relax keeps `batch` symbolic and re-parses.</summary>
[TestFixture, Category("Corpus")]
public sealed class OnnxCorpusTests
{
    public static readonly string[] Models =
    [
        "resnet18", "resnet50", "mobilenet_v2", "squeezenet1_1", "densenet121", "shufflenet_v2_x1_0", "efficientnet_b0", "vit_b_16",
        "transformer_encoder", "lstm_seq", "control_flow",
    ];

    internal static string RepoRoot()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static string ModelPath(string name)
    {
        var p = Path.Combine(RepoRoot(), "corpora", ".cache", "models", name, name + ".onnx");
        if (!File.Exists(p)) Assert.Ignore($"{p} is not generated (run python3 corpora/generate.py)");
        return p;
    }

    [TestCaseSource(nameof(Models))]
    public void ToRelax_KeepsBatchSymbolic_AndReparses(string name)
    {
        // Weights as parameters: the printer writes constants inline, and re-parsing millions of numbers is not the point here.
        var r = OnnxImport.ToRelax(ModelPath(name), OnnxImportOptions.Default with { KeepParamsAsInputs = true });
        Assert.That(r.Params, Is.Not.Empty);
        var main = r.Module.Find("main")!.Function!;
        var inInfo = (TensorSInfo)main.Params[0].Info!;
        Assert.That(inInfo.Shape!.Value[0], Is.InstanceOf<SymVar>().And.Property("Name").EqualTo("batch"), "input dim 0 is the dim_param 'batch'");
        var outInfo = main.RetInfo as TensorSInfo ?? (main.RetInfo as TupleSInfo)?.Fields[0] as TensorSInfo;
        Assert.That(outInfo?.Shape, Is.Not.Null, "output shape is known");
        Assert.That(outInfo!.Shape!.Value[0], Is.SameAs(inInfo.Shape!.Value[0]), "output dim 0 is the same `batch` var");
        var text = RelaxScriptPrinter.Print(r.Module);
        var back = RelaxScriptReader.Parse(text, name + ".py");
        var again = RelaxScriptPrinter.Print(back);
        if (again != text && Environment.GetEnvironmentVariable("BRIDGE_DUMP") is { Length: > 0 } dir)
        {
            File.WriteAllText(Path.Combine(dir, name + ".a.py"), text);
            File.WriteAllText(Path.Combine(dir, name + ".b.py"), again);
        }
        Assert.That(again, Is.EqualTo(text), "print → parse → print is a fixed point");
    }

    [TestCaseSource(nameof(Models))]
    public void ToRelay_TypeChecks(string name)
    {
        var path = ModelPath(name);
        var r = OnnxImport.ToRelay(path);
        var main = r.Module.Lookup("main")!;
        Assert.That(main.Body.CheckedType, Is.Not.Null);
        // vit_b_16 expands the class token to [batch, 1, 768] and lstm_seq builds h0 with ConstantOfShape([layers, batch, hidden]):
        // data-dependent shapes, which Relay expresses with dyn.* ops (as from_onnx does before DynamicToStatic).
        var ops = new HashSet<string>();
        Ir.Relay.RelayVisit.PreOrder(main.Body, e => { if (e is Ir.Relay.Call { Op: { } op }) ops.Add(op.Name); });
        if (name == "vit_b_16") Assert.That(ops, Does.Contain("dyn.broadcast_to"));
        if (name == "lstm_seq") Assert.That(ops, Does.Contain("dyn.full"));
    }

    /// <summary>
    /// The two corpus models whose Relay form needs dyn.* ops run through the Relay interpreter and agree with ONNX Runtime
    /// (batch = 2, seeded inputs), as <c>bridge check</c> compares them.
    /// </summary>
    /// <remarks>
    /// torchvision zero-initialises ViT's classification head, so vit_b_16's logits are all 0 whatever the encoder computes: the
    /// check runs on a copy whose graph also outputs the head's input (the class-token features), written by onnx in Python.
    /// </remarks>
    [TestCase("lstm_seq")]
    [TestCase("vit_b_16")]
    public void DynShapes_RelayAgreesWithOrt(string name)
    {
        var path = WithHeadInputAsOutput(ModelPath(name));
        var report = Compat.Check.ModelChecker.Check(path, new Compat.Check.CheckOptions
        {
            Load = new Compat.Check.LoadOptions { Dims = new Dictionary<string, long> { ["batch"] = 2 } },
            FindDivergence = false,
        });
        var relay = report.Paths.Single(p => p.Name == "relay");
        Assert.That(relay.Error, Is.Null, relay.Error?.ToString());
        var diffs = report.Diffs.Where(d => d.Reference == "onnxruntime" && d.Actual == "relay").ToList();
        Assert.That(diffs, Is.Not.Empty);
        foreach (var d in diffs) TestContext.Out.WriteLine($"{name} {d.Output}: {d.Result}");
        Assert.That(diffs, Has.Count.EqualTo(2), "the model output and the head's input");
        Assert.That(diffs.Where(d => !d.Result.Passed).Select(d => $"{d.Output}: {d.Result}"), Is.Empty);
        Assert.That(diffs.Max(d => d.Result.Elements), Is.GreaterThan(0));
    }

    /// <summary>A temp copy of the model whose graph also outputs the first non-initializer input of its last node.</summary>
    private static string WithHeadInputAsOutput(string path)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"bridge-corpus-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        var dst = Path.Combine(dir, Path.GetFileName(path));
        if (File.Exists(dst)) return dst;
        const string script = """
            import sys, onnx
            m = onnx.load(sys.argv[1])
            inits = {i.name for i in m.graph.initializer}
            m.graph.output.append(onnx.helper.make_empty_tensor_value_info(next(i for i in m.graph.node[-1].input if i not in inits)))
            onnx.save(m, sys.argv[2])
            """;
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", ["-c", script, path, dst]) { RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) Assert.Ignore($"python3/onnx could not add an output: {err}");
        return dst;
    }
}

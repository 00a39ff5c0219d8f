using System.Diagnostics;

namespace Bridge.Cli.Tests.Pipeline;

/// <summary>
/// The format × verb table (docs/architecture.md): every input format the pipeline reads, through every verb that takes a model
/// (and through zoo and adopt, which take a folder of them), is
/// accepted (no diagnostic, exit 0/1, or check's one-path NOT COMPARED) or refused with a named diagnostic; and options that do not
/// apply to an input are refused, never ignored. The fixtures are made here: Relay text by hand, Relay/Relax JSON and TVMScript by
/// <c>bridge convert</c>, ONNX and TorchScript by /usr/bin/python3 (onnx, torch), a graph-executor JSON by hand.
/// </summary>
[NonParallelizable]
public class FormatVerbTableTests
{
    private static readonly Lazy<string> s_dir = new(MakeFixtures);

    /// <summary>The formats, by fixture file name.</summary>
    private static readonly string[] Formats = ["relay_text.relay", "relay_json.json", "relax_script.py", "relax_json.json", "model.onnx", "model.pt", "graph_executor.json"];

    private const string Refused = "BRG6762";

    private static string F(string name) => Path.Combine(s_dir.Value, name);

    private static (int Rc, string Out, string Err) Cli(params string[] args) => CliHarness.Run(args);

    private static string MakeFixtures()
    {
        var dir = Directory.CreateTempSubdirectory("bridge-format-verb-").FullName;
        var relay = Path.Combine(dir, "relay_text.relay");
        File.WriteAllText(relay, "#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(2, 3), float32]) {\n  nn.relu(%x)\n}\n");
        Expect(Cli("convert", relay, "--to", "relay", "--format", "json", "-o", Path.Combine(dir, "relay_json.json")));
        Expect(Cli("convert", relay, "-o", Path.Combine(dir, "relax_script.py")));
        Expect(Cli("convert", relay, "--format", "json", "-o", Path.Combine(dir, "relax_json.json")));
        File.WriteAllText(Path.Combine(dir, "graph_executor.json"),
            """{"nodes": [{"op": "null", "name": "x", "inputs": []}], "arg_nodes": [0], "heads": [[0, 0, 0]], "node_row_ptr": [0, 1]}""");
        const string script = """
            import sys, onnx, torch
            from onnx import helper, TensorProto
            d = sys.argv[1]
            g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
            onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), d + "/model.onnx")
            class M(torch.nn.Module):
                def forward(self, x):
                    return torch.relu(x)
            torch.jit.trace(M(), torch.zeros(2, 3)).save(d + "/model.pt")
            """;
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-c", script, dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.EqualTo(0), $"fixture generation failed: {err.Result}");
        return dir;
    }

    private static void Expect((int Rc, string Out, string Err) r) => Assert.That(r.Rc, Is.EqualTo(0), r.Out + r.Err);

    /// <summary>The arguments of <paramref name="verb"/> on <paramref name="model"/> (outputs into a fresh folder).</summary>
    private static string[] Args(string verb, string model)
    {
        var outDir = Directory.CreateTempSubdirectory("bridge-format-verb-out-").FullName;
        var torchShape = model.EndsWith(".pt", StringComparison.Ordinal) ? new[] { "--shape", "x=[2,3]" } : [];
        return verb switch
        {
            "convert" => ["convert", model, "-o", Path.Combine(outDir, "out.py"), .. torchShape],
            "run" => ["run", model, "-o", Path.Combine(outDir, "out.npz"), .. torchShape],
            "check" => ["check", model, .. torchShape],
            "bench" => ["bench", "--reference", model, "--repeat", "1", .. torchShape],
            _ => throw new ArgumentException(verb),
        };
    }

    public static IEnumerable<TestCaseData> Table()
    {
        foreach (var verb in new[] { "convert", "run", "check", "bench" })
            foreach (var format in Formats)
                yield return new TestCaseData(verb, format, format == "graph_executor.json" ? Refused : null).SetName($"{verb} × {format}");
    }

    [TestCaseSource(nameof(Table))]
    public void EveryFormatIsAcceptedOrRefusedWithADiagnostic(string verb, string format, string? refusedWith)
    {
        var (rc, o, e) = Cli(Args(verb, F(format)));
        if (refusedWith is not null)
        {
            Assert.That(rc, Is.EqualTo(2), o + e);
            Assert.That(e, Does.Contain($"error {refusedWith}"), e);
            return;
        }
        Assert.That(e, Does.Not.Contain("error BRG"), o + e);
        Assert.That(e, Does.Not.Contain("internal error"), o + e);
        // check of a Relax model has one path: accepted, nothing to compare (exit 2 with the NOT COMPARED verdict, no diagnostic).
        if (verb == "check" && format.StartsWith("relax", StringComparison.Ordinal)) Assert.That(o, Does.Contain("NOT COMPARED"));
        else Assert.That(rc, Is.EqualTo(0), o + e);
    }

    /// <summary>
    /// zoo and adopt (the table's last two columns): every format the pipeline reads, alone in a folder, is a zoo model whose
    /// applicable stages all pass, and <c>adopt record</c> takes its result into the ledger. A graph-executor JSON is not a model
    /// (every verb refuses it): the zoo does not list it. A TorchScript archive gets its input shapes from the corpus's sibling
    /// <c>STEM.inputs.npz</c> (zoo has no <c>--shape</c>), written here.
    /// </summary>
    [TestCaseSource(nameof(Formats))]
    public void ZooAndAdoptTakeEveryFormat(string format)
    {
        var models = Directory.CreateTempSubdirectory("bridge-format-zoo-").FullName;
        var work = Directory.CreateTempSubdirectory("bridge-format-zoo-out-").FullName;
        File.Copy(F(format), Path.Combine(models, format));
        if (format == "model.pt")
            Bridge.Core.Files.NpzFile.Write(Path.Combine(models, "model.inputs.npz"), [("x", Bridge.Core.Tensors.Tensor.Zeros(Bridge.Core.Tensors.DataType.Float32, 2, 3))]);
        var outDir = Path.Combine(work, "zoo");
        var (rc, o, e) = Cli("zoo", models, "-o", outDir, "--in-process");
        var rows = File.ReadAllLines(Path.Combine(outDir, "report.csv")).Skip(1).ToList();
        if (format == "graph_executor.json")
        {
            Assert.That(rows, Is.Empty, "a graph-executor JSON is not a zoo model");
            return;
        }
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(rows, Has.Count.EqualTo(1), o + e);
        // name, kind, import, translate, well_formed, run, check, round_trip: each applicable stage passes.
        var stages = rows[0].Split(',')[2..8];
        Assert.That(stages, Has.All.AnyOf("pass", "n/a"), rows[0]);
        Assert.That(stages[0], Is.EqualTo("pass"), rows[0]);
        var state = Path.Combine(work, "adoption.json");
        var rec = Cli("adopt", "record", outDir, "--state", state);
        Assert.That(rec.Rc, Is.EqualTo(0), rec.Out + rec.Err);
        Assert.That(rec.Out, Does.Contain("recorded 1 result(s)"));
        var status = Cli("adopt", "status", "--state", state);
        Assert.That(status.Rc, Is.EqualTo(0), status.Out + status.Err);
        Assert.That(status.Out, Does.Contain(format));
    }

    /// <summary>Options that do not apply to the input are refused with the diagnostic named, before anything is written.</summary>
    [TestCase("convert", "model.onnx", "BRG6761", "--bind-params")]
    [TestCase("convert", "model.onnx", "BRG6761", "--relay-version", "0.7")]
    [TestCase("convert", "model.onnx", "BRG6761", "--params", "relay_text.relay")]
    [TestCase("convert", "model.onnx", "BRG6761", "--meta", "relay_text.relay")]
    [TestCase("convert", "model.onnx", "BRG4008", "--format", "bogus")]
    [TestCase("convert", "model.onnx", "BRG6761", "--shape", "x=2,3")]
    [TestCase("convert", "model.pt", "BRG6761", "--relay-version", "0.0.4")]
    [TestCase("convert", "model.pt", "BRG6761", "--bind-params")]
    [TestCase("convert", "relax_script.py", "BRG6761", "--shape", "x=n,3")]
    [TestCase("convert", "relax_json.json", "BRG6761", "--bind-params")]
    [TestCase("convert", "relax_script.py", "BRG6761", "--to", "relay")]
    [TestCase("convert", "relax_script.py", "BRG6761", "--keep-params-in-input")]
    [TestCase("convert", "relay_json.json", "BRG6761", "--meta", "relay_text.relay")]
    [TestCase("convert", "relay_text.relay", "BRG6761", "--shape", "n=4")]
    [TestCase("convert", "relay_text.relay", "BRG6760", "--shape", "x=n")]
    [TestCase("convert", "relay_text.relay", "BRG6760", "--shape", "nope")]
    [TestCase("convert", "relay_text.relay", "BRG6763", "--print-after", "lower")]
    [TestCase("run", "relay_text.relay", "BRG6761", "--dim", "x=2,3")]
    [TestCase("run", "model.onnx", "BRG6761", "--meta", "relay_text.relay")]
    [TestCase("run", "model.onnx", "BRG6761", "--params", "relay_text.relay")]
    [TestCase("run", "model.pt", "BRG6761", "--random-weights")]
    [TestCase("run", "relax_json.json", "BRG6761", "--meta", "relay_text.relay")]
    [TestCase("check", "model.onnx", "BRG6761", "--random-weights")]
    [TestCase("check", "relay_json.json", "BRG6761", "--meta", "relay_text.relay")]
    [TestCase("check", "relay_text.relay", "BRG6760", "--dim", "n=-1")]
    public void OptionsThatDoNotApplyAreRefused(string verb, string format, string id, params string[] extra)
    {
        var args = Args(verb, F(format)).ToList();
        // File-valued options name fixtures of this folder.
        args.AddRange(extra.Select(a => a.EndsWith(".relay", StringComparison.Ordinal) ? F(a) : a));
        var (rc, o, e) = Cli([.. args]);
        Assert.That(rc, Is.EqualTo(2), o + e);
        Assert.That(e, Does.Contain($"error {id}"), e);
        Assert.That(o, Does.Not.Contain("converted"), "nothing written");
    }

    /// <summary>The same options on the inputs they apply to are accepted (the rule refuses by input, not by option).</summary>
    [TestCase("convert", "model.onnx", "--format", "json")]
    [TestCase("convert", "relay_text.relay", "--shape", "x=[2,3]")]
    [TestCase("convert", "relay_text.relay", "--relay-version", "0.7")]
    [TestCase("convert", "relax_json.json", "--tvm-version", "0.19")]
    [TestCase("run", "relay_text.relay", "--random-weights")]
    [TestCase("bench", "relay_json.json", "--profile")]
    public void OptionsThatApplyAreAccepted(string verb, string format, params string[] extra)
    {
        var (rc, o, e) = Cli([.. Args(verb, F(format)), .. extra]);
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(e, Does.Not.Contain("error BRG"));
    }

    /// <summary><c>--print-after</c> prints the IR after the named pass (stderr), the same on convert and check.</summary>
    [Test]
    public void PrintAfterShowsTheIrAfterEachNamedPass()
    {
        var (rc, o, e) = Cli([.. Args("convert", F("relay_text.relay")), "--print-after", "parse,translate"]);
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(e, Does.Contain("// ----- IR after parse (Relay) -----").And.Contain("nn.relu(%x"));
        Assert.That(e, Does.Contain("// ----- IR after translate (Relax) -----").And.Contain("R.nn.relu(x)"));
        Assert.That(e, Does.Not.Contain("IR after infer-types"));
        var c = Cli([.. Args("check", F("relay_text.relay")), "--print-after", "all"]);
        Assert.That(c.Rc, Is.EqualTo(0), c.Out + c.Err);
        Assert.That(c.Err, Does.Contain("IR after parse (Relay)").And.Contain("IR after infer-types (Relay)").And.Contain("IR after translate (Relax)"));
        var r = Cli([.. Args("run", F("model.onnx")), "--path", "relax", "--print-after", "translate"]);
        Assert.That(r.Rc, Is.EqualTo(0), r.Out + r.Err);
        Assert.That(r.Err, Does.Contain("IR after translate (Relax)").And.Contain("R.nn.relu"));
    }
}

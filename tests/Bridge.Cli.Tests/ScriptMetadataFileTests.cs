using Bridge.Core.Files;
using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;
using Bridge.Ir.Relay.Json;

namespace Bridge.Cli.Tests;

/// <summary>
/// Issue 14 item 3: a TVMScript of a model with large weights stays small by default, as TVM's default <c>script()</c> prints it
/// (<c>metadata["relax.expr.Constant"][i]</c> references, "Metadata omitted" comment), with the values in <c>OUT.meta.json</c>
/// beside it, named in the summary line and found by run/check/inspect/convert; the values are never lost.
/// The numbers are hand values: y = x·Wᵀ with x = ones(1, 600) and W[i, j] = (i − j)·10⁻³, so y[i] = 10⁻³·(600·i − 179,700).
/// </summary>
public class ScriptMetadataFileTests
{
    private const int N = 600;
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("bridge-meta-file-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static (int Rc, string Out, string Err) Cli(params string[] args) => CliHarness.Run(args);

    /// <summary>A Relay text with a 600×600 weight (1.4 MB) in its <c>#[metadata]</c>, and x = ones(1, 600).</summary>
    private (string Model, string Inputs) Model()
    {
        var w = new float[N * N];
        for (var i = 0; i < N; i++) for (var j = 0; j < N; j++) w[i * N + j] = (i - j) * 1e-3f;
        var model = Path.Combine(_dir, "big.relay");
        File.WriteAllText(model, "#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(1, 600), float32]) {\n  nn.dense(%x, meta[relay.Constant][0], units=None)\n}\n\n#[metadata]\n"
            + RelayJsonWriter.WriteMetadata([new Bridge.Ir.Relay.Constant(Tensor.FromArray(w, N, N))]) + "\n");
        var inputs = Path.Combine(_dir, "x.npz");
        NpzFile.Write(inputs, [("x", Tensor.FromArray(Enumerable.Repeat(1f, N).ToArray(), 1, N))]);
        return (model, inputs);
    }

    private static void AssertHandValues(string npz)
    {
        var y = NpzFile.Read(npz)[0].Tensor.ReadOnlySpan<float>().ToArray();
        Assert.That(y, Has.Length.EqualTo(N));
        for (var i = 0; i < N; i++) Assert.That(y[i], Is.EqualTo(1e-3 * (600.0 * i - 179_700)).Within(2e-3), $"y[{i}]");
    }

    [Test]
    public void Large_weights_go_beside_the_script_and_every_verb_finds_them()
    {
        var (model, x) = Model();
        var py = Path.Combine(_dir, "big.py");
        var sidecar = Path.Combine(_dir, "big.meta.json");
        var c = Cli("convert", model, "-o", py);
        Assert.That(c.Rc, Is.EqualTo(0), c.Err);
        Assert.That(c.Out, Does.Contain("→ " + sidecar), "the summary line names the values' file");
        var text = File.ReadAllText(py);
        Assert.That(new FileInfo(py).Length, Is.LessThan(16 << 10), "the script holds references only");
        Assert.That(text, Does.Contain("metadata[\"relax.expr.Constant\"][0]").And.Contain(RelaxMetadataFile.OmittedComment));
        Assert.That(text, Does.Not.Contain("tvm.ir.load_json(\"\"\""));
        Assert.That(File.ReadAllText(sidecar), Does.StartWith("{").And.Contain("relax.expr.Constant"));

        var r = Cli("run", py, "--inputs", x, "-o", Path.Combine(_dir, "y.npz"));
        Assert.That(r.Rc, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Not.Contain("random"));
        AssertHandValues(Path.Combine(_dir, "y.npz"));
        var chk = Cli("check", py, "--inputs", x);
        Assert.That(chk.Out + chk.Err, Does.Not.Contain("BRG3013").And.Not.Contain("BRG6680"));
        Assert.That(Cli("inspect", py).Rc, Is.EqualTo(0));

        // Re-emitted with the section inside: the same module as the split one read with its sidecar.
        var whole = Path.Combine(_dir, "whole.py");
        Assert.That(Cli("convert", py, "-o", whole, "--metadata", "section").Rc, Is.EqualTo(0));
        Assert.That(File.Exists(Path.Combine(_dir, "whole.meta.json")), Is.False);
        Assert.That(File.ReadAllText(whole), Does.StartWith("metadata = tvm.ir.load_json(\"\"\""));
        var a = RelaxScriptReader.Parse(text, py, RelaxMetadataFile.ReaderOptions(py));
        var b = RelaxScriptReader.Parse(File.ReadAllText(whole), whole);
        Assert.That(RelaxStructuralEqual.Modules(a, b), Is.True);
    }

    [Test]
    public void A_missing_or_escaping_sidecar_is_a_diagnostic_and_small_models_keep_the_section()
    {
        var (model, x) = Model();
        var py = Path.Combine(_dir, "big.py");
        Assert.That(Cli("convert", model, "-o", py, "--metadata", "file").Rc, Is.EqualTo(0));
        var sidecar = Path.Combine(_dir, "big.meta.json");

        // A sidecar that is a link out of the model's folder is refused (confinement), not read.
        var outside = Directory.CreateTempSubdirectory("bridge-meta-outside-").FullName;
        try
        {
            File.Move(sidecar, Path.Combine(outside, "v.json"));
            File.CreateSymbolicLink(sidecar, Path.Combine(outside, "v.json"));
            var linked = Cli("run", py, "--inputs", x, "-o", Path.Combine(_dir, "l.npz"));
            Assert.That(linked.Rc, Is.EqualTo(2));
            Assert.That(linked.Err, Does.Contain("BRG1103"));
        }
        finally { Directory.Delete(outside, recursive: true); }

        File.Delete(sidecar);
        var missing = Cli("run", py, "--inputs", x, "-o", Path.Combine(_dir, "m.npz"));
        Assert.That(missing.Rc, Is.EqualTo(2));
        Assert.That(missing.Err, Does.Contain("BRG3013").And.Contain("big.meta.json"));
        Assert.That(File.Exists(Path.Combine(_dir, "m.npz")), Is.False);

        // --metadata section keeps today's single file; auto keeps it for a model under 1 MiB of metadata.
        var one = Path.Combine(_dir, "one.py");
        Assert.That(Cli("convert", model, "-o", one, "--metadata", "section").Rc, Is.EqualTo(0));
        Assert.That(File.Exists(Path.Combine(_dir, "one.meta.json")), Is.False);
        Assert.That(new FileInfo(one).Length, Is.GreaterThan(1 << 20));
        Assert.That(Cli("convert", model, "-o", one, "--metadata", "nope").Rc, Is.EqualTo(2));
    }
}

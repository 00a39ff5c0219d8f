using Bridge.Core.Files;
using Bridge.Ir.Relay;
using Bridge.Ir.Relay.Json;

namespace Bridge.Cli.Tests;

/// <summary>
/// Issue 14 item 0: a converted model carries its weights (inline or in a .params file beside it that run/check find by
/// themselves), run/check never fill a weight with random values unless --random-weights, and an --inputs key must name an input.
/// Numbers are checked against hand values: y = x·Wᵀ + b with x = [1, 2, 3], W = [[1, 0, -1], [0.5, 0.5, 0.5]], b = [10, -1] → [8, 2].
/// </summary>
public class WeightFidelityTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "bridge-weights-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static (int Rc, string Out, string Err) Cli(params string[] args) => CliHarness.Run(args);

    private static string Corpus(string rel)
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !Directory.Exists(Path.Combine(d.FullName, "corpora", "relay"))) d = d.Parent;
        return Path.Combine(d!.FullName, "corpora", rel);
    }

    /// <summary>A Relay text whose two weights live in its own <c>#[metadata]</c> section, and the input x.</summary>
    private (string Model, string Inputs) MetadataModel()
    {
        var w = new Constant(Tensor.FromArray([1f, 0f, -1f, 0.5f, 0.5f, 0.5f], 2, 3));
        var b = new Constant(Tensor.FromArray([10f, -1f], 2));
        var model = Path.Combine(_dir, "m.relay");
        File.WriteAllText(model, """
            #[version = "0.0.5"]
            def @main(%x: Tensor[(1, 3), float32]) {
              %0 = nn.dense(%x, meta[relay.Constant][0], units=None);
              add(%0, meta[relay.Constant][1])
            }

            #[metadata]

            """ + RelayJsonWriter.WriteMetadata([w, b]) + "\n");
        var inputs = Path.Combine(_dir, "x.npz");
        NpzFile.Write(inputs, [("x", Tensor.FromArray([1f, 2f, 3f], 1, 3))]);
        return (model, inputs);
    }

    private static float[] Output(string npz) => NpzFile.Read(npz)[0].Tensor.ReadOnlySpan<float>().ToArray();

    [Test]
    public void Relay_metadata_weights_survive_conversion_inline_and_equal_the_relay_run()
    {
        var (model, x) = MetadataModel();
        var py = Path.Combine(_dir, "m.py");
        var c = Cli("convert", model, "-o", py);
        Assert.That(c.Rc, Is.EqualTo(0), c.Err);
        Assert.That(File.Exists(Path.ChangeExtension(py, ".params")), Is.False, "weights are inline by default");
        Assert.That(File.ReadAllText(py), Does.Contain("R.const("));
        var a = Cli("run", model, "--inputs", x, "-o", Path.Combine(_dir, "relay.npz"));
        Assert.That(a.Rc, Is.EqualTo(0), a.Err);
        var r = Cli("run", py, "--inputs", x, "-o", Path.Combine(_dir, "relax.npz"));
        Assert.That(r.Rc, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Not.Contain("random"));
        Assert.That(Output(Path.Combine(_dir, "relay.npz")), Is.EqualTo(new[] { 8f, 2f }));
        Assert.That(Output(Path.Combine(_dir, "relax.npz")), Is.EqualTo(new[] { 8f, 2f }));
    }

    [Test]
    public void Keep_params_in_input_writes_the_weights_beside_the_output_and_run_finds_them()
    {
        var (model, x) = MetadataModel();
        var py = Path.Combine(_dir, "k.py");
        var c = Cli("convert", model, "-o", py, "--keep-params-in-input");
        Assert.That(c.Rc, Is.EqualTo(0), c.Err);
        var sidecar = Path.ChangeExtension(py, ".params");
        Assert.That(c.Out, Does.Contain("2 weights → " + sidecar));
        Assert.That(ParamsFile.Read(sidecar).Select(p => p.Name), Is.EquivalentTo(new[] { "const0", "const1" }));
        Assert.That(File.ReadAllText(py), Does.Contain("\"num_input\": 1"));
        var r = Cli("run", py, "--inputs", x, "-o", Path.Combine(_dir, "k.npz"));
        Assert.That(r.Rc, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("weights: 2 from " + sidecar));
        Assert.That(Output(Path.Combine(_dir, "k.npz")), Is.EqualTo(new[] { 8f, 2f }));
        var chk = Cli("check", py, "--inputs", x);
        Assert.That(chk.Out + chk.Err, Does.Not.Contain("BRG6680"));

        // Without its weights the model is refused, not run on random numbers; --random-weights says so explicitly.
        File.Delete(sidecar);
        var refused = Cli("run", py, "--inputs", x, "-o", Path.Combine(_dir, "no.npz"));
        Assert.That(refused.Rc, Is.EqualTo(2));
        Assert.That(refused.Err, Does.Contain("BRG6680").And.Contain("const0"));
        Assert.That(File.Exists(Path.Combine(_dir, "no.npz")), Is.False);
        Assert.That(Cli("check", py, "--inputs", x).Rc, Is.EqualTo(2));
        var random = Cli("run", py, "--inputs", x, "-o", Path.Combine(_dir, "rnd.npz"), "--random-weights");
        Assert.That(random.Rc, Is.EqualTo(0), random.Err);
        Assert.That(random.Out, Does.Contain("2 weights filled with seeded random values"));
    }

    [Test]
    public void Types_only_meta_table_needs_random_weights()
    {
        var model = Corpus("relay/text/menagerie_mnist.relay");
        var refused = Cli("run", model, "-o", Path.Combine(_dir, "a.npz"));
        Assert.That(refused.Rc, Is.EqualTo(2));
        Assert.That(refused.Err, Does.Contain("BRG6680").And.Contain("--random-weights"));
        Assert.That(Cli("check", model).Rc, Is.EqualTo(2));
        var ok = Cli("run", model, "-o", Path.Combine(_dir, "a.npz"), "--random-weights");
        Assert.That(ok.Rc, Is.EqualTo(0), ok.Err);
        Assert.That(ok.Out, Does.Contain("weights filled with seeded random values").And.Contain("inputs generated (seed 0"));
    }

    [Test]
    public void An_inputs_key_that_names_no_input_is_an_error()
    {
        var (model, _) = MetadataModel();
        var bad = Path.Combine(_dir, "bad.npz");
        NpzFile.Write(bad, [("x", Tensor.FromArray([1f, 2f, 3f], 1, 3)), ("y", Tensor.FromArray([1f], 1))]);
        var r = Cli("run", model, "--inputs", bad, "-o", Path.Combine(_dir, "o.npz"));
        Assert.That(r.Rc, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("BRG6681").And.Contain("y"));
        Assert.That(Cli("check", model, "--inputs", bad).Rc, Is.EqualTo(2));
    }

    [Test]
    public void Relay_params_left_as_parameters_travel_to_the_output()
    {
        var model = Path.Combine(_dir, "p.relay");
        File.WriteAllText(model, "#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(2), float32], %w: Tensor[(2), float32]) { multiply(%x, %w) }\n");
        var ps = Path.Combine(_dir, "weights.params");
        ParamsFile.Write(ps, [("w", Tensor.FromArray([3f, 4f], 2))]);
        var py = Path.Combine(_dir, "p.py");
        var c = Cli("convert", model, "--params", ps, "-o", py);
        Assert.That(c.Rc, Is.EqualTo(0), c.Err);
        Assert.That(c.Out, Does.Contain("1 weights → " + Path.ChangeExtension(py, ".params")));
        var x = Path.Combine(_dir, "x.npz");
        NpzFile.Write(x, [("x", Tensor.FromArray([1f, 2f], 2))]);
        var r = Cli("run", py, "--inputs", x, "-o", Path.Combine(_dir, "o.npz"));
        Assert.That(r.Rc, Is.EqualTo(0), r.Err);
        Assert.That(Output(Path.Combine(_dir, "o.npz")), Is.EqualTo(new[] { 3f, 8f }));
    }
}

using Bridge.Core.Files;

namespace Bridge.Cli.Tests.Torch;

/// <summary>
/// Symbolic TorchScript input dims (<c>--shape x=n,3,8,8</c> with no size for <c>n</c>): an archive is converted <b>once</b> to Relax
/// TVMScript and to Relay text, and each converted file runs at two batch sizes; the outputs must match what torch 1.13 computed for
/// the same inputs (<c>gen_symbolic_shapes.py</c>, run independently of Bridge). Covers a traced model (<c>view(size(0), -1)</c>
/// through <c>NumToTensor</c>/<c>int</c>), a scripted one (flatten, reshape, arange, zeros and a slice bound from sizes), two
/// symbolic dims multiplied into one (<c>reshape(b * t, 4)</c>), and the refusal when an op needs the size as a number.
/// </summary>
[NonParallelizable]
public sealed class TorchSymbolicShapeTests
{
    private static readonly Lazy<string> s_dir = new(() =>
    {
        if (!File.Exists("/usr/bin/python3")) Assert.Fail("/usr/bin/python3 with torch 1.13 (apt-get install python3-torch) is required to write the test archives");
        return CliHarness.RunGenerator(Path.Combine("tests", "Bridge.Cli.Tests", "Torch", "gen_symbolic_shapes.py"),
            Path.Combine(Path.GetTempPath(), $"bridge-torch-symbolic-{Environment.ProcessId}"), TimeSpan.FromSeconds(300));
    });

    private static string F(string name) => Path.Combine(s_dir.Value, name);

    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("bridge-torchsym-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static Tensor Output(string npz) => TensorFiles.Load(npz)[0].Tensor;

    /// <summary>Converts once, then runs the converted file on every feed and compares with torch's saved outputs (fp32 allclose 1e-5).</summary>
    private void ConvertOnceRunTwice(string model, string shape, string to, params string[] feeds)
    {
        var converted = Path.Combine(_dir, model + (to == "relax" ? ".py" : ".txt"));
        var (rc, o, e) = CliHarness.Run("convert", F(model + ".pt"), "--shape", shape, "--to", to, "-o", converted);
        Assert.That(rc, Is.EqualTo(0), o + e);
        foreach (var feed in feeds)
        {
            var outPath = Path.Combine(_dir, $"{model}.{feed}.{to}.npz");
            (rc, o, e) = CliHarness.Run("run", converted, "--inputs", F($"{model}.{feed}.npz"), "-o", outPath);
            Assert.That(rc, Is.EqualTo(0), o + e);
            var got = Output(outPath);
            var want = Output(F($"{model}.{feed}.out.npz"));
            Assert.That(got.Shape, Is.EqualTo(want.Shape), $"{model} {to} {feed}");
            for (long i = 0; i < want.Length; i++)
                Assert.That(got.GetDouble(i), Is.EqualTo(want.GetDouble(i)).Within(1e-5 + 1e-5 * Math.Abs(want.GetDouble(i))), $"{model} {to} {feed} element {i}");
        }
    }

    [TestCase("flat.traced", "relax")]
    [TestCase("flat.traced", "relay")]
    [TestCase("flat.scripted", "relax")]
    [TestCase("flat.scripted", "relay")]
    public void A_symbolic_batch_is_converted_once_and_matches_torch_at_two_batch_sizes(string model, string to) =>
        ConvertOnceRunTwice(model, "x=n,3,8,8", to, "b2", "b5");

    [TestCase("relax")]
    [TestCase("relay")]
    public void Two_symbolic_dims_multiplied_into_one_stay_symbolic(string to) =>
        ConvertOnceRunTwice("seq.scripted", "x=b,t,4", to, "b2t3", "b5t7");

    [Test]
    public void Relax_keeps_the_dim_named_and_carries_shape_arithmetic()
    {
        var outPath = Path.Combine(_dir, "seq.py");
        Assert.That(CliHarness.Run("convert", F("seq.scripted.pt"), "--shape", "x=b,t,4", "-o", outPath).Rc, Is.EqualTo(0));
        var text = File.ReadAllText(outPath);
        Assert.That(text, Does.Contain("def main(x: R.Tensor((\"b\", \"t\", 4), dtype=\"float32\")) -> R.Tensor((\"b\", 6), dtype=\"float32\")"));
        Assert.That(text, Does.Contain("R.reshape(x, R.shape([b * t, 4]))"));
        var flat = Path.Combine(_dir, "flat.py");
        Assert.That(CliHarness.Run("convert", F("flat.traced.pt"), "--shape", "x=?,3,8,8", "-o", flat).Rc, Is.EqualTo(0));
        Assert.That(File.ReadAllText(flat), Does.Contain("x_dim0 = T.int64()"), "? names the dim after the input and axis");
    }

    [Test]
    public void Relay_gets_any_dims()
    {
        var outPath = Path.Combine(_dir, "flat.txt");
        Assert.That(CliHarness.Run("convert", F("flat.scripted.pt"), "--shape", "x=n,3,8,8", "--to", "relay", "-o", outPath).Rc, Is.EqualTo(0));
        Assert.That(File.ReadAllText(outPath), Does.Contain("%x: Tensor[(?, 3, 8, 8), float32]"));
    }

    [Test]
    public void Check_with_a_symbolic_batch_compares_with_live_torch_at_the_fed_size()
    {
        var (rc, o, e) = CliHarness.Run("check", F("flat.scripted.pt"), "--shape", "x=n,3,8,8", "--inputs", F("flat.scripted.b5.npz"), "--reference", "torch");
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(o, Does.Contain("dims: n=5").And.Contain("relay vs torch output: PASSED").And.Contain("relax vs torch output: PASSED"));
    }

    [Test]
    public void A_dim_an_op_needs_as_a_number_is_refused_naming_the_op()
    {
        var outPath = Path.Combine(_dir, "chunk.py");
        var (rc, o, e) = CliHarness.Run("convert", F("chunk.scripted.pt"), "--shape", "x=n,3", "-o", outPath);
        Assert.That(rc, Is.EqualTo(2), o + e);
        Assert.That(e, Does.Contain("BRG4717").And.Contain("chunk.scripted.pt(").And.Contain("Split node").And.Contain("--shape n=N"));
        Assert.That(File.Exists(outPath), Is.False);
        // sized, the same archive converts
        Assert.That(CliHarness.Run("convert", F("chunk.scripted.pt"), "--shape", "x=n,3", "--shape", "n=4", "-o", outPath).Rc, Is.EqualTo(0));
    }

    [Test]
    public void A_static_dim_the_model_needs_names_the_probe_sizes()
    {
        var (rc, o, e) = CliHarness.Run("convert", F("flat.traced.pt"), "--shape", "x=n,3,h,w", "-o", Path.Combine(_dir, "hw.py"));
        Assert.That(rc, Is.EqualTo(2), o + e);
        Assert.That(e, Does.Contain("BRG4712").And.Contain("probe sizes n=61, h=67, w=71"));
    }
}

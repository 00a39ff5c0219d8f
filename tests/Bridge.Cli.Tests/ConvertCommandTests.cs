using Bridge.Ir.Relax.Script;

namespace Bridge.Cli.Tests;

/// <summary><c>bridge convert</c>: output file + one-line summary, or one diagnostic list, exit 2 and no output file.</summary>
public class ConvertCommandTests
{
    private static string RepoRoot()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("Bridge.sln not found above the test directory");
    }

    private static (int Rc, string Out, string Err) Convert(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var rc = Program.Run(["convert", .. args], o, e);
        return (rc, o.ToString(), e.ToString());
    }

    private string _dir = "";

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "bridge-convert-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void ConvertsAMenagerieNetworkWithItsMetaTable()
    {
        var text = Path.Combine(RepoRoot(), "corpora", "relay", "text");
        var outPath = Path.Combine(_dir, "mnist.py");
        var (rc, o, e) = Convert(Path.Combine(text, "menagerie_mnist.relay"), "--meta", Path.Combine(text, "menagerie_mnist.consts.json"), "-o", outPath);
        Assert.That(rc, Is.EqualTo(0), e);
        Assert.That(o.Trim().Split('\n'), Has.Length.EqualTo(1), "one summary line");
        Assert.That(o, Does.Contain("1 function").And.Contain("nn.conv2d×2").And.Contain("match_casts").And.Contain("ms"));
        var m = RelaxScriptReader.Parse(File.ReadAllText(outPath), outPath);
        Assert.That(m.Functions.Single().Var.Name, Is.EqualTo("main"));
    }

    [Test]
    public void ShapeOptionNamesTheDims()
    {
        var input = Path.Combine(_dir, "m.relay");
        File.WriteAllText(input, "#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(?, 3), float32]) { nn.relu(%x) }\n");
        var outPath = Path.Combine(_dir, "m.py");
        var (rc, o, e) = Convert(input, "--shape", "x=batch,3", "--tvm-version", "0.19", "-o", outPath);
        Assert.That(rc, Is.EqualTo(0), e);
        Assert.That(o, Does.Contain("1 symbolic var (batch)"));
        Assert.That(File.ReadAllText(outPath), Does.Contain("batch = T.int64()"));
    }

    [Test]
    public void UnsupportedConstructsExitTwoWithOneListAndNoOutput()
    {
        var input = Path.Combine(RepoRoot(), "corpora", "relay", "std", "prelude.rly");
        var outPath = Path.Combine(_dir, "prelude.py");
        var (rc, o, e) = Convert(input, "-o", outPath);
        Assert.That(rc, Is.EqualTo(2));
        Assert.That(File.Exists(outPath), Is.False, "no output file");
        Assert.That(e, Does.Contain("BRG4000").And.Contain("have no Relax translation").And.Contain("match"));
        var lines = e.Trim().Split('\n');
        Assert.That(lines.Count(l => l.Contains("error BRG4000", StringComparison.Ordinal)), Is.EqualTo(1), "one diagnostic");
        Assert.That(lines.Skip(1), Has.All.StartWith("  ").And.Contain("BRG4000"), "then one indented line per construct");
        Assert.That(lines.Skip(1).Count(l => l.Contains("prelude.rly(", StringComparison.Ordinal)), Is.EqualTo(lines.Length - 1), "each located");
        Assert.That(lines.Length, Is.GreaterThan(10));
        Assert.That(o, Is.Empty);
    }

    [TestCase("--format", "onnx", "BRG4008")]
    [TestCase("--tvm-version", "0.5", "unknown TVM version")]
    [TestCase("--shape", "nope", "BRG6760")]
    [TestCase("--to", "tflite", "expected relax or relay")]
    public void BadOptionsExitTwo(string opt, string value, string message)
    {
        var input = Path.Combine(_dir, "m.relay");
        File.WriteAllText(input, "#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(2), float32]) { nn.relu(%x) }\n");
        var outPath = Path.Combine(_dir, "m.py");
        var (rc, _, e) = Convert(input, opt, value, "-o", outPath);
        Assert.That(rc, Is.EqualTo(2), e);
        Assert.That(e, Does.Contain(message));
        Assert.That(File.Exists(outPath), Is.False);
    }

    [Test]
    public void JsonOutputReadsBackAsRelax()
    {
        var input = Path.Combine(_dir, "m.relay");
        File.WriteAllText(input, "#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(?, 2), float32]) { nn.relu(%x) }\n");
        var json = Path.Combine(_dir, "m.json");
        var (rc, _, e) = Convert(input, "--format", "json", "--tvm-version", "0.26", "-o", json);
        Assert.That(rc, Is.EqualTo(0), e);
        var m = Ir.Relax.RelaxConvert.Read(File.ReadAllText(json), json);
        Assert.That(m.Functions.Single().Var.Name, Is.EqualTo("main"));
    }

    [Test]
    public void MissingInputExitsTwo()
    {
        var (rc, _, e) = Convert(Path.Combine(_dir, "nope.relay"), "-o", Path.Combine(_dir, "x.py"));
        Assert.That(rc, Is.EqualTo(2));
        Assert.That(e, Does.Contain("no such file"));
    }

    [Test]
    public void RelaxInputIsReemittedForAnotherVersion()
    {
        var input = Path.Combine(_dir, "m.relay");
        File.WriteAllText(input, "#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(?, 2), float32]) { nn.relu(%x) }\n");
        var relax = Path.Combine(_dir, "m.py");
        Assert.That(Convert(input, "-o", relax).Rc, Is.EqualTo(0));
        var head = Path.Combine(_dir, "m_head.py");
        var (rc, _, e) = Convert(relax, "--tvm-version", "0.26", "-o", head);
        Assert.That(rc, Is.EqualTo(0), e);
        Assert.That(File.ReadAllText(head), Does.Contain("R.nn.relu"));
    }
}

namespace Bridge.Cli.Tests;

/// <summary>
/// Issue 14 item 1 for TorchScript inputs: <c>bridge convert model.pt --to relay --format json</c> writes TVM 0.19's save_json of
/// the same program <c>--to relay</c> prints as text (read back, it prints the same text), and <c>--format json</c> with Relax
/// writes Relax save_json. Uses the generated corpus's lstm_seq archives (scripts/corpus.sh).
/// </summary>
public class TorchScriptRelayJsonTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("bridge-ts-json-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string Archive(string name)
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !Directory.Exists(Path.Combine(d.FullName, "corpora", "relay"))) d = d.Parent;
        var p = Path.Combine(d!.FullName, "corpora", ".cache", "models", "lstm_seq", name);
        Assert.That(File.Exists(p), Is.True, $"{p} is missing: run scripts/corpus.sh");
        return p;
    }

    [TestCase("lstm_seq.traced.pt")]
    [TestCase("lstm_seq.scripted.pt")]
    public void Relay_json_is_the_same_program_as_relay_text(string name)
    {
        var pt = Archive(name);
        var text = Path.Combine(_dir, "a.relay");
        var json = Path.Combine(_dir, "a.json");
        var again = Path.Combine(_dir, "b.relay");
        var t = CliHarness.Run("convert", pt, "--to", "relay", "-o", text);
        Assert.That(t.Rc, Is.EqualTo(0), t.Err);
        var j = CliHarness.Run("convert", pt, "--to", "relay", "--format", "json", "-o", json);
        Assert.That(j.Rc, Is.EqualTo(0), j.Err);
        Assert.That(j.Out, Does.Contain("Relay JSON"));
        var doc = File.ReadAllText(json);
        Assert.That(doc, Does.StartWith("{").And.Contain("\"root\"").And.Contain("\"tvm_version\""));
        var b = CliHarness.Run("convert", json, "--to", "relay", "-o", again);
        Assert.That(b.Rc, Is.EqualTo(0), b.Err);
        Assert.That(File.ReadAllText(again), Is.EqualTo(File.ReadAllText(text)), "save_json read back prints the same Relay text");
    }

    [Test]
    public void Relax_json_and_a_bad_format_are_handled()
    {
        var pt = Archive("lstm_seq.traced.pt");
        var json = Path.Combine(_dir, "r.json");
        var r = CliHarness.Run("convert", pt, "--format", "json", "-o", json);
        Assert.That(r.Rc, Is.EqualTo(0), r.Err);
        var m = Bridge.Ir.Relax.Json.RelaxJsonReader.Read(File.ReadAllText(json), json);
        Assert.That(m.Functions.Select(f => f.Var.Name), Does.Contain("main"), "Relax save_json reads back");
        Assert.That(CliHarness.Run("inspect", json).Rc, Is.EqualTo(0));
        var bad = CliHarness.Run("convert", pt, "--format", "yaml", "-o", Path.Combine(_dir, "x"));
        Assert.That(bad.Rc, Is.EqualTo(2));
        Assert.That(File.Exists(Path.Combine(_dir, "x")), Is.False);
    }
}

using System.Text.Json;

namespace Bridge.Cli.Tests;

/// <summary>bridge adopt: evidence bound to content hash, version and run; gates as data; promote/demote/gate; fleet views.</summary>
public class AdoptCommandTests
{
    private string _dir = "";
    private int _runs;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("bridge-adopt").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static (int Rc, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var rc = Program.Run(args, o, e);
        return (rc, o.ToString(), e.ToString());
    }

    private const string ResnetHash = "aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11";
    private const string MnistHash = "bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22";

    /// <summary>A zoo output folder of one run (result files as `bridge zoo` writes them).</summary>
    private string ZooRun(bool resnetPasses, ulong seed, string resnetHash = ResnetHash, string? runId = null)
    {
        var id = runId ?? $"run{++_runs}";
        var d = Path.Combine(_dir, id + "-" + Guid.NewGuid().ToString("N")[..6], "results");
        Directory.CreateDirectory(d);
        var time = $"2026-12-07T10:{_runs:00}:00.000Z";
        string Result(string name, string hash, bool pass) => JsonSerializer.Serialize(new
        {
            Name = name, Path = "/zoo/" + name, Kind = "RelayText", Import = "pass", Translate = "pass", WellFormed = "pass", Run = "pass",
            Check = pass ? "pass" : "fail", RoundTrip = "n/a", ErrorIds = pass ? "" : "BRG6801", Message = pass ? "" : "Relay and Relax outputs differ",
            ContentHash = hash, RunId = id, Seed = seed, BridgeVersion = "1.0.0+test", Finished = time,
        });
        File.WriteAllText(Path.Combine(d, $"{resnetHash[..16]}-r.json"), Result("resnet.relay", resnetHash, resnetPasses));
        File.WriteAllText(Path.Combine(d, $"{MnistHash[..16]}-m.json"), Result("mnist.relay", MnistHash, true));
        return Path.GetDirectoryName(d)!;
    }

    private string State => Path.Combine(_dir, "adoption.json");

    [Test]
    public void The_Same_Run_Recorded_Twice_Counts_Once()
    {
        var z = ZooRun(true, 0);
        Assert.That(Run("adopt", "record", z, "--state", State).Rc, Is.EqualTo(0));
        var again = Run("adopt", "record", z, "--state", State);
        Assert.That(again.Out, Does.Contain("0 result(s)").And.Contain("2 already recorded"));
        // Three recordings of one run meet no gate.
        Run("adopt", "record", z, "--state", State);
        var p = Run("adopt", "promote", "mnist.relay", "--reason", "try", "--state", State);
        Assert.That(p.Rc, Is.EqualTo(1));
        Assert.That(p.Err, Does.Contain("BRG6703").And.Contain("1 of 3 green runs"));
    }

    [Test]
    public void Promotion_Needs_Green_Runs_Over_Seeds_And_A_Changed_Model_Starts_Over()
    {
        for (ulong s = 0; s < 3; s++) Assert.That(Run("adopt", "record", ZooRun(true, s % 2), "--state", State).Rc, Is.EqualTo(0));
        Assert.That(Run("adopt", "route", "resnet.relay", "--state", State).Out.Trim(), Is.EqualTo("relay"));
        var p = Run("adopt", "promote", "resnet.relay", "--reason", "3 green runs", "--state", State);
        Assert.That(p.Rc, Is.EqualTo(0), p.Err);
        Assert.That(Run("adopt", "route", "resnet.relay", "--state", State).Out.Trim(), Is.EqualTo("relax"));
        // S2 needs 5 runs over 3 seeds.
        var s2 = Run("adopt", "promote", "resnet.relay", "--reason", "go", "--state", State);
        Assert.That(s2.Rc, Is.EqualTo(1));
        Assert.That(s2.Err, Does.Contain("3 of 5 green runs").And.Contain("2 of 3 input seeds"));

        // New bytes under the same name: back to S0 with no evidence, recorded in the history.
        Run("adopt", "record", ZooRun(true, 0, resnetHash: "cc33cc33cc33cc33cc33cc33cc33cc33cc33cc33cc33cc33cc33cc33cc33cc33"), "--state", State);
        Assert.That(Run("adopt", "route", "resnet.relay", "--state", State).Out.Trim(), Is.EqualTo("relay"));
        using var doc = JsonDocument.Parse(Run("adopt", "status", "--json", "--state", State).Out);
        var resnet = doc.RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("Model").GetString() == "resnet.relay");
        Assert.That(resnet.GetProperty("Stage").GetString(), Is.EqualTo("S0"));
        Assert.That(resnet.GetProperty("Runs").GetInt32(), Is.EqualTo(1));
        Assert.That(resnet.GetProperty("LastChange").GetString(), Does.Contain("content changed"));
        Assert.That(doc.RootElement.GetProperty("stages").GetProperty("S1").GetInt32(), Is.EqualTo(0));
    }

    [Test]
    public void A_Model_Whose_Check_Starts_Failing_Is_Demoted_By_Gate_And_Named_On_The_Fleet_Page()
    {
        for (ulong s = 0; s < 3; s++) Run("adopt", "record", ZooRun(true, s), "--state", State);
        Assert.That(Run("adopt", "promote", "resnet.relay", "--reason", "green", "--state", State).Rc, Is.EqualTo(0));
        Assert.That(Run("adopt", "promote", "mnist.relay", "--reason", "green", "--state", State).Rc, Is.EqualTo(0));
        Assert.That(Run("adopt", "gate", "--state", State).Rc, Is.EqualTo(0));

        // Same bytes, a later run (e.g. a new Bridge): resnet's check fails.
        Run("adopt", "record", ZooRun(false, 3), "--state", State);
        var g = Run("adopt", "gate", "--state", State);
        Assert.That(g.Rc, Is.EqualTo(1));
        Assert.That(g.Err, Does.Contain("BRG6706").And.Contain("resnet.relay: S1 -> S0").And.Contain("BRG6801"));
        Assert.That(g.Err, Does.Not.Contain("mnist"));
        Assert.That(Run("adopt", "route", "resnet.relay", "--state", State).Out.Trim(), Is.EqualTo("relay"));
        Assert.That(Run("adopt", "route", "mnist.relay", "--state", State).Out.Trim(), Is.EqualTo("relax"));
        Assert.That(Run("adopt", "gate", "--state", State).Rc, Is.EqualTo(0), "a second gate has nothing left to demote");

        var page = Path.Combine(_dir, "fleet.html");
        Assert.That(Run("adopt", "page", "-o", page, "--state", State).Rc, Is.EqualTo(0));
        var html = File.ReadAllText(page);
        Assert.That(html, Does.Contain("resnet.relay").And.Contain("latest check fails").And.Contain("S1-&gt;S0 by gate"));

        var routes = Path.Combine(_dir, "routes.json");
        Assert.That(Run("adopt", "routes", "-o", routes, "--state", State).Rc, Is.EqualTo(0));
        using var doc = JsonDocument.Parse(File.ReadAllText(routes));
        var models = doc.RootElement.GetProperty("models");
        Assert.That(models.GetProperty("resnet.relay").GetProperty("serve").GetString(), Is.EqualTo("relay"));
        Assert.That(models.GetProperty("mnist.relay").GetProperty("serve").GetString(), Is.EqualTo("relax"));
        Assert.That(models.GetProperty("mnist.relay").GetProperty("fallback").GetString(), Is.EqualTo("relay"));
        Assert.That(models.GetProperty("mnist.relay").GetProperty("contentHash").GetString(), Is.EqualTo(MnistHash));
    }

    [Test]
    public void Demote_Keeps_The_Reason_And_Errors_Are_Diagnostics()
    {
        for (ulong s = 0; s < 3; s++) Run("adopt", "record", ZooRun(true, s), "--state", State);
        Run("adopt", "promote", "mnist.relay", "--reason", "green", "--state", State);
        Assert.That(Run("adopt", "demote", "mnist.relay", "--reason", "latency regression in prod", "--state", State).Rc, Is.EqualTo(0));
        Assert.That(Run("adopt", "status", "--json", "--state", State).Out, Does.Contain("latency regression in prod"));
        Assert.That(Run("adopt", "route", "nope", "--state", State).Err, Does.Contain("BRG6702"));
        Assert.That(Run("adopt", "promote", "mnist.relay", "--to", "S9", "--reason", "x", "--state", State).Err, Does.Contain("BRG6704"));
        File.WriteAllText(State, "{ not json");
        Assert.That(Run("adopt", "status", "--state", State).Rc, Is.EqualTo(2));
    }

    [Test]
    public void A_Real_Zoo_Run_Is_Evidence_Bound_To_Its_Model()
    {
        var m = Path.Combine(_dir, "models");
        Directory.CreateDirectory(m);
        File.WriteAllText(Path.Combine(m, "add.relay"), "def @main(%x: Tensor[(2,), float32]) { add(%x, %x) }\n");
        var outDir = Path.Combine(_dir, "out");
        Assert.That(Run("zoo", m, "-o", outDir, "--in-process").Rc, Is.EqualTo(0));
        Assert.That(Run("adopt", "record", outDir, "--state", State).Out, Does.Contain("recorded 1 result"));
        // A resumed run keeps the result (and its run id): recording it again adds nothing.
        Assert.That(Run("zoo", m, "-o", outDir, "--in-process", "--resume").Rc, Is.EqualTo(0));
        Assert.That(Run("adopt", "record", outDir, "--state", State).Out, Does.Contain("recorded 0 result").And.Contain("1 already recorded"));
        using var doc = JsonDocument.Parse(File.ReadAllText(State));
        var ev = doc.RootElement.GetProperty("Models").GetProperty("add.relay").GetProperty("Evidence")[0];
        Assert.That(ev.GetProperty("ContentHash").GetString(), Has.Length.EqualTo(64));
        Assert.That(ev.GetProperty("BridgeVersion").GetString(), Is.Not.Empty);
        Assert.That(ev.GetProperty("RunId").GetString(), Is.Not.Empty);
        Assert.That(ev.GetProperty("Verdict").GetString(), Is.EqualTo("pass"));
    }
}

namespace Bridge.Cli.Tests;

public class AdoptCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("bridge-adopt").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private (int Rc, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var rc = Program.Run(args, o, e);
        return (rc, o.ToString(), e.ToString());
    }

    private string ZooRun(string name, bool resnetPasses)
    {
        var d = Path.Combine(_dir, name, "results");
        Directory.CreateDirectory(d);
        File.WriteAllText(Path.Combine(d, "resnet.json"), $$"""{"Name": "resnet", "Path": "r.relay", "Passed": {{(resnetPasses ? "true" : "false")}}, "ErrorIds": "{{(resnetPasses ? "" : "BRG6601")}}"}""");
        File.WriteAllText(Path.Combine(d, "mnist.json"), """{"Name": "mnist", "Path": "m.relay", "Passed": true, "ErrorIds": ""}""");
        return Path.Combine(_dir, name);
    }

    [Test]
    public void Stages_Follow_The_Evidence()
    {
        var state = Path.Combine(_dir, "adoption.json");
        Assert.That(Run("adopt", "stage", "S1", "--state", state, "--min-green", "2").Rc, Is.EqualTo(0));
        Assert.That(Run("adopt", "record", ZooRun("z1", resnetPasses: true), "--state", state).Rc, Is.EqualTo(0));
        Assert.That(Run("adopt", "record", ZooRun("z2", resnetPasses: false), "--state", state).Rc, Is.EqualTo(0));
        Assert.That(Run("adopt", "record", ZooRun("z3", resnetPasses: true), "--state", state).Rc, Is.EqualTo(0));

        // S1: mnist has 3 green runs (gate 2) and is served by Relax; resnet's streak was reset by the failure.
        Assert.That(Run("adopt", "route", "mnist", "--state", state).Out.Trim(), Is.EqualTo("relax"));
        Assert.That(Run("adopt", "route", "resnet", "--state", state).Out.Trim(), Is.EqualTo("relay"));

        // S2 is refused while resnet is below the gate, and names it.
        var s2 = Run("adopt", "stage", "S2", "--state", state);
        Assert.That(s2.Rc, Is.EqualTo(1));
        Assert.That(s2.Err, Does.Contain("BRG6703").And.Contain("resnet"));

        Assert.That(Run("adopt", "record", ZooRun("z4", resnetPasses: true), "--state", state).Rc, Is.EqualTo(0));
        Assert.That(Run("adopt", "stage", "S2", "--state", state).Rc, Is.EqualTo(0));
        Assert.That(Run("adopt", "route", "resnet", "--state", state).Out.Trim(), Is.EqualTo("relax"));
        Assert.That(Run("adopt", "status", "--state", state).Out, Does.Contain("stage S2"));
    }

    [Test]
    public void Shadow_Stage_Serves_Relay_And_Unknown_Models_Are_Errors()
    {
        var state = Path.Combine(_dir, "adoption.json");
        Assert.That(Run("adopt", "record", ZooRun("z1", resnetPasses: true), "--state", state).Rc, Is.EqualTo(0));
        Assert.That(Run("adopt", "route", "mnist", "--state", state).Out.Trim(), Is.EqualTo("relay"));
        var r = Run("adopt", "route", "nope", "--state", state);
        Assert.That(r.Rc, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("BRG6702"));
        Assert.That(Run("adopt", "stage", "S9", "--state", state).Rc, Is.EqualTo(2));
        Assert.That(Run("adopt", "record", Path.Combine(_dir, "empty"), "--state", state).Rc, Is.EqualTo(2));
    }
}

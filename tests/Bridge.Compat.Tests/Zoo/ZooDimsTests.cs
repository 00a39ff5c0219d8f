using Bridge.Compat.Adopt;
using Bridge.Compat.Zoo;

namespace Bridge.Compat.Tests.Zoo;

/// <summary>zoo --dim (issue 19): the sizes each model ran at are recorded, resume is keyed on --dim and --random-weights,
/// and the adoption gate counts the sizes of each symbolic dim before S2.</summary>
public class ZooDimsTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("bridge-zoo-dims-").FullName;
        Directory.CreateDirectory(Models);
        File.WriteAllText(Path.Combine(Models, "dyn.relay"), "#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(?, 3), float32]) { add(%x, %x) }\n");
        File.WriteAllText(Path.Combine(Models, "static.relay"), "#[version = \"0.0.5\"]\ndef @main(%y: Tensor[(2, 3), float32]) { multiply(%y, %y) }\n");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Models => Path.Combine(_dir, "m");
    private string Out => Path.Combine(_dir, "out");

    private static ImmutableDictionary<string, long> Dims(params (string, long)[] d) => d.ToImmutableDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);

    [Test]
    public void Each_Result_Records_The_Sizes_It_Ran_At_And_A_Dim_Only_Applies_Where_It_Exists()
    {
        var r = ZooRunner.Run(Models, Out, new ZooOptions { Dims = Dims(("?", 3)) }).ToDictionary(x => x.Name);
        Assert.That(r["dyn.relay"].Passed, Is.True, r["dyn.relay"].Message);
        Assert.That(r["dyn.relay"].Dims, Is.EqualTo("x:0=3"));
        Assert.That(r["dyn.relay"].DimsAsked, Is.EqualTo("?=3"));
        // The static model has no symbolic dim: the zoo's --dim does not apply and is no error there.
        Assert.That(r["static.relay"].Passed, Is.True, r["static.relay"].Message);
        Assert.That(r["static.relay"].Dims, Is.Empty);
        Assert.That(File.ReadAllText(Path.Combine(Out, "report.csv")), Does.Contain(",dims,seconds").And.Contain(",x:0=3,"));
        // Without --dim the Relay default (1) is what is recorded.
        var d = ZooRunner.Run(Models, Path.Combine(_dir, "out1"), new ZooOptions()).Single(x => x.Name == "dyn.relay");
        Assert.That(d.Dims, Is.EqualTo("x:0=1"));
    }

    [Test]
    public void Resume_Redoes_A_Result_Recorded_Under_Another_Dim_Or_Random_Weights_Setting()
    {
        var first = ZooRunner.Run(Models, Out, new ZooOptions { Dims = Dims(("?", 3)) }).ToDictionary(x => x.Name);
        var same = ZooRunner.Run(Models, Out, new ZooOptions { Dims = Dims(("?", 3)), Resume = true }).ToDictionary(x => x.Name);
        Assert.That(same["dyn.relay"].RunId, Is.EqualTo(first["dyn.relay"].RunId), "same settings: kept");

        var other = ZooRunner.Run(Models, Out, new ZooOptions { Dims = Dims(("?", 5)), Resume = true }).ToDictionary(x => x.Name);
        Assert.That(other["dyn.relay"].RunId, Is.Not.EqualTo(first["dyn.relay"].RunId), "another --dim: redone");
        Assert.That(other["dyn.relay"].Dims, Is.EqualTo("x:0=5"));

        var rw = ZooRunner.Run(Models, Out, new ZooOptions { Dims = Dims(("?", 5)), Resume = true, RandomWeights = true }).ToDictionary(x => x.Name);
        Assert.That(rw["dyn.relay"].RunId, Is.Not.EqualTo(other["dyn.relay"].RunId), "the other --random-weights setting: redone");
        Assert.That(rw.Values.All(x => x.RandomWeights), Is.True);
        Assert.That(Directory.GetFiles(Path.Combine(Out, "results")), Has.Length.EqualTo(2), "one result file per model, never two");
    }

    [Test]
    public void The_S2_Gate_Needs_Two_Sizes_Of_Each_Symbolic_Dim_And_Reports_The_Perf_Ratio_As_Not_Run()
    {
        var ledger = new AdoptionLedger();
        var now = DateTimeOffset.Parse("2026-12-08T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        // Five green runs over three seeds, all at one size of x:0.
        for (ulong s = 0; s < 5; s++)
            ledger = ledger.Record(ZooRunner.Run(Models, Path.Combine(_dir, $"o{s}"), new ZooOptions { Seed = s % 3, Dims = Dims(("?", 3)) }) is { Count: 2 }
                ? Path.Combine(_dir, $"o{s}") : throw new AssertionException("zoo run"), now.AddMinutes(s)).Ledger;
        Assert.That(ledger.Blockers("dyn.relay", AdoptionStage.S1), Is.Empty);
        Assert.That(ledger.Blockers("dyn.relay", AdoptionStage.S2), Is.EqualTo(new[] { "dim x:0: 1 of 2 sizes (ran at 3; add a zoo run with --dim x:0=N)" }));
        Assert.That(ledger.Blockers("static.relay", AdoptionStage.S2), Is.Empty, "no symbolic dim, no size requirement");
        Assert.That(ledger.NotRun("static.relay", AdoptionStage.S2).Single(), Does.StartWith("Relax/Relay time ratio: not run"));

        // A sixth green run at another size meets it.
        var o6 = Path.Combine(_dir, "o6");
        ZooRunner.Run(Models, o6, new ZooOptions { Seed = 1, Dims = Dims(("?", 4)) });
        ledger = ledger.Record(o6, now.AddMinutes(10)).Ledger;
        Assert.That(ledger.Blockers("dyn.relay", AdoptionStage.S2), Is.Empty);

        // A model at S2 whose dims evidence shrinks back to one size (the policy asks for three) is demoted by the gate.
        ledger = ledger.Move("dyn.relay", AdoptionStage.S2, "promote", "test", now) with { Gates = ledger.Gates with { S2DimValues = 3 } };
        var (gated, demoted) = ledger.Gate(now.AddMinutes(20));
        Assert.That(demoted.Single().Model, Is.EqualTo("dyn.relay"));
        Assert.That(demoted.Single().Why, Does.Contain("dim x:0: 2 of 3 sizes"));
        Assert.That(gated.Models["dyn.relay"].Stage, Is.EqualTo(AdoptionStage.S1));
    }
}

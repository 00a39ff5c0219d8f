using System.Diagnostics;

namespace Bridge.Cli.Tests;

/// <summary>
/// bridge zoo with child-process isolation (issue 20 items 3 and 5): hostile models end as failed rows with their reason,
/// every other model is reported, and a killed run resumes without losing or duplicating a row.
/// </summary>
[NonParallelizable]
public class ZooIsolationTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("bridge-zoo-iso-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string Corpus(string rel)
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !Directory.Exists(Path.Combine(d.FullName, "corpora", "relay"))) d = d.Parent;
        return Path.Combine(d!.FullName, "corpora", rel);
    }

    private static (int Rc, string Out, string Err) Cli(params string[] args) => CliHarness.Run(args);

    private static void MkFifo(string path)
    {
        using var p = Process.Start("mkfifo", [path]);
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.EqualTo(0), "mkfifo");
    }

    private string GoodModels()
    {
        var m = Path.Combine(_dir, "m");
        Directory.CreateDirectory(m);
        foreach (var n in new[] { "menagerie_mnist.relay", "menagerie_mnist.consts.json", "dyn_concat_scalar.relay" })
            File.Copy(Corpus("relay/text/" + n), Path.Combine(m, n));
        File.WriteAllText(Path.Combine(m, "add.relay"), "def @main(%x: Tensor[(2,), float32]) { add(%x, %x) }\n");
        return m;
    }

    private static Dictionary<string, string[]> Csv(string outDir) =>
        File.ReadAllLines(Path.Combine(outDir, "report.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[0]);

    [Test]
    public void Stack_Overflow_Fifo_And_Memory_Bomb_Models_Fail_With_Their_Reason_And_The_Rest_Are_Reported()
    {
        var m = GoodModels();
        const int depth = 200_000;
        File.WriteAllText(Path.Combine(m, "deep.relay"), "def @main(%x: Tensor[(2,), float32]) { " + new string('(', depth) + "%x" + new string(')', depth) + " }\n");
        // 1.9 GB input (under the 2 GB per-tensor cap), three tensors of it in a run: far over the child's 384 MiB.
        File.WriteAllText(Path.Combine(m, "bomb.relay"), "def @main(%x: Tensor[(16000, 30000), float32]) { nn.relu(%x) }\n");
        // A model whose sidecar is a FIFO blocks in import (nobody writes it); a FIFO named as a model is never opened.
        File.WriteAllText(Path.Combine(m, "hang.relay"), "def @main(%x: Tensor[(2,), float32]) { add(%x, %x) }\n");
        MkFifo(Path.Combine(m, "hang.consts.json"));
        MkFifo(Path.Combine(m, "fifo.relay"));

        var outDir = Path.Combine(_dir, "out");
        var r = Cli("zoo", m, "-o", outDir, "--jobs", "2", "--timeout", "15", "--model-memory", "384", "--random-weights");
        Assert.That(r.Rc, Is.EqualTo(1), "models failed a stage: zoo exits 1\n" + r.Err + r.Out);
        var rows = Csv(outDir);
        Assert.That(rows.Keys, Is.EquivalentTo(new[] { "add.relay", "bomb.relay", "deep.relay", "dyn_concat_scalar.relay", "fifo.relay", "hang.relay", "menagerie_mnist.relay" }));
        foreach (var good in new[] { "add.relay", "menagerie_mnist.relay", "dyn_concat_scalar.relay" })
            Assert.That(rows[good][6], Is.EqualTo("pass"), string.Join(",", rows[good]));
        string Why(string n) => string.Join(",", rows[n]);
        // Each hostile model is a failed row with a reason (a refusal diagnostic is as good as a contained crash).
        Assert.That(Why("deep.relay"), Does.Contain("stack overflow").Or.Contain("BRG"));
        Assert.That(Why("bomb.relay"), Does.Contain("out of memory").Or.Contain("BRG"));
        Assert.That(Why("hang.relay"), Does.Contain("wall-clock limit during import").Or.Contain("BRG"));
        Assert.That(Why("fifo.relay"), Does.Contain("not a regular file (FIFO)"));
        foreach (var bad in new[] { "deep.relay", "bomb.relay", "hang.relay", "fifo.relay" })
            Assert.That(rows[bad][6], Is.Not.EqualTo("pass"), Why(bad));
        Assert.That(Directory.Exists(Path.Combine(outDir, ".work")), Is.False, "child work files left behind");
    }

    [Test]
    public void A_Run_Killed_Mid_Way_Resumes_Without_Losing_Or_Duplicating_A_Row()
    {
        var m = GoodModels();
        for (var i = 0; i < 4; i++)
            File.WriteAllText(Path.Combine(m, $"mul{i}.relay"), $"def @main(%x: Tensor[(2,), float32]) {{ multiply(%x, {i + 2}f) }}\n");
        var single = Path.Combine(_dir, "single");
        Assert.That(Cli("zoo", m, "-o", single, "--jobs", "1", "--random-weights").Rc, Is.EqualTo(0));

        // A shard's process (one of three) is killed as soon as its first result lands, then resubmitted with --resume.
        var shards = Enumerable.Range(0, 3).Select(i => Path.Combine(_dir, $"s{i}")).ToArray();
        var bridge = Path.Combine(TestContext.CurrentContext.TestDirectory, "bridge");
        var psi = new ProcessStartInfo(bridge, ["zoo", m, "-o", shards[0], "--shard", "0/3", "--jobs", "1", "--random-weights"]) { RedirectStandardOutput = true, UseShellExecute = false };
        using (var p = Process.Start(psi)!)
        {
            var results = Path.Combine(shards[0], "results");
            var sw = Stopwatch.StartNew();
            while (!p.HasExited && (!Directory.Exists(results) || Directory.GetFiles(results, "*.json").Length == 0) && sw.Elapsed < TimeSpan.FromMinutes(2))
                Thread.Sleep(20);
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        for (var i = 0; i < 3; i++)
            Assert.That(Cli("zoo", m, "-o", shards[i], "--shard", $"{i}/3", "--jobs", "1", "--resume", "--random-weights").Rc, Is.EqualTo(0));
        var merged = Path.Combine(_dir, "merged");
        var r = Cli("zoo", "merge", shards[0], shards[1], shards[2], "-o", merged);
        Assert.That(r.Rc, Is.EqualTo(0), r.Err);
        static List<string> Rows(string d) => [.. File.ReadAllLines(Path.Combine(d, "report.csv")).Select(l => l[..l.LastIndexOf(',')])];
        Assert.That(Rows(merged), Is.EqualTo(Rows(single)));
        Assert.That(Rows(merged), Is.Unique);
    }

    [Test]
    public void Merge_Of_An_Incomplete_Run_Exits_2_With_The_Missing_Shard()
    {
        var m = GoodModels();
        Assert.That(Cli("zoo", m, "-o", Path.Combine(_dir, "s0"), "--shard", "0/2", "--in-process").Rc, Is.EqualTo(0));
        var r = Cli("zoo", "merge", Path.Combine(_dir, "s0"), "-o", Path.Combine(_dir, "merged"));
        Assert.That(r.Rc, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("BRG6806").And.Contain("1/2"));
        Assert.That(Cli("zoo", m, "-o", Path.Combine(_dir, "x"), "--shard", "2/2").Err, Does.Contain("BRG6805"));
    }
}

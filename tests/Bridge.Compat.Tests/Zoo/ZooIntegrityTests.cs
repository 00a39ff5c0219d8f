using Bridge.Compat.Zoo;

namespace Bridge.Compat.Tests.Zoo;

/// <summary>zoo integrity (issue 20 item 5) and shards/merge (issue 19 item 1), in process.</summary>
public class ZooIntegrityTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("bridge-zoo-int-").FullName;
        var src = Path.Combine(AgreementTests.Corpora, "relay", "text");
        Directory.CreateDirectory(Path.Combine(_dir, "m", "sub"));
        Directory.CreateDirectory(Path.Combine(_dir, "m", "sub_x"));
        foreach (var n in new[] { "menagerie_mnist.relay", "menagerie_mnist.consts.json", "parser_ref.relay", "tf_moments_no_header.relay" })
            File.Copy(Path.Combine(src, n), Path.Combine(_dir, "m", n));
        // Would collide as sub_x_y.relay under the old "replace / with _" naming.
        File.Copy(Path.Combine(src, "dyn_concat_scalar.relay"), Path.Combine(_dir, "m", "sub", "x_y.relay"));
        File.WriteAllText(Path.Combine(_dir, "m", "sub_x", "y.relay"), "def @main(%x: Tensor[(2,), float32]) { add(%x, %x) }\n");
        File.WriteAllText(Path.Combine(_dir, "m", "broken.relay"), "def @main(%x: Tensor[(2,), float32]) { add(%x, ");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Models => Path.Combine(_dir, "m");

    private static List<string> Rows(string outDir) =>
        // Every column but seconds (the last): a run's timing is not part of its verdict.
        [.. File.ReadAllLines(Path.Combine(outDir, "report.csv")).Select(l => l[..l.LastIndexOf(',')])];

    [Test]
    public void Names_That_Used_To_Collide_Are_Both_Reported()
    {
        var results = ZooRunner.Run(Models, Path.Combine(_dir, "out"), new ZooOptions());
        Assert.That(results.Select(r => r.Name), Does.Contain("sub/x_y.relay").And.Contain("sub_x/y.relay"));
        Assert.That(Directory.GetFiles(Path.Combine(_dir, "out", "results")), Has.Length.EqualTo(results.Count));
        Assert.That(results.Select(r => r.ContentHash).All(h => h.Length == 64));
        Assert.That(File.ReadAllLines(Path.Combine(_dir, "out", "report.csv")), Has.Length.EqualTo(results.Count + 1));
    }

    [Test]
    public void Resume_Redoes_A_Model_Whose_Content_Changed_And_Keeps_The_Rest()
    {
        var outDir = Path.Combine(_dir, "out");
        var first = ZooRunner.Run(Models, outDir, new ZooOptions()).ToDictionary(r => r.Name);
        Assert.That(first["sub_x/y.relay"].Passed, first["sub_x/y.relay"].Message);
        // The model now computes something else (and its check fails to parse): a stale "pass" must not survive.
        File.WriteAllText(Path.Combine(Models, "sub_x", "y.relay"), "def @main(%x: Tensor[(2,), float32]) { add(%x, ");
        var second = ZooRunner.Run(Models, outDir, new ZooOptions { Resume = true }).ToDictionary(r => r.Name);
        Assert.That(second["sub_x/y.relay"].Passed, Is.False);
        Assert.That(second["sub_x/y.relay"].RunId, Is.Not.EqualTo(first["sub_x/y.relay"].RunId));
        Assert.That(second["sub_x/y.relay"].ContentHash, Is.Not.EqualTo(first["sub_x/y.relay"].ContentHash));
        Assert.That(second["menagerie_mnist.relay"].RunId, Is.EqualTo(first["menagerie_mnist.relay"].RunId), "unchanged model was redone");
        // One result file per model: the changed model's old result is gone.
        Assert.That(Directory.GetFiles(Path.Combine(outDir, "results")), Has.Length.EqualTo(second.Count));
    }

    [Test]
    public void A_Second_Run_Refuses_A_Locked_Folder_Naming_The_Holder_Or_Waits()
    {
        var outDir = Path.Combine(_dir, "out");
        var held = ZooLock.Acquire(outDir, "test holder", wait: false);
        var e = Assert.Throws<BridgeException>(() => ZooRunner.Run(Models, outDir, new ZooOptions()));
        Assert.That(e!.Diagnostic.Id, Is.EqualTo(ZooDiagnosticIds.Locked));
        Assert.That(e.Diagnostic.Message, Does.Contain($"pid {Environment.ProcessId}").And.Contain("test holder").And.Contain("--wait"));
        Assert.That(File.Exists(Path.Combine(outDir, "report.csv")), Is.False, "a refused run wrote output");

        // --wait: the run starts once the holder lets go.
        var release = Task.Run(() => { Thread.Sleep(300); held.Dispose(); });
        var results = ZooRunner.Run(Models, outDir, new ZooOptions { WaitForLock = true });
        release.Wait();
        Assert.That(results, Has.Count.EqualTo(6));
    }

    [Test]
    public void Stale_Temp_Files_Are_Removed_And_The_Report_Is_Rebuilt_From_Result_Files()
    {
        var outDir = Path.Combine(_dir, "out");
        ZooRunner.Run(Models, outDir, new ZooOptions());
        var results = Path.Combine(outDir, "results");
        var stale = Path.Combine(results, ".abc.json.4242.0123456789abcdef.tmp");
        File.WriteAllText(stale, "{ half a result");
        File.WriteAllText(Path.Combine(outDir, ".report.csv.4242.00.tmp"), "half");
        // A report that disagrees with the results (as two racing runs used to leave it), and one lost result file.
        File.WriteAllText(Path.Combine(outDir, "report.csv"), "name\nbogus\n");
        var victim = Directory.GetFiles(results).Order(StringComparer.Ordinal).First();
        File.Delete(victim);
        var again = ZooRunner.Run(Models, outDir, new ZooOptions { Resume = true });
        Assert.That(File.Exists(stale), Is.False);
        Assert.That(Directory.GetFiles(outDir, ".*.tmp"), Is.Empty);
        Assert.That(Directory.GetFiles(results), Has.Length.EqualTo(6));
        var rows = Rows(outDir);
        Assert.That(rows, Has.Count.EqualTo(7));
        Assert.That(rows.Skip(1).Select(r => r.Split(',')[0]), Is.EqualTo(again.Select(r => r.Name)));
    }

    [Test]
    public void Three_Shards_Merged_Equal_One_Run_In_Any_Order()
    {
        var single = Path.Combine(_dir, "single");
        ZooRunner.Run(Models, single, new ZooOptions());
        var shards = Enumerable.Range(0, 3).Select(i => Path.Combine(_dir, $"shard{i}")).ToArray();
        var seen = new List<string>();
        for (var i = 0; i < 3; i++)
            seen.AddRange(ZooRunner.Run(Models, shards[i], new ZooOptions { Shard = new ZooShard(i, 3) }).Select(r => r.Name));
        Assert.That(seen, Is.Unique, "a model ran in two shards");
        Assert.That(seen, Has.Count.EqualTo(6));

        // The partition is by content: the same bytes land in the same shard whatever the folder holds.
        var model = ZooFiles.Describe(Models, Path.Combine(Models, "menagerie_mnist.relay"));
        Assert.That(Enumerable.Range(0, 3).Count(i => new ZooShard(i, 3).Contains(model)), Is.EqualTo(1));

        ZooMerge.Merge(shards, Path.Combine(_dir, "merged"));
        ZooMerge.Merge([.. shards.Reverse()], Path.Combine(_dir, "merged2"));
        Assert.That(Rows(Path.Combine(_dir, "merged")), Is.EqualTo(Rows(single)));
        Assert.That(File.ReadAllText(Path.Combine(_dir, "merged2", "report.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(_dir, "merged", "report.csv"))));
        Assert.That(File.Exists(Path.Combine(_dir, "merged", "report.json")) && File.Exists(Path.Combine(_dir, "merged", "report.html")));
    }

    [Test]
    public void Merge_Refuses_A_Missing_Shard_Or_A_Lost_Model()
    {
        var shards = Enumerable.Range(0, 2).Select(i => Path.Combine(_dir, $"shard{i}")).ToArray();
        // Of 6 models in 2 shards one shard holds at least 3: that one is "killed" after one model.
        var sizes = Enumerable.Range(0, 2).Select(i => ZooRunner.Discover(Models).Select(p => ZooFiles.Describe(Models, p)).Count(new ZooShard(i, 2).Contains)).ToArray();
        var big = sizes[0] >= sizes[1] ? 0 : 1;
        var small = 1 - big;
        Assert.That(sizes[big], Is.GreaterThanOrEqualTo(3));
        ZooRunner.Run(Models, shards[small], new ZooOptions { Shard = new ZooShard(small, 2) });
        var e = Assert.Throws<BridgeException>(() => ZooMerge.Merge([shards[small]], Path.Combine(_dir, "merged")));
        Assert.That(e!.Diagnostic.Id, Is.EqualTo(ZooDiagnosticIds.MergeIncomplete));
        Assert.That(e.Diagnostic.Message, Does.Contain($"{big}/2"));

        var partial = ZooRunner.Run(Models, shards[big], new ZooOptions { Shard = new ZooShard(big, 2), MaxModels = 1 });
        Assert.That(partial, Has.Count.EqualTo(1));
        e = Assert.Throws<BridgeException>(() => ZooMerge.Merge(shards, Path.Combine(_dir, "merged")));
        Assert.That(e!.Diagnostic.Message, Does.Contain($"{sizes[big] - 1} model(s) have no result yet"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "merged")), Is.False, "a refused merge wrote output");
        ZooRunner.Run(Models, shards[big], new ZooOptions { Shard = new ZooShard(big, 2), Resume = true });
        Assert.That(ZooMerge.Merge(shards, Path.Combine(_dir, "merged")), Has.Count.EqualTo(6));
    }

    [Test]
    public void Shard_Syntax_Is_Checked()
    {
        Assert.That(ZooShard.Parse("2/3"), Is.EqualTo(new ZooShard(2, 3)));
        foreach (var bad in new[] { "3/3", "1", "-1/2", "a/b", "0/0" })
            Assert.That(Assert.Throws<BridgeException>(() => ZooShard.Parse(bad))!.Diagnostic.Id, Is.EqualTo(ZooDiagnosticIds.BadShard), bad);
    }
}

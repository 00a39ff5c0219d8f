using System.Diagnostics;
using Bridge.Cli.Tests.Fuzz;
using Bridge.Importers.Onnx.Proto;
using Google.Protobuf;

namespace Bridge.Cli.Tests;

/// <summary>
/// Issue 20's reproductions through the CLI: each ends in exit 2 with one short diagnostic line, within seconds, reading no
/// file outside the model's folder and leaving nothing behind.
/// </summary>
public class ReliabilityTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "bridge-reliability-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static (int Rc, string Out, string Err) Bridge(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        // A worker with a deadline: a regression that hangs (a blocking open) fails instead of stalling the run.
        var run = Task.Run(() => Program.Run(args, o, e));
        Assert.That(run.Wait(TimeSpan.FromSeconds(120)), Is.True, $"bridge {string.Join(' ', args)} did not finish");
        return (run.Result, o.ToString(), e.ToString());
    }

    private static string Rejected(string name) => Path.Combine(FuzzTargets.RepoRoot(), "tests", "Bridge.Cli.Tests", "Fuzz", "rejected", name);
    private static string Seed(string name) => Path.Combine(FuzzTargets.RepoRoot(), "tests", "Bridge.Cli.Tests", "Fuzz", "seeds", name);

    public static IEnumerable<TestCaseData> RejectedCorpus() =>
        File.ReadAllLines(Rejected("expected.tsv")).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t'))
            .Select(f => new TestCaseData(f[0], f[1], f[2]).SetName($"Rejected({f[0]})"));

    [TestCaseSource(nameof(RejectedCorpus))]
    public void RejectedInputEndsInItsDiagnostic(string file, string command, string expected)
    {
        var outDir = Path.Combine(_dir, "out");
        var args = command.Split(' ').Select(a => a.Replace("{}", Rejected(file), StringComparison.Ordinal).Replace("OUT", outDir, StringComparison.Ordinal)).ToArray();
        var (rc, _, err) = Bridge(args);
        Assert.That(rc, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(expected), err);
        Assert.That(err.Length, Is.LessThan(2000), "one short diagnostic");
        Assert.That(Directory.Exists(outDir) ? Directory.GetFileSystemEntries(outDir) : [], Is.Empty, "no partial output");
    }

    /// <summary>The tiny seed model with its first initializer moved to external data at <paramref name="location"/>.</summary>
    private string ExternalModel(string location, byte[]? data, string dataPath)
    {
        var m = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Seed("tiny.onnx")));
        var w = m.Graph.Initializer[0];
        var raw = w.RawData.ToByteArray();
        w.RawData = ByteString.Empty;
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        if (data is not null) File.WriteAllBytes(dataPath, data.Length == 0 ? raw : data);
        var model = Path.Combine(_dir, "model", "m.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        File.WriteAllBytes(model, m.ToByteArray());
        return model;
    }

    [Test]
    public void ExternalDataInsideTheFolderConverts()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "model"));
        var model = ExternalModel("w.bin", [], Path.Combine(_dir, "model", "w.bin"));
        var (rc, o, e) = Bridge("convert", model, "-o", Path.Combine(_dir, "m.py"));
        Assert.That(rc, Is.EqualTo(0), o + e);
    }

    [Test]
    public void ExternalDataThroughASymlinkedFolderIsRefusedUnlessAllowed()
    {
        var outside = Path.Combine(_dir, "outside");
        Directory.CreateDirectory(outside);
        Directory.CreateDirectory(Path.Combine(_dir, "model"));
        var model = ExternalModel("data/w.bin", [], Path.Combine(outside, "w.bin"));
        Directory.CreateSymbolicLink(Path.Combine(_dir, "model", "data"), outside);
        var output = Path.Combine(_dir, "m.py");
        var (rc, _, e) = Bridge("convert", model, "-o", output);
        Assert.That(rc, Is.EqualTo(2), e);
        Assert.That(e, Does.Contain("BRG1103").And.Contain("outside the model's folder"));
        Assert.That(File.Exists(output), Is.False);
        var (rc2, o2, e2) = Bridge("convert", model, "-o", output, "--allow-dir", outside);
        Assert.That(rc2, Is.EqualTo(0), o2 + e2);
    }

    [Test]
    public void ExternalDataSymlinkedToAFileOutsideIsRefused()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "model"));
        var secret = Path.Combine(_dir, "secret");
        File.WriteAllBytes(secret, new byte[24]); // exactly the size the tensor needs: only confinement stops it
        var model = ExternalModel("w.bin", null, "");
        File.CreateSymbolicLink(Path.Combine(_dir, "model", "w.bin"), secret);
        var (rc, _, e) = Bridge("convert", model, "-o", Path.Combine(_dir, "m.py"));
        Assert.That(rc, Is.EqualTo(2), e);
        Assert.That(e, Does.Contain("BRG1103"));
    }

    [Test]
    public void ExternalDataOnAFifoIsRefusedWithoutHanging()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "model"));
        var model = ExternalModel("w.bin", null, "");
        using (var p = Process.Start("mkfifo", [Path.Combine(_dir, "model", "w.bin")])) p.WaitForExit();
        var (rc, _, e) = Bridge("convert", model, "-o", Path.Combine(_dir, "m.py"));
        Assert.That(rc, Is.EqualTo(2), e);
        Assert.That(e, Does.Contain("BRG1104").And.Contain("a FIFO"));
    }

    [Test]
    public void AModelThatIsAFifoIsRefusedWithoutHanging()
    {
        var fifo = Path.Combine(_dir, "m.onnx");
        using (var p = Process.Start("mkfifo", [fifo])) p.WaitForExit();
        var (rc, _, e) = Bridge("inspect", fifo);
        Assert.That(rc, Is.EqualTo(2), e);
        Assert.That(e, Does.Contain("BRG1104"));
    }

    [Test]
    public void OutputNamingAFolderIsADiagnostic()
    {
        var (rc, _, e) = Bridge("convert", Seed("tiny.onnx"), "-o", _dir);
        Assert.That(rc, Is.EqualTo(2), e);
        Assert.That(e, Does.Contain("BRG1105"));
    }

    [Test]
    public void HugeOpTypeGivesOneShortLine()
    {
        var m = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Seed("tiny.onnx")));
        m.Graph.Node[2].OpType = new string('R', 4_000_000);
        var model = Path.Combine(_dir, "huge_op.onnx");
        File.WriteAllBytes(model, m.ToByteArray());
        var (rc, _, e) = Bridge("convert", model, "-o", Path.Combine(_dir, "m.py"));
        Assert.That(rc, Is.EqualTo(2), e.Length > 3000 ? e[..3000] : e);
        Assert.That(e.Length, Is.LessThan(3000), "stderr is short");
    }

    [Test]
    public void GeneratedInputOverTheBudgetIsRefusedBeforeAllocating()
    {
        var before = GC.GetTotalAllocatedBytes();
        var (rc, _, e) = Bridge("check", Rejected("onnx_huge_input.onnx"), "--max-memory", "1G");
        Assert.That(rc, Is.EqualTo(2), e);
        Assert.That(e, Does.Contain("BRG1102").And.Contain("generated input 'x'").And.Contain("budget of 1.0 GiB"));
        Assert.That(GC.GetTotalAllocatedBytes() - before, Is.LessThan(1L << 30), "the 1.9 GB input was never allocated");
    }

    [Test]
    public void DeeplyParenthesisedRelayTextConverts()
    {
        var relay = Path.Combine(_dir, "parens.relay");
        File.WriteAllText(relay, "#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(1), float32]) {\n  " + new string('(', 3000) + "%x" + new string(')', 3000) + "\n}\n");
        var (rc, o, e) = Bridge("convert", relay, "-o", Path.Combine(_dir, "parens.py"));
        Assert.That(rc, Is.EqualTo(0), o + e);
    }

    [Test]
    public void StaleTempOfAKilledConvertIsCleanedByTheNextRun()
    {
        var output = Path.Combine(_dir, "m.py");
        var stale = Path.Combine(_dir, $".m.py.{int.MaxValue - 3}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stale, "partial output of a process killed with -9");
        var (rc, o, e) = Bridge("convert", Seed("tiny.onnx"), "-o", output);
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(File.Exists(stale), Is.False);
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { output }));
    }
}

using System.Diagnostics;
using Bridge.Core.Files;
using Bridge.Core.IO;
using Bridge.Core.Limits;

namespace Bridge.Core.Tests.Limits;

/// <summary>Issue 20: memory budgets, confinement of referenced files, stack guard, short messages, output hygiene.</summary>
public class LimitsTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "bridge-limits-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCase("4096", 4096L)]
    [TestCase("512M", 512L << 20)]
    [TestCase("8G", 8L << 30)]
    [TestCase("1.5GiB", 3L << 29)]
    [TestCase("2kb", 2048L)]
    public void ParsesSizes(string text, long bytes) => Assert.That(MemoryBudget.ParseSize(text), Is.EqualTo(bytes));

    [TestCase("")]
    [TestCase("-1G")]
    [TestCase("lots")]
    [TestCase("150%")]
    public void RefusesBadSizes(string text)
    {
        var e = Assert.Throws<BridgeException>(() => MemoryBudget.ParseSize(text))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.BadArgument));
    }

    [Test]
    public void BudgetIsTotalAcrossChargesAndNamesSizeAndLimit()
    {
        using var scope = MemoryBudget.Begin(1000);
        MemoryBudget.Charge(600L, "first", SourceLoc.Unknown.Instance);
        var e = Assert.Throws<BridgeException>(() => MemoryBudget.Charge(600L, "second", SourceLoc.Unknown.Instance))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.MemoryBudgetExceeded));
        Assert.That(e.Diagnostic.Message, Does.Contain("second needs 600 B").And.Contain("600 B already held").And.Contain("budget of 1000 B"));
        MemoryBudget.Charge(400L, "third fits", SourceLoc.Unknown.Instance);
    }

    [Test]
    public void NpzMembersCountTogether()
    {
        var big = Tensor.Zeros(DataType.Float32, 100); // 400 bytes each
        var npz = NpzFile.ToBytes([("a", big), ("b", big), ("c", big)]);
        using (MemoryBudget.Begin(1 << 20)) Assert.That(NpzFile.Read(npz, "ok.npz"), Has.Count.EqualTo(3));
        using var scope = MemoryBudget.Begin(1500);
        var e = Assert.Throws<BridgeException>(() => NpzFile.Read(npz, "bomb.npz"))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.MemoryBudgetExceeded), e.Diagnostic.Render());
    }

    [Test]
    public void NpyShapeWithHugeDimsAndAZeroIsAbsurdNotAnOverflow()
    {
        var hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 0), }";
        hdr += new string(' ', (64 - (10 + hdr.Length + 1) % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(hdr.Length & 0xFF), (byte)(hdr.Length >> 8) };
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(hdr));
        var e = Assert.Throws<BridgeException>(() => NpyFile.Read([.. bytes], "x.npy"))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.AbsurdShape), e.Diagnostic.Render());
    }

    [Test]
    public void LongMessagesAndLinesRenderShort()
    {
        var huge = new string('A', 4_000_000);
        var d = Diagnostic.Error(CoreDiagnosticIds.BadArgument, new SourceLoc.GraphNode("m.onnx", "g", "n", huge), $"unsupported op {huge}") with { };
        Assert.That(d.Render().Length, Is.LessThan(1000));
        var t = Diagnostic.Error(CoreDiagnosticIds.BadArgument, new SourceLoc.Text("x.relay", 1, 3_000_000), "x") with { SourceLine = huge };
        var lines = t.Render().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[1].Length, Is.LessThanOrEqualTo(Diagnostic.MaxQuote + 2));
        Assert.That(lines[2].TrimEnd(), Does.EndWith("^"));
        Assert.That(Diagnostic.Quote("a\0b\nc"), Is.EqualTo("a\\0b\\nc"));
    }

    [Test]
    public void StackGuardTurnsDeepRecursionIntoADiagnostic()
    {
        static int Down(int n) { StackGuard.Check(SourceLoc.Unknown.Instance); return n == 0 ? 0 : 1 + Down(n - 1); }
        var e = Assert.Throws<BridgeException>(() => Down(100_000_000))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.NestingTooDeep));
        Assert.That(StackGuard.RunWithLargeStack(() => Down(100_000)), Is.EqualTo(100_000));
    }

    private string Outside(string name, string content)
    {
        var outside = Path.Combine(_dir, "outside");
        Directory.CreateDirectory(outside);
        var p = Path.Combine(outside, name);
        File.WriteAllText(p, content);
        return p;
    }

    [Test]
    public void ConfinedReadsInsideTheFolder()
    {
        var model = Path.Combine(_dir, "model");
        Directory.CreateDirectory(Path.Combine(model, "sub"));
        File.WriteAllBytes(Path.Combine(model, "sub", "w.bin"), [1, 2, 3, 4]);
        using var fs = ConfinedFile.OpenRead(model, "sub/w.bin", SourceLoc.Unknown.Instance);
        Assert.That(fs.Length, Is.EqualTo(4));
    }

    [Test]
    public void SymlinkedFolderOutsideIsRefused()
    {
        var model = Path.Combine(_dir, "model");
        Directory.CreateDirectory(model);
        var secret = Outside("passwd", "root:x:0:0");
        Directory.CreateSymbolicLink(Path.Combine(model, "data"), Path.GetDirectoryName(secret)!);
        var e = Assert.Throws<BridgeException>(() => ConfinedFile.OpenRead(model, "data/passwd", SourceLoc.Unknown.Instance))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.OutsideModelFolder), e.Diagnostic.Render());
        using (ConfinedFile.Allow([Path.GetDirectoryName(secret)!]))
        using (var fs = ConfinedFile.OpenRead(model, "data/passwd", SourceLoc.Unknown.Instance))
            Assert.That(fs.Length, Is.EqualTo(10), "an --allow-dir folder may be read");
    }

    [Test]
    public void SymlinkedFileOutsideIsRefused()
    {
        var model = Path.Combine(_dir, "model");
        Directory.CreateDirectory(model);
        File.CreateSymbolicLink(Path.Combine(model, "w.bin"), Outside("passwd", "root:x:0:0"));
        var e = Assert.Throws<BridgeException>(() => ConfinedFile.OpenRead(model, "w.bin", SourceLoc.Unknown.Instance))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.OutsideModelFolder), e.Diagnostic.Render());
    }

    [Test]
    public void FifoAndDirectoryAreRefusedWithoutBlocking()
    {
        var model = Path.Combine(_dir, "model");
        Directory.CreateDirectory(Path.Combine(model, "dir"));
        using (var p = Process.Start("mkfifo", [Path.Combine(model, "fifo")])) p.WaitForExit();
        // Runs on a worker so that a regression (a blocking open) fails the test instead of hanging the run.
        var task = Task.Run(() => Assert.Throws<BridgeException>(() => ConfinedFile.OpenRead(model, "fifo", SourceLoc.Unknown.Instance))!);
        Assert.That(task.Wait(TimeSpan.FromSeconds(30)), Is.True, "opening a FIFO blocked");
        Assert.That(task.Result.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.NotARegularFile), task.Result.Diagnostic.Render());
        Assert.That(task.Result.Diagnostic.Message, Does.Contain("a FIFO"));
        var d = Assert.Throws<BridgeException>(() => ConfinedFile.OpenRead(model, "dir", SourceLoc.Unknown.Instance))!;
        Assert.That(d.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.NotARegularFile));
        var nul = Assert.Throws<BridgeException>(() => ConfinedFile.OpenRead(model, "w\0.bin", SourceLoc.Unknown.Instance))!;
        Assert.That(nul.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.OutsideModelFolder));
        var dev = Assert.Throws<BridgeException>(() => AtomicFile.ReadAllBytes("/dev/zero"))!;
        Assert.That(dev.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.NotARegularFile));
    }

    [Test]
    public void OutputNamingAFolderIsRefused()
    {
        var e = Assert.Throws<BridgeException>(() => AtomicFile.WriteAllText(_dir, "x"))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.OutputIsDirectory));
        Assert.That(Directory.GetFiles(_dir), Is.Empty, "nothing written");
    }

    [Test]
    public void StaleTempsOfDeadWritersAreRemovedLiveOnesKept()
    {
        var target = Path.Combine(_dir, "out.py");
        var stale = Path.Combine(_dir, $".out.py.{int.MaxValue - 7}.{Guid.NewGuid():N}.tmp"); // no such process
        var live = Path.Combine(_dir, $".out.py.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var other = Path.Combine(_dir, $".other.py.{int.MaxValue - 7}.{Guid.NewGuid():N}.tmp");
        foreach (var f in new[] { stale, live, other }) File.WriteAllText(f, "partial");
        AtomicFile.WriteAllText(target, "done");
        Assert.That(File.Exists(stale), Is.False, "a kill -9 leftover of this output is cleaned");
        Assert.That(File.Exists(live), Is.True, "a live writer's temp is kept");
        Assert.That(File.Exists(other), Is.True, "other outputs' temps are not touched");
        Assert.That(File.ReadAllText(target), Is.EqualTo("done"));
    }
}

using System.Diagnostics;
using Bridge.Core.Files;

namespace Bridge.Cli.Tests.Torch;

/// <summary>
/// PyTorch as a live reference (<c>check --reference torch</c>, <c>run --path torch</c>) on archives written by
/// <c>gen_torch_reference.py</c> (torch 1.13), whose own outputs the script saved independently; and the diagnostic when Python
/// cannot be loaded (a bad <c>BRIDGE_PYTHON_DLL</c>, in a child process so that this process's interpreter is not touched).
/// </summary>
[NonParallelizable]
public sealed class TorchReferenceCliTests
{
    private static readonly Lazy<string> s_dir = new(Generate);

    private static string Generate()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Fail("/usr/bin/python3 with torch 1.13 (apt-get install python3-torch) is required to write the test archives");
        return CliHarness.RunGenerator(Path.Combine("tests", "Bridge.Cli.Tests", "Torch", "gen_torch_reference.py"), Path.Combine(Path.GetTempPath(), $"bridge-torch-reference-{Environment.ProcessId}"), TimeSpan.FromSeconds(300));
    }

    private static string F(string name) => Path.Combine(s_dir.Value, name);

    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("bridge-torchref-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs the built <c>bridge</c> in a child process with <c>BRIDGE_PYTHON_DLL</c> set.</summary>
    private static (int Rc, string Out, string Err) Child(string pythonDll, params string[] args)
    {
        var bridge = Path.Combine(TestContext.CurrentContext.TestDirectory, "bridge");
        var psi = new ProcessStartInfo(bridge, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["BRIDGE_PYTHON_DLL"] = pythonDll;
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(300_000)) { p.Kill(true); throw new TimeoutException("bridge child"); }
        return (p.ExitCode, o.Result, e);
    }

    private static Dictionary<string, Tensor> Load(string path) => TensorFiles.Load(path).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);

    [Test]
    public void Check_reference_torch_adds_pytorch_as_a_third_path_and_compares_the_saved_outputs()
    {
        var (rc, o, e) = CliHarness.Run("check", F("branchy.scripted.pt"), "--reference", "torch");
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(o, Does.Contain("path torch: ok").And.Contain("path torch-saved: ok").And.Contain("path relay: ok").And.Contain("path relax: ok"));
        Assert.That(o, Does.Contain("torch-saved vs torch output: PASSED").And.Contain("relay vs torch output: PASSED").And.Contain("relax vs torch output: PASSED"));
        Assert.That(o, Does.Contain("PASSED: all paths agree"));
    }

    [Test]
    public void Check_reference_torch_on_inputs_that_take_the_else_branch()
    {
        var (rc, o, e) = CliHarness.Run("check", F("branchy.scripted.pt"), "--inputs", F("branchy.neg.npz"), "--reference", "torch");
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(o, Does.Contain("path torch-saved: skipped (the feeds are not the saved STEM.inputs.npz"));
        Assert.That(o, Does.Contain("relay vs torch output: PASSED").And.Contain("relax vs torch output: PASSED"));
    }

    [Test]
    public void Run_path_torch_writes_what_torch_computed_for_each_branch()
    {
        var outPath = Path.Combine(_dir, "neg.npz");
        var (rc, o, e) = CliHarness.Run("run", F("branchy.scripted.pt"), "--inputs", F("branchy.neg.npz"), "--path", "torch", "-o", outPath);
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(o, Does.Contain("ran on PyTorch"));
        var got = Load(outPath)["output"];
        var want = Load(F("branchy.neg.outputs.npz"))["output"];
        Assert.That(got.Shape, Is.EqualTo(want.Shape));
        Assert.That(got.Bytes.ToArray(), Is.EqualTo(want.Bytes.ToArray()), "the same torch on the same inputs is bit-exact");
        var posOut = Path.Combine(_dir, "pos.npz");
        Assert.That(CliHarness.Run("run", F("branchy.scripted.pt"), "--path", "pytorch", "-o", posOut).Rc, Is.EqualTo(0));
        Assert.That(Load(posOut)["output"].Bytes.ToArray(), Is.EqualTo(Load(F("branchy.outputs.npz"))["output"].Bytes.ToArray()));
    }

    [Test]
    public void Run_path_torch_flattens_a_tuple_and_keeps_integer_outputs()
    {
        var outPath = Path.Combine(_dir, "pair.npz");
        var (rc, o, e) = CliHarness.Run("run", F("pair.traced.pt"), "--path", "torch", "-o", outPath);
        Assert.That(rc, Is.EqualTo(0), o + e);
        var got = Load(outPath);
        var want = Load(F("pair.outputs.npz"));
        Assert.That(got.Keys, Is.EquivalentTo(new[] { "output_0", "output_1" }));
        Assert.That(got["output_0"].DType, Is.EqualTo(DataType.Float32));
        Assert.That(got["output_1"].DType, Is.EqualTo(DataType.Int64));
        Assert.That(got["output_1"].ReadOnlySpan<long>().ToArray(), Is.EqualTo(want["output_1"].ReadOnlySpan<long>().ToArray()));
        Assert.That(got["output_0"].ReadOnlySpan<float>().ToArray(), Is.EqualTo(want["output_0"].ReadOnlySpan<float>().ToArray()));
    }

    [Test]
    public void Without_python_check_reference_torch_says_what_to_install_and_exits_2()
    {
        var bad = Path.Combine(_dir, "no-such-libpython3.11.so");
        var (rc, o, e) = Child(bad, "check", F("branchy.scripted.pt"), "--reference", "torch");
        Assert.That(rc, Is.EqualTo(2), o + e);
        var line = e.Trim();
        Assert.That(line.Split('\n'), Has.Length.EqualTo(1), e);
        Assert.That(line, Does.Contain("BRG6770").And.Contain("apt-get install python3-torch").And.Contain("BRIDGE_PYTHON_DLL").And.Contain(bad));
        Assert.That(o, Does.Not.Contain("path relay"), "nothing else runs when the reference asked for cannot start");

        var outPath = Path.Combine(_dir, "out.npz");
        (rc, o, e) = Child(bad, "run", F("branchy.scripted.pt"), "--path", "torch", "-o", outPath);
        Assert.That(rc, Is.EqualTo(2), o + e);
        Assert.That(e, Does.Contain("BRG6770"));
        Assert.That(File.Exists(outPath), Is.False, "no partial output");

        // a library that is not libpython
        (rc, _, e) = Child("/bin/sh", "check", F("branchy.scripted.pt"), "--reference", "torch");
        Assert.That(rc, Is.EqualTo(2), e);
        Assert.That(e, Does.Contain("BRG6770"));
    }

    [Test]
    public void Without_the_flag_no_python_is_loaded()
    {
        // The bridge's own import and the saved-output reference never start Python: a bad library path changes nothing.
        var (rc, o, e) = Child(Path.Combine(_dir, "no-such-libpython3.11.so"), "check", F("branchy.scripted.pt"));
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(o, Does.Contain("path torch: ok").And.Contain("PASSED"));
    }

    [Test]
    public void Help_warns_that_torch_unpickles_the_archive()
    {
        var (_, o, e) = CliHarness.Run("check", "--help");
        Assert.That(o + e, Does.Contain("--reference").And.Contain("unpickles the archive"));
        (_, o, e) = CliHarness.Run("run", "--help");
        Assert.That(o + e, Does.Contain("unpickles the archive"));
    }

    [Test]
    public void A_malicious_archive_is_refused_by_the_bridge_reader_before_torch_loads_it()
    {
        // data.pkl calls posix.system: Bridge's reader refuses it (BRG5332) before torch.jit.load would run it.
        var evil = Path.Combine(_dir, "evil.pt");
        var marker = Path.Combine(_dir, "pwned");
        WriteEvilArchive(evil, marker);
        var (rc, o, e) = CliHarness.Run("check", evil, "--shape", "x=2", "--reference", "torch");
        Assert.That(rc, Is.EqualTo(2), o + e);
        Assert.That(e, Does.Contain("BRG5332"));
        Assert.That(File.Exists(marker), Is.False);
    }

    private static void WriteEvilArchive(string path, string marker)
    {
        using var fs = File.Create(path);
        using var zip = new System.IO.Compression.ZipArchive(fs, System.IO.Compression.ZipArchiveMode.Create);
        void Entry(string name, byte[] data)
        {
            using var s = zip.CreateEntry(name, System.IO.Compression.CompressionLevel.NoCompression).Open();
            s.Write(data);
        }
        Entry("evil/version", "3\n"u8.ToArray());
        // protocol 2: GLOBAL posix system, the argument tuple, REDUCE, STOP
        var cmd = System.Text.Encoding.ASCII.GetBytes($"touch {marker}");
        var pkl = new List<byte> { 0x80, 0x02 };
        pkl.AddRange("cposix\nsystem\n"u8.ToArray());
        pkl.Add((byte)'X');
        pkl.AddRange(BitConverter.GetBytes(cmd.Length));
        pkl.AddRange(cmd);
        pkl.AddRange(new byte[] { 0x85, (byte)'R', (byte)'.' });
        Entry("evil/data.pkl", [.. pkl]);
        Entry("evil/constants.pkl", [0x80, 0x02, (byte)')', (byte)'.']);
        Entry("evil/code/__torch__.py", "class M(Module):\n  __parameters__ = []\n  __buffers__ = []\n  def forward(self: __torch__.M, x: Tensor) -> Tensor:\n    return x\n"u8.ToArray());
    }
}

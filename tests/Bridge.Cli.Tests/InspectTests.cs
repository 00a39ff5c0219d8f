using System.Text.Json;
using Bridge.Core.Files;

namespace Bridge.Cli.Tests;

public class InspectTests
{
    private static string RepoRoot()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("Bridge.sln not found above the test directory");
    }

    private static (int Rc, string Out, string Err) Inspect(string path)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var rc = Program.Run(["inspect", path], o, e);
        return (rc, o.ToString(), e.ToString());
    }

    private static readonly Dictionary<string, ModelFormat> s_manifestFormats = new()
    {
        ["relay-text"] = ModelFormat.RelayText,
        ["relay-json"] = ModelFormat.RelayJson,
        ["graph-executor-json"] = ModelFormat.GraphExecutorJson,
        ["relax-tvmscript"] = ModelFormat.RelaxScript,
        ["table-tsv"] = ModelFormat.Unknown,
    };

    /// <summary>Every committed fixture with the format the manifest gives it, plus the constants sidecars.</summary>
    public static IEnumerable<TestCaseData> CorpusFiles()
    {
        var root = Path.Combine(RepoRoot(), "corpora");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "manifest.json")));
        var listed = new HashSet<string>();
        foreach (var f in doc.RootElement.GetProperty("fixtures").EnumerateArray())
        {
            var rel = f.GetProperty("path").GetString()!;
            listed.Add(rel);
            yield return new TestCaseData(rel, s_manifestFormats[f.GetProperty("format").GetString()!]).SetName("Corpus_" + rel);
        }
        foreach (var f in Directory.GetFiles(root, "*.consts.json", SearchOption.AllDirectories).Order())
        {
            var rel = Path.GetRelativePath(root, f).Replace('\\', '/');
            listed.Add(rel);
            yield return new TestCaseData(rel, ModelFormat.RelayMetaTable).SetName("Corpus_" + rel);
        }
        // Every other committed data file must be covered by the manifest (README.md files are documentation).
        foreach (var f in Directory.GetFiles(Path.Combine(root, "relay"), "*", SearchOption.AllDirectories)
                     .Concat(Directory.GetFiles(Path.Combine(root, "relax"), "*", SearchOption.AllDirectories)).Order())
        {
            var rel = Path.GetRelativePath(root, f).Replace('\\', '/');
            if (!listed.Contains(rel) && !rel.EndsWith("README.md", StringComparison.Ordinal))
                yield return new TestCaseData(rel, (ModelFormat)(-1)).SetName("Unlisted_" + rel);
        }
    }

    [TestCaseSource(nameof(CorpusFiles))]
    public void Inspect_Names_The_Format_Of_Every_Corpus_File(string rel, ModelFormat expected)
    {
        Assert.That((int)expected, Is.Not.EqualTo(-1), $"{rel} is not in corpora/manifest.json (run python3 corpora/generate.py --manifest-only)");
        var (rc, o, e) = Inspect(Path.Combine(RepoRoot(), "corpora", rel));
        if (expected == ModelFormat.Unknown)
        {
            Assert.That(rc, Is.EqualTo(2), o);
            Assert.That(e, Does.Contain("BRG1001"));
            return;
        }
        // A file identified but not loadable on its own (a TVMScript fragment, Relay text that needs TVM's prelude as its
        // initial module) still gets its format line, and exits 2 with the reason (issue 20 item 6: inspect is a validator).
        Assert.That(rc, Is.EqualTo(0).Or.EqualTo(2), e);
        if (rc == 2) Assert.That(e, Does.Match(@"BRG\d{4}").And.Not.Contain("BRG1001"), "identified, with the reason it cannot be loaded");
        Assert.That(o, Does.Contain(": " + InspectCommand.DisplayName(expected)));
    }

    /// <summary>The generated models (git-ignored cache); each case is ignored when `python3 corpora/generate.py` has not run.</summary>
    public static IEnumerable<TestCaseData> GeneratedModels()
    {
        var root = Path.Combine(RepoRoot(), "corpora");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "manifest.json")));
        foreach (var m in doc.RootElement.GetProperty("models").EnumerateArray())
        {
            foreach (var f in m.GetProperty("files").EnumerateObject())
            {
                var fmt = f.Name switch
                {
                    "onnx" => ModelFormat.Onnx,
                    "inputs" or "outputs" => ModelFormat.Npz,
                    _ => ModelFormat.TorchScript,
                };
                yield return new TestCaseData(f.Value.GetString()!, fmt).SetName($"Model_{m.GetProperty("name").GetString()}_{f.Name}");
            }
        }
    }

    [TestCaseSource(nameof(GeneratedModels))]
    public void Inspect_Names_Generated_Models(string rel, ModelFormat expected)
    {
        var path = Path.Combine(RepoRoot(), "corpora", rel);
        if (!File.Exists(path)) Assert.Ignore($"{rel} not generated (python3 corpora/generate.py)");
        var info = FormatSniffer.Identify(path);
        Assert.That(info.Format, Is.EqualTo(expected));
        if (expected == ModelFormat.Onnx)
            Assert.That(info.Facts.First(f => f.Key == "opset_import").Value, Does.Contain("ai.onnx 14"));
        if (expected == ModelFormat.Npz)
        {
            var (rc, o, e) = Inspect(path);
            Assert.That(rc, Is.EqualTo(0), e);
            Assert.That(o, Does.Contain("float32"));
        }
    }

    private static readonly string s_tempDir = Path.Combine(Path.GetTempPath(), "bridge-inspect-" + Guid.NewGuid().ToString("N"));

    [OneTimeTearDown]
    public void DeleteTemp()
    {
        if (Directory.Exists(s_tempDir)) Directory.Delete(s_tempDir, recursive: true);
    }

    private static string Temp(byte[] data, string ext)
    {
        Directory.CreateDirectory(s_tempDir);
        var p = Path.Combine(s_tempDir, Guid.NewGuid().ToString("N") + ext);
        File.WriteAllBytes(p, data);
        return p;
    }

    [Test]
    public void Tensor_Files_Print_Names_DTypes_Shapes()
    {
        var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = Tensor.Zeros(DataType.Bool);
        var p = Temp(ParamsFile.ToBytes([("conv.weight", t), ("flag", b)]), ".bin");
        var (rc, o, e) = Inspect(p);
        Assert.That(rc, Is.EqualTo(0), e);
        Assert.That(o, Does.Contain("TVM params"));
        Assert.That(o, Does.Match(@"conv\.weight\s+float32\s+\(2, 3\)"));
        Assert.That(o, Does.Match(@"flag\s+bool\s+\(\)"));
        var (rc2, o2, _) = Inspect(Temp(NpyFile.ToBytes(t), ".params"));
        Assert.That(rc2, Is.EqualTo(0));
        Assert.That(o2, Does.Contain("NumPy .npy"));
        var (rc3, o3, _) = Inspect(Temp(NpzFile.ToBytes([("x", t)]), ".npy"));
        Assert.That(rc3, Is.EqualTo(0));
        Assert.That(o3, Does.Contain("NumPy .npz"));
        Assert.That(o3, Does.Match(@"x\s+float32\s+\(2, 3\)"));
    }

    [Test]
    public void Onnx_Is_Recognised_From_Protobuf_Fields()
    {
        // ModelProto: ir_version=8 (field 1), producer_name "t" (2), graph {} (7), opset_import {version 14} (8).
        byte[] model = [0x08, 0x08, 0x12, 0x01, (byte)'t', 0x3A, 0x00, 0x42, 0x02, 0x10, 0x0E];
        var (rc, o, e) = Inspect(Temp(model, ".bin"));
        Assert.That(rc, Is.EqualTo(0), e);
        Assert.That(o, Does.Contain("ONNX"));
        Assert.That(o, Does.Contain("ai.onnx 14"));
        // The same bytes cut inside the opset field are no longer a consistent ModelProto.
        var (rc2, _, e2) = Inspect(Temp(model[..^1], ".onnx"));
        Assert.That(rc2, Is.EqualTo(2));
        Assert.That(e2, Does.Contain("BRG1001"));
    }

    public static IEnumerable<TestCaseData> Garbage()
    {
        var rng = new Random(7);
        var random = new byte[4096];
        rng.NextBytes(random);
        yield return new TestCaseData(random).SetName("Garbage_RandomBytes");
        yield return new TestCaseData(Array.Empty<byte>()).SetName("Garbage_Empty");
        var npz = NpzFile.ToBytes([("a", Tensor.FromArray(new float[100], 100)), ("b", Tensor.FromArray(new float[100], 100))]);
        yield return new TestCaseData(npz[..(npz.Length / 2)]).SetName("Garbage_TruncatedZip");
        yield return new TestCaseData(npz[..(npz.Length - 10)]).SetName("Garbage_ZipMissingDirectoryEnd");
        yield return new TestCaseData("{\"nodes\": [1, 2"u8.ToArray()).SetName("Garbage_TruncatedJson");
        yield return new TestCaseData("hello, world\n"u8.ToArray()).SetName("Garbage_PlainText");
        var npy = NpyFile.ToBytes(Tensor.FromArray(new float[10], 10));
        yield return new TestCaseData(npy[..70]).SetName("Garbage_TruncatedNpy");
    }

    [TestCaseSource(nameof(Garbage))]
    public void Garbage_Is_One_Clear_Error_Exit_2(byte[] data)
    {
        var (rc, o, e) = Inspect(Temp(data, ".onnx"));
        Assert.That(rc, Is.EqualTo(2), o + e);
        Assert.That(e, Does.Match(@"error BRG1\d{3}: "));
        Assert.That(e, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(e.Trim().Split('\n'), Has.Length.LessThanOrEqualTo(3));
    }

    [Test]
    public void Missing_File_Is_Exit_2()
    {
        var (rc, _, e) = Inspect("/nonexistent/model.onnx");
        Assert.That(rc, Is.EqualTo(2));
        Assert.That(e, Does.Contain("BRG1009"));
    }

    [Test]
    public void Handlers_Can_Be_Replaced_Per_Format()
    {
        var p = Temp("{\"relay.Constant\": []}"u8.ToArray(), ".json");
        InspectHandlers.Register(ModelFormat.RelayMetaTable, r => { r.Context.Out.WriteLine("custom handler"); return 0; });
        try
        {
            var (rc, o, _) = Inspect(p);
            Assert.That(rc, Is.EqualTo(0));
            Assert.That(o, Does.Contain("custom handler"));
        }
        finally
        {
            InspectHandlers.Register(ModelFormat.RelayMetaTable, InspectCommand.Facts);
        }
    }
}

public class ManifestTests
{
    [Test]
    public void Committed_Manifest_Is_What_The_Generator_Writes()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) d = d.Parent;
        var root = d!.FullName;
        if (!File.Exists("/usr/bin/python3")) Assert.Ignore("/usr/bin/python3 is not available");
        var tmp = Path.Combine(Path.GetTempPath(), "bridge-manifest-" + Guid.NewGuid().ToString("N") + ".json");
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", $"\"{Path.Combine(root, "corpora", "generate.py")}\" --manifest-out \"{tmp}\"")
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && err.Contains("No module named", StringComparison.Ordinal)) Assert.Ignore(err);
        Assert.That(p.ExitCode, Is.EqualTo(0), err);
        Assert.That(File.ReadAllText(tmp), Is.EqualTo(File.ReadAllText(Path.Combine(root, "corpora", "manifest.json"))),
            "corpora/manifest.json is stale: run python3 corpora/generate.py --manifest-only");
        File.Delete(tmp);
    }
}

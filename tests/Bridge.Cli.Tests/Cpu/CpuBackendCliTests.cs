using System.Text.Json;
using Bridge.Backends.Cpu.Runtime;
using Bridge.Compat.Check;
using Bridge.Core.Files;

namespace Bridge.Cli.Tests.Cpu;

/// <summary>
/// The CPU backend from the command line (docs/cpu-backend.md): <c>compile -o</c> writes a library that loads through the C
/// ABI and agrees with ONNX Runtime at two batch sizes; a second compile comes from the model cache; <c>run</c>, <c>check</c>
/// and <c>bench --json</c> with <c>--backend cpu</c>; bad options are BRG ids with exit 2; a traced TorchScript archive
/// compiles on both paths and matches torch's saved outputs. Models: the committed <c>Fuzz/seeds/tiny.onnx</c>
/// (relu(x·w + b), x of shape (N, 2) with N symbolic) and a traced MLP written by <c>gen_cpu_cli.py</c>.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CpuBackendCliTests
{
    private string _dir = "";
    private string _gen = "";

    private static string Tiny => Path.Combine(CliHarness.RepoRoot(), "tests", "Bridge.Cli.Tests", "Fuzz", "seeds", "tiny.onnx");

    [OneTimeSetUp]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "bridge-cpu-cli-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        _gen = CliHarness.RunGenerator("tests/Bridge.Cli.Tests/Cpu/gen_cpu_cli.py", Path.Combine(_dir, "gen"), TimeSpan.FromMinutes(3));
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { /* a loaded library may keep a file busy */ }
    }

    private static Tensor Input(long n)
    {
        var data = Enumerable.Range(0, (int)(n * 2)).Select(i => (float)Math.Sin(i * 0.7) * 2f).ToArray();
        return Tensor.FromArray(data, [n, 2]);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), what);
        for (long i = 0; i < expected.Length; i++)
            Assert.That(actual.GetDouble(i), Is.EqualTo(expected.GetDouble(i)).Within(1e-5), $"{what} [{i}]");
    }

    [Test]
    public void CompileWritesALibraryThatRunsThroughTheCAbiAtTwoBatchSizes()
    {
        var so = Path.Combine(_dir, "tiny.so");
        var (rc, o, e) = CliHarness.Run("compile", Tiny, "--target", "cpu", "-o", so, "--emit-c", Path.Combine(_dir, "tiny.c"));
        Assert.That(rc, Is.EqualTo(0), e);
        Assert.That(o, Does.Contain("symbolic dims N are run-time arguments"));
        Assert.That(File.Exists(so) && File.Exists(Path.Combine(_dir, "tiny.c")), Is.True);
        using var nm = NativeModel.Open(so);
        Assert.That(nm.Inputs.Select(i => (i.Name, i.DType, string.Join(",", i.Dims))), Is.EqualTo(new[] { ("x", DataType.Float32, "-1,2") }));
        Assert.That(nm.FallbackOps, Is.Empty);
        foreach (var n in new long[] { 1, 5 })
        {
            var x = Input(n);
            var ort = ModelChecker.RunOnnxRuntime(Tiny, new Dictionary<string, Tensor> { ["x"] = x });
            AssertClose(ort[0].Tensor, nm.Run([x])[0], $"batch {n}");
        }
    }

    [Test]
    public void ASecondCompileOfTheSameModelAndOptionsComesFromTheModelCache()
    {
        var (rc1, _, e1) = CliHarness.Run("compile", Tiny, "--target", "cpu", "--path", "relay", "-o", Path.Combine(_dir, "a.so"));
        Assert.That(rc1, Is.EqualTo(0), e1);
        var (rc2, o2, e2) = CliHarness.Run("compile", Tiny, "--target", "cpu", "--path", "relay", "-o", Path.Combine(_dir, "b.so"));
        Assert.That(rc2, Is.EqualTo(0), e2);
        Assert.That(o2, Does.Contain("from the compile cache"));
        Assert.That(File.ReadAllBytes(Path.Combine(_dir, "b.so")), Is.EqualTo(File.ReadAllBytes(Path.Combine(_dir, "a.so"))));
        // other options are another key: the Relax path is not the Relay path's library
        var (rc3, o3, e3) = CliHarness.Run("compile", Tiny, "--target", "cpu", "--path", "relax", "--dim", "N=3", "-o", Path.Combine(_dir, "c.so"));
        Assert.That(rc3, Is.EqualTo(0), e3);
        Assert.That(o3, Does.Contain("compiled the relax path"));
    }

    [Test]
    public void RunBackendCpuMatchesOnnxRuntimeOnBothPaths()
    {
        var x = Input(3);
        var inputs = Path.Combine(_dir, "in3.npz");
        NpzFile.Write(inputs, [("x", x)]);
        var ort = ModelChecker.RunOnnxRuntime(Tiny, new Dictionary<string, Tensor> { ["x"] = x });
        foreach (var path in new[] { "relay", "relax" })
        {
            var outPath = Path.Combine(_dir, $"out-{path}.npz");
            var (rc, o, e) = CliHarness.Run("run", Tiny, "--backend", "cpu", "--path", path, "--inputs", inputs, "-o", outPath);
            Assert.That(rc, Is.EqualTo(0), e);
            Assert.That(o, Does.Contain($"ran the compiled {path} path"));
            AssertClose(ort[0].Tensor, TensorFiles.Load(outPath).Single().Tensor, path);
        }
    }

    [Test]
    public void RunACompiledLibraryWithGeneratedInputsAtAGivenDim()
    {
        var so = Path.Combine(_dir, "tiny-run.so");
        Assert.That(CliHarness.Run("compile", Tiny, "-o", so).Rc, Is.EqualTo(0));
        var outPath = Path.Combine(_dir, "so-out.npz");
        var (rc, o, e) = CliHarness.Run("run", so, "--backend", "cpu", "--dim", "?=4", "-o", outPath);
        Assert.That(rc, Is.EqualTo(0), e);
        Assert.That(o, Does.Contain("inputs generated"));
        Assert.That(TensorFiles.Load(outPath).Single().Tensor.Shape, Is.EqualTo(new long[] { 4, 3 }));
    }

    [Test]
    public void CheckBackendCpuAddsACompiledRowPerPathAndPasses()
    {
        var (rc, o, e) = CliHarness.Run("check", Tiny, "--backend", "cpu");
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(o, Does.Contain("path relay-cpu: ok"));
        Assert.That(o, Does.Contain("path relax-cpu: ok"));
        Assert.That(o, Does.Contain("compiled relax-cpu:"));
    }

    [Test]
    public void BenchBackendCpuJsonHasOneObjectWithEveryPath()
    {
        var (rc, o, e) = CliHarness.Run("bench", "--model", Tiny, "--backend", "cpu", "--threads", "1", "--json", "--repeat", "5");
        Assert.That(rc, Is.EqualTo(0), e);
        using var doc = JsonDocument.Parse(o.Trim());
        var root = doc.RootElement;
        Assert.That(root.GetProperty("model").GetString(), Is.EqualTo("tiny.onnx"));
        Assert.That(root.GetProperty("threads").GetInt32(), Is.EqualTo(1));
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.That(results.Select(r => r.GetProperty("name").GetString()), Is.EqualTo(new[] { "ort", "relay-cpu", "relax-cpu" }));
        foreach (var r in results)
            Assert.That(r.GetProperty("min_ms").GetDouble(), Is.GreaterThan(0).And.LessThanOrEqualTo(r.GetProperty("median_ms").GetDouble()));
    }

    [Test]
    public void BenchBackendCpuJsonReportsAPathThatCannotCompileAsAnErrorRowAndExits1()
    {
        // A real model with an ONNX If: ONNX Runtime runs it, neither compiled path can (BRG6103); a failed path is a row with
        // its error, never left out of the JSON.
        var model = Path.Combine(CliHarness.RepoRoot(), "corpora/.cache/real/models/oww-hey-jarvis.onnx");
        Assert.That(File.Exists(model), Is.True, "the real-model corpus is fetched by scripts/corpus.sh");
        var (rc, o, e) = CliHarness.Run("bench", "--model", model, "--backend", "cpu", "--threads", "1", "--json", "--repeat", "2");
        Assert.That(rc, Is.EqualTo(1), e);
        using var doc = JsonDocument.Parse(o.Trim());
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.That(results.Keys, Is.EqualTo(new[] { "ort", "relay-cpu", "relax-cpu" }));
        Assert.That(results["ort"].GetProperty("median_ms").GetDouble(), Is.GreaterThan(0));
        foreach (var path in new[] { "relay-cpu", "relax-cpu" })
        {
            Assert.That(results[path].GetProperty("error").GetString(), Does.StartWith("BRG6103"), path);
            Assert.That(results[path].TryGetProperty("median_ms", out _), Is.False, path);
        }
    }

    [TestCase(new[] { "compile", "MODEL", "--target", "gpu", "-o", "OUT" }, "BRG7600", TestName = "Compile_unknown_target")]
    [TestCase(new[] { "compile", "MODEL", "--path", "tir", "-o", "OUT" }, "BRG7600", TestName = "Compile_unknown_path")]
    [TestCase(new[] { "run", "MODEL", "--backend", "tpu", "-o", "OUT" }, "BRG7600", TestName = "Run_unknown_backend")]
    [TestCase(new[] { "run", "NOTSO", "--backend", "cpu", "-o", "OUT" }, "BRG6102", TestName = "Run_a_file_that_is_not_a_library")]
    [TestCase(new[] { "bench", "--backend", "cpu" }, "BRG7600", TestName = "Bench_cpu_without_model")]
    public void BadOptionsAreDiagnosticsWithExitCode2(string[] args, string id)
    {
        var notSo = Path.Combine(_dir, "not-a-library.so");
        File.WriteAllText(notSo, "not an ELF file");
        var out_ = Path.Combine(_dir, "bad-out.so");
        var real = args.Select(a => a switch { "MODEL" => Tiny, "OUT" => out_, "NOTSO" => notSo, _ => a }).ToArray();
        var (rc, _, e) = CliHarness.Run(real);
        Assert.That(rc, Is.EqualTo(2), e);
        Assert.That(e, Does.Contain(id));
        Assert.That(File.Exists(out_), Is.False, "no partial output");
    }

    [Test]
    public void ZooPerfCpuRecordsTheRelaxOverRelayTimeRatioAsAdoptionEvidence()
    {
        var models = Path.Combine(_dir, "zoo-models");
        Directory.CreateDirectory(models);
        File.Copy(Tiny, Path.Combine(models, "tiny.onnx"), overwrite: true);
        File.WriteAllText(Path.Combine(models, "add.relay"), "def @main(%x: Tensor[(2, 3), float32]) { add(%x, %x) }\n");
        var outDir = Path.Combine(_dir, "zoo-out");
        var (rc, o, e) = CliHarness.Run("zoo", models, "-o", outDir, "--in-process", "--perf", "cpu");
        Assert.That(rc, Is.EqualTo(0), o + e);
        var results = Directory.GetFiles(Path.Combine(outDir, "results"), "*.json")
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement).ToDictionary(r => r.GetProperty("Name").GetString()!);
        Assert.That(results.Keys, Is.EquivalentTo(new[] { "tiny.onnx", "add.relay" }));
        foreach (var r in results.Values)
            Assert.That(r.GetProperty("PerfRatio").GetDouble(), Is.GreaterThan(0), r.GetProperty("Name").GetString());
        var state = Path.Combine(_dir, "adopt.json");
        Assert.That(CliHarness.Run("adopt", "record", outDir, "--state", state).Rc, Is.EqualTo(0));
        using var doc = JsonDocument.Parse(File.ReadAllText(state));
        var ev = doc.RootElement.GetProperty("Models").GetProperty("tiny.onnx").GetProperty("Evidence")[0];
        Assert.That(ev.GetProperty("PerfRatio").GetDouble(), Is.EqualTo(results["tiny.onnx"].GetProperty("PerfRatio").GetDouble()));
        // without --perf nothing is measured: the hook stays empty rather than made up
        var plain = Path.Combine(_dir, "zoo-plain");
        Assert.That(CliHarness.Run("zoo", models, "-o", plain, "--in-process").Rc, Is.EqualTo(0));
        foreach (var f in Directory.GetFiles(Path.Combine(plain, "results"), "*.json"))
            Assert.That(JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("PerfRatio").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public void ZooPerfRefusesAnUnknownBackend()
    {
        var (rc, _, e) = CliHarness.Run("zoo", _dir, "-o", Path.Combine(_dir, "zoo-bad"), "--perf", "gpu");
        Assert.That(rc, Is.EqualTo(2), e);
    }

    [TestCase("relay")]
    [TestCase("relax")]
    public void ATracedTorchScriptArchiveCompilesAndMatchesTorch(string path)
    {
        var pt = Path.Combine(_gen, "mlp.traced.pt");
        var so = Path.Combine(_dir, $"mlp-{path}.so");
        var (rc, o, e) = CliHarness.Run("compile", pt, "--path", path, "--dim", "x=2,4", "-o", so);
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(o, Does.Contain("0 on reference kernels"));
        using var nm = NativeModel.Open(so);
        var x = TensorFiles.Load(Path.Combine(_gen, "mlp.inputs.npz")).Single().Tensor;
        var torch = TensorFiles.Load(Path.Combine(_gen, "mlp.outputs.npz")).Single().Tensor;
        AssertClose(torch, nm.Run([x])[0], path);
    }
}

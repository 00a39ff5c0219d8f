using System.Text.Json;

namespace Bridge.Cli.Tests.Cuda;

/// <summary>
/// <c>--backend cuda</c> on run, check, bench and compile, on a tiny seeded CNN (tiny_cnn.onnx, from gen_tiny_cnn.py) through
/// ILGPU's CPU simulator, and the one-line BRG6200 refusal without a GPU.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CudaBackendCliTests
{
    private static string Model => Path.Combine(CliHarness.RepoRoot(), "tests", "Bridge.Cli.Tests", "Cuda", "tiny_cnn.onnx");

    [Test]
    public void CheckAddsBothCudaRowsAndTheyMatch()
    {
        var (rc, o, e) = CliHarness.Run("check", Model, "--backend", "cuda", "--simulate", "--dim", "batch=2");
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(o, Does.Contain("cuda device: ILGPU CPU simulator"));
        Assert.That(o, Does.Contain("compiled relay-cuda:").And.Contain("compiled relax-cuda:"));
        Assert.That(o, Does.Contain("relax-cuda").And.Contain("relay-cuda"));
        Assert.That(o, Does.Contain("0 on reference kernels"), "every op of the tiny CNN has a kernel");
    }

    [Test]
    public void RunWritesTheOutputsOfTheChosenPath()
    {
        var dir = Directory.CreateTempSubdirectory("bridge-cuda-run").FullName;
        try
        {
            var outPath = Path.Combine(dir, "out.npz");
            var (rc, o, e) = CliHarness.Run("run", Model, "--backend", "cuda", "--simulate", "--path", "relay", "-o", outPath);
            Assert.That(rc, Is.EqualTo(0), o + e);
            Assert.That(o, Does.Contain("ran the relay path on ILGPU CPU simulator"));
            Assert.That(File.Exists(outPath));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void BenchJsonHasBothPathsWithThroughput()
    {
        var (rc, o, e) = CliHarness.Run("bench", "--model", Model, "--backend", "cuda", "--simulate", "--json", "--dim", "batch=2", "--repeat", "1");
        Assert.That(rc, Is.EqualTo(0), o + e);
        using var doc = JsonDocument.Parse(o.Trim().Split('\n')[^1]);
        var r = doc.RootElement;
        Assert.That(r.GetProperty("simulated").GetBoolean(), Is.True);
        Assert.That(r.GetProperty("batch").GetInt64(), Is.EqualTo(2));
        var names = r.GetProperty("results").EnumerateArray().Select(x => x.GetProperty("name").GetString()).ToList();
        Assert.That(names, Is.EqualTo(new[] { "relay-cuda", "relax-cuda" }));
        Assert.That(r.GetProperty("results").EnumerateArray().All(x => x.GetProperty("items_per_s").GetDouble() > 0));
    }

    [Test]
    public void WithoutAGpuAndWithoutSimulateIsOneLineBrg6200()
    {
        var (rc, o, e) = CliHarness.Run("check", Model, "--backend", "cuda");
        if (rc == 0) Assert.Pass("this machine has a CUDA device: the refusal cannot occur here");
        Assert.That(rc, Is.EqualTo(2), o + e);
        Assert.That(e, Does.Contain("BRG6200").And.Contain("--simulate"));
        Assert.That(e.Trim().Split('\n'), Has.Length.EqualTo(1), e);
    }

    [Test]
    public void CompileForCudaIsADocumentedRefusal()
    {
        var (rc, _, e) = CliHarness.Run("compile", Model, "--target", "cuda", "-o", Path.Combine(Path.GetTempPath(), "never-written.ptx"));
        Assert.That(rc, Is.EqualTo(2));
        Assert.That(e, Does.Contain("BRG6204").And.Contain("docs/cuda-backend.md"));
        Assert.That(File.Exists(Path.Combine(Path.GetTempPath(), "never-written.ptx")), Is.False);
    }
}

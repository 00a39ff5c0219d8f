using Bridge.Backends.Cpu;
using Bridge.Compat.Check;
using Bridge.Compat.Cpu;

namespace Bridge.Compat.Tests.Cpu;

/// <summary>
/// The CPU backend's model cache (<see cref="CpuCompileCache"/>, <c>Backends.Cpu.Runtime.ModelCache</c>): a key changes
/// exactly when something the library depends on changes (content, path, dims, seed), never with the file's timestamp; a
/// second compile of the same model and options opens the cached library without lowering or running the C compiler.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CpuCompileCacheTests
{
    private string _dir = "";

    private static string Tiny()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) d = d.Parent;
        return Path.Combine(d!.FullName, "tests", "Bridge.Cli.Tests", "Fuzz", "seeds", "tiny.onnx");
    }

    [SetUp]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "bridge-cpu-key-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TheKeyFollowsContentAndOptionsNotTimestamps()
    {
        var model = Path.Combine(_dir, "m.onnx");
        File.Copy(Tiny(), model);
        var load = new LoadOptions();
        var key = CpuCompileCache.ForRequest(model, load, "relax", "main");
        Assert.That(CpuCompileCache.ForRequest(model, load, "relax", "main"), Is.EqualTo(key));
        Assert.That(CpuCompileCache.ForRequest(model, load, "relay", "main"), Is.Not.EqualTo(key), "path");
        Assert.That(CpuCompileCache.ForRequest(model, load with { Dims = new Dictionary<string, long> { ["N"] = 4 } }, "relax", "main"), Is.Not.EqualTo(key), "dims");
        Assert.That(CpuCompileCache.ForRequest(model, load with { Seed = 7 }, "relax", "main"), Is.Not.EqualTo(key), "seed");
        File.SetLastWriteTimeUtc(model, DateTime.UtcNow.AddMinutes(-5));
        Assert.That(CpuCompileCache.ForRequest(model, load, "relax", "main"), Is.EqualTo(key), "same bytes, other mtime");
        var bytes = File.ReadAllBytes(model);
        bytes[^1] ^= 1;
        File.WriteAllBytes(model, bytes);
        Assert.That(CpuCompileCache.ForRequest(model, load, "relax", "main"), Is.Not.EqualTo(key), "other bytes");
    }

    [Test]
    public void ASecondCompileOpensTheCachedLibraryWithoutTheCompiler()
    {
        var model = LoadedModel.Load(Tiny());
        var dims = new Dictionary<string, long> { ["N"] = 2 };
        using var first = CpuPaths.Compile(model, "relay", dims, "main", new LoadOptions());
        var runs = NativeBuild.CompilerRuns;
        using var second = CpuPaths.Compile(model, "relay", dims, "main", new LoadOptions());
        Assert.That(second.Report.FromModelCache, Is.True);
        Assert.That(second.Program, Is.Null, "nothing was lowered");
        Assert.That(NativeBuild.CompilerRuns, Is.EqualTo(runs));
        Assert.That(second.LibraryPath, Is.EqualTo(first.LibraryPath));
        Assert.That(second.Signature, Is.EqualTo(first.Signature).Using<Backends.Cpu.Runtime.CompiledSignature>((a, b) =>
            a.Inputs.SequenceEqual(b.Inputs, new InputComparer()) && a.SymbolicDims.SequenceEqual(b.SymbolicDims)));
        var x = Core.Tensors.Tensor.FromArray(new float[] { 1, -2, 3, 0.5f }, [2, 2]);
        Assert.That(second.Run([x])[0].Bytes.ToArray(), Is.EqualTo(first.Run([x])[0].Bytes.ToArray()));
    }

    private sealed class InputComparer : IEqualityComparer<Backends.Cpu.Runtime.CompiledInput>
    {
        public bool Equals(Backends.Cpu.Runtime.CompiledInput? a, Backends.Cpu.Runtime.CompiledInput? b) =>
            a is not null && b is not null && a.Name == b.Name && a.DType == b.DType && a.Shape.SequenceEqual(b.Shape);
        public int GetHashCode(Backends.Cpu.Runtime.CompiledInput o) => o.Name.GetHashCode(StringComparison.Ordinal);
    }
}

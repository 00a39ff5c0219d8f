using System.Runtime.InteropServices;
using Bridge.Backends.Cpu;

namespace Bridge.Backends.Tests.Cpu;

[TestFixture]
public sealed class NativeBuildTests
{
    [Test]
    public void KernelLibraryIsEmbeddedWithItsHeader()
    {
        var names = NativeBuild.KernelSources().Select(s => s.Name).ToList();
        Assert.That(names, Does.Contain("bridge_cpu.h"));
        Assert.That(names, Does.Contain("kernels/threads.c"));
    }

    [Test]
    public unsafe void CompilesLoadsAndCallsAUnitCachedByContent()
    {
        var unit = new NativeSource("probe.c", "#include \"bridge_cpu.h\"\nint probe_add(int a, int b) { return a + b + brg_get_num_threads() * 0; }\n");
        var sources = NativeBuild.KernelSources().Append(unit).ToList();
        var lib = NativeBuild.BuildSharedLibrary(sources);
        Assert.That(NativeBuild.BuildSharedLibrary(sources), Is.EqualTo(lib), "same sources, same cached library");
        var handle = NativeBuild.Load(lib);
        var add = (delegate* unmanaged<int, int, int>)NativeBuild.Export(handle, "probe_add", lib);
        Assert.That(add(40, 2), Is.EqualTo(42));
    }

    [Test]
    public void CompilerErrorIsADiagnostic()
    {
        var bad = new NativeSource("bad.c", "int broken( { return 0; }\n");
        var e = Assert.Throws<BridgeException>(() => NativeBuild.BuildSharedLibrary([bad]));
        Assert.That(e!.Diagnostic.Id, Is.EqualTo(CpuDiagnosticIds.CompileFailed));
    }
}

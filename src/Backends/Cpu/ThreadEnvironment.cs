using System.Runtime.InteropServices;

namespace Bridge.Backends.Cpu;

/// <summary>
/// The OpenMP settings a compiled model's process needs, applied before the first model library (and with it libgomp, which
/// reads its environment once, when it loads) is loaded. libgomp's workers spin 300000 pauses (milliseconds) after every
/// parallel region by default; the kernel library's own pool (<c>brg_parallel_for</c>) then finds the second core taken
/// right after each convolution. <c>GOMP_SPINCOUNT=1000</c> (what libgomp itself uses when it is oversubscribed) lets them
/// sleep after a few microseconds. A user's own <c>OMP_WAIT_POLICY</c> or <c>GOMP_SPINCOUNT</c> is left alone. .NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach the C environment on Linux, hence
/// <c>setenv</c>.
/// </summary>
public static partial class ThreadEnvironment
{
    private static int s_applied;

    public static void Apply()
    {
        if (Interlocked.Exchange(ref s_applied, 1) == 1 || !OperatingSystem.IsLinux()) return;
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is { Length: > 0 } || Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is { Length: > 0 }) return;
        _ = SetEnv("GOMP_SPINCOUNT", "1000", 0);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}

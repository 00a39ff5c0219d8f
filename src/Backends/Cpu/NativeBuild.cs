using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Bridge.Backends.Cpu;

/// <summary>One C translation unit or header handed to the system compiler.</summary>
public sealed record NativeSource(string Name, string Text)
{
    public bool IsHeader => Name.EndsWith(".h", StringComparison.Ordinal);
}

/// <summary>
/// Compiles C sources with the system compiler into a shared library and loads it in-process. Every object file and every
/// linked library is cached by a content hash (sources, headers, flags, compiler version, host CPU), so an unchanged model
/// or kernel library is never compiled twice on a machine. The cache is <c>$BRIDGE_CPU_CACHE</c>, else
/// <c>$XDG_CACHE_HOME/bridge/cpu</c>, else <c>~/.cache/bridge/cpu</c>; files appear by atomic rename, so concurrent
/// builds of the same hash are safe.
/// </summary>
public static class NativeBuild
{
    /// <summary>The flags every unit is compiled with (the host's own ISA, OpenMP for the thread pool).</summary>
    public const string DefaultFlags = "-O3 -march=native -fopenmp -fPIC -fno-math-errno -std=gnu11";

    /// <summary>
    /// Generated model units whose name starts with <c>model-</c> are compiled at <c>-O2</c> unless they hold loops
    /// (<c>#pragma omp</c>): their groups are calls into the kernel library, where -O3 buys nothing but compile time.
    /// </summary>
    public const string CallOnlyUnitOptLevel = "-O2";

    private static readonly Lock s_lock = new();
    private static string? s_compilerId;
    private static IReadOnlyList<NativeSource>? s_kernelSources;

    /// <summary>Where compiled objects and libraries are cached.</summary>
    public static string CacheDir
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("BRIDGE_CPU_CACHE");
            if (string.IsNullOrEmpty(dir))
            {
                var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                var root = string.IsNullOrEmpty(xdg)
                    ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
                    : xdg;
                dir = Path.Combine(root, "bridge", "cpu");
            }
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>The C compiler: <c>$BRIDGE_CC</c> or <c>gcc</c>.</summary>
    public static string Compiler => Environment.GetEnvironmentVariable("BRIDGE_CC") is { Length: > 0 } cc ? cc : "gcc";

    /// <summary>The kernel library's header and sources, embedded in this assembly (<c>Cpu/Native/**</c>).</summary>
    public static IReadOnlyList<NativeSource> KernelSources()
    {
        lock (s_lock)
        {
            if (s_kernelSources is not null) return s_kernelSources;
            var asm = typeof(NativeBuild).Assembly;
            var list = new List<NativeSource>();
            foreach (var res in asm.GetManifestResourceNames().Order(StringComparer.Ordinal))
            {
                const string prefix = "bridge.cpu.native/";
                if (!res.StartsWith(prefix, StringComparison.Ordinal)) continue;
                using var s = asm.GetManifestResourceStream(res)!;
                using var r = new StreamReader(s, Encoding.UTF8);
                list.Add(new NativeSource(res[prefix.Length..], r.ReadToEnd()));
            }
            return s_kernelSources = list;
        }
    }

    /// <summary>
    /// Compiles <paramref name="sources"/> (plus every header among them, visible to all units by file name) into one shared
    /// library and returns its cached path. Units are compiled in parallel and cached as objects, so the kernel library is
    /// compiled once and only a model's generated unit is compiled per model.
    /// </summary>
    public static string BuildSharedLibrary(IReadOnlyList<NativeSource> sources, string flags = DefaultFlags)
    {
        var headers = sources.Where(s => s.IsHeader).ToList();
        var units = sources.Where(s => !s.IsHeader).ToList();
        if (units.Count == 0) throw new BridgeInternalError("native build without a C unit");
        var cache = CacheDir;
        var headerHash = Hash(string.Concat(headers.OrderBy(h => h.Name, StringComparer.Ordinal).Select(h => h.Name + "\0" + h.Text + "\0")));
        var baseKey = $"{CompilerId()}\0{flags}\0{HostKey()}\0{headerHash}";
        var includeDir = Path.Combine(cache, "include-" + headerHash[..16]);
        if (!Directory.Exists(includeDir))
        {
            var tmp = includeDir + ".tmp" + Environment.ProcessId;
            Directory.CreateDirectory(tmp);
            foreach (var h in headers) File.WriteAllText(Path.Combine(tmp, Path.GetFileName(h.Name)), h.Text);
            try { Directory.Move(tmp, includeDir); }
            catch (IOException) { Directory.Delete(tmp, recursive: true); }
        }
        var objects = new string[units.Count];
        var missing = new List<(int Index, string Obj, string Src, NativeSource Unit)>();
        for (var i = 0; i < units.Count; i++)
        {
            var unit = units[i];
            var unitFlags = UnitFlags(unit, flags);
            var key = Hash(baseKey + "\0" + unitFlags + "\0" + unit.Name + "\0" + unit.Text);
            objects[i] = Path.Combine(cache, key[..32] + ".o");
            if (!File.Exists(objects[i])) missing.Add((i, objects[i], Path.Combine(cache, key[..32] + ".c"), unit));
        }
        // the units that are not cached are compiled in parallel (one compiler process per core), largest first
        try
        {
            Parallel.ForEach(missing.OrderByDescending(u => u.Unit.Text.Length), new ParallelOptions { MaxDegreeOfParallelism = BuildJobs }, u =>
            {
                WriteAtomic(u.Src, u.Unit.Text);
                var tmpObj = u.Obj + ".tmp" + Environment.ProcessId + "." + u.Index;
                Run($"{UnitFlags(u.Unit, flags)} -I \"{includeDir}\" -c \"{u.Src}\" -o \"{tmpObj}\"", u.Unit.Name);
                File.Move(tmpObj, u.Obj, overwrite: true);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is BridgeException) is BridgeException first)
        {
            // a unit the compiler rejected is one diagnostic (the first), as a sequential build would report it
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
        var libKey = Hash(baseKey + "\0" + string.Join("\0", objects.Select(Path.GetFileName)));
        var lib = Path.Combine(cache, "lib" + libKey[..32] + ".so");
        if (!File.Exists(lib))
        {
            var tmpLib = lib + ".tmp" + Environment.ProcessId;
            Run($"{flags} -shared -o \"{tmpLib}\" {string.Join(' ', objects.Select(o => $"\"{o}\""))} -lm", "link");
            File.Move(tmpLib, lib, overwrite: true);
        }
        return lib;
    }

    /// <summary>How many compiler processes run at once: <c>$BRIDGE_CPU_JOBS</c>, else the core count.</summary>
    public static int BuildJobs =>
        int.TryParse(Environment.GetEnvironmentVariable("BRIDGE_CPU_JOBS"), out var j) && j > 0 ? j : Environment.ProcessorCount;

    private static string UnitFlags(NativeSource unit, string flags) =>
        unit.Name.StartsWith("model-", StringComparison.Ordinal) && !unit.Text.Contains("#pragma omp", StringComparison.Ordinal)
            ? flags.Replace("-O3", CallOnlyUnitOptLevel, StringComparison.Ordinal)
            : flags;

    /// <summary>
    /// The identity of everything a compiled object depends on besides its own text: compiler and version, flags, host CPU
    /// and the kernel library's sources. Part of every model-cache key (<see cref="Runtime.ModelCache"/>).
    /// </summary>
    public static string ToolchainKey(string flags = DefaultFlags) =>
        $"{CompilerId()}\0{flags}\0{HostKey()}\0{Hash(string.Concat(KernelSources().Select(k => k.Name + "\0" + k.Text + "\0")))}";

    /// <summary>Loads a shared library into this process (kept loaded for the process's life).</summary>
    public static IntPtr Load(string path)
    {
        ThreadEnvironment.Apply();
        try { return NativeLibrary.Load(path); }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new BridgeException(CpuDiagnosticIds.LoadFailed, new SourceLoc.Text(path, 0, 0), $"cannot load compiled library: {e.Message}");
        }
    }

    /// <summary>The address of <paramref name="symbol"/> in a loaded library; a missing symbol is BRG6102.</summary>
    public static IntPtr Export(IntPtr library, string symbol, string path) =>
        NativeLibrary.TryGetExport(library, symbol, out var p)
            ? p
            : throw new BridgeException(CpuDiagnosticIds.LoadFailed, new SourceLoc.Text(path, 0, 0), $"compiled library has no symbol '{symbol}'");

    /// <summary>How many times this process ran the C compiler or linker (a build that ran none came from the cache).</summary>
    public static int CompilerRuns => s_compilerRuns;
    private static int s_compilerRuns;

    private static void Run(string args, string what)
    {
        Interlocked.Increment(ref s_compilerRuns);
        ProcessStartInfo psi = new(Compiler, args)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        Process p;
        try { p = Process.Start(psi) ?? throw new InvalidOperationException("no process"); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new BridgeException(CpuDiagnosticIds.NoCompiler, SourceLoc.Unknown.Instance,
                $"no C compiler '{Compiler}' ({e.Message}); run scripts/setup.sh or set BRIDGE_CC");
        }
        using (p)
        {
            var err = p.StandardError.ReadToEndAsync();
            _ = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                var first = err.Result.Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.Ordinal)) ?? err.Result;
                throw new BridgeException(CpuDiagnosticIds.CompileFailed, SourceLoc.Unknown.Instance,
                    $"C compiler failed on {what}: {Trim(first)}");
            }
        }
    }

    private static string Trim(string s) => s.Length <= 300 ? s.Trim() : s[..300].Trim() + "…";

    private static string CompilerId()
    {
        lock (s_lock)
        {
            if (s_compilerId is not null) return s_compilerId;
            // The version line is remembered in the cache per compiler binary (path, size, mtime): a cached compile then
            // starts no process at all.
            var exe = ResolveOnPath(Compiler);
            string? memo = null;
            if (exe is not null)
            {
                var fi = new FileInfo(exe);
                memo = Path.Combine(CacheDir, "cc-" + Hash($"{fi.FullName}\0{fi.Length}\0{fi.LastWriteTimeUtc.Ticks}")[..16] + ".txt");
                if (File.Exists(memo)) return s_compilerId = File.ReadAllText(memo);
            }
            ProcessStartInfo psi = new(Compiler, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            try
            {
                using var p = Process.Start(psi)!;
                var v = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                s_compilerId = Compiler + ":" + v.Split('\n')[0];
                if (memo is not null && p.ExitCode == 0) WriteAtomic(memo, s_compilerId);
                return s_compilerId;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new BridgeException(CpuDiagnosticIds.NoCompiler, SourceLoc.Unknown.Instance,
                    $"no C compiler '{Compiler}' ({e.Message}); run scripts/setup.sh or set BRIDGE_CC");
            }
        }
    }

    /// <summary>The file <paramref name="command"/> runs (a path as is, else the first match on <c>$PATH</c>, links resolved); null if none.</summary>
    private static string? ResolveOnPath(string command)
    {
        IEnumerable<string> candidates = command.Contains('/', StringComparison.Ordinal)
            ? [command]
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, command));
        foreach (var c in candidates)
        {
            var fi = new FileInfo(c);
            if (!fi.Exists) continue;
            return fi.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? fi.FullName;
        }
        return null;
    }

    /// <summary>The host CPU's identity (model and flags): <c>-march=native</c> objects are valid only on the same kind of CPU.</summary>
    private static string HostKey()
    {
        try
        {
            var lines = File.ReadLines("/proc/cpuinfo").Take(40)
                .Where(l => l.StartsWith("model name", StringComparison.Ordinal) || l.StartsWith("flags", StringComparison.Ordinal));
            return Hash(string.Join("\n", lines))[..16];
        }
        catch (IOException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
        catch (UnauthorizedAccessException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
    }

    private static void WriteAtomic(string path, string text)
    {
        var tmp = path + ".tmp" + Environment.ProcessId;
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }

    private static string Hash(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));

    /// <summary>The reflection entry used by tests to check the resources are embedded.</summary>
    internal static Assembly ResourceAssembly => typeof(NativeBuild).Assembly;
}

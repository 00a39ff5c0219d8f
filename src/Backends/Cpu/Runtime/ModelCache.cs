using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bridge.Backends.Cpu.Lowering;

namespace Bridge.Backends.Cpu.Runtime;

/// <summary>One input of a compiled model: name, dtype and shape (symbolic dims by name, <c>?</c> for an unnamed one).</summary>
public sealed record CompiledInput(string Name, DataType DType, ImmutableArray<string> Shape);

/// <summary>What a caller needs to feed a compiled model: its inputs and the names of its symbolic (run-time) dims.</summary>
public sealed record CompiledSignature(ImmutableArray<CompiledInput> Inputs, ImmutableArray<string> SymbolicDims)
{
    public static CompiledSignature Of(TensorProgram p) =>
        new([.. p.Inputs.Select(b => new CompiledInput(b.Name, b.DType, [.. b.Shape.Select(d => d.ToString())]))], [.. p.SymVars.Select(v => v.Name)]);
}

/// <summary>
/// The model-level compile cache: a compiled model stored under a key the caller computes from the model file's content
/// hash, the compile options, Bridge's version and build, and the toolchain (<see cref="NativeBuild.ToolchainKey"/>). A hit
/// opens the cached library without lowering, code generation or the C compiler. Entries live in
/// <see cref="NativeBuild.CacheDir"/><c>/models/</c> as a JSON manifest (signature, report) beside the generated C; the
/// library is the content-addressed one <see cref="NativeBuild"/> linked. A model with reference-kernel fallback groups is
/// not stored (running its fallbacks needs the lowered program), so it always compiles through the object cache.
/// </summary>
public static class ModelCache
{
    private sealed record Entry(
        string Library, string Source, int Ops, List<string> Groups, int PlannedBuffers, int Slots, int Units,
        List<EntryInput> Inputs, List<string> SymbolicDims, string? Note);
    private sealed record EntryInput(string Name, string DType, List<string> Shape);

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = false };

    /// <summary>Set <c>BRIDGE_CPU_MODEL_CACHE=0</c> to always compile (the object cache still applies).</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable("BRIDGE_CPU_MODEL_CACHE") != "0";

    /// <summary>A cache key from its parts (hashed; the parts' order matters).</summary>
    public static string Key(IEnumerable<string> parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\0", parts.Prepend(NativeBuild.ToolchainKey())))))[..40];

    private static string Dir
    {
        get
        {
            var d = Path.Combine(NativeBuild.CacheDir, "models");
            Directory.CreateDirectory(d);
            return d;
        }
    }

    /// <summary>The cached model under <paramref name="key"/>, or null (never stored, or its library was removed).</summary>
    public static CompiledModel? TryOpen(string key)
    {
        if (!Enabled) return null;
        var manifest = Path.Combine(Dir, key + ".json");
        var cFile = Path.Combine(Dir, key + ".c");
        if (!File.Exists(manifest) || !File.Exists(cFile)) return null;
        Entry? e;
        try { e = JsonSerializer.Deserialize<Entry>(File.ReadAllText(manifest), s_json); }
        catch (JsonException) { return null; }
        catch (IOException) { return null; }
        if (e is null) return null;
        var lib = Path.Combine(NativeBuild.CacheDir, e.Library);
        if (!File.Exists(lib)) return null;
        var sig = new CompiledSignature([.. e.Inputs.Select(i => new CompiledInput(i.Name, DataType.Parse(i.DType), [.. i.Shape]))], [.. e.SymbolicDims]);
        var report = new CompileReport(e.Source, e.Ops, [.. e.Groups], [], e.PlannedBuffers, e.Slots, 0, 0, 0, true) { FromModelCache = true, Units = e.Units, Note = e.Note };
        return new CompiledModel(lib, sig, report, File.ReadAllText(cFile));
    }

    /// <summary>Stores <paramref name="model"/> under <paramref name="key"/> (not when it has fallback groups); atomic, last writer wins.</summary>
    public static void Store(string key, CompiledModel model)
    {
        if (!Enabled || model.Report.FallbackOps.Length > 0 || model.Report.FromModelCache) return;
        var r = model.Report;
        var e = new Entry(Path.GetFileName(model.LibraryPath), r.Source, r.Ops, [.. r.Groups], r.PlannedBuffers, r.Slots, r.Units,
            [.. model.Signature.Inputs.Select(i => new EntryInput(i.Name, i.DType.ToString(), [.. i.Shape]))], [.. model.Signature.SymbolicDims], r.Note);
        Write(Path.Combine(Dir, key + ".c"), model.CSource);
        Write(Path.Combine(Dir, key + ".json"), JsonSerializer.Serialize(e, s_json)); // the manifest last: it marks the entry complete
    }

    private static void Write(string path, string text)
    {
        var tmp = path + ".tmp" + Environment.ProcessId;
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }
}

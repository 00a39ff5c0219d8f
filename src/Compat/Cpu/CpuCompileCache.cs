using System.Reflection;
using System.Security.Cryptography;
using Bridge.Backends.Cpu.Runtime;
using Bridge.Compat.Check;

namespace Bridge.Compat.Cpu;

/// <summary>
/// Keys of the CPU backend's model cache (<see cref="ModelCache"/>): what a compiled library depends on, hashed before any
/// lowering so a cached compile is a hash and a load. A key holds the model file's content hash and those of its side files
/// (params, meta table), the options that change the program (path, entry, dims, seed and <c>--random-weights</c> for
/// generated weights), Bridge's version and the identity of its build (the module ids of the assemblies that import, translate,
/// lower and generate code: deterministic builds change them exactly when the code changes), and the toolchain
/// (compiler, flags, host CPU, kernel library sources; <see cref="Backends.Cpu.NativeBuild.ToolchainKey"/>).
/// </summary>
public static class CpuCompileCache
{
    private static readonly Lazy<string> s_build = new(() =>
    {
        Assembly[] asms =
        [
            typeof(Core.Tensors.Tensor).Assembly, typeof(Ir.Ops.OpRegistry).Assembly, typeof(Importers.Onnx.OnnxModelLoader).Assembly,
            typeof(Translators.OnnxToRelax.OnnxToRelaxEmitter).Assembly, typeof(CpuCompiler).Assembly, typeof(CpuPaths).Assembly,
        ];
        var version = typeof(CpuPaths).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return version + "|" + string.Join("|", asms.Select(a => a.GetName().Name + ":" + a.ManifestModule.ModuleVersionId));
    });

    /// <summary>Bridge's version and build identity (part of every key).</summary>
    public static string BuildIdentity => s_build.Value;

    /// <summary>
    /// The key of a compile of a loaded model at resolved dims (what <c>run</c>, <c>check</c>, <c>bench</c> and <c>zoo</c>
    /// compile): the Relay path is compiled at these sizes, the Relax path keeps symbolic dims symbolic.
    /// </summary>
    public static string ForLoaded(LoadedModel model, string ir, IReadOnlyDictionary<string, long> dims, string entry, LoadOptions? load) =>
        ModelCache.Key(Parts(model.Path, load ?? new LoadOptions(), ir, entry)
            .Append("resolved:" + string.Join(",", dims.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}")))
            .Append("params-used:" + (model.ParamsPath is { } pp ? FileHash(pp) : "")));

    /// <summary>
    /// The key of a <c>bridge compile</c> request before the model is loaded: file hashes and the options as given. Looked
    /// up first (a hit needs no load, no input signature, no lowering); stored beside the resolved key.
    /// </summary>
    public static string ForRequest(string modelPath, LoadOptions load, string ir, string entry) =>
        ModelCache.Key(Parts(modelPath, load, ir, entry).Append("request"));

    private static IEnumerable<string> Parts(string modelPath, LoadOptions load, string ir, string entry)
    {
        yield return BuildIdentity;
        yield return "model:" + FileHash(modelPath);
        yield return "ir:" + ir;
        yield return "entry:" + entry;
        yield return "params:" + (WeightRules.ParamsFor(modelPath, load) is { } p ? FileHash(p) : "");
        var meta = load.MetaPath ?? Translators.RelayToRelax.MigrationPipeline.SidecarMeta(modelPath);
        yield return "meta:" + (meta is not null ? FileHash(meta) : "");
        yield return $"seed:{load.Seed}|random-weights:{load.RandomWeights}";
        yield return "dims:" + string.Join(",", load.Dims.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}"));
        yield return "shapes:" + string.Join(",", load.Shapes);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, long, DateTime), string> s_hashes = new();

    /// <summary>
    /// SHA-256 of a file's bytes (empty when it does not exist); remembered for this process by path, size and modification
    /// time, so the request key and the loaded key of one compile read a 100 MB model once.
    /// </summary>
    public static string FileHash(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return "";
        return s_hashes.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ =>
        {
            using var s = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(s));
        });
    }
}

using System.Text;
using Bridge.Core.Files;
using Bridge.Importers.Onnx;
using Bridge.Importers.TorchScript;
using Relax = Bridge.Ir.Relax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Cli.Tests.Fuzz;

/// <summary>
/// One importer under fuzzing: its seed inputs (corpus files and small committed seeds) and how one input is fed to it.
/// An input must end in a returned value or a <see cref="Core.Diagnostics.BridgeException"/>; anything else is a bug.
/// </summary>
public sealed record FuzzTarget(string Name, string Extension, Func<IReadOnlyList<byte[]>> Seeds, Action<string, byte[]> Feed);

/// <summary>The importers the fuzz smoke test and <c>scripts/fuzz-soak.sh</c> exercise (docs/reliability.md).</summary>
public static class FuzzTargets
{
    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root (Bridge.sln) not found above " + AppContext.BaseDirectory);
    }

    private static string SeedDir => Path.Combine(RepoRoot(), "tests", "Bridge.Cli.Tests", "Fuzz", "seeds");

    private static IReadOnlyList<byte[]> Files(string dir, string pattern, int max) =>
        [.. Directory.GetFiles(dir, pattern).Order(StringComparer.Ordinal).Where(f => new FileInfo(f).Length < 16_384).Take(max).Select(File.ReadAllBytes)];

    private static string Text(byte[] b) => Encoding.UTF8.GetString(b);

    private static IReadOnlyList<byte[]> RelayTextSeeds() => Files(Path.Combine(RepoRoot(), "corpora", "relay", "text"), "*.relay", 24);

    private static IReadOnlyList<byte[]> RelaxScriptSeeds() => Files(Path.Combine(RepoRoot(), "corpora", "relax"), "*.py", 24);

    private static IReadOnlyList<byte[]> RelayJsonSeeds()
    {
        var seeds = new List<byte[]>(Files(Path.Combine(RepoRoot(), "corpora", "relay", "json"), "*.json", 8));
        foreach (var t in RelayTextSeeds().Take(12))
        {
            try { seeds.Add(Encoding.UTF8.GetBytes(Relay.Json.RelayJsonWriter.WriteModule(Relay.Text.RelayTextReader.ParseModule(Text(t), "seed.relay")))); }
            catch (Core.Diagnostics.BridgeException) { } // a corpus file that needs an initial module: not a seed
        }
        return seeds;
    }

    private static IReadOnlyList<byte[]> RelaxJsonSeeds()
    {
        var seeds = new List<byte[]>();
        foreach (var t in RelaxScriptSeeds())
        {
            try { seeds.Add(Encoding.UTF8.GetBytes(Relax.Json.RelaxJsonWriter.Write(Relax.Script.RelaxScriptReader.Parse(Text(t), "seed.py"), Relax.Script.RelaxVersion.V0_19))); }
            catch (Core.Diagnostics.BridgeException) { }
            if (seeds.Count == 8) break;
        }
        return seeds;
    }

    private static Tensor Sample(DataType dt, params long[] shape)
    {
        var t = Tensor.Zeros(dt, shape);
        for (var i = 0; i < t.Length; i++) t.SetDouble(i, i * 0.5 - 1);
        return t;
    }

    private static IReadOnlyList<(string, Tensor)> Arrays() =>
        [("w", Sample(DataType.Float32, 2, 3)), ("b", Sample(DataType.Int64, 3)), ("s", Sample(DataType.Float16))];

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("onnx", ".onnx", () => Files(SeedDir, "*.onnx", 8), (p, b) => OnnxModelLoader.Load(b, p)),
        new("relay-text", ".relay", RelayTextSeeds, (p, b) => Relay.Text.RelayTextReader.ParseModule(Text(b), p)),
        new("relay-json", ".json", RelayJsonSeeds, (p, b) => Relay.Json.RelayJsonReader.Read(Text(b), p)),
        new("params", ".params", () => [ParamsFile.ToBytes(Arrays())], (p, b) => ParamsFile.Read(b, p)),
        new("npy", ".npy", () => [.. Arrays().Select(a => NpyFile.ToBytes(a.Item2))], (p, b) => NpyFile.Read(b, p)),
        new("npz", ".npz", () => [NpzFile.ToBytes(Arrays()), NpzFile.ToBytes(Arrays(), compress: true)], (p, b) => NpzFile.Read(b, p)),
        new("torchscript", ".pt", () => Files(SeedDir, "*.pt", 8), (p, b) => { File.WriteAllBytes(p, b); TorchScriptArchive.Open(p); }),
        new("relax-script", ".py", RelaxScriptSeeds, (p, b) => Relax.Script.RelaxScriptReader.Parse(Text(b), p)),
        new("relax-json", ".json", RelaxJsonSeeds, (p, b) => Relax.Json.RelaxJsonReader.Read(Text(b), p)),
    ];

    public static FuzzTarget Find(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"no fuzz target '{name}' (have: {string.Join(", ", All.Select(t => t.Name))})");
}

using System.CommandLine;
using Bridge.Core.Limits;

namespace Bridge.Cli;

/// <summary>
/// The global safety options every verb obeys (docs/reliability.md): <c>--max-memory</c> (the tensor-byte budget of one
/// model, default a quarter of the machine's memory) and <c>--allow-dir</c> (folders besides the model's own that external data
/// and sidecars may come from). <see cref="CliContext.Guard"/> opens the scopes around each verb body.
/// </summary>
public static class CliLimits
{
    private static readonly AsyncLocal<string[]?> s_allowDirs = new();

    public static readonly Option<string?> MaxMemory = new("--max-memory")
    {
        Description = "total bytes of tensors one model may load or synthesize (e.g. 4G, 512M, 50%); default: a quarter of the machine's memory",
        Recursive = true,
    };

    public static readonly Option<string[]> AllowDir = new("--allow-dir")
    {
        Description = "a folder (besides the model's own) that external data and sidecar files may be read from; repeatable",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Adds the global options to the root command.</summary>
    public static void AddTo(RootCommand root)
    {
        root.Options.Add(MaxMemory);
        root.Options.Add(AllowDir);
    }

    /// <summary>Records the parsed values for the verb about to run (a bad size is reported by the verb's guard).</summary>
    public static ParseResult Apply(ParseResult parse)
    {
        s_allowDirs.Value = parse.GetValue(AllowDir) ?? [];
        s_pendingSize.Value = parse.GetValue(MaxMemory);
        return parse;
    }

    private static readonly AsyncLocal<string?> s_pendingSize = new();

    /// <summary>Opens the memory-budget and allowed-folder scopes for one verb body.</summary>
    internal static IDisposable Enter()
    {
        var size = s_pendingSize.Value;
        var limit = size is null ? (long?)null : MemoryBudget.ParseSize(size);
        var budget = MemoryBudget.Begin(limit);
        var allow = ConfinedFile.Allow(s_allowDirs.Value ?? []);
        return new Both(budget, allow);
    }

    private sealed class Both(IDisposable a, IDisposable b) : IDisposable
    {
        public void Dispose() { b.Dispose(); a.Dispose(); }
    }
}

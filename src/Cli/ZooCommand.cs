using System.CommandLine;
using Bridge.Compat.Zoo;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge zoo DIR -o OUTDIR [--jobs N] [--resume] [--shard I/N] [--dim name=value] [--timeout S] [--model-memory MIB] [--in-process] [--wait]</c>:
/// converts and checks every model under DIR, each in a child process with a wall-clock limit; one content-addressed result
/// file per model (atomic), and CSV/JSON/HTML reports regenerated from them. <c>bridge zoo merge OUT... -o MERGED</c> joins
/// the output folders of the shards of one run.
/// </summary>
public static class ZooCommand
{
    public static Command Create(CliContext ctx)
    {
        var dir = new Argument<string>("DIR") { Description = "folder of models (or a corpus with manifest.json)" };
        var output = new Option<string>("--output", "-o") { Description = "output folder (results/ per model, report)", Required = true };
        var jobs = new Option<int>("--jobs") { Description = "models in parallel", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount / 2) };
        var resume = new Option<bool>("--resume") { Description = "keep finished results in OUTDIR/results (same content hash and seed) and do only the rest" };
        var report = new Option<string?>("--report") { Description = "CSV report path (default OUTDIR/report.csv; .json and .html beside it)" };
        var timeout = new Option<double>("--timeout") { Description = "per-model wall-clock limit in seconds, every stage including import", DefaultValueFactory = _ => 300 };
        var seed = new Option<ulong>("--seed") { Description = "seed of inputs and constants", DefaultValueFactory = _ => 0 };
        var limit = new Option<int?>("--limit") { Description = "process at most N models in this invocation" };
        var shard = new Option<string?>("--shard") { Description = "run only shard I of N (I from 0; by content hash, deterministic), e.g. --shard 0/3" };
        var memory = new Option<long?>("--model-memory") { Description = "managed-memory limit of each model's child process in MiB (default: 3/4 of the machine's memory / --jobs; 0: none)" };
        var inProcess = new Option<bool>("--in-process") { Description = "run models in this process (no crash or hang isolation; for debugging)" };
        var wait = new Option<bool>("--wait") { Description = "if another run holds OUTDIR, wait for it instead of refusing" };
        var randomWeights = new Option<bool>("--random-weights") { Description = "fill weights that have no value (TVM's types-only meta tables) with seeded random values instead of failing the model (BRG6680); the row says so" };
        var dims = new Option<string[]>("--dim")
        {
            Description = "size of a symbolic input dim for every model that has it: name=value (repeatable; ?=N for anonymous dims); " +
                "each result records the sizes it ran at, and adoption needs two values of each dim before S2",
            AllowMultipleArgumentsPerToken = true,
        };
        var perf = new Option<string?>("--perf") { Description = "cpu: compile each passing model on both paths with the CPU backend and record the Relax/Relay time ratio (PerfRatio, for adopt gate)" };
        perf.AcceptOnlyFromAmong(Bridge.Compat.Cpu.ZooPerf.Backends);
        var allowFailures = new Option<bool>("--allow-failures") { Description = "exit 0 even when a model failed a stage (default: exit 1)" };
        var cmd = new Command("zoo", "Convert and check every model of a folder, each in a child process; shardable and resumable; CSV/JSON/HTML report.")
            { dir, output, jobs, resume, report, timeout, seed, limit, shard, memory, inProcess, wait, allowFailures, randomWeights, dims, perf };
        cmd.SetAction(p => ctx.Guard(() =>
        {
            var j = Math.Max(1, p.GetValue(jobs));
            var options = new ZooOptions
            {
                Jobs = j, Resume = p.GetValue(resume), Timeout = TimeSpan.FromSeconds(p.GetValue(timeout)), Seed = p.GetValue(seed), RandomWeights = p.GetValue(randomWeights),
                Dims = Bridge.Compat.Inputs.RandomInputs.ParseDimOverrides(p.GetValue(dims) ?? []),
                MaxModels = p.GetValue(limit), ReportPath = p.GetValue(report), WaitForLock = p.GetValue(wait),
                Shard = p.GetValue(shard) is { } s ? ZooShard.Parse(s) : ZooShard.All,
                Isolation = p.GetValue(inProcess) ? null : Isolation(p.GetValue(memory), j),
                Perf = p.GetValue(perf),
            };
            return Run(ctx, p.GetValue(dir)!, p.GetValue(output)!, options, p.GetValue(allowFailures));
        }));

        var outs = new Argument<string[]>("OUT") { Description = "the output folders of every shard of one run", Arity = ArgumentArity.OneOrMore };
        var merged = new Option<string>("--output", "-o") { Description = "merged output folder (results/, report.csv/.json/.html)", Required = true };
        var merge = new Command("merge", "Join the output folders of a sharded zoo run into one report (refuses if a shard or a model is missing).") { outs, merged, wait, allowFailures };
        merge.SetAction(p => ctx.Guard(() =>
        {
            var results = ZooMerge.Merge(p.GetValue(outs)!, p.GetValue(merged)!, p.GetValue(wait));
            ctx.Out.WriteLine($"merged {p.GetValue(outs)!.Length} folder(s): {results.Count} models; report: {Path.Combine(p.GetValue(merged)!, "report.csv")} (and .json, .html)");
            PrintSummary(ctx, results);
            return ZooExit(ctx, results, p.GetValue(allowFailures));
        }));
        cmd.Subcommands.Add(merge);
        return cmd;
    }

    /// <summary>How to start this same bridge as a child: the apphost when running as <c>bridge</c>, else <c>dotnet bridge.dll</c>.</summary>
    internal static ZooIsolation Isolation(long? memoryMiB, int jobs)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var dll = typeof(ZooCommand).Assembly.Location;
        var apphost = Path.Combine(Path.GetDirectoryName(dll)!, OperatingSystem.IsWindows() ? "bridge.exe" : "bridge");
        var limit = memoryMiB is { } m ? m << 20
            : Math.Max(512L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 * 3 / Math.Max(1, jobs));
        if (Path.GetFileNameWithoutExtension(self) == "bridge") return new ZooIsolation(self, [], limit);
        if (File.Exists(apphost)) return new ZooIsolation(apphost, [], limit);
        return new ZooIsolation(Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet", [dll], limit);
    }

    public static int Run(CliContext ctx, string dir, string outDir, ZooOptions options, bool allowFailures = false)
    {
        var rich = ReferenceEquals(ctx.Out, Console.Out) && !Console.IsOutputRedirected;
        var selected = 0;
        options = options with { OnStart = (n, _) => selected = n };
        var results = rich ? ZooProgress.Live(options, o => ZooRunner.Run(dir, outDir, o)) : ZooProgress.Plain(ctx.Out, options, o => ZooRunner.Run(dir, outDir, o));
        var csv = options.ReportPath ?? Path.Combine(outDir, "report.csv");
        ctx.Out.WriteLine($"{results.Count} of {selected} models{(options.Shard.Count > 1 ? $" in shard {options.Shard}" : "")} have results; report: {csv} (and .json, .html)");
        PrintSummary(ctx, results);
        return ZooExit(ctx, results, allowFailures);
    }

    /// <summary>Exit 1 when any model failed a stage (CI must not read a failing zoo as green), 0 with <c>--allow-failures</c>.</summary>
    private static int ZooExit(CliContext ctx, IReadOnlyList<ZooResult> results, bool allowFailures)
    {
        var failed = results.Count(r => !r.Passed);
        if (failed == 0) return ExitCodes.Ok;
        ctx.Out.WriteLine($"{failed} model(s) failed a stage{(allowFailures ? " (--allow-failures: exit 0)" : "")}");
        return allowFailures ? ExitCodes.Ok : ExitCodes.Mismatch;
    }

    private static void PrintSummary(CliContext ctx, IReadOnlyList<ZooResult> results)
    {
        ctx.Out.WriteLine($"  {"stage",-12} {"passed",7} / {"applies",-7}  rate");
        foreach (var (stage, passed, applicable) in ZooRunner.Summary(results))
            ctx.Out.WriteLine($"  {stage,-12} {passed,7} / {applicable,-7}  {(applicable == 0 ? "-" : $"{100.0 * passed / applicable:0.0}%")}");
    }
}

/// <summary><c>bridge zoo-worker MODEL --name N --result FILE</c> (hidden): one model's stages in a child of <c>bridge zoo</c>.</summary>
public static class ZooWorkerCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = new Argument<string>("MODEL");
        var name = new Option<string>("--name") { Required = true };
        var result = new Option<string>("--result") { Required = true };
        var seed = new Option<ulong>("--seed");
        var timeout = new Option<double>("--timeout") { DefaultValueFactory = _ => 300 };
        var randomWeights = new Option<bool>("--random-weights");
        var dims = new Option<string[]>("--dim");
        var perf = new Option<string?>("--perf");
        var cmd = new Command(ZooWorker.Verb, "Internal: runs one model for `bridge zoo` in a child process.") { model, name, result, seed, timeout, randomWeights, dims, perf };
        cmd.Hidden = true;
        cmd.SetAction(p => ctx.Guard(() => ZooWorker.RunChild(p.GetValue(model)!, p.GetValue(name)!, p.GetValue(result)!, p.GetValue(seed),
            TimeSpan.FromSeconds(p.GetValue(timeout)), ctx.Out, p.GetValue(randomWeights),
            Bridge.Compat.Inputs.RandomInputs.ParseDimOverrides(p.GetValue(dims) ?? []), p.GetValue(perf))));
        return cmd;
    }
}

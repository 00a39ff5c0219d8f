using System.CommandLine;
using Bridge.Compat.Zoo;
using Spectre.Console;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge zoo DIR -o OUTDIR [--jobs N] [--resume] [--report report.csv] [--timeout S]</c>: converts and checks every model under
/// DIR, one result file per model (atomic), a CSV report and a per-stage pass-rate table.
/// </summary>
public static class ZooCommand
{
    public static Command Create(CliContext ctx)
    {
        var dir = new Argument<string>("DIR") { Description = "folder of models (or a corpus with manifest.json)" };
        var output = new Option<string>("--output", "-o") { Description = "output folder (results/ per model, report)", Required = true };
        var jobs = new Option<int>("--jobs") { Description = "models in parallel", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount / 2) };
        var resume = new Option<bool>("--resume") { Description = "keep finished results in OUTDIR/results and do only the rest" };
        var report = new Option<string?>("--report") { Description = "CSV report path (default OUTDIR/report.csv)" };
        var timeout = new Option<double>("--timeout") { Description = "per-model limit in seconds", DefaultValueFactory = _ => 300 };
        var seed = new Option<ulong>("--seed") { Description = "seed of inputs and constants", DefaultValueFactory = _ => 0 };
        var limit = new Option<int?>("--limit") { Description = "process at most N models in this invocation" };
        var allowFailures = new Option<bool>("--allow-failures") { Description = "exit 0 even when a model failed a stage (default: exit 1)" };
        var cmd = new Command("zoo", "Convert and check every model of a folder; resumable; CSV report with per-stage results.")
            { dir, output, jobs, resume, report, timeout, seed, limit, allowFailures };
        cmd.SetAction(p => Run(ctx, p.GetValue(dir)!, p.GetValue(output)!, p.GetValue(jobs), p.GetValue(resume), p.GetValue(report), p.GetValue(timeout),
            p.GetValue(seed), p.GetValue(limit), p.GetValue(allowFailures)));
        return cmd;
    }

    public static int Run(CliContext ctx, string dir, string outDir, int jobs, bool resume, string? reportPath, double timeout, ulong seed, int? limit,
        bool allowFailures = false) => ctx.Guard(() =>
    {
        var models = ZooRunner.Discover(dir);
        var rich = ReferenceEquals(ctx.Out, Console.Out) && !Console.IsOutputRedirected;
        var options = new ZooOptions { Jobs = jobs, Resume = resume, Timeout = TimeSpan.FromSeconds(timeout), Seed = seed, MaxModels = limit };
        List<ZooResult> results;
        if (rich)
        {
            results = [];
            AnsiConsole.Progress().Start(p =>
            {
                var task = p.AddTask("models", maxValue: models.Count);
                var o = options with { OnResult = r => task.Increment(1) };
                results = ZooRunner.Run(dir, outDir, o);
                task.Value = task.MaxValue;
            });
        }
        else
        {
            var done = 0;
            var gate = new Lock();
            results = ZooRunner.Run(dir, outDir, options with
            {
                OnResult = r =>
                {
                    lock (gate) ctx.Out.WriteLine($"[{++done}] {r.Name}: {(r.Passed ? "ok" : "FAIL")} import={r.Import} translate={r.Translate} well_formed={r.WellFormed} run={r.Run} check={r.Check}" +
                        (r.ErrorIds.Length > 0 ? $" ({r.ErrorIds})" : ""));
                },
            });
        }
        var csv = reportPath ?? Path.Combine(outDir, "report.csv");
        ZooRunner.WriteCsv(csv, results);
        var html = Path.ChangeExtension(csv, ".html");
        Core.IO.AtomicFile.WriteAllText(html, Compat.Reports.HtmlReport.Zoo(results));
        ctx.Out.WriteLine($"{results.Count} of {models.Count} models have results; report: {csv} (and {html})");
        ctx.Out.WriteLine($"  {"stage",-12} {"passed",7} / {"applies",-7}  rate");
        foreach (var (stage, passed, applicable) in ZooRunner.Summary(results))
            ctx.Out.WriteLine($"  {stage,-12} {passed,7} / {applicable,-7}  {(applicable == 0 ? "-" : $"{100.0 * passed / applicable:0.0}%")}");
        return ZooExit(ctx, results, allowFailures);
    });

    /// <summary>Exit 1 when any model failed a stage (CI must not read a failing zoo as green), 0 with <c>--allow-failures</c>.</summary>
    private static int ZooExit(CliContext ctx, List<ZooResult> results, bool allowFailures)
    {
        var failed = results.Count(r => !r.Passed);
        if (failed == 0) return ExitCodes.Ok;
        ctx.Out.WriteLine($"{failed} model(s) failed a stage{(allowFailures ? " (--allow-failures: exit 0)" : "")}");
        return allowFailures ? ExitCodes.Ok : ExitCodes.Mismatch;
    }
}

using Bridge.Compat.Zoo;
using Spectre.Console;

namespace Bridge.Cli;

/// <summary>
/// Progress of <c>bridge zoo</c>: a live bar (models done, pass/fail counts, ETA) on a terminal, one plain line per model
/// when the output is redirected (CI logs, Slurm/Kubernetes job logs).
/// </summary>
internal static class ZooProgress
{
    public static List<ZooResult> Live(ZooOptions options, Func<ZooOptions, List<ZooResult>> run)
    {
        List<ZooResult> results = [];
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(p =>
            {
                ProgressTask? task = null;
                int pass = 0, fail = 0, total = 0, done = 0;
                var gate = new Lock();
                string Describe() => $"models {done}/{total}  [green]{pass} pass[/]  [red]{fail} fail[/]";
                results = run(options with
                {
                    OnStart = (n, already) =>
                    {
                        options.OnStart?.Invoke(n, already);
                        total = n;
                        done = already;
                        task = p.AddTask(Describe(), maxValue: Math.Max(1, n));
                        task.Value = already;
                    },
                    OnResult = r =>
                    {
                        lock (gate)
                        {
                            done++;
                            if (r.Passed) pass++; else fail++;
                            if (task is null) return;
                            task.Description = Describe();
                            task.Increment(1);
                        }
                    },
                });
                if (task is not null) task.Value = task.MaxValue;
            });
        return results;
    }

    public static List<ZooResult> Plain(TextWriter output, ZooOptions options, Func<ZooOptions, List<ZooResult>> run)
    {
        int done = 0, total = 0, pass = 0, fail = 0;
        var gate = new Lock();
        var started = DateTime.UtcNow;
        var fresh = 0;
        return run(options with
        {
            OnStart = (n, already) =>
            {
                options.OnStart?.Invoke(n, already);
                total = n;
                done = already;
                output.WriteLine($"zoo: {n} models selected{(options.Shard.Count > 1 ? $" (shard {options.Shard})" : "")}, {already} already done");
            },
            OnResult = r =>
            {
                lock (gate)
                {
                    done++;
                    fresh++;
                    if (r.Passed) pass++; else fail++;
                    var left = total - done;
                    var eta = left > 0 ? TimeSpan.FromSeconds((DateTime.UtcNow - started).TotalSeconds / fresh * left) : TimeSpan.Zero;
                    output.WriteLine($"[{done}/{total}] {r.Name}: {(r.Passed ? "ok" : "FAIL")} import={r.Import} translate={r.Translate} well_formed={r.WellFormed} run={r.Run} check={r.Check}" +
                        (r.ErrorIds.Length > 0 ? $" ({r.ErrorIds})" : "") + (r.Passed ? "" : r.Message.Length > 0 ? $" {Short(r.Message)}" : "") +
                        $" | {pass} pass {fail} fail, eta {eta:hh\\:mm\\:ss}");
                    output.Flush();
                }
            },
        });
    }

    private static string Short(string s) => s.Length > 160 ? s[..160] + "…" : s;
}

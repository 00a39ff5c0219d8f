using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Bridge.Core.IO;

namespace Bridge.Compat.Zoo;

/// <summary>What a zoo output folder was asked to cover: written to <c>OUT/selection.json</c> before any model runs, so
/// <c>zoo merge</c> can tell a finished shard from one that lost models.</summary>
public sealed record ZooSelection
{
    public string Root { get; init; } = "";
    public string Shard { get; init; } = "0/1";
    public string RunId { get; init; } = "";
    public string Started { get; init; } = "";
    public ulong Seed { get; init; }
    public bool RandomWeights { get; init; }
    /// <summary>The run's <c>--dim</c> entries (<see cref="ZooDims.Format"/>).</summary>
    public string Dims { get; init; } = "";
    public List<ZooSelectionEntry> Models { get; init; } = [];
}

public sealed record ZooSelectionEntry(string Name, string ContentHash);

/// <summary>
/// One <c>bridge zoo</c> invocation over an output folder: takes the folder's lock, removes stale temp files, hashes and
/// selects the models (shard), keeps the finished results whose content hash and seed still match (<c>--resume</c>), runs
/// the rest (each in a child process when <see cref="ZooOptions.Isolation"/> is set), and regenerates every report from
/// the per-model result files, so a report can never disagree with them.
/// </summary>
public static class ZooSession
{
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static List<ZooResult> Run(string dir, string outDir, ZooOptions options)
    {
        var runId = $"{DateTimeOffset.UtcNow:yyyyMMddTHHmmssZ}-{Guid.NewGuid().ToString("N")[..8]}";
        using var lk = ZooLock.Acquire(outDir, $"bridge zoo {dir} --shard {options.Shard}", options.WaitForLock, options.Cancellation);
        var resultsDir = System.IO.Path.Combine(outDir, "results");
        var workDir = System.IO.Path.Combine(outDir, ".work");
        Directory.CreateDirectory(resultsDir);
        CleanStale(outDir, resultsDir, workDir);

        var models = ZooRunner.Discover(dir).Select(p => ZooFiles.Describe(dir, p)).Where(options.Shard.Contains).ToList();
        var selection = new ZooSelection
        {
            Root = System.IO.Path.GetFullPath(dir), Shard = options.Shard.ToString(), RunId = runId, Seed = options.Seed,
            RandomWeights = options.RandomWeights, Dims = ZooDims.Format(options.Dims), Started = Now(), Models = [.. models.Select(m => new ZooSelectionEntry(m.Name, m.ContentHash))],
        };
        AtomicFile.WriteAllText(System.IO.Path.Combine(outDir, "selection.json"), JsonSerializer.Serialize(selection, Json));

        // Resume: a result counts only for the same bytes, seed, --random-weights and --dim; any other old result file is removed.
        var dimsAsked = ZooDims.Format(options.Dims);
        var existing = ReadResults(resultsDir);
        var selected = models.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var done = new Dictionary<string, ZooResult>(StringComparer.Ordinal);
        foreach (var (file, r) in existing)
        {
            if (!selected.Contains(r.Name)) continue;
            var m = models.First(x => x.Name == r.Name);
            if (options.Resume && r.ContentHash == m.ContentHash && m.ContentHash.Length > 0 && r.Seed == options.Seed
                && r.RandomWeights == options.RandomWeights && r.DimsAsked == dimsAsked
                && System.IO.Path.GetFileName(file) == m.ResultFile)
                done[m.Name] = r;
            else
                File.Delete(file);
        }
        var todo = models.Where(m => !done.ContainsKey(m.Name)).ToList();
        if (options.MaxModels is { } max) todo = [.. todo.Take(max)];
        options.OnStart?.Invoke(models.Count, done.Count);

        Parallel.ForEach(todo, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Jobs), CancellationToken = options.Cancellation }, m =>
        {
            var r = m.Problem is { } problem
                ? ZooWorker.Killed(m, "import", StageStatus.Fail, problem, 0) with { ErrorIds = "not-a-regular-file" }
                : options.Isolation is { } iso ? ZooWorker.RunInChild(m, options, iso, workDir)
                : ZooRunner.RunOne(m.Path, m.Name, options);
            if (options.Cancellation.IsCancellationRequested) return; // a cancelled model is not a result
            r = r with { Name = m.Name, Path = m.Path, ContentHash = m.ContentHash, RunId = runId, Seed = options.Seed,
                RandomWeights = options.RandomWeights, DimsAsked = dimsAsked,
                BridgeVersion = ZooFiles.BridgeVersion, Finished = Now() };
            AtomicFile.WriteAllText(System.IO.Path.Combine(resultsDir, m.ResultFile), JsonSerializer.Serialize(r, Json));
            options.OnResult?.Invoke(r);
        });

        // The report is regenerated from the result files alone (those of the selection, with the current content hash).
        var wanted = models.ToDictionary(m => m.ResultFile, m => m.Name, StringComparer.Ordinal);
        var results = ReadResults(resultsDir).Where(fr => wanted.ContainsKey(System.IO.Path.GetFileName(fr.File))).Select(fr => fr.Result)
            .OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        WriteReports(options.ReportPath ?? System.IO.Path.Combine(outDir, "report.csv"), results);
        TryDeleteDir(workDir);
        return results;
    }

    /// <summary>Writes report.csv, report.json and report.html (same stem) atomically.</summary>
    public static void WriteReports(string csvPath, IReadOnlyList<ZooResult> results)
    {
        ZooRunner.WriteCsv(csvPath, results);
        AtomicFile.WriteAllText(System.IO.Path.ChangeExtension(csvPath, ".json"), JsonSerializer.Serialize(new
        {
            models = results.Count,
            summary = ZooRunner.Summary(results).Select(s => new { stage = s.Stage, passed = s.Passed, applies = s.Applicable }),
            results,
        }, Json));
        AtomicFile.WriteAllText(System.IO.Path.ChangeExtension(csvPath, ".html"), Reports.HtmlReport.Zoo(results));
    }

    /// <summary>Every readable result file of a results folder (a damaged one cannot exist with atomic writes; it is skipped).</summary>
    public static List<(string File, ZooResult Result)> ReadResults(string resultsDir)
    {
        var list = new List<(string, ZooResult)>();
        if (!Directory.Exists(resultsDir)) return list;
        foreach (var f in Directory.GetFiles(resultsDir, "*.json").Order(StringComparer.Ordinal))
        {
            if (System.IO.Path.GetFileName(f).StartsWith('.')) continue;
            try
            {
                if (JsonSerializer.Deserialize<ZooResult>(File.ReadAllText(f)) is { Name.Length: > 0 } r) list.Add((f, r));
            }
            catch (JsonException) { }
        }
        return list;
    }

    /// <summary>Temp files of writers that were killed (AtomicFile's <c>.NAME.PID.GUID.tmp</c>) and the child work folder.</summary>
    private static void CleanStale(string outDir, string resultsDir, string workDir)
    {
        foreach (var d in new[] { outDir, resultsDir })
            foreach (var f in Directory.GetFiles(d, ".*.tmp"))
                try { File.Delete(f); } catch (IOException) { }
        TryDeleteDir(workDir);
    }

    private static void TryDeleteDir(string d)
    {
        try { if (Directory.Exists(d)) Directory.Delete(d, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    internal static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}

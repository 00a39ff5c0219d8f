using System.Text.Json;
using Bridge.Core.IO;

namespace Bridge.Compat.Zoo;

/// <summary>
/// <c>bridge zoo merge OUT... -o MERGED</c>: joins the output folders of sharded runs into one folder whose results and
/// reports are those a single-process run would have written. It refuses (BRG6806) when a shard is missing or a shard's
/// selection lists a model without a result (nothing is lost silently), and (BRG6807) when two shards saw different bytes
/// under one name. The same shard given twice, or a model in two folders with the same content, is counted once.
/// </summary>
public static class ZooMerge
{
    public static List<ZooResult> Merge(IReadOnlyList<string> outDirs, string mergedDir, bool wait = false)
    {
        var selections = new List<(string Dir, ZooSelection Sel)>();
        foreach (var d in outDirs)
        {
            var f = System.IO.Path.Combine(d, "selection.json");
            if (!File.Exists(f))
                throw new BridgeException(ZooDiagnosticIds.MergeIncomplete, SourceLoc.Unknown.Instance,
                    $"{d} is not a zoo output folder (no selection.json): the run never started there");
            try
            {
                selections.Add((d, JsonSerializer.Deserialize<ZooSelection>(File.ReadAllText(f)) ?? throw new JsonException("empty")));
            }
            catch (JsonException e)
            {
                throw new BridgeException(ZooDiagnosticIds.BadResult, new SourceLoc.Text(f, (int)(e.LineNumber ?? 0) + 1, 1), $"selection.json is not valid: {e.Message}");
            }
        }

        // Every shard of the partition must be there.
        var shards = selections.Select(s => ZooShard.Parse(s.Sel.Shard)).ToList();
        var counts = shards.Select(s => s.Count).Distinct().ToList();
        if (counts.Count > 1)
            throw new BridgeException(ZooDiagnosticIds.MergeIncomplete, SourceLoc.Unknown.Instance,
                $"the folders come from different partitions ({string.Join(", ", shards.Distinct())}); merge the shards of one run");
        var missingShards = Enumerable.Range(0, counts[0]).Where(i => !shards.Any(s => s.Index == i)).ToList();
        if (missingShards.Count > 0)
            throw new BridgeException(ZooDiagnosticIds.MergeIncomplete, SourceLoc.Unknown.Instance,
                $"shard(s) {string.Join(", ", missingShards.Select(i => $"{i}/{counts[0]}"))} missing: pass every shard's output folder");

        var merged = new SortedDictionary<string, (ZooResult R, string File)>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var (dir, sel) in selections)
        {
            var results = ZooSession.ReadResults(System.IO.Path.Combine(dir, "results")).ToDictionary(x => System.IO.Path.GetFileName(x.File), StringComparer.Ordinal);
            foreach (var e in sel.Models)
            {
                var key = new ZooModel("", e.Name, e.ContentHash, null).ResultFile;
                if (!results.TryGetValue(key, out var found)) { missing.Add($"{e.Name} (shard {sel.Shard}, {dir})"); continue; }
                if (merged.TryGetValue(e.Name, out var prior) && prior.R.ContentHash != e.ContentHash)
                    throw new BridgeException(ZooDiagnosticIds.MergeConflict, SourceLoc.Unknown.Instance,
                        $"{e.Name} has different contents in two shards ({prior.R.ContentHash[..Math.Min(12, prior.R.ContentHash.Length)]} vs {e.ContentHash[..Math.Min(12, e.ContentHash.Length)]}): the folder changed during the run; rerun the shards");
                merged[e.Name] = (found.Result, found.File);
            }
        }
        if (missing.Count > 0)
            throw new BridgeException(ZooDiagnosticIds.MergeIncomplete, SourceLoc.Unknown.Instance,
                $"{missing.Count} model(s) have no result yet: {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")}; resume those shards (--resume) and merge again");

        using var lk = ZooLock.Acquire(mergedDir, "bridge zoo merge", wait);
        var resultsDir = System.IO.Path.Combine(mergedDir, "results");
        Directory.CreateDirectory(resultsDir);
        foreach (var f in Directory.GetFiles(resultsDir, "*.json")) File.Delete(f);
        foreach (var (_, (r, file)) in merged)
            AtomicFile.WriteAllText(System.IO.Path.Combine(resultsDir, System.IO.Path.GetFileName(file)), JsonSerializer.Serialize(r, ZooSession.Json));
        var first = selections[0].Sel;
        AtomicFile.WriteAllText(System.IO.Path.Combine(mergedDir, "selection.json"), JsonSerializer.Serialize(first with
        {
            Shard = "0/1",
            RunId = string.Join("+", selections.Select(s => s.Sel.RunId).Distinct().Order(StringComparer.Ordinal)),
            Models = [.. merged.Values.Select(v => new ZooSelectionEntry(v.R.Name, v.R.ContentHash))],
        }, ZooSession.Json));
        var list = merged.Values.Select(v => v.R).ToList();
        ZooSession.WriteReports(System.IO.Path.Combine(mergedDir, "report.csv"), list);
        return list;
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Bridge.Core.Limits;

namespace Bridge.Cli.Tests.Fuzz;

/// <summary>What a fuzz run saw. Bugs are distinct stack signatures of exceptions that are not diagnostics.</summary>
public sealed class FuzzStats
{
    public string Target { get; init; } = "";
    public int Inputs { get; set; }
    public int Accepted { get; set; }
    public int Rejected { get; set; }
    public SortedDictionary<string, int> RejectedById { get; } = new(StringComparer.Ordinal);
    /// <summary>Distinct non-diagnostic exceptions: signature → (count, saved reproducer).</summary>
    public SortedDictionary<string, (int Count, string Example)> Bugs { get; } = new(StringComparer.Ordinal);
    public int Hangs { get; set; }
    public List<string> HangExamples { get; } = [];
    public long PeakWorkingSetBytes { get; set; }
    public double Seconds { get; set; }

    public string Summary() =>
        $"{Target}: {Inputs} inputs ({Accepted} accepted, {Rejected} rejected with a diagnostic), {Bugs.Count} distinct non-diagnostic stack traces "
        + $"({Bugs.Values.Sum(b => b.Count)} inputs), {Hangs} hangs, 0 crashes (in-process), peak working set {PeakWorkingSetBytes / (1 << 20)} MiB, {Seconds:0.0} s";

    public string Json() =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            target = Target, inputs = Inputs, accepted = Accepted, rejected = Rejected, rejected_by_id = RejectedById,
            distinct_stack_traces = Bugs.Count, bugs = Bugs.Select(b => new { signature = b.Key, count = b.Value.Count, example = b.Value.Example }),
            hangs = Hangs, hang_examples = HangExamples, crashes = 0, peak_working_set_bytes = PeakWorkingSetBytes, seconds = Seconds,
        }, new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
}

/// <summary>
/// A libFuzzer-style in-process mutation fuzzer: seeded, deterministic mutations (bit flips, interesting integers, chunk
/// insert/delete/duplicate, splices between seeds, token insertions for text formats) of the target's seeds, each fed to the
/// importer on its own thread with a per-input time limit and a memory budget. Any outcome other than a value or a
/// <see cref="BridgeException"/> is recorded with its stack signature and a saved reproducer.
/// </summary>
public static class FuzzEngine
{
    private static readonly string[] s_tokens =
    [
        "(", ")", "[", "]", "{", "}", ",", ":", ";", "=", "%", "@", "\"", "\\", "\0", "-1", "0", "1e400", "-1e400", "nan", "inf",
        "4294967296", "9223372036854775808", "99999999999999999999", "1.5", "%0", "%99999999999999999999", "\"\\u0000\"",
        "((((((((((((((((", "))))))))", "null", "true", "[[[[[[[[", "{\"type_key\":", "\"0\"", "\"1e400\"", "\"data\": [1e400]",
        "Tensor[(", "float32", "int64", "def @main(", "let ", "fn (", "R.Tensor((", "T.int64(", "@R.function", "metadata", "b64",
    ];

    public static FuzzStats Run(FuzzTarget target, int count, int seed, TimeSpan perInput, string workDir, long memoryBudget = 512L << 20,
        Action<FuzzStats>? progress = null)
    {
        Directory.CreateDirectory(workDir);
        var seeds = target.Seeds();
        if (seeds.Count == 0) throw new InvalidOperationException($"fuzz target {target.Name} has no seeds");
        var stats = new FuzzStats { Target = target.Name };
        var rng = new Random(seed);
        var sw = Stopwatch.StartNew();
        var path = Path.Combine(workDir, "input" + target.Extension);
        for (var i = 0; i < count; i++)
        {
            // The first inputs are the seeds themselves; then mutations of a random seed.
            var data = i < seeds.Count ? seeds[i] : Mutate(seeds[rng.Next(seeds.Count)], seeds, rng, target.Extension is ".relay" or ".json" or ".py");
            stats.Inputs++;
            Exception? error = null;
            var done = false;
            var t = new Thread(() =>
            {
                using var budget = MemoryBudget.Begin(memoryBudget);
                try { target.Feed(path, data); }
                catch (Exception e) { error = e; }
                done = true;
            }, 64 << 20) { IsBackground = true, Name = "fuzz-input" };
            t.Start();
            if (!t.Join(perInput) || !done)
            {
                stats.Hangs++;
                stats.HangExamples.Add(Save(workDir, "hang", target.Extension, data));
                continue;
            }
            switch (error)
            {
                case null: stats.Accepted++; break;
                case BridgeException be:
                    stats.Rejected++;
                    var id = be.Diagnostic.Id.ToString();
                    stats.RejectedById[id] = stats.RejectedById.GetValueOrDefault(id) + 1;
                    break;
                default:
                    var sig = Signature(error);
                    stats.Bugs[sig] = stats.Bugs.TryGetValue(sig, out var b) ? (b.Count + 1, b.Example) : (1, Save(workDir, "bug", target.Extension, data));
                    break;
            }
            if (progress is not null && (i + 1) % 1000 == 0) { Finish(stats, sw); progress(stats); }
        }
        Finish(stats, sw);
        return stats;
    }

    private static void Finish(FuzzStats s, Stopwatch sw)
    {
        s.Seconds = sw.Elapsed.TotalSeconds;
        using var p = Process.GetCurrentProcess();
        s.PeakWorkingSetBytes = p.PeakWorkingSet64;
    }

    /// <summary>Exception type and the first Bridge frames: the same bug reached twice has the same signature.</summary>
    public static string Signature(Exception e)
    {
        var frames = (e.StackTrace ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("at Bridge.", StringComparison.Ordinal))
            .Select(l => l.Contains(" in ", StringComparison.Ordinal) ? l[..l.IndexOf(" in ", StringComparison.Ordinal)] : l).Take(3);
        return $"{e.GetType().Name}: {string.Join(" | ", frames)}";
    }

    private static string Save(string dir, string kind, string ext, byte[] data)
    {
        var name = $"{kind}-{Convert.ToHexString(SHA256.HashData(data))[..16].ToLowerInvariant()}{ext}";
        var p = Path.Combine(dir, name);
        File.WriteAllBytes(p, data);
        return p;
    }

    /// <summary>One to four stacked mutations of <paramref name="seed"/>.</summary>
    public static byte[] Mutate(byte[] seed, IReadOnlyList<byte[]> all, Random rng, bool text)
    {
        var d = new List<byte>(seed);
        var n = 1 + rng.Next(4);
        for (var k = 0; k < n; k++)
        {
            if (d.Count == 0) d.Add((byte)rng.Next(256));
            var pos = rng.Next(d.Count);
            switch (rng.Next(text ? 10 : 8))
            {
                case 0: d[pos] ^= (byte)(1 << rng.Next(8)); break;
                case 1: d[pos] = (byte)rng.Next(256); break;
                case 2: // an interesting little-endian integer
                    {
                        ReadOnlySpan<long> vals = [0, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, long.MaxValue, long.MinValue, 1L << 32];
                        var v = vals[rng.Next(vals.Length)];
                        var w = new[] { 1, 2, 4, 8 }[rng.Next(4)];
                        for (var j = 0; j < w && pos + j < d.Count; j++) d[pos + j] = (byte)(v >> (8 * j));
                        break;
                    }
                case 3: d.RemoveRange(pos, Math.Min(d.Count - pos, 1 + rng.Next(16))); break;
                case 4: // duplicate a chunk
                    {
                        var len = Math.Min(d.Count - pos, 1 + rng.Next(64));
                        d.InsertRange(rng.Next(d.Count), d.GetRange(pos, len));
                        break;
                    }
                case 5: // splice another seed's chunk
                    {
                        var o = all[rng.Next(all.Count)];
                        if (o.Length == 0) break;
                        var from = rng.Next(o.Length);
                        d.InsertRange(pos, o.AsSpan(from, Math.Min(o.Length - from, 1 + rng.Next(128))).ToArray());
                        break;
                    }
                case 6: d.RemoveRange(pos, d.Count - pos); break; // truncate
                case 7: d.Insert(pos, (byte)rng.Next(256)); break;
                default: d.InsertRange(pos, Encoding.UTF8.GetBytes(s_tokens[rng.Next(s_tokens.Length)])); break;
            }
        }
        return [.. d];
    }
}

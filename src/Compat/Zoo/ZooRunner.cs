using System.Globalization;
using System.Text.Json;
using Bridge.Core.IO;
using CsvHelper;

namespace Bridge.Compat.Zoo;

/// <summary>Stage outcomes. A stage that does not apply to a model's kind is <see cref="NotApplicable"/>.</summary>
public static class StageStatus
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string Unsupported = "unsupported";
    public const string Timeout = "timeout";
    public const string Skipped = "skipped";
    public const string NotApplicable = "n/a";
    /// <summary>
    /// Check stage: the deterministic outputs agree and the outputs that depend on a random op (named in the message) agree in
    /// shape and dtype; their values are not compared. Not a failure.
    /// </summary>
    public const string Nondeterministic = "nondeterministic";
}

/// <summary>
/// One model's outcome, stored atomically as OUTDIR/results/HASH-PATHHASH.json (<see cref="ZooModel.ResultFile"/>; what
/// <c>--resume</c> and <c>zoo merge</c> read back, and the only source of every report).
/// </summary>
public sealed record ZooResult
{
    public string Name { get; init; } = "";
    public string Path { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Import { get; init; } = StageStatus.Skipped;
    public string Translate { get; init; } = StageStatus.Skipped;
    public string WellFormed { get; init; } = StageStatus.Skipped;
    public string Run { get; init; } = StageStatus.Skipped;
    public string Check { get; init; } = StageStatus.Skipped;
    public string RoundTrip { get; init; } = StageStatus.NotApplicable;
    /// <summary>Diagnostic IDs of the failures, <c>;</c>-separated (BRG6005;BRG4001).</summary>
    public string ErrorIds { get; init; } = "";
    public string Message { get; init; } = "";
    public double Seconds { get; init; }
    /// <summary>Largest |error| over the compared outputs (Relax against the reference path), for the report's error histogram.</summary>
    public double? MaxAbsError { get; init; }
    /// <summary>SHA-256 of the model's bytes when it ran (empty: the file could not be read).</summary>
    public string ContentHash { get; init; } = "";
    /// <summary>The zoo invocation that produced this result (kept by <c>--resume</c>: adoption counts a run once).</summary>
    public string RunId { get; init; } = "";
    public ulong Seed { get; init; }
    /// <summary>Whether weights without a value were filled with seeded random values (<c>--random-weights</c>); resume redoes a
    /// result recorded under the other setting.</summary>
    public bool RandomWeights { get; init; }
    /// <summary>The zoo run's <c>--dim</c> entries (<see cref="ZooDims.Format"/>; each model used those naming its dims); resume redoes
    /// a result recorded under other ones.</summary>
    public string DimsAsked { get; init; } = "";
    /// <summary>The size every symbolic input dim ran at (<c>batch=2;seq=16</c>; empty: no symbolic dims, or the model did not
    /// get as far as making inputs). The adoption gate counts distinct values per dim from it.</summary>
    public string Dims { get; init; } = "";
    /// <summary>Relax time / Relay time on the CPU backend (null: not run; the hook for <c>--backend cpu</c>).</summary>
    public double? PerfRatio { get; init; }
    public string BridgeVersion { get; init; } = "";
    /// <summary>When the result was written (UTC, ISO 8601).</summary>
    public string Finished { get; init; } = "";

    /// <summary>All applicable stages passed.</summary>
    public bool Passed => new[] { Import, Translate, WellFormed, Run, Check, RoundTrip }.All(s => s is StageStatus.Pass or StageStatus.NotApplicable or StageStatus.Nondeterministic);
}

/// <summary>Options of <see cref="ZooRunner.Run"/>.</summary>
public sealed record ZooOptions
{
    public int Jobs { get; init; } = 1;
    public bool Resume { get; init; }
    /// <summary>Per-model time limit (the interpreters check it before every op).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
    public ulong Seed { get; init; }
    /// <summary><c>--random-weights</c>: weights without a value (TVM's types-only meta tables) get seeded random values instead of
    /// failing the import with BRG6680; the row's message says how many.</summary>
    public bool RandomWeights { get; init; }
    /// <summary><c>--dim name=value</c> for the whole folder: each model takes the entries naming its own symbolic dims (<see cref="ZooDims"/>).</summary>
    public IReadOnlyDictionary<string, long> Dims { get; init; } = ImmutableDictionary<string, long>.Empty;
    /// <summary>Stop after this many models were processed in this invocation (tests simulate a kill with it).</summary>
    public int? MaxModels { get; init; }
    /// <summary><c>--perf cpu</c>: time both compiled paths of a passing model and fill <see cref="ZooResult.PerfRatio"/> (<see cref="Cpu.ZooPerf"/>).</summary>
    public string? Perf { get; init; }
    /// <summary>Called after each model (from worker threads).</summary>
    public Action<ZooResult>? OnResult { get; init; }
    /// <summary>Called once the selection is known: (models selected, of which already done by an earlier run).</summary>
    public Action<int, int>? OnStart { get; init; }
    /// <summary>Called as <see cref="ZooRunner.RunOne"/> enters each stage (the child process reports it to the parent).</summary>
    public Action<string>? OnStage { get; init; }
    /// <summary>This invocation's part of the folder (<c>--shard I/N</c>).</summary>
    public ZooShard Shard { get; init; } = ZooShard.All;
    /// <summary>Run each model in a child process (null: in this process, as the library tests do).</summary>
    public ZooIsolation? Isolation { get; init; }
    /// <summary>Wait for another run's lock on the output folder instead of refusing.</summary>
    public bool WaitForLock { get; init; }
    /// <summary>CSV report path (default OUTDIR/report.csv; the .json and .html reports go beside it).</summary>
    public string? ReportPath { get; init; }
    public CancellationToken Cancellation { get; init; }
}

/// <summary>
/// <c>bridge zoo</c>: finds models, runs the stages of each in isolation (in-process, with a cancellation timeout; any exception is
/// recorded on that model only), writes one result file per model atomically, and the CSV report plus a per-stage summary.
/// Every format the pipeline reads (the verbs' load-and-pass pipeline, <see cref="ZooModelRun"/>): Relay text/JSON: import →
/// translate → well-formed → run (Relay and Relax interpreters, seeded random inputs and constants) → check. Relax TVMScript/JSON:
/// import → well-formed → print/parse round trip. ONNX and TorchScript: import → translate (Relay and Relax) → well-formed + round
/// trip → run → check against the source runtime (ONNX Runtime; torch's saved outputs).
/// </summary>
public static class ZooRunner
{
    /// <summary>The models under <paramref name="dir"/>: Relay text (<c>.relay</c>/<c>.rly</c>), Relax TVMScript (<c>.py</c>), ONNX;
    /// plus the files a <c>manifest.json</c> in <paramref name="dir"/> lists that exist. Hidden folders are skipped. Sorted.</summary>
    public static List<string> Discover(string dir)
    {
        if (!Directory.Exists(dir)) throw new BridgeException(CoreDiagnosticIds.FileNotFound, SourceLoc.Unknown.Instance, $"no such directory: {dir}");
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([dir]);
        while (stack.Count > 0)
        {
            var d = stack.Pop();
            foreach (var sub in Directory.GetDirectories(d))
                if (!System.IO.Path.GetFileName(sub).StartsWith('.')) stack.Push(sub);
            foreach (var f in Directory.GetFiles(d))
                if (f.EndsWith(".relay", StringComparison.Ordinal) || f.EndsWith(".rly", StringComparison.Ordinal)
                    || f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".pt", StringComparison.Ordinal) || (f.EndsWith(".py", StringComparison.Ordinal) && IsRelax(f))
                    || (f.EndsWith(".json", StringComparison.Ordinal) && IsIrJson(f)))
                    found.Add(f);
        }
        var manifest = System.IO.Path.Combine(dir, "manifest.json");
        if (File.Exists(manifest))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
                if (doc.RootElement.TryGetProperty("models", out var models))
                    foreach (var m in models.EnumerateArray())
                        if (m.TryGetProperty("files", out var files) && files.TryGetProperty("onnx", out var onnx) && onnx.GetString() is { } rel)
                        {
                            var p = System.IO.Path.Combine(dir, rel);
                            if (File.Exists(p)) found.Add(p);
                        }
            }
            catch (JsonException ex)
            {
                throw new BridgeException(ZooDiagnosticIds.BadManifest, new SourceLoc.Text(manifest, 1, 1), $"manifest.json is not valid JSON: {ex.Message}");
            }
        }
        return [.. found];
    }

    private static bool IsRelax(string f)
    {
        // Generator scripts are Python too: a Relax file uses the TVMScript decorators.
        var head = File.ReadAllText(f);
        return head.Contains("@R.function", StringComparison.Ordinal) || head.Contains("@I.ir_module", StringComparison.Ordinal) || head.Contains("R.", StringComparison.Ordinal) && head.Contains("from tvm.script", StringComparison.Ordinal);
    }

    /// <summary>
    /// A Relay or Relax <c>save_json</c> whole module (root node <c>IRModule</c>), as the pipeline sniffs it
    /// (<see cref="Pipeline.ModelInput"/>). Not models of the zoo: saved fragments (an expression or a type), meta tables
    /// (<c>*.consts.json</c>), manifests, and graph-executor JSON (lowered kernels, which every verb refuses).
    /// </summary>
    private static bool IsIrJson(string f)
    {
        if (System.IO.Path.GetFileName(f) == "manifest.json") return false;
        try
        {
            var input = Pipeline.ModelInput.Open(f);
            if (input.Kind is not (Pipeline.InputKind.RelayJson or Pipeline.InputKind.RelaxJson)) return false;
            using var doc = JsonDocument.Parse(input.Text);
            return doc.RootElement.TryGetProperty("root", out var root) && root.TryGetInt32(out var i)
                && doc.RootElement.TryGetProperty("nodes", out var nodes) && i >= 0 && i < nodes.GetArrayLength()
                && nodes[i].TryGetProperty("type_key", out var key) && key.GetString() == "IRModule";
        }
        catch (Exception e) when (e is BridgeException or JsonException) { return false; }
    }

    /// <summary>A model's name: its path relative to <paramref name="root"/>, with <c>/</c> (unique; result files are named by hash).</summary>
    public static string NameOf(string root, string path) => System.IO.Path.GetRelativePath(root, path).Replace('\\', '/');

    /// <summary>Runs the zoo (see <see cref="ZooSession"/>); returns every result of the selection, finished earlier and now.</summary>
    public static List<ZooResult> Run(string dir, string outDir, ZooOptions options) => ZooSession.Run(dir, outDir, options);

    /// <summary>Runs one model's stages on the verbs' pipeline (<see cref="ZooModelRun"/>); never throws (every failure is recorded).</summary>
    public static ZooResult RunOne(string path, string name, ZooOptions options) => ZooModelRun.Run(path, name, options);

    /// <summary>Writes the CSV report (one row per model) atomically.</summary>
    public static void WriteCsv(string path, IEnumerable<ZooResult> results)
    {
        using var sw = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(sw, CultureInfo.InvariantCulture))
        {
            csv.WriteField("name"); csv.WriteField("kind"); csv.WriteField("import"); csv.WriteField("translate"); csv.WriteField("well_formed");
            csv.WriteField("run"); csv.WriteField("check"); csv.WriteField("round_trip"); csv.WriteField("error_ids"); csv.WriteField("message"); csv.WriteField("dims"); csv.WriteField("seconds");
            csv.NextRecord();
            foreach (var r in results)
            {
                csv.WriteField(r.Name); csv.WriteField(r.Kind); csv.WriteField(r.Import); csv.WriteField(r.Translate); csv.WriteField(r.WellFormed);
                csv.WriteField(r.Run); csv.WriteField(r.Check); csv.WriteField(r.RoundTrip); csv.WriteField(r.ErrorIds); csv.WriteField(r.Message); csv.WriteField(r.Dims);
                csv.WriteField(r.Seconds.ToString("0.000", CultureInfo.InvariantCulture));
                csv.NextRecord();
            }
        }
        AtomicFile.WriteAllText(path, sw.ToString());
    }

    /// <summary>Pass counts per stage over the models the stage applies to (SHARK-style): (stage, passed, applicable).</summary>
    public static List<(string Stage, int Passed, int Applicable)> Summary(IReadOnlyList<ZooResult> results)
    {
        (string, Func<ZooResult, string>)[] stages =
        [
            ("import", r => r.Import), ("translate", r => r.Translate), ("well_formed", r => r.WellFormed),
            ("run", r => r.Run), ("check", r => r.Check), ("round_trip", r => r.RoundTrip),
        ];
        // A nondeterministic check (random-dependent outputs agree in shape and dtype) is not a failure: it counts as passed.
        return [.. stages.Select(s => (s.Item1, results.Count(r => s.Item2(r) is StageStatus.Pass or StageStatus.Nondeterministic), results.Count(r => s.Item2(r) != StageStatus.NotApplicable)))];
    }
}

/// <summary>Diagnostics of <c>bridge zoo</c> (6800–6999).</summary>
public static class ZooDiagnosticIds
{
    public static readonly DiagnosticId BadManifest = new(6800, "ZooBadManifest");
    public static readonly DiagnosticId Mismatch = new(6801, "ZooOutputsDiffer");
    public static readonly DiagnosticId RoundTripMismatch = new(6802, "ZooRoundTripMismatch");
    public static readonly DiagnosticId NoOnnxEmitter = new(6803, "ZooOnnxTranslateUnsupported");
    public static readonly DiagnosticId Locked = new(6804, "ZooOutputLocked");
    public static readonly DiagnosticId BadShard = new(6805, "ZooBadShard");
    public static readonly DiagnosticId MergeIncomplete = new(6806, "ZooMergeIncomplete");
    public static readonly DiagnosticId MergeConflict = new(6807, "ZooMergeConflict");
    public static readonly DiagnosticId BadResult = new(6808, "ZooBadResultFile");
}

using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bridge.Backends.Reference;
using Bridge.Compat.Check;
using Bridge.Core.Diagnostics;
using Bridge.Core.IO;
using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;
using Bridge.Translators.RelayToRelax;
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
/// Relay text: import → translate → well-formed → run (Relay and Relax interpreters, seeded random inputs and constants) → check.
/// Relax TVMScript: import → well-formed → print/parse round trip. ONNX: import (loader) → translate (unsupported until the ONNX
/// emitters exist) → run (ONNX Runtime).
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
                    || f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".pt", StringComparison.Ordinal) || (f.EndsWith(".py", StringComparison.Ordinal) && IsRelax(f)))
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

    /// <summary>A model's name: its path relative to <paramref name="root"/>, with <c>/</c> (unique; result files are named by hash).</summary>
    public static string NameOf(string root, string path) => System.IO.Path.GetRelativePath(root, path).Replace('\\', '/');

    /// <summary>Runs the zoo (see <see cref="ZooSession"/>); returns every result of the selection, finished earlier and now.</summary>
    public static List<ZooResult> Run(string dir, string outDir, ZooOptions options) => ZooSession.Run(dir, outDir, options);

    /// <summary>Runs one model's stages; never throws (every failure is recorded).</summary>
    public static ZooResult RunOne(string path, string name, ZooOptions options)
    {
        var sw = Stopwatch.StartNew();
        using var budget = Bridge.Core.Limits.MemoryBudget.Begin(Bridge.Core.Limits.MemoryBudget.Current?.Limit); // one budget per model
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(options.Cancellation);
        cts.CancelAfter(options.Timeout);
        var r = new ZooResult { Name = name, Path = path };
        var ids = new List<string>();
        string? message = null;

        // Each stage: pass, or record the failure (unsupported when the diagnostic says so) and stop.
        string Stage(string stage, Action body)
        {
            try
            {
                options.OnStage?.Invoke(stage);
                body();
                return StageStatus.Pass;
            }
            catch (OperationCanceledException)
            {
                ids.Add(InterpDiagnosticIds.Cancelled.ToString());
                message ??= $"timed out after {options.Timeout.TotalSeconds:0} s";
                return StageStatus.Timeout;
            }
            catch (BridgeException ex)
            {
                ids.Add(ex.Diagnostic.Id.ToString());
                message ??= ex.Diagnostic.Message.Split('\n')[0];
                return IsUnsupported(ex.Diagnostic) ? StageStatus.Unsupported : StageStatus.Fail;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Isolation: a bug on one model is recorded, the zoo goes on.
                ids.Add("internal");
                message ??= $"internal error: {ex.GetType().Name}: {ex.Message}";
                return StageStatus.Fail;
            }
        }

        LoadedModel? model = null;
        // Weights without a value fail the import (BRG6680) unless the user asked for --random-weights (TVM's types-only fixtures).
        var load = new LoadOptions { Seed = options.Seed, RandomWeights = options.RandomWeights };
        var import = Stage("import", () => model = LoadedModel.Load(path, load));
        r = r with { Import = import, Kind = model?.Kind.ToString() ?? KindGuess(path), RandomWeights = options.RandomWeights };
        if (import == StageStatus.Pass && model is not null)
        {
            switch (model.Kind)
            {
                case ModelKind.RelayText:
                    {
                        Ir.Relax.IRModule? relax = null;
                        var tr = Stage("translate", () => relax = RelayToRelaxTranslator.Translate(model.Relay!, new TranslatorOptions { SourcePath = path, BindParams = true, Params = model.Params }).Module);
                        r = r with { Translate = tr };
                        if (tr != StageStatus.Pass) break;
                        var wf = Stage("well_formed", () => RelaxOutputCheck.Check(relax!));
                        r = r with { WellFormed = wf };
                        if (wf != StageStatus.Pass) break;
                        IReadOnlyList<(string, Core.Tensors.Tensor)>? a = null, b = null;
                        var run = Stage("run", () =>
                        {
                            // The zoo's --dim entries that name this model's dims; the sizes used are recorded on the row.
                            load = load with { Dims = ZooDims.ForModel(options.Dims, ZooDims.SymbolicKeys(model.Inputs("main"))) };
                            var (inputs, bound, _) = ModelChecker.Prepare(model, new CheckOptions { Load = load });
                            r = r with { Dims = ZooDims.Of(bound) };
                            a = ModelChecker.RunRelay(model, inputs, "main", null, cts.Token);
                            b = ModelChecker.RunRelax(relax!, model, inputs, "main", null, cts.Token);
                        });
                        r = r with { Run = run };
                        if (run != StageStatus.Pass) break;
                        var ok = ModelChecker.FirstDifference(a!, b!) is null;
                        if (!ok) { ids.Add(ZooDiagnosticIds.Mismatch.ToString()); message ??= "Relay and Relax outputs differ"; }
                        r = r with { Check = ok ? StageStatus.Pass : StageStatus.Fail, MaxAbsError = Diff.ErrorStats.MaxAbsOver(a!, b!) };
                        break;
                    }
                case ModelKind.RelaxScript:
                    {
                        var mod = model.Relax!;
                        r = r with { Translate = StageStatus.NotApplicable, Run = StageStatus.NotApplicable, Check = StageStatus.NotApplicable };
                        var wf = Stage("well_formed", () => RelaxOutputCheck.Check(mod));
                        r = r with { WellFormed = wf };
                        r = r with
                        {
                            RoundTrip = Stage("round_trip", () =>
                            {
                                var text = RelaxScriptPrinter.Print(mod);
                                var back = RelaxScriptReader.Parse(text, path + " (printed)");
                                if (!RelaxStructuralEqual.Modules(mod, back))
                                    throw new BridgeException(ZooDiagnosticIds.RoundTripMismatch, mod.Loc, "printed module re-parses to a different module");
                            }),
                        };
                        break;
                    }
                case ModelKind.Onnx:
                    {
                        // import → translate (Relax with weights as parameters, and Relay) → well-formed + print/parse → run → vs ORT.
                        var imp = Stage("import", () => _ = model.Onnx);
                        r = r with { Import = imp };
                        if (imp != StageStatus.Pass) break;
                        Translators.Onnx.OnnxImportOptions? io = null;
                        ImmutableArray<Inputs.InputSpec> specs = [];
                        CheckOptions? feeds = null;
                        Translators.Onnx.OnnxImportResult<Ir.Relax.IRModule>? relax = null;
                        Ir.Relay.IRModule? relay = null;
                        var tr = Stage("translate", () =>
                        {
                            specs = model.OnnxInputs;
                            load = load with { Dims = ZooDims.ForModel(options.Dims, ZooDims.SymbolicKeys(specs)) };
                            // A sibling NAME.inputs.npz (the real corpus writes one) gives the feeds, and so the sizes of the dynamic dims.
                            var sidecar = Inputs.SidecarInputs.ForModel(path);
                            feeds = new CheckOptions { Load = load, Inputs = sidecar?.Inputs, InputsOrigin = sidecar?.File };
                            var bound = ModelChecker.ResolveDims(model, feeds);
                            r = r with { Dims = ZooDims.Of(bound) };
                            io = ModelChecker.OnnxImportOptionsFor(specs, bound.Values, Translators.Onnx.OnnxImportOptions.Default with
                            {
                                KeepParamsAsInputs = true,
                                // Scalar sidecar feeds (silero's sr) may specialise a data-dependent If (BRG4308), as check does.
                                InputValues = sidecar is null ? Translators.Onnx.OnnxImportOptions.Default.InputValues : Translators.Onnx.OnnxImportOptions.ScalarInputs(sidecar.Inputs),
                            });
                            relax = Translators.OnnxToRelax.OnnxToRelaxEmitter.Translate(model.Onnx, io);
                            cts.Token.ThrowIfCancellationRequested();
                            relay = Translators.OnnxToRelay.OnnxToRelayEmitter.Translate(model.Onnx, io with { KeepParamsAsInputs = false }).Module;
                            cts.Token.ThrowIfCancellationRequested();
                        });
                        r = r with { Translate = tr };
                        if (tr != StageStatus.Pass) break;
                        var wf = Stage("well_formed", () => RelaxOutputCheck.Check(relax!.Module));
                        r = r with { WellFormed = wf };
                        if (wf != StageStatus.Pass) break;
                        r = r with
                        {
                            RoundTrip = Stage("round_trip", () =>
                            {
                                var text = RelaxScriptPrinter.Print(relax!.Module);
                                var back = RelaxScriptReader.Parse(text, path + " (printed)");
                                if (!RelaxStructuralEqual.Modules(relax.Module, back))
                                    throw new BridgeException(ZooDiagnosticIds.RoundTripMismatch, relax.Module.Loc, "printed module re-parses to a different module");
                            }),
                        };
                        IReadOnlyList<(string, Core.Tensors.Tensor)>? o = null, x = null, y = null;
                        var run = Stage("run", () =>
                        {
                            var inputs = ModelChecker.Inputs(model, feeds!);
                            x = ModelChecker.RunOnnxRelax(relax!.Module, relax.Params, specs, inputs, "main", cts.Token);
                            y = ModelChecker.RunOnnxRelay(relay!, specs, inputs, "main", cts.Token);
                            // The source runtime is the reference, not a Bridge stage: a model ORT refuses is recorded (its ID and
                            // message) and the two Bridge paths are compared with each other instead.
                            try { o = ModelChecker.RunOnnxRuntime(path, inputs); }
                            catch (BridgeException e) { ids.Add(e.Diagnostic.Id.ToString()); message ??= $"ONNX Runtime: {e.Diagnostic.Message}"; }
                        });
                        r = r with { Run = run };
                        if (run != StageStatus.Pass) break;
                        // Outputs that depend on a random op are compared on shape and dtype only (RandomOutputs).
                        var random = RandomOutputs.Of(model.Onnx);
                        var diff = o is null
                            ? ModelChecker.FirstDifference(y!, x!, random: random) is { } dz ? $"Relax vs Relay differ at {dz} (ONNX Runtime refused the model)" : null
                            : ModelChecker.FirstDifference(o, x!, "onnxruntime", "relax", random: random) is { } dx ? $"Relax vs ONNX Runtime differ at {dx}"
                            : ModelChecker.FirstDifference(o, y!, "onnxruntime", "relay", random: random) is { } dy ? $"Relay vs ONNX Runtime differ at {dy}" : null;
                        if (diff is not null) { ids.Add(ZooDiagnosticIds.Mismatch.ToString()); message ??= diff; }
                        else if (random.Count > 0)
                            message ??= "nondeterministic (shape and dtype compared): " + string.Join("; ", random.OrderBy(kv => kv.Key).Select(kv => $"output{kv.Key} depends on {kv.Value}"));
                        r = r with { Check = diff is not null ? StageStatus.Fail : random.Count > 0 ? StageStatus.Nondeterministic : StageStatus.Pass,
                            MaxAbsError = Diff.ErrorStats.MaxAbsOver(o ?? y!, x!, random) };
                        break;
                    }
            }
        }
        if (options.Perf is { } perf && model is not null && r.Passed)
        {
            var (ratio, note) = Cpu.ZooPerf.Measure(model, load, perf);
            r = r with { PerfRatio = ratio };
            if (note is not null) message = message is null ? note : message + "; " + note;
        }
        // Generated weights are never silent: a passing row says so too.
        if (model is { RandomConstants: > 0 } rw) message = $"{rw.RandomConstants} weights filled with seeded random values (--random-weights)" + (message is null ? "" : "; " + message);
        return r with { ErrorIds = string.Join(";", ids.Distinct()), Message = message ?? "", Seconds = Math.Round(sw.Elapsed.TotalSeconds, 3) };
    }

    private static string KindGuess(string path) => System.IO.Path.GetExtension(path) switch
    {
        ".relay" or ".rly" => nameof(ModelKind.RelayText),
        ".onnx" => nameof(ModelKind.Onnx),
        ".pt" => nameof(ModelKind.TorchScript),
        _ => nameof(ModelKind.RelaxScript),
    };

    private static bool IsUnsupported(Diagnostic d) =>
        d.Id == InterpDiagnosticIds.Unsupported || d.Id == InterpDiagnosticIds.NoKernel || d.Id == RelayToRelaxDiagnosticIds.Unsupported
        || d.Id.Name.Contains("Unsupported", StringComparison.Ordinal);

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

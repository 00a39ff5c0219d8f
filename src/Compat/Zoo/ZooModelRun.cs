using System.Diagnostics;
using Bridge.Backends.Reference;
using Bridge.Compat.Check;
using Bridge.Compat.Pipeline;
using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;
using Bridge.Translators.RelayToRelax;

namespace Bridge.Compat.Zoo;

/// <summary>
/// One model's zoo stages on the one pipeline the verbs use: the file is opened and sniffed once (<see cref="ModelInput"/>, the
/// <c>zoo</c> row of <see cref="OptionRules.Takes"/>), loaded by <see cref="LoadedModel.Load(ModelInput, LoadOptions?, PipelineContext?)"/>
/// (parse and type inference, each verified), translated by <see cref="TranslatePass"/>, and the <c>well_formed</c> stage is the
/// pipeline's verification after <see cref="PipelinePasses.Translate"/> (<see cref="PipelineContext.AfterPass"/>), the same as
/// <c>convert</c> and <c>check</c> run. Each stage passes or records its failure (unsupported when the diagnostic says so) and stops.
/// </summary>
internal sealed class ZooModelRun
{
    private readonly string _path;
    private readonly ZooOptions _options;
    private readonly CancellationToken _ct;
    private readonly PipelineContext _pipeline = PipelineContext.Default("zoo");
    private readonly List<string> _ids = [];
    private string? _message;
    private LoadOptions _load;
    private ZooResult _r;

    private ZooModelRun(string path, string name, ZooOptions options, CancellationToken ct)
    {
        _path = path;
        _options = options;
        _ct = ct;
        _r = new ZooResult { Name = name, Path = path };
        // Weights without a value fail the import (BRG6680) unless the user asked for --random-weights (TVM's types-only fixtures).
        _load = new LoadOptions { Seed = options.Seed, RandomWeights = options.RandomWeights };
    }

    /// <summary>Runs every stage of one model; never throws (every failure is recorded).</summary>
    public static ZooResult Run(string path, string name, ZooOptions options)
    {
        var sw = Stopwatch.StartNew();
        using var budget = Bridge.Core.Limits.MemoryBudget.Begin(Bridge.Core.Limits.MemoryBudget.Current?.Limit); // one budget per model
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(options.Cancellation);
        cts.CancelAfter(options.Timeout);
        var run = new ZooModelRun(path, name, options, cts.Token);
        var model = run.Import();
        if (model is not null)
            switch (model.Kind)
            {
                case ModelKind.RelayText: run.Relay(model); break;
                case ModelKind.RelaxScript: run.RelaxScript(model); break;
                case ModelKind.Onnx: run.Onnx(model); break;
                case ModelKind.TorchScript: run.TorchScript(model); break;
            }
        var message = run._message;
        if (options.Perf is { } perf && model is not null && run._r.Passed)
        {
            var (ratio, note) = Cpu.ZooPerf.Measure(model, run._load, perf);
            run._r = run._r with { PerfRatio = ratio };
            if (note is not null) message = message is null ? note : message + "; " + note;
        }
        // Generated weights are never silent: a passing row says so too.
        if (model is { RandomConstants: > 0 } rw) message = $"{rw.RandomConstants} weights filled with seeded random values (--random-weights)" + (message is null ? "" : "; " + message);
        return run._r with { ErrorIds = string.Join(";", run._ids.Distinct()), Message = message ?? "", Seconds = Math.Round(sw.Elapsed.TotalSeconds, 3) };
    }

    /// <summary>One stage: pass, or record the failure and return its status.</summary>
    private string Stage(string stage, Action body)
    {
        try
        {
            _options.OnStage?.Invoke(stage);
            body();
            return StageStatus.Pass;
        }
        catch (OperationCanceledException)
        {
            _ids.Add(InterpDiagnosticIds.Cancelled.ToString());
            _message ??= $"timed out after {_options.Timeout.TotalSeconds:0} s";
            return StageStatus.Timeout;
        }
        catch (BridgeException ex)
        {
            Note(ex.Diagnostic.Id.ToString(), ex.Diagnostic.Message.Split('\n')[0]);
            return IsUnsupported(ex.Diagnostic) ? StageStatus.Unsupported : StageStatus.Fail;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Isolation: a bug on one model is recorded, the zoo goes on.
            Note("internal", $"internal error: {ex.GetType().Name}: {ex.Message}");
            return StageStatus.Fail;
        }
    }

    private void Note(string id, string message)
    {
        _ids.Add(id);
        _message ??= message;
    }

    private static bool IsUnsupported(Diagnostic d) =>
        d.Id == InterpDiagnosticIds.Unsupported || d.Id == InterpDiagnosticIds.NoKernel || d.Id == RelayToRelaxDiagnosticIds.Unsupported
        || d.Id.Name.Contains("Unsupported", StringComparison.Ordinal);

    /// <summary>Open (sniff once; a format zoo does not take is refused) and load: the pipeline's parse (and infer-types) passes.</summary>
    private LoadedModel? Import()
    {
        LoadedModel? model = null;
        var import = Stage("import", () =>
        {
            var input = ModelInput.Open(_path);
            OptionRules.Enforce("zoo", input, []);
            model = LoadedModel.Load(input, _load, _pipeline);
        });
        _r = _r with { Import = import, Kind = model?.Kind.ToString() ?? KindGuess(_path), RandomWeights = _options.RandomWeights };
        return import == StageStatus.Pass ? model : null;
    }

    private static string KindGuess(string path) => System.IO.Path.GetExtension(path) switch
    {
        ".relay" or ".rly" or ".json" => nameof(ModelKind.RelayText),
        ".onnx" => nameof(ModelKind.Onnx),
        ".pt" => nameof(ModelKind.TorchScript),
        _ => nameof(ModelKind.RelaxScript),
    };

    /// <summary>The pipeline's verification after translation (<see cref="PipelineContext.AfterPass"/>) as the well_formed stage.</summary>
    private bool WellFormed(params object[] modules)
    {
        var wf = Stage("well_formed", () => { foreach (var m in modules) _pipeline.AfterPass(PipelinePasses.Translate, m); });
        _r = _r with { WellFormed = wf };
        return wf == StageStatus.Pass;
    }

    /// <summary>Print → parse → structurally equal.</summary>
    private void RoundTrip(IRModule module) => _r = _r with
    {
        RoundTrip = Stage("round_trip", () =>
        {
            var text = RelaxScriptPrinter.Print(module);
            var back = RelaxScriptReader.Parse(text, _path + " (printed)");
            if (!RelaxStructuralEqual.Modules(module, back))
                throw new BridgeException(ZooDiagnosticIds.RoundTripMismatch, module.Loc, "printed module re-parses to a different module");
        }),
    };

    /// <summary>Relay (text or JSON): translate → well-formed → run (Relay and Relax interpreters on the same feeds) → check.</summary>
    private void Relay(LoadedModel model)
    {
        IRModule? relax = null;
        var tr = Stage("translate", () => relax = TranslatePass.RelayToRelax(model));
        _r = _r with { Translate = tr };
        if (tr != StageStatus.Pass || !WellFormed(relax!)) return;
        IReadOnlyList<(string, Tensor)>? a = null, b = null;
        var run = Stage("run", () =>
        {
            // The zoo's --dim entries that name this model's dims; the sizes used are recorded on the row.
            _load = _load with { Dims = ZooDims.ForModel(_options.Dims, ZooDims.SymbolicKeys(model.Inputs("main"))) };
            var (inputs, bound, _) = ModelChecker.Prepare(model, new CheckOptions { Load = _load });
            _r = _r with { Dims = ZooDims.Of(bound) };
            a = ModelChecker.RunRelay(model, inputs, "main", null, _ct);
            b = ModelChecker.RunRelax(relax!, model, inputs, "main", null, _ct);
        });
        _r = _r with { Run = run };
        if (run != StageStatus.Pass) return;
        var ok = ModelChecker.FirstDifference(a!, b!) is null;
        if (!ok) Note(ZooDiagnosticIds.Mismatch.ToString(), "Relay and Relax outputs differ");
        _r = _r with { Check = ok ? StageStatus.Pass : StageStatus.Fail, MaxAbsError = Diff.ErrorStats.MaxAbsOver(a!, b!) };
    }

    /// <summary>Relax (TVMScript or JSON): the translator's output rules as well_formed, then the print/parse round trip.</summary>
    private void RelaxScript(LoadedModel model)
    {
        var mod = model.Relax!;
        _r = _r with { Translate = StageStatus.NotApplicable, Run = StageStatus.NotApplicable, Check = StageStatus.NotApplicable };
        _r = _r with { WellFormed = Stage("well_formed", () => RelaxOutputCheck.Check(mod)) };
        RoundTrip(mod);
    }

    /// <summary>ONNX: translate (Relax with weights as parameters, and Relay) → well-formed + round trip → run → vs ONNX Runtime.</summary>
    private void Onnx(LoadedModel model)
    {
        var imp = Stage("import", () => _ = model.Onnx);
        _r = _r with { Import = imp };
        if (imp != StageStatus.Pass) return;
        System.Collections.Immutable.ImmutableArray<Inputs.InputSpec> specs = [];
        CheckOptions? feeds = null;
        Translators.Onnx.OnnxImportResult<IRModule>? relax = null;
        Ir.Relay.IRModule? relay = null;
        var tr = Stage("translate", () =>
        {
            specs = model.OnnxInputs;
            _load = _load with { Dims = ZooDims.ForModel(_options.Dims, ZooDims.SymbolicKeys(specs)) };
            // A sibling NAME.inputs.npz (the real corpus writes one) gives the feeds, and so the sizes of the dynamic dims.
            var sidecar = Inputs.SidecarInputs.ForModel(_path);
            feeds = new CheckOptions { Load = _load, Inputs = sidecar?.Inputs, InputsOrigin = sidecar?.File };
            var bound = ModelChecker.ResolveDims(model, feeds);
            _r = _r with { Dims = ZooDims.Of(bound) };
            var io = ModelChecker.OnnxImportOptionsFor(specs, bound.Values, Translators.Onnx.OnnxImportOptions.Default with
            {
                KeepParamsAsInputs = true,
                // Scalar sidecar feeds (silero's sr) may specialise a data-dependent If (BRG4308), as check does.
                InputValues = sidecar is null ? Translators.Onnx.OnnxImportOptions.Default.InputValues : Translators.Onnx.OnnxImportOptions.ScalarInputs(sidecar.Inputs),
            });
            relax = TranslatePass.OnnxToRelax(model, io);
            _ct.ThrowIfCancellationRequested();
            relay = TranslatePass.OnnxToRelay(model, io with { KeepParamsAsInputs = false }).Module;
            _ct.ThrowIfCancellationRequested();
        });
        _r = _r with { Translate = tr };
        if (tr != StageStatus.Pass || !WellFormed(relax!.Module, relay!)) return;
        RoundTrip(relax.Module);
        IReadOnlyList<(string, Tensor)>? o = null, x = null, y = null;
        var run = Stage("run", () =>
        {
            var inputs = ModelChecker.Inputs(model, feeds!);
            x = ModelChecker.RunOnnxRelax(relax.Module, relax.Params, specs, inputs, "main", _ct);
            y = ModelChecker.RunOnnxRelay(relay!, specs, inputs, "main", _ct);
            // The source runtime is the reference, not a Bridge stage: a model ORT refuses is recorded (its ID and
            // message) and the two Bridge paths are compared with each other instead.
            try { o = ModelChecker.RunOnnxRuntime(_path, inputs); }
            catch (BridgeException e) { Note(e.Diagnostic.Id.ToString(), $"ONNX Runtime: {e.Diagnostic.Message}"); }
        });
        _r = _r with { Run = run };
        if (run != StageStatus.Pass) return;
        // Outputs that depend on a random op are compared on shape and dtype only (RandomOutputs).
        CheckAgainst(o, "onnxruntime", "ONNX Runtime", x!, y!, RandomOutputs.Of(model.Onnx), "ONNX Runtime refused the model");
    }

    /// <summary>
    /// TorchScript: translate (aten → Relay and → Relax, as check builds them) → well-formed + round trip → run on the feeds check
    /// uses (the sibling STEM.inputs.npz, else seeded) → vs torch's saved outputs when they apply, else Relay vs Relax.
    /// </summary>
    private void TorchScript(LoadedModel model)
    {
        var tm = model.Torch!;
        var tr = Stage("translate", () => { _ = tm.Relay; _ = tm.Relax; });
        _r = _r with { Translate = tr };
        if (tr != StageStatus.Pass || !WellFormed(tm.Relax, tm.Relay)) return;
        RoundTrip(tm.Relax);
        IReadOnlyList<(string, Tensor)>? o = null, x = null, y = null;
        var run = Stage("run", () =>
        {
            var inputs = ModelChecker.Inputs(model, new CheckOptions { Load = _load });
            x = tm.Run("relax", inputs, _ct);
            y = tm.Run("relay", inputs, _ct);
            o = tm.SavedTorchOutputs(inputs);
        });
        _r = _r with { Run = run };
        if (run != StageStatus.Pass) return;
        CheckAgainst(o, "torch", "torch", x!, y!, new Dictionary<int, string>(), "no saved torch outputs for these feeds");
    }

    /// <summary>
    /// The check stage of a model with a source runtime: Relax, then Relay, against the reference <paramref name="o"/>; without it,
    /// Relax against Relay (the row's message says why). Random-dependent outputs count as nondeterministic, not as failures.
    /// </summary>
    private void CheckAgainst(IReadOnlyList<(string, Tensor)>? o, string refPath, string refName, IReadOnlyList<(string, Tensor)> x,
        IReadOnlyList<(string, Tensor)> y, IReadOnlyDictionary<int, string> random, string whyNoReference)
    {
        var diff = o is null
            ? ModelChecker.FirstDifference(y, x, random: random) is { } dz ? $"Relax vs Relay differ at {dz} ({whyNoReference})" : null
            : ModelChecker.FirstDifference(o, x, refPath, "relax", random: random) is { } dx ? $"Relax vs {refName} differ at {dx}"
            : ModelChecker.FirstDifference(o, y, refPath, "relay", random: random) is { } dy ? $"Relay vs {refName} differ at {dy}" : null;
        if (diff is not null) Note(ZooDiagnosticIds.Mismatch.ToString(), diff);
        else if (random.Count > 0)
            _message ??= "nondeterministic (shape and dtype compared): " + string.Join("; ", random.OrderBy(kv => kv.Key).Select(kv => $"output{kv.Key} depends on {kv.Value}"));
        _r = _r with
        {
            Check = diff is not null ? StageStatus.Fail : random.Count > 0 ? StageStatus.Nondeterministic : StageStatus.Pass,
            MaxAbsError = Diff.ErrorStats.MaxAbsOver(o ?? y, x, random),
        };
    }
}

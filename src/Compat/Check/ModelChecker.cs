using System.Diagnostics;
using Bridge.Backends.Reference;
using Bridge.Compat.Inputs;
using Bridge.Compat.Reference;
using Bridge.Translators.RelayToRelax;
using RelaxIr = Bridge.Ir.Relax;

namespace Bridge.Compat.Check;

/// <summary>Options of <see cref="ModelChecker.Check(string, CheckOptions?)"/>.</summary>
public sealed record CheckOptions
{
    public LoadOptions Load { get; init; } = new();
    /// <summary>Explicit inputs by name (<c>--inputs IN.npz</c>); missing ones are generated from the seed.</summary>
    public IReadOnlyDictionary<string, Tensor>? Inputs { get; init; }
    /// <summary>Overrides of the per-dtype default tolerances.</summary>
    public double? Rtol { get; init; }
    public double? Atol { get; init; }
    /// <summary>Which default tolerances each compared pair gets (see <see cref="TolerancePolicy"/>).</summary>
    public TolerancePolicy Policy { get; init; } = TolerancePolicy.Auto;
    /// <summary>Look for the first diverging binding when a pair differs (reruns both interpreters with tracing).</summary>
    public bool FindDivergence { get; init; } = true;
    /// <summary>Per-output tolerances (<c>--tol name=rtol,atol</c>), applied over the policy and the global overrides.</summary>
    public Diff.OutputTolerances PerOutput { get; init; } = Diff.OutputTolerances.None;
    public CancellationToken Cancellation { get; init; }
    public string Entry { get; init; } = "main";
    /// <summary>The file <see cref="Inputs"/> came from (named in shape errors), or null.</summary>
    public string? InputsOrigin { get; init; }
    /// <summary>
    /// NaN at the same position in both outputs is a mismatch (<c>--nan-mismatch</c>). Default false: NaN where the reference has
    /// NaN counts as equal, as numpy's <c>assert_allclose</c> (equal_nan=True) does; NaN on one side only always fails.
    /// </summary>
    public bool NanMismatch { get; init; }
    /// <summary>The pipeline context (verification after each pass, <c>--print-after</c>); null = verify, print nothing.</summary>
    public Pipeline.PipelineContext? Pipeline { get; init; }
    /// <summary>The reference a TorchScript archive is checked against: <c>saved</c> (the corpus's STEM.outputs.npz) or <c>torch</c> (PyTorch, live; <see cref="Torch.TorchReference"/>).</summary>
    public string Reference { get; init; } = "saved";
}

/// <summary>One execution path's outcome: outputs in order, or the error that stopped it.</summary>
public sealed record PathRun(string Name, IReadOnlyList<(string Name, Tensor Tensor)>? Outputs, Diagnostic? Error, double Seconds)
{
    public bool Ok => Outputs is not null;
}

/// <summary>One output compared between a reference path and another path (Polygraphy rule, reference = expected).</summary>
public sealed record OutputDiff(string Reference, string Actual, string Output, CompareResult Result)
{
    /// <summary>
    /// The random node the output depends on (<see cref="RandomOutputs"/>), or null. Such an output is compared on shape and
    /// dtype only: its values differ between runtimes by construction.
    /// </summary>
    public string? RandomSource { get; init; }

    /// <summary>When the scale rule decided (<see cref="OutputComparison"/>): the result under the pair's own tolerance; else null.</summary>
    public CompareResult? Strict { get; init; }
    /// <summary>The output's scale (largest finite |reference|) when the scale rule decided; else null.</summary>
    public double? Scale { get; init; }

    /// <summary><c>pass</c>, <c>fail</c>, or <c>nondeterministic</c> (a random-dependent output whose shape and dtype agree).</summary>
    public string Status => !Result.Passed ? CheckStatus.Fail : RandomSource is not null ? CheckStatus.Nondeterministic : CheckStatus.Pass;
}

/// <summary>The statuses of a compared output in check reports.</summary>
public static class CheckStatus
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    /// <summary>Depends on a random op: shape and dtype agree, values are not compared (neither a pass by tolerance nor a failure).</summary>
    public const string Nondeterministic = "nondeterministic";
}

/// <summary>The first traced op whose values differ between the Relay and the Relax run, named by the Relay node's location.</summary>
public sealed record Divergence(SourceLoc RelayLoc, string RelayOp, string RelaxOp, CompareResult Result)
{
    /// <summary>Which invocation (1-based) of a node that runs several times diverged first; null for a node run once.</summary>
    public int? Invocation { get; init; }

    public override string ToString() =>
        $"first divergence at {RelayLoc}{(Invocation is { } k ? $" (invocation {k})" : "")} ({RelayOp} -> {RelaxOp}): {Result}";
}

/// <summary>What <c>bridge check</c> found.</summary>
public sealed class CheckReport
{
    public required string Model { get; init; }
    public required ulong Seed { get; init; }
    public List<PathRun> Paths { get; } = [];
    public List<OutputDiff> Diffs { get; } = [];
    public List<Divergence> Divergences { get; } = [];
    /// <summary>Per-node comparison of an ONNX model's paths (ONNX Runtime intermediates included) when a pair differs.</summary>
    public Diff.Localization? Localization { get; set; }
    /// <summary>Paths that could not be built (e.g. ONNX→Relax not available), with the reason.</summary>
    public List<(string Path, string Reason)> Skipped { get; } = [];
    /// <summary>Import warnings a user must see beside the verdict (a path converted specialised on input values, BRG4308).</summary>
    public List<(string Path, Diagnostic Note)> Notes { get; } = [];
    /// <summary>How many weights got seeded random values (<c>--random-weights</c>).</summary>
    public int RandomWeights { get; set; }
    public bool Compared => Diffs.Count > 0;
    /// <summary>The size of every symbolic input dim and where it came from (<c>--dim</c>, the inputs given, a model hint, a default).</summary>
    public DimBindings? Dims { get; set; }
    /// <summary>Inputs that were generated (seeded random) because the user gave none by that name.</summary>
    public List<string> GeneratedInputs { get; } = [];
    /// <summary>Why the first-divergence search named no op although a pair differs, or null.</summary>
    public string? CannotLocalise { get; set; }
    /// <summary>The lowest float precision the model computes in inside, when lower than its outputs' (float16 weights or casts), else null.</summary>
    public DataType? InternalFloat { get; set; }
    /// <summary>Some path could not produce outputs.</summary>
    public bool AnyPathFailed => Paths.Any(p => !p.Ok);
    /// <summary>No path produced outputs.</summary>
    public bool NoPathRan => Paths.All(p => !p.Ok);
    /// <summary>A path stopped on a bug in Bridge (not on the model or the inputs).</summary>
    public bool InternalError => Paths.Any(p => p.Error?.Id == CheckDiagnosticIds.PathInternalError);
    /// <summary>Every comparison passed; nondeterministic outputs count when their shape and dtype agree.</summary>
    public bool Agree => Compared && Diffs.All(d => d.Result.Passed);
    /// <summary>The comparisons of outputs that depend on a random op (compared on shape and dtype only).</summary>
    public IEnumerable<OutputDiff> Nondeterministic => Diffs.Where(d => d.RandomSource is not null);
}

/// <summary>
/// Runs every path available for a model on the same inputs and compares the outputs pairwise with Polygraphy's rule
/// (Core <see cref="TensorCompare"/>, per-dtype defaults): Relay text → Relay interpreter, Relay → Relax (translator) → Relax
/// interpreter, Relax TVMScript → Relax interpreter, ONNX → ONNX Runtime. When Relay and Relax disagree, both are rerun with
/// tracing and the first op whose value differs is named by its Relay source location (the translator copies it).
/// </summary>
public static class ModelChecker
{
    public static CheckReport Check(string path, CheckOptions? options = null)
    {
        options ??= new CheckOptions();
        return Check(Pipeline.ModelInput.Open(path), options);
    }

    /// <summary>Checks an opened model (sniffed once by the caller, which may have enforced its option rules on it).</summary>
    public static CheckReport Check(Pipeline.ModelInput input, CheckOptions options)
    {
        var path = input.Path;
        var model = LoadedModel.Load(input, options.Load, options.Pipeline);
        var report = new CheckReport { Model = path, Seed = options.Load.Seed };
        var (inputs, dims, generated) = Prepare(model, options);
        report.Dims = dims;
        report.GeneratedInputs.AddRange(generated);
        report.RandomWeights = model.RandomConstants;
        switch (model.Kind)
        {
            case ModelKind.RelayText:
                {
                    var relay = Timed("relay", () => RunRelay(model, inputs, options.Entry, null, options.Cancellation));
                    report.Paths.Add(relay);
                    RelaxIr.IRModule? relaxModule = null;
                    PathRun relax;
                    try
                    {
                        relaxModule = Translate(model, options.Pipeline);
                        relax = Timed("relax", () => RunRelax(relaxModule, model, inputs, options.Entry, null, options.Cancellation));
                    }
                    catch (BridgeException ex)
                    {
                        relax = new PathRun("relax", null, ex.Diagnostic, 0);
                    }
                    report.Paths.Add(relax);
                    if (relay.Ok && relax.Ok)
                    {
                        Compare(report, relay, relax, options);
                        if (!report.Agree && options.FindDivergence && relaxModule is not null)
                            FindDivergence(report, model, relaxModule, inputs, options);
                    }
                    break;
                }
            case ModelKind.RelaxScript:
                report.Paths.Add(Timed("relax", () => RunRelax(model.Relax!, model, inputs, options.Entry, null, options.Cancellation)));
                report.Skipped.Add(("relay", "the model is Relax; there is no Relay form to compare with"));
                break;
            case ModelKind.Onnx:
                CheckOnnx(report, model, inputs, dims, options);
                break;
            case ModelKind.TorchScript:
                Bridge.Compat.Torch.TorchCheck.Run(report, model, inputs, options);
                break;
        }
        return report;
    }

    /// <summary>
    /// ONNX: ONNX Runtime, ONNX→Relay → Relay interpreter and ONNX→Relax → Relax interpreter on the same feeds; Relay and Relax are
    /// each compared with ORT (the reference), then Relay with Relax. Named symbolic dims take the <c>--shape</c> sizes (default 1)
    /// at import, so all three paths run the same concrete shapes. A path that fails to translate is reported with its diagnostic.
    /// </summary>
    private static void CheckOnnx(CheckReport report, LoadedModel model, IReadOnlyDictionary<string, Tensor> inputs, DimBindings dims, CheckOptions options)
    {
        var path = model.Path;
        var specs = model.OnnxInputs;
        // Scalar feeds (silero's sr) may specialise a data-dependent If when the general form does not convert (BRG4308).
        var importOptions = OnnxImportOptionsFor(specs, dims.Values) with { InputValues = Translators.Onnx.OnnxImportOptions.ScalarInputs(inputs) };
        var ort = Timed("onnxruntime", () => RunOnnxRuntime(path, inputs));
        report.Paths.Add(ort);
        // The graph is loaded once (model.Onnx) inside each path's translation, so a file the loader rejects fails both paths
        // with its diagnostic, as a translation error would.
        var ctx = options.Pipeline ?? Pipeline.PipelineContext.Default();
        var relay = TimedTranslate("relay", () => Noted(report, "relay", Pipeline.TranslatePass.OnnxToRelay(model, importOptions)).Module, module =>
        {
            ctx.AfterPass(Pipeline.PipelinePasses.Translate, module);
            return RunOnnxRelay(module, specs, inputs, options.Entry, options.Cancellation);
        });
        report.Paths.Add(relay);
        var relax = TimedTranslate("relax", () => Noted(report, "relax", Pipeline.TranslatePass.OnnxToRelax(model, importOptions)), r =>
        {
            ctx.AfterPass(Pipeline.PipelinePasses.Translate, r.Module);
            return RunOnnxRelax(r.Module, r.Params, specs, inputs, options.Entry, options.Cancellation);
        });
        report.Paths.Add(relax);
        // Every comparison involves a Bridge path, and a Bridge path that ran had the graph loaded.
        IReadOnlyDictionary<int, string> random = relay.Ok || relax.Ok ? RandomOutputs.Of(model.Onnx) : new Dictionary<int, string>();
        DataType? internalFloat = null;
        try { internalFloat = InternalPrecision.LowestFloat(model.Onnx); }
        catch (BridgeException) { /* a graph the loader rejects: the Bridge paths report it */ }
        report.InternalFloat = internalFloat;
        if (ort.Ok && relay.Ok) Compare(report, ort, relay, options, random, internalFloat);
        if (ort.Ok && relax.Ok) Compare(report, ort, relax, options, random, internalFloat);
        if (relay.Ok && relax.Ok) Compare(report, relay, relax, options, random);
        if (options.FindDivergence && report.Compared && !report.Agree)
        {
            // Localising reruns the paths with every intermediate traced; a path that cannot do that must not cost the verdict.
            try { report.Localization = Diff.NodeLocalizer.LocalizeOnnx(model, inputs, options); }
            catch (BridgeException ex) { report.CannotLocalise = $"per-node comparison failed: {ex.Diagnostic.Id} {ex.Diagnostic.Message}"; }
        }
    }

    /// <summary>
    /// Import options for checking an ONNX file: every named symbolic input dim gets its <c>--shape</c> size (default 1), so
    /// the importers see the same concrete shapes as the generated feeds.
    /// </summary>
    public static Translators.Onnx.OnnxImportOptions OnnxImportOptionsFor(
        IReadOnlyList<Bridge.Compat.Inputs.InputSpec> specs, IReadOnlyDictionary<string, long> dims, Translators.Onnx.OnnxImportOptions? baseOptions = null)
    {
        var dimValues = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        foreach (var s in specs)
            for (var axis = 0; axis < s.Shape.Length; axis++)
            {
                var d = s.Shape[axis];
                if (d.Value is null && d.Param is { } name && name != "?")
                    dimValues[name] = dims.TryGetValue(name, out var v) ? v : 1;
                // An anonymous dim bound by the feeds is fixed too (keyed input:axis), so shape tests inside subgraphs fold.
                else if (d.Value is null && dims.TryGetValue(Translators.Onnx.OnnxImportOptions.AnonymousDimKey(s.Name, axis), out var av))
                    dimValues[Translators.Onnx.OnnxImportOptions.AnonymousDimKey(s.Name, axis)] = av;
            }
        return (baseOptions ?? Translators.Onnx.OnnxImportOptions.Default) with { DimValues = dimValues.ToImmutable() };
    }

    /// <summary>
    /// The model's input signature as ONNX Runtime reports it, or — when ORT refuses the model (e.g. a float Loop trip count it
    /// will not type-check) — the graph inputs Bridge's own loader declares, so the Relay and Relax paths still run.
    /// </summary>
    public static ImmutableArray<Bridge.Compat.Inputs.InputSpec> OnnxInputSpecs(LoadedModel model)
    {
        try
        {
            using var ort = new OnnxRuntimeReference(model.Path);
            return ort.Inputs;
        }
        catch (BridgeException)
        {
            return DeclaredInputs(model.Path, model.Onnx.Graph);
        }
    }

    private static ImmutableArray<Bridge.Compat.Inputs.InputSpec> DeclaredInputs(string path, Importers.Onnx.OnnxGraph g)
    {
        return [.. g.Inputs.Select(i => new Bridge.Compat.Inputs.InputSpec(i.Name,
            i.Type.DType ?? throw new BridgeException(CheckDiagnosticIds.UnsupportedModel, new SourceLoc.Text(path, 1, 1), $"input {i.Name} is {i.Type}, not a tensor Bridge can feed"),
            [.. (i.Type.Shape ?? throw new BridgeException(CheckDiagnosticIds.UnsupportedModel, new SourceLoc.Text(path, 1, 1), $"input {i.Name} has no declared rank"))
                .Select(d => new Bridge.Compat.Inputs.InputDim(d.Value, d.Param))]))];
    }

    public static IReadOnlyList<(string Name, Tensor Tensor)> RunOnnxRuntime(string path, IReadOnlyDictionary<string, Tensor> inputs) =>
        [.. OnnxRuntimeReference.RunOnce(path, inputs).Select(kv => (kv.Key, kv.Value))];

    /// <summary>Runs an ONNX-imported Relay module: inputs by name, or in the ONNX input order when the importer renamed them.</summary>
    public static IReadOnlyList<(string Name, Tensor Tensor)> RunOnnxRelay(Ir.Relay.IRModule module, IReadOnlyList<Bridge.Compat.Inputs.InputSpec> specs,
        IReadOnlyDictionary<string, Tensor> inputs, string entry, CancellationToken ct, Action<TraceEvent>? trace = null)
    {
        var interp = new RelayInterpreter(module, new InterpreterOptions { Cancellation = ct, Trace = trace });
        var fn = module.Lookup(entry);
        if (fn is not null && fn.Params.All(p => inputs.ContainsKey(p.Name))) return Name(interp.Run(inputs, entry));
        return Name(interp.Run(entry, [.. Ordered(specs, inputs)]));
    }

    /// <summary>Runs an ONNX-imported Relax module; weights kept as parameters (<c>KeepParamsAsInputs</c>) are passed after the inputs.</summary>
    public static IReadOnlyList<(string Name, Tensor Tensor)> RunOnnxRelax(RelaxIr.IRModule module, IReadOnlyDictionary<string, Tensor> weights,
        IReadOnlyList<Bridge.Compat.Inputs.InputSpec> specs, IReadOnlyDictionary<string, Tensor> inputs, string entry, CancellationToken ct,
        Action<TraceEvent>? trace = null)
    {
        var interp = new RelaxInterpreter(module, new InterpreterOptions { Cancellation = ct, Trace = trace });
        var fn = module.Find(entry)?.Function;
        var all = new Dictionary<string, Tensor>(inputs, StringComparer.Ordinal);
        foreach (var (k, v) in weights) all[k] = v;
        if (fn is not null && fn.Params.All(p => all.ContainsKey(p.Name))) return Name(interp.Run(all, entry));
        var args = Ordered(specs, inputs).ToList();
        if (fn is not null)
            foreach (var p in fn.Params.Skip(args.Count))
                if (weights.TryGetValue(p.Name, out var w)) args.Add(new TensorValue(w));
        return Name(interp.Run(entry, args));
    }

    private static IEnumerable<Value> Ordered(IReadOnlyList<Bridge.Compat.Inputs.InputSpec> specs, IReadOnlyDictionary<string, Tensor> inputs) =>
        specs.Where(s => inputs.ContainsKey(s.Name)).Select(s => (Value)new TensorValue(inputs[s.Name]));

    /// <summary>Compares two output lists (reference first) as <c>check</c> does; null when they agree, else the first difference.</summary>
    /// <remarks>Outputs listed in <paramref name="random"/> (index → random node) are compared on shape and dtype only.</remarks>
    public static string? FirstDifference(IReadOnlyList<(string Name, Tensor Tensor)> reference, IReadOnlyList<(string Name, Tensor Tensor)> actual,
        string referencePath = "relay", string actualPath = "relax", TolerancePolicy policy = TolerancePolicy.Auto, IReadOnlyDictionary<int, string>? random = null)
    {
        if (reference.Count != actual.Count) return $"{reference.Count} vs {actual.Count} outputs";
        for (var i = 0; i < reference.Count; i++)
        {
            // The rules of `check` (OutputComparison: shared NaN equal, the scale rule against a source runtime), so zoo and check agree.
            var opts = Tolerances.For(reference[i].Tensor.DType, referencePath, actualPath, policy) with { EqualNan = true };
            var c = random is not null && random.ContainsKey(i) ? ShapeOnly(actual[i].Tensor, reference[i].Tensor, opts)
                : OutputComparison.Diff(referencePath, actualPath, reference[i].Name, actual[i].Tensor, reference[i].Tensor, opts, new CheckOptions { Policy = policy }).Result;
            if (!c.Passed) return $"{reference[i].Name}: {c}";
        }
        return null;
    }

    /// <summary>Keeps an import's BRG4308 warning (specialised on input values) as a note of the report.</summary>
    private static Translators.Onnx.OnnxImportResult<T> Noted<T>(CheckReport report, string path, Translators.Onnx.OnnxImportResult<T> r)
    {
        foreach (var w in r.Summary.Warnings.Where(w => w.Id == Translators.Onnx.OnnxTranslateDiagnosticIds.SpecialisedOnInputValues))
            lock (report.Notes) report.Notes.Add((path, w));
        return r;
    }

    /// <summary>A path that first translates (failure reported as the path's error) then runs.</summary>
    private static PathRun TimedTranslate<TModule>(string name, Func<TModule> translate, Func<TModule, IReadOnlyList<(string, Tensor)>> run) =>
        Timed(name, () => run(translate()));

    /// <summary>The feeds: explicit ones by name, the rest seeded random (ONNX: from the session's input metadata).</summary>
    public static Dictionary<string, Tensor> Inputs(LoadedModel model, CheckOptions options) => Prepare(model, options).Feeds;

    /// <summary>
    /// The feeds with the dim bindings that shaped them and the names of the generated ones: every symbolic dim takes its size from
    /// <c>--dim</c>, then from the inputs given, then (ONNX) from the model's window hints and the per-name defaults
    /// (<see cref="DimDefaults"/>); Relay and Relax text models keep 1 as the default of dims nobody set.
    /// </summary>
    public static (Dictionary<string, Tensor> Feeds, DimBindings Dims, IReadOnlyList<string> Generated) Prepare(LoadedModel model, CheckOptions options)
    {
        // A TorchScript archive with its saved STEM.inputs.npz beside it runs on those (torch's saved outputs then apply) unless --inputs.
        var given = options.Inputs ?? model.Torch?.SiblingFeeds;
        // An --inputs key that names no input is an error, never ignored (WeightRules.CheckInputNames).
        if (given is not null) WeightRules.CheckInputNames(model, given.Keys, options.InputsOrigin ?? "--inputs", options.Entry);
        var dims = ResolveDims(model, options);
        var specs = model.Kind == ModelKind.Onnx ? (IReadOnlyList<InputSpec>)model.OnnxInputs : model.Inputs(options.Entry);
        var feeds = dims.Generate(specs, given, options.Load.Seed);
        var generated = feeds.Keys.ToList();
        if (given is not null) foreach (var (k, v) in given) feeds[k] = v;
        if (model.Kind != ModelKind.Onnx)
            foreach (var (k, v) in model.Params) feeds.TryAdd(k, v);
        return (feeds, dims, generated);
    }

    /// <summary>The size of every symbolic input dim of <paramref name="model"/> (<see cref="DimBindings.Resolve"/>).</summary>
    public static DimBindings ResolveDims(LoadedModel model, CheckOptions options)
    {
        if (model.Kind == ModelKind.Onnx)
        {
            IReadOnlyDictionary<string, (long, string)>? hints = null;
            try { hints = OnnxDimHints.Of(model.Onnx); }
            catch (BridgeException) { /* the loader's diagnostic is reported by the paths that need the graph */ }
            return DimBindings.Resolve(model.OnnxInputs, options.Inputs, options.InputsOrigin, options.Load.Dims, hints);
        }
        var legacy = options.Load.Dims.TryGetValue("?", out var q) ? q : 1;
        return DimBindings.Resolve(model.Inputs(options.Entry), options.Inputs, options.InputsOrigin, options.Load.Dims, null, legacy, legacy);
    }

    /// <summary>Translates the model's Relay module to Relax with every constant bound (weights stay constants).</summary>
    /// <remarks>
    /// The translator and the verification after it (<see cref="Pipeline.PipelineContext.Verify"/>), as <see cref="MigrationPipeline"/> runs them,
    /// without the printing step: with weights bound, printing resnet50 writes 25M floats as text, which a numeric check does not need.
    /// </remarks>
    public static RelaxIr.IRModule Translate(LoadedModel model, Pipeline.PipelineContext? context = null)
    {
        var module = Pipeline.TranslatePass.RelayToRelax(model);
        (context ?? Pipeline.PipelineContext.Default()).AfterPass(Pipeline.PipelinePasses.Translate, module);
        return module;
    }

    public static IReadOnlyList<(string Name, Tensor Tensor)> RunRelay(LoadedModel model, IReadOnlyDictionary<string, Tensor> inputs, string entry,
        Action<TraceEvent>? trace, CancellationToken ct)
    {
        var interp = new RelayInterpreter(model.Relay!, new InterpreterOptions { Trace = trace, Cancellation = ct });
        return Name(interp.Run(inputs, model.ResolveEntry(entry)));
    }

    public static IReadOnlyList<(string Name, Tensor Tensor)> RunRelax(RelaxIr.IRModule module, LoadedModel model, IReadOnlyDictionary<string, Tensor> inputs,
        string entry, Action<TraceEvent>? trace, CancellationToken ct)
    {
        var interp = new RelaxInterpreter(module, new InterpreterOptions { Trace = trace, Cancellation = ct });
        entry = model.ResolveEntry(entry);
        var fn = module.Find(entry)?.Function;
        // Parameters bound by name; a translated module keeps the Relay names (sanitized), so fall back to input order.
        if (fn is not null && !fn.Params.All(p => inputs.ContainsKey(p.Name)))
        {
            var ordered = model.Relay?.Lookup(entry)?.Params.Where(p => inputs.ContainsKey(p.Name)).Select(p => (Value)new TensorValue(inputs[p.Name])).ToList();
            if (ordered is not null && ordered.Count == fn.Params.Length) return Name(interp.Run(entry, ordered));
        }
        return Name(interp.Run(inputs, entry));
    }

    private static IReadOnlyList<(string, Tensor)> Name(Value v) =>
        [.. InterpreterCommon.Flatten(v).Select((t, i) => ($"output{i}", t))];

    private static PathRun Timed(string name, Func<IReadOnlyList<(string, Tensor)>> run)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            var r = run();
            return new PathRun(name, r, null, sw.Elapsed.TotalSeconds);
        }
        catch (BridgeException ex)
        {
            return new PathRun(name, null, ex.Diagnostic, sw.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException)
        {
            return new PathRun(name, null, Diagnostic.Error(InterpDiagnosticIds.Cancelled, SourceLoc.Unknown.Instance, $"{name}: cancelled (timeout)"), sw.Elapsed.TotalSeconds);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug in one path must not hide the others: it becomes that path's row (the verb exits 3 for it after reporting).
            return new PathRun(name, null, Diagnostic.Error(CheckDiagnosticIds.PathInternalError, SourceLoc.Unknown.Instance,
                $"{name}: internal error {ex.GetType().Name}: {ex.Message} (a bug in bridge)"), sw.Elapsed.TotalSeconds);
        }
    }

    private static CompareOptions Tol(DataType d, CheckOptions o, string reference = "relay", string actual = "relax") =>
        Tolerances.For(d, reference, actual, o.Policy, o.Rtol, o.Atol) with { EqualNan = !o.NanMismatch };

    /// <summary>Shape and dtype only (a random-dependent output): passes when both agree; no values are compared.</summary>
    public static CompareResult ShapeOnly(Tensor actual, Tensor expected, CompareOptions options)
    {
        var shape = actual.Shape.SequenceEqual(expected.Shape);
        var dtype = actual.DType == expected.DType;
        return new CompareResult { Passed = shape && dtype, ShapeMismatch = !shape, DTypeMismatch = !dtype, Elements = expected.Length, Options = options };
    }

    /// <summary>Compares two paths' outputs and records the diffs, as check does for its own paths (extra paths such as the compiled CPU ones).</summary>
    public static void ComparePaths(CheckReport report, PathRun reference, PathRun actual, CheckOptions o) => Compare(report, reference, actual, o);

    private static void Compare(CheckReport report, PathRun reference, PathRun actual, CheckOptions o, IReadOnlyDictionary<int, string>? random = null,
        DataType? internalFloat = null)
    {
        var a = reference.Outputs!;
        var b = actual.Outputs!;
        if (a.Count != b.Count)
        {
            report.Diffs.Add(new OutputDiff(reference.Name, actual.Name, $"{a.Count} vs {b.Count} outputs", new CompareResult { Passed = false, ShapeMismatch = true }));
            return;
        }
        for (var i = 0; i < a.Count; i++)
        {
            var tolDType = OutputComparison.ToleranceDType(a[i].Tensor.DType, internalFloat);
            var tol = o.PerOutput.Apply(Tol(tolDType, o, reference.Name, actual.Name), a[i].Name, i);
            report.Diffs.Add(random is not null && random.TryGetValue(i, out var src)
                ? new OutputDiff(reference.Name, actual.Name, a[i].Name, ShapeOnly(b[i].Tensor, a[i].Tensor, tol)) { RandomSource = src }
                : OutputComparison.Diff(reference.Name, actual.Name, a[i].Name, b[i].Tensor, a[i].Tensor, tol, o, tolDType));
        }
    }

    /// <summary>
    /// Reruns Relax and Relay with tracing and names the first Relay op whose value differs from the Relax binding of the same
    /// location and the same invocation (<see cref="DivergenceFinder"/>), or records why no op can be named.
    /// </summary>
    private static void FindDivergence(CheckReport report, LoadedModel model, RelaxIr.IRModule relax, IReadOnlyDictionary<string, Tensor> inputs, CheckOptions o)
    {
        var relaxVals = new List<TracedValue>();
        var relayVals = new List<TracedValue>();
        try
        {
            RunRelax(relax, model, inputs, o.Entry, e => relaxVals.Add(DivergenceFinder.Of(e)), o.Cancellation);
            RunRelay(model, inputs, o.Entry, e => relayVals.Add(DivergenceFinder.Of(e)), o.Cancellation);
        }
        catch (BridgeException ex)
        {
            // The plain runs succeeded, so a traced rerun failing is not expected; the output diffs already tell the story.
            report.CannotLocalise = $"the traced rerun failed: {ex.Diagnostic.Id} {ex.Diagnostic.Message}";
            return;
        }
        var search = DivergenceFinder.Find(relayVals, relaxVals, d => Tol(d, o));
        if (search.Found is { } found) report.Divergences.Add(found);
        else report.CannotLocalise = search.CannotLocalise;
    }
}

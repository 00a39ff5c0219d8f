using System.Collections.Immutable;
using System.Diagnostics;
using Bridge.Backends.Reference;
using Bridge.Compat.Reference;
using Bridge.Core.Diagnostics;
using Bridge.Core.Tensors;
using Bridge.Translators.RelayToRelax;
using RelaxIr = Bridge.Ir.Relax;

namespace Bridge.Compat.Check;

/// <summary>Options of <see cref="ModelChecker.Check"/>.</summary>
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
    public CancellationToken Cancellation { get; init; }
    public string Entry { get; init; } = "main";
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
    public override string ToString() => $"first divergence at {RelayLoc} ({RelayOp} -> {RelaxOp}): {Result}";
}

/// <summary>What <c>bridge check</c> found.</summary>
public sealed class CheckReport
{
    public required string Model { get; init; }
    public required ulong Seed { get; init; }
    public List<PathRun> Paths { get; } = [];
    public List<OutputDiff> Diffs { get; } = [];
    public List<Divergence> Divergences { get; } = [];
    /// <summary>Paths that could not be built (e.g. ONNX→Relax not available), with the reason.</summary>
    public List<(string Path, string Reason)> Skipped { get; } = [];
    public bool Compared => Diffs.Count > 0;
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
        var model = LoadedModel.Load(path, options.Load);
        var report = new CheckReport { Model = path, Seed = options.Load.Seed };
        var inputs = Inputs(model, options);
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
                        relaxModule = Translate(model);
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
                CheckOnnx(report, model, inputs, options);
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
    private static void CheckOnnx(CheckReport report, LoadedModel model, IReadOnlyDictionary<string, Tensor> inputs, CheckOptions options)
    {
        var path = model.Path;
        var specs = model.OnnxInputs;
        var importOptions = OnnxImportOptionsFor(specs, options.Load.Dims);
        var ort = Timed("onnxruntime", () => RunOnnxRuntime(path, inputs));
        report.Paths.Add(ort);
        // The graph is loaded once (model.Onnx) inside each path's translation, so a file the loader rejects fails both paths
        // with its diagnostic, as a translation error would.
        var relay = TimedTranslate("relay", () => Translators.OnnxToRelay.OnnxToRelayEmitter.Translate(model.Onnx, importOptions).Module,
            module => RunOnnxRelay(module, specs, inputs, options.Entry, options.Cancellation));
        report.Paths.Add(relay);
        var relax = TimedTranslate("relax", () => Translators.OnnxToRelax.OnnxToRelaxEmitter.Translate(model.Onnx, importOptions), r =>
        {
            RelaxOutputCheck.Check(r.Module);
            return RunOnnxRelax(r.Module, r.Params, specs, inputs, options.Entry, options.Cancellation);
        });
        report.Paths.Add(relax);
        // Every comparison involves a Bridge path, and a Bridge path that ran had the graph loaded.
        IReadOnlyDictionary<int, string> random = relay.Ok || relax.Ok ? RandomOutputs.Of(model.Onnx) : new Dictionary<int, string>();
        if (ort.Ok && relay.Ok) Compare(report, ort, relay, options, random);
        if (ort.Ok && relax.Ok) Compare(report, ort, relax, options, random);
        if (relay.Ok && relax.Ok) Compare(report, relay, relax, options, random);
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
            foreach (var d in s.Shape)
                if (d.Value is null && d.Param is { } name && name != "?")
                    dimValues[name] = dims.TryGetValue(name, out var v) ? v : 1;
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

    /// <summary>Compares two output lists (reference first) with the per-dtype defaults; null when they agree, else the first difference.</summary>
    /// <remarks>Outputs listed in <paramref name="random"/> (index → random node) are compared on shape and dtype only.</remarks>
    public static string? FirstDifference(IReadOnlyList<(string Name, Tensor Tensor)> reference, IReadOnlyList<(string Name, Tensor Tensor)> actual,
        string referencePath = "relay", string actualPath = "relax", TolerancePolicy policy = TolerancePolicy.Auto, IReadOnlyDictionary<int, string>? random = null)
    {
        if (reference.Count != actual.Count) return $"{reference.Count} vs {actual.Count} outputs";
        for (var i = 0; i < reference.Count; i++)
        {
            var opts = Tolerances.For(reference[i].Tensor.DType, referencePath, actualPath, policy);
            var c = random is not null && random.ContainsKey(i) ? ShapeOnly(actual[i].Tensor, reference[i].Tensor, opts)
                : TensorCompare.Compare(actual[i].Tensor, reference[i].Tensor, opts);
            if (!c.Passed) return $"{reference[i].Name}: {c}";
        }
        return null;
    }

    /// <summary>A path that first translates (failure reported as the path's error) then runs.</summary>
    private static PathRun TimedTranslate<TModule>(string name, Func<TModule> translate, Func<TModule, IReadOnlyList<(string, Tensor)>> run) =>
        Timed(name, () => run(translate()));

    /// <summary>The feeds: explicit ones by name, the rest seeded random (ONNX: from the session's input metadata).</summary>
    public static Dictionary<string, Tensor> Inputs(LoadedModel model, CheckOptions options)
    {
        Dictionary<string, Tensor> gen;
        if (model.Kind == ModelKind.Onnx)
        {
            var dims = new Dictionary<string, long>(options.Load.Dims, StringComparer.Ordinal);
            gen = new(Bridge.Compat.Inputs.RandomInputs.For(model.OnnxInputs, options.Load.Seed, dims), StringComparer.Ordinal);
        }
        else gen = model.MakeInputs(options.Load, options.Entry);
        if (options.Inputs is { } given) foreach (var (k, v) in given) gen[k] = v;
        return gen;
    }

    /// <summary>Translates the model's Relay module to Relax with every constant bound (weights stay constants).</summary>
    /// <remarks>
    /// The translator and its well-formedness check (<see cref="RelaxOutputCheck"/>), as <see cref="MigrationPipeline"/> runs them,
    /// without the printing step: with weights bound, printing resnet50 writes 25M floats as text, which a numeric check does not need.
    /// </remarks>
    public static RelaxIr.IRModule Translate(LoadedModel model)
    {
        var (module, _) = RelayToRelaxTranslator.Translate(model.Relay!, new TranslatorOptions { SourcePath = model.Path, BindParams = true, Params = model.Params });
        RelaxOutputCheck.Check(module);
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
    }

    private static CompareOptions Tol(DataType d, CheckOptions o, string reference = "relay", string actual = "relax") =>
        Tolerances.For(d, reference, actual, o.Policy, o.Rtol, o.Atol);

    /// <summary>Shape and dtype only (a random-dependent output): passes when both agree; no values are compared.</summary>
    public static CompareResult ShapeOnly(Tensor actual, Tensor expected, CompareOptions options)
    {
        var shape = actual.Shape.SequenceEqual(expected.Shape);
        var dtype = actual.DType == expected.DType;
        return new CompareResult { Passed = shape && dtype, ShapeMismatch = !shape, DTypeMismatch = !dtype, Elements = expected.Length, Options = options };
    }

    private static void Compare(CheckReport report, PathRun reference, PathRun actual, CheckOptions o, IReadOnlyDictionary<int, string>? random = null)
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
            var tol = Tol(a[i].Tensor.DType, o, reference.Name, actual.Name);
            report.Diffs.Add(random is not null && random.TryGetValue(i, out var src)
                ? new OutputDiff(reference.Name, actual.Name, a[i].Name, ShapeOnly(b[i].Tensor, a[i].Tensor, tol)) { RandomSource = src }
                : new OutputDiff(reference.Name, actual.Name, a[i].Name, TensorCompare.Compare(b[i].Tensor, a[i].Tensor, tol)));
        }
    }

    /// <summary>
    /// Reruns Relax then Relay with tracing; walks the Relay op results in execution order and reports the first whose location
    /// has a Relax binding with a differing value (first tensor of each, same tolerances). Unknown locations are skipped.
    /// </summary>
    private static void FindDivergence(CheckReport report, LoadedModel model, RelaxIr.IRModule relax, IReadOnlyDictionary<string, Tensor> inputs, CheckOptions o)
    {
        var relaxVals = new Dictionary<SourceLoc, (string Op, Tensor T)>();
        try
        {
            RunRelax(relax, model, inputs, o.Entry, e =>
            {
                if (e.Loc is SourceLoc.Unknown) return;
                var ts = InterpreterCommon.Flatten(e.Value);
                if (ts.Count > 0) relaxVals[e.Loc] = (e.Op, ts[0]);
            }, o.Cancellation);
            Divergence? found = null;
            RunRelay(model, inputs, o.Entry, e =>
            {
                if (found is not null || e.Loc is SourceLoc.Unknown || !relaxVals.TryGetValue(e.Loc, out var rx)) return;
                var ts = InterpreterCommon.Flatten(e.Value);
                if (ts.Count == 0 || !ts[0].Shape.SequenceEqual(rx.T.Shape)) return;
                var c = TensorCompare.Compare(rx.T, ts[0], Tol(ts[0].DType, o));
                if (!c.Passed) found = new Divergence(e.Loc, e.Op, rx.Op, c);
            }, o.Cancellation);
            if (found is not null) report.Divergences.Add(found);
        }
        catch (BridgeException)
        {
            // The plain runs succeeded, so a traced rerun failing is not expected; the output diffs already tell the story.
        }
    }
}

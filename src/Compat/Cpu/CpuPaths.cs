using System.Diagnostics;
using Bridge.Backends.Cpu.Lowering;
using Bridge.Backends.Cpu.Runtime;
using Bridge.Compat.Check;
using Bridge.Compat.Inputs;
using Bridge.Translators.Torch;

namespace Bridge.Compat.Cpu;

/// <summary>
/// The compiled CPU paths of a model (<c>relay-cpu</c>, <c>relax-cpu</c>): which IR module each compiles, how inputs are
/// matched, and the rows they add to a check. ONNX: the Relax path keeps named symbolic dims symbolic (one library for every
/// batch size); the Relay path is imported at the check's dim sizes (Relay's <c>?</c> dims have no names to bind).
/// </summary>
public static class CpuPaths
{
    /// <summary>The compiled path names, in the order check and bench report them.</summary>
    public static readonly string[] Names = ["relay-cpu", "relax-cpu"];

    /// <summary>The IR a path name compiles: <c>relay-cpu</c>/<c>relay</c> → relay, else relax.</summary>
    public static string Ir(string path) => path.StartsWith("relay", StringComparison.Ordinal) ? "relay" : "relax";

    /// <summary>
    /// Lowers and compiles <paramref name="model"/> on <paramref name="ir"/> (relay or relax), or opens it from the model cache
    /// (<see cref="CpuCompileCache"/>: keyed on the model's content hash, options, Bridge's build and the toolchain) without
    /// lowering. <paramref name="load"/> are the options the model was loaded with (seed and random weights are part of the
    /// key); a model with generated constants is cached only when they are given. <paramref name="requestKey"/> is also stored
    /// (<see cref="CpuCompileCache.ForRequest"/>).
    /// </summary>
    public static CompiledModel Compile(LoadedModel model, string ir, IReadOnlyDictionary<string, long>? dims = null, string entry = "main",
        LoadOptions? load = null, string? requestKey = null)
    {
        dims ??= new Dictionary<string, long>();
        var key = model.RandomConstants > 0 && load is null ? null : CpuCompileCache.ForLoaded(model, ir, dims, entry, load);
        if (key is not null && ModelCache.TryOpen(key) is { } hit) return hit;
        var sw = Stopwatch.StartNew();
        var (program, note) = LowerNoted(model, ir, dims, entry);
        var cm = CpuCompiler.Compile(program, sw.Elapsed.TotalSeconds, note);
        if (key is not null) ModelCache.Store(key, cm);
        if (requestKey is not null) ModelCache.Store(requestKey, cm);
        return cm;
    }

    /// <summary>The model's program on <paramref name="ir"/>.</summary>
    public static TensorProgram Lower(LoadedModel model, string ir, IReadOnlyDictionary<string, long> dims, string entry = "main") =>
        LowerNoted(model, ir, dims, entry).Program;

    /// <summary>
    /// The model's program on <paramref name="ir"/>, and a note when an ONNX model's symbolic dims could not be kept: its
    /// symbolic form does not translate or lower (an op that needs a static rank or size, a relation that answers <c>?</c>), so
    /// it was compiled at the sizes of <paramref name="dims"/> (default 1) instead — one library per size.
    /// </summary>
    public static (TensorProgram Program, string? Note) LowerNoted(LoadedModel model, string ir, IReadOnlyDictionary<string, long> dims, string entry = "main")
    {
        var file = model.Path;
        switch (model.Kind)
        {
            case ModelKind.Onnx when ir == "relay":
                {
                    var (symbolic, why) = LowerSymbolicRelay(model, dims, entry);
                    if (symbolic is not null) return (symbolic, null);
                    var opts = ModelChecker.OnnxImportOptionsFor(model.OnnxInputs, dims);
                    var m = Translators.OnnxToRelay.OnnxToRelayEmitter.Translate(model.Onnx, opts).Module;
                    return (RelayLowering.Lower(m, entry, null, file), why is null ? null : FixedNote(why, opts));
                }
            case ModelKind.Onnx:
                {
                    try
                    {
                        var r = Translators.OnnxToRelax.OnnxToRelaxEmitter.Translate(model.Onnx, Translators.Onnx.OnnxImportOptions.Default);
                        var program = RelaxLowering.Lower(r.Module, entry, r.Params, file);
                        CpuCompiler.CheckVars(program);
                        return (program, null);
                    }
                    catch (BridgeException e) when (SymbolicFormFails(e))
                    {
                        var opts = ModelChecker.OnnxImportOptionsFor(model.OnnxInputs, dims);
                        var r = Translators.OnnxToRelax.OnnxToRelaxEmitter.Translate(model.Onnx, opts);
                        return (RelaxLowering.Lower(r.Module, entry, r.Params, file), FixedNote(e.Diagnostic, opts));
                    }
                }
            default:
                return (LowerOther(model, ir, entry), null);
        }
    }

    /// <summary>A translation (ONNX → Relay/Relax), Relay type or lowering error that the fixed-size form may not have.</summary>
    private static bool SymbolicFormFails(BridgeException e) =>
        e.Diagnostic.Id == Backends.Cpu.CpuDiagnosticIds.CannotCompile || e.Diagnostic.Id.Code is >= 2600 and < 3000 or >= 4300 and < 4700;

    private static string FixedNote(Diagnostic why, Translators.Onnx.OnnxImportOptions opts) =>
        $"symbolic dims not kept ({why.Id}: {why.Message.Split('\n')[0]}); compiled at {string.Join(", ", opts.DimValues.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))}";

    private static TensorProgram LowerOther(LoadedModel model, string ir, string entry)
    {
        var file = model.Path;
        switch (model.Kind)
        {
            case ModelKind.RelayText when ir == "relay":
                return RelayLowering.Lower(model.Relay!, model.ResolveEntry(entry), model.Params, file);
            case ModelKind.RelayText:
                return RelaxLowering.Lower(ModelChecker.Translate(model), model.ResolveEntry(entry), null, file);
            case ModelKind.TorchScript when ir == "relay":
                return RelayLowering.Lower(model.Torch!.Relay, entry, null, file);
            case ModelKind.TorchScript:
                {
                    var r = TorchImport.ToRelax(model.Torch!.Graph);
                    return RelaxLowering.Lower(r.Module, entry, r.Params, file);
                }
            case ModelKind.RelaxScript when ir == "relax":
                return RelaxLowering.Lower(model.Relax!, model.ResolveEntry(entry), model.Params, file);
            default:
                throw new BridgeException(CheckDiagnosticIds.UnknownPath, new SourceLoc.Text(file, 0, 0),
                    $"no compiled {ir} path for a {model.Kind} model (Relay text: relay, relax; Relax: relax; ONNX and TorchScript: relay, relax)");
        }
    }

    /// <summary>
    /// The Relay path of an ONNX model with named input dims (<c>batch</c>), compiled symbolic: imported with those dims left
    /// <c>?</c>, named again from the ONNX inputs (<see cref="RelayDimNames"/>) and lowered. Null when the model has no named
    /// dims or an op's type relation loses a name (a <c>?</c> the inputs do not bind): the caller compiles at fixed sizes.
    /// </summary>
    private static (TensorProgram? Program, Diagnostic? Why) LowerSymbolicRelay(LoadedModel model, IReadOnlyDictionary<string, long> dims, string entry)
    {
        var specs = model.OnnxInputs;
        if (!specs.Any(s => s.Shape.Any(d => d.Value is null && d.Param is { Length: > 0 } p && p != "?"))) return (null, null);
        var fixedOpts = ModelChecker.OnnxImportOptionsFor(specs, dims);
        var anonymous = fixedOpts.DimValues.Where(kv => kv.Key.Contains(':', StringComparison.Ordinal)).ToImmutableDictionary(StringComparer.Ordinal);
        try
        {
            var m = Translators.OnnxToRelay.OnnxToRelayEmitter.Translate(model.Onnx, fixedOpts with { DimValues = anonymous }).Module;
            var named = RelayDimNames.Name(m, entry, (i, axis) =>
                i < specs.Length && axis < specs[i].Shape.Length && specs[i].Shape[axis] is { Value: null, Param: { Length: > 0 } p } && p != "?" ? p : null);
            if (named is null) return (null, null);
            var program = RelayLowering.Lower(named, entry, null, model.Path);
            CpuCompiler.CheckVars(program);
            return (program, null);
        }
        catch (BridgeException e) when (SymbolicFormFails(e))
        {
            return (null, e.Diagnostic); // a relation that answers '?', or an op that needs static sizes: compile at the fixed sizes
        }
    }

    /// <summary>The program's inputs from the feeds: by name, else (ONNX imports that renamed inputs) in the ONNX input order.</summary>
    public static List<Tensor> Feeds(CompiledModel cm, LoadedModel model, IReadOnlyDictionary<string, Tensor> feeds)
    {
        var ins = cm.Signature.Inputs;
        if (ins.All(b => feeds.ContainsKey(b.Name))) return [.. ins.Select(b => feeds[b.Name])];
        if (model.Kind == ModelKind.Onnx)
        {
            var ordered = model.OnnxInputs.Where(s => feeds.ContainsKey(s.Name)).Select(s => feeds[s.Name]).ToList();
            if (ordered.Count == ins.Length) return ordered;
        }
        if (model.Kind == ModelKind.TorchScript)
        {
            var ordered = model.Torch!.Inputs.Where(s => feeds.ContainsKey(s.Name)).Select(s => feeds[s.Name]).ToList();
            if (ordered.Count == ins.Length) return ordered;
        }
        throw new BridgeException(Backends.Cpu.CpuDiagnosticIds.RunFailed, new SourceLoc.Text(model.Path, 0, 0),
            $"compiled model takes {string.Join(", ", ins.Select(b => b.Name))}; the feeds have {string.Join(", ", feeds.Keys)}");
    }

    public static IReadOnlyList<(string Name, Tensor Tensor)> Run(CompiledModel cm, LoadedModel model, IReadOnlyDictionary<string, Tensor> feeds) =>
        [.. cm.Run(Feeds(cm, model, feeds)).Select((t, i) => ($"output{i}", t))];

    /// <summary>
    /// <c>check --backend cpu</c>: compiles both IRs, runs them on the check's feeds and compares each with its interpreter
    /// (strict) and with ONNX Runtime (framework tolerances). A path that cannot compile or run is a failed row.
    /// </summary>
    public static List<string> AddToCheck(CheckReport report, string path, CheckOptions options) =>
        CompiledPathRows.Add(report, path, options, Names, (model, ir, dims, feeds) =>
        {
            using var cm = Compile(model, ir, dims, options.Entry, options.Load);
            var sw = Stopwatch.StartNew();
            var outputs = Run(cm, model, feeds);
            return (cm.Report.Summary, outputs, sw.Elapsed.TotalSeconds);
        }, torchScript: true);

    /// <summary>Seeded inputs for a bench run: ONNX models by their ONNX Runtime signature (dims from <paramref name="dims"/>, default 1).</summary>
    public static Dictionary<string, Tensor> BenchFeeds(LoadedModel model, IReadOnlyDictionary<string, long> dims) =>
        ModelChecker.Prepare(model, new CheckOptions { Load = new LoadOptions { Dims = dims } }).Feeds;
}

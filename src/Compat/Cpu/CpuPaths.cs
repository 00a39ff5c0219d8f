using System.Diagnostics;
using Bridge.Backends.Cpu.Lowering;
using Bridge.Backends.Cpu.Runtime;
using Bridge.Compat.Check;
using Bridge.Compat.Inputs;
using Bridge.Core.Diagnostics;
using Bridge.Core.Tensors;

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

    /// <summary>Lowers and compiles <paramref name="model"/> on <paramref name="ir"/> (relay or relax).</summary>
    public static CompiledModel Compile(LoadedModel model, string ir, IReadOnlyDictionary<string, long>? dims = null, string entry = "main")
    {
        var sw = Stopwatch.StartNew();
        var program = Lower(model, ir, dims ?? new Dictionary<string, long>(), entry);
        return CpuCompiler.Compile(program, sw.Elapsed.TotalSeconds);
    }

    /// <summary>The model's program on <paramref name="ir"/>.</summary>
    public static TensorProgram Lower(LoadedModel model, string ir, IReadOnlyDictionary<string, long> dims, string entry = "main")
    {
        var file = model.Path;
        switch (model.Kind)
        {
            case ModelKind.Onnx when ir == "relay":
                {
                    var opts = ModelChecker.OnnxImportOptionsFor(model.OnnxInputs, dims);
                    var m = Translators.OnnxToRelay.OnnxToRelayEmitter.Translate(model.Onnx, opts).Module;
                    return RelayLowering.Lower(m, entry, null, file);
                }
            case ModelKind.Onnx:
                {
                    var r = Translators.OnnxToRelax.OnnxToRelaxEmitter.Translate(model.Onnx, Translators.Onnx.OnnxImportOptions.Default);
                    return RelaxLowering.Lower(r.Module, entry, r.Params, file);
                }
            case ModelKind.RelayText when ir == "relay":
                return RelayLowering.Lower(model.Relay!, model.ResolveEntry(entry), model.Params, file);
            case ModelKind.RelayText:
                return RelaxLowering.Lower(ModelChecker.Translate(model), model.ResolveEntry(entry), null, file);
            case ModelKind.RelaxScript when ir == "relax":
                return RelaxLowering.Lower(model.Relax!, model.ResolveEntry(entry), model.Params, file);
            default:
                throw new BridgeException(CheckDiagnosticIds.UnknownPath, new SourceLoc.Text(file, 0, 0),
                    $"no compiled {ir} path for a {model.Kind} model (Relay text: relay, relax; Relax: relax; ONNX: relay, relax)");
        }
    }

    /// <summary>The program's inputs from the feeds: by name, else (ONNX imports that renamed inputs) in the ONNX input order.</summary>
    public static List<Tensor> Feeds(CompiledModel cm, LoadedModel model, IReadOnlyDictionary<string, Tensor> feeds)
    {
        var ins = cm.Program.Inputs;
        if (ins.All(b => feeds.ContainsKey(b.Name))) return [.. ins.Select(b => feeds[b.Name])];
        if (model.Kind == ModelKind.Onnx)
        {
            var ordered = model.OnnxInputs.Where(s => feeds.ContainsKey(s.Name)).Select(s => feeds[s.Name]).ToList();
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
    public static List<string> AddToCheck(CheckReport report, string path, CheckOptions options)
    {
        var notes = new List<string>();
        var model = LoadedModel.Load(path, options.Load);
        var (feeds, dims, _) = ModelChecker.Prepare(model, options);
        foreach (var name in Names)
        {
            var ir = Ir(name);
            if (model.Kind == ModelKind.RelaxScript && ir == "relay") continue;
            if (model.Kind == ModelKind.TorchScript) { report.Skipped.Add((name, "TorchScript models are not compiled yet")); continue; }
            var sw = Stopwatch.StartNew();
            PathRun run;
            try
            {
                using var cm = Compile(model, ir, dims.Values, options.Entry);
                notes.Add($"{name}: {cm.Report.Summary}");
                sw.Restart();
                run = new PathRun(name, Run(cm, model, feeds), null, sw.Elapsed.TotalSeconds);
            }
            catch (BridgeException ex)
            {
                run = new PathRun(name, null, ex.Diagnostic, sw.Elapsed.TotalSeconds);
            }
            catch (BridgeInternalError ex)
            {
                run = new PathRun(name, null, Diagnostic.Error(CheckDiagnosticIds.PathInternalError, SourceLoc.Unknown.Instance, $"{name}: internal error: {ex.Message} (a bug in bridge)"), sw.Elapsed.TotalSeconds);
            }
            report.Paths.Add(run);
            if (!run.Ok) continue;
            foreach (var reference in new[] { ir, "onnxruntime" })
                if (report.Paths.FirstOrDefault(p => p.Name == reference && p.Ok) is { } r) ModelChecker.ComparePaths(report, r, run, options);
        }
        return notes;
    }

    /// <summary>Seeded inputs for a bench run: ONNX models by their ONNX Runtime signature (dims from <paramref name="dims"/>, default 1).</summary>
    public static Dictionary<string, Tensor> BenchFeeds(LoadedModel model, IReadOnlyDictionary<string, long> dims) =>
        ModelChecker.Prepare(model, new CheckOptions { Load = new LoadOptions { Dims = dims } }).Feeds;
}

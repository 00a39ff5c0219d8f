using System.Diagnostics;
using Bridge.Compat.Cpu;
using Bridge.Compat.Inputs;

namespace Bridge.Compat.Check;

/// <summary>
/// The rows a compiled backend adds to a check (one per IR path): compile, run on the check's feeds, compare with the path's
/// interpreter (strict) and ONNX Runtime (framework tolerances); a path that cannot compile or run is a failed row. Serves
/// both compiled backends (<see cref="CpuPaths.AddToCheck"/>, <c>CudaPaths.AddToCheck</c>); a backend that does not compile
/// TorchScript yet says so with <c>torchScript: false</c> and its rows are reported as skipped.
/// </summary>
public static class CompiledPathRows
{
    public static List<string> Add(CheckReport report, string path, CheckOptions options, IEnumerable<string> names,
        Func<LoadedModel, string, IReadOnlyDictionary<string, long>, IReadOnlyDictionary<string, Tensor>, (string Summary, IReadOnlyList<(string Name, Tensor Tensor)> Outputs, double RunSeconds)> compileAndRun, bool torchScript)
    {
        var notes = new List<string>();
        var model = LoadedModel.Load(path, options.Load);
        var (feeds, dims, _) = ModelChecker.Prepare(model, options);
        foreach (var name in names)
        {
            var ir = CpuPaths.Ir(name);
            if (model.Kind == ModelKind.RelaxScript && ir == "relay") continue;
            if (!torchScript && model.Kind == ModelKind.TorchScript) { report.Skipped.Add((name, "TorchScript models are not compiled yet")); continue; }
            var sw = Stopwatch.StartNew();
            PathRun run;
            try
            {
                var (summary, outputs, seconds) = compileAndRun(model, ir, dims.Values, feeds);
                notes.Add($"{name}: {summary}");
                run = new PathRun(name, outputs, null, seconds);
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
}

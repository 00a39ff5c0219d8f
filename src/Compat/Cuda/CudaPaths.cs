using System.Diagnostics;
using Bridge.Backends.Cuda;
using Bridge.Compat.Check;
using Bridge.Compat.Cpu;
using Bridge.Compat.Inputs;

namespace Bridge.Compat.Cuda;

/// <summary>
/// The CUDA paths of a model (<c>relay-cuda</c>, <c>relax-cuda</c>): the same lowered programs as the CPU paths
/// (<see cref="CpuPaths.Lower"/>), compiled to ILGPU kernels; <c>simulate</c> runs them on ILGPU's CPU accelerator.
/// </summary>
public static class CudaPaths
{
    public static readonly string[] Names = ["relay-cuda", "relax-cuda"];

    public static CudaModel Compile(LoadedModel model, string ir, bool simulate, IReadOnlyDictionary<string, long>? dims = null, string entry = "main")
    {
        var sw = Stopwatch.StartNew();
        var program = CpuPaths.Lower(model, ir, dims ?? new Dictionary<string, long>(), entry);
        return CudaCompiler.Compile(program, simulate, sw.Elapsed.TotalSeconds);
    }

    /// <summary>The program's inputs from the feeds: by name, else (ONNX imports that renamed inputs) in the ONNX input order.</summary>
    public static List<Tensor> Feeds(CudaModel cm, LoadedModel model, IReadOnlyDictionary<string, Tensor> feeds)
    {
        var ins = cm.Program.Inputs;
        if (ins.All(b => feeds.ContainsKey(b.Name))) return [.. ins.Select(b => feeds[b.Name])];
        if (model.Kind == ModelKind.Onnx)
        {
            var ordered = model.OnnxInputs.Where(s => feeds.ContainsKey(s.Name)).Select(s => feeds[s.Name]).ToList();
            if (ordered.Count == ins.Length) return ordered;
        }
        throw new BridgeException(CudaDiagnosticIds.RunFailed, new SourceLoc.Text(model.Path, 0, 0),
            $"cuda model takes {string.Join(", ", ins.Select(b => b.Name))}; the feeds have {string.Join(", ", feeds.Keys)}");
    }

    public static IReadOnlyList<(string Name, Tensor Tensor)> Run(CudaModel cm, LoadedModel model, IReadOnlyDictionary<string, Tensor> feeds) =>
        [.. cm.Run(Feeds(cm, model, feeds)).Select((t, i) => ($"output{i}", t))];

    /// <summary>
    /// <c>check --backend cuda</c>: compiles both IRs for the device, runs them on the check's feeds and compares each with its
    /// interpreter (strict) and ONNX Runtime (framework tolerances). A path that cannot compile or run is a failed row.
    /// </summary>
    public static List<string> AddToCheck(CheckReport report, string path, CheckOptions options, bool simulate) =>
        CompiledPathRows.Add(report, path, options, Names, (model, ir, dims, feeds) =>
        {
            using var cm = Compile(model, ir, simulate, dims, options.Entry);
            var sw = Stopwatch.StartNew();
            var outputs = Run(cm, model, feeds);
            return (cm.Report.Summary, outputs, sw.Elapsed.TotalSeconds);
        }, torchScript: false);
}

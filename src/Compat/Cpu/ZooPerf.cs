using System.Diagnostics;
using System.Globalization;
using Bridge.Compat.Check;
using Bridge.Compat.Inputs;

namespace Bridge.Compat.Cpu;

/// <summary>
/// <c>bridge zoo --perf cpu</c>: the adoption gate's performance evidence (issue 19). A model whose stages passed is compiled on
/// both paths by the CPU backend (<see cref="CpuPaths"/>, through the model cache) and each is timed on the same feeds at one
/// thread — a warm-up run, then the median of <see cref="Runs"/> — and <c>ZooResult.PerfRatio</c> is relax-cpu / relay-cpu.
/// One thread keeps the ratio about the generated code rather than about how two pools share a loaded machine. A model with
/// only a Relax path (TVMScript), or one where either path does not compile or run, gets no ratio and the row's message says
/// why (never a made-up number).
/// </summary>
public static class ZooPerf
{
    /// <summary>Timed runs per path after the warm-up.</summary>
    public const int Runs = 5;

    /// <summary>The backends <c>--perf</c> accepts.</summary>
    public static readonly string[] Backends = ["cpu"];

    /// <summary>(relax-cpu / relay-cpu median time, null when not measured; a note for the row's message, null when measured).</summary>
    public static (double? Ratio, string? Note) Measure(LoadedModel model, LoadOptions load, string backend)
    {
        if (backend != "cpu") return (null, $"perf: backend {backend} is not built");
        if (model.Kind == ModelKind.RelaxScript) return (null, "perf: not measured (a Relax model has no Relay path to compare)");
        try
        {
            var sidecar = model.Kind == ModelKind.Onnx ? SidecarInputs.ForModel(model.Path) : null;
            var options = new CheckOptions { Load = load, Inputs = sidecar?.Inputs, InputsOrigin = sidecar?.File };
            var (feeds, dims, _) = ModelChecker.Prepare(model, options);
            var ms = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var name in CpuPaths.Names)
            {
                using var cm = CpuPaths.Compile(model, CpuPaths.Ir(name), dims.Values, "main", load);
                cm.SetThreads(1);
                var inputs = CpuPaths.Feeds(cm, model, feeds);
                ms[name] = Median(() => cm.Run(inputs));
            }
            return (Math.Round(ms["relax-cpu"] / ms["relay-cpu"], 4), null);
        }
        catch (BridgeException e)
        {
            return (null, $"perf: not measured ({e.Diagnostic.Id} {e.Diagnostic.Message.Split('\n')[0]})");
        }
    }

    private static double Median(Func<IReadOnlyList<Tensor>> run)
    {
        run();
        var times = new double[Runs];
        for (var i = 0; i < Runs; i++)
        {
            var sw = Stopwatch.StartNew();
            run();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[Runs / 2];
    }

    /// <summary>The ratio as the report prints it.</summary>
    public static string Format(double? ratio) => ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "not run";
}

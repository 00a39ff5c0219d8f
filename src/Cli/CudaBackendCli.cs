using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bridge.Backends.Cuda;
using Bridge.Compat.Check;
using Bridge.Compat.Cpu;
using Bridge.Compat.Cuda;
using Bridge.Compat.Inputs;
using Bridge.Compat.Reference;
using Bridge.Core.Files;

namespace Bridge.Cli;

/// <summary>
/// <c>--backend cuda [--simulate]</c> of run, check and bench (docs/cuda-backend.md). The verbs keep a line of hook each; the
/// device is opened first, so a machine without a GPU gets BRG6200 (exit 2) before any work.
/// </summary>
public static class CudaBackendCli
{
    public static Option<bool> SimulateOption() => new("--simulate")
    {
        Description = "--backend cuda: run the same kernels on ILGPU's CPU accelerator (no GPU needed; slow, for tests)",
    };

    public static bool IsCuda(string? backend) => backend == "cuda";

    /// <summary>Adds <c>--simulate</c> to a verb that has <c>--backend</c>.</summary>
    public static Option<bool> AddTo(Command cmd)
    {
        var o = SimulateOption();
        cmd.Options.Add(o);
        return o;
    }

    /// <summary><c>bridge run MODEL --backend cuda [--simulate] [--path relay|relax]</c>.</summary>
    public static int Run(CliContext ctx, string modelPath, string? inputsPath, string outPath, string? path, ulong seed, string[] dims, string entry, bool simulate) =>
        ctx.Guard(() =>
        {
            var device = GpuDevice.Get(simulate);
            var given = inputsPath is null ? null : TensorFiles.Load(inputsPath).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
            var load = new LoadOptions { Seed = seed, Dims = RandomInputs.ParseDimOverrides(dims), Shapes = dims };
            var m = LoadedModel.Load(modelPath, load);
            var options = new CheckOptions { Load = load, Inputs = given, InputsOrigin = inputsPath, Entry = entry };
            var (feeds, bindings, generated) = ModelChecker.Prepare(m, options);
            var ir = CpuPaths.Ir(path ?? "relax");
            using var cm = CudaPaths.Compile(m, ir, simulate, bindings.Values, entry);
            var outs = CudaPaths.Run(cm, m, feeds);
            CheckCommand.WriteInputsSummary(ctx.Out, bindings, generated, given?.Keys, seed);
            NpzFile.Write(outPath, outs);
            ctx.Out.WriteLine($"{modelPath}: ran the {ir} path on {device.Name} ({cm.Report.Summary}), {outs.Count} output(s) -> {outPath}");
            foreach (var (n, t) in outs) ctx.Out.WriteLine($"  {n}: {t}");
            return ExitCodes.Ok;
        });

    /// <summary>Adds the relay-cuda/relax-cuda rows to a finished check (the device was opened by <see cref="OpenForCheck"/>).</summary>
    public static void AddToCheck(CliContext ctx, CheckReport report, string modelPath, CheckOptions options, bool simulate)
    {
        foreach (var note in CudaPaths.AddToCheck(report, modelPath, options, simulate)) ctx.Out.WriteLine($"  compiled {note}");
    }

    /// <summary>Opens the device before a check runs anything: BRG6200 (exit 2) without a GPU and without --simulate.</summary>
    public static void OpenForCheck(CliContext ctx, bool simulate) => ctx.Out.WriteLine($"cuda device: {GpuDevice.Get(simulate).Name}");

    private sealed record Row(string Name, double MedianMs, double MinMs, long Items, string? Error, string? Note);

    /// <summary>
    /// <c>bench --model M --backend cuda [--simulate] [--dim batch=32] [--json]</c>: the Relay and the Relax path on the device
    /// (and ONNX Runtime on the CPU for scale): warm-up, then median and min of N runs, items/s from the first input's batch.
    /// </summary>
    public static int? TryBench(CliContext ctx, string? backend, bool simulate, bool json, string? modelPath, int repeat, string[] dims)
    {
        if (!IsCuda(backend)) return null;
        return ctx.Guard(() =>
        {
            if (modelPath is null) throw new BridgeException(InterpCliDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, "--backend cuda needs --model M");
            var device = GpuDevice.Get(simulate);
            var runs = Math.Max(simulate ? 1 : 5, repeat);
            var overrides = RandomInputs.ParseDimOverrides(dims);
            var load = new LoadOptions { Dims = overrides, Shapes = dims };
            var m = LoadedModel.Load(modelPath, load);
            var (feeds, bound, _) = ModelChecker.Prepare(m, new CheckOptions { Load = load });
            var items = feeds.Values.FirstOrDefault() is { Rank: > 0 } first ? first.Shape[0] : 1;
            var rows = new List<Row>();
            if (m.Kind == ModelKind.Onnx && !simulate)
            {
                using var ort = new OnnxRuntimeReference(modelPath, new OrtOptions { IntraOpThreads = Environment.ProcessorCount });
                var ortFeeds = ort.Inputs.Where(s => feeds.ContainsKey(s.Name)).ToDictionary(s => s.Name, s => feeds[s.Name], StringComparer.Ordinal);
                rows.Add(Time("ort-cpu", runs, items, () => ort.Run(ortFeeds), null));
            }
            foreach (var name in CudaPaths.Names)
            {
                try
                {
                    using var cm = CudaPaths.Compile(m, CpuPaths.Ir(name), simulate, bound.Values);
                    var inputs = CudaPaths.Feeds(cm, m, feeds);
                    rows.Add(Time(name, runs, items, () => cm.Run(inputs), cm.Report.Summary));
                }
                catch (BridgeException ex)
                {
                    rows.Add(new Row(name, double.NaN, double.NaN, items, $"{ex.Diagnostic.Id} {ex.Diagnostic.Message}", null));
                }
            }
            var o = ctx.Out;
            if (json)
            {
                o.WriteLine(JsonSerializer.Serialize(new
                {
                    model = Path.GetFileName(modelPath),
                    device = device.Name,
                    simulated = simulate,
                    batch = items,
                    results = rows.Select(r => new
                    {
                        name = r.Name,
                        median_ms = r.Error is null ? Math.Round(r.MedianMs, 3) : (double?)null,
                        min_ms = r.Error is null ? Math.Round(r.MinMs, 3) : (double?)null,
                        items_per_s = r.Error is null ? Math.Round(r.Items / (r.MedianMs / 1000), 1) : (double?)null,
                        error = r.Error,
                    }),
                }));
                return rows.Any(r => r.Error is not null) ? ExitCodes.Mismatch : ExitCodes.Ok;
            }
            o.WriteLine($"{modelPath}: {device.Name}, batch {items}, warm-up 1 + {runs} runs each, same feeds");
            foreach (var r in rows)
                o.WriteLine(r.Error is null
                    ? $"  {r.Name,-11} median {F(r.MedianMs)} ms, min {F(r.MinMs)} ms, {F(r.Items / (r.MedianMs / 1000))} items/s{(r.Note is null ? "" : "  [" + r.Note + "]")}"
                    : $"  {r.Name,-11} FAILED {r.Error}");
            var relay = rows.FirstOrDefault(r => r.Name == "relay-cuda" && r.Error is null);
            var relax = rows.FirstOrDefault(r => r.Name == "relax-cuda" && r.Error is null);
            if (relay is not null && relax is not null)
                o.WriteLine($"  relax-cuda / relay-cuda (median): {(relax.MedianMs / relay.MedianMs).ToString("0.00", CultureInfo.InvariantCulture)}×");
            return rows.Any(r => r.Error is not null) ? ExitCodes.Mismatch : ExitCodes.Ok;
        });
    }

    private static Row Time(string name, int runs, long items, Action body, string? note)
    {
        var (median, min) = BenchTiming.MedianMin(runs, body); // the warm-up run compiles the kernels (PTX JIT), allocates the arena, uploads weights
        return new Row(name, median, min, items, null, note);
    }

    private static string F(double x) => x.ToString("0.00", CultureInfo.InvariantCulture);
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bridge.Backends.Cpu.Runtime;
using Bridge.Compat.Check;
using Bridge.Compat.Cpu;
using Bridge.Compat.Inputs;
using Bridge.Compat.Reference;
using Bridge.Core.Files;

namespace Bridge.Cli;

/// <summary>
/// <c>--backend cpu</c> of run, check and bench (the verbs keep a few lines of hook; the work is here and in
/// <see cref="CpuPaths"/>).
/// </summary>
public static class CpuBackendCli
{
    public static Option<string> BackendOption()
    {
        var o = new Option<string>("--backend")
        {
            Description = "reference (the interpreters), cpu (compiled: generated C, docs/cpu-backend.md) or cuda (ILGPU kernels, docs/cuda-backend.md; --simulate without a GPU)",
            DefaultValueFactory = _ => "reference",
        };
        // checked while parsing, so every verb refuses an unknown backend the same way (exit 2) before it loads anything
        o.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } v && v is not ("reference" or "cpu" or "cuda"))
                r.AddError($"error {InterpCliDiagnosticIds.BadOption}: --backend {v}: reference, cpu or cuda");
        });
        return o;
    }

    public static bool IsCpu(string? backend) => backend switch
    {
        null or "reference" => false,
        "cpu" => true,
        "cuda" => false, // CudaBackendCli
        _ => throw new BridgeException(InterpCliDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, $"--backend {backend}: reference, cpu or cuda"),
    };

    // ---- run ------------------------------------------------------------------------------------------------------------

    /// <summary><c>bridge run MODEL|model.so --backend cpu</c>: compiles the chosen IR (default relax) or loads a compiled library, runs it.</summary>
    public static int Run(CliContext ctx, string modelPath, string? inputsPath, string outPath, string? path, ulong seed, string[] dims, string entry, int? threads) =>
        ctx.Guard(() =>
        {
            var given = inputsPath is null ? null : TensorFiles.Load(inputsPath).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
            IReadOnlyList<(string, Tensor)> outs;
            string what;
            if (modelPath.EndsWith(".so", StringComparison.Ordinal))
            {
                using var nm = NativeModel.Open(Path.GetFullPath(modelPath));
                if (threads is { } t) nm.SetThreads(t);
                var specs = nm.Inputs.Select(i => new InputSpec(i.Name, i.DType, [.. i.Dims.Select(d => new InputDim(d < 0 ? null : d, d < 0 ? "?" : null))])).ToList();
                var overrides = RandomInputs.ParseDimOverrides(dims);
                var feeds = new Dictionary<string, Tensor>(RandomInputs.For(specs, seed, overrides), StringComparer.Ordinal);
                var generated = specs.Where(s => given is null || !given.ContainsKey(s.Name)).Select(s => s.Name).ToList();
                if (given is not null) foreach (var (k, v) in given) feeds[k] = v;
                outs = [.. nm.Run([.. specs.Select(s => feeds[s.Name])]).Select((x, i) => (nm.Outputs[i].Name, x))];
                what = "the compiled library";
                if (generated.Count > 0) ctx.Out.WriteLine($"  inputs generated (seed {seed}, symbolic dims 1 unless --dim ?=N): {string.Join(", ", generated)}");
            }
            else
            {
                var load = new LoadOptions { Seed = seed, Dims = RandomInputs.ParseDimOverrides(dims), Shapes = dims };
                var m = LoadedModel.Load(modelPath, load);
                var options = new CheckOptions { Load = load, Inputs = given, InputsOrigin = inputsPath, Entry = entry };
                var (feeds, bindings, generated) = ModelChecker.Prepare(m, options);
                var ir = CpuPaths.Ir(path ?? "relax");
                using var cm = CpuPaths.Compile(m, ir, bindings.Values, entry, load);
                if (threads is { } t) cm.SetThreads(t);
                outs = CpuPaths.Run(cm, m, feeds);
                what = $"the compiled {ir} path ({cm.Report.Summary})";
                CheckCommand.WriteInputsSummary(ctx.Out, bindings, generated, given?.Keys, seed);
            }
            NpzFile.Write(outPath, outs);
            ctx.Out.WriteLine($"{modelPath}: ran {what}, {outs.Count} output(s) -> {outPath}");
            foreach (var (n, t) in outs) ctx.Out.WriteLine($"  {n}: {t}");
            return ExitCodes.Ok;
        });

    // ---- check ----------------------------------------------------------------------------------------------------------

    /// <summary>Adds the compiled rows to a finished check and prints the compile summaries.</summary>
    public static void AddToCheck(CliContext ctx, CheckReport report, string modelPath, CheckOptions options)
    {
        foreach (var note in CpuPaths.AddToCheck(report, modelPath, options)) ctx.Out.WriteLine($"  compiled {note}");
    }

    // ---- bench ----------------------------------------------------------------------------------------------------------

    public sealed record BenchOptions(Option<string> Backend, Option Threads, Option Json);

    /// <summary>Adds <c>--backend</c> (and <c>--threads</c>/<c>--json</c> unless the kernel bench added them) to bench.</summary>
    public static BenchOptions AddTo(Command cmd)
    {
        var backend = BackendOption();
        cmd.Options.Add(backend);
        var threads = cmd.Options.FirstOrDefault(o => o.Name == "--threads") ?? Add(cmd, new Option<int?>("--threads") { Description = "threads (default: all cores)" });
        var json = cmd.Options.FirstOrDefault(o => o.Name == "--json") ?? Add(cmd, new Option<bool>("--json") { Description = "one JSON object on stdout" });
        return new BenchOptions(backend, threads, json);
    }

    private static Option Add(Command cmd, Option o) { cmd.Options.Add(o); return o; }

    private sealed record Row(string Name, double MedianMs, double MinMs, string? Error, string? Note);

    /// <summary>
    /// <c>bench --model M --backend cpu [--threads N] [--json]</c>: ONNX Runtime, the compiled Relay and the compiled Relax path
    /// on the same feeds: warm-up, then median and min of N runs each, with the ratios. Null when the options do not ask for it.
    /// </summary>
    public static int? TryBench(CliContext ctx, ParseResult p, BenchOptions opts, string? modelPath, int repeat)
    {
        if (!IsCpu(p.GetValue(opts.Backend))) return null;
        return ctx.Guard(() =>
        {
            if (modelPath is null) throw new BridgeException(InterpCliDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, "--backend cpu needs --model M");
            var t = p.GetResult(opts.Threads)?.GetValueOrDefault<object?>();
            var threads = t is null ? Environment.ProcessorCount : Convert.ToInt32(t, CultureInfo.InvariantCulture);
            var json = p.GetResult(opts.Json)?.GetValueOrDefault<object?>() is true;
            var runs = Math.Max(5, repeat);
            var m = LoadedModel.Load(modelPath, new LoadOptions());
            var dims = ModelChecker.ResolveDims(m, new CheckOptions());
            var feeds = CpuPaths.BenchFeeds(m, new Dictionary<string, long>());
            var rows = new List<Row>();
            if (m.Kind == ModelKind.Onnx)
            {
                using var ort = new OnnxRuntimeReference(modelPath, new OrtOptions { IntraOpThreads = threads });
                var ortFeeds = ort.Inputs.Where(s => feeds.ContainsKey(s.Name)).ToDictionary(s => s.Name, s => feeds[s.Name], StringComparer.Ordinal);
                rows.Add(Time("ort", runs, () => ort.Run(ortFeeds), null));
            }
            foreach (var name in CpuPaths.Names)
            {
                try
                {
                    using var cm = CpuPaths.Compile(m, CpuPaths.Ir(name), dims.Values);
                    cm.SetThreads(threads);
                    var inputs = CpuPaths.Feeds(cm, m, feeds);
                    rows.Add(Time(name, runs, () => cm.Run(inputs), cm.Report.Summary));
                }
                catch (BridgeException ex)
                {
                    rows.Add(new Row(name, double.NaN, double.NaN, $"{ex.Diagnostic.Id} {ex.Diagnostic.Message}", null));
                }
            }
            var o = ctx.Out;
            if (json)
            {
                o.WriteLine(JsonSerializer.Serialize(new
                {
                    model = Path.GetFileName(modelPath),
                    threads,
                    // A path that failed is a row with its error (never left out, which would read as "not asked for").
                    results = rows.Select(r => new
                    {
                        name = r.Name,
                        median_ms = r.Error is null ? Math.Round(r.MedianMs, 3) : (double?)null,
                        min_ms = r.Error is null ? Math.Round(r.MinMs, 3) : (double?)null,
                        error = r.Error,
                    }),
                }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));
                return rows.Any(r => r.Error is not null) ? ExitCodes.Mismatch : ExitCodes.Ok;
            }
            o.WriteLine($"{modelPath}: {threads} thread(s), warm-up 1 + {runs} runs each, same feeds; load average {LoadAverage()}");
            foreach (var r in rows)
                o.WriteLine(r.Error is null
                    ? $"  {r.Name,-10} median {F(r.MedianMs)} ms, min {F(r.MinMs)} ms{(r.Note is null ? "" : "  [" + r.Note + "]")}"
                    : $"  {r.Name,-10} FAILED {r.Error}");
            var ortRow = rows.FirstOrDefault(r => r.Name == "ort" && r.Error is null);
            var relay = rows.FirstOrDefault(r => r.Name == "relay-cpu" && r.Error is null);
            var relax = rows.FirstOrDefault(r => r.Name == "relax-cpu" && r.Error is null);
            if (ortRow is not null)
                foreach (var r in new[] { relay, relax }.OfType<Row>())
                    o.WriteLine($"  {r.Name} / ort (median): {(r.MedianMs / ortRow.MedianMs).ToString("0.00", CultureInfo.InvariantCulture)}×");
            if (relay is not null && relax is not null)
                o.WriteLine($"  relay-cpu / relax-cpu (median): {(relay.MedianMs / relax.MedianMs).ToString("0.00", CultureInfo.InvariantCulture)}×");
            return rows.Any(r => r.Error is not null) ? ExitCodes.Mismatch : ExitCodes.Ok;
        });
    }

    private static Row Time(string name, int runs, Action body, string? note)
    {
        var (median, min) = BenchTiming.MedianMin(runs, body); // the warm-up run first-touches buffers
        return new Row(name, median, min, null, note);
    }

    private static string F(double ms) => ms.ToString("0.00", CultureInfo.InvariantCulture);

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }
}

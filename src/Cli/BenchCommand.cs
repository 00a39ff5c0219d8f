using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Bridge.Compat.Reference;
using Bridge.Ir.Relay;
using Bridge.Translators.RelayToRelax;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge bench [--relay-parse N] [--translate N] [--model M.onnx] [--import M.onnx] [--reference M.relay]</c>: prints timings.
/// Figures, not tests: each measurement is repeated and the best and median are printed.
/// </summary>
public static class BenchCommand
{
    public static Command Create(CliContext ctx)
    {
        var parse = new Option<int?>("--relay-parse") { Description = "parse + type-check a generated N-node Relay module" };
        var translate = new Option<int?>("--translate") { Description = "Relay→Relax on a generated N-node module" };
        var model = new Option<string?>("--model") { Description = "ONNX model: ONNX Runtime latency (2 threads) vs the reference interpreter" };
        var import = new Option<string?>("--import") { Description = "ONNX model: import vs ONNX Runtime session creation" };
        var reference = new Option<string?>("--reference") { Description = "any model the pipeline reads (Relay text/JSON, Relax TVMScript/JSON, ONNX, TorchScript): reference interpreter latency (.pt: import time too; ONNX: as --model)" };
        var repeat = new Option<int>("--repeat") { Description = "repetitions", DefaultValueFactory = _ => 3 };
        var profile = new Option<bool>("--profile") { Description = "with --reference/--model: also print time per op (one extra run per interpreter)" };
        var dim = DimOption.Create();
        var cmd = new Command("bench", "Print timings of parsing, translation and execution.") { parse, translate, model, import, reference, repeat, profile, dim };
        var kernelOptions = BenchKernels.AddTo(cmd);
        var cpuOptions = CpuBackendCli.AddTo(cmd);
        var simulate = CudaBackendCli.AddTo(cmd);
        cmd.SetAction(p => BenchKernels.TryRun(ctx, p, kernelOptions, p.GetValue(repeat)) ??
            CudaBackendCli.TryBench(ctx, p.GetValue(cpuOptions.Backend), p.GetValue(simulate), p.GetResult(cpuOptions.Json)?.GetValueOrDefault<object?>() is true, p.GetValue(model), p.GetValue(repeat), p.GetValue(dim) ?? []) ?? CpuBackendCli.TryBench(ctx, p, cpuOptions, p.GetValue(model), p.GetValue(repeat)) ?? Run(ctx, p.GetValue(parse), p.GetValue(translate), p.GetValue(model), p.GetValue(import), p.GetValue(reference), p.GetValue(repeat), p.GetValue(profile),
            p.GetValue(dim) ?? []));
        return cmd;
    }

    public static int Run(CliContext ctx, int? parse, int? translate, string? model, string? import, string? reference, int repeat, bool profile = false,
        string[]? dims = null) => ctx.Guard(() =>
    {
        var o = ctx.Out;
        repeat = Math.Max(1, repeat);
        if (parse is { } n)
        {
            var text = RelayBenchModules.ChainText(n);
            Report(o, $"relay parse+typecheck {n} nodes", repeat, () => RelayTypeInference.InferModule(Ir.Relay.Text.RelayTextReader.ParseModule(text, "<bench>")));
        }
        if (translate is { } t)
        {
            var m = RelayBenchModules.Chain(t);
            RelayTypeInference.InferModule(m);
            Report(o, $"relay→relax translate {t} nodes", repeat, () => RelayToRelaxTranslator.Translate(m));
        }
        if (reference is { } rp)
        {
            // One loader for every verb: the file is sniffed once and every format the pipeline reads is timed on its own paths.
            var input = Compat.Pipeline.ModelInput.Open(rp);
            var shapes = Compat.Pipeline.ShapeArgs.Parse(dims ?? [], "--dim");
            Compat.Pipeline.OptionRules.Enforce("bench", input, Compat.Pipeline.OptionRules.Given(("--dim", !shapes.IsEmpty)));
            if (input.Kind == Compat.Pipeline.InputKind.TorchScript) BenchTorchScript.Run(o, rp, repeat, shapes.TorchEntries());
            else if (input.Kind == Compat.Pipeline.InputKind.Onnx) model ??= rp; // the ONNX paths below (ONNX Runtime, Relay, Relax)
            else BenchReference(o, input, repeat, profile, shapes.OnlyDims("bench --dim", $"to {Compat.Pipeline.ModelInput.Describe(input.Kind)}"));
        }
        if (model is { } mp)
        {
            using var ort = new OnnxRuntimeReference(mp, new OrtOptions { IntraOpThreads = 2 });
            var feeds = Compat.Inputs.RandomInputs.For(ort.Inputs, 0);
            ort.Run(feeds);
            var ortBest = Report(o, $"onnxruntime (2 threads) {Path.GetFileName(mp)}", repeat, () => ort.Run(feeds));
            // Both reference paths on the same feeds; named dims take the feeds' sizes (RandomInputs uses 1), weights inline.
            var specs = ort.Inputs;
            var importOptions = Compat.Check.ModelChecker.OnnxImportOptionsFor(specs, new Dictionary<string, long>());
            var relayModule = Translators.Onnx.OnnxImport.ToRelay(mp, importOptions).Module;
            var relaxResult = Translators.Onnx.OnnxImport.ToRelax(mp, importOptions);
            void RunRelay(Action<Backends.Reference.TraceEvent>? trace) =>
                Compat.Check.ModelChecker.RunOnnxRelay(relayModule, specs, feeds, "main", default, trace);
            void RunRelax(Action<Backends.Reference.TraceEvent>? trace) =>
                Compat.Check.ModelChecker.RunOnnxRelax(relaxResult.Module, relaxResult.Params, specs, feeds, "main", default, trace);
            RunRelay(null);
            RunRelax(null);
            var relayBest = Report(o, $"relay reference interpreter {Path.GetFileName(mp)}", repeat, () => RunRelay(null));
            var relaxBest = Report(o, $"relax reference interpreter {Path.GetFileName(mp)}", repeat, () => RunRelax(null));
            o.WriteLine($"  ratio to onnxruntime (best): relay {Ratio(relayBest, ortBest)}×, relax {Ratio(relaxBest, ortBest)}×");
            if (profile)
            {
                Profile(o, "relay", RunRelay);
                Profile(o, "relax", RunRelax);
            }
        }
        if (import is { } ip)
        {
            // Import = load + translate to Relax + print TVMScript (weights as parameters, as TVM's keep_params_in_input).
            Translators.Onnx.OnnxImport.Bench(ip);
            var runs = new List<Translators.Onnx.OnnxImport.BenchResult>();
            for (var i = 0; i < repeat; i++) runs.Add(Translators.Onnx.OnnxImport.Bench(ip));
            var best = runs.MinBy(r => r.TotalMs)!;
            var median = runs.OrderBy(r => r.TotalMs).ElementAt(runs.Count / 2);
            o.WriteLine($"  onnx import+translate+print {Path.GetFileName(ip)}: best {F(best.TotalMs)} ms (load {F(best.LoadMs)}, translate {F(best.TranslateMs)}, " +
                $"print {F(best.PrintMs)}; {best.TextLength} chars), median {F(median.TotalMs)} ms ({repeat} runs)");
            var times = OnnxRuntimeReference.MeasureSessionCreation(ip, new OrtOptions { IntraOpThreads = 2 }, repeat);
            var ortBest = times.Min();
            o.WriteLine($"  onnxruntime session creation: best {Ms(ortBest)} ms, median {Ms(times.Order().ElementAt(times.Length / 2))} ms");
            o.WriteLine($"  ratio import / session creation (best): {(best.TotalMs / ortBest.TotalMilliseconds).ToString("0.00", CultureInfo.InvariantCulture)}");
        }
        if (parse is null && translate is null && model is null && import is null && reference is null)
            o.WriteLine("nothing to measure: give --relay-parse N, --translate N, --reference M.relay, --model M.onnx, --import M.onnx or --kernels");
        return ExitCodes.Ok;
    });

    /// <summary>A Relay model (text or JSON) on both reference interpreters, or a Relax model (TVMScript or JSON) on the Relax one.</summary>
    private static void BenchReference(TextWriter o, Compat.Pipeline.ModelInput input, int repeat, bool profile, Compat.Pipeline.ShapeArgs shapes)
    {
        var load = new Compat.Check.LoadOptions { RandomWeights = true, Dims = shapes.Dims }; // timing only: values do not matter
        var lm = Compat.Check.LoadedModel.Load(input, load);
        var inputs = lm.MakeInputs(load);
        var name = Path.GetFileName(input.Path);
        var relax = lm.Relay is null ? lm.Relax! : Compat.Check.ModelChecker.Translate(lm);
        if (lm.Relay is not null)
            Report(o, $"relay interpreter {name}", repeat, () => Compat.Check.ModelChecker.RunRelay(lm, inputs, "main", null, default));
        Report(o, $"relax interpreter {name}", repeat, () => Compat.Check.ModelChecker.RunRelax(relax, lm, inputs, "main", null, default));
        if (!profile) return;
        if (lm.Relay is not null) Profile(o, "relay", trace => Compat.Check.ModelChecker.RunRelay(lm, inputs, "main", trace, default));
        Profile(o, "relax", trace => Compat.Check.ModelChecker.RunRelax(relax, lm, inputs, "main", trace, default));
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
    private static string F(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture);
    private static string Ratio(TimeSpan a, TimeSpan b) => (a.TotalMilliseconds / b.TotalMilliseconds).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>
    /// Time per op name over one run: the trace hook fires after each op, so the time between two events is the later op
    /// (its arguments are already evaluated values). Prints the ops taking the most time first.
    /// </summary>
    private static void Profile(TextWriter o, string what, Action<Action<Backends.Reference.TraceEvent>> run)
    {
        var totals = new Dictionary<string, (double Ms, int Count)>();
        var sw = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        run(e =>
        {
            var now = sw.Elapsed;
            var (ms, count) = totals.GetValueOrDefault(e.Op);
            totals[e.Op] = (ms + (now - last).TotalMilliseconds, count + 1);
            last = sw.Elapsed;
        });
        var total = sw.Elapsed.TotalMilliseconds;
        o.WriteLine($"  {what} profile: {total.ToString("0.0", CultureInfo.InvariantCulture)} ms in one run");
        foreach (var (op, (ms, count)) in totals.OrderByDescending(kv => kv.Value.Ms).Take(12))
            o.WriteLine($"    {op,-28} {ms.ToString("0.0", CultureInfo.InvariantCulture),8} ms  {count,4} calls");
    }

    /// <summary>Runs <paramref name="body"/> <paramref name="repeat"/> times, prints best and median, returns the best.</summary>
    private static TimeSpan Report(TextWriter o, string what, int repeat, Action body)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < repeat; i++)
        {
            var sw = Stopwatch.StartNew();
            body();
            times.Add(sw.Elapsed);
        }
        times.Sort();
        o.WriteLine($"  {what}: best {Ms(times[0])} ms, median {Ms(times[times.Count / 2])} ms ({repeat} runs)");
        return times[0];
    }
}

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
        var reference = new Option<string?>("--reference") { Description = "Relay text model: Relay and Relax reference interpreter latency" };
        var repeat = new Option<int>("--repeat") { Description = "repetitions", DefaultValueFactory = _ => 3 };
        var cmd = new Command("bench", "Print timings of parsing, translation and execution.") { parse, translate, model, import, reference, repeat };
        cmd.SetAction(p => Run(ctx, p.GetValue(parse), p.GetValue(translate), p.GetValue(model), p.GetValue(import), p.GetValue(reference), p.GetValue(repeat)));
        return cmd;
    }

    public static int Run(CliContext ctx, int? parse, int? translate, string? model, string? import, string? reference, int repeat) => ctx.Guard(() =>
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
            var lm = Compat.Check.LoadedModel.Load(rp);
            var inputs = lm.MakeInputs(new Compat.Check.LoadOptions());
            var relax = Compat.Check.ModelChecker.Translate(lm);
            Report(o, $"relay interpreter {Path.GetFileName(rp)}", repeat, () => Compat.Check.ModelChecker.RunRelay(lm, inputs, "main", null, default));
            Report(o, $"relax interpreter {Path.GetFileName(rp)}", repeat, () => Compat.Check.ModelChecker.RunRelax(relax, lm, inputs, "main", null, default));
        }
        if (model is { } mp)
        {
            using var ort = new OnnxRuntimeReference(mp, new OrtOptions { IntraOpThreads = 2 });
            var feeds = Compat.Inputs.RandomInputs.For(ort.Inputs, 0);
            ort.Run(feeds);
            Report(o, $"onnxruntime (2 threads) {Path.GetFileName(mp)}", repeat, () => ort.Run(feeds));
            o.WriteLine("  reference interpreter on ONNX: unavailable in this build (needs the ONNX→Relax emitter); use --reference MODEL.relay");
        }
        if (import is { } ip)
        {
            Report(o, $"onnx import (loader) {Path.GetFileName(ip)}", repeat, () => Importers.Onnx.OnnxModelLoader.Load(ip));
            var times = OnnxRuntimeReference.MeasureSessionCreation(ip, new OrtOptions { IntraOpThreads = 2 }, repeat);
            o.WriteLine($"  onnxruntime session creation: best {Ms(times.Min())} ms, median {Ms(times.Order().ElementAt(times.Length / 2))} ms");
            o.WriteLine("  onnx translate+print: unavailable in this build (needs the ONNX→Relax emitter)");
        }
        if (parse is null && translate is null && model is null && import is null && reference is null)
            o.WriteLine("nothing to measure: give --relay-parse N, --translate N, --reference M.relay, --model M.onnx or --import M.onnx");
        return ExitCodes.Ok;
    });

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);

    private static void Report(TextWriter o, string what, int repeat, Action body)
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
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bridge.Backends.Cpu;
using Bridge.Backends.Reference;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge bench --kernels [--threads N] [--json] [--repeat R]</c>: the C kernel library's figures. The core clock is
/// measured from a chain of dependent FMAs (latency 4 cycles on Zen 2–4 and Skylake-class cores), so the fp32 peak is
/// threads × 2 FMA pipes × 8 lanes × 2 flops × clock. GEMM GFLOP/s for square shapes and resnet50's conv-as-GEMM shapes
/// (M = out channels, N = output pixels, K = in channels·kh·kw), then every applicable conv algorithm on resnet50 (and
/// mobilenet depthwise) layer shapes next to the reference kernel. With one thread times are CPU time (the calling
/// thread's for the C kernels, the process's for the reference), robust to other work on the machine; with more, wall time. The load average is printed with the figures.
/// </summary>
public static class BenchKernels
{
    /// <summary>The options this verb adds to <c>bench</c>; <c>--threads</c> and <c>--json</c> are shared with other bench modes when present.</summary>
    public sealed record Options(Option<bool> Kernels, Option Threads, Option Json);

    public static Options AddTo(Command cmd)
    {
        var kernels = new Option<bool>("--kernels") { Description = "the C kernel library: GEMM GFLOP/s vs measured peak, conv algorithms vs the reference kernel" };
        cmd.Options.Add(kernels);
        var threads = cmd.Options.FirstOrDefault(o => o.Name == "--threads") ?? Add(cmd, new Option<int?>("--threads") { Description = "threads for the kernels (default: all cores)" });
        var json = cmd.Options.FirstOrDefault(o => o.Name == "--json") ?? Add(cmd, new Option<bool>("--json") { Description = "one JSON object on stdout" });
        return new Options(kernels, threads, json);
    }

    private static Option Add(Command cmd, Option o)
    {
        cmd.Options.Add(o);
        return o;
    }

    /// <summary>Runs the kernel bench when <c>--kernels</c> was given; null otherwise.</summary>
    public static int? TryRun(CliContext ctx, ParseResult p, Options opts, int repeat)
    {
        if (!p.GetValue(opts.Kernels)) return null;
        var t = p.GetResult(opts.Threads)?.GetValueOrDefault<object?>();
        var json = p.GetResult(opts.Json)?.GetValueOrDefault<object?>() is true;
        return ctx.Guard(() => Run(ctx.Out, t is null ? Environment.ProcessorCount : Convert.ToInt32(t, CultureInfo.InvariantCulture), json, Math.Max(10, repeat)));
    }

    private sealed record GemmRow(string Name, long M, long N, long K, double Ms, double Gflops, double PctPeak);
    private sealed record ConvRow(string Layer, string Shape, string Chosen, Dictionary<string, double> AlgorithmMs, double ReferenceMs, double Speedup);

    private static readonly (string Name, long M, long N, long K)[] GemmShapes =
    [
        ("256^3", 256, 256, 256), ("1024^3", 1024, 1024, 1024),
        ("r50 conv1 7x7 (im2col)", 64, 12544, 147), ("r50 l1 3x3", 64, 3136, 576), ("r50 l1 1x1 64->256", 256, 3136, 64),
        ("r50 l1 1x1 256->64", 64, 3136, 256), ("r50 l2 3x3", 128, 784, 1152), ("r50 l2 1x1 128->512", 512, 784, 128),
        ("r50 l3 3x3", 256, 196, 2304), ("r50 l3 1x1 256->1024", 1024, 196, 256), ("r50 l4 3x3", 512, 49, 4608),
        ("r50 l4 1x1 512->2048", 2048, 49, 512), ("r50 fc (batch 1)", 1, 1000, 2048),
    ];

    private static readonly (string Name, NativeConv2dParams P)[] ConvShapes =
    [
        ("r50 conv1 7x7/2", NativeConv2dParams.Create(1, 3, 224, 224, 64, 7, 7, 2, 3)),
        ("r50 l1 1x1 64->64", NativeConv2dParams.Create(1, 64, 56, 56, 64, 1, 1)),
        ("r50 l1 3x3 64", NativeConv2dParams.Create(1, 64, 56, 56, 64, 3, 3, 1, 1)),
        ("r50 l1 1x1 64->256", NativeConv2dParams.Create(1, 64, 56, 56, 256, 1, 1)),
        ("r50 l2 3x3/2 128", NativeConv2dParams.Create(1, 128, 56, 56, 128, 3, 3, 2, 1)),
        ("r50 l2 3x3 128", NativeConv2dParams.Create(1, 128, 28, 28, 128, 3, 3, 1, 1)),
        ("r50 l2 down 1x1/2 256->512", NativeConv2dParams.Create(1, 256, 56, 56, 512, 1, 1, 2, 0)),
        ("r50 l3 3x3 256", NativeConv2dParams.Create(1, 256, 14, 14, 256, 3, 3, 1, 1)),
        ("r50 l3 1x1 1024->256", NativeConv2dParams.Create(1, 1024, 14, 14, 256, 1, 1)),
        ("r50 l4 3x3 512", NativeConv2dParams.Create(1, 512, 7, 7, 512, 3, 3, 1, 1)),
        ("r50 l4 1x1 512->2048", NativeConv2dParams.Create(1, 512, 7, 7, 2048, 1, 1)),
        ("mbv2 dw 3x3 32@112", NativeConv2dParams.Create(1, 32, 112, 112, 32, 3, 3, 1, 1, 1, 32)),
        ("mbv2 dw 3x3/2 144@56", NativeConv2dParams.Create(1, 144, 56, 56, 144, 3, 3, 2, 1, 1, 144)),
        ("mbv2 dw 3x3/2 96@112", NativeConv2dParams.Create(1, 96, 112, 112, 96, 3, 3, 2, 1, 1, 96)),
        ("mbv2 dw 3x3 144@56", NativeConv2dParams.Create(1, 144, 56, 56, 144, 3, 3, 1, 1, 1, 144)),
        ("mbv2 dw 3x3 576@14", NativeConv2dParams.Create(1, 576, 14, 14, 576, 3, 3, 1, 1, 1, 576)),
        ("mbv2 dw 3x3 960@7", NativeConv2dParams.Create(1, 960, 7, 7, 960, 3, 3, 1, 1, 1, 960)),
        ("effb0 dw 5x5 240@14", NativeConv2dParams.Create(1, 240, 14, 14, 240, 5, 5, 1, 2, 1, 240)),
        ("effb0 dw 5x5/2 144@56", NativeConv2dParams.Create(1, 144, 56, 56, 144, 5, 5, 2, 2, 1, 144)),
        ("mbv2 pw 1x1 16->96 @112", NativeConv2dParams.Create(1, 16, 112, 112, 96, 1, 1)),
        ("mbv2 pw 1x1 32->16 @112", NativeConv2dParams.Create(1, 32, 112, 112, 16, 1, 1)),
        ("mbv2 pw 1x1 144->24 @56", NativeConv2dParams.Create(1, 144, 56, 56, 24, 1, 1)),
        ("mbv2 pw 1x1 24->144 @56", NativeConv2dParams.Create(1, 24, 56, 56, 144, 1, 1)),
        ("mbv2 pw 1x1 576->96 @14", NativeConv2dParams.Create(1, 576, 14, 14, 96, 1, 1)),
        ("mbv2 pw 1x1 320->1280 @7", NativeConv2dParams.Create(1, 320, 7, 7, 1280, 1, 1)),
        ("mbv2 stem 3x3/2 3->32", NativeConv2dParams.Create(1, 3, 224, 224, 32, 3, 3, 2, 1)),
    ];

    private static readonly string[] Algorithms = ["im2col", "1x1", "pointwise", "depthwise", "winograd"];

    public static int Run(TextWriter o, int threads, bool json, int repeat)
    {
        threads = Math.Max(1, threads);
        NativeKernels.Threads = threads;
        var savedRefThreads = Gemm.Threads;
        Gemm.Threads = threads;
        try
        {
            var load = LoadAverage();
            // Clock: 4·iters dependent FMAs of latency 4 → 16·iters cycles; best of 5 against preemption.
            const long chain = 20_000_000;
            var clock = Enumerable.Range(0, 5).Max(_ => 16.0 * chain / NativeKernels.FmaChainSeconds(chain) / 1e9);
            var fma = Enumerable.Range(0, 5).Max(_ => NativeKernels.FmaThroughputGflops(5_000_000));
            var peak1 = 2 * 8 * 2 * clock;
            var peak = peak1 * threads;
            var timer = threads == 1 ? "CPU time (calling thread for the C kernels, process for the reference)" : "wall time";
            if (!json)
            {
                o.WriteLine($"kernel library: {NativeKernels.LibraryPath}");
                o.WriteLine($"threads {threads}; load average {load} (figures are rough while other work runs); times are {timer}, best of {repeat}");
                o.WriteLine($"clock {F(clock, "0.00")} GHz (dependent FMA chain, latency 4) → fp32 peak {F(peak1, "0.0")} GFLOP/s per core, {F(peak, "0.0")} for {threads}; " +
                    $"measured FMA throughput {F(fma, "0.0")} GFLOP/s per core");
                o.WriteLine();
                o.WriteLine($"{"GEMM (M×N×K)",-42} {"ms",9} {"GFLOP/s",9} {"% peak",7}");
            }
            var gemms = new List<GemmRow>();
            foreach (var (name, m, n, k) in GemmShapes)
            {
                var a = Fill(m * k, 1);
                var packed = NativeKernels.PackB(k, n, Fill(k * n, 2), n, false);
                var c = new float[m * n];
                var s = Time(threads, repeat, () => NativeKernels.GemmPacked(m, n, k, a, k, packed, c, n));
                var gf = 2.0 * m * n * k / s / 1e9;
                var row = new GemmRow(name, m, n, k, s * 1e3, gf, 100 * gf / peak);
                gemms.Add(row);
                if (!json) o.WriteLine($"{$"{name} {m}×{n}×{k}",-42} {F(row.Ms, "0.000"),9} {F(gf, "0.0"),9} {F(row.PctPeak, "0"),6}%");
            }
            if (!json)
            {
                o.WriteLine();
                o.WriteLine($"{"conv2d (batch 1)",-28} {"chosen",-10} {"per algorithm, ms",-44} {"reference ms",12} {"speedup",8}");
            }
            var convs = new List<ConvRow>();
            foreach (var (name, p) in ConvShapes)
            {
                var x = Fill(p.N * p.C * p.H * p.W, 3);
                var w = Fill(p.OC * (p.C / p.Groups) * p.KH * p.KW, 4);
                var y = new float[p.N * p.OC * p.OH * p.OW];
                var chosen = NativeKernels.ConvAlgorithm(p);
                var perAlg = new Dictionary<string, double>();
                foreach (var alg in Algorithms)
                {
                    NativeKernels.ForceConvAlgorithm(alg);
                    try
                    {
                        if (NativeKernels.ConvAlgorithm(p) != alg) continue;
                        var packed = NativeKernels.ConvPackWeights(p, w);
                        var scratch = new float[Math.Max(1, NativeKernels.ConvScratchFloats(p))];
                        perAlg[alg] = 1e3 * Time(threads, repeat, () => NativeKernels.Conv2d(p, x, packed, y, null, scratch));
                    }
                    finally { NativeKernels.ForceConvAlgorithm(null); }
                }
                var xt = Tensor.FromArray(x, p.N, p.C, p.H, p.W);
                var wt = Tensor.FromArray(w, p.OC, p.C / p.Groups, p.KH, p.KW);
                var cp = new ConvParams([p.StrideH, p.StrideW], [p.PadT, p.PadL, p.PadB, p.PadR], [p.DilH, p.DilW], (int)p.Groups);
                var refMs = 1e3 * Time(threads, repeat, () => Conv.Forward(xt, wt, cp), native: false);
                var shape = $"{p.C}×{p.H}×{p.W}→{p.OC}×{p.OH}×{p.OW} k{p.KH} s{p.StrideH}" + (p.Groups > 1 ? $" g{p.Groups}" : "");
                var row = new ConvRow(name, shape, chosen, perAlg, refMs, refMs / perAlg[chosen]);
                convs.Add(row);
                if (!json)
                {
                    var algs = string.Join(", ", perAlg.Select(kv => $"{kv.Key} {F(kv.Value, "0.000")}"));
                    o.WriteLine($"{name,-28} {chosen,-10} {algs,-44} {F(refMs, "0.000"),12} {F(row.Speedup, "0.0"),7}×");
                }
            }
            if (json)
            {
                var doc = new
                {
                    threads, load_average = load, timer, repeat, clock_ghz = clock, peak_gflops_per_core = peak1, peak_gflops = peak,
                    fma_gflops_per_core = fma,
                    gemm = gemms.Select(g => new { name = g.Name, m = g.M, n = g.N, k = g.K, ms = g.Ms, gflops = g.Gflops, pct_peak = g.PctPeak }),
                    conv = convs.Select(c => new { layer = c.Layer, shape = c.Shape, chosen = c.Chosen, algorithm_ms = c.AlgorithmMs, reference_ms = c.ReferenceMs, speedup = c.Speedup }),
                };
                o.WriteLine(JsonSerializer.Serialize(doc));
            }
            return ExitCodes.Ok;
        }
        finally { Gemm.Threads = savedRefThreads; }
    }

    /// <summary>
    /// Best of <paramref name="repeat"/> runs after one warm-up, in seconds. One thread: the C kernels run on the calling
    /// thread (OpenMP's master), so its CPU time is exact; the reference kernel may hop threads, so it gets process CPU
    /// time. More threads: wall time.
    /// </summary>
    private static double Time(int threads, int repeat, Action body, bool native = true)
    {
        body();
        var best = double.MaxValue;
        using var proc = Process.GetCurrentProcess();
        for (var i = 0; i < repeat; i++)
        {
            double s;
            if (threads == 1 && native)
            {
                var c0 = NativeKernels.ThreadCpuSeconds();
                body();
                s = NativeKernels.ThreadCpuSeconds() - c0;
            }
            else if (threads == 1)
            {
                proc.Refresh();
                var t0 = proc.TotalProcessorTime;
                body();
                proc.Refresh();
                s = (proc.TotalProcessorTime - t0).TotalSeconds;
            }
            else
            {
                var sw = Stopwatch.StartNew();
                body();
                s = sw.Elapsed.TotalSeconds;
            }
            if (s > 0) best = Math.Min(best, s);
        }
        return best == double.MaxValue ? double.NaN : best;
    }

    private static float[] Fill(long n, int seed)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (var i = 0; i < n; i++) a[i] = (float)r.NextDouble() - 0.5f;
        return a;
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }

    private static string F(double v, string fmt) => v.ToString(fmt, CultureInfo.InvariantCulture);
}

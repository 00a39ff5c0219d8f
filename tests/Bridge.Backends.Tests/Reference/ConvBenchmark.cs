using System.Diagnostics;
using Bridge.Backends.Reference;

namespace Bridge.Backends.Tests.Reference;

/// <summary>
/// Scratch benchmark, not part of the suite ([Explicit]): runs the 53 convolutions of torchvision resnet50 (batch 1, 224×224)
/// through <see cref="Conv.Forward"/> and prints the total. Run with
/// <c>dotnet test tests/Bridge.Backends.Tests -c Release --filter Name=ResNet50_convs -- NUnit.Explicit=…</c> or
/// <c>--filter "FullyQualifiedName~ConvBenchmark"</c>.
/// </summary>
[TestFixture, Explicit("benchmark; prints timings"), Category("Benchmark")]
public sealed class ConvBenchmark
{
    /// <summary>(cin, cout, k, stride, pad, input size) for each resnet50 conv, in network order.</summary>
    public static List<(int Cin, int Cout, int K, int S, int P, int H)> ResNet50Convs()
    {
        var l = new List<(int, int, int, int, int, int)> { (3, 64, 7, 2, 3, 224) };
        var cin = 64;
        var h = 56;
        foreach (var (mid, blocks, stride) in new[] { (64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2) })
        {
            for (var b = 0; b < blocks; b++)
            {
                var s = b == 0 ? stride : 1;
                l.Add((cin, mid, 1, 1, 0, h));
                l.Add((mid, mid, 3, s, 1, h));
                var ho = (h + 2 - 3) / s + 1;
                l.Add((mid, mid * 4, 1, 1, 0, ho));
                if (b == 0) l.Add((cin, mid * 4, 1, s, 0, h));
                cin = mid * 4;
                h = ho;
            }
        }
        return l;
    }

    [Test]
    public void ResNet50_convs()
    {
        var convs = ResNet50Convs();
        Assert.That(convs, Has.Count.EqualTo(53));
        var rng = new Random(1);
        var work = convs.Select(c =>
        {
            var x = Tensor.FromArray(Enumerable.Range(0, c.Cin * c.H * c.H).Select(_ => (float)rng.NextDouble()).ToArray(), 1, c.Cin, c.H, c.H);
            var w = Tensor.FromArray(Enumerable.Range(0, c.Cout * c.Cin * c.K * c.K).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(), c.Cout, c.Cin, c.K, c.K);
            var p = new ConvParams([c.S, c.S], [c.P, c.P], [1, 1]);
            return (x, w, p, c);
        }).ToList();
        double flops = 0;
        foreach (var (x, w, p, c) in work)
        {
            var ho = (c.H + 2 * c.P - c.K) / c.S + 1;
            flops += 2.0 * c.Cout * ho * ho * c.Cin * c.K * c.K;
        }
        var times = new List<double>();
        for (var rep = 0; rep < 6; rep++)
        {
            var sw = Stopwatch.StartNew();
            foreach (var (x, w, p, _) in work) Conv.Forward(x, w, p);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var best = times[0];
        TestContext.Out.WriteLine($"resnet50 53 convs: median {times[times.Count / 2]:F1} ms, best {best:F1} ms, {flops / 1e9:F2} GFLOP, {flops / best / 1e6:F1} GFLOP/s (threads {Gemm.Threads}, NR {Gemm.NR})");
        // Per-conv minimum over 5 runs: robust to the shared machine's load spikes.
        var one = new List<string>();
        double sumMin = 0;
        foreach (var (x, w, p, c) in work)
        {
            var mn = double.MaxValue;
            for (var i = 0; i < 5; i++)
            {
                var sw = Stopwatch.StartNew();
                Conv.Forward(x, w, p);
                mn = Math.Min(mn, sw.Elapsed.TotalMilliseconds);
            }
            sumMin += mn;
            var ho = (c.H + 2 * c.P - c.K) / c.S + 1;
            one.Add($"{c}: {mn:F2} ms, {2.0 * c.Cout * ho * ho * c.Cin * c.K * c.K / mn / 1e6:F0} GFLOP/s");
        }
        TestContext.Out.WriteLine($"sum of per-conv minima: {sumMin:F1} ms");
        TestContext.Out.WriteLine(string.Join("\n", one));
    }
}

/// <summary>Scratch GEMM throughput check (explicit).</summary>
[TestFixture, Explicit("benchmark; prints timings"), Category("Benchmark")]
public sealed class GemmBenchmark
{
    [Test]
    public void Sgemm_throughput()
    {
        foreach (var (m, n, k) in new[] { (256, 3136, 64), (512, 512, 512), (64, 3136, 576) })
        {
            var a = new float[m * k]; var b = new float[k * n]; var c = new float[m * n];
            var rng = new Random(2);
            for (var i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble();
            for (var i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
            var best = double.MaxValue;
            for (var rep = 0; rep < 10; rep++)
            {
                var sw = Stopwatch.StartNew();
                Gemm.Sgemm(m, n, k, a, 0, k, false, b, 0, n, false, c, 0, n, false);
                best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
            }
            TestContext.Out.WriteLine($"sgemm {m}x{n}x{k}: best {best:F2} ms = {2.0 * m * n * k / best / 1e6:F1} GFLOP/s");
        }
    }
}

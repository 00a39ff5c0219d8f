using System.Diagnostics;
using Bridge.Backends.Reference;
using Bridge.Core.Tensors;

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
        var one = new List<string>();
        foreach (var (x, w, p, c) in work.Take(6))
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < 3; i++) Conv.Forward(x, w, p);
            one.Add($"{c}: {sw.Elapsed.TotalMilliseconds / 3:F2} ms");
        }
        TestContext.Out.WriteLine(string.Join("\n", one));
    }
}

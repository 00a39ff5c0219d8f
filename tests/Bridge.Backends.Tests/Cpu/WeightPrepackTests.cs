using Bridge.Backends.Cpu;
using Bridge.Backends.Cpu.Lowering;
using Bridge.Backends.Cpu.Runtime;
using Bridge.Backends.Reference;

namespace Bridge.Backends.Tests.Cpu;

/// <summary>
/// Compile-time weight packing (<see cref="WeightPrepack"/>) and the clamp epilogue (<see cref="ClampEpilogue"/>) on a
/// small Relay network (batch 2): a 3×3 conv (Winograd-sized), a depthwise 3×3 stride-2 conv and a
/// 1×1 conv, each followed by relu6 as <c>maximum(x, 0f)</c> / <c>minimum(x, 6f)</c> (how ONNX Clip reaches Relay), and a
/// dense layer. The packed weights must equal what the kernel library packs at run time, the raw weights must be left out
/// of the model, the generated code must not pack, and the compiled result must match the Relay interpreter.
/// </summary>
[TestFixture]
public sealed class WeightPrepackTests
{
    private const string Net = """
        #[version = "0.0.5"]
        def @main(%x: Tensor[(2, 16, 9, 11), float32], %w1: Tensor[(24, 16, 3, 3), float32], %b1: Tensor[(24), float32], %w2: Tensor[(24, 1, 3, 3), float32], %w3: Tensor[(8, 24, 1, 1), float32], %dw: Tensor[(5, 8), float32]) {
          %0 = nn.conv2d(%x, %w1, padding=[1, 1, 1, 1], kernel_size=[3, 3]);
          %1 = nn.bias_add(%0, %b1);
          %2 = maximum(%1, 0f);
          %3 = minimum(%2, 6f);
          %4 = nn.conv2d(%3, %w2, strides=[2, 2], padding=[1, 1, 1, 1], groups=24, kernel_size=[3, 3]);
          %5 = minimum(%4, 6f);
          %6 = maximum(%5, 0f);
          %7 = nn.conv2d(%6, %w3, padding=[0, 0, 0, 0], kernel_size=[1, 1]);
          %8 = minimum(%7, %7);
          %9 = nn.global_avg_pool2d(%8);
          %10 = nn.batch_flatten(%9);
          nn.dense(%10, %dw)
        }
        """;

    private static Tensor Rand(ulong seed, float scale, params long[] shape)
    {
        var t = Tensor.Zeros(DataType.Float32, shape);
        var s = t.Span<float>();
        var x = seed * 2654435761UL + 99;
        for (var i = 0; i < s.Length; i++)
        {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            s[i] = scale * (float)((x % 20000) / 10000.0 - 1.0);
        }
        return t;
    }

    private static (Ir.Relay.IRModule Module, Dictionary<string, Tensor> Weights) Parse()
    {
        var module = Ir.Relay.Text.RelayTextReader.ParseModule(Net, "prepack.relay");
        Ir.Relay.RelayTypeInference.InferModule(module);
        var weights = new Dictionary<string, Tensor>
        {
            // scaled so relu6's upper bound is reached by some outputs and not by others
            ["w1"] = Rand(1, 0.6f, 24, 16, 3, 3), ["b1"] = Rand(2, 1f, 24), ["w2"] = Rand(3, 2f, 24, 1, 3, 3),
            ["w3"] = Rand(4, 0.5f, 8, 24, 1, 1), ["dw"] = Rand(5, 1f, 5, 8),
        };
        return (module, weights);
    }

    [Test]
    public void ClipAsMaximumAndMinimumFusesIntoTheConvEpilogueInEitherOrder()
    {
        var (module, weights) = Parse();
        var groups = Fusion.Run(ConstantFolding.Run(RelayLowering.Lower(module, "main", weights))).Select(g => g.Describe()).ToList();
        Assert.That(groups.Take(3), Is.EqualTo(new[] { "conv2d+bias+clip", "conv2d+clip", "conv2d" }), string.Join(" | ", groups));
        Assert.That(groups, Has.Some.Contains("minimum"), "minimum of a tensor by a tensor is not a clamp and stays a separate group");
    }

    [Test]
    public void ConvAndDenseWeightsArePackedAtCompileTimeAsTheKernelPacksThemAtRunTime()
    {
        var (module, weights) = Parse();
        var groups = Fusion.Run(ConstantFolding.Run(RelayLowering.Lower(module, "main", weights)));
        var packed = WeightPrepack.Run(groups);
        var convs = groups.Where(g => g.Kind == GroupKind.Conv2d).ToList();
        Assert.That(convs.Select(g => packed[g.Index].Algorithm), Is.EqualTo(new[] { "winograd", "depthwise", "1x1" }));
        foreach (var g in convs)
        {
            var p = WeightPrepack.ConvParams(g.Anchor!)!.Value;
            // the run-time pack at another batch size: the layout must not depend on it
            var runtime = NativeKernels.ConvPackWeights(p with { N = 5 }, g.Anchor!.Inputs[1].Value!.Span<float>().ToArray());
            Assert.That(packed[g.Index].Floats, Is.EqualTo(runtime), packed[g.Index].Algorithm);
        }
        var dense = groups.Single(g => g.Kind == GroupKind.Matmul);
        var b = dense.Anchor!.Inputs[1];
        var t = ((MatmulAttrs)dense.Anchor.Attrs).TransB;
        long k = b.Shape[t ? 1 : 0].AsConst!.Value, n = b.Shape[t ? 0 : 1].AsConst!.Value;
        Assert.That(packed[dense.Index].Floats, Is.EqualTo(NativeKernels.PackB(k, n, b.Value!.Span<float>().ToArray(), t ? k : n, t)));

        var raw = WeightPrepackLayout.RawWeightsNotNeeded(groups, packed, []);
        Assert.That(raw, Is.EquivalentTo(packed.Values.Select(v => v.Weight.Id)), "no raw conv/dense weight is embedded");
    }

    [Test]
    public void CompiledCodeDoesNotPackAndMatchesTheRelayInterpreter()
    {
        var (module, weights) = Parse();
        using var cm = CpuCompiler.Compile(RelayLowering.Lower(module, "main", weights));
        Assert.That(cm.CSource, Does.Not.Contain("if (brg_pack_conv(m,"), "no conv packs at run time");
        Assert.That(cm.CSource, Does.Not.Contain("if (brg_pack_gemm(m,"), "no dense packs at run time");
        var x = Rand(6, 1f, 2, 16, 9, 11);
        foreach (var threads in new[] { 1, 2 })
        {
            cm.SetThreads(threads);
            var got = cm.Run(new Dictionary<string, Tensor> { ["x"] = x })[0];
            var want = new RelayInterpreter(module).Run(new Dictionary<string, Tensor>(weights) { ["x"] = x }).AsTensor();
            Assert.That(got.Shape, Is.EqualTo(want.Shape));
            var a = got.Span<float>();
            var e = want.Span<float>();
            for (var i = 0; i < a.Length; i++) Assert.That(a[i], Is.EqualTo(e[i]).Within(2e-4 * (1 + Math.Abs(e[i]))), $"element {i}, {threads} threads");
        }
    }
}

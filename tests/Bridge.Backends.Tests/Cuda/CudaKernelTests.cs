using Bridge.Backends.Cpu.Lowering;
using Bridge.Backends.Cuda;
using Bridge.Backends.Reference;
using Bridge.Ir.Relay;
using Bridge.Ir.Relay.Text;

namespace Bridge.Backends.Tests.Cuda;

/// <summary>
/// Every CUDA kernel kind under <c>--simulate</c> (ILGPU's CPU accelerator: 4-thread warps, 16-thread blocks, so warp
/// shuffles, cross-warp steps and partial tiles all run) on odd shapes, against the Relay reference interpreter.
/// </summary>
[TestFixture]
public sealed class CudaKernelTests
{
    internal static Tensor Rand(ulong seed, params long[] shape)
    {
        var t = Tensor.Zeros(DataType.Float32, shape);
        var s = t.Span<float>();
        var x = seed * 2654435761UL + 12345;
        for (var i = 0; i < s.Length; i++)
        {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            s[i] = (float)((x % 20000) / 10000.0 - 1.0);
        }
        return t;
    }

    internal static void AssertClose(Tensor actual, Tensor expected, double tol = 1e-5)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape));
        var a = actual.Span<float>();
        var e = expected.Span<float>();
        for (var i = 0; i < a.Length; i++)
        {
            if (float.IsNaN(e[i])) { Assert.That(a[i], Is.NaN, $"element {i}"); continue; }
            Assert.That(Math.Abs(a[i] - e[i]), Is.LessThanOrEqualTo(tol * (1 + Math.Abs(e[i]))), $"element {i}: {a[i]} vs {e[i]}");
        }
    }

    /// <summary>Compiles <paramref name="relay"/> (weights become constants) for the simulator and compares with the interpreter.</summary>
    private static CudaModel Check(string relay, Dictionary<string, Tensor> weights, Dictionary<string, Tensor> inputs, string expectKernel)
    {
        var module = RelayTextReader.ParseModule("#[version = \"0.0.5\"]\n" + relay, "kernel.relay");
        RelayTypeInference.InferModule(module);
        var cm = CudaCompiler.Compile(RelayLowering.Lower(module, "main", weights), simulate: true);
        var got = cm.Run(inputs)[0];
        var want = new RelayInterpreter(module).Run(new Dictionary<string, Tensor>(weights).Concat(inputs).ToDictionary()).AsTensor();
        AssertClose(got, want);
        Assert.That(cm.Groups.Select(cm.KernelOf).Select(k => k.ToString()), Does.Contain(expectKernel), cm.Report.Summary);
        Assert.That(cm.Report.FallbackOps, Is.Empty, cm.Report.Summary);
        return cm;
    }

    [Test]
    public void InjectiveChainWithTransposeBroadcastSliceAndReshape()
    {
        using var cm = Check("""
            def @main(%x: Tensor[(3, 5, 7), float32], %y: Tensor[(7, 1, 3), float32]) {
              %0 = transpose(%x, axes=[2, 1, 0]);
              %1 = add(%0, %y);
              %2 = strided_slice(%1, begin=[1, 0, 0], end=[7, 5, 3], strides=[2, 2, 1]);
              %3 = sigmoid(%2);
              %4 = reshape(%3, newshape=[9, 3]);
              %5 = clip(%4, a_min=0.3f, a_max=0.6f);
              multiply(%5, tanh(%4))
            }
            """, [], new() { ["x"] = Rand(1, 3, 5, 7), ["y"] = Rand(2, 7, 1, 3) }, "Injective");
        // %4 has two readers, so it is stored once; everything else is inlined into the two injective kernels
        Assert.That(cm.Groups.Select(cm.KernelOf), Is.EqualTo(new[] { GroupKernel.Injective, GroupKernel.Injective }));
    }

    [TestCase("sum(%0, axis=[1])")]
    [TestCase("mean(%0, axis=[0, 2], keepdims=True)")]
    [TestCase("max(%0, axis=[2])")]
    [TestCase("min(%0)")]
    public void ReductionWithPrologue(string reduce)
    {
        using var cm = Check($$"""
            def @main(%x: Tensor[(3, 37, 5), float32]) {
              %0 = exp(%x);
              {{reduce}}
            }
            """, [], new() { ["x"] = Rand(3, 3, 37, 5) }, "Reduce");
    }

    [Test]
    public void DenseWithBiasAndActivationEpilogue()
    {
        using var cm = Check("""
            def @main(%x: Tensor[(13, 19), float32], %w: Tensor[(11, 19), float32], %b: Tensor[(11), float32]) {
              %0 = nn.dense(%x, %w);
              %1 = nn.bias_add(%0, %b, axis=1);
              tanh(%1)
            }
            """, new() { ["w"] = Rand(4, 11, 19), ["b"] = Rand(5, 11) }, new() { ["x"] = Rand(6, 13, 19) }, "Matmul");
        Assert.That(cm.Groups.Select(g => g.Describe()), Is.EqualTo(new[] { "matmul+bias+tanh" }));
    }

    [Test]
    public void BatchedMatmulOfTwoActivations()
    {
        using var cm = Check("""
            def @main(%a: Tensor[(3, 5, 17), float32], %b: Tensor[(3, 9, 17), float32]) {
              nn.batch_matmul(%a, %b, transpose_b=True)
            }
            """, [], new() { ["a"] = Rand(7, 3, 5, 17), ["b"] = Rand(8, 3, 9, 17) }, "Matmul");
    }

    [Test]
    public void GroupedStridedDilatedConvolutionWithResidualEpilogue()
    {
        using var cm = Check("""
            def @main(%x: Tensor[(2, 4, 9, 11), float32], %w: Tensor[(6, 2, 3, 2), float32], %b: Tensor[(6), float32], %r: Tensor[(2, 6, 4, 6), float32]) {
              %0 = nn.conv2d(%x, %w, strides=[2, 2], padding=[1, 0, 2, 1], dilation=[2, 1], groups=2, channels=6, kernel_size=[3, 2]);
              %1 = nn.bias_add(%0, %b);
              %2 = add(%1, %r);
              nn.relu(%2)
            }
            """, new() { ["w"] = Rand(9, 6, 2, 3, 2), ["b"] = Rand(10, 6) }, new() { ["x"] = Rand(11, 2, 4, 9, 11), ["r"] = Rand(12, 2, 6, 4, 6) }, "Conv2d");
        Assert.That(cm.Groups.Select(g => g.Describe()), Is.EqualTo(new[] { "conv2d+bias+residual+relu" }));
    }

    [Test]
    public void DepthwiseConvolutionWithChannelMultiplier()
    {
        using var cm = Check("""
            def @main(%x: Tensor[(1, 3, 10, 7), float32], %w: Tensor[(6, 1, 3, 3), float32]) {
              %0 = nn.conv2d(%x, %w, strides=[2, 1], padding=[1, 1, 1, 1], groups=3, channels=6, kernel_size=[3, 3]);
              clip(%0, a_min=0f, a_max=0.5f)
            }
            """, new() { ["w"] = Rand(13, 6, 1, 3, 3) }, new() { ["x"] = Rand(14, 1, 3, 10, 7) }, "Depthwise");
    }

    [TestCase("nn.max_pool2d(%x, pool_size=[3, 3], strides=[2, 2], padding=[1, 1, 1, 1])")]
    [TestCase("nn.avg_pool2d(%x, pool_size=[3, 2], strides=[2, 1], padding=[1, 0, 1, 1])")]
    [TestCase("nn.avg_pool2d(%x, pool_size=[3, 2], strides=[2, 1], padding=[1, 0, 1, 1], count_include_pad=True)")]
    public void Pooling(string pool)
    {
        using var cm = Check($$"""
            def @main(%x: Tensor[(2, 3, 9, 8), float32]) {
              {{pool}}
            }
            """, [], new() { ["x"] = Rand(15, 2, 3, 9, 8) }, "Pool");
    }

    [TestCase("nn.softmax(%x, axis=-1)", "Softmax")]
    [TestCase("nn.log_softmax(%x, axis=-1)", "Softmax")]
    [TestCase("nn.layer_norm(%x, %g, %b, axis=-1, epsilon=1e-05f)", "LayerNorm")]
    public void RowKernelsOverTheLastAxis(string op, string kernel)
    {
        using var cm = Check($$"""
            def @main(%x: Tensor[(3, 7, 37), float32], %g: Tensor[(37), float32], %b: Tensor[(37), float32]) {
              {{op}}
            }
            """, new() { ["g"] = Rand(16, 37), ["b"] = Rand(17, 37) }, new() { ["x"] = Rand(18, 3, 7, 37) }, kernel);
    }

    [Test]
    public void ConcatenateAlongAnInnerAxis()
    {
        using var cm = Check("""
            def @main(%a: Tensor[(2, 3, 5), float32], %b: Tensor[(2, 4, 5), float32]) {
              %0 = exp(%a);
              %1 = exp(%b);
              concatenate((%0, %1), axis=1)
            }
            """, [], new() { ["a"] = Rand(19, 2, 3, 5), ["b"] = Rand(20, 2, 4, 5) }, "Concat");
    }
}

using Bridge.Backends.Cpu.Lowering;
using Bridge.Backends.Cpu.Runtime;
using Bridge.Backends.Reference;
using Bridge.Ir.Relax.Script;

namespace Bridge.Backends.Tests.Cpu;

/// <summary>
/// The CPU compiler on small hand-written programs: which groups fusion forms, and compiled results against the reference
/// interpreters (strict: the same float32 arithmetic up to summation order) at two batch sizes of one compiled library.
/// </summary>
[TestFixture]
public sealed class CpuCompilerTests
{
    private const string ConvBlock = """
        # from tvm.script import ir as I
        # from tvm.script import tir as T
        # from tvm.script import relax as R

        @I.ir_module
        class Module:
            @R.function
            def main(x: R.Tensor(("n", 4, 8, 8), dtype="float32"), w: R.Tensor((8, 4, 3, 3), dtype="float32"), b: R.Tensor((8,), dtype="float32"), r: R.Tensor(("n", 8, 8, 8), dtype="float32")) -> R.Tensor(("n", 8, 1, 1), dtype="float32"):
                n = T.int64()
                with R.dataflow():
                    lv: R.Tensor((n, 8, 8, 8), dtype="float32") = R.nn.conv2d(x, w, strides=[1, 1], padding=[1, 1, 1, 1], dilation=[1, 1], groups=1, data_layout="NCHW", kernel_layout="OIHW", out_layout="NCHW")
                    lv1: R.Tensor((1, 8, 1, 1), dtype="float32") = R.reshape(b, R.shape([1, 8, 1, 1]))
                    lv2: R.Tensor((n, 8, 8, 8), dtype="float32") = R.add(lv, lv1)
                    lv3: R.Tensor((n, 8, 8, 8), dtype="float32") = R.add(lv2, r)
                    lv4: R.Tensor((n, 8, 8, 8), dtype="float32") = R.nn.relu(lv3)
                    lv5: R.Tensor((n, 8, 8, 8), dtype="float32") = R.multiply(lv4, R.const(2.0, "float32"))
                    lv6: R.Tensor((n, 8, 8, 8), dtype="float32") = R.sigmoid(lv5)
                    lv7: R.Tensor((n, 8, 1, 1), dtype="float32") = R.mean(lv6, axis=[2, 3], keepdims=True)
                    R.output(lv7)
                return lv7
        """;

    private const string WithFallback = """
        # from tvm.script import ir as I
        # from tvm.script import tir as T
        # from tvm.script import relax as R

        @I.ir_module
        class Module:
            @R.function
            def main(x: R.Tensor(("n", 6), dtype="float32"), w: R.Tensor((6, 5), dtype="float32")) -> R.Tensor(("n", 5), dtype="float32"):
                n = T.int64()
                with R.dataflow():
                    lv: R.Tensor((n, 6), dtype="float32") = R.exp(x)
                    lv1: R.Tensor((n, 6), dtype="float32") = R.flip(lv, axis=1)
                    lv2: R.Tensor((n, 5), dtype="float32") = R.matmul(lv1, w)
                    lv3: R.Tensor((n, 5), dtype="float32") = R.nn.softmax(lv2, axis=-1)
                    lv4: R.Tensor((n, 5), dtype="float32") = R.tanh(lv3)
                    R.output(lv4)
                return lv4
        """;

    private static Tensor Rand(ulong seed, params long[] shape)
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

    private static void AssertClose(Tensor actual, Tensor expected, double tol = 1e-5)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape));
        var a = actual.Span<float>();
        var e = expected.Span<float>();
        for (var i = 0; i < a.Length; i++)
            Assert.That(Math.Abs(a[i] - e[i]), Is.LessThanOrEqualTo(tol * (1 + Math.Abs(e[i]))), $"element {i}: {a[i]} vs {e[i]}");
    }

    [Test]
    public void ConvEpilogueAndReductionPrologueFuse()
    {
        var module = RelaxScriptReader.Parse(ConvBlock, "conv_block.py");
        var weights = new Dictionary<string, Tensor> { ["w"] = Rand(1, 8, 4, 3, 3), ["b"] = Rand(2, 8) };
        var program = ConstantFolding.Run(RelaxLowering.Lower(module, "main", weights));
        var groups = Fusion.Run(program).Select(g => g.Describe()).ToList();
        Assert.That(groups, Is.EqualTo(new[] { "conv2d+bias+residual+relu", "reduce(multiply,sigmoid,mean)" }));
    }

    [Test]
    public void SymbolicBatchCompilesOnceAndMatchesTheInterpreterAtTwoSizes()
    {
        var module = RelaxScriptReader.Parse(ConvBlock, "conv_block.py");
        var weights = new Dictionary<string, Tensor> { ["w"] = Rand(1, 8, 4, 3, 3), ["b"] = Rand(2, 8) };
        using var cm = CpuCompiler.Compile(RelaxLowering.Lower(module, "main", weights));
        Assert.That(cm.Program!.SymVars.Select(v => v.Name), Is.EqualTo(new[] { "n" }));
        foreach (var n in new long[] { 1, 8 })
        {
            var x = Rand(3 + (ulong)n, n, 4, 8, 8);
            var r = Rand(5 + (ulong)n, n, 8, 8, 8);
            var got = cm.Run(new Dictionary<string, Tensor> { ["x"] = x, ["r"] = r });
            var all = new Dictionary<string, Tensor>(weights) { ["x"] = x, ["r"] = r };
            var want = new RelaxInterpreter(module).Run(all).AsTensor();
            Assert.That(got[0].Shape, Is.EqualTo(new[] { n, 8L, 1L, 1L }));
            AssertClose(got[0], want);
        }
    }

    [Test]
    public void OpWithoutCodegenFallsBackToTheReferenceKernelAndIsReported()
    {
        var module = RelaxScriptReader.Parse(WithFallback, "fallback.py");
        var weights = new Dictionary<string, Tensor> { ["w"] = Rand(7, 6, 5) };
        using var cm = CpuCompiler.Compile(RelaxLowering.Lower(module, "main", weights));
        Assert.That(cm.Report.FallbackOps, Is.EqualTo(new[] { "relax.flip" }));
        Assert.That(cm.Groups.Select(g => g.Describe()), Does.Contain("fallback(relax.flip)"));
        var x = Rand(9, 3, 6);
        var got = cm.Run(new Dictionary<string, Tensor> { ["x"] = x });
        var want = new RelaxInterpreter(module).Run(new Dictionary<string, Tensor>(weights) { ["x"] = x }).AsTensor();
        AssertClose(got[0], want);
    }

    [Test]
    public void WrongInputShapeIsADiagnosticNotACrash()
    {
        var module = RelaxScriptReader.Parse(WithFallback, "fallback.py");
        using var cm = CpuCompiler.Compile(RelaxLowering.Lower(module, "main", new Dictionary<string, Tensor> { ["w"] = Rand(7, 6, 5) }));
        var ex = Assert.Throws<Core.Diagnostics.BridgeException>(() => cm.Run(new Dictionary<string, Tensor> { ["x"] = Rand(1, 3, 7) }));
        Assert.That(ex!.Diagnostic.Id.Code, Is.EqualTo(6104));
        Assert.That(ex.Diagnostic.Message, Does.Contain("axis 1 must be 6"));
    }
}

/// <summary>The Relay front end: bias_add, batch norm (folded into the convolution), global pooling, dense.</summary>
[TestFixture]
public sealed class CpuCompilerRelayTests
{
    private const string Net = """
        #[version = "0.0.5"]
        def @main(%x: Tensor[(2, 3, 8, 8), float32], %w: Tensor[(4, 3, 3, 3), float32], %b: Tensor[(4), float32], %g: Tensor[(4), float32], %be: Tensor[(4), float32], %mu: Tensor[(4), float32], %va: Tensor[(4), float32], %dw: Tensor[(5, 4), float32]) {
          %0 = nn.conv2d(%x, %w, padding=[1, 1, 1, 1], kernel_size=[3, 3]);
          %1 = nn.bias_add(%0, %b);
          %2 = nn.batch_norm(%1, %g, %be, %mu, %va);
          %3 = nn.relu(%2.0);
          %4 = nn.global_avg_pool2d(%3);
          %5 = nn.batch_flatten(%4);
          nn.dense(%5, %dw)
        }
        """;

    private static Tensor Rand(ulong seed, bool positive, params long[] shape)
    {
        var t = Tensor.Zeros(DataType.Float32, shape);
        var s = t.Span<float>();
        var x = seed * 2654435761UL + 777;
        for (var i = 0; i < s.Length; i++)
        {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            var v = (float)((x % 20000) / 10000.0 - 1.0);
            s[i] = positive ? Math.Abs(v) + 0.5f : v;
        }
        return t;
    }

    [Test]
    public void BatchNormFoldsIntoTheConvolutionAndTheResultMatchesTheRelayInterpreter()
    {
        var module = Ir.Relay.Text.RelayTextReader.ParseModule(Net, "net.relay");
        Ir.Relay.RelayTypeInference.InferModule(module);
        var weights = new Dictionary<string, Tensor>
        {
            ["w"] = Rand(1, false, 4, 3, 3, 3), ["b"] = Rand(2, false, 4), ["g"] = Rand(3, false, 4), ["be"] = Rand(4, false, 4),
            ["mu"] = Rand(5, false, 4), ["va"] = Rand(6, true, 4), ["dw"] = Rand(7, false, 5, 4),
        };
        var program = RelayLowering.Lower(module, "main", weights);
        var groups = Fusion.Run(ConstantFolding.Run(program)).Select(g => g.Describe()).ToList();
        Assert.That(groups[0], Is.EqualTo("conv2d+bias+relu"), string.Join(" | ", groups));
        Assert.That(groups, Has.None.Contains("multiply"), "batch norm's scale went into the weights");
        using var cm = CpuCompiler.Compile(program);
        var x = Rand(8, false, 2, 3, 8, 8);
        var got = cm.Run(new Dictionary<string, Tensor> { ["x"] = x })[0];
        var want = new RelayInterpreter(module).Run(new Dictionary<string, Tensor>(weights) { ["x"] = x }).AsTensor();
        Assert.That(got.Shape, Is.EqualTo(want.Shape));
        var a = got.Span<float>();
        var e = want.Span<float>();
        for (var i = 0; i < a.Length; i++) Assert.That(a[i], Is.EqualTo(e[i]).Within(1e-4 * (1 + Math.Abs(e[i]))), $"element {i}");
    }
}

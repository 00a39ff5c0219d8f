using Bridge.Backends.Cpu.Lowering;
using Bridge.Backends.Cuda;
using Bridge.Backends.Reference;
using Bridge.Ir.Relax.Script;
using static Bridge.Backends.Tests.Cuda.CudaKernelTests;

namespace Bridge.Backends.Tests.Cuda;

/// <summary>
/// A compiled CUDA model as a whole under <c>--simulate</c>: a Relax program with a symbolic batch compiled once and run at
/// two sizes, weights uploaded once, reference-kernel fallback reported, wrong inputs and a missing GPU as diagnostics.
/// </summary>
[TestFixture]
public sealed class CudaModelTests
{
    private const string Block = """
        # from tvm.script import ir as I
        # from tvm.script import tir as T
        # from tvm.script import relax as R

        @I.ir_module
        class Module:
            @R.function
            def main(x: R.Tensor(("n", 3, 7, 7), dtype="float32"), w: R.Tensor((5, 3, 3, 3), dtype="float32"), v: R.Tensor((5, 4), dtype="float32")) -> R.Tensor(("n", 4), dtype="float32"):
                n = T.int64()
                with R.dataflow():
                    lv: R.Tensor((n, 5, 7, 7), dtype="float32") = R.nn.conv2d(x, w, strides=[1, 1], padding=[1, 1, 1, 1], dilation=[1, 1], groups=1, data_layout="NCHW", kernel_layout="OIHW", out_layout="NCHW")
                    lv1: R.Tensor((n, 5, 7, 7), dtype="float32") = R.nn.relu(lv)
                    lv2: R.Tensor((n, 5, 1, 1), dtype="float32") = R.mean(lv1, axis=[2, 3], keepdims=True)
                    lv3: R.Tensor((n, 5), dtype="float32") = R.reshape(lv2, R.shape([n, 5]))
                    lv4: R.Tensor((n, 5), dtype="float32") = R.flip(lv3, axis=1)
                    lv5: R.Tensor((n, 4), dtype="float32") = R.matmul(lv4, v)
                    lv6: R.Tensor((n, 4), dtype="float32") = R.nn.softmax(lv5, axis=-1)
                    R.output(lv6)
                return lv6
        """;

    private static readonly Dictionary<string, Tensor> s_weights = new() { ["w"] = Rand(31, 5, 3, 3, 3), ["v"] = Rand(32, 5, 4) };

    private static CudaModel Compile() =>
        CudaCompiler.Compile(RelaxLowering.Lower(RelaxScriptReader.Parse(Block, "block.py"), "main", s_weights), simulate: true);

    [Test]
    public void SymbolicBatchCompilesOnceRunsAtTwoSizesAndUploadsWeightsOnce()
    {
        using var cm = Compile();
        var module = RelaxScriptReader.Parse(Block, "block.py");
        foreach (var n in new long[] { 1, 3 })
        {
            var x = Rand(40 + (ulong)n, n, 3, 7, 7);
            var got = cm.Run(new Dictionary<string, Tensor> { ["x"] = x })[0];
            var want = new RelaxInterpreter(module).Run(new Dictionary<string, Tensor>(s_weights) { ["x"] = x }).AsTensor();
            Assert.That(got.Shape, Is.EqualTo(new[] { n, 4L }));
            AssertClose(got, want);
        }
        Assert.That(cm.WeightUploads, Is.EqualTo(1));
    }

    [Test]
    public void OpWithoutAKernelRunsOnTheReferenceKernelAndIsReported()
    {
        using var cm = Compile();
        Assert.That(cm.Report.FallbackOps, Has.Length.EqualTo(1).And.Some.StartsWith("relax.flip"));
        Assert.That(cm.Report.Summary, Does.Contain("1 on reference kernels (relax.flip"));
        Assert.That(cm.Report.Kernels.Keys, Is.SupersetOf(new[] { "conv2d", "reduce", "matmul", "softmax", "reference" }));
    }

    [Test]
    public void ConflictingOrWrongInputsAreDiagnostics()
    {
        using var cm = Compile();
        var ex = Assert.Throws<BridgeException>(() => cm.Run(new Dictionary<string, Tensor> { ["x"] = Rand(1, 1, 3, 7, 8) }));
        Assert.That(ex!.Diagnostic.Id.Code, Is.EqualTo(6201));
        Assert.That(ex.Diagnostic.Message, Does.Contain("axis 3 is 8, the model takes 7"));
        ex = Assert.Throws<BridgeException>(() => cm.Run(new Dictionary<string, Tensor> { ["y"] = Rand(1, 1, 3, 7, 7) }));
        Assert.That(ex!.Diagnostic.Message, Does.Contain("no value for input x"));
    }

    /// <summary>Without --simulate the device is a real CUDA GPU: on a machine without one that is BRG6200, one line.</summary>
    [Test]
    public void NoGpuWithoutSimulateIsBrg6200()
    {
        GpuDevice device;
        try
        {
            device = GpuDevice.Get(simulate: false);
        }
        catch (BridgeException e)
        {
            Assert.That(e.Diagnostic.Id.Code, Is.EqualTo(6200), e.Diagnostic.Message);
            Assert.That(e.Diagnostic.Message, Does.Contain("--simulate").And.Not.Contain("\n"));
            return;
        }
        Assert.Pass($"a CUDA device is present ({device.Name}): the error path cannot occur here; scripts/gpu-check.sh covers this machine");
    }
}

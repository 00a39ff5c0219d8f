using Bridge.Backends.Cpu.Lowering;
using Bridge.Backends.Cpu.Runtime;
using Bridge.Backends.Reference;
using Bridge.Ir.Relax.Script;

namespace Bridge.Backends.Tests.Cpu;

/// <summary>
/// The row form of injective and reduction groups (RowEmitter), the layer-norm pattern and the thread pool: compiled results
/// against the Relax interpreter (strict), and a 2-thread run bit-identical to the 1-thread run (every chunk computes the
/// same elements in the same order whichever thread runs it).
/// </summary>
[TestFixture]
public sealed class CpuRowCodegenTests
{
    /// <summary>Layer norm written out (as ONNX below opset 17 exports it), then heads split by reshape + transpose.</summary>
    private const string NormHeads = """
        # from tvm.script import ir as I
        # from tvm.script import tir as T
        # from tvm.script import relax as R

        @I.ir_module
        class Module:
            @R.function
            def main(x: R.Tensor(("n", 16, 32), dtype="float32"), g: R.Tensor((32,), dtype="float32"), be: R.Tensor((32,), dtype="float32")) -> R.Tensor(("n", 4, 16, 8), dtype="float32"):
                n = T.int64()
                with R.dataflow():
                    lv: R.Tensor((n, 16, 1), dtype="float32") = R.mean(x, axis=[-1], keepdims=True)
                    lv1: R.Tensor((n, 16, 32), dtype="float32") = R.subtract(x, lv)
                    lv2: R.Tensor((n, 16, 32), dtype="float32") = R.power(lv1, R.const(2.0, "float32"))
                    lv3: R.Tensor((n, 16, 1), dtype="float32") = R.mean(lv2, axis=[-1], keepdims=True)
                    lv4: R.Tensor((n, 16, 1), dtype="float32") = R.add(lv3, R.const(1.0000000000000001e-05, "float32"))
                    lv5: R.Tensor((n, 16, 1), dtype="float32") = R.sqrt(lv4)
                    lv6: R.Tensor((n, 16, 32), dtype="float32") = R.divide(lv1, lv5)
                    lv7: R.Tensor((n, 16, 32), dtype="float32") = R.multiply(lv6, g)
                    lv8: R.Tensor((n, 16, 32), dtype="float32") = R.add(lv7, be)
                    lv9: R.Tensor((n, 16, 4, 8), dtype="float32") = R.reshape(lv8, R.shape([n, 16, 4, 8]))
                    lv10: R.Tensor((n, 4, 16, 8), dtype="float32") = R.permute_dims(lv9, axes=[0, 2, 1, 3])
                    lv11: R.Tensor((n, 4, 16, 8), dtype="float32") = R.multiply(lv10, R.const(0.5, "float32"))
                    R.output(lv11)
                return lv11
        """;

    /// <summary>A squeeze-excitation block (global mean → sigmoid → channel scale), a bias, and reductions over the last and a middle axis.</summary>
    private const string SeBlock = """
        # from tvm.script import ir as I
        # from tvm.script import tir as T
        # from tvm.script import relax as R

        @I.ir_module
        class Module:
            @R.function
            def main(x: R.Tensor(("n", 8, 8, 8), dtype="float32"), b: R.Tensor((1, 8, 1, 1), dtype="float32")) -> R.Tensor(("n", 8, 8, 8), dtype="float32"):
                n = T.int64()
                with R.dataflow():
                    lv: R.Tensor((n, 8, 1, 1), dtype="float32") = R.mean(x, axis=[2, 3], keepdims=True)
                    lv1: R.Tensor((n, 8, 1, 1), dtype="float32") = R.sigmoid(lv)
                    lv2: R.Tensor((n, 8, 8, 8), dtype="float32") = R.multiply(x, lv1)
                    lv3: R.Tensor((n, 8, 8, 8), dtype="float32") = R.add(lv2, b)
                    lv4: R.Tensor((n, 8, 8, 1), dtype="float32") = R.max(lv3, axis=[3], keepdims=True)
                    lv5: R.Tensor((n, 1, 8, 8), dtype="float32") = R.sum(lv3, axis=[1], keepdims=True)
                    lv6: R.Tensor((n, 8, 8, 8), dtype="float32") = R.add(lv4, lv5)
                    R.output(lv6)
                return lv6
        """;

    private static Tensor Rand(ulong seed, params long[] shape)
    {
        var t = Tensor.Zeros(DataType.Float32, shape);
        var s = t.Span<float>();
        var x = seed * 2654435761UL + 4242;
        for (var i = 0; i < s.Length; i++)
        {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            s[i] = (float)((x % 20000) / 10000.0 - 1.0);
        }
        return t;
    }

    /// <summary>Strict: |a − e| ≤ 1e-5 + 1.3e-6·|e| (the corpus tests' interpreter tolerance).</summary>
    private static void AssertClose(Tensor actual, Tensor expected)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape));
        var a = actual.Span<float>();
        var e = expected.Span<float>();
        for (var i = 0; i < a.Length; i++)
            Assert.That(Math.Abs(a[i] - e[i]), Is.LessThanOrEqualTo(1e-5 + 1.3e-6 * Math.Abs(e[i])), $"element {i}: {a[i]} vs {e[i]}");
    }

    private static void AssertSameBits(Tensor a, Tensor b)
    {
        Assert.That(a.Shape, Is.EqualTo(b.Shape));
        Assert.That(a.Span<float>().ToArray(), Is.EqualTo(b.Span<float>().ToArray()), "2 threads must compute exactly what 1 thread does");
    }

    private static (CompiledModel Cm, Ir.Relax.IRModule Module) Compile(string script, Dictionary<string, Tensor> weights)
    {
        var module = RelaxScriptReader.Parse(script, "row.py");
        return (CpuCompiler.Compile(RelaxLowering.Lower(module, "main", weights)), module);
    }

    [Test]
    public void DecomposedLayerNormBecomesOneGroup()
    {
        var module = RelaxScriptReader.Parse(NormHeads, "row.py");
        var weights = new Dictionary<string, Tensor> { ["g"] = Rand(1, 32), ["be"] = Rand(2, 32) };
        var groups = Fusion.Run(ConstantFolding.Run(RelaxLowering.Lower(module, "main", weights))).Select(g => g.Describe()).ToList();
        Assert.That(groups, Is.EqualTo(new[] { "layernorm(layernorm)", "injective(reshape,transpose,multiply)" }));
    }

    [Test]
    public void LayerNormAndHeadTransposeMatchTheInterpreterAtOneAndTwoThreads()
    {
        var weights = new Dictionary<string, Tensor> { ["g"] = Rand(1, 32), ["be"] = Rand(2, 32) };
        var (cm, module) = Compile(NormHeads, weights);
        using (cm)
        {
            Assert.That(cm.CSource, Does.Contain("brg_layer_norm(").And.Contain("g1_rows"));
            foreach (var n in new long[] { 1, 3 })
            {
                var x = Rand(10 + (ulong)n, n, 16, 32);
                var want = new RelaxInterpreter(module).Run(new Dictionary<string, Tensor>(weights) { ["x"] = x }).AsTensor();
                cm.SetThreads(1);
                var one = cm.Run(new Dictionary<string, Tensor> { ["x"] = x })[0];
                cm.SetThreads(2);
                var two = cm.Run(new Dictionary<string, Tensor> { ["x"] = x })[0];
                AssertClose(one, want);
                AssertSameBits(two, one);
            }
        }
    }

    [Test]
    public void SeBlockAndReductionsUseTheRowFormAndMatchTheInterpreter()
    {
        var weights = new Dictionary<string, Tensor> { ["b"] = Rand(3, 1, 8, 1, 1) };
        var (cm, module) = Compile(SeBlock, weights);
        using (cm)
        {
            var groups = cm.Groups.Select(g => g.Describe()).ToList();
            Assert.That(groups, Is.EqualTo(new[] { "reduce(mean)", "injective(sigmoid,multiply,add)", "reduce(max)", "reduce(sum)", "injective(add)" }));
            var c = cm.CSource;
            // the SE multiply runs over rows of h·w = 64 with the channel's scale hoisted; the global mean sums a row with omp simd
            Assert.That(c, Does.Contain("for (int64_t j = 0; j < 64LL; j++)"));
            Assert.That(c, Does.Contain("#pragma omp simd reduction(+:acc)").And.Contain("#pragma omp simd reduction(max:acc)"));
            Assert.That(c, Does.Not.Contain("#pragma omp parallel"), "generated loops run on brg_parallel_for");
            foreach (var n in new long[] { 1, 5 })
            {
                var x = Rand(20 + (ulong)n, n, 8, 8, 8);
                var want = new RelaxInterpreter(module).Run(new Dictionary<string, Tensor>(weights) { ["x"] = x }).AsTensor();
                cm.SetThreads(1);
                var one = cm.Run(new Dictionary<string, Tensor> { ["x"] = x })[0];
                cm.SetThreads(2);
                var two = cm.Run(new Dictionary<string, Tensor> { ["x"] = x })[0];
                AssertClose(one, want);
                AssertSameBits(two, one);
            }
        }
    }

    /// <summary>Relay's dense on a 3-D tensor: reshape → nn.dense → reshape → bias → relu.</summary>
    private const string RelayDense = """
        #[version = "0.0.5"]
        def @main(%x: Tensor[(2, 8, 16), float32], %w: Tensor[(12, 16), float32], %b: Tensor[(12), float32]) {
          %0 = reshape(%x, newshape=[16, 16]);
          %1 = nn.dense(%0, %w, units=12);
          %2 = reshape(%1, newshape=[2, 8, 12]);
          %3 = add(%2, %b);
          nn.relu(%3)
        }
        """;

    [Test]
    public void ReshapesAroundADenseAreDroppedAndItsBiasAndReluBecomeTheEpilogue()
    {
        var module = Ir.Relay.Text.RelayTextReader.ParseModule(RelayDense, "dense.relay");
        Ir.Relay.RelayTypeInference.InferModule(module);
        var weights = new Dictionary<string, Tensor> { ["w"] = Rand(5, 12, 16), ["b"] = Rand(6, 12) };
        var program = RelayLowering.Lower(module, "main", weights);
        using var cm = CpuCompiler.Compile(program);
        Assert.That(cm.Groups.Select(g => g.Describe()), Is.EqualTo(new[] { "matmul+bias+relu" }));
        var x = Rand(7, 2, 8, 16);
        var got = cm.Run(new Dictionary<string, Tensor> { ["x"] = x })[0];
        var want = new RelayInterpreter(module).Run(new Dictionary<string, Tensor>(weights) { ["x"] = x }).AsTensor();
        AssertClose(got, want);
    }

    /// <summary>Heads merged back: transpose then a reshape whose output row spans two axes of its input.</summary>
    private const string MergeHeads = """
        # from tvm.script import ir as I
        # from tvm.script import tir as T
        # from tvm.script import relax as R

        @I.ir_module
        class Module:
            @R.function
            def main(x: R.Tensor(("n", 4, 16, 8), dtype="float32")) -> R.Tensor(("n", 16, 32), dtype="float32"):
                n = T.int64()
                with R.dataflow():
                    lv: R.Tensor((n, 16, 4, 8), dtype="float32") = R.permute_dims(x, axes=[0, 2, 1, 3])
                    lv1: R.Tensor((n, 16, 32), dtype="float32") = R.reshape(lv, R.shape([n, 16, 32]))
                    R.output(lv1)
                return lv1
        """;

    [Test]
    public void MergedHeadsSplitTheRowWhereTheReshapeCrossesAnAxis()
    {
        var (cm, module) = Compile(MergeHeads, []);
        using (cm)
        {
            Assert.That(cm.CSource, Does.Contain("for (int64_t j = 0; j < 8LL; j++)"), "rows of 8 (one head's d) instead of 32");
            var x = Rand(31, 2, 4, 16, 8);
            var want = new RelaxInterpreter(module).Run(new Dictionary<string, Tensor> { ["x"] = x }).AsTensor();
            cm.SetThreads(2);
            AssertSameBits(cm.Run(new Dictionary<string, Tensor> { ["x"] = x })[0], want);
        }
    }

    private const string Concat = """
        # from tvm.script import ir as I
        # from tvm.script import tir as T
        # from tvm.script import relax as R

        @I.ir_module
        class Module:
            @R.function
            def main(x: R.Tensor(("n", 3, 4, 4), dtype="float32"), y: R.Tensor(("n", 5, 4, 4), dtype="float32")) -> R.Tensor(("n", 8, 4, 4), dtype="float32"):
                n = T.int64()
                with R.dataflow():
                    lv: R.Tensor((n, 8, 4, 4), dtype="float32") = R.concat((x, y), axis=1)
                    R.output(lv)
                return lv
        """;

    [Test]
    public void ConcatCopiesRowsOnThePool()
    {
        var (cm, module) = Compile(Concat, []);
        using (cm)
        {
            Assert.That(cm.Groups.Select(g => g.Describe()), Is.EqualTo(new[] { "concat(concat)" }));
            var feeds = new Dictionary<string, Tensor> { ["x"] = Rand(41, 3, 3, 4, 4), ["y"] = Rand(42, 3, 5, 4, 4) };
            var want = new RelaxInterpreter(module).Run(new Dictionary<string, Tensor>(feeds)).AsTensor();
            cm.SetThreads(2);
            AssertSameBits(cm.Run(feeds)[0], want);
        }
    }
}

using Bridge.Backends.Reference;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;
using Bridge.Ir.Ops.Relay;
using Bridge.Ir.Ops.Spec;
using Bridge.Translators.Onnx;
using Bridge.Translators.RelayToRelax;

namespace Bridge.Translators.Tests;

/// <summary>
/// The reduction family of the op spec (issue 21): every <see cref="ReductionSpec"/> row resolves in every stage it declares,
/// and the worked example of docs/architecture-ops.md ("Adding a reduction") runs end to end against hand values.
/// </summary>
[TestFixture]
public class ReductionSpecTests
{
    [OneTimeSetUp]
    public void Load()
    {
        ReferenceKernels.EnsureRegistered();
        _ = RelayOps.Find("sum");
    }

    public static IEnumerable<TestCaseData> Rows() => ReductionSpec.All.Select(r => new TestCaseData(r).SetName($"ReductionRow({r.Name})"));

    [TestCaseSource(nameof(Rows))]
    public void ReductionRowResolvesInEveryStage(ReductionOp row)
    {
        Assert.That(row.RelayName ?? row.RelaxName ?? row.Onnx, Is.Not.Null, "a row declares at least one stage");
        if (row.RelayName is not null)
        {
            Assert.That(row.Relay.Has(RelayOpFacets.InferType), row.RelayName + ": type relation");
            Assert.That(row.Relay.AttrsType, Is.EqualTo(row.RelayAttrs));
            Assert.That(typeof(IReduceAttrs).IsAssignableFrom(row.RelayAttrs), "Relay attrs give the typed view");
            Assert.That(row.Relay.MinArgs, Is.EqualTo(row.RelayInputs.Length));
            Assert.That(RelayToRelaxTranslator.SupportedOps, Does.Contain(row.RelayName), "Relay→Relax entry");
            if (row.RelaxTarget is { } target) Assert.That(OpRegistry.Find(Dialect.Relax, "relax." + target), Is.Not.Null, "Relay→Relax target");
        }
        if (row.RelaxName is not null)
        {
            Assert.That(row.Relax.Has(RelaxOpFacets.InferStructInfo), row.RelaxName + ": struct-info rule");
            Assert.That(row.Relax.AttrsType, Is.EqualTo(row.RelaxAttrs));
            Assert.That(typeof(IReduceAttrs).IsAssignableFrom(row.RelaxAttrs), "Relax attrs give the typed view");
        }
        if (row.Kernel is { } k) Assert.That(ReferenceKernels.IsReductionKernel(k), $"kernel {k}");
        else Assert.That(row.RelayName ?? row.RelaxName, Is.Null, "an op row names its kernel");
        foreach (var op in new[] { row.RelayName is null ? null : row.Relay, row.RelaxName is null ? null : row.Relax })
            if (op is not null) Assert.That(ReferenceKernels.Find(op), Is.Not.Null, $"{op.Name}: kernel attached");
        if (row.Onnx is { } onnx)
        {
            var spec = OnnxOps.Find("", onnx);
            Assert.That(spec, Is.Not.Null, $"ONNX {onnx} declared");
            Assert.That(spec!.Versions, Is.EqualTo(row.OnnxVersions), "since-versions");
            Assert.That(row.OnnxVersions, Does.Contain(row.OnnxAxesInputSince), "axes become an input at a declared version");
            Assert.That(OnnxSupportMatrix.RelaySupports(onnx) && OnnxSupportMatrix.RelaxSupports(onnx), $"ONNX {onnx} lowered in both dialects");
            Assert.That(row.OnnxVia, Is.Not.Null);
            Assert.That(OpRegistry.Find(Dialect.Relay, row.OnnxVia!), Is.Not.Null, "the reduction it lowers to (Relay)");
            Assert.That(OpRegistry.Find(Dialect.Relax, "relax." + row.OnnxVia), Is.Not.Null, "the reduction it lowers to (Relax)");
        }
        else Assert.That(row.OnnxVersions, Is.Empty);
        if (row.Aten is { } aten)
        {
            Assert.That(row.Onnx, Is.Not.Null, "an aten entry lowers to the row's ONNX op");
            Assert.That(Bridge.Translators.Torch.Aten.Handles("aten::" + aten), $"aten::{aten} registered");
        }
    }

    [Test]
    public void ReductionRowNamesAreUnique()
    {
        Assert.That(ReductionSpec.All.Select(r => r.Name), Is.Unique);
        Assert.That(ReductionSpec.All.Where(r => r.Onnx is not null).Select(r => r.Onnx), Is.Unique);
        Assert.That(ReductionSpec.All.Where(r => r.Aten is not null).Select(r => r.Aten), Is.Unique);
        Assert.That(ReductionSpec.ByOnnx("ReduceLogSumExp"), Is.SameAs(ReductionSpec.LogSumExp));
    }

    [Test]
    public void RecordsThatLackAnAttributeAnswerTheTvmDefault()
    {
        // Relax has no exclude/unbiased/select_last_index: the typed view answers TVM's behaviour once, here.
        IReduceAttrs stat = new StatisticalAttrs { Axis = [1], Keepdims = true };
        Assert.That((stat.Exclude, stat.Unbiased, stat.SelectLastIndex), Is.EqualTo((false, false, false)));
        IReduceAttrs arg = new ArgmaxArgminAttrs { Axis = 2 };
        Assert.That(arg.Axis, Is.EqualTo(new Core.Collections.ValueArray<long>(new long[] { 2 })));
        Assert.That(((IReduceAttrs)new ArgmaxArgminAttrs()).Axis, Is.Null, "no axis reduces over all");
        IReduceAttrs v = new VarianceAttrs { Unbiased = true, Exclude = true };
        Assert.That((v.Unbiased, v.Exclude), Is.EqualTo((true, true)));
    }

    /// <summary>
    /// The worked example (docs/architecture-ops.md "Adding a reduction"): Relay programs over x = [[1, 2, 3], [4, 6, 8]] type
    /// with the rows' relation, translate through the rows' map, and both interpreters run the rows' kernels and agree with
    /// hand values.
    /// </summary>
    [TestCase("mean(%a, axis=[1], keepdims=True)", "R.mean(", new[] { 2.0, 6.0 }, new long[] { 2, 1 })]
    [TestCase("sum(%a, axis=[0], exclude=True)", "R.sum(", new[] { 6.0, 18.0 }, new long[] { 2 })]
    [TestCase("max(%a)", "R.max(", new[] { 8.0 }, new long[0])]
    [TestCase("prod(%a, axis=[0])", "R.prod(", new[] { 4.0, 12.0, 24.0 }, new long[] { 3 })]
    [TestCase("argmin(%a, axis=[0], keepdims=True)", "R.argmin(", new[] { 0.0, 0.0, 0.0 }, new long[] { 1, 3 })]
    [TestCase("variance(%a, mean(%a, axis=[1], keepdims=True), axis=[1], unbiased=True)", "R.variance(", new[] { 1.0, 4.0 }, new long[] { 2 })]
    public void WorkedExample_Reductions_RunEndToEndFromTheirRows(string call, string relaxOp, double[] want, long[] shape)
    {
        var (m, text, relay) = OpTableTests.Convert(OpTableTests.Module(call, ["Tensor[(2, 3), float32]"]));
        Assert.That(text, Does.Contain(relaxOp));
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 6, 8 }, 2, 3);
        var feeds = new Dictionary<string, Tensor> { ["a"] = x };
        foreach (var (who, got) in new[] { ("Relay", new RelayInterpreter(relay).Run(feeds)), ("Relax", new RelaxInterpreter(m).Run(feeds)) })
        {
            var t = ((TensorValue)got).Tensor;
            Assert.That(t.Shape, Is.EqualTo(shape), $"{who} shape");
            for (var i = 0; i < want.Length; i++) Assert.That(t.GetDouble(i), Is.EqualTo(want[i]).Within(1e-6), $"{who} {call} at {i}");
        }
    }

    [Test]
    public void IndexResultsAreInt32InRelayAndInt64InRelax()
    {
        var (m, text, relay) = OpTableTests.Convert(OpTableTests.Module("argmax(%a, axis=[1])", ["Tensor[(2, 3), float32]"]));
        Assert.That(text, Does.Contain("R.argmax(").And.Contain("int32"));
        var feeds = new Dictionary<string, Tensor> { ["a"] = Tensor.FromArray(new float[] { 3, 9, 1, 7, 2, 7 }, 2, 3) };
        var r = ((TensorValue)new RelayInterpreter(relay).Run(feeds)).Tensor;
        Assert.That(r.DType, Is.EqualTo(DataType.Int32));
        Assert.That(new[] { r.GetInt64(0), r.GetInt64(1) }, Is.EqualTo(new long[] { 1, 0 }), "the first of equal maxima");
        // The Relax row's kernel on its own (before the translation's cast back to int32).
        var op = ReductionSpec.ArgMax.Relax;
        var call = new KernelCall(op, new ArgmaxArgminAttrs { Axis = 1 }, [new TensorValue(feeds["a"])], Core.Diagnostics.SourceLoc.Unknown.Instance);
        var direct = ((TensorValue)ReferenceKernels.Find(op)!(call)).Tensor;
        Assert.That(direct.DType, Is.EqualTo(DataType.Int64), "Relax argmax returns int64");
        Assert.That(new[] { direct.GetInt64(0), direct.GetInt64(1) }, Is.EqualTo(new long[] { 1, 0 }));
        var x = ((TensorValue)new RelaxInterpreter(m).Run(feeds)).Tensor;
        Assert.That(x.DType, Is.EqualTo(DataType.Int32), "the translation casts back to Relay's int32");
        Assert.That(new[] { x.GetInt64(0), x.GetInt64(1) }, Is.EqualTo(new long[] { 1, 0 }));
    }
}

using Bridge.Backends.Reference;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;
using Bridge.Ir.Ops.Relay;
using Bridge.Ir.Ops.Spec;
using Bridge.Translators.RelayToRelax;

namespace Bridge.Translators.Tests;

/// <summary>
/// The pooling and softmax families of the op spec (issue 21): every <see cref="PoolingSpec"/> and <see cref="SoftmaxSpec"/>
/// row resolves in every stage it declares, and each row's Relay op types, translates and runs in both interpreters to hand
/// values.
/// </summary>
[TestFixture]
public class PoolingSoftmaxSpecTests
{
    [OneTimeSetUp]
    public void Load()
    {
        ReferenceKernels.EnsureRegistered();
        _ = RelayOps.Find("nn.max_pool2d");
    }

    public static IEnumerable<TestCaseData> PoolRows() => PoolingSpec.All.Select(r => new TestCaseData(r).SetName($"PoolingRow({r.Name})"));

    [TestCaseSource(nameof(PoolRows))]
    public void PoolingRowResolvesInEveryStage(PoolingOp row)
    {
        var view = row.Window == PoolWindow.Sliding ? typeof(IWindowPoolAttrs) : typeof(IAdaptivePoolAttrs);
        Assert.That(row.RelayName, Is.Not.Null);
        Assert.That(row.Relay.Has(RelayOpFacets.InferType), "type relation");
        Assert.That(row.Relay.AttrsType, Is.EqualTo(row.RelayAttrs));
        Assert.That(view.IsAssignableFrom(row.RelayAttrs), $"Relay attrs give {view.Name}");
        Assert.That(RelayToRelaxTranslator.SupportedOps, Does.Contain(row.RelayName), "Relay→Relax entry");
        Assert.That(OpRegistry.Find(Dialect.Relax, "relax." + row.RelaxTarget), Is.Not.Null, "Relay→Relax target");
        Assert.That(ReferenceKernels.Find(row.Relay), Is.Not.Null, "Relay kernel");
        if (row.RelaxName is null) Assert.That(row.RelaxAttrs, Is.Null);
        else
        {
            Assert.That(row.Relax.Has(RelaxOpFacets.InferStructInfo), "struct-info rule");
            Assert.That(row.Relax.AttrsType, Is.EqualTo(row.RelaxAttrs));
            Assert.That(view.IsAssignableFrom(row.RelaxAttrs), $"Relax attrs give {view.Name}");
            Assert.That(ReferenceKernels.Find(row.Relax), Is.Not.Null, "Relax kernel");
            Assert.That(row.RelaxTarget, Is.EqualTo(row.RelaxName), "a pool Relax has translates to itself");
        }
        Assert.That(row.Name, Does.Contain($"pool{row.Rank}d"));
    }

    public static IEnumerable<TestCaseData> SoftmaxRows() => SoftmaxSpec.All.Select(r => new TestCaseData(r).SetName($"SoftmaxRow({r.Name})"));

    [TestCaseSource(nameof(SoftmaxRows))]
    public void SoftmaxRowResolvesInEveryStage(SoftmaxOp row)
    {
        Assert.That(row.Relay.Has(RelayOpFacets.InferType), "type relation");
        Assert.That(typeof(ISoftmaxAttrs).IsAssignableFrom(row.Relay.AttrsType));
        Assert.That(RelayToRelaxTranslator.SupportedOps, Does.Contain(row.RelayName), "Relay→Relax entry");
        Assert.That(OpRegistry.Find(Dialect.Relax, "relax." + row.RelaxTarget), Is.Not.Null, "Relay→Relax target");
        Assert.That(ReferenceKernels.Find(row.Relay), Is.Not.Null, "Relay kernel");
        if (row.RelaxName is not null)
        {
            Assert.That(row.Relax.Has(RelaxOpFacets.InferStructInfo), "struct-info rule");
            Assert.That(typeof(ISoftmaxAttrs).IsAssignableFrom(row.Relax.AttrsType));
            Assert.That(ReferenceKernels.Find(row.Relax), Is.Not.Null, "Relax kernel");
        }
    }

    [Test]
    public void RowNamesAreUnique()
    {
        Assert.That(PoolingSpec.All.Select(r => r.Name), Is.Unique);
        Assert.That(SoftmaxSpec.All.Select(r => r.Name), Is.Unique);
        Assert.That(PoolingSpec.All, Has.Length.EqualTo(14), "max/avg 1d–3d, adaptive avg/max 1d–3d, global avg/max 2d");
    }

    // x = [[1, 2, 3, 4], [5, 6, 7, 8]] as (1, 1, 2, 4). Padded avg with count_include_pad: windows of rows {-1, 0} and {1, 2},
    // columns {-1, 0}, {1, 2}, {3, 4}; padding counts as zeros in a divisor of 4.
    [TestCase("nn.max_pool2d(%a, pool_size=[2, 2], strides=[2, 2])", "R.nn.max_pool2d(", new[] { 6.0, 8.0 }, new long[] { 1, 1, 1, 2 })]
    [TestCase("nn.avg_pool2d(%a, pool_size=[2, 2], strides=[2, 2])", "R.nn.avg_pool2d(", new[] { 3.5, 5.5 }, new long[] { 1, 1, 1, 2 })]
    [TestCase("nn.avg_pool2d(%a, pool_size=[2, 2], strides=[2, 2], padding=[1, 1, 1, 1], count_include_pad=True)", "R.nn.avg_pool2d(",
        new[] { 0.25, 1.25, 1.0, 1.25, 3.25, 2.0 }, new long[] { 1, 1, 2, 3 })]
    [TestCase("nn.max_pool1d(%b, pool_size=[3], strides=[1])", "R.nn.max_pool1d(", new[] { 3.0, 4.0, 7.0, 8.0 }, new long[] { 1, 2, 2 })]
    [TestCase("nn.adaptive_avg_pool2d(%a, output_size=[1, 2])", "R.nn.adaptive_avg_pool2d(", new[] { 3.5, 5.5 }, new long[] { 1, 1, 1, 2 })]
    [TestCase("nn.adaptive_max_pool2d(%a, output_size=[1])", "R.max(", new[] { 8.0 }, new long[] { 1, 1, 1, 1 })]
    [TestCase("nn.global_avg_pool2d(%a)", "R.nn.adaptive_avg_pool2d(", new[] { 4.5 }, new long[] { 1, 1, 1, 1 })]
    [TestCase("nn.global_max_pool2d(%a)", "R.max(", new[] { 8.0 }, new long[] { 1, 1, 1, 1 })]
    public void PoolRows_RunEndToEnd(string call, string relaxOp, double[] want, long[] shape) => RunBoth(call, relaxOp, want, shape);

    [TestCase("nn.softmax(%a)", "R.nn.softmax(", false)]
    [TestCase("nn.fast_softmax(%a)", "R.nn.softmax(", false)]
    [TestCase("nn.log_softmax(%a)", "R.nn.log_softmax(", true)]
    public void SoftmaxRows_RunEndToEnd(string call, string relaxOp, bool log)
    {
        // Over the last axis: e^x / Σ e^x per row of [1, 2, 3, 4] and [5, 6, 7, 8] (the same values: softmax is shift-invariant).
        var z = Enumerable.Range(1, 4).Sum(k => Math.Exp(k));
        var row = Enumerable.Range(1, 4).Select(k => log ? k - Math.Log(z) : Math.Exp(k) / z).ToArray();
        RunBoth(call, relaxOp, [.. row, .. row], [1, 1, 2, 4]);
    }

    private static void RunBoth(string call, string relaxOp, double[] want, long[] shape)
    {
        var (m, text, relay) = OpTableTests.Convert(OpTableTests.Module(call, ["Tensor[(1, 1, 2, 4), float32]", "Tensor[(1, 2, 4), float32]"]));
        Assert.That(text, Does.Contain(relaxOp));
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 1, 1, 2, 4);
        var b = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 1, 2, 4);
        var feeds = new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b };
        foreach (var (who, got) in new[] { ("Relay", new RelayInterpreter(relay).Run(feeds)), ("Relax", new RelaxInterpreter(m).Run(feeds)) })
        {
            var t = ((TensorValue)got).Tensor;
            Assert.That(t.Shape, Is.EqualTo(shape), $"{who} shape");
            for (var i = 0; i < want.Length; i++) Assert.That(t.GetDouble(i), Is.EqualTo(want[i]).Within(1e-5), $"{who} {call} at {i}");
        }
    }
}

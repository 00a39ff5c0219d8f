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
/// The op spec meta-tests (issue 21): every registered op has a type rule, a reference kernel and (Relay) a Relax translation,
/// or a written reason; every elementwise spec row resolves in every stage it declares; and the worked example of
/// docs/architecture-ops.md (<c>acosh</c>, one row) runs end to end against hand values.
/// </summary>
[TestFixture]
public class OpSpecTests
{
    private const string NoReason = "no Relax translation for this op";

    [OneTimeSetUp]
    public void Load()
    {
        ReferenceKernels.EnsureRegistered();
        _ = RelayOps.Find("add");
    }

    [Test]
    public void EveryOpHasEveryFacetOrAWrittenReason()
    {
        var gaps = new List<string>();
        foreach (var op in OpRegistry.All(Dialect.Relay))
        {
            if (!op.Has(RelayOpFacets.InferType) && OpGapReasons.NoTypeRule(op) is null) gaps.Add($"Relay {op.Name}: no type relation and no reason");
            if (!op.Has(ReferenceKernels.Kernel) && ReferenceKernels.NoKernelReason(op) is null) gaps.Add($"Relay {op.Name}: no kernel and no reason");
            if (!RelayToRelaxTranslator.SupportedOps.Contains(op.Name) && RelayToRelaxTranslator.UnsupportedReason(op.Name) == NoReason)
                gaps.Add($"Relay {op.Name}: no Relax translation and no reason");
        }
        foreach (var op in OpRegistry.All(Dialect.Relax))
        {
            if (!op.Has(RelaxOpFacets.InferStructInfo) && OpGapReasons.NoTypeRule(op) is null) gaps.Add($"Relax {op.Name}: no struct-info rule and no reason");
            if (!op.Has(ReferenceKernels.Kernel) && ReferenceKernels.NoKernelReason(op) is null) gaps.Add($"Relax {op.Name}: no kernel and no reason");
        }
        Assert.That(gaps, Is.Empty, $"{gaps.Count} gaps:\n" + string.Join("\n", gaps));
    }

    [Test]
    public void WrittenReasonsNameOnlyRealGaps()
    {
        // A reason for an op that has the facet after all is stale: the table must shrink as ops gain kernels or rules.
        var stale = new List<string>();
        foreach (var d in new[] { Dialect.Relay, Dialect.Relax })
            foreach (var op in OpRegistry.All(d))
            {
                var rule = d == Dialect.Relay ? op.Has(RelayOpFacets.InferType) : op.Has(RelaxOpFacets.InferStructInfo);
                if (rule && OpGapReasons.NoTypeRule(op) is not null) stale.Add($"{d} {op.Name}: has a type rule and a reason");
                if (op.Has(ReferenceKernels.Kernel) && ReferenceKernels.NoKernelReason(op) is not null) stale.Add($"{d} {op.Name}: has a kernel and a reason");
            }
        Assert.That(stale, Is.Empty, string.Join("\n", stale));
    }

    public static IEnumerable<TestCaseData> Rows() => ElementwiseSpec.All.Select(r => new TestCaseData(r).SetName($"Row({r.Name})"));

    [TestCaseSource(nameof(Rows))]
    public void SpecRowResolvesInEveryStage(ElementwiseOp row)
    {
        Assert.That(row.RelayName ?? row.RelaxName, Is.Not.Null, "a row declares at least one dialect");
        if (row.RelayName is not null)
        {
            Assert.That(row.Relay.Has(RelayOpFacets.InferType), row.RelayName + ": type relation");
            Assert.That(row.Relay.MinArgs, Is.EqualTo(row.Arity));
            Assert.That(RelayToRelaxTranslator.SupportedOps, Does.Contain(row.RelayName), "Relay→Relax entry");
            if (row.RelaxTarget is { } target) Assert.That(OpRegistry.Find(Dialect.Relax, "relax." + target), Is.Not.Null, "Relay→Relax target");
        }
        if (row.RelaxName is not null)
        {
            Assert.That(row.Relax.Has(RelaxOpFacets.InferStructInfo), row.RelaxName + ": struct-info rule");
            Assert.That(row.Relax.MinArgs, Is.EqualTo(row.Arity));
        }
        if (row.Kernel is { } k) Assert.That(ReferenceKernels.IsElementwiseKernel(row.Arity, k), $"kernel {k}");
        foreach (var op in new[] { row.RelayName is null ? null : row.Relay, row.RelaxName is null ? null : row.Relax })
            if (op is not null) Assert.That(ReferenceKernels.Find(op), Is.Not.Null, $"{op.Name}: kernel attached");
        if (row.Onnx is { } onnx)
        {
            var spec = OnnxOps.Find("", onnx);
            Assert.That(spec, Is.Not.Null, $"ONNX {onnx} declared");
            Assert.That(spec!.Versions, Is.EqualTo(row.OnnxVersions), "since-versions");
            // Both emitters lower it through the spec row's name (the shared rule of OnnxEmitterBase.Elementwise.cs).
            Assert.That(OnnxSupportMatrix.RelaySupports(onnx) && OnnxSupportMatrix.RelaxSupports(onnx), $"ONNX {onnx} lowered in both dialects");
        }
        else Assert.That(row.OnnxVersions, Is.Empty);
        if (row.Aten is not null) Assert.That(row.Onnx, Is.Not.Null, "an aten entry maps to the row's ONNX op");
    }

    [Test]
    public void RowNamesAreUnique()
    {
        Assert.That(ElementwiseSpec.All.Select(r => r.Name), Is.Unique);
        Assert.That(ElementwiseSpec.All.Where(r => r.Onnx is not null).Select(r => r.Onnx), Is.Unique);
        Assert.That(ElementwiseSpec.All.Where(r => r.Aten is not null).Select(r => r.Aten), Is.Unique);
    }

    /// <summary>
    /// The worked example (docs/architecture-ops.md "Adding an op"): <c>acosh</c> is one row of <see cref="ElementwiseSpec"/>
    /// plus its kernel case. From that row alone a Relay program types, translates to Relax, and both interpreters agree with
    /// hand values (acosh(1) = 0, acosh(2) = ln(2 + √3), acosh(10) = ln(10 + √99)).
    /// </summary>
    [Test]
    public void WorkedExample_Acosh_RunsEndToEndFromItsRow()
    {
        Assert.That(ElementwiseSpec.Acosh, Is.SameAs(ElementwiseSpec.ByOnnx("Acosh")));
        var (m, text, relay) = OpTableTests.Convert(OpTableTests.Module("acosh(%a)", ["Tensor[(3), float32]"]));
        Assert.That(text, Does.Contain("R.acosh("));
        var x = Tensor.FromArray(new float[] { 1f, 2f, 10f }, 3);
        var want = new[] { 0.0, Math.Log(2 + Math.Sqrt(3)), Math.Log(10 + Math.Sqrt(99)) };
        var feeds = new Dictionary<string, Tensor> { ["a"] = x };
        foreach (var (who, got) in new[] { ("Relay", new RelayInterpreter(relay).Run(feeds)), ("Relax", new RelaxInterpreter(m).Run(feeds)) })
        {
            var t = ((TensorValue)got).Tensor;
            for (var i = 0; i < want.Length; i++) Assert.That(t.GetDouble(i), Is.EqualTo(want[i]).Within(1e-6), $"{who} acosh at {i}");
        }
        // Relax's rule is the row's: float-only.
        Assert.That(ElementwiseSpec.Acosh.RelaxFloatOnly, Is.True);
    }
}

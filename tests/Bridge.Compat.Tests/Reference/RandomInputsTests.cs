using Bridge.Compat.Inputs;

namespace Bridge.Compat.Tests.Reference;

/// <summary>Seeded random inputs: determinism, dtypes, ranges, shared symbolic dims.</summary>
public class RandomInputsTests
{
    private static readonly InputSpec[] s_specs =
    [
        new("x", DataType.Float32, [InputDim.Named("batch"), InputDim.Fixed(3)]),
        new("ids", DataType.Int64, [InputDim.Named("batch"), InputDim.Named("seq")]),
        new("mask", DataType.Bool, [InputDim.Anonymous]),
        new("h", DataType.Float16, [InputDim.Fixed(5)]),
        new("u", DataType.UInt8, [InputDim.Fixed(64)]),
    ];

    [Test]
    public void SameSeedSameValuesOtherSeedOtherValues()
    {
        var a = RandomInputs.For(s_specs, 7, new Dictionary<string, long> { ["batch"] = 2, ["seq"] = 5 });
        var b = RandomInputs.For(s_specs, 7, new Dictionary<string, long> { ["batch"] = 2, ["seq"] = 5 });
        var c = RandomInputs.For(s_specs, 8, new Dictionary<string, long> { ["batch"] = 2, ["seq"] = 5 });
        Assert.That(a["x"].ToDoubleArray(), Is.EqualTo(b["x"].ToDoubleArray()));
        Assert.That(a["x"].ToDoubleArray(), Is.Not.EqualTo(c["x"].ToDoubleArray()));
        // Per-input streams: dropping an input leaves the others unchanged.
        var only = RandomInputs.For([s_specs[0]], 7, new Dictionary<string, long> { ["batch"] = 2 });
        Assert.That(only["x"].ToDoubleArray(), Is.EqualTo(a["x"].ToDoubleArray()));
    }

    [Test]
    public void ShapesDtypesAndRanges()
    {
        var r = RandomInputs.For(s_specs, 1, new Dictionary<string, long> { ["batch"] = 4, ["seq"] = 6 },
            new RandomInputOptions { Ranges = System.Collections.Immutable.ImmutableDictionary<string, (double, double)>.Empty.Add("u", (10, 20)) });
        Assert.Multiple(() =>
        {
            Assert.That(r["x"].Shape, Is.EqualTo(new long[] { 4, 3 }));
            Assert.That(r["ids"].Shape, Is.EqualTo(new long[] { 4, 6 }), "batch is shared across inputs");
            Assert.That(r["mask"].Shape, Is.EqualTo(new long[] { 1 }), "unnamed dims default to 1");
            Assert.That(r["h"].DType, Is.EqualTo(DataType.Float16));
            Assert.That(r["x"].ToDoubleArray(), Is.All.InRange(0.0, 1.0));
            Assert.That(r["ids"].ToDoubleArray(), Is.All.AnyOf(0.0, 1.0));
            Assert.That(r["u"].ToDoubleArray(), Is.All.InRange(10.0, 20.0));
            Assert.That(r["u"].ToDoubleArray().Distinct().Count(), Is.GreaterThan(5));
        });
    }

    [Test]
    public void BadOverridesAreDiagnostics()
    {
        Assert.That(RandomInputs.ParseDimOverrides(["batch=4", "seq = 2"])["seq"], Is.EqualTo(2));
        var e = Assert.Throws<BridgeException>(() => RandomInputs.ParseDimOverrides(["batch:4"]))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(Bridge.Compat.Pipeline.PipelineDiagnosticIds.BadShapeArgument));
    }
}

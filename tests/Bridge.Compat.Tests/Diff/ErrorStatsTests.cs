using Bridge.Compat.Diff;

namespace Bridge.Compat.Tests.Diff;

/// <summary>Error statistics and per-output tolerances against hand-computed values (numpy's percentile rule).</summary>
public class ErrorStatsTests
{
    [Test]
    public void StatisticsMatchHandValues()
    {
        var expected = Tensor.FromArray(new float[] { 1, 2, 4, 0 }, 4);
        var actual = Tensor.FromArray(new float[] { 1, 2.5f, 3, 0 }, 4);
        var s = ErrorStats.Of(actual, expected, new CompareOptions { Rtol = 0, Atol = 0.6 })!;
        // abs = [0, 0.5, 1, 0] → sorted [0, 0, 0.5, 1]; rel = [0, 0.25, 0.25, 0] → sorted [0, 0, 0.25, 0.25]
        Assert.That(s.MaxAbs, Is.EqualTo(1));
        Assert.That(s.MeanAbs, Is.EqualTo(0.375));
        Assert.That(s.MedianAbs, Is.EqualTo(0.25));
        Assert.That(s.P99Abs, Is.EqualTo(0.5 + 0.5 * 0.97).Within(1e-12)); // position 0.99·3 = 2.97 → 0.5 + 0.97·(1 − 0.5)
        Assert.That(s.MaxRel, Is.EqualTo(0.25));
        Assert.That(s.MedianRel, Is.EqualTo(0.125));
        // cos = (1 + 5 + 12) / (sqrt(1 + 6.25 + 9) · sqrt(1 + 4 + 16))
        Assert.That(s.Cosine, Is.EqualTo(18 / (Math.Sqrt(16.25) * Math.Sqrt(21))).Within(1e-12));
        Assert.That(s.Mismatches, Is.EqualTo(1)); // only |1| > atol 0.6
        Assert.That(s.Elements, Is.EqualTo(4));
    }

    [Test]
    public void NonFiniteElementsAreCountedNotAveraged()
    {
        var s = ErrorStats.Of(Tensor.FromArray(new float[] { float.NaN, 1 }, 2), Tensor.FromArray(new float[] { 0, 1 }, 2), new CompareOptions())!;
        Assert.That(s.NonFinite, Is.EqualTo(1));
        Assert.That(s.MaxAbs, Is.EqualTo(0));
        Assert.That(s.Mismatches, Is.EqualTo(1), "NaN still fails the comparison");
    }

    [Test]
    public void ShapeMismatchHasNoStatistics() =>
        Assert.That(ErrorStats.Of(Tensor.Zeros(DataType.Float32, 2), Tensor.Zeros(DataType.Float32, 3), new CompareOptions()), Is.Null);

    [Test]
    public void HistogramBucketsByDecade()
    {
        var (labels, counts) = ErrorStats.Histogram([0, 0, 5e-13, 2e-6, 3e-6, 0.5, 1e4]);
        Assert.That(labels[0], Is.EqualTo("0"));
        Assert.That(counts[0], Is.EqualTo(2));
        Assert.That(counts[labels.IndexOf("<1e-11")], Is.EqualTo(1));
        Assert.That(counts[labels.IndexOf("[1e-6,1e-5)")], Is.EqualTo(2));
        Assert.That(counts[labels.IndexOf("[1e-1,1e0)")], Is.EqualTo(1));
        Assert.That(counts[labels.IndexOf(">=1e3")], Is.EqualTo(1));
        Assert.That(counts.Sum(), Is.EqualTo(7));
    }

    [Test]
    public void PerOutputTolerancesOverrideByNameThenPosition()
    {
        var t = OutputTolerances.Parse(["logits=1e-3,1e-4", "output1=0.5,0.25"]);
        var baseline = new CompareOptions { Rtol = 1, Atol = 1 };
        Assert.That(t.Apply(baseline, "logits", 0), Is.EqualTo(baseline with { Rtol = 1e-3, Atol = 1e-4 }));
        Assert.That(t.Apply(baseline, "relay/logits"), Is.EqualTo(baseline with { Rtol = 1e-3, Atol = 1e-4 }));
        Assert.That(t.Apply(baseline, "probs", 1), Is.EqualTo(baseline with { Rtol = 0.5, Atol = 0.25 }));
        Assert.That(t.Apply(baseline, "other", 2), Is.EqualTo(baseline));
    }

    [TestCase("logits")]
    [TestCase("logits=1e-3")]
    [TestCase("logits=a,b")]
    [TestCase("logits=-1,0")]
    public void MalformedToleranceIsDiagnosed(string spec)
    {
        var e = Assert.Throws<BridgeException>(() => OutputTolerances.Parse([spec]))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(DiffDiagnosticIds.BadTolerance));
    }

    [Test]
    public void OutputSetsMatchByNameElseByPosition()
    {
        var a = new List<(string, Tensor)> { ("x", Tensor.FromArray(new float[] { 1 }, 1)), ("y", Tensor.FromArray(new float[] { 2 }, 1)) };
        var swapped = new List<(string, Tensor)> { ("y", Tensor.FromArray(new float[] { 2 }, 1)), ("x", Tensor.FromArray(new float[] { 1 }, 1)) };
        var positional = new List<(string, Tensor)> { ("output0", Tensor.FromArray(new float[] { 1 }, 1)), ("output1", Tensor.FromArray(new float[] { 3 }, 1)) };
        var byName = OutputSetComparer.Compare(a, swapped, new OutputSetComparer.Options());
        Assert.That(byName.All(c => c.Result.Passed), Is.True);
        var byPos = OutputSetComparer.Compare(a, positional, new OutputSetComparer.Options());
        Assert.That(byPos.Select(c => (c.Name, c.ActualName, c.Result.Passed)), Is.EqualTo(new[] { ("x", "output0", true), ("y", "output1", false) }));
        var e = Assert.Throws<BridgeException>(() => OutputSetComparer.Compare(a, positional.Take(1).ToList(), new OutputSetComparer.Options()))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(DiffDiagnosticIds.OutputsUnmatched));
    }
}


namespace Bridge.Compat.Diff;

/// <summary>
/// Error figures of one compared tensor (Polygraphy's <c>--check-error-stat</c> set plus cosine similarity): max, mean, median and
/// 99th percentile of the absolute and relative error, cosine similarity of the flattened tensors, and the mismatch count under
/// the comparison's tolerances. Relative error is relative to the expected (reference) side with zeros replaced by 2.22e-16, as in
/// <see cref="TensorCompare"/>. Elements where either side is NaN or infinite are counted in <see cref="NonFinite"/> and left out
/// of the error figures (they fail the comparison by its NaN/inf rules).
/// </summary>
public sealed record ErrorStats
{
    public long Elements { get; init; }
    public long Mismatches { get; init; }
    public long NonFinite { get; init; }
    public double MaxAbs { get; init; }
    public double MeanAbs { get; init; }
    public double MedianAbs { get; init; }
    public double P99Abs { get; init; }
    public double MaxRel { get; init; }
    public double MeanRel { get; init; }
    public double MedianRel { get; init; }
    public double P99Rel { get; init; }
    /// <summary>cos(actual, expected) over the finite elements; 1 when both are all zeros, NaN when exactly one is.</summary>
    public double Cosine { get; init; }
    /// <summary>The absolute errors, for histograms (finite elements only, at most <see cref="SampleLimit"/> evenly strided).</summary>
    public ImmutableArray<double> AbsSample { get; init; } = [];

    public const int SampleLimit = 100_000;
    private const double RelEpsilon = 2.22e-16;

    public override string ToString() => FormattableString.Invariant(
        $"abs max {MaxAbs:G4} mean {MeanAbs:G4} median {MedianAbs:G4} p99 {P99Abs:G4}; rel max {MaxRel:G4} mean {MeanRel:G4} median {MedianRel:G4} p99 {P99Rel:G4}; cosine {Cosine:G8}; {Mismatches}/{Elements} mismatched");

    /// <summary>The statistics of <paramref name="actual"/> against <paramref name="expected"/>; null when their shapes differ.</summary>
    public static ErrorStats? Of(Tensor actual, Tensor expected, CompareOptions options)
    {
        if (!actual.Shape.SequenceEqual(expected.Shape)) return null;
        var n = expected.Length;
        var abs = new List<double>((int)Math.Min(n, int.MaxValue / 2));
        var rel = new List<double>(abs.Capacity);
        double dot = 0, na = 0, ne = 0;
        long nonFinite = 0;
        for (long i = 0; i < n; i++)
        {
            var a = actual.GetDouble(i);
            var e = expected.GetDouble(i);
            if (!double.IsFinite(a) || !double.IsFinite(e)) { nonFinite++; continue; }
            var d = Math.Abs(a - e);
            abs.Add(d);
            rel.Add(d / (e == 0 ? RelEpsilon : Math.Abs(e)));
            dot += a * e;
            na += a * a;
            ne += e * e;
        }
        var cmp = TensorCompare.Compare(actual, expected, options);
        var cosine = na == 0 && ne == 0 ? 1 : na == 0 || ne == 0 ? double.NaN : dot / (Math.Sqrt(na) * Math.Sqrt(ne));
        var sample = Sample(abs);
        abs.Sort();
        rel.Sort();
        return new ErrorStats
        {
            Elements = n, Mismatches = cmp.Mismatches, NonFinite = nonFinite,
            MaxAbs = Quantile(abs, 1), MeanAbs = Mean(abs), MedianAbs = Quantile(abs, 0.5), P99Abs = Quantile(abs, 0.99),
            MaxRel = Quantile(rel, 1), MeanRel = Mean(rel), MedianRel = Quantile(rel, 0.5), P99Rel = Quantile(rel, 0.99),
            Cosine = double.IsNaN(cosine) ? double.NaN : Math.Clamp(cosine, -1, 1), AbsSample = sample,
        };
    }

    /// <summary>
    /// Largest |actual − expected| over outputs paired by position whose shapes agree, leaving out those listed in
    /// <paramref name="skip"/> (random-dependent); null when nothing was comparable or an error is not finite (NaN/inf: results
    /// are JSON, which has neither; the check stage fails on them anyway).
    /// </summary>
    public static double? MaxAbsOver(IReadOnlyList<(string Name, Tensor Tensor)> expected, IReadOnlyList<(string Name, Tensor Tensor)> actual,
        IReadOnlyDictionary<int, string>? skip = null)
    {
        double? max = null;
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            if (skip is not null && skip.ContainsKey(i)) continue;
            var (e, a) = (expected[i].Tensor, actual[i].Tensor);
            if (!e.Shape.SequenceEqual(a.Shape)) continue;
            var m = max ?? 0;
            for (long k = 0; k < e.Length; k++)
            {
                var d = Math.Abs(a.GetDouble(k) - e.GetDouble(k));
                if (!double.IsFinite(d)) return null;
                m = Math.Max(m, d);
            }
            max = m;
        }
        return max;
    }

    private static double Mean(List<double> xs) => xs.Count == 0 ? 0 : xs.Sum() / xs.Count;

    /// <summary>Linear interpolation between closest ranks (numpy's default <c>percentile</c> method) on sorted values.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) return 0;
        var pos = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    private static ImmutableArray<double> Sample(List<double> abs)
    {
        if (abs.Count <= SampleLimit) return [.. abs];
        var stride = (double)abs.Count / SampleLimit;
        var b = ImmutableArray.CreateBuilder<double>(SampleLimit);
        for (var i = 0; i < SampleLimit; i++) b.Add(abs[(int)(i * stride)]);
        return b.MoveToImmutable();
    }

    /// <summary>
    /// A histogram of absolute errors over log10 buckets ("0", below 1e-11, one per decade up to 1e3, and 1e3 or more), for the
    /// HTML report's chart. Labels and counts in bucket order.
    /// </summary>
    public static (ImmutableArray<string> Labels, ImmutableArray<long> Counts) Histogram(IEnumerable<double> absErrors)
    {
        const int lo = -11, hi = 3;
        var labels = ImmutableArray.CreateBuilder<string>();
        labels.Add("0");
        labels.Add(FormattableString.Invariant($"<1e{lo}"));
        for (var k = lo; k < hi; k++) labels.Add(FormattableString.Invariant($"[1e{k},1e{k + 1})"));
        labels.Add(FormattableString.Invariant($">=1e{hi}"));
        var counts = new long[labels.Count];
        foreach (var d in absErrors)
        {
            if (d == 0) { counts[0]++; continue; }
            var k = (int)Math.Floor(Math.Log10(d));
            counts[k < lo ? 1 : k >= hi ? counts.Length - 1 : k - lo + 2]++;
        }
        return (labels.ToImmutable(), [.. counts]);
    }
}

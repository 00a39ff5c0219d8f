
namespace Bridge.Core.Tensors;

/// <summary>Which element rule decides a mismatch (frontends.md §5.1 and §5.5; reports must say which was used).</summary>
public enum CompareRule
{
    /// <summary>Polygraphy <c>elemwise</c>: an element fails only if <c>abs &gt; atol</c> AND <c>abs/|expected| &gt; rtol</c> (NaN counts as exceeding).</summary>
    Elementwise,
    /// <summary>numpy/torch <c>allclose</c>: an element fails if <c>abs &gt; atol + rtol·|expected|</c>.</summary>
    AllClose,
}

/// <summary>Tolerances and special-value policy for one comparison.</summary>
public sealed record CompareOptions
{
    public double Atol { get; init; } = 1e-5;
    public double Rtol { get; init; } = 1e-5;
    public CompareRule Rule { get; init; } = CompareRule.Elementwise;
    /// <summary>NaN at the same position on both sides passes (torch's <c>equal_nan</c>); otherwise any NaN fails (Polygraphy).</summary>
    public bool EqualNan { get; init; }
    /// <summary>Equal infinities pass (torch; Polygraphy's <c>infinities_compare_equal</c>). Default true.</summary>
    public bool InfinitiesCompareEqual { get; init; } = true;

    /// <summary>
    /// Per-dtype defaults, from torch.testing.assert_close (frontends.md §5.5): float16 (rtol 1e-3, atol 1e-5),
    /// bfloat16 (1.6e-2, 1e-5), float32 (1.3e-6, 1e-5), float64 (1e-7, 1e-7); integers and bool compare exactly.
    /// </summary>
    public static CompareOptions For(DataType dtype, CompareRule rule = CompareRule.Elementwise) => dtype switch
    {
        _ when dtype == DataType.Float16 => new() { Rtol = 1e-3, Atol = 1e-5, Rule = rule },
        _ when dtype == DataType.BFloat16 => new() { Rtol = 1.6e-2, Atol = 1e-5, Rule = rule },
        _ when dtype == DataType.Float32 => new() { Rtol = 1.3e-6, Atol = 1e-5, Rule = rule },
        _ when dtype == DataType.Float64 => new() { Rtol = 1e-7, Atol = 1e-7, Rule = rule },
        _ => new() { Rtol = 0, Atol = 0, Rule = rule },
    };
}

/// <summary>The outcome of comparing an actual tensor with an expected (reference) one.</summary>
public sealed record CompareResult
{
    public bool Passed { get; init; }
    /// <summary>Set when the shapes differ (nothing else is compared then).</summary>
    public bool ShapeMismatch { get; init; }
    /// <summary>Set when the dtypes differ (values are still compared, as doubles).</summary>
    public bool DTypeMismatch { get; init; }
    public long Elements { get; init; }
    public long Mismatches { get; init; }
    /// <summary>Largest |actual − expected| over elements that are not NaN/inf-equal (NaN when a NaN was involved).</summary>
    public double MaxAbsError { get; init; }
    /// <summary>Largest |actual − expected| / |expected| (expected zeros replaced by 2.22e-16, as Polygraphy does).</summary>
    public double MaxRelError { get; init; }
    /// <summary>Mean |actual − expected| and mean relative error over the finite elements (Polygraphy's <c>mean</c> statistic).</summary>
    public double MeanAbsError { get; init; }
    public double MeanRelError { get; init; }
    /// <summary>Flat index and multi-index of the first mismatching element, or null.</summary>
    public long? FirstMismatch { get; init; }
    public ImmutableArray<long> FirstMismatchIndex { get; init; } = [];
    public double FirstActual { get; init; }
    public double FirstExpected { get; init; }
    public CompareOptions Options { get; init; } = new();

    public override string ToString() =>
        ShapeMismatch ? "FAILED: shape mismatch"
        : $"{(Passed ? "PASSED" : "FAILED")} ({Options.Rule}, atol={Options.Atol:G3}, rtol={Options.Rtol:G3}): max abs {MaxAbsError:G6}, max rel {MaxRelError:G6}, " +
          $"{Mismatches}/{Elements} mismatched" + (FirstMismatch is { } i ? $", first at [{string.Join(", ", FirstMismatchIndex)}] actual {FirstActual:G9} expected {FirstExpected:G9}" : "") +
          (DTypeMismatch ? " (dtype mismatch)" : "");
}

/// <summary>
/// Element-wise tensor comparison after Polygraphy's <c>CompareFunc.simple</c> (frontends.md §5.1): differences are taken in
/// double; relative error is relative to the expected (reference) side with zeros replaced by ε = 2.22e-16; NaN fails unless
/// <see cref="CompareOptions.EqualNan"/> and both sides are NaN at that position; equal infinities give error 0 when
/// <see cref="CompareOptions.InfinitiesCompareEqual"/>; bool compares by XOR (exact). A dtype mismatch fails the comparison.
/// </summary>
public static class TensorCompare
{
    private const double RelEpsilon = 2.22e-16;

    public static CompareResult Compare(Tensor actual, Tensor expected, CompareOptions? options = null)
    {
        var o = options ?? CompareOptions.For(expected.DType);
        if (!actual.Shape.SequenceEqual(expected.Shape))
            return new CompareResult { Passed = false, ShapeMismatch = true, DTypeMismatch = actual.DType != expected.DType, Options = o, Elements = expected.Length };
        long mismatches = 0;
        double maxAbs = 0, maxRel = 0, sumAbs = 0, sumRel = 0;
        long finite = 0;
        long? first = null;
        double fa = 0, fe = 0;
        for (long i = 0; i < expected.Length; i++)
        {
            var a = actual.GetDouble(i);
            var e = expected.GetDouble(i);
            double abs;
            bool bad;
            if (double.IsNaN(a) || double.IsNaN(e))
            {
                bad = !(o.EqualNan && double.IsNaN(a) && double.IsNaN(e));
                abs = bad ? double.NaN : 0;
            }
            else if (double.IsInfinity(a) || double.IsInfinity(e))
            {
                // inf - inf is NaN: equal infinities pass only under the policy; any other inf difference is infinite.
                bad = !(a == e && o.InfinitiesCompareEqual);
                abs = bad ? double.PositiveInfinity : 0;
            }
            else
            {
                abs = Math.Abs(a - e);
                var rel = abs / (e == 0 ? RelEpsilon : Math.Abs(e));
                bad = o.Rule == CompareRule.Elementwise
                    ? abs > o.Atol && rel > o.Rtol
                    : abs > o.Atol + o.Rtol * Math.Abs(e);
                maxRel = Math.Max(maxRel, rel);
                sumAbs += abs;
                sumRel += rel;
                finite++;
            }
            if (double.IsNaN(abs)) { maxAbs = double.NaN; maxRel = double.NaN; }
            else if (!double.IsNaN(maxAbs)) maxAbs = Math.Max(maxAbs, abs);
            if (bad)
            {
                mismatches++;
                if (first is null) { first = i; fa = a; fe = e; }
            }
        }
        var dtypeMismatch = actual.DType != expected.DType;
        return new CompareResult
        {
            Passed = mismatches == 0 && !dtypeMismatch,
            DTypeMismatch = dtypeMismatch,
            Elements = expected.Length,
            Mismatches = mismatches,
            MaxAbsError = maxAbs,
            MaxRelError = double.IsInfinity(maxAbs) && !double.IsNaN(maxRel) ? double.PositiveInfinity : maxRel,
            MeanAbsError = finite == 0 ? 0 : sumAbs / finite,
            MeanRelError = finite == 0 ? 0 : sumRel / finite,
            FirstMismatch = first,
            FirstMismatchIndex = first is { } f ? Unravel(f, expected.Shape) : [],
            FirstActual = fa,
            FirstExpected = fe,
            Options = o,
        };
    }

    private static ImmutableArray<long> Unravel(long flat, ImmutableArray<long> shape)
    {
        var idx = new long[shape.Length];
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return [.. idx];
    }
}

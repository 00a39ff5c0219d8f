using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>Binary search kernels: Relay searchsorted and Relax bucketize (which topi lowers to searchsorted).</summary>
public static class Search
{
    /// <summary>
    /// searchsorted: for each value, the insertion index into the sorted innermost row of <paramref name="sorted"/>: the first i
    /// with seq[i] &gt;= v (left) or seq[i] &gt; v (<paramref name="right"/>). A 1-D sequence serves every value; otherwise the
    /// sequence's leading dims must equal the values' leading dims (topi/searchsorted.py). The result has the values' shape.
    /// The search is topi's lower-bound loop, so unsorted rows and NaNs give the same answers as TVM.
    /// </summary>
    public static Tensor SearchSorted(Tensor sorted, Tensor values, bool right, DataType dtype)
    {
        const string op = "searchsorted";
        if (sorted.Rank < 1) throw Fail(KernelDiagnosticIds.RankMismatch, op, "sorted_sequence must have rank >= 1");
        var len = sorted.Shape[^1];
        if (sorted.Rank > 1)
        {
            if (values.Rank != sorted.Rank || !sorted.Shape.Take(sorted.Rank - 1).SequenceEqual(values.Shape.Take(values.Rank - 1)))
                throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"sorted_sequence {Fmt(sorted.Shape)} and values {Fmt(values.Shape)} must agree on all but the last dim");
        }
        var perRow = values.Rank == 0 ? 1 : values.Shape[^1];
        var r = new long[values.Length];
        // Integers compare as int64 (exact beyond 2^53), everything else as double.
        if (sorted.DType.IsIntegral && values.DType.IsIntegral) Bisect(ToLong(sorted), ToLong(values), r, sorted.Rank, perRow, len, right);
        else Bisect(ToDouble(sorted), ToDouble(values), r, sorted.Rank, perRow, len, right);
        return FromLong(dtype, [.. values.Shape], r);
    }

    /// <summary>Per value, the first index of its row of <paramref name="s"/> whose element is ≥ it (≥ → &gt; when <paramref name="right"/>).</summary>
    private static void Bisect<T>(T[] s, T[] v, long[] r, int sortedRank, long perRow, long len, bool right) where T : System.Numerics.INumber<T>
    {
        for (long i = 0; i < v.Length; i++)
        {
            var b = sortedRank == 1 ? 0 : i / perRow * len;
            long lo = 0, hi = len;
            while (lo < hi)
            {
                var mid = lo + (hi - lo) / 2;
                if (right ? s[b + mid] <= v[i] : s[b + mid] < v[i]) lo = mid + 1; else hi = mid;
            }
            r[i] = lo;
        }
    }
}

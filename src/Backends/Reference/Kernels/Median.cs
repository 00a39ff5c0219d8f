using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>relax.median with torch.median semantics.</summary>
public static class Median
{
    /// <summary>
    /// The lower median (element (n−1)/2 of the sorted values, no averaging) over <paramref name="axes"/> (null or empty = all
    /// axes); NaN when any reduced element is NaN (torch.median, unlike nanmedian). Keeps the dtype; the chosen element is copied
    /// exactly. Reducing an empty extent is an error (torch raises too).
    /// </summary>
    public static Tensor Apply(Tensor x, long[]? axes, bool keepDims = false) => Core(x, axes is { Length: > 0 } ? axes : null, keepDims).Values;

    /// <summary>
    /// torch.median(x, dim, keepdim) and TVM's legalized relax.median with one axis: the lower median along <paramref name="axis"/>
    /// and its int64 position on that axis (the stable ascending order's middle element, so among equal values the one at the
    /// middle rank; the first NaN when the row holds one).
    /// </summary>
    public static (Tensor Values, Tensor Indices) ApplyWithIndices(Tensor x, long axis, bool keepDims = false) => Core(x, [axis], keepDims);

    private static (Tensor Values, Tensor Indices) Core(Tensor x, long[]? axes, bool keepDims)
    {
        const string op = "median";
        var red = Axes(op, axes, x.Rank);
        var kept = Enumerable.Range(0, x.Rank).Where(d => !red.Contains(d)).ToArray();
        var perm = kept.Concat(red).Select(d => (long)d).ToArray();
        var xt = x.Rank == 0 ? x : Manipulate.Transpose(x, perm);
        var outer = Product(kept.Select(d => x.Shape[d]).ToArray());
        var inner = Product(red.Select(d => x.Shape[d]).ToArray());
        if (inner == 0 && outer > 0) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"cannot take the median of an empty extent of {Fmt(x.Shape)}");
        var pick = new long[outer];
        var order = new long[inner];
        // Ties keep their index order (a stable sort, as topi.argsort), so the reported index is deterministic.
        if (x.DType.IsFloat)
        {
            var v = ToDouble(xt);
            for (long o = 0; o < outer; o++)
            {
                var b = o * inner;
                var nan = -1L;
                for (long i = 0; i < inner && nan < 0; i++) if (double.IsNaN(v[b + i])) nan = i;
                if (nan >= 0) { pick[o] = nan; continue; }
                for (long i = 0; i < inner; i++) order[i] = i;
                Array.Sort(order, (p, q) => { var c = v[b + p].CompareTo(v[b + q]); return c != 0 ? c : p.CompareTo(q); });
                pick[o] = order[(inner - 1) / 2];
            }
        }
        else
        {
            var v = ToLong(xt);
            var unsigned = x.DType == DataType.UInt64;
            for (long o = 0; o < outer; o++)
            {
                var b = o * inner;
                for (long i = 0; i < inner; i++) order[i] = i;
                Array.Sort(order, (p, q) =>
                {
                    var c = unsigned ? ((ulong)v[b + p]).CompareTo((ulong)v[b + q]) : v[b + p].CompareTo(v[b + q]);
                    return c != 0 ? c : p.CompareTo(q);
                });
                pick[o] = order[(inner - 1) / 2];
            }
        }
        var outShape = keepDims
            ? Enumerable.Range(0, x.Rank).Select(d => red.Contains(d) ? 1L : x.Shape[d]).ToArray()
            : kept.Select(d => x.Shape[d]).ToArray();
        var map = new long[outer];
        for (long o = 0; o < outer; o++) map[o] = o * inner + pick[o];
        return (GatherFlat(xt, outShape, map), FromLong(DataType.Int64, outShape, pick));
    }
}


namespace Bridge.Backends.Reference;

/// <summary>Unique over the flattened input (ONNX Unique without axis; Relay/Relax <c>unique</c>), accumulated by value.</summary>
public static class Unique
{
    /// <summary>
    /// The distinct values of <paramref name="x"/> (ascending when <paramref name="sorted"/>, else in first-occurrence order),
    /// the flat index of each one's first occurrence, the inverse map (position of every element's value in the values) and
    /// each value's count. Exactly sized: every result but the inverse has one entry per distinct value.
    /// </summary>
    public static (Tensor Values, long[] First, long[] Inverse, long[] Counts) Apply(Tensor x, bool sorted)
    {
        var first = new Dictionary<double, long>();
        var order = new List<double>();
        var counts = new Dictionary<double, long>();
        for (long i = 0; i < x.Length; i++)
        {
            var v = x.GetDouble(i);
            if (first.TryAdd(v, i)) order.Add(v);
            counts[v] = counts.GetValueOrDefault(v) + 1;
        }
        if (sorted) order.Sort();
        var pos = new Dictionary<double, long>();
        for (var k = 0; k < order.Count; k++) pos[order[k]] = k;
        var vals = Tensor.Zeros(x.DType, order.Count);
        for (var k = 0; k < order.Count; k++) vals.SetDouble(k, order[k]);
        var inv = new long[x.Length];
        for (long i = 0; i < x.Length; i++) inv[i] = pos[x.GetDouble(i)];
        return (vals, [.. order.Select(v => first[v])], inv, [.. order.Select(v => counts[v])]);
    }

    /// <summary>
    /// Relay's <c>unique</c> (TVM v0.19 topi.unique): every output padded to the input length (entries past num_unique are 0),
    /// int32 indices, and a [1] num_unique; with <paramref name="returnCounts"/> the padded counts come last.
    /// </summary>
    public static Tensor[] ApplyRelay(Tensor x, bool sorted, bool returnCounts)
    {
        var (vals, first, inv, counts) = Apply(x, sorted);
        var n = x.Length;
        var pv = Tensor.Zeros(x.DType, n);
        for (long k = 0; k < vals.Length; k++) pv.SetDouble(k, vals.GetDouble(k));
        Tensor Padded(long[] v)
        {
            var t = Tensor.Zeros(DataType.Int32, n);
            for (var k = 0; k < v.Length; k++) t.SetInt64(k, v[k]);
            return t;
        }
        var num = Tensor.Zeros(DataType.Int32, 1);
        num.SetInt64(0, vals.Length);
        return returnCounts ? [pv, Padded(first), Padded(inv), num, Padded(counts)] : [pv, Padded(first), Padded(inv), num];
    }
}

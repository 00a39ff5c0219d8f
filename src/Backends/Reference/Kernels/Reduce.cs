using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>Reductions over a set of axes.</summary>
public enum ReduceOp { Sum, Mean, Max, Min, Prod, Variance, Std, LogSumExp, All, Any, ArgMax, ArgMin }

/// <summary>
/// Reduction parameters: <see cref="Axes"/> null = all axes; <see cref="Exclude"/> reduces every axis NOT listed (TVM);
/// <see cref="Unbiased"/> divides variance by n-1; <see cref="SelectLastIndex"/> makes argmax/argmin pick the last of equal values.
/// </summary>
public sealed record ReduceParams(long[]? Axes = null, bool KeepDims = false, bool Exclude = false, bool Unbiased = false, bool SelectLastIndex = false);

/// <summary>
/// Reductions, scans, sort/topk and softmax. Accumulation: float reductions (f16/bf16/f32/f64) accumulate in double, in increasing
/// flat-index order of the reduced elements, and round once to the output dtype; integer sum/prod accumulate in int64 and wrap to the
/// dtype. argmax/argmin and max/min treat NaN as the extreme (NaN propagates; the first NaN's index wins), as numpy does.
/// </summary>
public static class Reduce
{
    /// <summary>Applies a reduction. argmax/argmin return int32 (TVM); all/any return bool; the rest keep the input dtype.</summary>
    public static Tensor Apply(ReduceOp op, Tensor x, ReduceParams? p = null, DataType? indexDType = null)
    {
        p ??= new ReduceParams();
        var name = op.ToString();
        var rank = x.Rank;
        var axes = Axes(name, p.Axes, rank, p.Exclude);
        if (p.Axes is not null && p.Axes.Length == 0 && !p.Exclude) axes = [];
        var red = new bool[rank];
        foreach (var a in axes) red[a] = true;
        var keepShape = Enumerable.Range(0, rank).Where(i => !red[i]).Select(i => x.Shape[i]).ToArray();
        var redShape = Enumerable.Range(0, rank).Where(i => red[i]).Select(i => x.Shape[i]).ToArray();
        var outShape = p.KeepDims ? Enumerable.Range(0, rank).Select(i => red[i] ? 1L : x.Shape[i]).ToArray() : keepShape;
        var st = StridesOf(x.Shape.AsSpan());
        var outerOff = OffsetsOf(keepShape, Enumerable.Range(0, rank).Where(i => !red[i]).Select(i => st[i]).ToArray());
        var innerOff = OffsetsOf(redShape, Enumerable.Range(0, rank).Where(i => red[i]).Select(i => st[i]).ToArray());
        var n = innerOff.Length;
        if (n == 0 && op is ReduceOp.Max or ReduceOp.Min or ReduceOp.ArgMax or ReduceOp.ArgMin && outerOff.Length > 0)
            throw Fail(KernelDiagnosticIds.ShapeMismatch, name, $"reduction over an empty axis of {Fmt(x.Shape)} has no identity");
        if (op is ReduceOp.ArgMax or ReduceOp.ArgMin)
        {
            var d = ToDouble(x);
            var u = x.DType == DataType.Int64 ? ToLong(x) : null;
            var r = new long[outerOff.Length];
            for (var o = 0; o < r.Length; o++)
            {
                var best = 0;
                for (var j = 1; j < n; j++)
                {
                    double cur = d[outerOff[o] + innerOff[j]], bv = d[outerOff[o] + innerOff[best]];
                    if (double.IsNaN(bv)) break;
                    bool better;
                    if (double.IsNaN(cur)) better = true;
                    else if (u is not null)
                    {
                        long cl = u[outerOff[o] + innerOff[j]], bl = u[outerOff[o] + innerOff[best]];
                        better = op == ReduceOp.ArgMax ? cl > bl || (p.SelectLastIndex && cl == bl) : cl < bl || (p.SelectLastIndex && cl == bl);
                    }
                    else better = op == ReduceOp.ArgMax ? cur > bv || (p.SelectLastIndex && cur == bv) : cur < bv || (p.SelectLastIndex && cur == bv);
                    if (better) best = j;
                }
                r[o] = best;
            }
            return FromLong(indexDType ?? DataType.Int32, outShape, r);
        }
        if (op is ReduceOp.All or ReduceOp.Any)
        {
            var d = ToDouble(x);
            var r = new long[outerOff.Length];
            for (var o = 0; o < r.Length; o++)
            {
                var acc = op == ReduceOp.All;
                for (var j = 0; j < n; j++)
                {
                    var nz = d[outerOff[o] + innerOff[j]] != 0;
                    acc = op == ReduceOp.All ? acc && nz : acc || nz;
                }
                r[o] = acc ? 1 : 0;
            }
            return FromLong(DataType.Bool, outShape, r);
        }
        if (x.DType.IsIntegral && op is ReduceOp.Sum or ReduceOp.Prod or ReduceOp.Max or ReduceOp.Min)
        {
            var l = ToLong(x);
            var u64 = x.DType == DataType.UInt64;
            var r = new long[outerOff.Length];
            for (var o = 0; o < r.Length; o++)
            {
                long acc = op == ReduceOp.Prod ? 1 : 0;
                for (var j = 0; j < n; j++)
                {
                    var v = l[outerOff[o] + innerOff[j]];
                    if (j == 0 && op is ReduceOp.Max or ReduceOp.Min) { acc = v; continue; }
                    acc = op switch
                    {
                        ReduceOp.Sum => unchecked(acc + v),
                        ReduceOp.Prod => unchecked(acc * v),
                        ReduceOp.Max => u64 ? (long)Math.Max((ulong)acc, (ulong)v) : Math.Max(acc, v),
                        _ => u64 ? (long)Math.Min((ulong)acc, (ulong)v) : Math.Min(acc, v),
                    };
                }
                r[o] = acc;
            }
            return FromLong(x.DType, outShape, r);
        }
        {
            var d = ToDouble(x);
            var r = new double[outerOff.Length];
            for (var o = 0; o < r.Length; o++)
            {
                var b = outerOff[o];
                double acc;
                switch (op)
                {
                    case ReduceOp.Sum: acc = 0; for (var j = 0; j < n; j++) acc += d[b + innerOff[j]]; break;
                    case ReduceOp.Mean: acc = 0; for (var j = 0; j < n; j++) acc += d[b + innerOff[j]]; acc /= n; break;
                    case ReduceOp.Prod: acc = 1; for (var j = 0; j < n; j++) acc *= d[b + innerOff[j]]; break;
                    case ReduceOp.Max:
                        acc = double.NegativeInfinity;
                        for (var j = 0; j < n; j++) { var v = d[b + innerOff[j]]; if (double.IsNaN(v)) { acc = v; break; } acc = Math.Max(acc, v); }
                        break;
                    case ReduceOp.Min:
                        acc = double.PositiveInfinity;
                        for (var j = 0; j < n; j++) { var v = d[b + innerOff[j]]; if (double.IsNaN(v)) { acc = v; break; } acc = Math.Min(acc, v); }
                        break;
                    case ReduceOp.Variance or ReduceOp.Std:
                    {
                        // Two-pass: mean first, then the sum of squared deviations (no catastrophic cancellation).
                        double mean = 0;
                        for (var j = 0; j < n; j++) mean += d[b + innerOff[j]];
                        mean /= n;
                        double ss = 0;
                        for (var j = 0; j < n; j++) { var e = d[b + innerOff[j]] - mean; ss += e * e; }
                        acc = ss / (p.Unbiased ? n - 1 : n);
                        if (op == ReduceOp.Std) acc = Math.Sqrt(acc);
                        break;
                    }
                    default:
                    {
                        // log-sum-exp: subtract the max so no term overflows; an all -inf slice gives -inf.
                        var m = double.NegativeInfinity;
                        for (var j = 0; j < n; j++) { var v = d[b + innerOff[j]]; m = double.IsNaN(v) || double.IsNaN(m) ? double.NaN : Math.Max(m, v); }
                        if (double.IsNegativeInfinity(m) || double.IsNaN(m) || double.IsPositiveInfinity(m)) { acc = m; break; }
                        double s = 0;
                        for (var j = 0; j < n; j++) s += Math.Exp(d[b + innerOff[j]] - m);
                        acc = m + Math.Log(s);
                        break;
                    }
                }
                r[o] = acc;
            }
            var outType = x.DType.IsFloat ? x.DType : op is ReduceOp.Mean or ReduceOp.Variance or ReduceOp.Std or ReduceOp.LogSumExp ? x.DType : x.DType;
            return FromDouble(outType, outShape, r);
        }
    }

    /// <summary>cumsum/cumprod along <paramref name="axis"/> (null: over the flattened input); exclusive shifts by one; reverse scans from the end.</summary>
    public static Tensor Cumulative(Tensor x, long? axis, bool product = false, bool exclusive = false, bool reverse = false, DataType? dtype = null)
    {
        var name = product ? "cumprod" : "cumsum";
        if (axis is null) x = x.Reshape(x.Length);
        var a = Axis(name, axis ?? 0, x.Rank);
        var outType = dtype is { IsVoid: false } dt ? dt : x.DType;
        x = Manipulate.Cast(x, outType);
        var outer = Product(x.Shape.AsSpan()[..a]);
        var len = x.Shape[a];
        var inner = Product(x.Shape.AsSpan()[(a + 1)..]);
        var shape = x.Shape.ToArray();
        if (outType.IsIntegral)
        {
            var v = ToLong(x);
            var r = new long[v.Length];
            Scan(v, r, outer, len, inner, product, exclusive, reverse, 0L, 1L, (p, q) => unchecked(p + q), (p, q) => unchecked(p * q));
            return FromLong(outType, shape, r);
        }
        else
        {
            // Sequential accumulation in double, rounded once per element (so cumsum's last element equals sum's).
            var v = ToDouble(x);
            var r = new double[v.Length];
            Scan(v, r, outer, len, inner, product, exclusive, reverse, 0.0, 1.0, (p, q) => p + q, (p, q) => p * q);
            return FromDouble(outType, shape, r);
        }

        static void Scan<T>(T[] v, T[] r, long outer, long len, long inner, bool product, bool exclusive, bool reverse, T zero, T one, Func<T, T, T> add, Func<T, T, T> mul)
        {
            for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
            {
                var acc = product ? one : zero;
                for (long k = 0; k < len; k++)
                {
                    var kk = reverse ? len - 1 - k : k;
                    var idx = (o * len + kk) * inner + i;
                    if (exclusive) { r[idx] = acc; acc = product ? mul(acc, v[idx]) : add(acc, v[idx]); }
                    else { acc = product ? mul(acc, v[idx]) : add(acc, v[idx]); r[idx] = acc; }
                }
            }
        }
    }

    /// <summary>
    /// Stable argsort along <paramref name="axis"/>. NaN compares greater than +inf (numpy/torch): ascending puts NaNs last, descending
    /// first; equal keys keep their input order in both directions.
    /// </summary>
    public static Tensor ArgSort(Tensor x, long axis = -1, bool descending = false, DataType? dtype = null)
    {
        var (_, idx) = SortCore(x, axis, descending, null);
        return idx.DType == (dtype ?? DataType.Int32) ? idx : Manipulate.Cast(idx, dtype ?? DataType.Int32);
    }

    /// <summary>Stable sort along <paramref name="axis"/> (NaN ordering as <see cref="ArgSort"/>).</summary>
    public static Tensor Sort(Tensor x, long axis = -1, bool descending = false) => SortCore(x, axis, descending, null).Values;

    /// <summary>Top-k along <paramref name="axis"/>: (values, indices), largest first unless <paramref name="largest"/> is false; ties keep input order; k ≤ 0 means all.</summary>
    public static (Tensor Values, Tensor Indices) TopK(Tensor x, long k, long axis = -1, bool largest = true, DataType? indexDType = null)
    {
        var (v, i) = SortCore(x, axis, largest, k);
        return (v, indexDType is { } t && t != DataType.Int64 ? Manipulate.Cast(i, t) : i);
    }

    private static (Tensor Values, Tensor Indices) SortCore(Tensor x, long axis, bool descending, long? k)
    {
        var a = Axis("sort", axis, x.Rank);
        var len = x.Shape[a];
        var kk = k is null || k <= 0 ? len : Math.Min(k.Value, len);
        if (k > len) throw Fail(KernelDiagnosticIds.BadParameter, "topk", $"k = {k} exceeds axis {a} of {Fmt(x.Shape)}");
        var outer = Product(x.Shape.AsSpan()[..a]);
        var inner = Product(x.Shape.AsSpan()[(a + 1)..]);
        var d = ToDouble(x);
        var l = x.DType is { IsIntegral: true } ? ToLong(x) : null;
        var u64 = x.DType == DataType.UInt64;
        var outShape = x.Shape.ToArray();
        outShape[a] = kk;
        var map = new long[Product(outShape)];
        var idxOut = new long[map.Length];
        var order = new long[len];
        for (long o = 0; o < outer; o++)
        for (long i = 0; i < inner; i++)
        {
            for (long j = 0; j < len; j++) order[j] = j;
            long At(long j) => (o * len + j) * inner + i;
            Comparison<long> cmp = (p, q) =>
            {
                int c;
                if (l is not null) c = u64 ? ((ulong)l[At(p)]).CompareTo((ulong)l[At(q)]) : l[At(p)].CompareTo(l[At(q)]);
                else c = d[At(p)].CompareTo(d[At(q)]); // double.CompareTo orders NaN below everything; flip so NaN is largest
                if (l is null && (double.IsNaN(d[At(p)]) || double.IsNaN(d[At(q)])))
                    c = double.IsNaN(d[At(p)]) ? (double.IsNaN(d[At(q)]) ? 0 : 1) : -1;
                if (descending) c = -c;
                return c != 0 ? c : p.CompareTo(q);
            };
            Array.Sort(order, cmp);
            for (long j = 0; j < kk; j++)
            {
                var dst = (o * kk + j) * inner + i;
                map[dst] = At(order[j]);
                idxOut[dst] = order[j];
            }
        }
        return (GatherFlat(x, outShape, map), FromLong(DataType.Int64, outShape, idxOut));
    }

    /// <summary>
    /// Softmax (or log-softmax) along <paramref name="axis"/>, stable: the max is subtracted before exp; accumulation in double.
    /// An all -inf slice gives NaN (0/0), as numpy/torch do.
    /// </summary>
    public static Tensor Softmax(Tensor x, long axis = -1, bool log = false)
    {
        var name = log ? "log_softmax" : "softmax";
        if (!x.DType.IsFloat) throw Fail(KernelDiagnosticIds.UnsupportedDType, name, $"not defined for {x.DType}");
        var a = Axis(name, axis, x.Rank);
        var outer = Product(x.Shape.AsSpan()[..a]);
        var len = x.Shape[a];
        var inner = Product(x.Shape.AsSpan()[(a + 1)..]);
        var d = ToDouble(x);
        var r = new double[d.Length];
        Parallel.For(0, outer, new ParallelOptions { MaxDegreeOfParallelism = d.Length < 1 << 16 ? 1 : Gemm.Threads }, o =>
        {
            for (long i = 0; i < inner; i++)
            {
                var m = double.NegativeInfinity;
                for (long j = 0; j < len; j++) { var v = d[(o * len + j) * inner + i]; m = double.IsNaN(v) || double.IsNaN(m) ? double.NaN : Math.Max(m, v); }
                double s = 0;
                for (long j = 0; j < len; j++) s += Math.Exp(d[(o * len + j) * inner + i] - m);
                var ls = Math.Log(s);
                for (long j = 0; j < len; j++)
                {
                    var idx = (o * len + j) * inner + i;
                    r[idx] = log ? d[idx] - m - ls : Math.Exp(d[idx] - m) / s;
                }
            }
        });
        return FromDouble(x.DType, [.. x.Shape], r);
    }
}

using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>
/// Shape and data-movement kernels. They copy elements bit-exactly (any dtype, via a flat index map), so int64 and uint64
/// values survive untouched. Views (<see cref="Reshape"/>, <see cref="Squeeze"/>, <see cref="ExpandDims"/>) share the input buffer;
/// kernels never write to their inputs.
/// </summary>
public static partial class Manipulate
{
    /// <summary>numpy.transpose; an empty <paramref name="axes"/> reverses the dims.</summary>
    public static Tensor Transpose(Tensor x, long[]? axes = null)
    {
        const string op = "transpose";
        var r = x.Rank;
        var perm = axes is null || axes.Length == 0 ? Enumerable.Range(0, r).Reverse().ToArray() : axes.Select(a => Axis(op, a, r)).ToArray();
        if (perm.Length != r || perm.Distinct().Count() != r)
            throw Fail(KernelDiagnosticIds.BadAxis, op, $"axes [{string.Join(", ", axes!)}] are not a permutation of the {r} dims of {Fmt(x.Shape)}");
        var st = StridesOf(x.Shape.AsSpan());
        var outShape = perm.Select(p => x.Shape[p]).ToArray();
        var ps = perm.Select(p => st[p]).ToArray();
        return x.DType.ElementSize switch
        {
            1 => Permute<byte>(x, outShape, ps),
            2 => Permute<short>(x, outShape, ps),
            4 => Permute<int>(x, outShape, ps),
            8 => Permute<long>(x, outShape, ps),
            _ => GatherFlat(x, outShape, OffsetsOf(outShape, ps)),
        };
    }

    /// <summary>Copies <paramref name="x"/> read through <paramref name="strides"/> into a new C-order tensor of <paramref name="outShape"/> (no index table).</summary>
    private static Tensor Permute<T>(Tensor x, long[] outShape, long[] strides) where T : unmanaged
    {
        var y = Tensor.Uninitialized(x.DType, outShape);
        var n = y.Length;
        if (n == 0) return y;
        var src = x.ReadOnlySpan<T>();
        var dst = y.Span<T>();
        var rank = outShape.Length;
        if (rank == 0) { dst[0] = src[0]; return y; }
        var inner = (int)outShape[rank - 1];
        var step = strides[rank - 1];
        // One row of the output per offset of the outer dims (KernelCommon.OffsetsOf); each row is a contiguous or strided copy.
        var rows = OffsetsOf(outShape.AsSpan(0, rank - 1), strides.AsSpan(0, rank - 1));
        for (var r = 0; r < rows.Length; r++)
        {
            var d = dst.Slice(r * inner, inner);
            var off = (int)rows[r];
            if (step == 1) src.Slice(off, inner).CopyTo(d);
            else for (int j = 0, p = off; j < inner; j++, p += (int)step) d[j] = src[p];
        }
        return y;
    }

    /// <summary>Reshape to <paramref name="shape"/>, where one dim may be -1 (inferred). Shares the buffer.</summary>
    public static Tensor Reshape(Tensor x, long[] shape)
    {
        const string op = "reshape";
        var s = (long[])shape.Clone();
        var infer = Array.IndexOf(s, -1L);
        if (Array.LastIndexOf(s, -1L) != infer) throw Fail(KernelDiagnosticIds.BadParameter, op, $"more than one -1 in [{string.Join(", ", shape)}]");
        if (s.Any(d => d < -1)) throw Fail(KernelDiagnosticIds.BadParameter, op, $"negative dim in [{string.Join(", ", shape)}]");
        if (infer >= 0)
        {
            long known = 1;
            for (var i = 0; i < s.Length; i++) if (i != infer) known *= s[i];
            if (known == 0 || x.Length % known != 0)
                throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"cannot reshape {Fmt(x.Shape)} to [{string.Join(", ", shape)}]");
            s[infer] = x.Length / known;
        }
        if (Product(s) != x.Length) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"cannot reshape {Fmt(x.Shape)} ({x.Length} elements) to {Fmt(s)}");
        return x.Reshape(s);
    }

    /// <summary>Removes the given unit dims (all unit dims when <paramref name="axes"/> is null).</summary>
    public static Tensor Squeeze(Tensor x, long[]? axes = null)
    {
        const string op = "squeeze";
        var drop = axes is null ? Enumerable.Range(0, x.Rank).Where(i => x.Shape[i] == 1).ToArray() : Axes(op, axes, x.Rank);
        foreach (var a in drop)
            if (x.Shape[a] != 1) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"dim {a} of {Fmt(x.Shape)} is not 1");
        return x.Reshape([.. Enumerable.Range(0, x.Rank).Where(i => !drop.Contains(i)).Select(i => x.Shape[i])]);
    }

    /// <summary>Inserts <paramref name="count"/> unit dims at <paramref name="axis"/> (in [-rank-1, rank]).</summary>
    public static Tensor ExpandDims(Tensor x, long axis, int count = 1)
    {
        var a = Axis("expand_dims", axis, x.Rank + 1);
        var s = x.Shape.ToList();
        for (var i = 0; i < count; i++) s.Insert(a, 1);
        return x.Reshape([.. s]);
    }

    /// <summary>numpy.broadcast_to.</summary>
    public static Tensor BroadcastTo(Tensor x, long[] shape)
    {
        const string op = "broadcast_to";
        var o = BroadcastShapes(op, x.Shape, [.. shape]);
        if (!o.SequenceEqual(shape)) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"{Fmt(x.Shape)} does not broadcast to {Fmt(shape)}");
        return GatherFlat(x, o, OffsetsOf(o, BroadcastStrides(x.Shape, o)));
    }

    /// <summary>
    /// numpy basic slicing: per listed axis (all axes in order when <paramref name="axes"/> is null) begin/end/stride, negative
    /// indices counted from the end, out-of-range values clamped as Python does, negative strides walking backwards. Missing
    /// entries mean the whole axis.
    /// </summary>
    public static Tensor StridedSlice(Tensor x, long[] begin, long[] end, long[]? strides = null, long[]? axes = null)
    {
        const string op = "strided_slice";
        var r = x.Rank;
        var ax = axes ?? Enumerable.Range(0, Math.Min(r, Math.Max(begin.Length, end.Length))).Select(i => (long)i).ToArray();
        if (begin.Length < ax.Length && axes is not null || end.Length < ax.Length && axes is not null)
            throw Fail(KernelDiagnosticIds.BadParameter, op, $"begin/end have fewer entries than axes [{string.Join(", ", ax)}]");
        var st = StridesOf(x.Shape.AsSpan());
        var outShape = x.Shape.ToArray();
        var step = (long[])st.Clone();
        long baseOff = 0;
        for (var k = 0; k < ax.Length; k++)
        {
            var a = Axis(op, ax[k], r);
            var n = x.Shape[a];
            var s = strides is null || strides.Length == 0 ? 1 : strides.Length == 1 && ax.Length > 1 ? strides[0] : k < strides.Length ? strides[k] : 1;
            if (s == 0) throw Fail(KernelDiagnosticIds.BadParameter, op, "stride 0");
            long b, e, len;
            if (s > 0)
            {
                b = k < begin.Length ? Norm(begin[k], n, 0, n) : 0;
                e = k < end.Length ? Norm(end[k], n, 0, n) : n;
                len = e > b ? (e - b + s - 1) / s : 0;
            }
            else
            {
                b = k < begin.Length ? Norm(begin[k], n, -1, n - 1) : n - 1;
                e = k < end.Length ? Norm(end[k], n, -1, n - 1) : -1;
                len = b > e ? (b - e + -s - 1) / -s : 0;
            }
            outShape[a] = len;
            if (len > 0) baseOff += b * st[a];
            step[a] = st[a] * s;
        }
        var offs = OffsetsOf(outShape, step);
        for (var i = 0; i < offs.Length; i++) offs[i] += baseOff;
        return GatherFlat(x, outShape, offs);

        static long Norm(long v, long n, long lo, long hi)
        {
            if (v < 0) v += n;
            return Math.Clamp(v, lo, hi);
        }
    }

    /// <summary>Concatenates along <paramref name="axis"/>; all other dims and the dtypes must agree.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> xs, long axis)
    {
        const string op = "concat";
        if (xs.Count == 0) throw Fail(KernelDiagnosticIds.BadParameter, op, "no inputs");
        var x0 = xs[0];
        var a = Axis(op, axis, x0.Rank);
        long total = 0;
        foreach (var x in xs)
        {
            if (x.DType != x0.DType) throw Fail(KernelDiagnosticIds.UnsupportedDType, op, $"mixed dtypes {x0.DType} and {x.DType}");
            if (x.Rank != x0.Rank || Enumerable.Range(0, x0.Rank).Any(i => i != a && x.Shape[i] != x0.Shape[i]))
                throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"shapes {string.Join(", ", xs.Select(t => Fmt(t.Shape)))} differ outside axis {a}");
            total += x.Shape[a];
        }
        var outShape = x0.Shape.ToArray();
        outShape[a] = total;
        var o = Tensor.Zeros(x0.DType, outShape);
        var es = x0.DType.ElementSize;
        var outer = Product(x0.Shape.AsSpan()[..a]);
        var inner = Product(x0.Shape.AsSpan()[(a + 1)..]) * es;
        var ob = o.Bytes;
        long at = 0;
        foreach (var x in xs)
        {
            var chunk = (int)(x.Shape[a] * inner);
            var xb = x.Bytes;
            for (long i = 0; i < outer; i++)
                xb.Slice((int)(i * chunk), chunk).CopyTo(ob.Slice((int)(i * total * inner + at), chunk));
            at += chunk;
        }
        return o;
    }

    /// <summary>Stacks equal-shaped tensors along a new axis.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> xs, long axis)
    {
        if (xs.Count == 0) throw Fail(KernelDiagnosticIds.BadParameter, "stack", "no inputs");
        var a = Axis("stack", axis, xs[0].Rank + 1);
        foreach (var x in xs)
            if (!x.Shape.SequenceEqual(xs[0].Shape))
                throw Fail(KernelDiagnosticIds.ShapeMismatch, "stack", $"shapes {string.Join(", ", xs.Select(t => Fmt(t.Shape)))} differ");
        return Concat([.. xs.Select(x => ExpandDims(x, a))], a);
    }

    /// <summary>Splits into <paramref name="sections"/> equal parts along <paramref name="axis"/> (the size must divide).</summary>
    public static Tensor[] Split(Tensor x, int sections, long axis)
    {
        var a = Axis("split", axis, x.Rank);
        if (sections < 1 || x.Shape[a] % sections != 0)
            throw Fail(KernelDiagnosticIds.ShapeMismatch, "split", $"dim {a} of {Fmt(x.Shape)} does not split into {sections} equal sections");
        var size = x.Shape[a] / sections;
        return SplitAt(x, [.. Enumerable.Range(1, sections - 1).Select(i => i * size)], a);
    }

    /// <summary>Splits before each index of <paramref name="indices"/> along <paramref name="axis"/> (numpy.split; indices clamp).</summary>
    public static Tensor[] SplitAt(Tensor x, long[] indices, long axis)
    {
        var a = Axis("split", axis, x.Rank);
        var n = x.Shape[a];
        var parts = new List<Tensor>();
        long prev = 0;
        foreach (var raw in indices.Append(n))
        {
            var cut = Math.Clamp(raw < 0 ? raw + n : raw, 0, n);
            var b = Math.Min(prev, n);
            var e = Math.Max(cut, b);
            parts.Add(StridedSlice(x, [b], [e], [1], [a]));
            prev = e;
        }
        return [.. parts];
    }

    /// <summary>Index handling of <see cref="Take"/>.</summary>
    public enum TakeMode { Clip, Wrap, Fast }

    /// <summary>
    /// TVM take: out = data[..., indices, ...] along <paramref name="axis"/> (null: over the flattened data), with the first
    /// <paramref name="batchDims"/> dims of data and indices matched. Clip clamps to [0, n-1]; Wrap takes indices modulo n; Fast
    /// accepts [-n, n) (negatives counted from the end, as ONNX Gather) and rejects the rest.
    /// </summary>
    public static Tensor Take(Tensor data, Tensor indices, long? axis, int batchDims = 0, TakeMode mode = TakeMode.Clip)
    {
        const string op = "take";
        if (axis is null) return Take(data.Reshape(data.Length), indices, 0, 0, mode);
        var a = Axis(op, axis.Value, data.Rank);
        if (batchDims < 0) batchDims += indices.Rank;
        if (batchDims > a || batchDims > indices.Rank)
            throw Fail(KernelDiagnosticIds.BadParameter, op, $"batch_dims {batchDims} exceeds axis {a} or indices rank {indices.Rank}");
        for (var i = 0; i < batchDims; i++)
            if (data.Shape[i] != indices.Shape[i])
                throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"batch dim {i} differs: data {Fmt(data.Shape)}, indices {Fmt(indices.Shape)}");
        var idx = ToLong(indices);
        var n = data.Shape[a];
        var batch = Product(data.Shape.AsSpan()[..batchDims]);
        var mid = Product(data.Shape.AsSpan()[batchDims..a]);
        var per = Product(indices.Shape.AsSpan()[batchDims..]);
        var inner = Product(data.Shape.AsSpan()[(a + 1)..]);
        var outShape = data.Shape.Take(a).Concat(indices.Shape.Skip(batchDims)).Concat(data.Shape.Skip(a + 1)).ToArray();
        var map = new long[Product(outShape)];
        long o = 0;
        for (long b = 0; b < batch; b++)
        for (long m = 0; m < mid; m++)
        for (long j = 0; j < per; j++)
        {
            var k = idx[b * per + j];
            k = mode switch
            {
                TakeMode.Clip => Math.Clamp(k, 0, Math.Max(0, n - 1)),
                TakeMode.Wrap => n == 0 ? 0 : ((k % n) + n) % n,
                _ => k < 0 ? k + n : k,
            };
            if (k < 0 || k >= n)
                throw Fail(KernelDiagnosticIds.IndexOutOfRange, op, $"index {idx[b * per + j]} is out of range for axis {a} of {Fmt(data.Shape)}");
            var src = ((b * mid + m) * n + k) * inner;
            for (long q = 0; q < inner; q++) map[o++] = src + q;
        }
        return GatherFlat(data, outShape, map);
    }

    /// <summary>ONNX GatherElements / torch.gather: out[i] = data[i with i[axis] = indices[i]]; negative indices count from the end.</summary>
    public static Tensor GatherElements(Tensor data, Tensor indices, long axis)
    {
        const string op = "gather";
        var a = Axis(op, axis, data.Rank);
        if (indices.Rank != data.Rank) throw Fail(KernelDiagnosticIds.RankMismatch, op, $"indices {Fmt(indices.Shape)} and data {Fmt(data.Shape)} differ in rank");
        var outShape = indices.Shape.ToArray();
        var map = AxisIndexOffsets(op, data, indices, a);
        return GatherFlat(data, outShape, map);
    }

    /// <summary>
    /// For every element of <paramref name="indices"/> (same rank as <paramref name="data"/>), the flat offset into data of that
    /// element's coordinates with the one along <paramref name="axis"/> replaced by the index (negative wraps). Shared by
    /// gather_elements and scatter_elements.
    /// </summary>
    internal static long[] AxisIndexOffsets(string op, Tensor data, Tensor indices, int axis)
    {
        var idx = ToLong(indices);
        var ds = StridesOf(data.Shape.AsSpan());
        var shape = indices.Shape.ToArray();
        var coords = new long[data.Rank];
        var offsets = new long[idx.Length];
        for (long i = 0; i < idx.Length; i++)
        {
            Unravel(i, shape, coords);
            var k = idx[i] < 0 ? idx[i] + data.Shape[axis] : idx[i];
            if (k < 0 || k >= data.Shape[axis]) throw Fail(KernelDiagnosticIds.IndexOutOfRange, op, $"index {idx[i]} is out of range for axis {axis} of {Fmt(data.Shape)}");
            long off = 0;
            for (var d = 0; d < data.Rank; d++)
            {
                var c = d == axis ? k : coords[d];
                if (c >= data.Shape[d]) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"indices {Fmt(indices.Shape)} exceed data {Fmt(data.Shape)} on dim {d}");
                off += c * ds[d];
            }
            offsets[i] = off;
        }
        return offsets;
    }

    /// <summary>
    /// ONNX GatherND: indices (B..., Y..., M) pick slices data[b..., i_0..i_{M-1}, ...] for the first <paramref name="batchDims"/>
    /// dims matched. Relay's form (M first) is <see cref="GatherNdRelay"/>.
    /// </summary>
    public static Tensor GatherNd(Tensor data, Tensor indices, int batchDims = 0)
    {
        const string op = "gather_nd";
        if (indices.Rank < 1) throw Fail(KernelDiagnosticIds.RankMismatch, op, "indices must have rank >= 1");
        var m = (int)indices.Shape[^1];
        if (batchDims + m > data.Rank) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"indices {Fmt(indices.Shape)} index more dims than data {Fmt(data.Shape)} has");
        for (var i = 0; i < batchDims; i++)
            if (data.Shape[i] != indices.Shape[i]) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"batch dim {i} differs: data {Fmt(data.Shape)}, indices {Fmt(indices.Shape)}");
        var idx = ToLong(indices);
        var batch = Product(data.Shape.AsSpan()[..batchDims]);
        var per = Product(indices.Shape.AsSpan()[batchDims..^1]);
        var slice = Product(data.Shape.AsSpan()[(batchDims + m)..]);
        var ds = StridesOf(data.Shape.AsSpan());
        var perBatch = batchDims == 0 ? data.Length : ds[batchDims - 1];
        var outShape = indices.Shape.Take(indices.Rank - 1).Concat(data.Shape.Skip(batchDims + m)).ToArray();
        var map = new long[Product(outShape)];
        long o = 0;
        for (long b = 0; b < batch; b++)
        for (long j = 0; j < per; j++)
        {
            var off = b * perBatch;
            for (var t = 0; t < m; t++)
            {
                var n = data.Shape[batchDims + t];
                var k = idx[(b * per + j) * m + t];
                if (k < 0) k += n;
                if (k < 0 || k >= n) throw Fail(KernelDiagnosticIds.IndexOutOfRange, op, $"index {idx[(b * per + j) * m + t]} is out of range for dim {batchDims + t} of {Fmt(data.Shape)}");
                off += k * ds[batchDims + t];
            }
            for (long q = 0; q < slice; q++) map[o++] = off + q;
        }
        return GatherFlat(data, outShape, map);
    }

    /// <summary>Relay gather_nd: indices (M, Y...) index the first M dims of data (after <paramref name="batchDims"/>).</summary>
    public static Tensor GatherNdRelay(Tensor data, Tensor indices, int batchDims = 0) =>
        GatherNd(data, MoveFirstToLast(indices), batchDims);

    internal static Tensor MoveFirstToLast(Tensor t)
    {
        if (t.Rank < 1) throw Fail(KernelDiagnosticIds.RankMismatch, "gather_nd", "indices must have rank >= 1");
        return Transpose(t, [.. Enumerable.Range(1, t.Rank - 1).Select(i => (long)i), 0L]);
    }

    internal static void Unravel(long i, long[] shape, long[] coords)
    {
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 0) { coords[d] = 0; continue; }
            coords[d] = i % shape[d];
            i /= shape[d];
        }
    }
}

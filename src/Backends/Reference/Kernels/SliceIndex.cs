using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>
/// Index-shaped kernels of Relay's transform family that copy elements without arithmetic: slice_like, sequence_mask, meshgrid,
/// argwhere, adv_index, matrix_set_diag. Elements move as raw bytes, so every dtype is exact (int64 beyond 2^53 included).
/// Semantics follow TVM v0.19's topi (include/tvm/topi/transform.h) unless a comment says otherwise.
/// </summary>
public static class SliceIndex
{
    /// <summary>
    /// slice_like: <paramref name="data"/>[0:like[a]] on each axis a of <paramref name="axes"/> (negative axes count from data's
    /// rank). Null/empty axes slice the leading min(rank(data), rank(like)) dims (topi::slice_like).
    /// </summary>
    public static Tensor SliceLike(Tensor data, ImmutableArray<long> like, long[]? axes)
    {
        const string op = "slice_like";
        var end = data.Shape.ToArray();
        if (axes is null || axes.Length == 0)
        {
            for (var i = 0; i < data.Rank && i < like.Length; i++) end[i] = like[i];
        }
        else
        {
            foreach (var a in axes)
            {
                var ax = Axis(op, a, data.Rank);
                if (ax >= like.Length)
                    throw Fail(KernelDiagnosticIds.RankMismatch, op, $"axis {a} is out of range for shape_like {Fmt(like)}");
                end[ax] = like[ax];
            }
        }
        for (var i = 0; i < end.Length; i++)
            if (end[i] > data.Shape[i])
                throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"shape_like dim {i} ({end[i]}) exceeds data {Fmt(data.Shape)}");
        return Manipulate.StridedSlice(data, new long[end.Length], end);
    }

    /// <summary>
    /// sequence_mask: <paramref name="data"/> is [max_len, batch, ...] (axis 0) or [batch, max_len, ...] (axis 1); positions
    /// t &gt;= valid_length[b] become <paramref name="maskValue"/> (cast to the data dtype). topi compares in valid_length's dtype
    /// (cast(t) &gt;= valid_length), so a fractional length 2.5 keeps t = 0, 1, 2.
    /// </summary>
    public static Tensor SequenceMask(Tensor data, Tensor validLength, double maskValue, long axis)
    {
        const string op = "sequence_mask";
        if (data.Rank < 2) throw Fail(KernelDiagnosticIds.RankMismatch, op, $"data must have rank >= 2, got {Fmt(data.Shape)}");
        var ax = Axis(op, axis, data.Rank);
        if (ax > 1) throw Fail(KernelDiagnosticIds.BadAxis, op, $"axis must be 0 or 1, got {axis}");
        var batchAxis = 1 - ax;
        var batch = data.Shape[batchAxis];
        if (validLength.Rank != 1 || validLength.Length != batch)
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"valid_length {Fmt(validLength.Shape)} must be ({batch},) for data {Fmt(data.Shape)}");
        var vl = ToDouble(validLength);
        var inner = Product(data.Shape.AsSpan()[2..]);
        var map = new long[data.Length];
        for (long i = 0; i < data.Length; i++)
        {
            var outer = i / inner;
            long d0 = outer / data.Shape[1], d1 = outer % data.Shape[1];
            var (t, b) = ax == 0 ? (d0, d1) : (d1, d0);
            map[i] = t >= vl[b] ? -1 : i;
        }
        return GatherFlat(data, [.. data.Shape], map, Tensor.Scalar(data.DType, maskValue));
    }

    /// <summary>
    /// meshgrid of 1-D (or 0-D, counted as length 1) tensors; "ij" = matrix indexing, "xy" = Cartesian (the first two output
    /// dims swapped when there are at least two inputs). Each output keeps its input's dtype.
    /// </summary>
    public static Tensor[] Meshgrid(IReadOnlyList<Tensor> xs, string indexing)
    {
        const string op = "meshgrid";
        if (indexing is not ("ij" or "xy")) throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"indexing '{indexing}' (expected ij or xy)");
        foreach (var x in xs)
            if (x.Rank > 1) throw Fail(KernelDiagnosticIds.RankMismatch, op, $"inputs must be 0-D or 1-D, got {Fmt(x.Shape)}");
        var cart = indexing == "xy" && xs.Count >= 2;
        int Src(int i) => cart && i < 2 ? 1 - i : i;
        var shape = Enumerable.Range(0, xs.Count).Select(i => xs[Src(i)].Rank == 0 ? 1L : xs[Src(i)].Shape[0]).ToArray();
        var n = Product(shape);
        var strides = StridesOf(shape);
        var r = new Tensor[xs.Count];
        for (var i = 0; i < xs.Count; i++)
        {
            // Input i varies along output dim Src(i) (i itself for ij; 0 and 1 swap for xy).
            var dim = Src(i);
            var map = new long[n];
            if (xs[i].Rank == 1)
                for (long k = 0; k < n; k++) map[k] = k / strides[dim] % shape[dim];
            r[i] = GatherFlat(xs[i], shape, map);
        }
        return r;
    }

    /// <summary>argwhere: the coordinates of the nonzero elements in row-major order, shape [count, rank], of <paramref name="dtype"/>.</summary>
    public static Tensor ArgWhere(Tensor cond, DataType dtype)
    {
        var st = StridesOf(cond.Shape.AsSpan());
        var hits = new List<long>();
        for (long i = 0; i < cond.Length; i++) if (cond.GetDouble(i) != 0 || double.IsNaN(cond.GetDouble(i))) hits.Add(i);
        var rank = cond.Rank;
        var v = new long[hits.Count * rank];
        for (var k = 0; k < hits.Count; k++)
            for (var d = 0; d < rank; d++) v[k * rank + d] = hits[k] / st[d] % cond.Shape[d];
        return FromLong(dtype, [hits.Count, rank], v);
    }

    /// <summary>
    /// adv_index (numpy advanced indexing with the index tensors at the leading axes): the integer index tensors broadcast to one
    /// shape B; the result is B followed by data's remaining dims. Negative indices count from the end (numpy/PyTorch); an index
    /// outside the axis is an error (topi reads out of bounds there).
    /// </summary>
    public static Tensor AdvIndex(Tensor data, IReadOnlyList<Tensor> indices)
    {
        const string op = "adv_index";
        if (indices.Count == 0) return data.Clone();
        if (indices.Count > data.Rank)
            throw Fail(KernelDiagnosticIds.RankMismatch, op, $"{indices.Count} index tensors for data {Fmt(data.Shape)}");
        foreach (var ix in indices)
            if (!ix.DType.IsIntegral || ix.DType.IsBool)
                throw Fail(KernelDiagnosticIds.UnsupportedDType, op, $"index tensors must be integers, got {ix.DType} (convert boolean masks with argwhere first)");
        var b = indices[0].Shape;
        foreach (var ix in indices.Skip(1)) b = [.. BroadcastShapes(op, b, ix.Shape)];
        var bshape = b.ToArray();
        var rest = data.Shape.Skip(indices.Count).ToArray();
        var outShape = bshape.Concat(rest).ToArray();
        var nb = Product(bshape);
        var nrest = Product(rest);
        var ds = data.Strides();
        var offs = indices.Select(ix => OffsetsOf(bshape, BroadcastStrides(ix.Shape, bshape))).ToArray();
        var vals = indices.Select(ToLong).ToArray();
        var map = new long[nb * nrest];
        for (long i = 0; i < nb; i++)
        {
            long off = 0;
            for (var k = 0; k < indices.Count; k++)
            {
                var v = vals[k][offs[k][i]];
                var dim = data.Shape[k];
                var w = v < 0 ? v + dim : v;
                if (w < 0 || w >= dim) throw Fail(KernelDiagnosticIds.IndexOutOfRange, op, $"index {v} is out of range for axis {k} of {Fmt(data.Shape)}");
                off += w * ds[k];
            }
            for (long j = 0; j < nrest; j++) map[i * nrest + j] = off + j;
        }
        return GatherFlat(data, outShape, map);
    }

    /// <summary>
    /// matrix_set_diag (TF MatrixSetDiagV3): replaces the diagonals k1..k2 of the innermost [M, N] matrices. With k1 == k2,
    /// <paramref name="diagonal"/> is [..., L]; otherwise [..., k2 - k1 + 1, L] with row k2 - d holding diagonal d. L is the longest
    /// band diagonal, min(M + min(k2, 0), N - max(k1, 0)). A shorter diagonal d is padded: right-aligned (its elements at the end
    /// of the row) when d &gt;= 0 and <paramref name="superDiagRightAlign"/>, or d &lt;= 0 and <paramref name="subDiagRightAlign"/>
    /// (d = 0, when in the band, is always of length L); left-aligned otherwise. A single diagonal (k1 == k2) is never padded.
    /// </summary>
    public static Tensor MatrixSetDiag(Tensor input, Tensor diagonal, long k1, long k2, bool superDiagRightAlign, bool subDiagRightAlign)
    {
        const string op = "matrix_set_diag";
        if (input.Rank < 2) throw Fail(KernelDiagnosticIds.RankMismatch, op, $"input must have rank >= 2, got {Fmt(input.Shape)}");
        if (k1 > k2) throw Fail(KernelDiagnosticIds.BadParameter, op, $"k1 ({k1}) must not exceed k2 ({k2})");
        if (diagonal.DType != input.DType) throw Fail(KernelDiagnosticIds.UnsupportedDType, op, $"diagonal dtype {diagonal.DType} differs from input {input.DType}");
        long m = input.Shape[^2], n = input.Shape[^1];
        if (k1 <= -m || k2 >= n) throw Fail(KernelDiagnosticIds.BadParameter, op, $"diagonals [{k1}, {k2}] are outside a {m}x{n} matrix");
        var maxLen = Math.Min(m + Math.Min(k2, 0), n - Math.Max(k1, 0));
        var single = k1 == k2;
        var lead = input.Shape.Take(input.Rank - 2).ToArray();
        var want = single ? lead.Append(maxLen).ToArray() : lead.Append(k2 - k1 + 1).Append(maxLen).ToArray();
        if (!diagonal.Shape.SequenceEqual(want))
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"diagonal {Fmt(diagonal.Shape)} must be {Fmt(want)} for input {Fmt(input.Shape)} and k = [{k1}, {k2}]");
        var r = input.Clone();
        var es = input.DType.ElementSize;
        var src = diagonal.Bytes;
        var dst = r.Bytes;
        var batches = Product(lead);
        var rows = single ? 1 : k2 - k1 + 1;
        for (long bt = 0; bt < batches; bt++)
            for (var d = k1; d <= k2; d++)
            {
                var len = Math.Min(m + Math.Min(d, 0), n - Math.Max(d, 0));
                var right = d >= 0 ? superDiagRightAlign : subDiagRightAlign;
                var offset = single || !right ? 0 : maxLen - len;
                var row = single ? 0 : k2 - d;
                for (long p = 0; p < len; p++)
                {
                    // Element p of diagonal d sits at (i, j) = (p, p + d) for d >= 0, (p - d, p) for d < 0.
                    long i = d >= 0 ? p : p - d, j = d >= 0 ? p + d : p;
                    var si = (bt * rows + row) * maxLen + p + offset;
                    var di = (bt * m + i) * n + j;
                    src.Slice((int)(si * es), es).CopyTo(dst.Slice((int)(di * es), es));
                }
            }
        return r;
    }
}

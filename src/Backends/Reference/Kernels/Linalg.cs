using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>
/// matmul (numpy semantics), dense, batch_matmul and einsum. Float32 (and f16/bf16 via float32) uses the packed <see cref="Gemm"/>
/// (float32 FMA accumulation, order fixed by K); float64 accumulates in double; integers in int64 with wrap to the output dtype.
/// </summary>
public static class Linalg
{
    /// <summary>numpy.matmul: 1-d operands are promoted (and the added dim removed), leading batch dims broadcast.</summary>
    public static Tensor Matmul(Tensor a, Tensor b, DataType? outDType = null)
    {
        const string op = "matmul";
        if (a.Rank == 0 || b.Rank == 0) throw Fail(KernelDiagnosticIds.RankMismatch, op, $"operands must have rank >= 1, got {Fmt(a.Shape)} and {Fmt(b.Shape)}");
        var a2 = a.Rank == 1 ? a.Reshape(1, a.Shape[0]) : a;
        var b2 = b.Rank == 1 ? b.Reshape(b.Shape[0], 1) : b;
        var (m, k) = (a2.Shape[^2], a2.Shape[^1]);
        var (k2, n) = (b2.Shape[^2], b2.Shape[^1]);
        if (k != k2) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"inner dims differ: {Fmt(a.Shape)} @ {Fmt(b.Shape)}");
        var batch = BroadcastShapes(op, [.. a2.Shape.Take(a2.Rank - 2)], [.. b2.Shape.Take(b2.Rank - 2)]);
        var r = Batched(op, a2, b2, batch, m, n, k, false, false, outDType);
        var shape = batch.ToList();
        if (a.Rank > 1) shape.Add(m);
        if (b.Rank > 1) shape.Add(n);
        return r.Reshape([.. shape]);
    }

    /// <summary>dense: x[..., K] · W[N, K]ᵀ → [..., N].</summary>
    public static Tensor Dense(Tensor x, Tensor w, DataType? outDType = null)
    {
        const string op = "dense";
        if (x.Rank < 1 || w.Rank != 2 || x.Shape[^1] != w.Shape[1])
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"data {Fmt(x.Shape)} and weight {Fmt(w.Shape)} do not fit (weight must be (units, {(x.Rank > 0 ? x.Shape[^1] : 0)}))");
        var k = x.Shape[^1];
        var m = x.Length / Math.Max(1, k);
        if (k == 0) m = Product(x.Shape.AsSpan()[..^1]);
        var r = Batched(op, x.Reshape(m, k), w, [], m, w.Shape[0], k, false, true, outDType);
        return r.Reshape([.. x.Shape.Take(x.Rank - 1), w.Shape[0]]);
    }

    /// <summary>batch_matmul: a[B, M, K] · b[B, K, N] (with transpose flags; TVM's default is transB), batch 1 broadcasts.</summary>
    public static Tensor BatchMatmul(Tensor a, Tensor b, bool transA = false, bool transB = true, DataType? outDType = null)
    {
        const string op = "batch_matmul";
        RequireRank(op, "a", a, 3);
        RequireRank(op, "b", b, 3);
        var (m, k) = transA ? (a.Shape[2], a.Shape[1]) : (a.Shape[1], a.Shape[2]);
        var (k2, n) = transB ? (b.Shape[2], b.Shape[1]) : (b.Shape[1], b.Shape[2]);
        if (k != k2) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"inner dims differ: {Fmt(a.Shape)} and {Fmt(b.Shape)} (transpose_a={transA}, transpose_b={transB})");
        var batch = BroadcastShapes(op, [a.Shape[0]], [b.Shape[0]]);
        return Batched(op, a, b, batch, m, n, k, transA, transB, outDType);
    }

    private static Tensor Batched(string op, Tensor a, Tensor b, long[] batch, long m, long n, long k, bool ta, bool tb, DataType? outDType)
    {
        if (a.DType != b.DType) throw Fail(KernelDiagnosticIds.UnsupportedDType, op, $"operands have different dtypes {a.DType} and {b.DType}");
        var ot = outDType is { IsVoid: false } o ? o : a.DType;
        var aBatch = a.Shape.Take(a.Rank - 2).ToImmutableArrayLong();
        var bBatch = b.Shape.Take(b.Rank - 2).ToImmutableArrayLong();
        var ao = OffsetsOf(batch, BroadcastStrides(aBatch, batch));
        var bo = OffsetsOf(batch, BroadcastStrides(bBatch, batch));
        var nb = ao.Length;
        var outShape = batch.Concat([m, n]).ToArray();
        var (sa, sb) = (m * k, k * n);
        if (a.DType == DataType.Float32 && ot == DataType.Float32)
        {
            // float32: the GEMM reads the operands' buffers in place (a weight is not copied per call) and writes the result once.
            var y = Tensor.Uninitialized(DataType.Float32, outShape);
            unsafe
            {
                fixed (float* pa = a.ReadOnlySpan<float>(), pb = b.ReadOnlySpan<float>(), pc = y.Span<float>())
                    for (var i = 0; i < nb; i++)
                        Gemm.Run((int)m, (int)n, (int)k, pa + ao[i] * sa, ta ? (int)m : (int)k, ta, pb + bo[i] * sb, tb ? (int)k : (int)n, tb,
                            pc + i * m * n, (int)n, false);
            }
            return y;
        }
        if (a.DType.IsFloat && a.DType.Bits <= 32 && (ot.IsFloat && ot.Bits <= 32))
        {
            var fa = ToFloat(a); var fb = ToFloat(b);
            var c = new float[nb * m * n];
            for (var i = 0; i < nb; i++)
                Gemm.Sgemm((int)m, (int)n, (int)k, fa, (int)(ao[i] * sa), ta ? (int)m : (int)k, ta, fb, (int)(bo[i] * sb), tb ? (int)k : (int)n, tb, c, (int)(i * m * n), (int)n, false);
            return FromFloat(ot, outShape, c);
        }
        if (a.DType.IsFloat || ot.IsFloat)
        {
            var da = ToDouble(a); var db = ToDouble(b);
            var c = new double[nb * m * n];
            for (var i = 0; i < nb; i++)
            for (long r = 0; r < m; r++)
            for (long q = 0; q < n; q++)
            {
                double acc = 0;
                for (long p = 0; p < k; p++)
                    acc += da[ao[i] * sa + (ta ? p * m + r : r * k + p)] * db[bo[i] * sb + (tb ? q * k + p : p * n + q)];
                c[(i * m + r) * n + q] = acc;
            }
            return FromDouble(ot, outShape, c);
        }
        {
            var la = ToLong(a); var lb = ToLong(b);
            var c = new long[nb * m * n];
            for (var i = 0; i < nb; i++)
            for (long r = 0; r < m; r++)
            for (long q = 0; q < n; q++)
            {
                long acc = 0;
                for (long p = 0; p < k; p++)
                    acc = unchecked(acc + la[ao[i] * sa + (ta ? p * m + r : r * k + p)] * lb[bo[i] * sb + (tb ? q * k + p : p * n + q)]);
                c[(i * m + r) * n + q] = acc;
            }
            return FromLong(ot, outShape, c);
        }
    }

    private static System.Collections.Immutable.ImmutableArray<long> ToImmutableArrayLong(this IEnumerable<long> s) => [.. s];

    /// <summary>
    /// General einsum: "ij,jk->ik", implicit output (letters appearing once, sorted), "..." broadcasting, repeated letters in one
    /// operand (diagonals). Computed by a direct loop in double (int64 for integers).
    /// </summary>
    public static Tensor Einsum(string equation, IReadOnlyList<Tensor> operands)
    {
        const string op = "einsum";
        var eq = equation.Replace(" ", "", StringComparison.Ordinal);
        var arrow = eq.IndexOf("->", StringComparison.Ordinal);
        var lhs = arrow >= 0 ? eq[..arrow] : eq;
        var ins = lhs.Split(',');
        if (ins.Length != operands.Count) throw Fail(KernelDiagnosticIds.BadParameter, op, $"'{equation}' names {ins.Length} operands, got {operands.Count}");
        // Expand "..." into private upper-case-free letters (digits are not letters; use chars from U+0100 up).
        var ellRank = 0;
        for (var i = 0; i < ins.Length; i++)
            if (ins[i].Contains("...", StringComparison.Ordinal)) ellRank = Math.Max(ellRank, operands[i].Rank - (ins[i].Length - 3));
        var ell = new string(Enumerable.Range(0, ellRank).Select(i => (char)(0x100 + i)).ToArray());
        var subs = new string[ins.Length];
        for (var i = 0; i < ins.Length; i++)
        {
            var s = ins[i];
            if (s.Contains("...", StringComparison.Ordinal))
            {
                var here = operands[i].Rank - (s.Length - 3);
                s = s.Replace("...", ell[(ellRank - here)..], StringComparison.Ordinal);
            }
            if (s.Length != operands[i].Rank) throw Fail(KernelDiagnosticIds.RankMismatch, op, $"subscripts '{ins[i]}' do not match operand {i} of shape {Fmt(operands[i].Shape)}");
            subs[i] = s;
        }
        string outSub;
        if (arrow >= 0) outSub = eq[(arrow + 2)..].Replace("...", ell, StringComparison.Ordinal);
        else
        {
            var counts = subs.SelectMany(s => s).Where(ch => ch < 0x100).GroupBy(ch => ch).Where(g => g.Count() == 1).Select(g => g.Key).OrderBy(ch => ch);
            outSub = ell + new string([.. counts]);
        }
        var dims = new Dictionary<char, long>();
        for (var i = 0; i < subs.Length; i++)
            for (var j = 0; j < subs[i].Length; j++)
            {
                var ch = subs[i][j];
                var d = operands[i].Shape[j];
                if (dims.TryGetValue(ch, out var prev) && prev != d)
                {
                    if (prev == 1 && ch >= 0x100) dims[ch] = d;
                    else if (!(d == 1 && ch >= 0x100)) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"index '{ch}' has sizes {prev} and {d} in '{equation}'");
                }
                else if (!dims.ContainsKey(ch)) dims[ch] = d;
            }
        foreach (var ch in outSub)
            if (!dims.ContainsKey(ch)) throw Fail(KernelDiagnosticIds.BadParameter, op, $"output index '{ch}' does not appear in the inputs of '{equation}'");
        var all = outSub + new string([.. dims.Keys.Where(ch => !outSub.Contains(ch)).Distinct()]);
        var ext = all.Select(ch => dims[ch]).ToArray();
        var outShape = outSub.Select(ch => dims[ch]).ToArray();
        var outN = Product(outShape);
        var sumN = Product(ext.AsSpan()[outSub.Length..]);
        var dt = operands[0].DType;
        // Per operand and letter, the stride to add (0 for broadcast size-1 ellipsis dims).
        var strides = new long[operands.Count][];
        for (var i = 0; i < operands.Count; i++)
        {
            var st = StridesOf(operands[i].Shape.AsSpan());
            strides[i] = new long[all.Length];
            for (var j = 0; j < subs[i].Length; j++)
            {
                var li = all.IndexOf(subs[i][j], StringComparison.Ordinal);
                if (operands[i].Shape[j] != 1 || dims[subs[i][j]] == 1) strides[i][li] += st[j];
            }
        }
        var integral = dt.IsIntegral;
        var vals = operands.Select(ToDouble).ToArray();
        var lvals = integral ? operands.Select(ToLong).ToArray() : null;
        var r = new double[outN];
        var rl = new long[outN];
        var idx = new long[all.Length];
        for (long o = 0; o < outN; o++)
        {
            double acc = 0;
            long accl = 0;
            for (long s = 0; s < sumN; s++)
            {
                var flat = o * sumN + s;
                Manipulate.Unravel(flat, ext, idx);
                double prod = 1;
                long prodl = 1;
                for (var i = 0; i < operands.Count; i++)
                {
                    long off = 0;
                    for (var j = 0; j < all.Length; j++) off += idx[j] * strides[i][j];
                    if (integral) prodl = unchecked(prodl * lvals![i][off]);
                    else prod *= vals[i][off];
                }
                acc += prod;
                accl = unchecked(accl + prodl);
            }
            r[o] = acc;
            rl[o] = accl;
        }
        return integral ? FromLong(dt, outShape, rl) : FromDouble(dt, outShape, r);
    }
}

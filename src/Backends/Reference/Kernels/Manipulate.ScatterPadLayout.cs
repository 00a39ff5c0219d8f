using System.Numerics;
using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>How <see cref="Manipulate.ScatterElements"/> and <see cref="Manipulate.ScatterNd"/> combine an update with the existing value.</summary>
public enum ScatterReduction { None, Add, Mul, Min, Max }

/// <summary>Padding modes of <see cref="Manipulate.Pad"/>: constant fill, edge replication, reflection (without repeating the edge).</summary>
public enum PadMode { Constant, Edge, Reflect }

public static partial class Manipulate
{
    /// <summary>
    /// ONNX ScatterElements: a copy of data where data[i with i[axis] = indices[i]] is combined with updates[i], in row-major order
    /// of the updates (later duplicates win for None). Negative indices count from the end.
    /// </summary>
    public static Tensor ScatterElements(Tensor data, Tensor indices, Tensor updates, long axis, ScatterReduction reduction = ScatterReduction.None)
    {
        const string op = "scatter_elements";
        var a = Axis(op, axis, data.Rank);
        if (!indices.Shape.SequenceEqual(updates.Shape) || indices.Rank != data.Rank)
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"indices {Fmt(indices.Shape)} and updates {Fmt(updates.Shape)} must have one shape of data's rank {data.Rank}");
        var targets = AxisIndexOffsets(op, data, indices, a);
        return ScatterInto(data, updates, targets, 1, reduction);
    }

    /// <summary>ONNX ScatterND: indices (..., M) address slices of data's first M dims; updates have shape indices[:-1] + data[M:].</summary>
    public static Tensor ScatterNd(Tensor data, Tensor indices, Tensor updates, ScatterReduction reduction = ScatterReduction.None)
    {
        const string op = "scatter_nd";
        if (indices.Rank < 1) throw Fail(KernelDiagnosticIds.RankMismatch, op, "indices must have rank >= 1");
        var m = (int)indices.Shape[^1];
        if (m > data.Rank) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"indices {Fmt(indices.Shape)} index more dims than data {Fmt(data.Shape)}");
        var expect = indices.Shape.Take(indices.Rank - 1).Concat(data.Shape.Skip(m)).ToArray();
        if (!updates.Shape.SequenceEqual(expect))
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"updates {Fmt(updates.Shape)} should be {Fmt(expect)} for data {Fmt(data.Shape)} and indices {Fmt(indices.Shape)}");
        var idx = ToLong(indices);
        var ds = StridesOf(data.Shape.AsSpan());
        var count = Product(indices.Shape.AsSpan()[..^1]);
        var slice = Product(data.Shape.AsSpan()[m..]);
        var targets = new long[count];
        for (long j = 0; j < count; j++)
        {
            long off = 0;
            for (var t = 0; t < m; t++)
            {
                var k = idx[j * m + t];
                if (k < 0) k += data.Shape[t];
                if (k < 0 || k >= data.Shape[t]) throw Fail(KernelDiagnosticIds.IndexOutOfRange, op, $"index {idx[j * m + t]} is out of range for dim {t} of {Fmt(data.Shape)}");
                off += k * ds[t];
            }
            targets[j] = off;
        }
        return ScatterInto(data, updates, targets, slice, reduction);
    }

    private static Tensor ScatterInto(Tensor data, Tensor updates, long[] targets, long slice, ScatterReduction red)
    {
        if (updates.DType != data.DType) throw Fail(KernelDiagnosticIds.UnsupportedDType, "scatter", $"updates are {updates.DType}, data {data.DType}");
        if (red == ScatterReduction.None)
        {
            var map = new long[data.Length];
            for (long i = 0; i < map.Length; i++) map[i] = i;
            // Written through a combined source: indices >= data.Length select updates.
            for (long j = 0; j < targets.Length; j++)
                for (long q = 0; q < slice; q++) map[targets[j] + q] = data.Length + j * slice + q;
            var both = Concat([data.Reshape(data.Length), updates.Reshape(updates.Length)], 0);
            return GatherFlat(both, [.. data.Shape], map);
        }
        return FamilyOf(data.DType) switch
        {
            Family.F32 => FromFloat(data.DType, [.. data.Shape], Reduce(ToFloat(data), ToFloat(updates), targets, slice, red)),
            Family.F64 => FromDouble(data.DType, [.. data.Shape], Reduce(ToDouble(data), ToDouble(updates), targets, slice, red)),
            _ => FromLong(data.DType, [.. data.Shape], Reduce(ToLong(data), ToLong(updates), targets, slice, red)),
        };

        static T[] Reduce<T>(T[] d, T[] u, long[] targets, long slice, ScatterReduction red) where T : INumber<T>
        {
            for (long j = 0; j < targets.Length; j++)
                for (long q = 0; q < slice; q++)
                {
                    ref var x = ref d[targets[j] + q];
                    var v = u[j * slice + q];
                    x = red switch
                    {
                        ScatterReduction.Add => x + v,
                        ScatterReduction.Mul => x * v,
                        ScatterReduction.Min => T.IsNaN(x) || T.IsNaN(v) ? (T.IsNaN(x) ? x : v) : T.Min(x, v),
                        _ => T.IsNaN(x) || T.IsNaN(v) ? (T.IsNaN(x) ? x : v) : T.Max(x, v),
                    };
                }
            return d;
        }
    }

    /// <summary>
    /// Pads each dim by (before, after) given as <paramref name="padWidth"/>[2·i], [2·i+1]. Negative widths crop (ONNX).
    /// Reflect mirrors without repeating the edge (numpy "reflect") and needs width &lt; dim.
    /// </summary>
    public static Tensor Pad(Tensor x, long[] padWidth, PadMode mode = PadMode.Constant, double value = 0)
    {
        const string op = "pad";
        if (padWidth.Length != 2 * x.Rank)
            throw Fail(KernelDiagnosticIds.BadParameter, op, $"pad_width has {padWidth.Length} values for rank {x.Rank} ({Fmt(x.Shape)}); need 2 per dim");
        var outShape = new long[x.Rank];
        for (var i = 0; i < x.Rank; i++)
        {
            outShape[i] = x.Shape[i] + padWidth[2 * i] + padWidth[2 * i + 1];
            if (outShape[i] < 0) throw Fail(KernelDiagnosticIds.BadParameter, op, $"pad_width [{string.Join(", ", padWidth)}] crops dim {i} of {Fmt(x.Shape)} below 0");
            var n = x.Shape[i];
            if (mode == PadMode.Reflect && (padWidth[2 * i] >= n || padWidth[2 * i + 1] >= n) && outShape[i] > n)
                throw Fail(KernelDiagnosticIds.BadParameter, op, $"reflect padding [{string.Join(", ", padWidth)}] needs widths smaller than dim {i} of {Fmt(x.Shape)}");
            if (mode == PadMode.Edge && n == 0 && outShape[i] > 0)
                throw Fail(KernelDiagnosticIds.BadParameter, op, $"edge padding of the empty dim {i} of {Fmt(x.Shape)}");
        }
        var st = StridesOf(x.Shape.AsSpan());
        var map = new long[Product(outShape)];
        var c = new long[x.Rank];
        for (long i = 0; i < map.Length; i++)
        {
            Unravel(i, outShape, c);
            long off = 0;
            for (var d = 0; d < x.Rank && off >= 0; d++)
            {
                var n = x.Shape[d];
                var k = c[d] - padWidth[2 * d];
                if (k < 0 || k >= n)
                {
                    if (mode == PadMode.Constant) { off = -1; break; }
                    if (mode == PadMode.Edge) k = k < 0 ? 0 : n - 1;
                    else k = k < 0 ? -k : 2 * (n - 1) - k;
                }
                off += k * st[d];
            }
            map[i] = off;
        }
        return GatherFlat(x, outShape, map, Tensor.Scalar(x.DType, value));
    }

    /// <summary>numpy.tile.</summary>
    public static Tensor Tile(Tensor x, long[] reps)
    {
        var r = Math.Max(x.Rank, reps.Length);
        var shape = Enumerable.Repeat(1L, r - x.Rank).Concat(x.Shape).ToArray();
        var rp = Enumerable.Repeat(1L, r - reps.Length).Concat(reps).ToArray();
        if (rp.Any(v => v < 0)) throw Fail(KernelDiagnosticIds.BadParameter, "tile", $"negative reps [{string.Join(", ", reps)}]");
        var outShape = shape.Zip(rp, (a, b) => a * b).ToArray();
        var st = StridesOf(shape);
        var map = new long[Product(outShape)];
        var c = new long[r];
        for (long i = 0; i < map.Length; i++)
        {
            Unravel(i, outShape, c);
            long off = 0;
            for (var d = 0; d < r; d++) off += c[d] % shape[d] * st[d];
            map[i] = off;
        }
        return GatherFlat(x.Reshape(shape), outShape, map);
    }

    /// <summary>numpy.repeat with one repeat count along <paramref name="axis"/>.</summary>
    public static Tensor Repeat(Tensor x, long repeats, long axis)
    {
        var a = Axis("repeat", axis, x.Rank);
        if (repeats < 0) throw Fail(KernelDiagnosticIds.BadParameter, "repeat", $"negative repeats {repeats}");
        var outShape = x.Shape.ToArray();
        outShape[a] *= repeats;
        var st = StridesOf(x.Shape.AsSpan());
        var map = new long[Product(outShape)];
        var c = new long[x.Rank];
        for (long i = 0; i < map.Length; i++)
        {
            Unravel(i, outShape, c);
            c[a] /= repeats;
            long off = 0;
            for (var d = 0; d < x.Rank; d++) off += c[d] * st[d];
            map[i] = off;
        }
        return GatherFlat(x, outShape, map);
    }

    /// <summary>Reverses the order of elements along <paramref name="axis"/>.</summary>
    public static Tensor Reverse(Tensor x, long axis)
    {
        var a = Axis("reverse", axis, x.Rank);
        return StridedSlice(x, [-1], [long.MinValue / 2], [-1], [a]);
    }

    /// <summary>
    /// One-hot: a new axis of size <paramref name="depth"/> at <paramref name="axis"/> (-1 = last) holding on/off values. TVM semantics:
    /// an index outside [0, depth) matches nothing; with <paramref name="wrapNegative"/> (ONNX) a negative index counts from the end.
    /// </summary>
    public static Tensor OneHot(Tensor indices, long depth, long axis, DataType dtype, double onValue = 1, double offValue = 0, bool wrapNegative = false)
    {
        var a = Axis("one_hot", axis, indices.Rank + 1);
        if (depth < 0) throw Fail(KernelDiagnosticIds.BadParameter, "one_hot", $"negative depth {depth}");
        var idx = ToLong(indices);
        var outer = Product(indices.Shape.AsSpan()[..a]);
        var inner = Product(indices.Shape.AsSpan()[a..]);
        var outShape = indices.Shape.Take(a).Append(depth).Concat(indices.Shape.Skip(a)).ToArray();
        var v = new double[Product(outShape)];
        for (long o = 0; o < outer; o++)
        for (long d = 0; d < depth; d++)
        for (long i = 0; i < inner; i++)
        {
            var k = idx[o * inner + i];
            if (wrapNegative && k < 0) k += depth;
            v[(o * depth + d) * inner + i] = k == d ? onValue : offValue;
        }
        return FromDouble(dtype, outShape, v);
    }

    /// <summary>numpy.arange: ceil((stop-start)/step) values start + i·step, computed in the dtype's family (float32 for f16/bf16/f32).</summary>
    public static Tensor Arange(double start, double stop, double step, DataType dtype)
    {
        if (step == 0 || double.IsNaN(step)) throw Fail(KernelDiagnosticIds.BadParameter, "arange", "step must be nonzero");
        var n = (long)Math.Max(0, Math.Ceiling((stop - start) / step));
        if (dtype.IsIntegral)
        {
            var (s0, st) = ((long)start, (long)step);
            var l = new long[n];
            for (long i = 0; i < n; i++) l[i] = s0 + i * st;
            return FromLong(dtype, [n], l);
        }
        if (dtype == DataType.Float64)
        {
            var d = new double[n];
            for (long i = 0; i < n; i++) d[i] = start + i * step;
            return FromDouble(dtype, [n], d);
        }
        var f = new float[n];
        for (long i = 0; i < n; i++) f[i] = (float)start + i * (float)step;
        return FromFloat(dtype, [n], f);
    }

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/> (converted as a C cast).</summary>
    public static Tensor Full(long[] shape, double value, DataType dtype)
    {
        var one = Tensor.Scalar(dtype, value);
        return GatherFlat(one, shape, new long[Product(shape)]);
    }

    /// <summary>full_like with the value taken from a 0-d tensor (keeps int64 values exact).</summary>
    public static Tensor Full(long[] shape, Tensor value, DataType dtype)
    {
        var v = Cast(value.Reshape(1), dtype);
        return GatherFlat(v, shape, new long[Product(shape)]);
    }

    /// <summary>
    /// Casts with numpy/C semantics: float→int truncates toward zero (NaN → 0, out-of-range saturates to int64 then wraps), int→int
    /// wraps to the width, anything→bool is "nonzero" (NaN → true), float→f16/bf16 rounds to nearest even.
    /// </summary>
    public static Tensor Cast(Tensor x, DataType dtype)
    {
        if (x.DType == dtype) return x;
        var shape = x.Shape.ToArray();
        if (x.DType.IsIntegral)
        {
            if (dtype.IsFloat && x.DType == DataType.UInt64) return FromDouble(dtype, shape, ToDouble(x));
            return FromLong(dtype, shape, ToLong(x));
        }
        if (x.DType == DataType.Float64 || dtype == DataType.Float64 || !dtype.IsFloat) return FromDouble(dtype, shape, ToDouble(x));
        return FromFloat(dtype, shape, ToFloat(x));
    }

    /// <summary>
    /// TVM layout_transform between layouts over the same primal axes, where a primal axis may be split into an upper-case outer
    /// and a lower-case inner part with a factor (NCHW ↔ NCHW16c, NHWC ↔ NCHW, OIHW ↔ OIHW4i8o …). The split extent must divide.
    /// </summary>
    public static Tensor LayoutTransform(Tensor x, string srcLayout, string dstLayout)
    {
        const string op = "layout_transform";
        var src = ParseLayout(op, srcLayout);
        var dst = ParseLayout(op, dstLayout);
        if (src.Count != x.Rank) throw Fail(KernelDiagnosticIds.RankMismatch, op, $"data {Fmt(x.Shape)} does not have layout {srcLayout}");
        var primal = new Dictionary<char, long>();
        for (var i = 0; i < src.Count; i++)
        {
            var (c, f) = src[i];
            if (char.IsUpper(c)) primal[c] = x.Shape[i] * (src.Find(s => s.Letter == char.ToLowerInvariant(c)).Factor is var ff && ff > 0 ? ff : 1);
        }
        if (!dst.Where(d => char.IsUpper(d.Letter)).Select(d => d.Letter).OrderBy(c => c).SequenceEqual(primal.Keys.OrderBy(c => c)))
            throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"layouts {srcLayout} and {dstLayout} do not have the same primal axes");
        long FactorIn(List<(char Letter, long Factor)> l, char up) => l.Find(s => s.Letter == char.ToLowerInvariant(up)).Factor is var f && f > 0 ? f : 1;
        var outShape = new long[dst.Count];
        for (var i = 0; i < dst.Count; i++)
        {
            var (c, f) = dst[i];
            if (char.IsUpper(c))
            {
                var fac = FactorIn(dst, c);
                if (primal[c] % fac != 0) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"axis {c} of extent {primal[c]} does not split by {fac} ({srcLayout} → {dstLayout}, {Fmt(x.Shape)})");
                outShape[i] = primal[c] / fac;
            }
            else
            {
                if (!primal.ContainsKey(char.ToUpperInvariant(c))) throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"sub-axis {f}{c} of {dstLayout} has no primal axis");
                outShape[i] = f;
            }
        }
        var st = StridesOf(x.Shape.AsSpan());
        var map = new long[Product(outShape)];
        var coords = new long[dst.Count];
        var val = new Dictionary<char, long>();
        for (long i = 0; i < map.Length; i++)
        {
            Unravel(i, outShape, coords);
            foreach (var k in primal.Keys) val[k] = 0;
            for (var d = 0; d < dst.Count; d++)
            {
                var (c, _) = dst[d];
                if (char.IsUpper(c)) val[c] += coords[d] * FactorIn(dst, c);
                else val[char.ToUpperInvariant(c)] += coords[d];
            }
            long off = 0;
            for (var d = 0; d < src.Count; d++)
            {
                var (c, f) = src[d];
                var fac = char.IsUpper(c) ? FactorIn(src, c) : f;
                var v = char.IsUpper(c) ? val[c] / fac : val[char.ToUpperInvariant(c)] % fac;
                off += v * st[d];
            }
            map[i] = off;
        }
        return GatherFlat(x, outShape, map);
    }

    private static List<(char Letter, long Factor)> ParseLayout(string op, string layout)
    {
        var r = new List<(char, long)>();
        long num = 0;
        foreach (var ch in layout)
        {
            if (char.IsDigit(ch)) { num = num * 10 + (ch - '0'); continue; }
            if (!char.IsLetter(ch) || (char.IsLower(ch) && num == 0) || (char.IsUpper(ch) && num != 0))
                throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"cannot parse layout '{layout}'");
            r.Add((ch, num));
            num = 0;
        }
        if (num != 0 || r.Select(t => t.Item1).Distinct().Count() != r.Count) throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"cannot parse layout '{layout}'");
        return r;
    }

    /// <summary>depth_to_space for NCHW or NHWC; mode "DCR" (depth-column-row, TVM/ONNX default) or "CRD" (PyTorch pixel_shuffle).</summary>
    public static Tensor DepthToSpace(Tensor x, int block, string layout = "NCHW", string mode = "DCR")
    {
        const string op = "depth_to_space";
        var nchw = Layouts.ToCanonical(op, x, layout, "NCHW");
        RequireRank(op, "data", nchw, 4);
        var (n, c, h, w) = (nchw.Shape[0], nchw.Shape[1], nchw.Shape[2], nchw.Shape[3]);
        if (block < 1 || c % (block * block) != 0) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"{c} channels do not divide by block² = {block * block}");
        if (mode is not ("DCR" or "CRD")) throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"mode '{mode}'");
        var oc = c / (block * block);
        var outShape = new long[] { n, oc, h * block, w * block };
        var map = new long[Product(outShape)];
        long i = 0;
        for (long b = 0; b < n; b++)
        for (long k = 0; k < oc; k++)
        for (long y = 0; y < h * block; y++)
        for (long z = 0; z < w * block; z++)
        {
            var (by, bz) = (y % block, z % block);
            var ic = mode == "DCR" ? (by * block + bz) * oc + k : k * block * block + by * block + bz;
            map[i++] = ((b * c + ic) * h + y / block) * w + z / block;
        }
        return Layouts.FromCanonical(GatherFlat(nchw, outShape, map), "NCHW", layout);
    }

    /// <summary>space_to_depth for NCHW or NHWC (the inverse of DCR depth_to_space).</summary>
    public static Tensor SpaceToDepth(Tensor x, int block, string layout = "NCHW")
    {
        const string op = "space_to_depth";
        var nchw = Layouts.ToCanonical(op, x, layout, "NCHW");
        RequireRank(op, "data", nchw, 4);
        var (n, c, h, w) = (nchw.Shape[0], nchw.Shape[1], nchw.Shape[2], nchw.Shape[3]);
        if (block < 1 || h % block != 0 || w % block != 0) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"spatial dims of {Fmt(x.Shape)} do not divide by block {block}");
        var outShape = new long[] { n, c * block * block, h / block, w / block };
        var map = new long[Product(outShape)];
        long i = 0;
        for (long b = 0; b < n; b++)
        for (long oc = 0; oc < c * block * block; oc++)
        for (long y = 0; y < h / block; y++)
        for (long z = 0; z < w / block; z++)
        {
            var k = oc % c;
            var by = oc / c / block;
            var bz = oc / c % block;
            map[i++] = ((b * c + k) * h + y * block + by) * w + z * block + bz;
        }
        return Layouts.FromCanonical(GatherFlat(nchw, outShape, map), "NCHW", layout);
    }
}

using TypeCode = Bridge.Core.Tensors.TypeCode;

namespace Bridge.Backends.Reference;

/// <summary>
/// Shared plumbing of the reference kernels: errors, axis and shape helpers, and dtype conversion of whole tensors.
/// Kernels never see IR; the interpreters adapt each dialect's attrs to the kernel parameter records.
/// </summary>
public static class KernelCommon
{
    /// <summary>Throws a located kernel error (the location is unknown at kernel level; interpreters re-wrap with the call's).</summary>
    public static BridgeException Fail(DiagnosticId id, string op, string message) =>
        new(id, SourceLoc.Unknown.Instance, $"{op}: {message}");

    public static string Fmt(ImmutableArray<long> shape) => Tensor.FormatShape(shape);
    public static string Fmt(long[] shape) => Tensor.FormatShape([.. shape]);

    /// <summary>Normalizes an axis in [-rank, rank) to [0, rank).</summary>
    public static int Axis(string op, long axis, int rank)
    {
        if (axis < -rank || axis >= rank)
            throw Fail(KernelDiagnosticIds.BadAxis, op, $"axis {axis} is out of range for rank {rank}");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    /// <summary>Normalizes a set of axes (null = all), sorted, rejecting repeats.</summary>
    public static int[] Axes(string op, IReadOnlyList<long>? axes, int rank, bool exclude = false)
    {
        bool[] mark = new bool[rank];
        if (axes is null) Array.Fill(mark, true);
        else
        {
            foreach (var a in axes)
            {
                var k = Axis(op, a, rank);
                if (mark[k]) throw Fail(KernelDiagnosticIds.BadAxis, op, $"axis {a} is repeated in [{string.Join(", ", axes)}]");
                mark[k] = true;
            }
        }
        if (exclude && axes is not null) for (var i = 0; i < rank; i++) mark[i] = !mark[i];
        var r = new List<int>();
        for (var i = 0; i < rank; i++) if (mark[i]) r.Add(i);
        return [.. r];
    }

    public static long[] StridesOf(ReadOnlySpan<long> shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (var i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    public static long Product(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return n;
    }

    /// <summary>Numpy broadcasting of two shapes (a dim of 1 stretches; 0 against 1 gives 0).</summary>
    public static long[] BroadcastShapes(string op, ImmutableArray<long> a, ImmutableArray<long> b)
    {
        var r = Math.Max(a.Length, b.Length);
        var o = new long[r];
        for (var i = 0; i < r; i++)
        {
            var da = i < r - a.Length ? 1 : a[i - (r - a.Length)];
            var db = i < r - b.Length ? 1 : b[i - (r - b.Length)];
            if (da == db || db == 1) o[i] = da;
            else if (da == 1) o[i] = db;
            else throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"shapes {Fmt(a)} and {Fmt(b)} do not broadcast (dim {i}: {da} vs {db})");
        }
        return o;
    }

    /// <summary>Strides (in elements) for reading <paramref name="shape"/> as if broadcast to <paramref name="outShape"/>; 0 on stretched dims.</summary>
    public static long[] BroadcastStrides(ImmutableArray<long> shape, ReadOnlySpan<long> outShape)
    {
        var r = outShape.Length;
        var st = StridesOf(shape.AsSpan());
        var o = new long[r];
        for (var i = 0; i < r; i++)
        {
            var j = i - (r - shape.Length);
            o[i] = j < 0 || shape[j] == 1 ? 0 : st[j];
        }
        return o;
    }

    /// <summary>For every flat output index, the flat index into a tensor read through <paramref name="strides"/>.</summary>
    public static long[] OffsetsOf(ReadOnlySpan<long> outShape, ReadOnlySpan<long> strides)
    {
        var n = Product(outShape);
        var r = new long[n];
        var rank = outShape.Length;
        if (n == 0) return r;
        var idx = new long[rank];
        long off = 0;
        for (long i = 0; i < n; i++)
        {
            r[i] = off;
            for (var d = rank - 1; d >= 0; d--)
            {
                idx[d]++;
                off += strides[d];
                if (idx[d] < outShape[d]) break;
                off -= strides[d] * outShape[d];
                idx[d] = 0;
            }
        }
        return r;
    }

    /// <summary>The three numeric families kernels compute in: float (f16/bf16/f32 computed as float32), double, and 64-bit integer.</summary>
    internal enum Family { F32, F64, I64 }

    internal static Family FamilyOf(DataType t) =>
        t.IsFloat ? (t.Bits == 64 ? Family.F64 : Family.F32) : Family.I64;

    /// <summary>The elements as float32 (exact for f16/bf16/f32; C-style conversion for integers).</summary>
    public static float[] ToFloat(Tensor t)
    {
        var n = (int)t.Length;
        var r = new float[n];
        if (t.DType == DataType.Float32) t.ReadOnlySpan<float>().CopyTo(r);
        else if (t.DType == DataType.Float16)
        {
            var s = t.ReadOnlySpan<Half>();
            for (var i = 0; i < n; i++) r[i] = (float)s[i];
        }
        else if (t.DType == DataType.BFloat16)
        {
            var s = t.ReadOnlySpan<ushort>();
            for (var i = 0; i < n; i++) r[i] = BFloat16Bits.ToSingle(s[i]);
        }
        else for (var i = 0; i < n; i++) r[i] = (float)t.GetDouble(i);
        return r;
    }

    public static double[] ToDouble(Tensor t)
    {
        if (t.DType == DataType.Float64) return t.ReadOnlySpan<double>().ToArray();
        if (t.DType.IsIntegral)
        {
            var l = ToLong(t);
            var r = new double[l.Length];
            for (var i = 0; i < l.Length; i++) r[i] = t.DType == DataType.UInt64 ? (ulong)l[i] : l[i];
            return r;
        }
        var f = ToFloat(t);
        var d = new double[f.Length];
        for (var i = 0; i < f.Length; i++) d[i] = f[i];
        return d;
    }

    /// <summary>The elements as long (uint64 reinterpreted; floats truncated toward zero, NaN as 0).</summary>
    public static long[] ToLong(Tensor t)
    {
        var n = (int)t.Length;
        var r = new long[n];
        switch (t.DType.Code, t.DType.Bits)
        {
            case (TypeCode.Int, 64): t.ReadOnlySpan<long>().CopyTo(r); break;
            case (TypeCode.Int, 32): { var s = t.ReadOnlySpan<int>(); for (var i = 0; i < n; i++) r[i] = s[i]; break; }
            case (TypeCode.UInt, 8) or (TypeCode.Bool, _): { var s = t.ReadOnlySpan<byte>(); for (var i = 0; i < n; i++) r[i] = s[i]; break; }
            case (TypeCode.Int, 8): { var s = t.ReadOnlySpan<sbyte>(); for (var i = 0; i < n; i++) r[i] = s[i]; break; }
            default:
                if (t.DType.IsFloat)
                {
                    var d = ToDoubleFloat(t);
                    for (var i = 0; i < n; i++) r[i] = CastDoubleToLong(d[i]);
                }
                else for (var i = 0; i < n; i++) r[i] = t.GetInt64(i);
                break;
        }
        return r;
    }

    private static double[] ToDoubleFloat(Tensor t) => t.DType == DataType.Float64 ? t.ReadOnlySpan<double>().ToArray() : Array.ConvertAll(ToFloat(t), x => (double)x);

    /// <summary>C-style float→int conversion: truncation toward zero; NaN → 0; out of range saturates at the int64 limits.</summary>
    public static long CastDoubleToLong(double v) =>
        double.IsNaN(v) ? 0 : v >= 9.2233720368547758E18 ? long.MaxValue : v <= -9.2233720368547758E18 ? long.MinValue : (long)v;

    /// <summary>A tensor of <paramref name="dtype"/> from float32 values (rounded to nearest even for f16/bf16; C casts for ints).</summary>
    public static Tensor FromFloat(DataType dtype, long[] shape, ReadOnlySpan<float> v)
    {
        var t = Tensor.Zeros(dtype, shape);
        var n = v.Length;
        if (dtype == DataType.Float32) v.CopyTo(t.Span<float>());
        else if (dtype == DataType.Float16) { var s = t.Span<Half>(); for (var i = 0; i < n; i++) s[i] = (Half)v[i]; }
        else if (dtype == DataType.BFloat16) { var s = t.Span<ushort>(); for (var i = 0; i < n; i++) s[i] = BFloat16Bits.FromSingle(v[i]); }
        else if (dtype == DataType.Float64) { var s = t.Span<double>(); for (var i = 0; i < n; i++) s[i] = v[i]; }
        else if (dtype.IsBool) { var s = t.Span<byte>(); for (var i = 0; i < n; i++) s[i] = v[i] != 0 || float.IsNaN(v[i]) ? (byte)1 : (byte)0; }
        else for (var i = 0; i < n; i++) t.SetInt64(i, CastDoubleToLong(v[i]));
        return t;
    }

    public static Tensor FromDouble(DataType dtype, long[] shape, ReadOnlySpan<double> v)
    {
        var t = Tensor.Zeros(dtype, shape);
        var n = v.Length;
        if (dtype == DataType.Float64) v.CopyTo(t.Span<double>());
        else if (dtype == DataType.Float32) { var s = t.Span<float>(); for (var i = 0; i < n; i++) s[i] = (float)v[i]; }
        else if (dtype == DataType.Float16) { var s = t.Span<Half>(); for (var i = 0; i < n; i++) s[i] = (Half)v[i]; }
        else if (dtype == DataType.BFloat16) { var s = t.Span<ushort>(); for (var i = 0; i < n; i++) s[i] = BFloat16Bits.FromSingle((float)v[i]); }
        else if (dtype.IsBool) { var s = t.Span<byte>(); for (var i = 0; i < n; i++) s[i] = v[i] != 0 || double.IsNaN(v[i]) ? (byte)1 : (byte)0; }
        else if (dtype == DataType.UInt64) for (var i = 0; i < n; i++) t.SetInt64(i, v[i] >= 9.2233720368547758E18 ? unchecked((long)(ulong)v[i]) : CastDoubleToLong(v[i]));
        else for (var i = 0; i < n; i++) t.SetInt64(i, CastDoubleToLong(v[i]));
        return t;
    }

    /// <summary>A tensor of <paramref name="dtype"/> from 64-bit integers, wrapping to the width as C does (bool: nonzero → 1).</summary>
    public static Tensor FromLong(DataType dtype, long[] shape, ReadOnlySpan<long> v)
    {
        var t = Tensor.Zeros(dtype, shape);
        var n = v.Length;
        if (dtype == DataType.Int64) v.CopyTo(t.Span<long>());
        else if (dtype == DataType.Int32) { var s = t.Span<int>(); for (var i = 0; i < n; i++) s[i] = unchecked((int)v[i]); }
        else if (dtype.IsFloat)
        {
            var d = new double[n];
            for (var i = 0; i < n; i++) d[i] = v[i];
            return FromDouble(dtype, shape, d);
        }
        else for (var i = 0; i < n; i++) t.SetInt64(i, v[i]);
        return t;
    }

    /// <summary>Copies elements by a flat index map: out[i] = src[map[i]], or the fill pattern when map[i] &lt; 0.</summary>
    public static Tensor GatherFlat(Tensor src, long[] outShape, ReadOnlySpan<long> map, Tensor? fill = null)
    {
        var o = Tensor.Zeros(src.DType, outShape);
        var es = src.DType.ElementSize;
        var sb = src.Bytes;
        var ob = o.Bytes;
        ReadOnlySpan<byte> fb = fill is null ? new byte[es] : fill.Bytes[..es];
        switch (es)
        {
            case 4: Copy<int>(sb, ob, map, fb); break;
            case 8: Copy<long>(sb, ob, map, fb); break;
            case 2: Copy<short>(sb, ob, map, fb); break;
            case 1: Copy<byte>(sb, ob, map, fb); break;
            default: throw new BridgeInternalError($"element size {es}");
        }
        return o;

        static void Copy<T>(Span<byte> sb, Span<byte> ob, ReadOnlySpan<long> map, ReadOnlySpan<byte> fb) where T : unmanaged
        {
            var s = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(sb);
            var d = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(ob);
            var f = System.Runtime.InteropServices.MemoryMarshal.Read<T>(fb);
            for (var i = 0; i < map.Length; i++) d[i] = map[i] >= 0 ? s[(int)map[i]] : f;
        }
    }

    /// <summary>Throws unless the tensor has the given rank.</summary>
    public static void RequireRank(string op, string what, Tensor t, int rank)
    {
        if (t.Rank != rank)
            throw Fail(KernelDiagnosticIds.RankMismatch, op, $"{what} must have rank {rank}, got shape {Fmt(t.Shape)}");
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge.Core.Tensors;

/// <summary>
/// A dense, row-major (C order) tensor that owns one contiguous byte buffer. Elements are reached through typed spans
/// (<see cref="Span{T}"/>, no boxing); <see cref="Reshape"/> returns a view that shares the buffer. bool is stored one byte
/// per element (0/1), float16 as <see cref="Half"/>, bfloat16 as its raw <see cref="ushort"/> bits.
/// </summary>
public sealed class Tensor
{
    /// <summary>The largest buffer Bridge will allocate for one tensor (bytes); larger shapes are rejected as absurd.</summary>
    public const long MaxBytes = 1L << 31;

    private readonly byte[] _buffer;

    private Tensor(DataType dtype, ImmutableArray<long> shape, byte[] buffer)
    {
        DType = dtype;
        Shape = shape;
        _buffer = buffer;
        Length = ElementCountOf(shape);
    }

    public DataType DType { get; }
    public ImmutableArray<long> Shape { get; }
    public int Rank => Shape.Length;
    /// <summary>Number of elements (product of the shape; 1 for a 0-d tensor).</summary>
    public long Length { get; }
    public int ByteLength => checked((int)(Length * DType.ElementSize));

    /// <summary>Allocates a zero-filled tensor; throws a <see cref="BridgeException"/> for negative or absurd shapes.</summary>
    public static Tensor Zeros(DataType dtype, System.ReadOnlySpan<long> shape)
    {
        var s = ValidateShape(dtype, shape);
        return new Tensor(dtype, s, new byte[ElementCountOf(s) * dtype.ElementSize]);
    }

    public static Tensor Zeros(DataType dtype, params long[] shape) => Zeros(dtype, shape.AsSpan());

    /// <summary>
    /// Allocates a tensor whose contents are unspecified, for kernels that overwrite every element: large buffers skip the
    /// zeroing pass (and its page faults), which is most of an elementwise op's cost.
    /// </summary>
    public static Tensor Uninitialized(DataType dtype, System.ReadOnlySpan<long> shape)
    {
        var s = ValidateShape(dtype, shape);
        return new Tensor(dtype, s, GC.AllocateUninitializedArray<byte>(checked((int)(ElementCountOf(s) * dtype.ElementSize))));
    }

    /// <summary>Wraps an existing byte buffer (taken, not copied) whose length must match the shape exactly.</summary>
    public static Tensor FromBytes(DataType dtype, System.ReadOnlySpan<long> shape, byte[] bytes)
    {
        var s = ValidateShape(dtype, shape);
        var need = ElementCountOf(s) * dtype.ElementSize;
        if (bytes.LongLength != need)
            throw new BridgeInternalError($"buffer of {bytes.LongLength} bytes does not hold {dtype}{FormatShape(s)} ({need} bytes)");
        return new Tensor(dtype, s, bytes);
    }

    /// <summary>Copies typed data into a new tensor.</summary>
    public static Tensor FromArray<T>(DataType dtype, System.ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != dtype.ElementSize)
            throw new BridgeInternalError($"{typeof(T).Name} does not store {dtype}");
        var t = Zeros(dtype, shape);
        if (data.Length != t.Length) throw new BridgeInternalError($"{data.Length} values for shape {FormatShape(t.Shape)}");
        data.CopyTo(t.Span<T>());
        return t;
    }

    public static Tensor FromArray(float[] data, params long[] shape) => FromArray<float>(DataType.Float32, data, shape);
    public static Tensor FromArray(double[] data, params long[] shape) => FromArray<double>(DataType.Float64, data, shape);
    public static Tensor FromArray(int[] data, params long[] shape) => FromArray<int>(DataType.Int32, data, shape);
    public static Tensor FromArray(long[] data, params long[] shape) => FromArray<long>(DataType.Int64, data, shape);

    /// <summary>A 0-d tensor holding <paramref name="value"/> converted to <paramref name="dtype"/>.</summary>
    public static Tensor Scalar(DataType dtype, double value)
    {
        var t = Zeros(dtype, System.ReadOnlySpan<long>.Empty);
        t.SetDouble(0, value);
        return t;
    }

    /// <summary>The elements as <typeparamref name="T"/>; <typeparamref name="T"/> must have the element size of the dtype.</summary>
    public Span<T> Span<T>() where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != DType.ElementSize)
            throw new BridgeInternalError($"{typeof(T).Name} is not the element type of a {DType} tensor");
        return MemoryMarshal.Cast<byte, T>(_buffer.AsSpan(0, ByteLength));
    }

    public System.ReadOnlySpan<T> ReadOnlySpan<T>() where T : unmanaged => Span<T>();

    /// <summary>The raw little-endian bytes.</summary>
    public Span<byte> Bytes => _buffer.AsSpan(0, ByteLength);

    /// <summary>A view with another shape over the same buffer (no copy).</summary>
    public Tensor Reshape(params long[] shape)
    {
        var s = ValidateShape(DType, shape);
        if (ElementCountOf(s) != Length)
            throw new BridgeInternalError($"cannot reshape {FormatShape(Shape)} to {FormatShape(s)}");
        return new Tensor(DType, s, _buffer);
    }

    /// <summary>A deep copy.</summary>
    public Tensor Clone() => new(DType, Shape, (byte[])_buffer.Clone());

    /// <summary>Element <paramref name="i"/> (flat, row-major) as a double, whatever the dtype.</summary>
    public double GetDouble(long i)
    {
        var b = _buffer.AsSpan();
        var k = checked((int)i);
        switch (DType.Code)
        {
            case TypeCode.Float when DType.Bits == 32: return MemoryMarshal.Cast<byte, float>(b)[k];
            case TypeCode.Float when DType.Bits == 64: return MemoryMarshal.Cast<byte, double>(b)[k];
            case TypeCode.Float when DType.Bits == 16: return (double)MemoryMarshal.Cast<byte, Half>(b)[k];
            case TypeCode.BFloat: return BFloat16Bits.ToSingle(MemoryMarshal.Cast<byte, ushort>(b)[k]);
            case TypeCode.Bool: return b[k] != 0 ? 1 : 0;
            case TypeCode.Int or TypeCode.UInt: return DType.IsUInt ? GetUInt64(k) : GetInt64(k);
            default: throw new BridgeInternalError($"no scalar access for {DType}");
        }
    }

    /// <summary>Element <paramref name="i"/> as a long (integral dtypes exactly; floats truncated toward zero).</summary>
    public long GetInt64(long i)
    {
        var b = _buffer.AsSpan();
        var k = checked((int)i);
        return (DType.Code, DType.Bits) switch
        {
            (TypeCode.Int, 8) => (sbyte)b[k],
            (TypeCode.Int, 16) => MemoryMarshal.Cast<byte, short>(b)[k],
            (TypeCode.Int, 32) => MemoryMarshal.Cast<byte, int>(b)[k],
            (TypeCode.Int, 64) => MemoryMarshal.Cast<byte, long>(b)[k],
            (TypeCode.UInt, 8) => b[k],
            (TypeCode.UInt, 16) => MemoryMarshal.Cast<byte, ushort>(b)[k],
            (TypeCode.UInt, 32) => MemoryMarshal.Cast<byte, uint>(b)[k],
            (TypeCode.UInt, 64) => unchecked((long)MemoryMarshal.Cast<byte, ulong>(b)[k]),
            (TypeCode.Bool, _) => b[k] != 0 ? 1 : 0,
            _ => (long)GetDouble(i),
        };
    }

    private ulong GetUInt64(int k) => unchecked((ulong)GetInt64(k));

    /// <summary>Stores <paramref name="v"/> at flat index <paramref name="i"/>, converting as a C cast would (ints wrap).</summary>
    public void SetDouble(long i, double v)
    {
        var b = _buffer.AsSpan();
        var k = checked((int)i);
        switch (DType.Code, DType.Bits)
        {
            case (TypeCode.Float, 32): MemoryMarshal.Cast<byte, float>(b)[k] = (float)v; break;
            case (TypeCode.Float, 64): MemoryMarshal.Cast<byte, double>(b)[k] = v; break;
            case (TypeCode.Float, 16): MemoryMarshal.Cast<byte, Half>(b)[k] = (Half)v; break;
            case (TypeCode.BFloat, _): MemoryMarshal.Cast<byte, ushort>(b)[k] = BFloat16Bits.FromSingle((float)v); break;
            case (TypeCode.Bool, _): b[k] = v != 0 ? (byte)1 : (byte)0; break;
            default: SetInt64(i, double.IsNaN(v) ? 0 : unchecked((long)Math.Clamp(Math.Truncate(v), -9.2233720368547758E18, 9.2233720368547758E18))); break;
        }
    }

    /// <summary>Stores an integer, wrapping to the dtype's width as C does.</summary>
    public void SetInt64(long i, long v)
    {
        var b = _buffer.AsSpan();
        var k = checked((int)i);
        unchecked
        {
            switch (DType.Code, DType.Bits)
            {
                case (TypeCode.Int, 8): b[k] = (byte)(sbyte)v; break;
                case (TypeCode.Int, 16): MemoryMarshal.Cast<byte, short>(b)[k] = (short)v; break;
                case (TypeCode.Int, 32): MemoryMarshal.Cast<byte, int>(b)[k] = (int)v; break;
                case (TypeCode.Int, 64): MemoryMarshal.Cast<byte, long>(b)[k] = v; break;
                case (TypeCode.UInt, 8): b[k] = (byte)v; break;
                case (TypeCode.UInt, 16): MemoryMarshal.Cast<byte, ushort>(b)[k] = (ushort)v; break;
                case (TypeCode.UInt, 32): MemoryMarshal.Cast<byte, uint>(b)[k] = (uint)v; break;
                case (TypeCode.UInt, 64): MemoryMarshal.Cast<byte, ulong>(b)[k] = (ulong)v; break;
                case (TypeCode.Bool, _): b[k] = v != 0 ? (byte)1 : (byte)0; break;
                default: SetDouble(i, v); break;
            }
        }
    }

    /// <summary>All elements converted to double (for comparisons and reports).</summary>
    public double[] ToDoubleArray()
    {
        var r = new double[Length];
        for (long i = 0; i < Length; i++) r[i] = GetDouble(i);
        return r;
    }

    /// <summary>Row-major strides in elements.</summary>
    public long[] Strides()
    {
        var s = new long[Rank];
        long acc = 1;
        for (var i = Rank - 1; i >= 0; i--) { s[i] = acc; acc *= Shape[i]; }
        return s;
    }

    public override string ToString() => $"Tensor[{FormatShape(Shape)}, {DType}]";

    public static string FormatShape(ImmutableArray<long> shape) => "(" + string.Join(", ", shape) + (shape.Length == 1 ? ",)" : ")");

    public static long ElementCountOf(ImmutableArray<long> shape)
    {
        long n = 1;
        foreach (var d in shape) n = checked(n * d);
        return n;
    }

    private static ImmutableArray<long> ValidateShape(DataType dtype, System.ReadOnlySpan<long> shape)
    {
        if (dtype.IsVoid || dtype.Lanes != 1)
            throw new BridgeException(CoreDiagnosticIds.UnsupportedDType, SourceLoc.Unknown.Instance, $"tensors of dtype {dtype} are not supported");
        double elems = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new BridgeException(CoreDiagnosticIds.AbsurdShape, SourceLoc.Unknown.Instance, $"negative dimension {d} in shape ({string.Join(", ", shape.ToArray())})");
            // Even an empty tensor may not carry a dimension no buffer could hold: element counts and strides must fit a long.
            if (d > MaxBytes) throw new BridgeException(CoreDiagnosticIds.AbsurdShape, SourceLoc.Unknown.Instance, $"dimension {d} in shape ({string.Join(", ", shape.ToArray())}) exceeds the {MaxBytes} limit");
            elems *= d;
        }
        if (elems * dtype.ElementSize > MaxBytes)
            throw new BridgeException(CoreDiagnosticIds.AbsurdShape, SourceLoc.Unknown.Instance,
                $"shape ({string.Join(", ", shape.ToArray())}) of {dtype} needs {elems * dtype.ElementSize:0} bytes, over the {MaxBytes}-byte limit");
        return [.. shape];
    }
}

/// <summary>bfloat16 bit conversions (round to nearest even, NaN kept quiet), as TVM and PyTorch do.</summary>
public static class BFloat16Bits
{
    public static float ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    public static ushort FromSingle(float f)
    {
        var u = (uint)BitConverter.SingleToInt32Bits(f);
        if (float.IsNaN(f)) return (ushort)((u >> 16) | 0x40);
        var rounding = 0x7FFFu + ((u >> 16) & 1);
        return (ushort)((u + rounding) >> 16);
    }
}

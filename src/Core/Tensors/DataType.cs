using System.Diagnostics.CodeAnalysis;

namespace Bridge.Core.Tensors;

/// <summary>The kind of scalar a <see cref="DataType"/> holds, numbered as DLPack's <c>DLDataTypeCode</c>.</summary>
public enum TypeCode : byte
{
    Int = 0,
    UInt = 1,
    Float = 2,
    OpaqueHandle = 3,
    BFloat = 4,
    /// <summary>bool: TVM stores it as DLPack code 1 (uint) with 1 bit; Bridge keeps it as its own code and maps on I/O.</summary>
    Bool = 255,
}

/// <summary>
/// A scalar element type spelled as TVM spells it: <c>float32</c>, <c>int64</c>, <c>bool</c>, <c>bfloat16</c>, …
/// Value semantics; <see cref="Void"/> stands for TVM's "void"/unset dtype.
/// </summary>
public readonly record struct DataType(TypeCode Code, int Bits, int Lanes = 1)
{
    public static readonly DataType Float16 = new(TypeCode.Float, 16);
    public static readonly DataType Float32 = new(TypeCode.Float, 32);
    public static readonly DataType Float64 = new(TypeCode.Float, 64);
    public static readonly DataType BFloat16 = new(TypeCode.BFloat, 16);
    public static readonly DataType Int8 = new(TypeCode.Int, 8);
    public static readonly DataType Int16 = new(TypeCode.Int, 16);
    public static readonly DataType Int32 = new(TypeCode.Int, 32);
    public static readonly DataType Int64 = new(TypeCode.Int, 64);
    public static readonly DataType UInt8 = new(TypeCode.UInt, 8);
    public static readonly DataType UInt16 = new(TypeCode.UInt, 16);
    public static readonly DataType UInt32 = new(TypeCode.UInt, 32);
    public static readonly DataType UInt64 = new(TypeCode.UInt, 64);
    public static readonly DataType Bool = new(TypeCode.Bool, 8);
    /// <summary>TVM's "void" (unknown or unset dtype, e.g. an unset <c>out_dtype</c>).</summary>
    public static readonly DataType Void = new(TypeCode.OpaqueHandle, 0, 0);
    public static readonly DataType Handle = new(TypeCode.OpaqueHandle, 64);

    /// <summary>Every dtype a tensor file, kernel or interpreter must handle.</summary>
    public static IReadOnlyList<DataType> AllTensorTypes { get; } =
        [Float16, Float32, Float64, BFloat16, Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64, Bool];

    public bool IsVoid => Code == TypeCode.OpaqueHandle && Bits == 0;
    public bool IsFloat => Code is TypeCode.Float or TypeCode.BFloat;
    public bool IsInt => Code == TypeCode.Int;
    public bool IsUInt => Code == TypeCode.UInt;
    public bool IsIntegral => Code is TypeCode.Int or TypeCode.UInt or TypeCode.Bool;
    public bool IsBool => Code == TypeCode.Bool;

    /// <summary>Bytes one element occupies in a dense buffer (bool is one byte, as in NumPy and TVM's NDArray).</summary>
    public int ElementSize => Code == TypeCode.Bool ? 1 : (Bits * Lanes + 7) / 8;

    public override string ToString()
    {
        if (IsVoid) return "void";
        var baseName = Code switch
        {
            TypeCode.Int => "int",
            TypeCode.UInt => "uint",
            TypeCode.Float => "float",
            TypeCode.BFloat => "bfloat",
            TypeCode.Bool => "bool",
            TypeCode.OpaqueHandle => "handle",
            _ => "unknown",
        };
        var s = Code is TypeCode.Bool ? baseName : Code == TypeCode.OpaqueHandle && Bits == 64 ? "handle" : baseName + Bits;
        return Lanes == 1 ? s : $"{s}x{Lanes}";
    }

    /// <summary>Parses TVM's spelling (<c>float32</c>, <c>int64</c>, <c>bool</c>, <c>uint1</c> as bool, <c>float32x4</c>, <c>void</c>).</summary>
    public static bool TryParse(string? text, out DataType type)
    {
        type = default;
        if (string.IsNullOrEmpty(text)) return false;
        if (text == "void") { type = Void; return true; }
        if (text == "bool" || text == "uint1") { type = Bool; return true; }
        if (text == "handle") { type = Handle; return true; }
        int lanes = 1;
        var body = text;
        var x = text.IndexOf('x', StringComparison.Ordinal);
        if (x > 0)
        {
            if (!int.TryParse(text.AsSpan(x + 1), System.Globalization.NumberStyles.None, null, out lanes) || lanes < 1) return false;
            body = text[..x];
        }
        (string prefix, TypeCode code)[] kinds = [("bfloat", TypeCode.BFloat), ("float", TypeCode.Float), ("uint", TypeCode.UInt), ("int", TypeCode.Int)];
        foreach (var (prefix, code) in kinds)
        {
            if (!body.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var digits = body.AsSpan(prefix.Length);
            int bits = code == TypeCode.Float && digits.IsEmpty ? 32 : 0;
            if (!digits.IsEmpty && !int.TryParse(digits, System.Globalization.NumberStyles.None, null, out bits)) return false;
            if (bits is not (1 or 4 or 8 or 16 or 32 or 64)) return false;
            type = new DataType(code, bits, lanes);
            return true;
        }
        return false;
    }

    /// <summary>Parses TVM's spelling or throws <see cref="FormatException"/>.</summary>
    public static DataType Parse(string text) =>
        TryParse(text, out var t) ? t : throw new FormatException($"unknown dtype '{text}'");

    /// <summary>NumPy's array-interface type string for this dtype (little-endian), e.g. <c>&lt;f4</c>; null when NumPy has none.</summary>
    public string? NumpyDescr => this switch
    {
        _ when this == Float16 => "<f2",
        _ when this == Float32 => "<f4",
        _ when this == Float64 => "<f8",
        _ when this == Int8 => "|i1",
        _ when this == Int16 => "<i2",
        _ when this == Int32 => "<i4",
        _ when this == Int64 => "<i8",
        _ when this == UInt8 => "|u1",
        _ when this == UInt16 => "<u2",
        _ when this == UInt32 => "<u4",
        _ when this == UInt64 => "<u8",
        _ when this == Bool => "|b1",
        // NumPy has no bfloat16; ml_dtypes writes it as a 2-byte void with this name in the descr.
        _ when this == BFloat16 => "<V2",
        _ => null,
    };

    /// <summary>Maps a NumPy descr (<c>&lt;f4</c>, <c>|b1</c>, <c>&gt;i8</c> …) to a dtype; big-endian flagged by <paramref name="bigEndian"/>.</summary>
    public static bool TryFromNumpyDescr(string descr, out DataType type, out bool bigEndian)
    {
        type = default;
        bigEndian = false;
        if (descr.Length < 2) return false;
        var order = descr[0];
        var rest = descr;
        if (order is '<' or '>' or '|' or '=') { bigEndian = order == '>'; rest = descr[1..]; }
        if (rest.Length < 2 || !int.TryParse(rest.AsSpan(1), out var size)) return false;
        DataType? t = (rest[0], size) switch
        {
            ('f', 2) => Float16, ('f', 4) => Float32, ('f', 8) => Float64,
            ('i', 1) => Int8, ('i', 2) => Int16, ('i', 4) => Int32, ('i', 8) => Int64,
            ('u', 1) => UInt8, ('u', 2) => UInt16, ('u', 4) => UInt32, ('u', 8) => UInt64,
            ('b', 1) => Bool,
            ('V', 2) => BFloat16,
            _ => null,
        };
        if (t is null) return false;
        type = t.Value;
        return true;
    }
}

using System.Buffers.Binary;
using System.Text;
using Bridge.Core.Diagnostics;
using Bridge.Core.IO;
using Bridge.Core.Tensors;

namespace Bridge.Core.Files;

/// <summary>
/// TVM parameter dictionaries (<c>tvm.runtime.save_param_dict</c>, <c>.params</c>), spec relay-formats.md §3: magic
/// <c>0xF7E58D4F05049CB7</c>, reserved u64, the names (u64 count, u64-length-prefixed UTF-8), u64 array count, then one
/// <c>SaveDLTensor</c> blob per name in the same order. Names keep the file's order (TVM Map order, not sorted).
/// </summary>
public static class ParamsFile
{
    public const ulong Magic = 0xF7E58D4F05049CB7;
    public const ulong NDArrayMagic = 0xDD5E40F096B4A13F;

    /// <summary>True when <paramref name="head"/> starts with the params magic.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> head) => head.Length >= 8 && BinaryPrimitives.ReadUInt64LittleEndian(head) == Magic;

    public static IReadOnlyList<(string Name, Tensor Tensor)> Read(string path) => Read(AtomicFile.ReadAllBytes(path), path);

    public static IReadOnlyList<(string Name, Tensor Tensor)> Read(byte[] data, string path)
    {
        var c = new ByteCursor(data, path, "params");
        if (c.Remaining < 8 || c.U64("the magic") != Magic)
            throw new BridgeException(CoreDiagnosticIds.BadMagic, BinaryLoc.At(path, "params", "header", 0), "not a TVM .params file (bad magic; expected B7 9C 04 05 4F 8D E5 F7)");
        c.U64("the reserved field");
        var n = c.U64("the name count");
        // Each name takes at least 8 bytes: a count larger than the file is corrupt, not an allocation request.
        if (n > (ulong)c.Remaining / 8)
            throw c.Error(CoreDiagnosticIds.AbsurdShape, $"the file claims {n} parameter names but has only {c.Remaining} bytes left");
        var names = new List<string>((int)n);
        for (ulong i = 0; i < n; i++)
        {
            c.Item = $"name #{i}";
            var len = c.U64("a name length");
            if (len > (ulong)c.Remaining)
                throw c.Error(CoreDiagnosticIds.TruncatedFile, $"name #{i} claims {len} bytes, {c.Remaining} left");
            var bytes = c.Take((long)len, "a name");
            try { names.Add(new UTF8Encoding(false, true).GetString(bytes)); }
            catch (DecoderFallbackException) { throw c.Error(CoreDiagnosticIds.BadHeader, $"parameter name #{i} is not valid UTF-8"); }
        }
        c.Item = "array count";
        var m = c.U64("the array count");
        if (m != n) throw c.Error(CoreDiagnosticIds.BadHeader, $"{n} names but {m} arrays");
        var result = new List<(string, Tensor)>(names.Count);
        foreach (var name in names)
        {
            c.Item = name;
            result.Add((name, ReadBlob(c)));
        }
        if (c.Remaining != 0) throw c.Error(CoreDiagnosticIds.BadHeader, $"{c.Remaining} unexpected bytes after the last array");
        return result;
    }

    /// <summary>Reads one NDArray blob (<c>SaveDLTensor</c>) at the cursor.</summary>
    internal static Tensor ReadBlob(ByteCursor c)
    {
        var at = c.Position;
        if (c.U64("the NDArray magic") != NDArrayMagic)
        {
            c.Position = at;
            throw c.Error(CoreDiagnosticIds.BadMagic, "bad NDArray magic (expected 3F A1 B4 96 F0 40 5E DD)");
        }
        c.U64("the NDArray reserved field");
        var devType = c.I32("the device type");
        c.I32("the device id");
        if (devType != 1) throw c.Error(CoreDiagnosticIds.BadHeader, $"array stored for device type {devType}; only CPU (1) arrays are saved to disk");
        var ndim = c.I32("ndim");
        if (ndim is < 0 or > 64) throw c.Error(CoreDiagnosticIds.AbsurdShape, $"ndim {ndim} is out of range");
        var code = c.U8("the dtype code");
        var bits = c.U8("the dtype bits");
        var lanes = c.U16("the dtype lanes");
        var dtype = FromDL(c, code, bits, lanes);
        var shape = new long[ndim];
        for (var i = 0; i < ndim; i++) shape[i] = c.I64("the shape");
        var need = NpyFile.CheckedByteCount(c, dtype, shape);
        var size = c.I64("data_byte_size");
        // data_byte_size = prod(shape) * ceil(bits / 8); bool (1 bit) takes one byte per element.
        if (size != need)
            throw c.Error(CoreDiagnosticIds.BadHeader, $"data_byte_size {size} does not match {dtype}{Tensor.FormatShape([.. shape])} ({need} bytes)");
        return NpyFile.ReadData(c, dtype, bigEndian: false, shape, "the array data");
    }

    /// <summary>DLDataType → Bridge dtype (§3.3): bool is (1, 1), bfloat16 is (4, 16).</summary>
    private static DataType FromDL(ByteCursor c, byte code, byte bits, ushort lanes)
    {
        if (lanes != 1) throw c.Error(CoreDiagnosticIds.UnsupportedDType, $"vector dtype (lanes {lanes}) in a parameter array");
        DataType? t = (code, bits) switch
        {
            (0, 8) => DataType.Int8, (0, 16) => DataType.Int16, (0, 32) => DataType.Int32, (0, 64) => DataType.Int64,
            (1, 1) => DataType.Bool,
            (1, 8) => DataType.UInt8, (1, 16) => DataType.UInt16, (1, 32) => DataType.UInt32, (1, 64) => DataType.UInt64,
            (2, 16) => DataType.Float16, (2, 32) => DataType.Float32, (2, 64) => DataType.Float64,
            (4, 16) => DataType.BFloat16,
            _ => null,
        };
        return t ?? throw c.Error(CoreDiagnosticIds.UnsupportedDType, $"unsupported DLDataType code {code}, bits {bits}");
    }

    private static (byte Code, byte Bits) ToDL(DataType t) => t.Code switch
    {
        Tensors.TypeCode.Bool => (1, 1),
        Tensors.TypeCode.Int => (0, (byte)t.Bits),
        Tensors.TypeCode.UInt => (1, (byte)t.Bits),
        Tensors.TypeCode.Float => (2, (byte)t.Bits),
        Tensors.TypeCode.BFloat => (4, (byte)t.Bits),
        _ => throw new BridgeException(CoreDiagnosticIds.UnsupportedDType, SourceLoc.Unknown.Instance, $"dtype {t} cannot be saved in a .params file"),
    };

    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> arrays) => AtomicFile.WriteAllBytes(path, ToBytes(arrays));

    /// <summary>The bytes <c>save_param_dict</c> writes for these arrays, in the given order.</summary>
    public static byte[] ToBytes(IEnumerable<(string Name, Tensor Tensor)> arrays)
    {
        var list = arrays.ToList();
        using var ms = new MemoryStream();
        void U64(ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); ms.Write(b); }
        void I32(int v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, v); ms.Write(b); }
        U64(Magic);
        U64(0);
        U64((ulong)list.Count);
        foreach (var (name, _) in list)
        {
            var b = Encoding.UTF8.GetBytes(name);
            U64((ulong)b.Length);
            ms.Write(b);
        }
        U64((ulong)list.Count);
        foreach (var (_, t) in list) WriteBlob(ms, t, U64, I32);
        return ms.ToArray();
    }

    /// <summary>One NDArray blob (also the content of base64 <c>b64ndarrays</c> strings).</summary>
    public static byte[] BlobBytes(Tensor t)
    {
        using var ms = new MemoryStream();
        void U64(ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); ms.Write(b); }
        void I32(int v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, v); ms.Write(b); }
        WriteBlob(ms, t, U64, I32);
        return ms.ToArray();
    }

    /// <summary>Parses one NDArray blob (e.g. a decoded <c>b64ndarrays</c> entry).</summary>
    public static Tensor ReadBlob(byte[] blob, string path, string item)
    {
        var c = new ByteCursor(blob, path, "ndarray") { Item = item };
        var t = ReadBlob(c);
        if (c.Remaining != 0) throw c.Error(CoreDiagnosticIds.BadHeader, $"{c.Remaining} unexpected bytes after the array");
        return t;
    }

    private static void WriteBlob(MemoryStream ms, Tensor t, Action<ulong> u64, Action<int> i32)
    {
        u64(NDArrayMagic);
        u64(0);
        i32(1); // kDLCPU
        i32(0);
        i32(t.Rank);
        var (code, bits) = ToDL(t.DType);
        ms.WriteByte(code);
        ms.WriteByte(bits);
        ms.WriteByte(1); // lanes, u16 little-endian
        ms.WriteByte(0);
        foreach (var d in t.Shape) u64((ulong)d);
        u64((ulong)t.ByteLength);
        ms.Write(t.Bytes);
    }
}

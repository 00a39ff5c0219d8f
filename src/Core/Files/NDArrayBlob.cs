using System.Buffers.Binary;

namespace Bridge.Core.Files;

/// <summary>
/// TVM's NDArray blob (<c>SaveDLTensor</c>, spec relay-formats.md §3.2), reader and writer side by side: magic
/// <c>0xDD5E40F096B4A13F</c>, reserved u64, device (type, id: CPU only on disk), ndim, DLDataType (code, bits, lanes), the
/// shape, <c>data_byte_size</c> and the data, little endian. The one codec of the format: <c>.params</c> files, the base64
/// <c>b64ndarrays</c> of Relay JSON, Relax JSON and the Relay text <c>#[metadata]</c> section all read and write through it.
/// </summary>
public static class NDArrayBlob
{
    public const ulong Magic = 0xDD5E40F096B4A13F;

    /// <summary>Parses one whole blob (e.g. a decoded <c>b64ndarrays</c> entry); bytes after the array are an error.</summary>
    public static Tensor Read(byte[] blob, string path, string item)
    {
        var c = new ByteCursor(blob, path, "ndarray") { Item = item };
        var t = Read(c);
        if (c.Remaining != 0) throw c.Error(CoreDiagnosticIds.BadHeader, $"{c.Remaining} unexpected bytes after the array");
        return t;
    }

    /// <summary>Reads one blob at the cursor (a <c>.params</c> file holds several in a row).</summary>
    internal static Tensor Read(ByteCursor c)
    {
        var at = c.Position;
        if (c.U64("the NDArray magic") != Magic)
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

    /// <summary>The blob of <paramref name="t"/> (what <c>SaveDLTensor</c> writes for a CPU array).</summary>
    public static byte[] Write(Tensor t)
    {
        using var ms = new MemoryStream();
        Write(ms, t);
        return ms.ToArray();
    }

    /// <summary>Appends the blob of <paramref name="t"/> to <paramref name="ms"/>.</summary>
    public static void Write(Stream ms, Tensor t)
    {
        void U64(ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); ms.Write(b); }
        void I32(int v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, v); ms.Write(b); }
        U64(Magic);
        U64(0);
        I32(1); // kDLCPU
        I32(0);
        I32(t.Rank);
        var (code, bits) = ToDL(t.DType);
        ms.WriteByte(code);
        ms.WriteByte(bits);
        ms.WriteByte(1); // lanes, u16 little-endian
        ms.WriteByte(0);
        foreach (var d in t.Shape) U64((ulong)d);
        U64((ulong)t.ByteLength);
        ms.Write(t.Bytes);
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
        _ => throw new BridgeException(CoreDiagnosticIds.UnsupportedDType, SourceLoc.Unknown.Instance, $"dtype {t} cannot be saved in an NDArray blob"),
    };
}

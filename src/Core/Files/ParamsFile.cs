using System.Buffers.Binary;
using System.Text;
using Bridge.Core.IO;

namespace Bridge.Core.Files;

/// <summary>
/// TVM parameter dictionaries (<c>tvm.runtime.save_param_dict</c>, <c>.params</c>), spec relay-formats.md §3: magic
/// <c>0xF7E58D4F05049CB7</c>, reserved u64, the names (u64 count, u64-length-prefixed UTF-8), u64 array count, then one
/// <c>SaveDLTensor</c> blob per name in the same order. Names keep the file's order (TVM Map order, not sorted).
/// </summary>
public static class ParamsFile
{
    public const ulong Magic = 0xF7E58D4F05049CB7;
    public const ulong NDArrayMagic = NDArrayBlob.Magic;

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
            result.Add((name, NDArrayBlob.Read(c)));
        }
        if (c.Remaining != 0) throw c.Error(CoreDiagnosticIds.BadHeader, $"{c.Remaining} unexpected bytes after the last array");
        return result;
    }

    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> arrays) => AtomicFile.WriteAllBytes(path, ToBytes(arrays));

    /// <summary>The bytes <c>save_param_dict</c> writes for these arrays, in the given order.</summary>
    public static byte[] ToBytes(IEnumerable<(string Name, Tensor Tensor)> arrays)
    {
        var list = arrays.ToList();
        using var ms = new MemoryStream();
        void U64(ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); ms.Write(b); }
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
        foreach (var (_, t) in list) NDArrayBlob.Write(ms, t);
        return ms.ToArray();
    }
}

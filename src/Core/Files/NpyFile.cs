using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Bridge.Core.IO;
using Bridge.Core.Limits;

namespace Bridge.Core.Files;

/// <summary>
/// NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0; see numpy/lib/format.py). Reads C-order arrays of every
/// <see cref="DataType.AllTensorTypes"/> dtype, byte-swapping big-endian data; rejects Fortran order, object arrays and
/// structured dtypes with a diagnostic. Writes byte-for-byte what <c>numpy.save</c> (1.24) writes: version 1.0 unless the
/// header needs 2.0, keys sorted, 21-digit growth padding on the first axis, header padded to 64 bytes.
/// bfloat16 (absent from NumPy) is written as <c>&lt;V2</c>, the descr ml_dtypes' bfloat16 produces.
/// </summary>
public static class NpyFile
{
    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int ArrayAlign = 64;
    private const int GrowthAxisMaxDigits = 21;

    /// <summary>True when <paramref name="head"/> starts with the npy magic <c>\x93NUMPY</c>.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> head) => head.StartsWith(s_magic);

    public static Tensor Read(string path) => Read(AtomicFile.ReadAllBytes(path), path);

    /// <summary>Parses a whole npy image; <paramref name="path"/> (and <paramref name="item"/>, for npz members) locate errors.</summary>
    public static Tensor Read(byte[] data, string path, string item = "header")
    {
        var c = new ByteCursor(data, path, "npy") { Item = item };
        var magic = c.Take(Math.Min(6, c.Remaining), "the magic string");
        if (!magic.SequenceEqual(s_magic))
            throw c.Error(CoreDiagnosticIds.BadMagic, "not a NumPy .npy file (missing \\x93NUMPY magic)");
        var major = c.U8("the version");
        var minor = c.U8("the version");
        if (major is not (1 or 2 or 3) || minor != 0)
            throw c.Error(CoreDiagnosticIds.BadHeader, $"unsupported .npy format version {major}.{minor} (1.0, 2.0 and 3.0 are known)");
        long hlen = major == 1 ? c.U16("the header length") : c.U32("the header length");
        var headerStart = c.Position;
        var headerBytes = c.Take(hlen, "the header");
        // 1.0 and 2.0 headers are latin-1; 3.0 allows UTF-8 (structured field names).
        var header = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        var (descr, fortran, shape) = ParseHeader(header, c, headerStart);
        if (fortran)
            throw c.Error(CoreDiagnosticIds.NpyFortranOrder, "Fortran-order (column-major) .npy arrays are not supported; save with np.ascontiguousarray");
        if (descr.TrimStart('<', '>', '|', '=').StartsWith('O'))
            throw c.Error(CoreDiagnosticIds.NpyObjectArray, $"object arrays ('{descr}') hold pickled Python objects and are not supported");
        if (!DataType.TryFromNumpyDescr(descr, out var dtype, out var bigEndian))
            throw c.Error(CoreDiagnosticIds.UnsupportedDType, $"unsupported .npy dtype '{descr}'");
        return ReadData(c, dtype, bigEndian, shape, "the array data");
    }

    /// <summary>Reads <c>prod(shape)</c> elements at the cursor, checking size limits before allocating.</summary>
    internal static Tensor ReadData(ByteCursor c, DataType dtype, bool bigEndian, long[] shape, string what)
    {
        var bytes = CheckedByteCount(c, dtype, shape);
        if (bytes > c.Remaining)
            throw c.Error(CoreDiagnosticIds.TruncatedFile,
                $"file ends inside {what}: {dtype}{Tensor.FormatShape([.. shape])} needs {bytes} bytes, {c.Remaining} left");
        MemoryBudget.Charge(bytes, $"{dtype}{Tensor.FormatShape([.. shape])} tensor", c.Loc);
        var buf = c.Take(bytes, what).ToArray();
        if (bigEndian && dtype.ElementSize > 1) SwapInPlace(buf, dtype.ElementSize);
        return Tensor.FromBytes(dtype, shape, buf);
    }

    internal static long CheckedByteCount(ByteCursor c, DataType dtype, long[] shape)
    {
        double elems = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw c.Error(CoreDiagnosticIds.AbsurdShape, $"negative dimension {d} in shape ({string.Join(", ", shape)})");
            if (d > Tensor.MaxBytes) throw c.Error(CoreDiagnosticIds.AbsurdShape, $"dimension {d} in shape ({string.Join(", ", shape)}) exceeds the {Tensor.MaxBytes} limit");
            elems *= d;
        }
        if (elems * dtype.ElementSize > Tensor.MaxBytes)
            throw c.Error(CoreDiagnosticIds.AbsurdShape,
                $"shape ({string.Join(", ", shape)}) of {dtype} needs {elems * dtype.ElementSize:0} bytes, over the {Tensor.MaxBytes}-byte limit");
        return (long)elems * dtype.ElementSize;
    }

    private static void SwapInPlace(byte[] buf, int size)
    {
        for (var i = 0; i + size <= buf.Length; i += size) buf.AsSpan(i, size).Reverse();
    }

    public static void Write(string path, Tensor tensor) => AtomicFile.WriteAllBytes(path, ToBytes(tensor));

    /// <summary>The exact bytes <c>numpy.save</c> writes for this tensor.</summary>
    public static byte[] ToBytes(Tensor tensor)
    {
        var descr = tensor.DType.NumpyDescr ?? throw new BridgeException(CoreDiagnosticIds.UnsupportedDType,
            SourceLoc.Unknown.Instance, $"dtype {tensor.DType} has no .npy spelling");
        var sb = new StringBuilder("{");
        // numpy: "'%s': %s, " per key in sorted order, then "}".
        sb.Append("'descr': '").Append(descr).Append("', ");
        sb.Append("'fortran_order': False, ");
        sb.Append("'shape': ").Append(ShapeRepr(tensor.Shape)).Append(", ");
        sb.Append('}');
        if (tensor.Rank > 0)
            sb.Append(' ', Math.Max(0, GrowthAxisMaxDigits - tensor.Shape[0].ToString(CultureInfo.InvariantCulture).Length));
        var header = Encoding.Latin1.GetBytes(sb.ToString());
        var hlen = header.Length + 1; // + '\n'
        // Version 1.0 has a u16 length; numpy switches to 2.0 (u32) when the padded header does not fit.
        var major = 1;
        var pad = ArrayAlign - ((s_magic.Length + 2 + 2 + hlen) % ArrayAlign);
        if (hlen + pad > ushort.MaxValue)
        {
            major = 2;
            pad = ArrayAlign - ((s_magic.Length + 2 + 4 + hlen) % ArrayAlign);
        }
        using var ms = new MemoryStream();
        ms.Write(s_magic);
        ms.WriteByte((byte)major);
        ms.WriteByte(0);
        Span<byte> len = stackalloc byte[4];
        if (major == 1) { BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)(hlen + pad)); ms.Write(len[..2]); }
        else { BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)(hlen + pad)); ms.Write(len); }
        ms.Write(header);
        for (var i = 0; i < pad; i++) ms.WriteByte((byte)' ');
        ms.WriteByte((byte)'\n');
        ms.Write(tensor.Bytes);
        return ms.ToArray();
    }

    /// <summary>Python's repr of a shape tuple: <c>()</c>, <c>(3,)</c>, <c>(2, 3)</c>.</summary>
    private static string ShapeRepr(ImmutableArray<long> shape) =>
        shape.Length switch
        {
            0 => "()",
            1 => $"({shape[0].ToString(CultureInfo.InvariantCulture)},)",
            _ => "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
        };

    /// <summary>
    /// Parses the header, a Python dict literal such as <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>.
    /// Accepts either quote style, Python 2 long suffixes (<c>3L</c>) and any key order; all three keys are required.
    /// </summary>
    private static (string Descr, bool Fortran, long[] Shape) ParseHeader(string h, ByteCursor c, int headerStart)
    {
        var p = new HeaderParser(h, c, headerStart);
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        p.Expect('{');
        while (true)
        {
            p.SkipWs();
            if (p.TryEat('}')) break;
            var key = p.String();
            p.Expect(':');
            switch (key)
            {
                case "descr":
                    p.SkipWs();
                    if (p.Peek is '[')
                        throw p.Error(CoreDiagnosticIds.UnsupportedDType, "structured (record) .npy dtypes are not supported");
                    descr = p.String();
                    break;
                case "fortran_order": fortran = p.Bool(); break;
                case "shape": shape = p.Tuple(); break;
                default: throw p.Error(CoreDiagnosticIds.BadHeader, $"unexpected key '{key}' in .npy header");
            }
            p.SkipWs();
            if (p.TryEat(',')) continue;
            p.Expect('}');
            break;
        }
        if (descr is null || fortran is null || shape is null)
            throw p.Error(CoreDiagnosticIds.BadHeader, "the .npy header lacks one of 'descr', 'fortran_order', 'shape'");
        return (descr, fortran.Value, shape);
    }

    private sealed class HeaderParser(string s, ByteCursor c, int start)
    {
        private int _i;
        public char? Peek => _i < s.Length ? s[_i] : null;

        public BridgeException Error(DiagnosticId id, string message)
        {
            c.Position = start + Math.Min(_i, s.Length);
            return c.Error(id, message);
        }

        public void SkipWs() { while (_i < s.Length && char.IsWhiteSpace(s[_i])) _i++; }

        public bool TryEat(char ch)
        {
            SkipWs();
            if (_i < s.Length && s[_i] == ch) { _i++; return true; }
            return false;
        }

        public void Expect(char ch)
        {
            if (!TryEat(ch)) throw Error(CoreDiagnosticIds.BadHeader, $"malformed .npy header: expected '{ch}' in \"{Snippet()}\"");
        }

        private string Snippet() => s.Length > 120 ? s[..120] + "…" : s.TrimEnd();

        public string String()
        {
            SkipWs();
            if (_i >= s.Length || (s[_i] != '\'' && s[_i] != '"'))
                throw Error(CoreDiagnosticIds.BadHeader, $"malformed .npy header: expected a string in \"{Snippet()}\"");
            var q = s[_i++];
            var b = _i;
            while (_i < s.Length && s[_i] != q) _i++;
            if (_i >= s.Length) throw Error(CoreDiagnosticIds.BadHeader, "malformed .npy header: unterminated string");
            return s[b..(_i++)];
        }

        public bool Bool()
        {
            SkipWs();
            if (string.CompareOrdinal(s, _i, "True", 0, 4) == 0) { _i += 4; return true; }
            if (string.CompareOrdinal(s, _i, "False", 0, 5) == 0) { _i += 5; return false; }
            throw Error(CoreDiagnosticIds.BadHeader, "malformed .npy header: 'fortran_order' must be True or False");
        }

        public long[] Tuple()
        {
            Expect('(');
            var dims = new List<long>();
            while (true)
            {
                SkipWs();
                if (TryEat(')')) break;
                var b = _i;
                while (_i < s.Length && (char.IsAsciiDigit(s[_i]) || s[_i] == '-')) _i++;
                if (!long.TryParse(s.AsSpan(b, _i - b), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d))
                    throw Error(CoreDiagnosticIds.BadHeader, $"malformed .npy header: bad dimension in \"{Snippet()}\"");
                if (_i < s.Length && s[_i] is 'L' or 'l') _i++; // Python 2 long
                dims.Add(d);
                if (dims.Count > 64) throw Error(CoreDiagnosticIds.AbsurdShape, "more than 64 dimensions in .npy shape");
                SkipWs();
                if (TryEat(',')) continue;
                Expect(')');
                break;
            }
            return [.. dims];
        }
    }
}

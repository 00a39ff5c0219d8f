using System.Globalization;
using System.Text;

namespace Bridge.Core.Files;

/// <summary>
/// Recognises an ONNX <c>ModelProto</c> without a protobuf schema: walks the top-level fields and requires every tag to be a
/// ModelProto field with its declared wire type (1 ir_version varint, 2–4 producer/domain strings, 5 model_version varint,
/// 6 doc_string, 7 graph, 8 opset_import, 14 metadata_props, 20 training_info, 25 functions, 26 configuration), plus a graph.
/// Returns the IR version, producer and opset imports as facts.
/// </summary>
internal static class OnnxSniff
{
    internal static FormatInfo? Walk(byte[] d)
    {
        var i = 0;
        long irVersion = -1;
        string? producer = null, producerVersion = null;
        var opsets = new List<string>();
        var hasGraph = false;
        var fields = 0;
        while (i < d.Length)
        {
            if (!Varint(d, ref i, out var tag)) return null;
            var field = tag >> 3;
            var wire = (int)(tag & 7);
            var expectVarint = field is 1 or 5;
            var expectLen = field is 2 or 3 or 4 or 6 or 7 or 8 or 14 or 20 or 25 or 26;
            if (!(expectVarint && wire == 0) && !(expectLen && wire == 2)) return null;
            if (wire == 0)
            {
                if (!Varint(d, ref i, out var v)) return null;
                if (field == 1) irVersion = (long)v;
            }
            else
            {
                if (!Varint(d, ref i, out var len) || len > (ulong)(d.Length - i)) return null;
                var body = d.AsSpan(i, (int)len);
                switch (field)
                {
                    case 2: producer = Utf8(body); break;
                    case 3: producerVersion = Utf8(body); break;
                    case 7: hasGraph = true; break;
                    case 8: opsets.Add(Opset(body)); break;
                }
                i += (int)len;
            }
            fields++;
        }
        if (!hasGraph || irVersion is < 1 or > 64 || fields < 2) return null;
        return new FormatInfo(ModelFormat.Onnx,
        [
            ("ir_version", irVersion.ToString(CultureInfo.InvariantCulture)),
            ("producer", $"{producer ?? "?"} {producerVersion ?? ""}".Trim()),
            ("opset_import", opsets.Count == 0 ? "(none)" : string.Join(", ", opsets)),
        ]);
    }

    private static string Utf8(ReadOnlySpan<byte> b)
    {
        try { return new UTF8Encoding(false, true).GetString(b); }
        catch (DecoderFallbackException) { return "?"; }
    }

    /// <summary>OperatorSetIdProto: 1 domain (string), 2 version (int64).</summary>
    private static string Opset(ReadOnlySpan<byte> b)
    {
        var arr = b.ToArray();
        var i = 0;
        var domain = "ai.onnx";
        ulong version = 0;
        while (i < arr.Length)
        {
            if (!Varint(arr, ref i, out var tag)) break;
            if (tag == (1 << 3 | 2) && Varint(arr, ref i, out var len) && len <= (ulong)(arr.Length - i))
            {
                var s = Utf8(arr.AsSpan(i, (int)len));
                if (s.Length > 0) domain = s;
                i += (int)len;
            }
            else if (tag == (2 << 3) && Varint(arr, ref i, out var v)) version = v;
            else break;
        }
        return $"{domain} {version}";
    }

    private static bool Varint(byte[] d, ref int i, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (i >= d.Length) return false;
            var b = d[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return true;
        }
        return false;
    }
}

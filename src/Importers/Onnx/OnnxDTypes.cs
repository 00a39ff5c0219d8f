
namespace Bridge.Importers.Onnx;

/// <summary>ONNX <c>TensorProto.DataType</c> codes and their Core <see cref="DataType"/> counterparts.</summary>
public static class OnnxDTypes
{
    private static readonly string[] s_names =
    [
        "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE",
        "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
        "FLOAT8E5M2FNUZ", "UINT4", "INT4",
    ];

    /// <summary>True for codes the ONNX schema defines (known, even when Core cannot hold them: string, complex, float8, int4).</summary>
    public static bool IsKnown(int code) => code > 0 && code < s_names.Length;

    public static string Name(int code) => code >= 0 && code < s_names.Length ? s_names[code] : $"<dtype {code}>";

    /// <summary>The Core dtype for an ONNX code, or null when Core has none (string, complex, float8, int4, unknown).</summary>
    public static DataType? ToCore(int code) => code switch
    {
        1 => DataType.Float32,
        2 => DataType.UInt8,
        3 => DataType.Int8,
        4 => DataType.UInt16,
        5 => DataType.Int16,
        6 => DataType.Int32,
        7 => DataType.Int64,
        9 => DataType.Bool,
        10 => DataType.Float16,
        11 => DataType.Float64,
        12 => DataType.UInt32,
        13 => DataType.UInt64,
        16 => DataType.BFloat16,
        _ => null,
    };

    /// <summary>The ONNX code of a Core dtype (0 when ONNX has none).</summary>
    public static int CodeOf(DataType t)
    {
        for (var c = 1; c < s_names.Length; c++) if (ToCore(c) == t) return c;
        return 0;
    }
}

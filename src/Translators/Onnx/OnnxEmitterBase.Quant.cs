using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// The quantization arithmetic both dialects share: QuantizeLinear's output type and axis rules, and the blocked
/// (opset 21, block_size &gt; 0) forms, which neither TVM dialect has an op for and which are therefore float arithmetic
/// in both. The per-tensor / per-axis forms differ (Relay qnn ops with int32 zero points; Relax R.quantize) and stay in the
/// dialects' Quant files.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>Each element repeated <paramref name="repeats"/> times along <paramref name="axis"/>.</summary>
    protected abstract TExpr Repeat(CanonicalNode n, TExpr x, long repeats, long axis);

    /// <summary>QuantizeLinear's output type: the zero point's, else output_dtype (opset 21), else uint8.</summary>
    protected DataType QuantOutDType(CanonicalNode n, long outputDtype)
    {
        DataType dt = n.Input(2).IsPresent ? DTypeOfValue(n, 2)
            : outputDtype != 0 ? OnnxDTypes.ToCore((int)outputDtype) ?? throw Unsupported(n, $"output_dtype {outputDtype}") : DataType.UInt8;
        if (!dt.IsInt && !dt.IsUInt) throw Unsupported(n, $"quantizing to {dt} (only integer types; float8 is not supported)");
        return dt;
    }

    /// <summary>The quantization axis (normalised) when the scale is a vector of more than one value; −1 otherwise.</summary>
    protected long QAxis(CanonicalNode n, int scaleInput, long axis)
    {
        var ss = RequireShape(n, scaleInput);
        if (ss.Length == 0 || ss.Length == 1 && ss[0].AsConst == 1) return -1;
        if (ss.Length > 1) throw Unsupported(n, $"a scale of rank {ss.Length} (blocked quantization)");
        return NormAxis(axis, Rank(n, 0));
    }

    /// <summary>
    /// A blocked scale / zero point (the input's shape with axis divided into blocks) repeated to the full shape of input 0
    /// along the axis (and cut to its length when the last block is partial), as float32.
    /// </summary>
    private TExpr BlockExpand(CanonicalNode n, int input, long axis, long block)
    {
        var s = RequireShape(n, 0);
        var ax = NormAxis(axis, s.Length);
        var dim = s[(int)ax].AsConst ?? throw Unsupported(n, "blocked quantization along a symbolic axis");
        var ps = RequireShape(n, input);
        if (ps.Length != s.Length || ps[(int)ax].AsConst != (dim + block - 1) / block)
            throw Unsupported(n, $"a blocked parameter of shape [{string.Join(", ", ps)}] for input [{string.Join(", ", s)}], axis {ax}, block_size {block}");
        var r = Repeat(n, Cast(n, X(n, input), DataType.Float32), block, ax);
        return dim % block == 0 ? r : SliceAxis(n, r, ax, 0, dim);
    }

    /// <summary>Blocked QuantizeLinear in float ops: saturate(round_half_even(x / scale) + zp), cast to the output type.</summary>
    protected TExpr BlockedQuantize(CanonicalNode n, long axis, long block, DataType odt)
    {
        var q = Elem(n, "round", Elem(n, "divide", X(n, 0), BlockExpand(n, 1, axis, block)));
        if (n.Input(2).IsPresent) q = Elem(n, "add", q, BlockExpand(n, 2, axis, block));
        var (lo, hi) = odt.IsUInt ? (0.0, Math.Pow(2, odt.Bits) - 1) : (-Math.Pow(2, odt.Bits - 1), Math.Pow(2, odt.Bits - 1) - 1);
        return Cast(n, Clamp(n, q, lo, hi), odt);
    }

    /// <summary>Blocked DequantizeLinear in float ops: (x − zp) · scale.</summary>
    protected TExpr BlockedDequantize(CanonicalNode n, long axis, long block)
    {
        var x = Cast(n, X(n, 0), DataType.Float32);
        if (n.Input(2).IsPresent) x = Elem(n, "subtract", x, BlockExpand(n, 2, axis, block));
        return Elem(n, "multiply", x, BlockExpand(n, 1, axis, block));
    }
}

using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>How <see cref="Quant.Requantize"/> rounds a scaled value that lies exactly half-way between two integers.</summary>
public enum QuantRounding
{
    /// <summary>Half to even (ONNX QuantizeLinear, ORT's requantize through <c>nearbyintf</c>).</summary>
    HalfToEven,
    /// <summary>Half toward +∞ (TVM requantize "UPWARD", its default).</summary>
    Upward,
    /// <summary>Half away from zero (TVM requantize "TONEAREST").</summary>
    AwayFromZero,
}

/// <summary>
/// Affine quantization kernels: quantize, dequantize, requantize and the zero-point shift in front of integer conv/matmul.
/// Scales and zero points are scalars or 1-d vectors along one axis (per-channel). Quantize follows ONNX QuantizeLinear:
/// <c>x / scale</c> in float32, round half to even, add the zero point, saturate to the output dtype's range.
/// </summary>
public static class Quant
{
    /// <summary>(min, max) of an integer dtype.</summary>
    public static (double Lo, double Hi) Range(DataType dt) =>
        dt.IsUInt ? (0, Math.Pow(2, dt.Bits) - 1) : dt.IsInt ? (-Math.Pow(2, dt.Bits - 1), Math.Pow(2, dt.Bits - 1) - 1)
        : throw Fail(KernelDiagnosticIds.UnsupportedDType, "quantize", $"output dtype {dt} is not an integer type");

    /// <summary>Maps a flat element index to the index of its per-axis parameter (always 0 when the parameter is one value).</summary>
    private static Func<long, long> ParamIndex(Tensor x, Tensor p, int axis, string op)
    {
        if (p.Length == 1) return _ => 0;
        if (x.Rank == 0 || p.Length != x.Shape[axis])
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"per-axis parameter of {p.Length} values does not match axis {axis} of {Fmt(x.Shape)}");
        long inner = 1;
        for (var d = axis + 1; d < x.Rank; d++) inner *= x.Shape[d];
        var n = x.Shape[axis];
        return i => i / inner % n;
    }

    /// <summary>clip(round_half_even(x / scale) + zp) in <paramref name="outDType"/>.</summary>
    public static Tensor Quantize(Tensor x, Tensor scale, Tensor? zp, long axis, DataType outDType)
    {
        const string op = "quantize";
        var ax = x.Rank == 0 ? 0 : Axis(op, axis, x.Rank);
        var xs = ToFloat(x);
        var sc = ToFloat(scale);
        var z = zp is null ? [0.0] : ToDouble(zp);
        var si = ParamIndex(x, scale, ax, op);
        Func<long, long> zi = zp is null ? _ => 0 : ParamIndex(x, zp, ax, op);
        var (lo, hi) = Range(outDType);
        var r = new double[xs.Length];
        for (long i = 0; i < xs.Length; i++)
        {
            // float32 division as ORT (MlasQuantizeLinear), then round half to even.
            var q = Math.Round((double)(xs[i] / sc[si(i)]), MidpointRounding.ToEven) + z[zi(i)];
            r[i] = double.IsNaN(q) ? 0 : Math.Clamp(q, lo, hi);
        }
        return FromDouble(outDType, [.. x.Shape], r);
    }

    /// <summary>(x − zp) · scale in float32.</summary>
    public static Tensor Dequantize(Tensor x, Tensor scale, Tensor? zp, long axis, DataType? outDType = null)
    {
        const string op = "dequantize";
        var ax = x.Rank == 0 ? 0 : Axis(op, axis, x.Rank);
        var xs = ToLong(x);
        var sc = ToFloat(scale);
        var z = zp is null ? [0L] : ToLong(zp);
        var si = ParamIndex(x, scale, ax, op);
        Func<long, long> zi = zp is null ? _ => 0 : ParamIndex(x, zp, ax, op);
        var r = new float[xs.Length];
        for (long i = 0; i < xs.Length; i++) r[i] = (float)(xs[i] - z[zi(i)]) * sc[si(i)];
        return FromFloat(outDType ?? DataType.Float32, [.. x.Shape], r);
    }

    /// <summary>
    /// round((x − in_zp) · in_scale / out_scale) + out_zp, saturated to <paramref name="outDType"/>; the multiplier is computed in
    /// double (TVM computes it in fixed point: the two agree except where the product lies within 2⁻³¹ of a half).
    /// </summary>
    public static Tensor Requantize(Tensor x, Tensor inScale, Tensor inZp, Tensor outScale, Tensor outZp, long axis, QuantRounding rounding, DataType outDType)
    {
        const string op = "requantize";
        var ax = x.Rank == 0 ? 0 : Axis(op, axis, x.Rank);
        var xs = ToLong(x);
        double[] isc = ToDouble(inScale), osc = ToDouble(outScale);
        long[] iz = ToLong(inZp), oz = ToLong(outZp);
        Func<long, long> ii = ParamIndex(x, inScale, ax, op), oi = ParamIndex(x, outScale, ax, op), izi = ParamIndex(x, inZp, ax, op), ozi = ParamIndex(x, outZp, ax, op);
        var (lo, hi) = Range(outDType);
        var r = new double[xs.Length];
        for (long i = 0; i < xs.Length; i++)
        {
            var v = (xs[i] - iz[izi(i)]) * (isc[ii(i)] / osc[oi(i)]);
            r[i] = Math.Clamp(Round(v, rounding) + oz[ozi(i)], lo, hi);
        }
        return FromDouble(outDType, [.. x.Shape], r);
    }

    public static double Round(double v, QuantRounding rounding) => rounding switch
    {
        QuantRounding.HalfToEven => Math.Round(v, MidpointRounding.ToEven),
        QuantRounding.AwayFromZero => Math.Round(v, MidpointRounding.AwayFromZero),
        _ => Math.Floor(v + 0.5),
    };

    /// <summary>int32(x) − zp, the zero point a scalar or a vector along <paramref name="axis"/> (the operand of an integer conv/matmul).</summary>
    public static Tensor Shift(Tensor x, Tensor? zp, long axis)
    {
        const string op = "zero_point_shift";
        var xs = ToLong(x);
        if (zp is null) return FromLong(DataType.Int32, [.. x.Shape], xs);
        var ax = x.Rank == 0 ? 0 : Axis(op, axis, x.Rank);
        var z = ToLong(zp);
        var zi = ParamIndex(x, zp, ax, op);
        for (long i = 0; i < xs.Length; i++) xs[i] -= z[zi(i)];
        return FromLong(DataType.Int32, [.. x.Shape], xs);
    }
}


namespace Bridge.Compat.Check;

/// <summary>NaN and infinity counts of one output (reported per output by <c>check</c>, kept in the JSON report).</summary>
public sealed record SpecialValues(long NaN, long PosInf, long NegInf)
{
    public long Inf => PosInf + NegInf;
    public bool Any => NaN + Inf > 0;

    public static SpecialValues Of(Tensor t)
    {
        if (!t.DType.IsFloat) return new(0, 0, 0);
        long nan = 0, pos = 0, neg = 0;
        for (long i = 0; i < t.Length; i++)
        {
            var v = t.GetDouble(i);
            if (double.IsNaN(v)) nan++;
            else if (double.IsPositiveInfinity(v)) pos++;
            else if (double.IsNegativeInfinity(v)) neg++;
        }
        return new(nan, pos, neg);
    }

    public override string ToString() => $"{NaN} NaN, {PosInf} +Inf, {NegInf} -Inf";
}

/// <summary>
/// How one output of a path is compared with the reference's (docs/check.md "Verdicts").
/// <list type="number">
/// <item>The pair's tolerances (<see cref="Tolerances"/>): strict between Bridge paths, framework (allclose) against a source runtime.
/// NaN where the reference has NaN is equal unless <c>--nan-mismatch</c>.</item>
/// <item>Against a source runtime (ONNX Runtime, PyTorch) under the <c>auto</c> policy with no <c>--atol</c>, a float output that fails
/// that rule is compared once more with the absolute tolerance raised to <c>k · scale</c>, scale = the largest finite |reference|
/// of the output and k = 1e-4 (float32), 1e-2 (float16), 5e-2 (bfloat16), 1e-9 (float64): rounding noise accumulated deep in a
/// network is small next to the output's scale, a wrong op is not. The diff keeps both results (<see cref="OutputDiff.Strict"/>).</item>
/// <item>A model that computes in float16/bfloat16 inside (fp16 weights or casts) is compared against a source runtime with the
/// tolerances of that lower precision even where its outputs are float32: ORT rounds its fp16 intermediates where Bridge's
/// reference kernels may keep more bits.</item>
/// </list>
/// </summary>
public static class OutputComparison
{
    /// <summary>The scale-rule factor k of a float dtype, or null for non-float outputs.</summary>
    public static double? ScaleFactor(DataType dtype) =>
        dtype == DataType.Float32 ? 1e-4 : dtype == DataType.Float16 ? 1e-2 : dtype == DataType.BFloat16 ? 5e-2 : dtype == DataType.Float64 ? 1e-9 : null;

    /// <summary>The largest finite |value| of a tensor (0 when it has none).</summary>
    public static double Scale(Tensor t)
    {
        double m = 0;
        for (long i = 0; i < t.Length; i++)
        {
            var v = Math.Abs(t.GetDouble(i));
            if (double.IsFinite(v) && v > m) m = v;
        }
        return m;
    }

    /// <summary>The dtype whose tolerances a float output gets: the output's, or the model's lower internal precision.</summary>
    public static DataType ToleranceDType(DataType output, DataType? internalFloat) =>
        output.IsFloat && internalFloat is { } f && Bits(f) < Bits(output) ? f : output;

    private static int Bits(DataType d) => d == DataType.Float16 || d == DataType.BFloat16 ? 16 : d == DataType.Float32 ? 32 : 64;

    /// <summary>Compares one output (<paramref name="expected"/> from <paramref name="reference"/>) under <paramref name="tol"/> and the scale rule.</summary>
    /// <remarks><paramref name="toleranceDType"/> picks the scale factor (default: the output's dtype; see <see cref="ToleranceDType"/>).</remarks>
    public static OutputDiff Diff(string reference, string actualPath, string output, Tensor actual, Tensor expected, CompareOptions tol, CheckOptions o,
        DataType? toleranceDType = null)
    {
        var c = TensorCompare.Compare(actual, expected, tol);
        if (c.Passed || c.ShapeMismatch || o.Atol is not null || o.Policy != TolerancePolicy.Auto
            || !(Tolerances.IsSourceRuntime(reference) || Tolerances.IsSourceRuntime(actualPath))
            || ScaleFactor(toleranceDType ?? expected.DType) is not { } k)
            return new OutputDiff(reference, actualPath, output, c);
        var scale = Scale(expected);
        var atol = k * scale;
        if (atol <= tol.Atol) return new OutputDiff(reference, actualPath, output, c);
        var scaled = TensorCompare.Compare(actual, expected, tol with { Atol = atol });
        return new OutputDiff(reference, actualPath, output, scaled) { Strict = c, Scale = scale };
    }

    /// <summary>One line on the scale rule for a diff that used it, or null.</summary>
    public static string? Explain(OutputDiff d) => d.Strict is not { } strict || d.Scale is not { } scale ? null
        : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"scale rule: atol raised to {d.Result.Options.Atol:G3} = k x scale {scale:G6}; under the pair's own tolerance {strict.Mismatches}/{strict.Elements} " +
            $"mismatched (max abs {strict.MaxAbsError:G6}, mean abs {strict.MeanAbsError:G3}, mean rel {strict.MeanRelError:G3})");
}

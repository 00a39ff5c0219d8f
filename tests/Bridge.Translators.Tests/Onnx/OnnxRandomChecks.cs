using System.Text;
using System.Text.Json;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// The declared distribution of a random single-op case (cases.json <c>"random"</c>, gen_single_ops.py section "random"):
/// uniform (low, high), normal (mean, scale), bernoulli (per-row probability) or multinomial (per-row class probabilities).
/// </summary>
public sealed record RandomSpec(string Kind, double A, double B, double[][] Rows)
{
    /// <summary>
    /// The distribution ONNX Runtime's sample is checked against when it departs from the spec (a known ORT issue, with the
    /// reason in <see cref="OrtWhy"/>); null when ORT follows the spec.
    /// </summary>
    public RandomSpec? Ort { get; init; }
    public string? OrtWhy { get; init; }

    public static RandomSpec Parse(JsonElement e)
    {
        var spec = ParseOne(e, e.GetProperty("kind").GetString()!);
        if (!e.TryGetProperty("ort", out var o)) return spec;
        return spec with { Ort = ParseOne(o, spec.Kind), OrtWhy = o.GetProperty("why").GetString() };
    }

    private static RandomSpec ParseOne(JsonElement e, string kind)
    {
        double Get(string name) => e.TryGetProperty(name, out var v) ? v.GetDouble() : throw new FormatException($"random spec '{kind}' lacks '{name}'");
        return kind switch
        {
            "uniform" => new(kind, Get("low"), Get("high"), []),
            "normal" => new(kind, Get("mean"), Get("scale"), []),
            "bernoulli" => new(kind, 0, 0, [.. e.GetProperty("rows").EnumerateArray().Select(r => new[] { r.GetDouble() })]),
            "multinomial" => new(kind, 0, 0, [.. e.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray())]),
            _ => throw new FormatException($"unknown random kind '{kind}'"),
        };
    }
}

/// <summary>
/// Checks a random op's output against its declared distribution: 5-sigma bounds on the sample mean and variance (uniform,
/// normal), exact values where the distribution is degenerate (Bernoulli p = 0 / 1, a multinomial class of probability 0 / 1),
/// per-row frequencies within 5 sigma otherwise. Returns the list of violations (empty when the sample fits).
/// </summary>
public static class OnnxRandomChecks
{
    public static string Check(RandomSpec s, Tensor t)
    {
        var sb = new StringBuilder();
        var n = t.Length;
        if (n == 0) return "empty output";
        switch (s.Kind)
        {
            case "uniform":
            {
                var xs = t.ToDoubleArray();
                var (lo, hi) = (s.A, s.B);
                // float32: the bounds as float32, and high itself allowed: low + u·(high − low) rounds to high for u just
                // below 1 (TVM's topi formula and ONNX Runtime's std::uniform_real_distribution<float> both reach it).
                var closed = t.DType == DataType.Float32;
                if (closed) { lo = (float)lo; hi = (float)hi; }
                var outside = xs.Count(x => !(x >= lo && (x < hi || closed && x == hi)));
                if (outside > 0) sb.Append($"{outside} values outside [{lo}, {hi}) (min {xs.Min()}, max {xs.Max()}); ");
                var w = s.B - s.A;
                Moments(sb, xs, (s.A + s.B) / 2, w * w / 12, Math.Pow(w, 4) / 80);
                break;
            }
            case "normal":
            {
                var xs = t.ToDoubleArray();
                if (xs.Any(x => !double.IsFinite(x))) sb.Append("non-finite values; ");
                var v = s.B * s.B;
                Moments(sb, xs, s.A, v, 3 * v * v);
                break;
            }
            case "bernoulli":
            {
                var xs = t.ToDoubleArray();
                var rows = s.Rows.Length;
                if (t.Shape.Length == 0 || t.Shape[0] != rows) { sb.Append($"expected {rows} rows along axis 0, got shape [{string.Join(", ", t.Shape)}]; "); break; }
                var per = n / rows;
                for (var r = 0; r < rows; r++)
                {
                    var row = xs.Skip((int)(r * per)).Take((int)per).ToArray();
                    if (row.Any(x => x is not (0 or 1))) { sb.Append($"row {r}: values other than 0/1; "); continue; }
                    var p = s.Rows[r][0];
                    Frequency(sb, $"row {r}", row.Count(x => x == 1), row.Length, p);
                }
                break;
            }
            case "multinomial":
            {
                var rows = s.Rows.Length;
                if (t.Shape.Length != 2 || t.Shape[0] != rows) { sb.Append($"expected [{rows}, samples], got shape [{string.Join(", ", t.Shape)}]; "); break; }
                var per = (int)t.Shape[1];
                for (var r = 0; r < rows; r++)
                {
                    var probs = s.Rows[r];
                    var counts = new long[probs.Length];
                    for (var k = 0; k < per; k++)
                    {
                        var idx = t.GetInt64((long)r * per + k);
                        if (idx < 0 || idx >= probs.Length) { sb.Append($"row {r}: index {idx} out of [0, {probs.Length}); "); break; }
                        counts[idx]++;
                    }
                    for (var c = 0; c < probs.Length; c++) Frequency(sb, $"row {r} class {c}", counts[c], per, probs[c]);
                }
                break;
            }
            default:
                sb.Append($"unknown kind {s.Kind}");
                break;
        }
        return sb.ToString();
    }

    /// <summary>Sample mean within 5σ/√n of <paramref name="mean"/>, sample variance within 5·sqrt((μ4 − σ⁴)/n) of <paramref name="variance"/>.</summary>
    private static void Moments(StringBuilder sb, double[] xs, double mean, double variance, double mu4)
    {
        var n = xs.Length;
        var m = xs.Average();
        var v = xs.Sum(x => (x - m) * (x - m)) / (n - 1);
        var mTol = 5 * Math.Sqrt(variance / n);
        var vTol = 5 * Math.Sqrt((mu4 - variance * variance) / n);
        if (Math.Abs(m - mean) > mTol) sb.Append($"mean {m} not within {mTol} of {mean}; ");
        if (Math.Abs(v - variance) > vTol) sb.Append($"variance {v} not within {vTol} of {variance}; ");
    }

    private static void Frequency(StringBuilder sb, string what, long hits, long total, double p)
    {
        if (p == 0 && hits != 0) sb.Append($"{what}: probability 0 but drawn {hits} times; ");
        else if (p == 1 && hits != total) sb.Append($"{what}: probability 1 but drawn {hits} of {total} times; ");
        else if (p is > 0 and < 1)
        {
            var f = (double)hits / total;
            var tol = 5 * Math.Sqrt(p * (1 - p) / total);
            if (Math.Abs(f - p) > tol) sb.Append($"{what}: frequency {f} not within {tol} of {p}; ");
        }
    }
}

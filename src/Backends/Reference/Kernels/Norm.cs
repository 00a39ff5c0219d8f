using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>
/// Normalisations. Statistics are computed in double with a two-pass mean/variance (biased variance, as the ops define it) and the
/// result is rounded once to the input dtype.
/// </summary>
public static class Norm
{
    /// <summary>Inference batch norm along <paramref name="axis"/>: (x − mean)/√(var + eps)·γ + β (γ, β optional via center/scale).</summary>
    public static Tensor BatchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance, long axis = 1, double eps = 1e-5, bool center = true, bool scale = true)
    {
        const string op = "batch_norm";
        var a = Axis(op, axis, x.Rank);
        var c = x.Shape[a];
        foreach (var (t, nm) in new[] { (gamma, "gamma"), (beta, "beta"), (mean, "moving_mean"), (variance, "moving_var") })
            if (t.Length != c) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"{nm} {Fmt(t.Shape)} does not match {c} channels of {Fmt(x.Shape)} (axis {a})");
        var (g, b, m, v) = (ToDouble(gamma), ToDouble(beta), ToDouble(mean), ToDouble(variance));
        if (x.DType == DataType.Float32)
        {
            // float32: (x − mean)·s + β per channel with s = γ/√(var+eps) folded in double; vectorized, no staging copies.
            var cm = new float[c];
            var cs = new float[c];
            var cb = new float[c];
            for (var ch = 0; ch < c; ch++)
            {
                cm[ch] = (float)m[ch];
                cs[ch] = (float)((scale ? g[ch] : 1) / Math.Sqrt(v[ch] + eps));
                cb[ch] = center ? (float)b[ch] : 0f;
            }
            return FastFloat32.ChannelAffine(x, a, cm, cs, cb);
        }
        var d = ToDouble(x);
        var inner = Product(x.Shape.AsSpan()[(a + 1)..]);
        for (long i = 0; i < d.Length; i++)
        {
            var ch = i / inner % c;
            var y = (d[i] - m[ch]) / Math.Sqrt(v[ch] + eps);
            if (scale) y *= g[ch];
            if (center) y += b[ch];
            d[i] = y;
        }
        return FromDouble(x.DType, [.. x.Shape], d);
    }

    /// <summary>Layer norm over <paramref name="axes"/>; γ and β (optional) have the shape of those axes in order.</summary>
    public static Tensor LayerNorm(Tensor x, Tensor? gamma, Tensor? beta, long[] axes, double eps = 1e-5)
    {
        const string op = "layer_norm";
        var ax = Axes(op, axes, x.Rank);
        var len = Product(ax.Select(i => x.Shape[i]).ToArray());
        if (gamma is not null && gamma.Length != len) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"gamma {Fmt(gamma.Shape)} does not match the normalised dims of {Fmt(x.Shape)}");
        if (beta is not null && beta.Length != len) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"beta {Fmt(beta.Shape)} does not match the normalised dims of {Fmt(x.Shape)}");
        var g = gamma is null ? null : ToDouble(gamma);
        var b = beta is null ? null : ToDouble(beta);
        return Normalize(op, x, ax, eps, rms: false, (j, _) => g?[j] ?? 1, (j, _) => b?[j] ?? 0);
    }

    /// <summary>RMS norm over <paramref name="axes"/>: x / √(mean(x²) + eps) · weight (weight shaped like the normalised dims).</summary>
    public static Tensor RmsNorm(Tensor x, Tensor? weight, long[] axes, double eps = 1e-5)
    {
        const string op = "rms_norm";
        var ax = Axes(op, axes, x.Rank);
        var len = Product(ax.Select(i => x.Shape[i]).ToArray());
        if (weight is not null && weight.Length != len) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"weight {Fmt(weight.Shape)} does not match the normalised dims of {Fmt(x.Shape)}");
        var w = weight is null ? null : ToDouble(weight);
        return Normalize(op, x, ax, eps, rms: true, (j, _) => w?[j] ?? 1, (_, _) => 0);
    }

    /// <summary>
    /// Group norm: channels (along <paramref name="channelAxis"/>) split into <paramref name="groups"/> groups; statistics over each
    /// group and all remaining non-batch axes (axis 0 is the batch); per-channel γ, β.
    /// </summary>
    public static Tensor GroupNorm(Tensor x, Tensor? gamma, Tensor? beta, int groups, long channelAxis = 1, double eps = 1e-5)
    {
        const string op = "group_norm";
        var ca = Axis(op, channelAxis, x.Rank);
        var c = x.Shape[ca];
        if (groups < 1 || c % groups != 0) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"{c} channels of {Fmt(x.Shape)} do not divide into {groups} groups");
        if (gamma is not null && gamma.Length != c || beta is not null && beta.Length != c)
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"gamma/beta must have {c} elements");
        // View as (..., G, C/G, ...) and normalise over C/G plus every axis except batch (0) and G.
        var shape = x.Shape.Take(ca).Append(groups).Append(c / groups).Concat(x.Shape.Skip(ca + 1)).ToArray();
        var xv = x.Reshape(shape);
        var axes = Enumerable.Range(1, shape.Length - 1).Where(i => i != ca).Select(i => (long)i).ToArray();
        if (ca == 0) axes = Enumerable.Range(2, shape.Length - 2).Select(i => (long)i).ToArray();
        var g = gamma is null ? null : ToDouble(gamma);
        var b = beta is null ? null : ToDouble(beta);
        var inner = Product(x.Shape.AsSpan()[(ca + 1)..]);
        var y = Normalize(op, xv, Axes(op, axes, shape.Length), eps, rms: false, (_, flat) => g?[flat / inner % c] ?? 1, (_, flat) => b?[flat / inner % c] ?? 0);
        return y.Reshape([.. x.Shape]);
    }

    /// <summary>Instance norm: per (batch, channel) statistics over the spatial axes; per-channel γ, β.</summary>
    public static Tensor InstanceNorm(Tensor x, Tensor? gamma, Tensor? beta, long channelAxis = 1, double eps = 1e-5) =>
        GroupNorm(x, gamma, beta, (int)x.Shape[Axis("instance_norm", channelAxis, x.Rank)], channelAxis, eps);

    /// <summary>L2 normalise over <paramref name="axes"/>: x / √max(Σx², eps) (TVM).</summary>
    public static Tensor L2Normalize(Tensor x, double eps, long[]? axes)
    {
        const string op = "l2_normalize";
        var ax = Axes(op, axes, x.Rank);
        var (outer, inner) = Groups(x, ax);
        var d = ToDouble(x);
        var r = new double[d.Length];
        foreach (var o in outer)
        {
            double ss = 0;
            foreach (var j in inner) ss += d[o + j] * d[o + j];
            var den = Math.Sqrt(Math.Max(ss, eps));
            foreach (var j in inner) r[o + j] = d[o + j] / den;
        }
        return FromDouble(x.DType, [.. x.Shape], r);
    }

    /// <summary>Local response norm across <paramref name="axis"/>: x / (bias + α/size · Σ_window x²)^β, window [c − size/2, c + (size−1)/2] (TVM).</summary>
    public static Tensor Lrn(Tensor x, int size, long axis = 1, double bias = 2, double alpha = 1e-4, double beta = 0.75)
    {
        const string op = "lrn";
        var a = Axis(op, axis, x.Rank);
        var c = x.Shape[a];
        var inner = Product(x.Shape.AsSpan()[(a + 1)..]);
        var d = ToDouble(x);
        var r = new double[d.Length];
        for (long i = 0; i < d.Length; i++)
        {
            var ch = i / inner % c;
            double ss = 0;
            for (var k = ch - size / 2; k <= ch + (size - 1) / 2; k++)
                if (k >= 0 && k < c) { var v = d[i + (k - ch) * inner]; ss += v * v; }
            r[i] = d[i] / Math.Pow(bias + alpha / size * ss, beta);
        }
        return FromDouble(x.DType, [.. x.Shape], r);
    }

    private static (long[] Outer, long[] Inner) Groups(Tensor x, int[] axes)
    {
        var st = StridesOf(x.Shape.AsSpan());
        var red = new bool[x.Rank];
        foreach (var a in axes) red[a] = true;
        var keep = Enumerable.Range(0, x.Rank).Where(i => !red[i]).ToArray();
        var outer = OffsetsOf(keep.Select(i => x.Shape[i]).ToArray(), keep.Select(i => st[i]).ToArray());
        var inner = OffsetsOf(axes.Select(i => x.Shape[i]).ToArray(), axes.Select(i => st[i]).ToArray());
        return (outer, inner);
    }

    // gamma/beta are looked up by (index within the normalised group, flat element index).
    private static Tensor Normalize(string op, Tensor x, int[] axes, double eps, bool rms, Func<long, long, double> gamma, Func<long, long, double> beta)
    {
        if (!x.DType.IsFloat) throw Fail(KernelDiagnosticIds.UnsupportedDType, op, $"not defined for {x.DType}");
        var (outer, inner) = Groups(x, axes);
        var d = ToDouble(x);
        var r = new double[d.Length];
        var n = inner.Length;
        foreach (var o in outer)
        {
            double mean = 0;
            if (!rms)
            {
                foreach (var j in inner) mean += d[o + j];
                mean /= n;
            }
            double ss = 0;
            foreach (var j in inner) { var e = d[o + j] - mean; ss += e * e; }
            var inv = 1 / Math.Sqrt(ss / n + eps);
            for (var k = 0; k < n; k++)
            {
                var f = o + inner[k];
                r[f] = (d[f] - mean) * inv * gamma(k, f) + beta(k, f);
            }
        }
        return FromDouble(x.DType, [.. x.Shape], r);
    }
}

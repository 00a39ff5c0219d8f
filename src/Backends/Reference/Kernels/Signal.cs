using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>Relay dft and stft, as TVM's topi/signal.py computes them (direct sums, no FFT), accumulated in double.</summary>
public static class Signal
{
    /// <summary>
    /// DFT along the last axis of the complex signal (<paramref name="re"/>, <paramref name="im"/>): X[n] = Σ_k x[k]·e^(∓2πi·nk/N),
    /// minus sign forward; <paramref name="inverse"/> uses the plus sign and scales by 1/N. Outputs keep the input shapes and dtypes.
    /// </summary>
    public static (Tensor Re, Tensor Im) Dft(Tensor re, Tensor im, bool inverse)
    {
        const string op = "dft";
        if (!re.Shape.SequenceEqual(im.Shape)) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"re_data {Fmt(re.Shape)} and im_data {Fmt(im.Shape)} differ");
        if (re.Rank < 1) throw Fail(KernelDiagnosticIds.RankMismatch, op, "the signal must have rank >= 1");
        var n = re.Shape[^1];
        var rows = n == 0 ? 0 : re.Length / n;
        var xr = ToDouble(re);
        var xi = ToDouble(im);
        var yr = new double[xr.Length];
        var yi = new double[xr.Length];
        var sign = inverse ? 1.0 : -1.0;
        var factor = inverse ? 1.0 / n : 1.0;
        // Twiddles by (n·k) mod N: one table of N angles keeps them small (accurate for long signals) and the loop trig-free.
        var (cos, sin) = Twiddles(n, sign);
        for (long r = 0; r < rows; r++)
        {
            var b = r * n;
            for (long f = 0; f < n; f++)
            {
                double sr = 0, si = 0;
                for (long k = 0; k < n; k++)
                {
                    var m = f * k % n;
                    double c = cos[m], s = sin[m];
                    sr += xr[b + k] * c - xi[b + k] * s;
                    si += xr[b + k] * s + xi[b + k] * c;
                }
                yr[b + f] = sr * factor;
                yi[b + f] = si * factor;
            }
        }
        return (FromDouble(re.DType, [.. re.Shape], yr), FromDouble(im.DType, [.. im.Shape], yi));
    }

    /// <summary>
    /// STFT of a [L] or [batch, L] signal (topi.stft): frames = (L − n_fft) / hop + 1 (no centering/padding);
    /// out[.., f, t, 0] = Σ_{w &lt; win_length} window[w]·x[t·hop + w]·cos(2π·f·w / win_length) and out[.., f, t, 1] the negated sine
    /// sum (TVM's angle uses win_length, not n_fft). f runs over n_fft/2 + 1 rows when <paramref name="onesided"/>, else n_fft;
    /// <paramref name="normalized"/> divides by √n_fft. Output [batch?, rows, frames, 2] in the data dtype.
    /// </summary>
    public static Tensor Stft(Tensor data, Tensor window, long nFft, long hopLength, long winLength, bool normalized, bool onesided)
    {
        const string op = "stft";
        if (data.Rank is not (1 or 2)) throw Fail(KernelDiagnosticIds.RankMismatch, op, $"data must be [L] or [batch, L], got {Fmt(data.Shape)}");
        RequireRank(op, "window", window, 1);
        if (nFft < 1 || hopLength < 1 || winLength < 1)
            throw Fail(KernelDiagnosticIds.BadParameter, op, $"n_fft ({nFft}), hop_length ({hopLength}) and win_length ({winLength}) must be positive");
        var len = data.Shape[^1];
        var batch = data.Rank == 2 ? data.Shape[0] : 1;
        if (len < nFft) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"signal length {len} is shorter than n_fft {nFft}");
        if (window.Length < winLength) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"window {Fmt(window.Shape)} is shorter than win_length {winLength}");
        var rows = onesided ? nFft / 2 + 1 : nFft;
        var frames = (len - nFft) / hopLength + 1;
        if ((frames - 1) * hopLength + winLength > len)
            throw Fail(KernelDiagnosticIds.BadParameter, op, $"win_length {winLength} reads past the end of a {len}-sample signal");
        var x = ToDouble(data);
        var win = ToDouble(window);
        var o = new double[batch * rows * frames * 2];
        var scale = normalized ? 1 / Math.Sqrt(nFft) : 1.0;
        var (cos, sin) = Twiddles(winLength, 1);
        for (long b = 0; b < batch; b++)
            for (long f = 0; f < rows; f++)
                for (long t = 0; t < frames; t++)
                {
                    double re = 0, im = 0;
                    for (long w = 0; w < winLength; w++)
                    {
                        var v = win[w] * x[b * len + t * hopLength + w];
                        var m = f * w % winLength;
                        re += v * cos[m];
                        im -= v * sin[m];
                    }
                    var at = ((b * rows + f) * frames + t) * 2;
                    o[at] = re * scale;
                    o[at + 1] = im * scale;
                }
        long[] shape = data.Rank == 2 ? [batch, rows, frames, 2] : [rows, frames, 2];
        return FromDouble(data.DType, shape, o);
    }

    /// <summary>cos and sin of sign·2π·m/n for m in [0, n).</summary>
    private static (double[] Cos, double[] Sin) Twiddles(long n, double sign)
    {
        var c = new double[n];
        var s = new double[n];
        for (long m = 0; m < n; m++)
        {
            var a = sign * 2 * Math.PI * m / n;
            c[m] = Math.Cos(a);
            s[m] = Math.Sin(a);
        }
        return (c, s);
    }
}

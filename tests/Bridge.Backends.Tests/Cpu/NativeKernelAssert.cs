using Bridge.Backends.Cpu;
using Bridge.Backends.Reference;

namespace Bridge.Backends.Tests.Cpu;

/// <summary>Inputs, the epilogue computed independently in double, and tolerance checks for the C kernel tests.</summary>
internal static class NativeKernelAssert
{
    public static float[] Random(long n, int seed, float lo = -1, float hi = 1)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (var i = 0; i < n; i++) a[i] = lo + (float)r.NextDouble() * (hi - lo);
        return a;
    }

    /// <summary>The activation in double, written from its definition (not from the kernel library).</summary>
    public static double Act(NativeActivation act, double v, float lo, float hi) => act switch
    {
        NativeActivation.Relu => Math.Max(v, 0),
        NativeActivation.Clip => Math.Min(Math.Max(v, lo), hi),
        NativeActivation.Sigmoid => 1 / (1 + Math.Exp(-v)),
        NativeActivation.Silu => v / (1 + Math.Exp(-v)),
        NativeActivation.GeluErf => 0.5 * v * (1 + SpecialFunctions.Erf(v / Math.Sqrt(2))),
        NativeActivation.GeluTanh => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))),
        NativeActivation.Tanh => Math.Tanh(v),
        _ => v,
    };

    /// <summary>Applies <paramref name="ep"/> to a plain result; <paramref name="channelOf"/> maps an output index to its scale/bias index.</summary>
    public static float[] ApplyEpilogue(float[] acc, NativeEpilogue? ep, Func<long, long> channelOf)
    {
        if (ep is null) return acc;
        var r = new float[acc.Length];
        for (long i = 0; i < acc.Length; i++)
        {
            double v = acc[i];
            var c = channelOf(i);
            if (ep.Scale is { } s) v *= s[c];
            if (ep.Bias is { } b) v += b[c];
            if (ep.Residual is { } res) v += res[i];
            r[i] = (float)Act(ep.Act, v, ep.ClipLo, ep.ClipHi);
        }
        return r;
    }

    /// <summary>|actual − expected| ≤ atol + rtol·|expected| everywhere (NaN only where expected is NaN); names the first bad index.</summary>
    public static void Close(float[] actual, float[] expected, double atol, double rtol, string what, Func<long, bool>? check = null)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        for (long i = 0; i < expected.Length; i++)
        {
            if (check is not null && !check(i)) continue;
            double a = actual[i], e = expected[i];
            if (double.IsNaN(e) || double.IsNaN(a))
            {
                Assert.That(double.IsNaN(a), Is.EqualTo(double.IsNaN(e)), $"{what}: [{i}] = {a}, expected {e}");
                continue;
            }
            if (a == e) continue;
            Assert.That(Math.Abs(a - e), Is.LessThanOrEqualTo(atol + rtol * Math.Abs(e)), $"{what}: [{i}] = {a}, expected {e}");
        }
    }

    public static readonly NativeActivation[] AllActivations = Enum.GetValues<NativeActivation>();
}

using Bridge.Backends.Cpu;
using Bridge.Backends.Reference;

namespace Bridge.Backends.Tests.Cpu;

/// <summary>
/// brg_vexp / brg_vtanh / brg_verf against double-precision Math.Exp / Math.Tanh / the reference erf, measured in ulps of
/// the float32 result over a dense sweep plus special values. Bounds (measured worst: exp 1.24, tanh 1.33, erf 2.43 ulp):
/// exp and tanh ≤ 2 ulp, erf ≤ 3 ulp (its |x| &lt; 1 branch is a least-squares polynomial in float arithmetic). Lengths
/// that are not multiples of 8 exercise the tail path.
/// </summary>
[TestFixture]
public sealed class NativeVectorMathTests
{
    private static double Ulps(float actual, double expected)
    {
        if (double.IsNaN(expected)) return float.IsNaN(actual) ? 0 : double.PositiveInfinity;
        var e = (float)expected;
        if (float.IsInfinity(e) || float.IsInfinity(actual)) return actual == e ? 0 : double.PositiveInfinity;
        if (actual == e) return 0;
        var ulp = (double)MathF.BitIncrement(Math.Abs(e)) - Math.Abs(e);
        return Math.Abs(actual - expected) / ulp;
    }

    private static float[] Sweep(double lo, double hi, int n)
    {
        var x = new float[n + 11];
        for (var i = 0; i < n; i++) x[i] = (float)(lo + (hi - lo) * i / n);
        float[] special = [0f, -0f, 1e-30f, -1e-8f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 3e-4f, 0.625f, 1f, -1f];
        special.CopyTo(x, n);
        return x;
    }

    private static void Check(Action<float[], float[]> f, Func<double, double> reference, double lo, double hi, double maxUlps, string name)
    {
        var x = Sweep(lo, hi, 200_001);
        var y = new float[x.Length];
        f(x, y);
        for (var i = 0; i < x.Length; i++)
        {
            var u = Ulps(y[i], reference(x[i]));
            Assert.That(u, Is.LessThanOrEqualTo(maxUlps), $"{name}({x[i]:R}) = {y[i]:R}, expected {reference(x[i]):R}");
        }
    }

    [Test]
    public void ExpIsWithinTwoUlpsIncludingOverflowAndSubnormals() =>
        Check(NativeKernels.Exp, Math.Exp, -103.9, 88.72, 2, "exp");

    [Test]
    public void ExpOverflowsToInfinityAndUnderflowsToZero()
    {
        var y = new float[3];
        NativeKernels.Exp([89f, -120f, 88.72f], y);
        Assert.That(y[0], Is.EqualTo(float.PositiveInfinity));
        Assert.That(y[1], Is.EqualTo(0f));
        Assert.That(float.IsFinite(y[2]), Is.True);
    }

    [Test]
    public void TanhIsWithinTwoUlps() => Check(NativeKernels.Tanh, Math.Tanh, -12, 12, 2, "tanh");

    [Test]
    public void ErfIsWithinThreeUlps() => Check(NativeKernels.Erf, SpecialFunctions.Erf, -10, 10, 3, "erf");
}

using Bridge.Backends.Cpu;
using Bridge.Backends.Reference;
using static Bridge.Backends.Tests.Cpu.NativeKernelAssert;

namespace Bridge.Backends.Tests.Cpu;

/// <summary>
/// brg_conv2d against the reference <see cref="Conv.Forward"/> (NCHW/OIHW) on odd shapes covering every algorithm (the
/// name brg_conv2d_algorithm reports is asserted), groups, dilation, asymmetric pads and strides; every case runs with no
/// epilogue and with scale + bias + residual and an activation. Tolerance as for GEMM: float32 sums over K = C/g·KH·KW
/// in different orders (Winograd adds its transforms' rounding: a few ulp of the input magnitude per term).
/// </summary>
[TestFixture]
public sealed class NativeConvTests
{
    public sealed record Case(string Name, string Algorithm, NativeConv2dParams P)
    {
        public override string ToString() => Name;
    }

    private static Case C(string name, string alg, long n, long c, long h, long w, long oc, long kh, long kw, long sh, long sw,
        long pt, long pl, long pb, long pr, long dh, long dw, long g) =>
        new(name, alg, NativeConv2dParams.Create(n, c, h, w, oc, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, g));

    public static IEnumerable<Case> Cases() =>
    [
        C("3x3 pad1 odd sizes", "im2col", 2, 3, 13, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        C("grouped strided dilated asymmetric pads", "im2col", 1, 8, 9, 10, 12, 3, 3, 2, 2, 0, 1, 2, 1, 2, 2, 4),
        C("1x1", "1x1", 2, 16, 7, 9, 10, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1),
        C("1x1 grouped", "1x1", 1, 12, 5, 6, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 3),
        C("1x1 stride 2", "im2col", 1, 16, 9, 9, 20, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1),
        C("7x7 stride 2 stem", "im2col", 1, 3, 23, 21, 8, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1),
        C("1x7 and stride (1,2)", "im2col", 1, 5, 8, 17, 7, 1, 7, 1, 2, 0, 3, 0, 3, 1, 1, 1),
        C("K beyond one 256 block", "im2col", 1, 40, 9, 7, 30, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1),
        C("winograd K beyond one 256 block", "winograd", 1, 300, 6, 7, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        C("more rows than one 144 block", "1x1", 1, 20, 5, 5, 150, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1),
        C("pointwise odd plane and channels", "pointwise", 2, 13, 16, 17, 11, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1),
        C("pointwise grouped", "pointwise", 1, 12, 13, 11, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 3),
        C("pointwise K beyond one 256 block", "pointwise", 1, 300, 12, 12, 14, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1),
        C("depthwise 3x3", "depthwise", 2, 6, 10, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6),
        C("depthwise multiplier 2 stride 2 asymmetric 5x5", "depthwise", 1, 5, 11, 8, 10, 5, 5, 2, 2, 2, 1, 0, 2, 1, 1, 5),
        C("depthwise dilated stride 3", "depthwise", 1, 4, 14, 13, 4, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 4),
        C("depthwise wide row", "depthwise", 1, 3, 4, 40, 3, 3, 3, 1, 1, 0, 1, 2, 1, 1, 1, 3),
        C("depthwise 3x3 stride 2 on a 7x7 plane (masked tail)", "depthwise", 2, 9, 7, 7, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 9),
        C("depthwise 5x5 stride 1 rows not a multiple of 4", "depthwise", 1, 4, 14, 19, 4, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 4),
        C("depthwise 3x5 strides (2,1) dilation (1,2) asymmetric", "depthwise", 1, 3, 8, 30, 3, 3, 5, 2, 1, 1, 2, 1, 2, 1, 2, 3),
        C("depthwise 7x7 pad 3 on 1x1", "depthwise", 1, 16, 1, 1, 16, 7, 7, 1, 1, 3, 3, 3, 3, 1, 1, 16),
        C("winograd-sized 3x3", "winograd", 1, 32, 17, 15, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        C("winograd-sized 3x3 unpadded batch 2", "winograd", 2, 24, 10, 13, 16, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1),
        C("winograd-sized 3x3 asymmetric pads", "winograd", 1, 16, 9, 8, 24, 3, 3, 1, 1, 0, 1, 2, 1, 1, 1, 1),
    ];

    private static float[] Reference(NativeConv2dParams p, float[] x, float[] w)
    {
        var xt = Tensor.FromArray(x, p.N, p.C, p.H, p.W);
        var wt = Tensor.FromArray(w, p.OC, p.C / p.Groups, p.KH, p.KW);
        var y = Conv.Forward(xt, wt, new ConvParams([p.StrideH, p.StrideW], [p.PadT, p.PadL, p.PadB, p.PadR], [p.DilH, p.DilW], (int)p.Groups));
        Assert.That(y.Shape.ToArray(), Is.EqualTo(new[] { p.N, p.OC, p.OH, p.OW }), "output shape");
        return y.ReadOnlySpan<float>().ToArray();
    }

    [TestCaseSource(nameof(Cases))]
    public void ConvMatchesTheReference(Case c)
    {
        var p = c.P;
        var x = Random(p.N * p.C * p.H * p.W, 1);
        var w = Random(p.OC * (p.C / p.Groups) * p.KH * p.KW, 2);
        var expected = Reference(p, x, w);
        var packed = NativeKernels.ConvPackWeights(p, w);
        long k = p.C / p.Groups * p.KH * p.KW, plane = p.OH * p.OW;
        var tol = (c.Algorithm == "winograd" ? 1e-4 : 1e-5) * k;

        Assert.That(NativeKernels.ConvAlgorithm(p), Is.EqualTo(c.Algorithm), "algorithm");
        var y = new float[expected.Length];
        NativeKernels.Conv2d(p, x, packed, y);
        Close(y, expected, tol, 1e-5, $"{c.Name} no epilogue");

        var act = AllActivations[Math.Abs(c.Name.GetHashCode(StringComparison.Ordinal)) % AllActivations.Length];
        foreach (var a in new[] { act, NativeActivation.Relu, NativeActivation.GeluErf })
        {
            var ep = new NativeEpilogue(Random(p.OC, 3, 0.5f, 1.5f), Random(p.OC, 4), Random(expected.Length, 5), a, -0.5f, 0.5f);
            NativeKernels.Conv2d(p, x, packed, y, ep);
            Close(y, ApplyEpilogue(expected, ep, i => i / plane % p.OC), tol, 1e-5, $"{c.Name} {a}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void ForcedIm2colAgreesWithTheReferenceToo(Case c)
    {
        var p = c.P;
        var x = Random(p.N * p.C * p.H * p.W, 6);
        var w = Random(p.OC * (p.C / p.Groups) * p.KH * p.KW, 7);
        var expected = Reference(p, x, w);
        Assert.That(NativeKernels.ForceConvAlgorithm("im2col"), Is.True);
        try
        {
            Assert.That(NativeKernels.ConvAlgorithm(p), Is.EqualTo("im2col"));
            var y = new float[expected.Length];
            var ep = new NativeEpilogue(Bias: Random(p.OC, 8), Residual: Random(expected.Length, 9), Act: NativeActivation.Silu);
            NativeKernels.Conv2d(p, x, NativeKernels.ConvPackWeights(p, w), y, ep);
            Close(y, ApplyEpilogue(expected, ep, i => i / (p.OH * p.OW) % p.OC), 1e-5 * p.C / p.Groups * p.KH * p.KW, 1e-5, c.Name);
        }
        finally { NativeKernels.ForceConvAlgorithm(null); }
        Assert.That(NativeKernels.ForceConvAlgorithm("no-such"), Is.False);
    }

    [Test]
    public void ScratchAndPackedSizesAreReportedForEveryCase()
    {
        foreach (var c in Cases())
        {
            var size = NativeKernels.ConvScratchFloats(c.P);
            Assert.That(size, Is.GreaterThanOrEqualTo(0), c.Name);
            Assert.That(NativeKernels.ConvPackWeights(c.P, new float[c.P.OC * (c.P.C / c.P.Groups) * c.P.KH * c.P.KW]), Is.Not.Empty, c.Name);
        }
    }
}


namespace Bridge.Core.Tests;

public class TensorCompareTests
{
    private static Tensor F(params float[] v) => Tensor.FromArray(v, v.Length);

    [Test]
    public void Elementwise_Passes_When_Either_Tolerance_Holds()
    {
        var o = new CompareOptions { Atol = 0.1, Rtol = 0.01 };
        // |1000.5 - 1000| = 0.5 > atol, rel 5e-4 <= rtol: passes under the OR-rule.
        Assert.That(TensorCompare.Compare(F(1000.5f), F(1000f), o).Passed, Is.True);
        // |0.05 - 0| = 0.05 <= atol: passes although rel is huge.
        Assert.That(TensorCompare.Compare(F(0.05f), F(0f), o).Passed, Is.True);
        // |2 - 1| = 1 > atol and rel 1 > rtol: fails.
        var r = TensorCompare.Compare(F(0, 2, 3), F(0, 1, 3), o);
        Assert.That(r.Passed, Is.False);
        Assert.That(r.Mismatches, Is.EqualTo(1));
        Assert.That(r.FirstMismatch, Is.EqualTo(1));
        Assert.That(r.MaxAbsError, Is.EqualTo(1.0));
        Assert.That(r.MaxRelError, Is.EqualTo(1.0));
        Assert.That(r.MeanAbsError, Is.EqualTo(1.0 / 3));
        // Relative errors 0, 1, 0: the zero reference uses ε but its error is 0.
        Assert.That(r.MeanRelError, Is.EqualTo(1.0 / 3));
    }

    [Test]
    public void AllClose_Is_Additive()
    {
        var o = new CompareOptions { Atol = 0.1, Rtol = 0.1, Rule = CompareRule.AllClose };
        // |1.15 - 1| = 0.15 <= 0.1 + 0.1·1: passes additively, fails the OR-rule.
        Assert.That(TensorCompare.Compare(F(1.15f), F(1f), o).Passed, Is.True);
        Assert.That(TensorCompare.Compare(F(1.15f), F(1f), o with { Rule = CompareRule.Elementwise }).Passed, Is.False);
        Assert.That(TensorCompare.Compare(F(1.25f), F(1f), o).Passed, Is.False);
    }

    [Test]
    public void Relative_Error_Uses_Epsilon_For_Zero_Reference()
    {
        var r = TensorCompare.Compare(F(1e-3f), F(0f), new CompareOptions { Atol = 0, Rtol = 1 });
        Assert.That(r.MaxRelError, Is.EqualTo(1e-3f / 2.22e-16).Within(1e3));
        Assert.That(r.Passed, Is.False);
    }

    [Test]
    public void Nan_Fails_Unless_Both_Nan_And_EqualNan()
    {
        var nan = float.NaN;
        Assert.That(TensorCompare.Compare(F(nan), F(nan)).Passed, Is.False);
        Assert.That(TensorCompare.Compare(F(nan), F(nan), new CompareOptions { EqualNan = true }).Passed, Is.True);
        Assert.That(TensorCompare.Compare(F(nan), F(1), new CompareOptions { EqualNan = true }).Passed, Is.False);
        Assert.That(TensorCompare.Compare(F(1), F(nan), new CompareOptions { EqualNan = true }).Passed, Is.False);
        Assert.That(double.IsNaN(TensorCompare.Compare(F(nan, 1), F(1, 1)).MaxAbsError), Is.True);
    }

    [Test]
    public void Infinities()
    {
        var inf = float.PositiveInfinity;
        Assert.That(TensorCompare.Compare(F(inf, -inf), F(inf, -inf)).Passed, Is.True);
        Assert.That(TensorCompare.Compare(F(inf), F(inf), new CompareOptions { InfinitiesCompareEqual = false }).Passed, Is.False);
        Assert.That(TensorCompare.Compare(F(inf), F(-inf)).Passed, Is.False);
        var r = TensorCompare.Compare(F(inf), F(1e30f), new CompareOptions { Atol = 1e300, Rtol = 1e300 });
        Assert.That(r.Passed, Is.False);
        Assert.That(r.MaxAbsError, Is.EqualTo(double.PositiveInfinity));
    }

    [Test]
    public void Shape_And_DType_Mismatch()
    {
        var r = TensorCompare.Compare(F(1, 2, 3, 4).Reshape(2, 2), F(1, 2, 3, 4));
        Assert.That(r.ShapeMismatch, Is.True);
        Assert.That(r.Passed, Is.False);
        var d = TensorCompare.Compare(Tensor.FromArray(new double[] { 1, 2 }, 2), F(1, 2));
        Assert.That(d.DTypeMismatch, Is.True);
        Assert.That(d.Passed, Is.False);
        Assert.That(d.Mismatches, Is.Zero);
    }

    [Test]
    public void First_Mismatch_Reports_Multi_Index()
    {
        var e = F(0, 0, 0, 0, 0, 0).Reshape(2, 3);
        var a = F(0, 0, 0, 0, 0, 5).Reshape(2, 3);
        var r = TensorCompare.Compare(a, e);
        Assert.That(r.FirstMismatchIndex, Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(r.FirstActual, Is.EqualTo(5.0));
        Assert.That(r.ToString(), Does.Contain("[1, 2]"));
    }

    [Test]
    public void Per_DType_Defaults_Follow_Torch()
    {
        Assert.That(CompareOptions.For(DataType.Float16).Rtol, Is.EqualTo(1e-3));
        Assert.That(CompareOptions.For(DataType.BFloat16).Rtol, Is.EqualTo(1.6e-2));
        Assert.That(CompareOptions.For(DataType.Float32).Rtol, Is.EqualTo(1.3e-6));
        Assert.That(CompareOptions.For(DataType.Float64).Atol, Is.EqualTo(1e-7));
        // Integers are exact: off by one fails.
        var i = TensorCompare.Compare(Tensor.FromArray(new long[] { 1, 5 }, 2), Tensor.FromArray(new long[] { 1, 6 }, 2));
        Assert.That(i.Passed, Is.False);
        var b = Tensor.Zeros(DataType.Bool, 2);
        var b2 = Tensor.Zeros(DataType.Bool, 2);
        b2.SetInt64(1, 1);
        Assert.That(TensorCompare.Compare(b, b2).Mismatches, Is.EqualTo(1));
        // float16 default: 1e-3 relative passes at 1000 ± 0.5.
        Assert.That(TensorCompare.Compare(Tensor.Scalar(DataType.Float16, 1000.5), Tensor.Scalar(DataType.Float16, 1000)).Passed, Is.True);
    }
}

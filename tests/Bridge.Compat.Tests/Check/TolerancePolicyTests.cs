using Bridge.Compat.Check;

namespace Bridge.Compat.Tests.Check;

public sealed class TolerancePolicyTests
{
    // The resnet50 case: ORT 0.875174522, the reference interpreters 0.875185907 (abs 1.14e-5, rel 1.3e-5).
    private static readonly Tensor Ort = Tensor.FromArray([0.875174522f, 0.1f], 2);
    private static readonly Tensor Ours = Tensor.FromArray([0.875185907f, 0.1f], 2);

    [Test]
    public void Auto_is_strict_between_bridge_paths_and_framework_against_a_source_runtime()
    {
        var same = Tolerances.For(DataType.Float32, "relay", "relax", TolerancePolicy.Auto);
        Assert.That((same.Rule, same.Rtol, same.Atol), Is.EqualTo((CompareRule.Elementwise, 1.3e-6, 1e-5)));
        var cross = Tolerances.For(DataType.Float32, "onnxruntime", "relax", TolerancePolicy.Auto);
        Assert.That((cross.Rule, cross.Rtol, cross.Atol), Is.EqualTo((CompareRule.AllClose, 1e-5, 1e-5)));
        Assert.That(Tolerances.For(DataType.Float32, "relax", "pytorch", TolerancePolicy.Auto).Rule, Is.EqualTo(CompareRule.AllClose));
    }

    [Test]
    public void Accumulation_order_differences_of_a_deep_network_pass_framework_but_not_strict()
    {
        Assert.That(TensorCompare.Compare(Ours, Ort, Tolerances.For(DataType.Float32, "onnxruntime", "relax", TolerancePolicy.Auto)).Passed, Is.True);
        Assert.That(TensorCompare.Compare(Ours, Ort, Tolerances.For(DataType.Float32, "onnxruntime", "relax", TolerancePolicy.Strict)).Passed, Is.False);
        // Framework still catches real errors: 1e-4 off on 0.875 exceeds 1e-5 + 1e-5·0.875.
        var wrong = Tensor.FromArray([0.875274522f, 0.1f], 2);
        Assert.That(TensorCompare.Compare(wrong, Ort, Tolerances.For(DataType.Float32, "onnxruntime", "relax", TolerancePolicy.Auto)).Passed, Is.False);
    }

    [Test]
    public void Explicit_tolerances_override_the_policy_and_integers_stay_exact()
    {
        var c = Tolerances.For(DataType.Float32, "onnxruntime", "relay", TolerancePolicy.Auto, rtol: 0.5, atol: 0.25);
        Assert.That((c.Rtol, c.Atol), Is.EqualTo((0.5, 0.25)));
        var i = Tolerances.For(DataType.Int64, "onnxruntime", "relay", TolerancePolicy.Framework);
        Assert.That((i.Rtol, i.Atol), Is.EqualTo((0.0, 0.0)));
    }
}

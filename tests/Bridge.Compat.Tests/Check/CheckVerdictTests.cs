using Bridge.Compat.Check;

namespace Bridge.Compat.Tests.Check;

/// <summary>Every path is reported, NaN at the same positions is equal unless asked otherwise, and verdicts separate noise from divergence.</summary>
public sealed class CheckVerdictTests
{
    [Test]
    public void Nan_at_the_same_positions_counts_as_equal_and_nan_mismatch_makes_it_fail()
    {
        var path = CheckModels.Path("nan_sqrt");
        var r = ModelChecker.Check(path, new CheckOptions { Load = new LoadOptions { Seed = 4 } });
        Assert.That(r.Paths.Where(p => !p.Ok).Select(p => $"{p.Name}: {p.Error}"), Is.Empty);
        var nan = SpecialValues.Of(r.Paths[0].Outputs![0].Tensor);
        Assert.That(nan.NaN, Is.GreaterThan(0).And.LessThan(16), "sqrt(x - 0.5) on [0, 1) gives NaN for about half the elements");
        Assert.That(r.Agree, Is.True, string.Join("\n", r.Diffs.Select(d => d.Result)));
        var strict = ModelChecker.Check(path, new CheckOptions { Load = new LoadOptions { Seed = 4 }, NanMismatch = true });
        Assert.That(strict.Agree, Is.False);
        Assert.That(strict.Diffs.All(d => d.Result.Mismatches == nan.NaN), Is.True);
    }

    [Test]
    public void A_path_that_cannot_convert_is_a_row_and_the_others_still_run()
    {
        var r = ModelChecker.Check(CheckModels.Path("ort_only"));
        Assert.That(r.Paths.Select(p => (p.Name, p.Ok)), Is.EqualTo(new[] { ("onnxruntime", true), ("relay", false), ("relax", false) }));
        Assert.That(r.Paths.Skip(1).Select(p => p.Error!.Message), Has.All.Contain("Inverse"));
        Assert.That(r.AnyPathFailed && !r.NoPathRan, Is.True);
        Assert.That(r.Compared, Is.False);
    }

    [Test]
    public void No_path_runs_when_no_runtime_knows_the_op()
    {
        var r = ModelChecker.Check(CheckModels.Path("no_path"));
        Assert.That(r.Paths.Select(p => p.Name), Is.EqualTo(new[] { "onnxruntime", "relay", "relax" }));
        Assert.That(r.NoPathRan, Is.True);
    }

    [Test]
    public void An_fp16_internal_model_gets_fp16_tolerances_against_onnx_runtime()
    {
        var r = ModelChecker.Check(CheckModels.Path("fp16_inside"), new CheckOptions { Load = new LoadOptions { Seed = 2 } });
        Assert.That(r.InternalFloat, Is.EqualTo(DataType.Float16));
        Assert.That(r.Paths.Where(p => !p.Ok).Select(p => $"{p.Name}: {p.Error}"), Is.Empty);
        var vsOrt = r.Diffs.Where(d => d.Reference == "onnxruntime").ToList();
        Assert.That(vsOrt, Is.Not.Empty);
        Assert.That(vsOrt.Select(d => d.Result.Options.Rtol), Is.All.EqualTo(1e-3), "float16's framework tolerances, not float32's");
        Assert.That(r.Agree, Is.True, string.Join("\n", r.Diffs.Select(d => $"{d.Actual} vs {d.Reference}: {d.Result}")));
    }

    // A 24-layer tanh MLP evaluated in float64 (the reference, as a source runtime computing in another order would) and in
    // float32: the float32 result carries accumulated rounding noise only.
    private static (Tensor Reference, Tensor Noisy, Tensor Wrong) DeepNetwork()
    {
        const int width = 64, layers = 24, batch = 8;
        var rng = new Random(1234);
        var w = new double[layers][];
        for (var l = 0; l < layers; l++)
        {
            w[l] = new double[width * width];
            for (var i = 0; i < w[l].Length; i++) w[l][i] = (rng.NextDouble() * 2 - 1) * 1.5 * Math.Sqrt(3) / Math.Sqrt(width); // gain 1.5: noise grows, stays finite
        }
        var x = new double[batch * width];
        for (var i = 0; i < x.Length; i++) x[i] = rng.NextDouble() * 2 - 1;
        double[] Run(bool single, int wrongLayer)
        {
            var h = (double[])x.Clone();
            for (var l = 0; l < layers; l++)
            {
                var next = new double[batch * width];
                for (var b = 0; b < batch; b++)
                    for (var j = 0; j < width; j++)
                    {
                        if (single)
                        {
                            var acc = 0f;
                            for (var k = width - 1; k >= 0; k--) acc += (float)h[b * width + k] * (float)w[l][k * width + j];
                            next[b * width + j] = l == wrongLayer ? 1f / (1f + MathF.Exp(-acc)) : MathF.Tanh(acc);
                        }
                        else
                        {
                            var acc = 0.0;
                            for (var k = 0; k < width; k++) acc += h[b * width + k] * w[l][k * width + j];
                            next[b * width + j] = Math.Tanh(acc);
                        }
                    }
                h = next;
            }
            // A final linear layer scales the output to ~10, as logits are.
            return [.. h.Select(v => v * 10)];
        }
        Tensor T(double[] d) => Tensor.FromArray(d.Select(v => (float)v).ToArray(), batch, width);
        return (T(Run(false, -1)), T(Run(true, -1)), T(Run(true, layers - 3)));
    }

    [Test]
    public void Accumulated_fp32_noise_against_a_source_runtime_passes_by_the_scale_rule()
    {
        var (reference, noisy, _) = DeepNetwork();
        var o = new CheckOptions();
        var tol = Tolerances.For(DataType.Float32, "onnxruntime", "relax", TolerancePolicy.Auto);
        var d = OutputComparison.Diff("onnxruntime", "relax", "output0", noisy, reference, tol, o);
        Assert.That(d.Strict, Is.Not.Null, "the framework tolerance alone rejects the noise: the case the scale rule exists for");
        Assert.That(d.Strict!.Passed, Is.False);
        Assert.That(d.Result.Passed, Is.True, d.Result.ToString());
        Assert.That(OutputComparison.Explain(d), Does.Contain("scale rule"));
        // Between Bridge's own paths (same kernels) the rule does not apply: strict stays strict.
        var same = OutputComparison.Diff("relay", "relax", "output0", noisy, reference, Tolerances.For(DataType.Float32, "relay", "relax", TolerancePolicy.Auto), o);
        Assert.That(same.Result.Passed, Is.False);
        Assert.That(same.Strict, Is.Null);
    }

    [Test]
    public void A_wrong_op_deep_in_the_network_still_fails_under_the_scale_rule()
    {
        var (reference, _, wrong) = DeepNetwork();
        var tol = Tolerances.For(DataType.Float32, "onnxruntime", "relax", TolerancePolicy.Auto);
        var d = OutputComparison.Diff("onnxruntime", "relax", "output0", wrong, reference, tol, new CheckOptions());
        Assert.That(d.Result.Passed, Is.False, d.Result.ToString());
        Assert.That(d.Result.MaxAbsError, Is.GreaterThan(d.Result.Options.Atol * 10));
    }

    [Test]
    public void An_explicit_atol_turns_the_scale_rule_off()
    {
        var (reference, noisy, _) = DeepNetwork();
        var o = new CheckOptions { Atol = 1e-5 };
        var tol = Tolerances.For(DataType.Float32, "onnxruntime", "relax", TolerancePolicy.Auto, atol: 1e-5);
        var d = OutputComparison.Diff("onnxruntime", "relax", "output0", noisy, reference, tol, o);
        Assert.That((d.Result.Passed, d.Strict), Is.EqualTo((false, (CompareResult?)null)));
    }
}

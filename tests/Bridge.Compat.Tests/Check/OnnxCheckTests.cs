using Bridge.Compat.Check;
using Bridge.Compat.Tests.Reference;

namespace Bridge.Compat.Tests.Check;

/// <summary><c>check</c> on ONNX: ONNX Runtime, ONNX→Relay→interpreter and ONNX→Relax→interpreter agree.</summary>
public class OnnxCheckTests
{
    [TestCase("gemm_v13")]
    [TestCase("num_softmax_v13")]
    [TestCase("num_conv_v11")]
    public void ThreePathsAgreeWithOnnxRuntime(string name)
    {
        var r = ModelChecker.Check(OnnxFixtures.Good(name), new CheckOptions { Load = new LoadOptions { Seed = 3 } });
        Assert.That(r.Paths.Select(p => p.Name), Is.EqualTo(new[] { "onnxruntime", "relay", "relax" }));
        Assert.That(r.Paths.Where(p => !p.Ok).Select(p => $"{p.Name}: {p.Error}"), Is.Empty);
        Assert.That(r.Diffs.Select(d => $"{d.Actual} vs {d.Reference}").Distinct(),
            Is.EquivalentTo(new[] { "relay vs onnxruntime", "relax vs onnxruntime", "relax vs relay" }));
        Assert.That(r.Diffs.Where(d => !d.Result.Passed).Select(d => $"{d.Actual} vs {d.Reference} {d.Output}: {d.Result}"), Is.Empty);
        Assert.That(r.Agree, Is.True);
    }

    [Test]
    public void Resnet18RelaxAgreesWithOnnxRuntime()
    {
        var path = Path.Combine(AgreementTests.Corpora, ".cache", "models", "resnet18", "resnet18.onnx");
        if (!File.Exists(path)) Assert.Ignore($"{path} not generated (corpora/.cache is built by the corpus generators)");
        var r = ModelChecker.Check(path, new CheckOptions { Load = new LoadOptions { Seed = 0 } });
        var relax = r.Paths.Single(p => p.Name == "relax");
        Assert.That(relax.Ok, Is.True, () => relax.Error!.ToString());
        var diffs = r.Diffs.Where(d => d.Actual == "relax" && d.Reference == "onnxruntime").ToList();
        Assert.That(diffs, Is.Not.Empty);
        Assert.That(diffs.Where(d => !d.Result.Passed).Select(d => d.Result.ToString()), Is.Empty);
    }
}

/// <summary>The zoo runs ONNX models through import, translate, well-formed, print/parse, run and check against ONNX Runtime.</summary>
public class OnnxZooTests
{
    [Test]
    public void OnnxModelPassesEveryStage()
    {
        var r = Bridge.Compat.Zoo.ZooRunner.RunOne(OnnxFixtures.Good("num_conv_v11"), "num_conv_v11", new Bridge.Compat.Zoo.ZooOptions());
        Assert.That(r.Passed, Is.True, () => $"{r.Import} {r.Translate} {r.WellFormed} {r.Run} {r.Check} {r.RoundTrip}: {r.ErrorIds} {r.Message}");
        Assert.That(r.Translate, Is.EqualTo(Bridge.Compat.Zoo.StageStatus.Pass));
        Assert.That(r.RoundTrip, Is.EqualTo(Bridge.Compat.Zoo.StageStatus.Pass));
    }
}

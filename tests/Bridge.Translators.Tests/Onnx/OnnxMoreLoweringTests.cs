using Bridge.Importers.Onnx;
using Bridge.Translators.Onnx;
using NUnit.Framework;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// The IR the ops beyond TVM's frontends lower to (OnnxEmitterBase.SignalCropConv.cs; their numbers are checked against ONNX Runtime
/// by <see cref="OnnxSingleOpTests"/>), and malformed nodes of those ops as BRG4304 diagnostics on both paths.
/// </summary>
[TestFixture]
public sealed class OnnxMoreLoweringTests
{
    private static OnnxModel Model(string name) => SingleOpModels.Load(name);

    private static string Relay(string name) => SingleOpModels.RelayText(name);

    private static string Relax(string name) => SingleOpModels.RelaxText(name);

    [Test]
    public void Col2Im_IsAGroupedTransposedConvolution()
    {
        Assert.That(Relay("Col2Im_18_strided"), Does.Contain("nn.conv2d_transpose(").And.Contain("groups=2"));
        Assert.That(Relax("Col2Im_18_strided"), Does.Contain("R.nn.conv2d_transpose(").And.Contain("groups=2"));
    }

    [Test]
    public void Stft_UsesEachDialectsDft()
    {
        Assert.That(Relay("STFT_17"), Does.Contain("dft(").And.Contain("take("));
        Assert.That(Relax("STFT_17"), Does.Contain("R.matmul(").And.Not.Contain("dft"));
    }

    [Test]
    public void DeformConv_IsNotTopisDeformableConv()
    {
        // topi's sampler zeroes points in (−1, 0); the decomposition follows ONNX there (see docs/onnx-translation.md).
        var text = Relay("DeformConv_19");
        Assert.That(text, Does.Not.Contain("deformable").And.Contain("gather(").And.Contain("floor("));
        Assert.That(Relax("DeformConv_19"), Does.Contain("R.gather_elements("));
    }

    [Test]
    public void MelWeightMatrix_IsAConstant()
    {
        var text = Relax("MelWeightMatrix_17");
        Assert.That(text, Does.Not.Contain("mel").IgnoreCase.And.Contain("R.add("));
    }

    [TestCase("CenterCropPad_bad_repeated_axes", "repeated axes")]
    [TestCase("Col2Im_bad_block_count", "give 16 blocks")]
    [TestCase("STFT_bad_frame_length", "frame_length 6 differs from the window length 8")]
    [TestCase("SequenceMap_bad_lengths", "input sequence 1 has 4 elements, input 0 has 3")]
    [TestCase("MelWeightMatrix_bad_edge", "edge 8000 Hz")]
    public void MalformedNode_IsBadValueOnBothPaths(string model, string text)
    {
        foreach (var path in new[] { "relay", "relax" })
        {
            var m = Model(model);
            var ex = Assert.Throws<BridgeException>(() => SingleOpModels.Translate(path, m), path);
            Assert.That(ex!.Diagnostic.Id, Is.EqualTo(OnnxTranslateDiagnosticIds.BadValue), $"{path}: {ex.Diagnostic.Message}");
            Assert.That(ex.Diagnostic.Message, Does.Contain(text), path);
        }
    }
}

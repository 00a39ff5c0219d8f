using Bridge.Importers.Onnx;
using Bridge.Translators.Onnx;
using NUnit.Framework;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// The IR the ai.onnx.ml ops lower to (OnnxEmitterBase.Ml.cs; their numbers are checked against ONNX Runtime by
/// <see cref="OnnxSingleOpTests"/>), and malformed ml nodes as BRG4304 diagnostics on both paths.
/// </summary>
[TestFixture]
public sealed class OnnxMlLoweringTests
{
    private static OnnxModel Model(string name) => SingleOpModels.Load(name);

    private static string Relay(string name) => SingleOpModels.RelayText(name);

    private static string Relax(string name) => SingleOpModels.RelaxText(name);

    [Test]
    public void LinearClassifier_Softmax_UsesEachDialectsSoftmax()
    {
        Assert.That(Relay("LinearClassifier_1_softmax"), Does.Contain("nn.softmax(").And.Contain("take("));
        Assert.That(Relax("LinearClassifier_1_softmax"), Does.Contain("R.nn.softmax(").And.Contain("R.take("));
    }

    [Test]
    public void SvmRbf_SumsSquaredDifferences_WithoutAMatmul()
    {
        // ORT sums (x − sv)² directly; the expanded x² − 2x·sv + sv² form would need a matmul against the support vectors.
        var relax = Relax("SVMRegressor_1_rbf");
        Assert.That(relax, Does.Contain("R.subtract(").And.Contain("R.exp("));
        Assert.That(relax.Split("R.matmul(").Length - 1, Is.EqualTo(1), "only the coefficient matmul");
    }

    [TestCase("Scaler_bad_scale_length", "scale has 3 values for 4 features")]
    [TestCase("ArrayFeatureExtractor_bad_index", "index 4 out of range [0, 4)")]
    [TestCase("LinearClassifier_bad_coefficients", "3 coefficients for 2 classes × 2 features")]
    [TestCase("SVMRegressor_bad_support_vectors", "3 support-vector values for 2 vectors × 2 features")]
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

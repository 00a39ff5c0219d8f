using Bridge.Importers.Onnx;
using Bridge.Translators.Onnx;
using Bridge.Translators.OnnxToRelay;
using NUnit.Framework;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// The shape of the IR the legacy-section rules emit (the numbers are checked by <see cref="OnnxSingleOpTests"/>,
/// <see cref="OnnxStdOpNumericTests"/> and <see cref="OnnxReferenceCaseTests"/>): the Relay path must be what
/// relay.frontend.from_onnx produced (vision.all_class_non_max_suppression / unique + dyn.strided_slice, dft, nn.dense,
/// nn.batch_norm), the Relax DFT must be matmuls, and a malformed optimiser node is a diagnostic, not a crash.
/// </summary>
[TestFixture]
public sealed class OnnxLegacyLoweringTests
{
    private static OnnxModel Model(string name) => SingleOpModels.Load(name);

    private static string Relay(string name) => SingleOpModels.RelayText(name);

    private static string Relax(string name) => SingleOpModels.RelaxText(name);

    [TestCase("NonMaxSuppression_11", "vision.all_class_non_max_suppression(", "dyn.strided_slice(")]
    [TestCase("NonMaxSuppression_10_center", "vision.all_class_non_max_suppression(", "divide(")]
    [TestCase("Unique_11_sorted0", "unique(", "dyn.strided_slice(")]
    [TestCase("AllClassNMS_center_defaults", "vision.all_class_non_max_suppression(", "0.5f")]
    [TestCase("DFT_17_real", "dft(", "zeros_like(")]
    [TestCase("DFT_17_onesided_pad", "nn.pad(", "dft(")]
    [TestCase("FC", "nn.dense(", "add(")]
    [TestCase("SpatialBN", "nn.batch_norm(", "epsilon=0.001f")]
    [TestCase("ATen_embedding_bag_mode1", "take(", "mean(")]
    [TestCase("ATen_index_put", "scatter_nd(", "concatenate(")]
    [TestCase("Momentum_nesterov_T5", "where(", "greater(")]
    [TestCase("Adam_T3", "power(", "sqrt(")]
    public void Relay_EmitsTvmsOps(string model, string op1, string op2)
    {
        var text = Relay(model);
        Assert.That(text, Does.Contain(op1).And.Contain(op2));
    }

    [Test]
    public void Relax_DftIsMatmulsOverConstantTwiddles()
    {
        var text = Relax("DFT_17_complex_inverse");
        Assert.That(text, Does.Contain("R.matmul(").And.Not.Contain("dft"));
    }

    [Test]
    public void Relay_UniqueTrimsAllButTheInverse()
    {
        var text = Relay("Unique_11_sorted1");
        // values, first indices and counts are trimmed to num_unique; the inverse indices keep the input length.
        Assert.That(text.Split("dyn.strided_slice(").Length - 1, Is.EqualTo(3));
    }

    [TestCase("relay")]
    [TestCase("relax")]
    public void Optimizer_WithUnevenInputGroups_IsBadValue(string path)
    {
        var m = Model("Adagrad_bad_arity");
        var ex = Assert.Throws<BridgeException>(() => SingleOpModels.Translate(path, m));
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(OnnxTranslateDiagnosticIds.BadValue));
        Assert.That(ex.Diagnostic.Message, Does.Contain("R, T and 3 groups"));
    }

    [Test]
    public void Aten_UnsupportedOperator_NamesTheSupportedSet()
    {
        var ex = Assert.Throws<BridgeException>(() => OnnxToRelayEmitter.Translate(Model("ATen_unsupported_op")));
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(OnnxTranslateDiagnosticIds.UnsupportedForm));
        Assert.That(ex.Diagnostic.Message, Does.Contain("'mul'").And.Contain("embedding_bag"));
    }
}

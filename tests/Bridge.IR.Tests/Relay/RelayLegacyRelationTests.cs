using Bridge.Ir.Relay;
using Bridge.Ir.Relay.Text;

namespace Bridge.Ir.Tests.Relay;

/// <summary>
/// The Relay type relations added for the ONNX NonMaxSuppression / Unique / DFT converters (RelayTypeRelations.Legacy.cs):
/// the types TVM v0.19's AllClassNMSRel, UniqueRel and DFTRel give, checked through /* ty= */ comments, and their errors.
/// </summary>
[TestFixture]
public class RelayLegacyRelationTests
{
    private static void Check(string body, string sig)
    {
        var text = "#[version = \"0.0.5\"]\ndef @main(" + sig + ") {\n" + body + "\n}\n";
        var m = RelayTextReader.ParseModuleWithTypeComments(text, "legacy.relay", null, out var comments);
        RelayTypeInference.InferModule(m);
        Assert.That(comments, Is.Not.Empty);
        foreach (var (e, ty) in comments)
            Assert.That(RelayStructuralEqual.Equal(RelayTextReader.ParseType(ty), e.CheckedType!), Is.True, $"ty={ty} vs inferred {e.CheckedType}");
    }

    [Test]
    public void AllClassNms_onnx_format_pads_rows_to_batch_classes_boxes()
    {
        Check("  vision.all_class_non_max_suppression(%b, %s, 3i64, 0.5f, 0f, output_format=\"onnx\") " +
              "/* ty=(Tensor[(12, 3), int64], Tensor[(1), int64]) */",
            "%b: Tensor[(2, 6, 4), float32], %s: Tensor[(2, 1, 6), float32]");
    }

    [Test]
    public void Unique_pads_to_the_input_length_with_int32_indices()
    {
        Check("  unique(%x, sorted=False, return_counts=True) " +
              "/* ty=(Tensor[(7), float32], Tensor[(7), int32], Tensor[(7), int32], Tensor[(1), int32], Tensor[(7), int32]) */",
            "%x: Tensor[(7), float32]");
        Check("  unique(%x) /* ty=(Tensor[(5), int64], Tensor[(5), int32], Tensor[(5), int32], Tensor[(1), int32]) */",
            "%x: Tensor[(5), int64]");
    }

    [Test]
    public void Dft_keeps_both_parts_shapes()
    {
        Check("  dft(%r, %i, inverse=True) /* ty=(Tensor[(2, 8), float32], Tensor[(2, 8), float32]) */",
            "%r: Tensor[(2, 8), float32], %i: Tensor[(2, 8), float32]");
    }

    [TestCase("unique(%x)", "%x: Tensor[(2, 3), float32]", "1-D")]
    [TestCase("dft(%x, %y)", "%x: Tensor[(2, 3), float32], %y: Tensor[(2, 3), float64]", "differ")]
    [TestCase("vision.all_class_non_max_suppression(%x, %x, 1i64, 0.5f, 0f)", "%x: Tensor[(2, 3), float32]", "boxes")]
    public void Bad_operands_are_type_errors(string call, string sig, string message)
    {
        var m = RelayTextReader.ParseModuleWithTypeComments("#[version = \"0.0.5\"]\ndef @main(" + sig + ") {\n  " + call + "\n}\n", "bad.relay", null, out _);
        var ex = Assert.Throws<BridgeException>(() => RelayTypeInference.InferModule(m));
        Assert.That(ex!.Diagnostic.Message, Does.Contain(message));
    }
}

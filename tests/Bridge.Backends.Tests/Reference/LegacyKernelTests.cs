using Bridge.Backends.Reference;
using Bridge.Ir.Relay.Text;

namespace Bridge.Backends.Tests.Reference;

/// <summary>
/// The unique kernel (shared by Relax's exact-size form and Relay's padded form) against hand values, and the Relay
/// bindings of unique / vision.all_class_non_max_suppression through the Relay interpreter.
/// </summary>
[TestFixture]
public sealed class LegacyKernelTests
{
    private static readonly Tensor s_x = Tensor.FromArray(new[] { 2f, 1f, 1f, 3f, 4f, 3f }, 6);

    private static Value Relay(string body, string parameters, params Tensor[] args) =>
        new RelayInterpreter(RelayTextReader.ParseModule($"#[version = \"0.0.5\"]\ndef @main({parameters}) {{ {body} }}", "<legacy>"))
            .Run("main", [.. args.Select(a => (Value)new TensorValue(a))]);

    private static long[] Longs(Tensor t) => [.. Enumerable.Range(0, (int)t.Length).Select(i => t.GetInt64(i))];

    [TestCase(true, new[] { 1f, 2f, 3f, 4f }, new long[] { 1, 0, 3, 4 }, new long[] { 1, 0, 0, 2, 3, 2 }, new long[] { 2, 1, 2, 1 })]
    [TestCase(false, new[] { 2f, 1f, 3f, 4f }, new long[] { 0, 1, 3, 4 }, new long[] { 0, 1, 1, 2, 3, 2 }, new long[] { 1, 2, 2, 1 })]
    public void Unique_by_hand(bool sorted, float[] values, long[] first, long[] inverse, long[] counts)
    {
        var (v, f, inv, c) = Unique.Apply(s_x, sorted);
        Assert.That(Enumerable.Range(0, (int)v.Length).Select(i => (float)v.GetDouble(i)), Is.EqualTo(values));
        Assert.That(f, Is.EqualTo(first));
        Assert.That(inv, Is.EqualTo(inverse));
        Assert.That(c, Is.EqualTo(counts));
    }

    [Test]
    public void Relay_unique_pads_to_the_input_length_in_int32()
    {
        var fields = InterpreterCommon.Flatten(Relay("unique(%x, sorted=True, return_counts=True)", "%x: Tensor[(6), float32]", s_x)).ToArray();
        Assert.That(fields, Has.Length.EqualTo(5));
        Assert.That(Enumerable.Range(0, 6).Select(i => fields[0].GetDouble(i)), Is.EqualTo(new double[] { 1, 2, 3, 4, 0, 0 }));
        Assert.That(fields[1].DType, Is.EqualTo(DataType.Int32));
        Assert.That(Longs(fields[1]), Is.EqualTo(new long[] { 1, 0, 3, 4, 0, 0 }));
        Assert.That(Longs(fields[2]), Is.EqualTo(new long[] { 1, 0, 0, 2, 3, 2 }));
        Assert.That(Longs(fields[3]), Is.EqualTo(new long[] { 4 }));
        Assert.That(Longs(fields[4]), Is.EqualTo(new long[] { 2, 1, 2, 1, 0, 0 }));
    }

    [Test]
    public void Relay_all_class_nms_selects_by_score_and_iou()
    {
        // Two overlapping boxes and a distant one, one class: the lower-scoring overlap (IoU 0.82) is suppressed.
        var boxes = Tensor.FromArray(new[] { 0f, 0f, 1f, 1f, 0f, 0.1f, 1f, 1.1f, 0f, 10f, 1f, 11f }, 1, 3, 4);
        var scores = Tensor.FromArray(new[] { 0.9f, 0.95f, 0.3f }, 1, 1, 3);
        var fields = InterpreterCommon.Flatten(Relay("vision.all_class_non_max_suppression(%b, %s, 10i64, 0.5f, 0f, output_format=\"onnx\")",
            "%b: Tensor[(1, 3, 4), float32], %s: Tensor[(1, 1, 3), float32]", boxes, scores)).ToArray();
        Assert.That(Longs(fields[1]), Is.EqualTo(new long[] { 2 }));
        Assert.That(Longs(fields[0]).Take(6), Is.EqualTo(new long[] { 0, 0, 1, 0, 0, 2 }));
        Assert.That(fields[0].Shape, Is.EqualTo(new long[] { 3, 3 }));
    }
}

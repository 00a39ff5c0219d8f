using Bridge.Backends.Reference;
using Bridge.Ir.Relay;
using Bridge.Ir.Relay.Text;

namespace Bridge.Backends.Tests.Interp;

/// <summary>
/// Relay dyn.* ops: the type relation gives the rank from the shape operand's static length with <c>?</c> dims, and the
/// reference kernel reads the shape from the run-time tensor (hand values, numpy semantics).
/// </summary>
public class RelayDynOpsTests
{
    private static (RelayType Type, Value Result) Run(string body, string parms, params Tensor[] args)
    {
        var m = RelayTextReader.ParseModule($"#[version = \"0.0.5\"]\ndef @main({parms}) {{\n  {body}\n}}\n", "<dyn>");
        RelayTypeInference.InferModule(m);
        var type = m.Lookup("main")!.Body.CheckedType!;
        return (type, new RelayInterpreter(m).Run("main", [.. args.Select(a => (Value)new TensorValue(a))]));
    }

    private static Tensor I64(long[] v) => Tensor.FromArray<long>(DataType.Int64, v, v.Length);
    private static Tensor F(float[] v, params long[] shape) => Tensor.FromArray(v, shape);
    private static float[] Floats(Value v) => v.AsTensor().Span<float>().ToArray();

    [Test]
    public void Reshape_ShapeFromTensor_CopyAndInferCodes()
    {
        var (t, v) = Run("dyn.reshape(%x, %s)", "%x: Tensor[(2, 3, 4), float32], %s: Tensor[(2), int64]",
            F([.. Enumerable.Range(0, 24).Select(i => (float)i)], 2, 3, 4), I64([0, -1]));
        Assert.That(RelayTextWriter.PrintType(t), Is.EqualTo("Tensor[(?, ?), float32]"));
        Assert.That(v.AsTensor().Shape, Is.EqualTo(new long[] { 2, 12 }));
        Assert.That(Floats(v)[13], Is.EqualTo(13f));
    }

    [Test]
    public void BroadcastTo_And_Full_And_Zeros()
    {
        var (t, v) = Run("dyn.broadcast_to(%x, %s)", "%x: Tensor[(1, 3), float32], %s: Tensor[(3), int64]", F([1, 2, 3], 1, 3), I64([2, 2, 3]));
        Assert.That(RelayTextWriter.PrintType(t), Is.EqualTo("Tensor[(?, ?, ?), float32]"));
        Assert.That(v.AsTensor().Shape, Is.EqualTo(new long[] { 2, 2, 3 }));
        Assert.That(Floats(v), Is.EqualTo(new float[] { 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3 }));

        (t, v) = Run("dyn.full(1.5f, %s, dtype=\"float32\")", "%s: Tensor[(2), int64]", I64([2, 3]));
        Assert.That(RelayTextWriter.PrintType(t), Is.EqualTo("Tensor[(?, ?), float32]"));
        Assert.That(Floats(v), Is.EqualTo(Enumerable.Repeat(1.5f, 6).ToArray()));

        (t, v) = Run("dyn.ones(%s, dtype=\"int32\")", "%s: Tensor[(1), int64]", I64([4]));
        Assert.That(RelayTextWriter.PrintType(t), Is.EqualTo("Tensor[(?), int32]"));
        Assert.That(v.AsTensor().Span<int>().ToArray(), Is.EqualTo(new[] { 1, 1, 1, 1 }));
    }

    [Test]
    public void Tile_StridedSlice_TopK()
    {
        var (t, v) = Run("dyn.tile(%x, %r)", "%x: Tensor[(2), float32], %r: Tensor[(2), int64]", F([1, 2], 2), I64([2, 2]));
        Assert.That(RelayTextWriter.PrintType(t), Is.EqualTo("Tensor[(?, ?), float32]"));
        Assert.That(Floats(v), Is.EqualTo(new float[] { 1, 2, 1, 2, 1, 2, 1, 2 }));

        // x[1:3:1, ::-1] of a 3x3: rows 1..2 reversed.
        (t, v) = Run("dyn.strided_slice(%x, %b, %e, %st)", "%x: Tensor[(3, 3), float32], %b: Tensor[(2), int64], %e: Tensor[(2), int64], %st: Tensor[(2), int64]",
            F([0, 1, 2, 3, 4, 5, 6, 7, 8], 3, 3), I64([1, 2]), I64([3, -4]), I64([1, -1]));
        Assert.That(RelayTextWriter.PrintType(t), Is.EqualTo("Tensor[(?, ?), float32]"));
        Assert.That(Floats(v), Is.EqualTo(new float[] { 5, 4, 3, 8, 7, 6 }));

        (t, v) = Run("dyn.topk(%x, %k, ret_type=\"values\")", "%x: Tensor[(2, 4), float32], %k: int64",
            F([3, 1, 4, 1, 5, 9, 2, 6], 2, 4), Tensor.FromArray<long>(DataType.Int64, [2L]));
        Assert.That(RelayTextWriter.PrintType(t), Is.EqualTo("Tensor[(2, ?), float32]"));
        Assert.That(Floats(v), Is.EqualTo(new float[] { 4, 3, 9, 6 }));
    }

    [Test]
    public void Resize2d_SizeFromTensor_KeepsBatchAndChannels()
    {
        var (t, v) = Run("dyn.image.resize2d(%x, %s, %roi, method=\"nearest_neighbor\", coordinate_transformation_mode=\"asymmetric\", rounding_method=\"floor\")",
            "%x: Tensor[(1, 1, 2, 2), float32], %s: Tensor[(2), int64], %roi: Tensor[(4), float32]",
            F([1, 2, 3, 4], 1, 1, 2, 2), I64([4, 4]), F([0, 0, 1, 1], 4));
        Assert.That(RelayTextWriter.PrintType(t), Is.EqualTo("Tensor[(1, 1, ?, ?), float32]"));
        Assert.That(Floats(v), Is.EqualTo(new float[] { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }));
    }

    [Test]
    public void ShapeOperandOfUnknownLength_IsATypeError()
    {
        var m = RelayTextReader.ParseModule("#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(2), float32], %s: Tensor[(?), int64]) { dyn.broadcast_to(%x, %s) }\n", "<dyn>");
        var ex = Assert.Throws<BridgeException>(() => RelayTypeInference.InferModule(m));
        Assert.That(ex!.Diagnostic.Message, Does.Contain("dynamic length"));
    }
}

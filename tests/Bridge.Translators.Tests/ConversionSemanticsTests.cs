using Bridge.Ir.Ops.Relax;
using Bridge.Translators.RelayToRelax;
using Relax = Bridge.Ir.Relax;

namespace Bridge.Translators.Tests;

/// <summary>Attribute conversions checked against hand-derived Relax calls (op names, attrs, shape arguments).</summary>
[TestFixture]
public class ConversionSemanticsTests
{
    private static List<Relax.Call> Calls(string call, string[] types, TranslatorOptions? opt = null)
    {
        var (m, _, _) = OpTableTests.Convert(OpTableTests.Module(call, types), opt);
        var main = m.Functions.Single(f => f.Var.Name == "main").Function;
        return [.. main.Body.Blocks.SelectMany(b => b.Bindings).Select(b => b.Value).OfType<Relax.Call>()];
    }

    private static string Name(Relax.Call c) => c.Op?.Name ?? "<call>";

    [TestCase("padding=[1, 2]", new long[] { 1, 2, 1, 2 })]
    [TestCase("padding=[3]", new long[] { 3, 3, 3, 3 })]
    [TestCase("padding=[1, 2, 3, 4]", new long[] { 1, 2, 3, 4 })]
    public void Conv2dPaddingIsExpandedToFourValues(string pad, long[] expected)
    {
        var c = Calls($"nn.conv2d(%a, %b, {pad})", ["Tensor[(1, 3, 9, 9), float32]", "Tensor[(8, 3, 3, 3), float32]"]).Single();
        var a = (ConvAttrs)c.Attrs;
        Assert.That(a.Padding, Is.EqualTo(new ValueArray<long>(expected)));
        Assert.That(a.OutLayout, Is.EqualTo("NCHW"), "empty Relay out_layout becomes the data layout");
    }

    [Test]
    public void DenseIsMatmulWithPermutedWeight()
    {
        var cs = Calls("nn.dense(%a, %b, units=8)", ["Tensor[(4, 6), float32]", "Tensor[(8, 6), float32]"]);
        Assert.That(cs.Select(Name), Is.EqualTo(new[] { "relax.permute_dims", "relax.matmul" }));
        Assert.That(((PermuteDimsAttrs)cs[0].Attrs).Axes, Is.EqualTo(new ValueArray<long>([1, 0])));
    }

    [TestCase(null, "transpose_b=True", true)]
    [TestCase(null, "", false)]
    [TestCase("0.7", "", true)]
    public void BatchMatmulTransposeFollowsRelayVersion(string? version, string attrs, bool permuted)
    {
        var b = permuted ? "Tensor[(2, 5, 4), float32]" : "Tensor[(2, 4, 5), float32]";
        var call = attrs.Length == 0 ? "nn.batch_matmul(%a, %b)" : $"nn.batch_matmul(%a, %b, {attrs})";
        // Relay's own inference uses the v0.19 defaults; for 0.7 texts the relation sees transpose_b=False, so feed a shape
        // that type-checks both ways (square inner dims).
        if (version == "0.7") b = "Tensor[(2, 4, 4), float32]";
        var a = version == "0.7" ? "Tensor[(2, 4, 4), float32]" : "Tensor[(2, 3, 4), float32]";
        var cs = Calls(call, [a, b], new TranslatorOptions { RelayVersion = version });
        Assert.That(cs.Any(c => Name(c) == "relax.permute_dims"), Is.EqualTo(permuted));
        Assert.That(Name(cs[^1]), Is.EqualTo("relax.matmul"));
    }

    [TestCase("axis=1", 4, new long[] { 1, 2 })]
    [TestCase("axis=-1", 4, new long[0])]
    [TestCase("axis=2", 4, new long[] { 1 })]
    public void BiasAddExpandsBiasToTheAxis(string attrs, int rank, long[] expandAxes)
    {
        var cs = Calls($"nn.bias_add(%a, %b, {attrs})", ["Tensor[(2, 3, 4, 5), float32]", attrs == "axis=1" ? "Tensor[(3), float32]" : attrs == "axis=2" ? "Tensor[(4), float32]" : "Tensor[(5), float32]"]);
        if (expandAxes.Length == 0) Assert.That(cs.Select(Name), Is.EqualTo(new[] { "relax.add" }));
        else
        {
            Assert.That(cs.Select(Name), Is.EqualTo(new[] { "relax.expand_dims", "relax.add" }));
            Assert.That(((ExpandDimsAttrs)cs[0].Attrs).Axis, Is.EqualTo(new ValueArray<long>(expandAxes)));
        }
        Assert.That(rank, Is.EqualTo(4));
    }

    [TestCase("[0, -1]", "Tensor[(2, 3, 4, 5), float32]", new long[] { 2, 60 })]
    [TestCase("[-3, -2]", "Tensor[(2, 3, 4, 5), float32]", new long[] { 6, 4, 5 })]
    [TestCase("[-4, 1, -1, -2]", "Tensor[(2, 3, 4, 5), float32]", new long[] { 1, 2, 3, 4, 5 })]
    [TestCase("[-1]", "Tensor[(2, 3), float32]", new long[] { 6 })]
    [TestCase("[0, 0, -3]", "Tensor[(2, 3, 4, 5), float32]", new long[] { 2, 3, 20 })]
    public void ReshapeSpecialValuesAreResolved(string newshape, string type, long[] expected)
    {
        var c = Calls($"reshape(%a, newshape={newshape})", [type]).Single();
        var s = (Relax.ShapeExpr)c.Args[1];
        Assert.That(s.Values.Select(v => v.AsConst), Is.EqualTo(expected.Select(v => (long?)v)));
    }

    [Test]
    public void ReverseReshapeMatchesFromTheRight()
    {
        // contrib_reverse_reshape((10, 5, 4), [-1, 0]) = (50, 4)  (TVM docstring example)
        var c = Calls("contrib_reverse_reshape(%a, newshape=[-1, 0])", ["Tensor[(10, 5, 4), float32]"]).Single();
        Assert.That(((Relax.ShapeExpr)c.Args[1]).Values.Select(v => v.AsConst), Is.EqualTo(new long?[] { 50, 4 }));
    }

    private static long[] Ints(Relax.Expr e) => [.. ((Relax.TupleExpr)e).Fields.Select(f => ((Relax.PrimValue)f).IntValue!.AsConst!.Value)];

    [Test]
    public void StridedSliceSizeModeBecomesEnd()
    {
        var c = Calls("strided_slice(%a, begin=[1, 2], end=[2, -1], strides=None, slice_mode=\"size\", axes=None)", ["Tensor[(4, 6), float32]"]).Single();
        Assert.That(Ints(c.Args[1]), Is.EqualTo(new long[] { 0, 1 }), "axes");
        Assert.That(Ints(c.Args[2]), Is.EqualTo(new long[] { 1, 2 }), "begin");
        Assert.That(Ints(c.Args[3]), Is.EqualTo(new long[] { 3, 6 }), "end = begin + size; size -1 = to the end");
        Assert.That(Ints(c.Args[4]), Is.EqualTo(new long[] { 1, 1 }), "strides");
    }

    [Test]
    public void StridedSliceWithAxesKeepsThem()
    {
        var c = Calls("strided_slice(%a, begin=[1], end=[-1], strides=[2], axes=[1])", ["Tensor[(4, 6), float32]"]).Single();
        Assert.That(Ints(c.Args[1]), Is.EqualTo(new long[] { 1 }));
        Assert.That(Ints(c.Args[3]), Is.EqualTo(new long[] { -1 }));
        Assert.That(((Relax.TensorSInfo)c.Info!).Shape!.Value.Select(d => d.AsConst), Is.EqualTo(new long?[] { 4, 2 }));
    }

    [Test]
    public void ReduceExcludeTakesTheComplement()
    {
        var c = Calls("sum(%a, axis=[1], exclude=True)", ["Tensor[(2, 3, 4), float32]"]).Single();
        Assert.That(((StatisticalAttrs)c.Attrs).Axis, Is.EqualTo(new ValueArray<long>([0, 2])));
    }

    [Test]
    public void ArgmaxIsCastToRelaysInt32()
    {
        var cs = Calls("argmax(%a, axis=[1])", ["Tensor[(4, 6), float32]"]);
        Assert.That(cs.Select(Name), Is.EqualTo(new[] { "relax.argmax", "relax.astype" }));
        Assert.That(((AstypeAttrs)cs[1].Attrs).Dtype, Is.EqualTo(Core.Tensors.DataType.Int32));
    }

    [Test]
    public void LayoutTransformPacksAndUnpacks()
    {
        var pack = Calls("layout_transform(%a, src_layout=\"NCHW\", dst_layout=\"NCHW4c\")", ["Tensor[(1, 8, 3, 3), float32]"]);
        Assert.That(pack.Select(Name), Is.EqualTo(new[] { "relax.reshape", "relax.permute_dims" }));
        Assert.That(((Relax.ShapeExpr)pack[0].Args[1]).Values.Select(v => v.AsConst), Is.EqualTo(new long?[] { 1, 2, 4, 3, 3 }));
        Assert.That(((PermuteDimsAttrs)pack[1].Attrs).Axes, Is.EqualTo(new ValueArray<long>([0, 1, 3, 4, 2])));
        var unpack = Calls("layout_transform(%a, src_layout=\"NCHW4c\", dst_layout=\"NCHW\")", ["Tensor[(1, 2, 3, 3, 4), float32]"]);
        Assert.That(unpack.Select(Name), Is.EqualTo(new[] { "relax.permute_dims", "relax.reshape" }));
        Assert.That(((PermuteDimsAttrs)unpack[0].Attrs).Axes, Is.EqualTo(new ValueArray<long>([0, 1, 4, 2, 3])));
    }

    [TestCase("axis=-1, num_newaxis=2", new long[] { 2, 3 })]
    [TestCase("axis=0", new long[] { 0 })]
    [TestCase("axis=-3", new long[] { 0 })]
    public void ExpandDimsAxesAreOutputPositions(string attrs, long[] axes)
    {
        var c = Calls($"expand_dims(%a, {attrs})", ["Tensor[(4, 6), float32]"]).Single();
        Assert.That(((ExpandDimsAttrs)c.Attrs).Axis, Is.EqualTo(new ValueArray<long>(axes)));
    }

    [Test]
    public void GlobalPoolsBecomeAdaptivePoolOrMax()
    {
        var avg = Calls("nn.global_avg_pool2d(%a)", ["Tensor[(2, 3, 4, 5), float32]"]).Single();
        Assert.That(((AdaptivePoolAttrs)avg.Attrs).OutputSize, Is.EqualTo(new ValueArray<long>([1, 1])));
        var max = Calls("nn.global_max_pool2d(%a, layout=\"NHWC\")", ["Tensor[(2, 4, 5, 3), float32]"]).Single();
        Assert.That(((StatisticalAttrs)max.Attrs).Axis, Is.EqualTo(new ValueArray<long>([1, 2])));
    }

    [Test]
    public void ClipInfiniteBoundsBecomeFinite()
    {
        var c = Calls("clip(%a, a_min=-inff, a_max=6f)", ["Tensor[(4, 6), float32]"]).Single();
        Assert.That(((Relax.PrimValue)c.Args[1]).FloatValue, Is.EqualTo(-(double)float.MaxValue));
        Assert.That(((Relax.PrimValue)c.Args[2]).FloatValue, Is.EqualTo(6.0));
    }

    [Test]
    public void TakeKeepsModeAndRejectsBatchDims()
    {
        var c = Calls("take(%a, %b, axis=1, mode=\"wrap\")", ["Tensor[(4, 6), float32]", "Tensor[(3), int32]"]).Single();
        Assert.That(((TakeAttrs)c.Attrs).Mode, Is.EqualTo("wrap"));
        var ex = Assert.Throws<BridgeException>(() => Calls("take(%a, %b, axis=1, batch_dims=1)", ["Tensor[(4, 6), float32]", "Tensor[(4, 3), int32]"]))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(RelayToRelaxDiagnosticIds.UnsupportedOpForm));
        Assert.That(ex.Diagnostic.Message, Does.Contain("batch_dims"));
        Assert.That(ex.Diagnostic.Loc, Is.InstanceOf<SourceLoc.Text>());
    }

    [Test]
    public void UpsamplingIsResize2dWithAsymmetricFloor()
    {
        var c = Calls("nn.upsampling(%a, scale_h=2f, scale_w=3f)", ["Tensor[(1, 3, 4, 5), float32]"]).Single();
        var a = (Resize2DAttrs)c.Attrs;
        Assert.That((a.Method, a.CoordinateTransformationMode, a.RoundingMethod), Is.EqualTo(("nearest_neighbor", "asymmetric", "floor")));
        Assert.That(((Relax.ShapeExpr)c.Args[1]).Values.Select(v => v.AsConst), Is.EqualTo(new long?[] { 8, 15 }));
    }

    [Test]
    public void BatchNormIsInferenceMode()
    {
        var c = Calls("nn.batch_norm(%a, %b, %b, %b, %b, epsilon=1e-3f).0", ["Tensor[(1, 3, 4, 4), float32]", "Tensor[(3), float32]"])[0];
        var a = (BatchNormAttrs)c.Attrs;
        Assert.That(a.Training, Is.False);
        Assert.That(a.Epsilon, Is.EqualTo(1e-3).Within(1e-9));
    }

    [Test]
    public void QnnConvIsExactInt32ArithmeticOnShiftedOperands()
    {
        var cs = Calls("qnn.conv2d(%a, %b, 1, 2, 0.5f, 0.5f, out_dtype=\"int32\")", ["Tensor[(1, 3, 5, 5), int8]", "Tensor[(4, 3, 3, 3), int8]"]);
        Assert.That(cs.Select(Name), Is.EqualTo(new[] { "relax.astype", "relax.subtract", "relax.astype", "relax.subtract", "relax.nn.conv2d" }));
        Assert.That(((ConvAttrs)cs[^1].Attrs).OutDtype, Is.EqualTo(Core.Tensors.DataType.Int32));
    }

    [Test]
    public void NonConstantPadValueIsReported()
    {
        var ex = Assert.Throws<BridgeException>(() => Calls("nn.pad(%a, %b, pad_width=[[0, 0], [1, 1]])", ["Tensor[(4, 6), float32]", "float32"]))!;
        Assert.That(ex.Diagnostic.Message, Does.Contain("pad value must be a constant"));
    }
}

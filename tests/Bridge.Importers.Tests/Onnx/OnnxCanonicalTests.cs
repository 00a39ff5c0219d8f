using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;

namespace Bridge.Importers.Tests.Onnx;

/// <summary>Canonical forms of single-op models over opset variants: defaults applied, old attribute forms lifted to inputs.</summary>
public class OnnxCanonicalTests
{
    private static CanonicalNode One(string model, out DiagnosticBag bag)
    {
        var m = OnnxModelLoader.Load(OnnxFixtures.Good(model));
        bag = new DiagnosticBag();
        return OnnxCanonicalizer.Canonicalize(m, bag).Single(n => n.Kind != "Constant");
    }

    private static CanonicalNode One(string model) => One(model, out _);

    private static long[] Consts(IEnumerable<SymExpr> xs) => xs.Select(x => x.AsConst ?? throw new AssertionException($"{x} is not constant")).ToArray();

    [TestCase("conv_same_upper_v11", new long[] { 1, 1, 2, 2 })]
    [TestCase("conv_same_lower_v11", new long[] { 2, 2, 1, 1 })]
    [TestCase("conv_valid_v11", new long[] { 0, 0, 0, 0 })]
    [TestCase("conv_notset_v11", new long[] { 0, 1, 2, 3 })]
    public void ConvAutoPadBecomesExplicitPads(string model, long[] pads)
    {
        // X 5x5, kernel 4 (from W), stride 2: out = ceil(5/2) = 3, total = (3-1)*2 + 4 - 5 = 3.
        var c = One(model);
        var a = c.AttrsAs<ConvAttrs>();
        Assert.Multiple(() =>
        {
            Assert.That(c.Kind, Is.EqualTo("Conv"));
            Assert.That(c.Version, Is.EqualTo(11));
            Assert.That(Consts(a.ExplicitPads), Is.EqualTo(pads));
            Assert.That(Consts(a.ResolvedKernel), Is.EqualTo(new long[] { 4, 4 }));
            Assert.That(a.ResolvedStrides.ToArray(), Is.EqualTo(new long[] { 2, 2 }));
            Assert.That(a.ResolvedDilations.ToArray(), Is.EqualTo(new long[] { 1, 1 }));
            Assert.That(a.Group, Is.EqualTo(1));
            Assert.That(c.Input(1).Constant, Is.Not.Null);
        });
    }

    [Test]
    public void SamePadsStaySymbolicForSymbolicDims()
    {
        var a = One("conv_symbolic_v13").AttrsAs<ConvAttrs>();
        var h = a.ExplicitPads[0];
        Assert.That(h.IsConst(), Is.False);
        var hv = h.FreeVars().Single();
        Assert.That(hv.Name, Is.EqualTo("H"));
        // stride 2, kernel 3: H=7 → out 4, total 2 → (1, 1); H=8 → out 4, total 1 → (0, 1).
        Assert.That(a.ExplicitPads[0].Evaluate(_ => 7), Is.EqualTo(1));
        Assert.That(a.ExplicitPads[2].Evaluate(_ => 7), Is.EqualTo(1));
        Assert.That(a.ExplicitPads[0].Evaluate(_ => 8), Is.EqualTo(0));
        Assert.That(a.ExplicitPads[2].Evaluate(_ => 8), Is.EqualTo(1));
    }

    [Test]
    public void ConvTransposeOutputShapeGivesPads()
    {
        // in 5, stride 2, k 3: total = 2*4 + 0 + 3 - 10 = 1 → begin 0, end 1.
        var a = One("convtranspose_outshape_v11").AttrsAs<ConvTransposeAttrs>();
        Assert.That(Consts(a.ExplicitPads), Is.EqualTo(new long[] { 0, 0, 1, 1 }));
    }

    [Test]
    public void PoolDefaults()
    {
        var mp = One("maxpool_v8");
        var a = mp.AttrsAs<MaxPoolAttrs>();
        Assert.That((mp.Version, a.CeilMode, a.StorageOrder), Is.EqualTo((8, false, 0L)));
        Assert.That(a.ResolvedStrides.ToArray(), Is.EqualTo(new long[] { 1, 1 }));
        Assert.That(Consts(a.ExplicitPads), Is.EqualTo(new long[] { 0, 0, 0, 0 }));
        var ap = One("avgpool_v11").AttrsAs<AveragePoolAttrs>();
        Assert.That((ap.CeilMode, ap.CountIncludePad), Is.EqualTo((true, true)));
        Assert.That(Consts(ap.ExplicitPads), Is.EqualTo(new long[] { 1, 1, 1, 1 }));
    }

    [TestCase("slice_v9", 1)]
    [TestCase("slice_v13", 13)]
    public void SliceBothFormsGiveSameInputs(string model, int version)
    {
        var c = One(model);
        Assert.That(c.Version, Is.EqualTo(version));
        Assert.That(c.Input(1).Ints!.Value.ToArray(), Is.EqualTo(new long[] { 0, 1 }));
        Assert.That(c.Input(2).Ints!.Value.ToArray(), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(c.Input(3).Ints!.Value.ToArray(), Is.EqualTo(new long[] { 0, 2 }));
        Assert.That(c.Input(4).IsPresent, Is.False);
    }

    [Test]
    public void ReshapeShapeInputIsConstant()
    {
        var c = One("reshape_v13");
        Assert.That(c.Input(1).Ints!.Value.ToArray(), Is.EqualTo(new long[] { 6, -1 }));
        Assert.That(c.AttrsAs<ReshapeAttrs>().Allowzero, Is.False);
    }

    [Test]
    public void PadAttributeFormLiftedToInputs()
    {
        var old = One("pad_v10");
        Assert.That(old.Input(1).Ints!.Value.ToArray(), Is.EqualTo(new long[] { 0, 1, 0, 0, 1, 0 }));
        Assert.That(old.Input(2).Constant!.GetDouble(0), Is.EqualTo(2.5));
        Assert.That(old.Input(2).Constant!.DType, Is.EqualTo(DataType.Float32));
        var nu = One("pad_v13");
        Assert.That(nu.AttrsAs<PadAttrs>().Mode, Is.EqualTo("reflect"));
        Assert.That(nu.Input(1).Ints!.Value.ToArray(), Is.EqualTo(new long[] { 0, 1, 0, 0, 1, 0 }));
    }

    [Test]
    public void ClipBoundsBecomeInputs()
    {
        var old = One("clip_v10");
        Assert.That((old.Input(1).Constant!.GetDouble(0), old.Input(2).Constant!.GetDouble(0)), Is.EqualTo((-1.0, 1.0)));
        var nu = One("clip_v13");
        Assert.That(nu.Input(1).IsPresent, Is.False);
        Assert.That(nu.Input(2).Constant!.GetDouble(0), Is.EqualTo(0.5));
    }

    [TestCase("upsample_v8", "nearest", "asymmetric", "floor")]
    [TestCase("upsample_v9", "linear", "asymmetric", "floor")]
    [TestCase("resize_v10", "nearest", "asymmetric", "floor")]
    [TestCase("resize_v13", "cubic", "align_corners", "round_prefer_floor")]
    public void UpsampleAndResizeNormaliseToResize(string model, string mode, string ctm, string nearest)
    {
        var c = One(model);
        var a = c.AttrsAs<ResizeAttrs>();
        Assert.Multiple(() =>
        {
            Assert.That(c.Kind, Is.EqualTo("Resize"));
            Assert.That(a.Mode, Is.EqualTo(mode));
            Assert.That(a.CoordinateTransformationMode, Is.EqualTo(ctm));
            Assert.That(a.NearestMode, Is.EqualTo(nearest));
            Assert.That(a.CubicCoeffA, Is.EqualTo(-0.75f));
            Assert.That(c.Input(1).IsPresent, Is.False, "roi");
        });
        if (model == "resize_v13") Assert.That(c.Input(3).Ints!.Value.ToArray(), Is.EqualTo(new long[] { 1, 1, 4, 4 }));
        else Assert.That(c.Input(2).Doubles!.Value.ToArray(), Is.EqualTo(new double[] { 1, 1, 2, 2 }));
    }

    [TestCase("split_v10", true)]
    [TestCase("split_v13", true)]
    [TestCase("split_v18", false)]
    public void SplitSizesAsInput(string model, bool hasSizes)
    {
        var c = One(model);
        var a = c.AttrsAs<SplitAttrs>();
        Assert.That((a.Axis, a.NumOutputs), Is.EqualTo((2L, (long?)2)));
        if (hasSizes) Assert.That(c.Input(1).Ints!.Value.ToArray(), Is.EqualTo(new long[] { 1, 3 }));
        else Assert.That(c.Input(1).IsPresent, Is.False);
    }

    [TestCase("squeeze_v10", new long[] { 1 })]
    [TestCase("unsqueeze_v13", new long[] { 0 })]
    [TestCase("reducesum_v10", new long[] { 1 })]
    [TestCase("reducesum_v13", new long[] { 1 })]
    [TestCase("reducemean_v17", new long[] { -1 })]
    public void AxesAsInput(string model, long[] axes) =>
        Assert.That(One(model).Input(1).Ints!.Value.ToArray(), Is.EqualTo(axes));

    [Test]
    public void ReduceDefaults()
    {
        Assert.That(One("reducesum_v13").AttrsAs<ReduceAttrs>().Keepdims, Is.False);
        var m = One("reducemean_v17").AttrsAs<ReduceAttrs>();
        Assert.That((m.Keepdims, m.NoopWithEmptyAxes), Is.EqualTo((true, false)));
    }

    [Test]
    public void TopKBothForms()
    {
        var old = One("topk_v9");
        Assert.That(old.Input(1).Ints!.Value.ToArray(), Is.EqualTo(new long[] { 2 }));
        Assert.That(old.AttrsAs<TopKAttrs>().Largest, Is.True);
        var nu = One("topk_v11");
        Assert.That(nu.AttrsAs<TopKAttrs>().Largest, Is.False);
        Assert.That(nu.AttrsAs<TopKAttrs>().Axis, Is.EqualTo(-1));
    }

    [Test]
    public void SoftmaxAxisDefaultDependsOnOpset()
    {
        var old = One("softmax_v11").AttrsAs<SoftmaxAttrs>();
        var nu = One("softmax_v13").AttrsAs<SoftmaxAttrs>();
        Assert.That((old.Axis, old.Coerce2D), Is.EqualTo(((long?)1, true)));
        Assert.That((nu.Axis, nu.Coerce2D), Is.EqualTo(((long?)-1, false)));
    }

    [Test]
    public void MiscDefaults()
    {
        var d = One("dropout_v10");
        Assert.That(d.Input(1).Constant!.GetDouble(0), Is.EqualTo(0.25));
        var bn = One("batchnorm_v15").AttrsAs<BatchNormalizationAttrs>();
        Assert.That((bn.Epsilon, bn.Momentum, bn.TrainingMode), Is.EqualTo((1e-3f, 0.9f, false)));
        Assert.That(One("cast_v13").AttrsAs<CastAttrs>().ToType, Is.EqualTo(DataType.Float16));
        var g = One("gemm_v13").AttrsAs<GemmAttrs>();
        Assert.That((g.Alpha, g.Beta, g.TransA, g.TransB), Is.EqualTo((2f, 1f, false, true)));
        Assert.That(One("einsum_v12").AttrsAs<EinsumAttrs>().Equation, Is.EqualTo("ij,jk->ik"));
        var ln = One("layernorm_v17").AttrsAs<LayerNormalizationAttrs>();
        Assert.That((ln.Axis, ln.Epsilon, ln.StashType), Is.EqualTo((-1L, 1e-6f, 1L)));
        Assert.That(One("quantize_v13").AttrsAs<QuantizeLinearAttrs>().Axis, Is.EqualTo(1));
        Assert.That(One("nms_v11").AttrsAs<NonMaxSuppressionAttrs>().CenterPointBox, Is.EqualTo(1));
        Assert.That(One("nms_v11").Input(2).IsPresent, Is.False);
    }

    [Test]
    public void ConstantValueFloatsBecomeTensor()
    {
        var m = OnnxModelLoader.Load(OnnxFixtures.Good("constant_v13"));
        var c = OnnxCanonicalizer.Canonicalize(m, new DiagnosticBag()).Single();
        Assert.That(c.AttrsAs<ConstantAttrs>().Value!.ToDoubleArray(), Is.EqualTo(new double[] { 1.5, 2.5 }));
    }

    [Test]
    public void RecurrentActivationsResolved()
    {
        var lstm = One("lstm_v14").AttrsAs<RnnAttrs>();
        Assert.That(lstm.ResolvedActivations.ToArray(), Is.EqualTo(new[] { "Sigmoid", "Tanh", "Tanh", "Sigmoid", "Tanh", "Tanh" }));
        Assert.That((lstm.NumDirections, lstm.HiddenSize, lstm.Layout), Is.EqualTo((2L, (long?)4, 0L)));
        var gru = One("gru_v7");
        Assert.That(gru.Version, Is.EqualTo(7));
        Assert.That(gru.AttrsAs<RnnAttrs>().LinearBeforeReset, Is.True);
        Assert.That(gru.AttrsAs<RnnAttrs>().ResolvedActivations.ToArray(), Is.EqualTo(new[] { "Sigmoid", "Tanh" }));
    }

    [Test]
    public void ContribOpDispatchedByDomain()
    {
        var c = One("ms_gelu");
        Assert.That((c.Spec.Domain, c.Spec.OpType, c.Version), Is.EqualTo((OnnxDomains.Microsoft, "Gelu", 1)));
        Assert.That(c.Attrs, Is.InstanceOf<OnnxNoAttrs>());
        Assert.That(OnnxOps.Find(OnnxDomains.AiOnnx, "Gelu")!.AttrsType, Is.EqualTo(typeof(GeluAttrs)));
    }

    [Test]
    public void IfAndLoopCarrySubgraphs()
    {
        var iff = One("if_v13").AttrsAs<IfAttrs>();
        Assert.That(iff.ThenBranch!.Nodes.Single().OpType, Is.EqualTo("Add"));
        var m = OnnxModelLoader.Load(OnnxFixtures.Good("if_v13"));
        var inner = OnnxCanonicalizer.Canonicalize(m, iff.ThenBranch, new DiagnosticBag());
        Assert.That(inner.Single().Kind, Is.EqualTo("Add"));
        var loop = One("loop_v13");
        Assert.That(loop.Input(0).Constant!.GetInt64(0), Is.EqualTo(3));
        Assert.That(loop.Input(1).IsPresent, Is.False);
    }

    [Test]
    public void UnknownAttributeIsAWarning()
    {
        var m = OnnxModelLoader.Load(OnnxFixtures.Good("function_v13"));
        var bag = new DiagnosticBag();
        var nodes = OnnxCanonicalizer.Canonicalize(m, bag);
        Assert.That(nodes[0].AttrsAs<LeakyReluAttrs>().Alpha, Is.EqualTo(0.5f));
        Assert.That(bag.Items, Is.Empty);
        // Fabricate an unknown attribute on a real node through the generated proto.
        var proto = Bridge.Importers.Onnx.Proto.ModelProto.Parser.ParseFrom(File.ReadAllBytes(OnnxFixtures.Good("softmax_v13")));
        proto.Graph.Node[0].Attribute.Add(new Bridge.Importers.Onnx.Proto.AttributeProto { Name = "frobnicate", Type = Bridge.Importers.Onnx.Proto.AttributeProto.Types.AttributeType.Int, I = 3 });
        var m2 = OnnxModelLoader.Load(Google.Protobuf.MessageExtensions.ToByteArray(proto), "mem.onnx");
        var bag2 = new DiagnosticBag();
        OnnxCanonicalizer.Canonicalize(m2, bag2);
        var w = bag2.Items.Single();
        Assert.That(w.Id, Is.EqualTo(OnnxDiagnosticIds.UnknownAttribute));
        Assert.That(w.Severity, Is.EqualTo(Severity.Warning));
        Assert.That(w.Message, Does.Contain("frobnicate").And.Contain("sm"));
    }
}

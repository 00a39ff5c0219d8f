using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;

namespace Bridge.Importers.Tests.Onnx;

/// <summary>The declared op table: coverage, the committed support matrix, the unsupported-op report, diagnostic IDs.</summary>
public class OnnxSupportTests
{
    [Test]
    public void SupportMatrixMatchesCommittedDoc()
    {
        var path = Path.Combine(OnnxFixtures.RepoRoot(), "docs", "onnx-support.md");
        var rendered = OnnxSupport.RenderMatrix();
        if (Environment.GetEnvironmentVariable("BRIDGE_REGEN_DOCS") == "1") File.WriteAllText(path, rendered);
        Assert.That(File.Exists(path), Is.True, "docs/onnx-support.md is missing; regenerate with BRIDGE_REGEN_DOCS=1");
        Assert.That(File.ReadAllText(path).ReplaceLineEndings("\n"), Is.EqualTo(rendered),
            "docs/onnx-support.md differs from the declared op table; regenerate with BRIDGE_REGEN_DOCS=1 dotnet test --filter SupportMatrix");
    }

    [Test]
    public void TableCoversTheUnionOfTheTvmImporters()
    {
        // frontends.md §1.8: ops of the Relay ∪ Relax union that are plain ONNX (or contrib) ops; each must resolve at some opset ≤ 21.
        string[] required =
        [
            "Abs", "Acos", "Acosh", "Add", "AffineGrid", "AllClassNMS", "And", "ArgMax", "ArgMin", "Asin", "Asinh", "Atan", "Atanh", "AveragePool",
            "BatchNormalization", "Bernoulli", "BitShift", "BitwiseAnd", "BitwiseNot", "BitwiseOr", "BitwiseXor", "Cast", "CastLike",
            "Ceil", "Celu", "Clip", "Compress", "Concat", "ConcatFromSequence", "Constant", "ConstantOfShape", "Conv", "ConvInteger",
            "ConvTranspose", "Cos", "Cosh", "CumSum", "DepthToSpace", "DequantizeLinear", "DFT", "Div", "Dropout", "DynamicQuantizeLinear",
            "Einsum", "Elu", "Equal", "Erf", "Exp", "Expand", "EyeLike", "FC", "Flatten", "Floor", "Gather", "GatherElements", "GatherND",
            "Gelu", "Gemm", "GlobalAveragePool", "GlobalLpPool", "GlobalMaxPool", "Greater", "GreaterOrEqual", "GridSample",
            "GroupNormalization", "GRU", "Hardmax", "HardSigmoid", "HardSwish", "Identity", "If", "InstanceNormalization", "IsInf",
            "IsNaN", "LayerNormalization", "LeakyRelu", "Less", "LessOrEqual", "Log", "LogSoftmax", "Loop", "LpPool", "LRN", "LSTM",
            "MatMul", "MatMulInteger", "Max", "MaxPool", "MaxRoiPool", "MaxUnpool", "Mean", "MeanVarianceNormalization", "Min", "Mish",
            "Mod", "Mul", "Multinomial", "Neg", "NegativeLogLikelihoodLoss", "NonMaxSuppression", "NonZero", "Not", "OneHot",
            "Optional", "OptionalGetElement", "OptionalHasElement", "Or", "Pad", "Pow", "PRelu", "QLinearConv", "QLinearMatMul",
            "QuantizeLinear", "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Range", "Reciprocal",
            "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum",
            "ReduceSumSquare", "Relu", "Reshape", "Resize", "ReverseSequence", "RNN", "RoiAlign", "Round", "Scan", "Scatter",
            "ScatterElements", "ScatterND", "Selu", "SequenceAt", "SequenceConstruct", "SequenceEmpty", "SequenceErase",
            "SequenceInsert", "SequenceLength", "Shape", "Shrink", "Sigmoid", "Sign", "Sin", "Sinh", "Size", "Slice", "Softmax",
            "SoftmaxCrossEntropyLoss", "Softplus", "Softsign", "SpaceToDepth", "SpatialBN", "Split", "SplitToSequence", "Sqrt", "Squeeze", "Sub",
            "Sum", "Tan", "Tanh", "ThresholdedRelu", "Tile", "TopK", "Transpose", "Trilu", "Unique", "Unsqueeze", "Upsample", "Where", "Xor",
        ];
        string[] contrib =
        [
            "Attention", "BiasGelu", "EmbedLayerNormalization", "FastGelu", "Gelu", "MatMulInteger16", "QAttention", "QGemm", "QLinearAdd",
            "QLinearAveragePool", "QLinearConcat", "QLinearGlobalAveragePool", "QLinearLeakyRelu", "QLinearMul", "QLinearSigmoid",
            "QLinearSoftmax", "SkipLayerNormalization", "QuickGelu",
        ];
        var missing = required.Where(o => OnnxOps.Find(OnnxDomains.AiOnnx, o) is not { } s || Enumerable.Range(7, 15).All(v => s.Resolve(v) is null))
            .Concat(contrib.Where(o => OnnxOps.Find(OnnxDomains.Microsoft, o)?.Resolve(1) is null).Select(o => "com.microsoft." + o)).ToList();
        Assert.That(missing, Is.Empty);
        Assert.That(OnnxOps.All.Length, Is.GreaterThanOrEqualTo(205));
    }

    [Test]
    public void EveryDeclaredOpHasAValidRecordAndSignature()
    {
        foreach (var s in OnnxOps.All)
        {
            Assert.That(s.Schema.Fields.All(f => f.Name.Length > 0), Is.True, s.OpType);
            Assert.That(s.Versions.First(), Is.GreaterThanOrEqualTo(1), s.OpType);
            Assert.That(s.Signature.Split(',', StringSplitOptions.TrimEntries).Count(x => x.EndsWith("...", StringComparison.Ordinal)), Is.LessThanOrEqualTo(1), s.OpType);
        }
    }

    [Test]
    public void VersionResolution()
    {
        var reshape = OnnxOps.Find("", "Reshape")!;
        Assert.That((reshape.Resolve(7), reshape.Resolve(13), reshape.Resolve(20)), Is.EqualTo(((int?)5, (int?)13, (int?)19)));
        var up = OnnxOps.Find("ai.onnx", "Upsample")!;
        Assert.That((up.Resolve(8), up.Resolve(9), up.Resolve(10)), Is.EqualTo(((int?)7, (int?)9, (int?)null)));
        Assert.That(OnnxOps.Find("ai.onnx", "LayerNormalization")!.Resolve(16), Is.Null);
    }

    [Test]
    public void UnsupportedOpsReportedAllAtOnce()
    {
        var m = OnnxModelLoader.Load(OnnxFixtures.Good("unsupported_v13"));
        var e = Assert.Throws<BridgeException>(() => OnnxCanonicalizer.Canonicalize(m, new DiagnosticBag()))!;
        var d = e.Diagnostic;
        Assert.Multiple(() =>
        {
            Assert.That(d.Id, Is.EqualTo(OnnxDiagnosticIds.UnsupportedOps));
            Assert.That(d.Message, Does.Contain("3 unsupported op(s)"));
            Assert.That(d.Message, Does.Contain("com.example.Frobnicate (opset 1, not implemented) x2: f1, f2"));
            Assert.That(d.Message, Does.Contain("ai.onnx.ml.ZipMap (opset 3"));
            Assert.That(d.Message, Does.Contain("com.example.FrobnicateInner"));
            Assert.That(d.Message, Does.Contain("then2/inner"));
            Assert.That(d.Related, Has.Length.EqualTo(3));
        });
    }

    [Test]
    public void DiagnosticIdsAreInRangeAndUnique()
    {
        var ids = CoreDiagnosticIds.AllDeclared([typeof(OnnxDiagnosticIds).Assembly]).Where(x => x.Owner == typeof(OnnxDiagnosticIds)).ToList();
        Assert.That(ids, Is.Not.Empty);
        Assert.That(ids.All(x => x.Id.Code is >= 5000 and < 5300), Is.True);
        Assert.That(ids.Select(x => x.Id.Code).Distinct().Count(), Is.EqualTo(ids.Count));
    }
}

using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Proto;
using Google.Protobuf;

namespace Bridge.Importers.Tests.Onnx;

/// <summary>The loader against files written by the real onnx package: fields, tensors, opsets, functions, subgraphs.</summary>
public class OnnxLoaderTests
{
    [Test]
    public void ReadsModelFieldsWrittenByOnnx()
    {
        var m = OnnxModelLoader.Load(OnnxFixtures.Good("conv_symbolic_v13"));
        Assert.Multiple(() =>
        {
            Assert.That(m.IrVersion, Is.EqualTo(8));
            Assert.That(m.ProducerName, Is.EqualTo("bridge-tests"));
            Assert.That(m.ProducerVersion, Is.EqualTo("1.0"));
            Assert.That(m.Opsets[OnnxDomains.AiOnnx], Is.EqualTo(13));
            Assert.That(m.Graph.Name, Is.EqualTo("conv_symbolic_v13"));
            Assert.That(m.Graph.Inputs.Select(i => i.Name), Is.EqualTo(new[] { "X" }));
            var x = m.Graph.Inputs[0].Type;
            Assert.That(x.DType, Is.EqualTo(DataType.Float32));
            Assert.That(x.Shape!.Value.Select(d => d.ToString()), Is.EqualTo(new[] { "N", "3", "H", "W" }));
            var w = m.Graph.Initializers["W3"];
            Assert.That(w.Shape, Is.EqualTo(new long[] { 2, 3, 3, 3 }));
            Assert.That(w.ToDoubleArray(), Is.All.EqualTo(1.0));
            var node = m.Graph.Nodes.Single();
            Assert.That(node.OpType, Is.EqualTo("Conv"));
            Assert.That(node.Name, Is.EqualTo("conv"));
            Assert.That(node.Attributes["auto_pad"].S, Is.EqualTo("SAME_UPPER"));
            Assert.That(node.Attributes["strides"].Ints, Is.EqualTo(new long[] { 2, 2 }));
        });
    }

    [Test]
    public void ProtoRoundTripsThroughGeneratedClasses()
    {
        var bytes = File.ReadAllBytes(OnnxFixtures.Good("lstm_v14"));
        var proto = ModelProto.Parser.ParseFrom(bytes);
        var again = ModelProto.Parser.ParseFrom(proto.ToByteArray());
        Assert.That(again, Is.EqualTo(proto));
        Assert.That(proto.Graph.Node[0].Attribute.Single(a => a.Name == "direction").Type, Is.EqualTo(AttributeProto.Types.AttributeType.String));
    }

    [Test]
    public void DimParamsShareOneVarAnonymousDimsDoNot()
    {
        var m = OnnxModelLoader.Load(OnnxFixtures.Good("num_add_v13"));
        var a = m.SymbolicShape(m.Graph.TypeOf("A"), "A")!.Value;
        var again = m.SymbolicShape(m.Graph.TypeOf("A"), "A")!.Value;
        Assert.That(a[0], Is.InstanceOf<SymVar>());
        Assert.That(((SymVar)a[0]).Name, Is.EqualTo("batch"));
        Assert.That(ReferenceEquals(a[0], again[0]), Is.True, "dim_param 'batch' must be one shared var");
        var anon = new OnnxType(OnnxTypeKind.Tensor, 1, DataType.Float32, [new OnnxDim(null, null), new OnnxDim(null, null)]);
        var s = m.SymbolicShape(anon, "t")!.Value;
        Assert.That(SymExpr.ProveEqual(s[0], s[1]), Is.Not.EqualTo(Tri.Proven));
    }

    [Test]
    public void ExternalDataIsReadRelativeToTheModel()
    {
        var m = OnnxModelLoader.Load(OnnxFixtures.Good("external_v13"));
        Assert.That(m.Graph.Initializers["W"].ToDoubleArray(), Is.EqualTo(new double[] { 0, 1, 2, 3, 4, 5 }));
        Assert.That(m.Graph.Initializers["W"].Shape, Is.EqualTo(new long[] { 2, 3 }));
    }

    [Test]
    public void InitializerListedAsInputBecomesConstantUnlessKept()
    {
        var path = OnnxFixtures.Good("init_as_input_v13");
        var m = OnnxModelLoader.Load(path);
        Assert.That(m.Graph.Inputs.Select(i => i.Name), Is.EqualTo(new[] { "X" }));
        Assert.That(m.Graph.Initializers["S"].ToDoubleArray(), Is.EqualTo(new double[] { 2, 3 }));
        var kept = OnnxModelLoader.Load(path, new OnnxLoadOptions { KeepAsInputs = ["S"] });
        Assert.That(kept.Graph.Inputs.Select(i => i.Name), Is.EqualTo(new[] { "X", "S" }));
        Assert.That(kept.Graph.Initializers.ContainsKey("S"), Is.False);
    }

    [Test]
    public void UnsortedAcyclicGraphIsSorted()
    {
        var m = OnnxModelLoader.Load(OnnxFixtures.Good("unsorted_v13"));
        Assert.That(m.Graph.Nodes.Select(n => n.Name), Is.EqualTo(new[] { "first", "second" }));
    }

    [Test]
    public void FunctionIsInlinedWithAttributeReference()
    {
        var m = OnnxModelLoader.Load(OnnxFixtures.Good("function_v13"));
        var ops = m.Graph.Nodes.Select(n => n.OpType).ToList();
        Assert.That(ops, Is.EqualTo(new[] { "LeakyRelu", "Add" }));
        var lr = m.Graph.Nodes[0];
        Assert.Multiple(() =>
        {
            Assert.That(lr.Attributes["alpha"].F, Is.EqualTo(0.5f), "ref_attr_name 'a' takes the caller's value");
            Assert.That(lr.Inputs[0], Is.EqualTo("X"));
            Assert.That(m.Graph.Nodes[1].Outputs[0], Is.EqualTo("Y"));
            Assert.That(m.Graph.Nodes[1].Inputs[0], Is.EqualTo(lr.Outputs[0]));
            Assert.That(lr.Outputs[0], Does.StartWith("call/"), "internal values are renamed apart");
        });
    }

    [Test]
    public void IfBranchesSeeOuterScope()
    {
        var m = OnnxModelLoader.Load(OnnxFixtures.Good("if_v13"));
        var iff = m.Graph.Nodes.Single();
        var then = iff.Attributes["then_branch"].G!;
        Assert.That(then.Parent, Is.SameAs(m.Graph));
        Assert.That(then.OuterScope, Does.Contain("X"));
        Assert.That(then.Nodes.Single().Inputs, Is.EqualTo(new[] { "X", "X" }));
        Assert.That(then.TypeOf("X")!.DType, Is.EqualTo(DataType.Float32));
        Assert.That(m.Graph.SelfAndSubgraphs().Count(), Is.EqualTo(3));
    }

    [Test]
    public void LoopBodyIsASubgraph()
    {
        var m = OnnxModelLoader.Load(OnnxFixtures.Good("loop_v13"));
        var body = m.Graph.Nodes.Single().Attributes["body"].G!;
        Assert.That(body.Inputs.Select(i => i.Name), Is.EqualTo(new[] { "i", "c_in", "acc_in" }));
        Assert.That(m.Graph.Initializers["M"].GetInt64(0), Is.EqualTo(3));
    }

    [Test]
    public void SummaryDescribesModel()
    {
        var text = OnnxSummary.Describe(OnnxFixtures.Good("num_add_v13"));
        Assert.That(text, Does.Contain("ir_version: 8"));
        Assert.That(text, Does.Contain("ai.onnx 13"));
        Assert.That(text, Does.Contain("A: tensor(float, [batch, 3])"));
        Assert.That(text, Does.Contain("1  Add"));
    }
}

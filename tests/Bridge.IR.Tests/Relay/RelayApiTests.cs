using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relay;
using Bridge.Ir.Relay;
using Bridge.Ir.Relay.Text;

namespace Bridge.Ir.Tests.Relay;

[TestFixture]
public class RelayApiTests
{
    private const string Main = "#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(2, 3), float32], %w: Tensor[(4, 3), float32]) {\n  %0 = nn.dense(%x, %w, units=4);\n  nn.relu(%0)\n}\n";

    [Test]
    public void Registry_has_every_spec_op_with_typed_attrs()
    {
        RelayOps.EnsureRegistered();
        var ops = OpRegistry.All(Dialect.Relay);
        Assert.That(ops, Has.Count.GreaterThanOrEqualTo(222));
        var conv = RelayOps.Find("nn.conv2d")!;
        Assert.That(conv.AttrsType, Is.EqualTo(typeof(Conv2DAttrs)));
        Assert.That(conv.Schema.TypeKeys, Does.Contain("relay.attrs.Conv2DAttrs"));
        Assert.That(((Conv2DAttrs)conv.DefaultAttrs).KernelLayout, Is.EqualTo("OIHW"));
        Assert.That(conv.Inputs.Select(i => i.Name), Is.EqualTo(new[] { "data", "weight" }));
        Assert.That(((BatchMatmulAttrs)RelayOps.Find("nn.batch_matmul")!.DefaultAttrs).TransposeB, Is.False);
        Assert.That(RelayOps.Find("nn.conv2d")!.Has(RelayOpFacets.InferType), Is.True);
    }

    [Test]
    public void Rewriter_keeps_identity_when_nothing_changes()
    {
        var m = RelayTextReader.ParseModule(Main, "t");
        Assert.That(new Identity().VisitModule(m), Is.SameAs(m));
        var swapped = new ReluToSigmoid().VisitModule(m);
        Assert.That(swapped, Is.Not.SameAs(m));
        var body = (Call)swapped.Lookup("main")!.Body;
        Assert.That(body.Op!.Name, Is.EqualTo("sigmoid"));
        Assert.That(body.Args[0], Is.SameAs(((Call)m.Lookup("main")!.Body).Args[0]), "unchanged subtree is shared");
    }

    private sealed class Identity : RelayRewriter;

    private sealed class ReluToSigmoid : RelayRewriter
    {
        protected override Expr Rewrite(Expr original, Expr updated) =>
            updated is Call { Op.Name: "nn.relu" } c ? new Call(new OpRef(RelayOps.Find("sigmoid")!), c.Args, NoAttrs.Instance, []) : updated;
    }

    [Test]
    public void Bind_params_as_constants_and_as_params()
    {
        var m = RelayTextReader.ParseModule(Main, "t");
        var w = Tensor.Zeros(DataType.Float32, 4, 3);
        var asConst = RelayParams.Bind(m, [("w", w)], asConstants: true);
        Assert.That(asConst.Lookup("main")!.Params.Select(p => p.Name), Is.EqualTo(new[] { "x" }));
        RelayTypeInference.InferModule(asConst);
        Assert.That(asConst.Lookup("main")!.Body.CheckedType!.ToString(), Is.EqualTo("Tensor[(2, 4), float32]"));
        var kept = RelayParams.Bind(m, [("w", w)], asConstants: false);
        Assert.That(kept.Lookup("main")!.Params, Has.Length.EqualTo(2));
        var bad = Assert.Throws<BridgeException>(() => RelayParams.Bind(m, [("nope", w)], true));
        Assert.That(bad!.Diagnostic.Message, Does.Contain("nope"));
        var wrong = Assert.Throws<BridgeException>(() => RelayParams.Bind(m, [("w", Tensor.Zeros(DataType.Float32, 5, 3))], true));
        Assert.That(wrong!.Diagnostic.Id, Is.EqualTo(RelayParamsDiagnosticIds.ParamTypeMismatch));
    }

    [Test]
    public void Meta_table_from_tensors_orders_by_key_index()
    {
        var t = MetaTable.FromTensors([("relay.Constant.1", Tensor.Zeros(DataType.Int32, 2)), ("relay.Constant.0", Tensor.Zeros(DataType.Float32, 3))]);
        Assert.That(t.TryGet("relay.Constant", 0, out var c0), Is.True);
        Assert.That(((Constant)c0).Type.ToString(), Is.EqualTo("Tensor[(3), float32]"));
        var m = RelayTextReader.ParseModule("#[version = \"0.0.5\"]\ndef @main() { add(meta[relay.Constant][0], meta[relay.Constant][0]) }", "t", new RelayTextOptions { ExternalMeta = t });
        RelayTypeInference.InferModule(m);
        Assert.That(m.Lookup("main")!.Body.CheckedType!.ToString(), Is.EqualTo("Tensor[(3), float32]"));
    }

    [Test]
    public void Summary_lists_signatures_and_op_histogram()
    {
        var m = RelayTextReader.ParseModule(RelayCorpus.Read("text/menagerie_mnist.relay"), "mnist", RelayCorpus.Options("text/menagerie_mnist.relay"));
        RelayTypeInference.InferModule(m);
        var s = RelaySummary.Describe(m);
        Assert.That(s, Does.StartWith("@main(%x: Tensor[(1, 1, 28, 28), float32]) -> Tensor[(1, 10), float32]"));
        Assert.That(s, Does.Contain("nn.conv2d 2").And.Contain("add 3"));
    }

    [Test]
    public void Metadata_section_constants_are_decoded()
    {
        // A save_json Map with one relay.Constant whose tensor is float32[2] = {1, 2} (b64 NDArray blob, spec §3.2).
        var blob = new List<byte>();
        blob.AddRange(BitConverter.GetBytes(0xDD5E40F096B4A13FUL));
        blob.AddRange(BitConverter.GetBytes(0UL));
        blob.AddRange(BitConverter.GetBytes(1)); blob.AddRange(BitConverter.GetBytes(0)); // device
        blob.AddRange(BitConverter.GetBytes(1)); // ndim
        blob.AddRange([2, 32, 1, 0]); // float32
        blob.AddRange(BitConverter.GetBytes(2L));
        blob.AddRange(BitConverter.GetBytes(8L));
        blob.AddRange(BitConverter.GetBytes(1f)); blob.AddRange(BitConverter.GetBytes(2f));
        var b64 = Convert.ToBase64String(blob.ToArray());
        var json = "{\"root\": 1, \"nodes\": [{\"type_key\": \"\"}, {\"type_key\": \"Map\", \"keys\": [\"relay.Constant\"], \"data\": [2]}, " +
                   "{\"type_key\": \"Array\", \"data\": [3]}, {\"type_key\": \"relay.Constant\", \"attrs\": {\"data\": \"0\", \"span\": \"0\", \"virtual_device_\": \"4\"}}], " +
                   "\"b64ndarrays\": [\"" + b64 + "\"], \"attrs\": {\"tvm_version\": \"0.19.0\"}}";
        var text = "#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(2), float32]) {\n  add(%x, meta[relay.Constant][0])\n}\n\n#[metadata]\n" + json;
        var m = RelayTextReader.ParseModule(text, "t");
        var k = (Constant)((Call)m.Lookup("main")!.Body).Args[1];
        Assert.That(k.Value!.ToDoubleArray(), Is.EqualTo(new[] { 1.0, 2.0 }));
    }
}

[TestFixture]
public class RelayVersionHintTests
{
    [TestCase(null, false)]
    [TestCase("0.7", true)]
    [TestCase("0.8", false)]
    public void Batch_matmul_without_attrs_depends_on_the_printing_TVM(string? version, bool transposeB)
    {
        var e = RelayTextReader.ParseExpr("free_var %a: Tensor[(1, 2, 3), float32];\nfree_var %b: Tensor[(1, 4, 3), float32];\nnn.batch_matmul(%a, %b)", "t",
            new RelayTextOptions { RelayVersion = version });
        Assert.That(((BatchMatmulAttrs)((Call)e).Attrs).TransposeB, Is.EqualTo(transposeB));
    }
}

[TestFixture]
public class RelayMetadataPrintTests
{
    [Test]
    public void Bound_constants_print_with_a_metadata_section_that_reads_back()
    {
        var m = RelayTextReader.ParseModule("#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(2, 3), float32], %w: Tensor[(4, 3), float32]) {\n  nn.dense(%x, %w, units=4)\n}\n", "t");
        var w = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 4, 3);
        var bound = RelayParams.Bind(m, [("w", w)], asConstants: true);
        var text = RelayTextWriter.PrintModule(bound, showTypes: false);
        Assert.That(text, Does.Contain("nn.dense(%x, meta[relay.Constant][0], units=4)").And.Contain("\n#[metadata]\n"));
        var back = RelayTextReader.ParseModule(text, "back");
        Assert.That(RelayStructuralEqual.Equal(bound, back), Is.True);
        Assert.That(RelayTextWriter.PrintModule(back, showTypes: false), Is.EqualTo(text));
    }
}

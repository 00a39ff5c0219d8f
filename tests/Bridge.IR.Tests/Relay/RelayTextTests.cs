using System.Globalization;
using Bridge.Ir.Relay;
using Bridge.Ir.Relay.Text;

namespace Bridge.Ir.Tests.Relay;

[TestFixture]
public class RelayTextTests
{
    private static IEnumerable<string> Fixtures() => RelayCorpus.TextFixtures();

    [TestCaseSource(nameof(Fixtures))]
    public void Fixture_parses_and_print_parse_is_identity(string rel)
    {
        var text = RelayCorpus.Read(rel);
        var opt = RelayCorpus.Options(rel);
        if (RelayCorpus.IsExpression(rel))
        {
            var e = RelayTextReader.ParseExpr(text, rel, opt);
            var printed = RelayTextWriter.PrintExpr(e, showTypes: false);
            var e2 = RelayTextReader.ParseExpr(printed, rel + "#printed", opt);
            Assert.That(RelayStructuralEqual.Equal(e, e2), Is.True, printed);
            Assert.That(RelayTextWriter.PrintExpr(e2, showTypes: false), Is.EqualTo(printed));
            return;
        }
        var m = RelayTextReader.ParseModule(text, rel, opt);
        var p1 = RelayTextWriter.PrintModule(m, showTypes: false);
        var m2 = RelayTextReader.ParseModule(p1, rel + "#printed", opt with { InitialModule = null });
        Assert.That(RelayStructuralEqual.Equal(m, m2), Is.True, p1);
        Assert.That(RelayTextWriter.PrintModule(m2, showTypes: false), Is.EqualTo(p1));
    }

    [Test]
    public void Printer_matches_TVM_call_node_order_exactly()
    {
        var text = RelayCorpus.Read("text/printer_call_node_order.relay");
        var e = RelayTextReader.ParseExpr(text, "printer_call_node_order.relay");
        Assert.That(RelayTextWriter.PrintExpr(e, showTypes: false), Is.EqualTo(text.ReplaceLineEndings("\n")));
    }

    private static IEnumerable<TestCaseData> Literals()
    {
        foreach (var line in File.ReadLines(Path.Combine(RelayCorpus.Root, "text", "literals.tsv")))
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            var f = line.Split('\t');
            yield return new TestCaseData(f[0], f[1], f[2]).SetName("Literal " + f[0]);
        }
    }

    [TestCaseSource(nameof(Literals))]
    public void Literal_has_TVM_dtype_and_value(string text, string dtype, string value)
    {
        if (dtype == "ERROR")
        {
            var ex = Assert.Throws<BridgeException>(() => RelayTextReader.ParseExpr(text, "lit"));
            Assert.That(ex!.Diagnostic.Loc, Is.TypeOf<SourceLoc.Text>());
            return;
        }
        var c = (Constant)RelayTextReader.ParseExpr(text, "lit");
        Assert.That(c.Type.DType.ToString(), Is.EqualTo(dtype));
        if (dtype == "bool") Assert.That(c.Value!.GetInt64(0) != 0, Is.EqualTo(value == "true"));
        else Assert.That(c.Value!.GetDouble(0), Is.EqualTo(double.Parse(value, CultureInfo.InvariantCulture)).Within(1e-6 * Math.Max(1, Math.Abs(double.Parse(value, CultureInfo.InvariantCulture)))));
    }

    [TestCase("42", "int16", "42i16")]
    [TestCase("42", "int32", "42")]
    [TestCase("42", "int64", "42i64")]
    [TestCase("3.0", "float16", "3f16")]
    [TestCase("3.0", "float32", "3f")]
    [TestCase("3.0", "float64", "3f64")]
    public void Printer_spells_scalars_like_TVM(string value, string dtype, string expected)
    {
        // Mirrors corpora/relay/text/printer_scalars.tsv.
        var t = Tensor.Scalar(DataType.Parse(dtype), double.Parse(value, CultureInfo.InvariantCulture));
        var printed = RelayTextWriter.PrintExpr(new Constant(t), showTypes: false);
        Assert.That(printed, Is.EqualTo("#[version = \"0.0.5\"]\n" + expected + "\n"));
    }

    [Test]
    public void Printer_scalars_tsv_is_covered()
    {
        var rows = File.ReadLines(Path.Combine(RelayCorpus.Root, "text", "printer_scalars.tsv")).Count(l => l.Length > 0 && !l.StartsWith('#'));
        Assert.That(rows, Is.EqualTo(6));
    }

    [Test]
    public void Unknown_attribute_names_op_and_attribute_with_position()
    {
        var ex = Assert.Throws<BridgeException>(() => RelayTextReader.ParseExpr("free_var %x: Tensor[(1, 2), float32];\nnn.softmax(%x, axes=1)", "bad.relay"));
        Assert.That(ex!.Diagnostic.Message, Does.Contain("nn.softmax").And.Contain("axes"));
        Assert.That(ex.Diagnostic.Loc, Is.EqualTo(new SourceLoc.Text("bad.relay", 2, 11)));
        Assert.That(ex.Diagnostic.SourceLine, Is.EqualTo("nn.softmax(%x, axes=1)"));
    }

    [Test]
    public void Missing_meta_table_names_the_reference_and_line()
    {
        var m = RelayTextReader.ParseModule(RelayCorpus.Read("text/menagerie_mnist.relay"), "mnist.relay");
        var ex = Assert.Throws<BridgeException>(() => RelayTypeInference.InferModule(m));
        Assert.That(ex!.Diagnostic.Message, Does.Contain("meta[relay.Constant][0]"));
        Assert.That(ex.Diagnostic.Loc, Is.EqualTo(new SourceLoc.Text("mnist.relay", 4, 22)));
    }

    [Test]
    public void Graph_temporary_bound_twice_is_a_diagnostic()
    {
        var ex = Assert.Throws<BridgeException>(() => RelayTextReader.ParseExpr("free_var %x: float32;\n%0 = add(%x, %x);\n%0 = add(%0, %x);\n%0", "t"));
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(RelayTextDiagnosticIds.DuplicateTemp));
        Assert.That(ex.Diagnostic.Loc, Is.EqualTo(new SourceLoc.Text("t", 3, 1)));
    }

    [Test]
    public void Dotted_local_name_resolves_as_name_when_in_scope_else_projection()
    {
        var e = (Function)RelayTextReader.ParseExpr("fn (%input.1: (float32, float32)) { %input.1 }", "t");
        Assert.That(e.Body, Is.SameAs(e.Params[0]));
        var f = (Function)RelayTextReader.ParseExpr("fn (%input: (float32, float32)) { %input.1 }", "t");
        Assert.That(f.Body, Is.TypeOf<TupleGetItem>());
        Assert.That(((TupleGetItem)f.Body).Index, Is.EqualTo(1));
    }

    [Test]
    public void Graph_temporaries_keep_dag_sharing()
    {
        var e = RelayTextReader.ParseExpr("free_var %x: float32;\n%0 = add(%x, %x);\nmultiply(%0, %0)", "t");
        var c = (Call)e;
        Assert.That(c.Args[0], Is.SameAs(c.Args[1]));
    }

    [Test]
    public void Strings_decode_printer_escapes()
    {
        var e = (Function)RelayTextReader.ParseExpr("fn (%x, Compiler=\"a\\\"b\\\\c\\x41\") { %x }", "t");
        Assert.That(e.Attrs["Compiler"], Is.EqualTo("a\"b\\cA"));
    }
}

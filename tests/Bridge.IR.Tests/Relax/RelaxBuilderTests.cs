using Bridge.Ir.Ops.Relax;
using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;
using NUnit.Framework;

namespace Bridge.Ir.Tests.Relax;

public class RelaxBuilderTests
{
    private static TensorSInfo Ten(DataType dt, params SymExpr[] d) => new(new ValueArray<SymExpr>(d), dt);

    [Test]
    public void Builder_NamesLikeTvm_AndInfers()
    {
        var n = new SymVar("n");
        var x = new Var("x", Ten(DataType.Float32, n, 3));
        var w = new Var("w", Ten(DataType.Float32, 3, 4));
        var bb = new BlockBuilder();
        bb.BeginFunction("main", x, w);
        bb.BeginDataflowBlock();
        var lv = bb.Emit(BlockBuilder.Op("matmul", null, x, w));
        var lv1 = bb.Emit(BlockBuilder.Op("nn.relu", null, lv));
        var gv = bb.EmitOutput(BlockBuilder.Op("add", null, lv1, lv));
        bb.EndBlock();
        bb.EndFunction(gv);
        var m = bb.GetModule();
        Assert.That((lv.Name, lv1.Name, gv.Name), Is.EqualTo(("lv", "lv1", "gv")));
        Assert.That(lv, Is.TypeOf<DataflowVar>());
        Assert.That(((TensorSInfo)gv.Info!).Shape!.Value.Items, Is.EqualTo(new SymExpr[] { n, 4 }));
        Assert.That(RelaxWellFormed.Check(m), Is.Empty);
        var text = RelaxScriptPrinter.Print(m, new RelaxPrinterOptions { TargetVersion = RelaxVersion.Parse("0.26") });
        Assert.That(text, Does.Contain("lv: R.Tensor((n, 4), dtype=\"float32\") = R.matmul(x, w, out_dtype=None)"));
        Assert.That(text, Does.Contain("def main(x: R.Tensor((\"n\", 3), dtype=\"float32\")"));
        var back = RelaxScriptReader.Parse(text, "built.py");
        Assert.That(RelaxStructuralEqual.Modules(m, back), Is.True, text);
    }

    [Test]
    public void Builder_NestedCallsAreBound_AndUnprovableAnnotationBecomesMatchCast()
    {
        var n = new SymVar("n");
        var m = new SymVar("m");
        var x = new Var("x", Ten(DataType.Float32, n));
        var y = new Var("y", Ten(DataType.Float32, m));
        var bb = new BlockBuilder();
        bb.BeginFunction("f", x, y);
        bb.BeginDataflowBlock();
        var lv = bb.Emit(BlockBuilder.Op("add", null, BlockBuilder.Op("exp", null, x), y)); // exp bound first
        Assert.That(lv.Name, Is.EqualTo("lv1"));
        Assert.That(((TensorSInfo)lv.Info!).Shape, Is.Null, "n vs m broadcast is unknown");
        Assert.That(bb.Unproven, Is.Not.Empty);
        var cast = bb.EmitAnnotated(lv, Ten(DataType.Float32, n));
        var gv = bb.EmitOutput(cast);
        bb.EndBlock();
        var f = bb.EndFunction(gv);
        Assert.That(f.Body.Blocks[0].Bindings.OfType<MatchCast>().Count(), Is.EqualTo(1));
        Assert.That(RelaxWellFormed.Check(bb.GetModule()), Is.Empty);
    }

    private static IRModule Parse(string body, string sig = "x: R.Tensor((2, 3), \"float32\")", string deco = "@R.function") =>
        RelaxScriptReader.Parse($"@I.ir_module\nclass Module:\n    {deco}\n    def main({sig}):\n" + body, "wf.py");

    [Test]
    public void WellFormed_AllFixturesPass()
    {
        var dir = Path.Combine(FindRoot(), "corpora", "relax");
        foreach (var f in Directory.GetFiles(dir, "*.py").Where(p => !Path.GetFileName(p).Contains("fragment", StringComparison.Ordinal)))
        {
            var m = RelaxScriptReader.Parse(File.ReadAllText(f), f);
            Assert.That(RelaxWellFormed.Check(m), Is.Empty, f);
        }
    }

    internal static string FindRoot()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (!Directory.Exists(Path.Combine(d!.FullName, "corpora", "relax"))) d = d.Parent;
        return d.FullName;
    }

    [Test]
    public void WellFormed_ReportsInvariantNumbers()
    {
        // 3: a dataflow var used after its block (built directly; the reader would reject it earlier).
        var x = new Var("x", Ten(DataType.Float32, 2));
        var lv = new DataflowVar("lv", Ten(DataType.Float32, 2));
        var exp = BlockBuilder.Op("exp", null, x);
        var call = new Call(exp.Callee, exp.Args, exp.Attrs, []) { Info = Ten(DataType.Float32, 2) };
        var f = new Function([x], new SeqExpr([new DataflowBlock([new VarBinding(lv, call)])], lv), Ten(DataType.Float32, 2), true, [new("global_symbol", "main")]);
        var m = new IRModule("Module", [new ModuleEntry(new GlobalVar("main"), f)]);
        Assert.That(RelaxWellFormed.Check(m).Select(d => d.Id.Code), Does.Contain(3703));

        // 4: a symbolic var nobody defines.
        var k = new SymVar("k");
        var y = new Var("y", Ten(DataType.Float32, k));
        var g = new Function([x], new SeqExpr([new BindingBlock([new VarBinding(y, call)])], y), null, true, [new("global_symbol", "main")]);
        Assert.That(RelaxWellFormed.Check(new IRModule("Module", [new ModuleEntry(new GlobalVar("main"), g)])).Select(d => d.Id.Code), Does.Contain(3704));

        // 5: impure op in a pure function (the reader builds it; the checker rejects it).
        var impure = Parse("        R.print(x, format=\"hi\")\n        return x\n");
        Assert.That(RelaxWellFormed.Check(impure).Select(d => d.Id.Code), Does.Contain(3705));
        Assert.That(RelaxWellFormed.Check(Parse("        R.print(x, format=\"hi\")\n        return x\n", deco: "@R.function(pure=False)")), Is.Empty);

        // 1 and 2: use before def and double definition.
        var z = new Var("z", Ten(DataType.Float32, 2));
        var h = new Function([x], new SeqExpr([new BindingBlock([new VarBinding(z, z), new VarBinding(z, x)])], z), null, true, []);
        var codes = RelaxWellFormed.Check(new IRModule("Module", [new ModuleEntry(new GlobalVar("main"), h)])).Select(d => d.Id.Code).ToList();
        Assert.That(codes, Does.Contain(3701).And.Contain(3702));
    }

    [Test]
    public void DeepFunction_10kBindings_NoStackOverflow()
    {
        var x = new Var("x", Ten(DataType.Float32, 4));
        var bb = new BlockBuilder();
        bb.BeginFunction("main", x);
        bb.BeginDataflowBlock();
        Expr cur = x;
        for (var i = 0; i < 10_000; i++) cur = bb.Emit(BlockBuilder.Op("nn.relu", null, cur));
        var gv = bb.EmitOutput(cur);
        bb.EndBlock();
        bb.EndFunction(gv);
        var m = bb.GetModule();
        Assert.That(RelaxWellFormed.Check(m), Is.Empty);
        var text = RelaxScriptPrinter.Print(m);
        var back = RelaxScriptReader.Parse(text, "deep.py");
        Assert.That(RelaxStructuralEqual.Modules(m, back), Is.True);
        Assert.That(ReferenceEquals(new RelaxRewriter().VisitModule(m), m), Is.True, "a no-op rewrite keeps identity");
    }

    [Test]
    public void Rewriter_ReplacesOnlyWhatChanged()
    {
        var m = RelaxScriptReader.Parse(File.ReadAllText(Path.Combine(FindRoot(), "corpora", "relax", "src_ep_dynamic_shape_add.py")), "x.py");
        var r = new ReplaceAdd().VisitModule(m);
        Assert.That(ReferenceEquals(r, m), Is.False);
        var text = RelaxScriptPrinter.Print(r);
        Assert.That(text, Does.Contain("R.subtract(lhs, rhs)"));
        var f0 = m.Entries[0].Function!;
        var f1 = r.Entries[0].Function!;
        Assert.That(ReferenceEquals(f0.Params[0], f1.Params[0]), Is.True);
    }

    private sealed class ReplaceAdd : RelaxRewriter
    {
        public override Expr VisitCall(Call c) => c.Op?.Name == "relax.add"
            ? new Call(BlockBuilder.Op("subtract", null).Callee, c.Args, c.Attrs, c.SInfoArgs, c.Loc) { Info = c.Info }
            : base.VisitCall(c);
    }
}

using Bridge.Compat.Pipeline;
using Bridge.Ir.Relax.Script;
using Bridge.Translators.RelayToRelax;
using Relax = Bridge.Ir.Relax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Translators.Tests;

/// <summary>Program structure (functions, recursion, let, if, closures, tuples), symbolic dims and locations.</summary>
[TestFixture]
public class StructureAndShapeTests
{
    private static (Relax.IRModule M, string Text, TranslationStats Stats) Run(string text, TranslatorOptions? opt = null)
    {
        var relay = MigrationPipeline.ReadRelayText(text, "<t>", new Relay.Text.RelayTextOptions());
        Relay.RelayTypeInference.InferModule(relay);
        var (m, stats) = RelayToRelaxTranslator.Translate(relay, opt ?? new TranslatorOptions { SourcePath = "<t>" });
        RelaxOutputCheck.Check(m);
        Ir.Relax.RelaxWellFormed.ThrowIfInvalid(m);
        var printed = RelaxScriptPrinter.Print(m);
        RelaxOutputCheck.Check(RelaxScriptReader.Parse(printed, "<t>.py"));
        return (m, printed, stats);
    }

    private static Relax.Function Fn(Relax.IRModule m, string name) => m.Functions.Single(f => f.Var.Name == name).Function;

    [Test]
    public void RecursionThroughGlobalVarWithIf()
    {
        const string text = """
            #[version = "0.0.5"]
            def @fact(%n: int32) -> int32 {
              if (equal(%n, 0)) { 1 } else { multiply(%n, @fact(subtract(%n, 1))) }
            }
            def @main(%x: int32) -> int32 { @fact(%x) }
            """;
        var (m, t, stats) = Run(text);
        Assert.That(stats.Functions, Is.EqualTo(2));
        var fact = Fn(m, "fact");
        var ifs = fact.Body.Blocks.SelectMany(b => b.Bindings).Where(b => b.Value is Relax.If).ToList();
        Assert.That(ifs, Has.Count.EqualTo(1));
        Assert.That(fact.Body.Blocks.Where(b => b.Bindings.Any(x => x.Value is Relax.If)).All(b => !b.IsDataflow), "if is outside dataflow blocks");
        var els = ((Relax.If)ifs[0].Value).Else;
        Assert.That(els.Blocks.SelectMany(b => b.Bindings).Any(b => b.Value is Relax.Call { Callee: Relax.GlobalVar { Name: "fact" } }), "recursive call in the else branch");
        Assert.That(t, Does.Contain("cls.fact("));
        Assert.That(Fn(m, "main").Body.Blocks.SelectMany(b => b.Bindings).Any(b => b.Value is Relax.Call { Callee: Relax.GlobalVar { Name: "fact" } }));
    }

    [Test]
    public void LetBindingsKeepTheirNamesAndPureRegionsAreDataflow()
    {
        var (m, t, _) = Run("""
            #[version = "0.0.5"]
            def @main(%x: Tensor[(2, 3), float32]) {
              let %y = add(%x, 1f);
              let %z = multiply(%y, %y);
              %z
            }
            """);
        var main = Fn(m, "main");
        Assert.That(main.Body.Blocks, Has.Length.EqualTo(1));
        Assert.That(main.Body.Blocks[0].IsDataflow);
        var names = main.Body.Blocks[0].Bindings.Select(b => b.Var.Name).ToList();
        Assert.That(names, Is.EqualTo(new[] { "y", "z" }));
        Assert.That(main.Body.Blocks[0].Bindings[0].Var, Is.InstanceOf<Relax.DataflowVar>());
        Assert.That(main.Body.Blocks[0].Bindings[1].Var, Is.Not.InstanceOf<Relax.DataflowVar>(), "the returned var is the block output");
        Assert.That(t, Does.Contain("R.output(z)"));
    }

    [Test]
    public void LetBoundClosureIsLiftedToAPrivateFunction()
    {
        var (m, t, stats) = Run("""
            #[version = "0.0.5"]
            def @main(%x: Tensor[(2), float32]) {
              let %f = fn (%y: Tensor[(2), float32]) { add(%x, %y) };
              %f(%f(%x))
            }
            """);
        var lifted = m.Functions.Single(f => f.Var.Name != "main");
        Assert.That(lifted.Function.IsPrivate, "lifted closures are private");
        Assert.That(lifted.Function.Params, Has.Length.EqualTo(2), "captured %x comes first, then %y");
        var calls = Fn(m, "main").Body.Blocks.SelectMany(b => b.Bindings).Select(b => b.Value).OfType<Relax.Call>().Where(c => c.Callee is Relax.GlobalVar).ToList();
        Assert.That(calls, Has.Count.EqualTo(2));
        Assert.That(calls.All(c => c.Args.Length == 2));
        Assert.That(stats.Functions, Is.EqualTo(2));
        Assert.That(t, Does.Contain("private=True"));
    }

    [Test]
    public void TuplesAndProjections()
    {
        var (m, _, _) = Run("""
            #[version = "0.0.5"]
            def @main(%x: Tensor[(4, 6), float32]) -> (Tensor[(4, 2), float32], Tensor[(4, 4), float32]) {
              %0 = split(%x, indices_or_sections=[2], axis=1);
              (%0.0, %0.1)
            }
            """);
        var ret = (Relax.TupleSInfo)Fn(m, "main").RetInfo!;
        Assert.That(ret.Fields, Has.Length.EqualTo(2));
        Assert.That(((Relax.TensorSInfo)ret.Fields[1]).Shape!.Value.Select(d => d.AsConst), Is.EqualTo(new long?[] { 4, 4 }));
    }

    [Test]
    public void AnyDimsBecomeNamedVarsDerivedFromTheParameter()
    {
        var (m, _, stats) = Run("""
            #[version = "0.0.5"]
            def @main(%data: Tensor[(?, 3, ?), float32]) { nn.relu(%data) }
            """);
        var p = (Relax.TensorSInfo)Fn(m, "main").Params[0].Info!;
        Assert.That(((SymVar)p.Shape!.Value[0]).Name, Is.EqualTo("data_dim0"));
        Assert.That(((SymVar)p.Shape!.Value[2]).Name, Is.EqualTo("data_dim2"));
        Assert.That(p.Shape!.Value[1].AsConst, Is.EqualTo(3), "static stays static");
        var ret = (Relax.TensorSInfo)Fn(m, "main").RetInfo!;
        Assert.That(ret.Shape!.Value[0], Is.SameAs(p.Shape!.Value[0]), "the return is symbolic in the same var");
        Assert.That(stats.SymbolicVars, Is.EqualTo(new[] { "data_dim0", "data_dim2" }));
        Assert.That(stats.MatchCasts, Is.Zero);
    }

    private const string TwoInputs = """
        #[version = "0.0.5"]
        def @main(%x: Tensor[(?, 8), float32], %y: Tensor[(?, 8), float32]) { add(%x, %y) }
        """;

    [Test]
    public void UnrelatedAnysNeedAMatchCast()
    {
        var (m, t, stats) = Run(TwoInputs);
        Assert.That(stats.MatchCasts, Is.EqualTo(1), "Relax cannot broadcast x_dim0 with y_dim0; Relay's type says the result has rank 2, dim 1 = 8");
        Assert.That(Fn(m, "main").Body.Blocks.SelectMany(b => b.Bindings).OfType<Relax.MatchCast>().Count(), Is.EqualTo(1));
        Assert.That(t, Does.Contain("R.match_cast("));
    }

    [Test]
    public void ShapeOptionUnifiesDimsByName()
    {
        var opt = new TranslatorOptions { Shapes = ShapeArgs.Parse(["x=n,8", "y=n,8"]).InputShapes };
        var (m, _, stats) = Run(TwoInputs, opt);
        Assert.That(stats.MatchCasts, Is.Zero);
        Assert.That(stats.SymbolicVars, Is.EqualTo(new[] { "n" }));
        var ret = (Relax.TensorSInfo)Fn(m, "main").RetInfo!;
        Assert.That(((SymVar)ret.Shape!.Value[0]).Name, Is.EqualTo("n"));
    }

    [Test]
    public void ShapeOptionCanFixADim()
    {
        var opt = new TranslatorOptions { Shapes = ShapeArgs.Parse(["x=4,8"]).InputShapes };
        var (m, _, _) = Run("""
            #[version = "0.0.5"]
            def @main(%x: Tensor[(?, 8), float32]) { nn.relu(%x) }
            """, opt);
        Assert.That(((Relax.TensorSInfo)Fn(m, "main").RetInfo!).Shape!.Value[0].AsConst, Is.EqualTo(4));
    }

    /// <summary>Shapes the one <c>--shape</c> grammar (<see cref="ShapeArgs"/>) reads but the module refuses: the translator's BRG4002.</summary>
    [TestCase("z=n,8", "no parameter %z")]
    [TestCase("x=[n]", "rank 2")]
    [TestCase("x=n,9", "static 8")]
    [TestCase("x=1n,8", "neither an integer nor an identifier")]
    public void BadShapeOptionsAreReported(string spec, string message)
    {
        var ex = Assert.Throws<BridgeException>(() => Run(TwoInputs, new TranslatorOptions { Shapes = ShapeArgs.Parse([spec]).InputShapes }))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(RelayToRelaxDiagnosticIds.BadShapeOption));
        Assert.That(ex.Diagnostic.Message, Does.Contain(message));
    }

    /// <summary>Text the grammar itself refuses (BRG6760), before the translator sees it.</summary>
    [TestCase("x=n,8;x=m,8", "given twice")]
    [TestCase("x", "NAME=")]
    [TestCase("x=n", "not a size")]
    public void MalformedShapeOptionsAreRefusedByTheOneGrammar(string spec, string message)
    {
        var ex = Assert.Throws<BridgeException>(() => ShapeArgs.Parse([spec]))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(PipelineDiagnosticIds.BadShapeArgument));
        Assert.That(ex.Diagnostic.Message, Does.Contain(message));
    }

    [Test]
    public void EveryBindingKeepsItsRelayLocation()
    {
        var (m, _, _) = Run("""
            #[version = "0.0.5"]
            def @main(%x: Tensor[(4, 6), float32], %w: Tensor[(8, 6), float32]) {
              %0 = nn.dense(%x, %w, units=8);
              nn.relu(%0)
            }
            """);
        var bs = Fn(m, "main").Body.Blocks.SelectMany(b => b.Bindings).ToList();
        Assert.That(bs, Has.Count.EqualTo(3));
        Assert.That(bs.Select(b => b.Loc), Has.All.InstanceOf<SourceLoc.Text>());
        Assert.That(bs.Take(2).Select(b => ((SourceLoc.Text)b.Loc).Line), Has.All.EqualTo(3), "both bindings of nn.dense come from line 3");
        Assert.That(((SourceLoc.Text)bs[2].Loc).Line, Is.EqualTo(4));
    }

    [Test]
    public void NodesWithoutSpanGetFunctionAndBindingIndex()
    {
        var x = new Relay.Var("x", Relay.TensorType.Of(Core.Tensors.DataType.Float32, 2));
        var relu = Ir.Ops.Relay.RelayOps.Find("nn.relu")!;
        var body = new Relay.Call(new Relay.OpRef(relu), [x], Ir.Ops.NoAttrs.Instance, []);
        var body2 = new Relay.Call(new Relay.OpRef(relu), [body], Ir.Ops.NoAttrs.Instance, []);
        var mod = new Relay.IRModule();
        mod.Add(new Relay.GlobalVar("main"), new Relay.Function([x], body2, null, [], Relay.DictAttrs.Empty));
        var (m, _) = RelayToRelaxTranslator.Translate(mod, new TranslatorOptions { SourcePath = "built.py" });
        var locs = Fn(m, "main").Body.Blocks.SelectMany(b => b.Bindings).Select(b => b.Loc).ToList();
        Assert.That(locs, Is.EqualTo(new SourceLoc[] { new SourceLoc.Binding("built.py", "main", 0), new SourceLoc.Binding("built.py", "main", 1) }));
    }

    [Test]
    public void ConstantsBecomeParametersOrAreBound()
    {
        const string text = """
            #[version = "0.0.5"]
            def @main(%x: Tensor[(2), float32]) { add(%x, meta[relay.Constant][0]) }
            """;
        var meta = Relay.MetaTable.FromTensors([("relay.Constant.0", Core.Tensors.Tensor.FromArray([1f, 2f], 2))]);
        Relax.IRModule Go(bool bind)
        {
            var relay = Relay.Text.RelayTextReader.ParseModule(text, "<c>", new Relay.Text.RelayTextOptions { ExternalMeta = meta });
            return RelayToRelaxTranslator.Translate(relay, new TranslatorOptions { BindParams = bind }).Module;
        }
        var kept = Fn(Go(false), "main");
        Assert.That(kept.Params.Select(p => p.Name), Is.EqualTo(new[] { "x", "const0" }));
        Assert.That(kept.Attrs.Single(a => a.Key == "num_input").Value, Is.EqualTo(1L));
        var bound = Fn(Go(true), "main");
        Assert.That(bound.Params, Has.Length.EqualTo(1));
        Assert.That(bound.Body.Blocks.SelectMany(b => b.Bindings).Select(b => b.Value).OfType<Relax.Call>().Single().Args[1], Is.InstanceOf<Relax.Constant>());
    }

    [Test]
    public void ParamsAreBoundByName()
    {
        var relay = Relay.Text.RelayTextReader.ParseModule("""
            #[version = "0.0.5"]
            def @main(%x: Tensor[(2), float32], %w: Tensor[(2), float32]) { multiply(%x, %w) }
            """, "<p>");
        var ps = new Dictionary<string, Core.Tensors.Tensor> { ["w"] = Core.Tensors.Tensor.FromArray([3f, 4f], 2) };
        var (m, _) = RelayToRelaxTranslator.Translate(relay, new TranslatorOptions { BindParams = true, Params = ps });
        Assert.That(Fn(m, "main").Params.Select(p => p.Name), Is.EqualTo(new[] { "x" }));
        var bad = new Dictionary<string, Core.Tensors.Tensor> { ["w"] = Core.Tensors.Tensor.FromArray([3f, 4f, 5f], 3) };
        var relay2 = Relay.Text.RelayTextReader.ParseModule("""
            #[version = "0.0.5"]
            def @main(%x: Tensor[(2), float32], %w: Tensor[(2), float32]) { multiply(%x, %w) }
            """, "<p>");
        var ex = Assert.Throws<BridgeException>(() => RelayToRelaxTranslator.Translate(relay2, new TranslatorOptions { BindParams = true, Params = bad }))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(RelayToRelaxDiagnosticIds.MissingConstant));
    }

    [Test]
    public void AdtsRefsAndMatchGiveOneListWithEveryConstruct()
    {
        const string text = """
            #[version = "0.0.5"]
            type Box[A] { MkBox(A) }
            def @main(%x: Tensor[(2), float32]) {
              %0 = ref(%x);
              %1 = ref_read(%0);
              %2 = MkBox(%1);
              match (%2) { MkBox(%y) => %y }
            }
            """;
        var relay = Relay.Text.RelayTextReader.ParseModule(text, "adt.relay");
        var ex = Assert.Throws<BridgeException>(() => RelayToRelaxTranslator.Translate(relay))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(RelayToRelaxDiagnosticIds.Unsupported));
        var msg = ex.Diagnostic.Render();
        foreach (var what in new[] { "ADT definition 'Box'", "ref(...)", "ref_read(...)", "constructor MkBox", "match" }) Assert.That(msg, Does.Contain(what));
        Assert.That(ex.Diagnostic.Related, Has.Length.EqualTo(5));
        Assert.That(ex.Diagnostic.Related.Where(d => d.Loc is SourceLoc.Text).Select(d => ((SourceLoc.Text)d.Loc).Line), Is.Ordered);
    }

    [Test]
    public void UnsupportedOpsAreListedWithTheirLocation()
    {
        var relay = Relay.Text.RelayTextReader.ParseModule("""
            #[version = "0.0.5"]
            def @main(%x: Tensor[(1, 4, 8, 8), float32]) {
              %0 = nn.lrn(%x);
              nn.relu(%0)
            }
            """, "lrn.relay");
        var ex = Assert.Throws<BridgeException>(() => RelayToRelaxTranslator.Translate(relay))!;
        Assert.That(ex.Diagnostic.Message, Does.Contain("op nn.lrn"));
        Assert.That(ex.Diagnostic.Loc, Is.InstanceOf<SourceLoc.Text>());
        Assert.That(((SourceLoc.Text)ex.Diagnostic.Loc).Line, Is.EqualTo(3));
    }

    [Test]
    public void BenchChainTranslates()
    {
        var prepared = RelayToRelaxBench.Prepare(2000);
        var m = RelayToRelaxBench.Translate(prepared);
        Assert.That(Fn(m, "main").Body.Blocks.Sum(b => b.Bindings.Length), Is.EqualTo(2000 + 2000 / 5), "one binding per op, plus the permute of each dense");
    }
}

/// <summary>Relay save_json input gives the same Relax module as the Relay text it was written from.</summary>
[TestFixture]
public class RelayJsonInputTests
{
    [Test]
    public void JsonAndTextConvertToTheSameTvmScript()
    {
        const string text = """
            #[version = "0.0.5"]
            def @main(%x: Tensor[(?, 3, 8, 8), float32], %w: Tensor[(4, 3, 3, 3), float32]) {
              %0 = nn.conv2d(%x, %w, padding=[1, 1]);
              %1 = nn.relu(%0);
              nn.global_avg_pool2d(%1)
            }
            """;
        var dir = Path.Combine(Path.GetTempPath(), "bridge-tr-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var relayPath = Path.Combine(dir, "m.relay");
            File.WriteAllText(relayPath, text);
            var jsonPath = Path.Combine(dir, "m.json");
            File.WriteAllText(jsonPath, Relay.Json.RelayJsonWriter.WriteModule(Relay.Text.RelayTextReader.ParseModule(text, relayPath)));
            var fromText = MigrationPipeline.Run(new MigrationOptions { InputPath = relayPath });
            var fromJson = MigrationPipeline.Run(new MigrationOptions { InputPath = jsonPath });
            Assert.That(fromJson.Text, Is.EqualTo(fromText.Text));
            Assert.That(fromJson.Summary.SymbolicVars, Is.EqualTo(new[] { "x_dim0" }));
        }
        finally { Directory.Delete(dir, true); }
    }
}

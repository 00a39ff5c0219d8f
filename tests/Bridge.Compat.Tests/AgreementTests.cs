using Bridge.Backends.Reference;
using Bridge.Compat.Check;
using Bridge.Compat.Zoo;
using Bridge.Ir.Ops;
using Bridge.Tests.Shared;
using Bridge.Translators.RelayToRelax;

namespace Bridge.Compat.Tests;

/// <summary>The Relay and Relax interpreters agree on every Relay fixture the translator converts.</summary>
public class AgreementTests
{
    internal static string Corpora
    {
        get
        {
            var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (d is not null && !Directory.Exists(Path.Combine(d.FullName, "corpora", "relay"))) d = d.Parent;
            return Path.Combine(d?.FullName ?? throw new AssertionException("corpora/ not found above the test directory"), "corpora");
        }
    }

    // Big networks run on small spatial sizes (they end in global pooling, so any size >= 32 is valid); gpt2 is Slow.
    private static readonly Dictionary<string, (string From, string To)> s_shrink = new()
    {
        ["menagerie_resnet50.relay"] = ("(1, 3, 224, 224)", "(1, 3, 64, 64)"),
        ["menagerie_mobilenet.relay"] = ("(1, 3, 224, 224)", "(1, 3, 64, 64)"),
    };

    public static IEnumerable<TestCaseData> Fixtures()
    {
        foreach (var f in Directory.GetFiles(Path.Combine(Corpora, "relay", "text"), "*.relay").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(f);
            var tc = new TestCaseData(name).SetName($"Agree({name})");
            if (name == "menagerie_gpt2_extract.relay") tc = tc.SetCategory("Slow");
            yield return tc;
        }
    }

    [TestCaseSource(nameof(Fixtures))]
    public void Relay_And_Relax_Interpreters_Agree(string name)
    {
        var src = Path.Combine(Corpora, "relay", "text", name);
        var path = src;
        if (s_shrink.TryGetValue(name, out var sh))
        {
            var dir = Directory.CreateTempSubdirectory("bridge-agree-").FullName;
            path = Path.Combine(dir, name);
            File.WriteAllText(path, File.ReadAllText(src).Replace(sh.From, sh.To, StringComparison.Ordinal));
            File.Copy(Path.ChangeExtension(src, ".consts.json"), Path.ChangeExtension(path, ".consts.json"));
        }
        LoadedModel model;
        Ir.Relax.IRModule relax;
        try
        {
            model = LoadedModel.Load(path, new LoadOptions { RandomWeights = true }); // TVM's menagerie: types-only meta tables
            relax = ModelChecker.Translate(model);
            _ = model.Inputs(); // a module without @main (and more than one function) has nothing to run: BRG6007 (NoEntry)
        }
        catch (BridgeException ex)
        {
            // Listed in corpora/known-failures.txt with its reason, or a failing test: never a skip.
            KnownFailures.Expect(Corpora, "relay/text/" + name, "agree", ex.Diagnostic);
            return;
        }
        KnownFailures.Expect(Corpora, "relay/text/" + name, "agree", null);
        var anyDims = model.Inputs().Any(i => i.Shape.Any(d => d.Value is null));
        foreach (var dim in anyDims ? new long[] { 1, 2, 3 } : [1])
        {
            var load = new LoadOptions { Dims = new Dictionary<string, long> { ["?"] = dim }, Seed = 7 };
            var inputs = model.MakeInputs(load);
            var a = ModelChecker.RunRelay(model, inputs, "main", null, default);
            var b = ModelChecker.RunRelax(relax, model, inputs, "main", null, default);
            Assert.That(b.Count, Is.EqualTo(a.Count));
            for (var i = 0; i < a.Count; i++)
            {
                // bit-exact or within 1e-6 relative
                var r = TensorCompare.Compare(b[i].Tensor, a[i].Tensor, new CompareOptions { Atol = 0, Rtol = 1e-6 });
                Assert.That(r.Passed, $"{name} dim={dim} output {i}: {r}");
            }
        }
    }

    [Test]
    public void Every_Op_The_Translator_Emits_On_The_Corpus_Has_A_Kernel()
    {
        var relaxOps = new SortedSet<string>(StringComparer.Ordinal);
        var relayOps = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var f in Directory.GetFiles(Path.Combine(Corpora, "relay", "text"), "*.relay"))
        {
            try
            {
                // Types-only meta tables (TVM's menagerie) load with seeded weights, as in the agreement test; before, the swallowed
                // weight-without-value error left the four menagerie networks out of this inventory.
                var m = LoadedModel.Load(f, new LoadOptions { RandomWeights = true });
                var relax = ModelChecker.Translate(m);
                foreach (var (_, fn) in m.Relay!.Functions)
                    Ir.Relay.RelayVisit.PreOrder(fn, e => { if (e is Ir.Relay.Call { Op: { } op }) relayOps.Add(op.Name); });
                foreach (var (_, fn) in relax.Functions) Collect(fn.Body, relaxOps);
            }
            catch (BridgeException) when (KnownFailures.Load(Corpora).ContainsKey(("relay/text/" + Path.GetFileName(f), "agree")))
            {
                // Listed with its reason in corpora/known-failures.txt; any other failure fails this inventory.
            }
        }
        var missingRelay = relayOps.Where(o => OpRegistry.Find(Dialect.Relay, o) is { } d && ReferenceKernels.Find(d) is null).ToList();
        var missingRelax = relaxOps.Where(o => OpRegistry.Find(Dialect.Relax, o) is { } d && ReferenceKernels.Find(d) is null).ToList();
        TestContext.Out.WriteLine($"translator-supported Relay ops without a kernel: {string.Join(", ", RelayToRelaxTranslator.SupportedOps.Where(o => OpRegistry.Find(Dialect.Relay, o) is { } d && ReferenceKernels.Find(d) is null).Order())}");
        Assert.That(missingRelay, Is.Empty, "Relay ops used by converted corpus models without a kernel: " + string.Join(", ", missingRelay));
        Assert.That(missingRelax, Is.Empty, "Relax ops the translator emits on the corpus without a kernel: " + string.Join(", ", missingRelax));
        Assert.That(relaxOps, Does.Contain("relax.nn.conv2d"));
    }

    private static void Collect(Ir.Relax.Expr e, ISet<string> into)
    {
        switch (e)
        {
            case Ir.Relax.SeqExpr s:
                foreach (var b in s.Blocks) foreach (var x in b.Bindings) Collect(x.Value, into);
                Collect(s.Body, into); break;
            case Ir.Relax.Call c:
                if (c.Op is { } op) into.Add(op.Name);
                foreach (var a in c.Args) Collect(a, into);
                break;
            case Ir.Relax.If i: Collect(i.Then, into); Collect(i.Else, into); break;
            case Ir.Relax.TupleExpr t: foreach (var a in t.Fields) Collect(a, into); break;
            case Ir.Relax.Function f: Collect(f.Body, into); break;
        }
    }
}

/// <summary>bridge zoo: results, report, and resume after an interrupted run.</summary>
public class ZooTests
{
    private static string SmallCorpus()
    {
        var dir = Directory.CreateTempSubdirectory("bridge-zoo-").FullName;
        var src = Path.Combine(AgreementTests.Corpora, "relay", "text");
        foreach (var n in new[] { "menagerie_mnist.relay", "menagerie_mnist.consts.json", "dyn_concat_scalar.relay", "parser_ref.relay", "tf_moments_no_header.relay" })
            File.Copy(Path.Combine(src, n), Path.Combine(dir, n));
        File.Copy(Path.Combine(AgreementTests.Corpora, "relax", "src_ep_dynamic_shape_add.py"), Path.Combine(dir, "dyn_add.py"));
        File.WriteAllText(Path.Combine(dir, "broken.relay"), "def @main(%x: Tensor[(2,), float32]) { add(%x, ");
        return dir;
    }

    [Test]
    public void Zoo_Resume_Finishes_Without_Redoing_Or_Losing_Models()
    {
        var dir = SmallCorpus();
        var outDir = Path.Combine(dir, "out");
        // First run is "killed" after 2 models.
        var first = ZooRunner.Run(dir, outDir, new ZooOptions { Jobs = 2, MaxModels = 2, RandomWeights = true });
        Assert.That(first, Has.Count.EqualTo(2));
        var results = Path.Combine(outDir, "results");
        var stamps = Directory.GetFiles(results).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        Assert.That(stamps, Has.Count.EqualTo(2));
        Thread.Sleep(50);
        var all = ZooRunner.Run(dir, outDir, new ZooOptions { Jobs = 2, Resume = true, RandomWeights = true });
        Assert.That(all, Has.Count.EqualTo(6));
        foreach (var (f, t) in stamps) Assert.That(File.GetLastWriteTimeUtc(f), Is.EqualTo(t), $"{f} was redone");
        Assert.That(Directory.GetFiles(results), Has.Length.EqualTo(6));

        var byName = all.ToDictionary(r => r.Name);
        Assert.That(byName["menagerie_mnist.relay"].Passed, byName["menagerie_mnist.relay"].Message);
        Assert.That(byName["menagerie_mnist.relay"].Check, Is.EqualTo(StageStatus.Pass));
        Assert.That(byName["parser_ref.relay"].Translate, Is.EqualTo(StageStatus.Unsupported));
        Assert.That(byName["parser_ref.relay"].ErrorIds, Does.StartWith("BRG4"));
        Assert.That(byName["broken.relay"].Import, Is.EqualTo(StageStatus.Fail));
        Assert.That(byName["dyn_add.py"].RoundTrip, Is.EqualTo(StageStatus.Pass));

        var csv = Path.Combine(outDir, "report.csv");
        ZooRunner.WriteCsv(csv, all);
        var lines = File.ReadAllLines(csv);
        Assert.That(lines[0], Does.StartWith("name,kind,import,translate,well_formed,run,check"));
        Assert.That(lines, Has.Length.EqualTo(7));
        var summary = ZooRunner.Summary(all);
        Assert.That(summary.Single(s => s.Stage == "import").Passed, Is.EqualTo(5));
    }

    /// <summary>A model whose weights exist nowhere (types-only meta table) fails its import unless the zoo was asked for random weights, and then says so.</summary>
    [Test]
    public void Zoo_Never_Fills_Weights_Unasked()
    {
        var path = Path.Combine(SmallCorpus(), "menagerie_mnist.relay");
        var refused = ZooRunner.RunOne(path, "mnist", new ZooOptions());
        Assert.That(refused.Import, Is.EqualTo(StageStatus.Fail));
        Assert.That(refused.ErrorIds, Does.Contain("BRG6680"));
        var asked = ZooRunner.RunOne(path, "mnist", new ZooOptions { RandomWeights = true });
        Assert.That(asked.Passed, Is.True, asked.Message);
        Assert.That(asked.Message, Does.Contain("weights filled with seeded random values"));
    }

    [Test]
    public void A_Timeout_Is_Recorded_And_The_Rest_Go_On()
    {
        var dir = SmallCorpus();
        var r = ZooRunner.RunOne(Path.Combine(dir, "menagerie_mnist.relay"), "mnist", new ZooOptions { Timeout = TimeSpan.Zero, RandomWeights = true });
        Assert.That(new[] { r.Run, r.Translate, r.Import }, Does.Contain(StageStatus.Timeout).Or.Contain(StageStatus.Pass));
        Assert.That(r.Passed, Is.False.Or.True); // never throws
        Assert.That(r.Run, Is.EqualTo(StageStatus.Timeout));
    }
}

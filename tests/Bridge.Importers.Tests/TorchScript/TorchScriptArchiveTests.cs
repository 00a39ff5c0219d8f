using Bridge.Importers.TorchScript;
using Bridge.Importers.TorchScript.Code;
using Bridge.Importers.TorchScript.Pickle;

namespace Bridge.Importers.Tests.TorchScript;

[TestFixture]
public class TorchScriptArchiveTests
{
    private static readonly string[] s_dumped = ["small_traced", "small_scripted", "nested_traced", "strided", "alltypes"];

    [TestCaseSource(nameof(s_dumped))]
    public void Tensors_AreBitEqualToWhatTorchSaved(string name)
    {
        var a = TorchScriptArchive.Open(TorchScriptFixtures.Archive(name));
        var all = a.Root.AllParameters().Concat(a.Root.AllBuffers()).ToDictionary(p => p.Name, p => p.Tensor);
        var expected = TorchScriptFixtures.Expected(name);
        Assert.That(all.Keys, Is.EquivalentTo(expected.Keys), "parameter and buffer names");
        foreach (var (k, (dt, shape, bytes)) in expected)
        {
            var t = all[k].Value;
            Assert.That(t.DType, Is.EqualTo(dt), k);
            Assert.That(t.Shape, Is.EqualTo(shape), k);
            Assert.That(t.Bytes.ToArray(), Is.EqualTo(bytes), k);
        }
    }

    [Test]
    public void Strided_SharesStorageAndCopiesViews()
    {
        var a = TorchScriptArchive.Open(TorchScriptFixtures.Archive("strided"));
        var b = a.Root.Buffers.ToDictionary(x => x.Name, x => x.Tensor);
        Assert.That(b["t"].IsContiguous, Is.False);
        Assert.That(b["sl"].StorageOffset, Is.EqualTo(6));
        Assert.That(b["t"].Storage, Is.SameAs(b["full"].Storage), "two tensors on one storage share one persistent id");
        // t = base.T: t[1, 0] = base[0, 1] = 1; sl = base[1:3, ::2] = [[6, 8, 10], [12, 14, 16]]
        Assert.That(b["t"].Value.GetDouble(4), Is.EqualTo(1.0));
        Assert.That(b["sl"].Value.ToDoubleArray(), Is.EqualTo(new double[] { 6, 8, 10, 12, 14, 16 }));
        Assert.That(b["scalar"].Value.Rank, Is.Zero);
        Assert.That(b["scalar"].Value.GetDouble(0), Is.EqualTo(2.5));
        Assert.That(b["empty"].Value.Length, Is.Zero);
    }

    [Test]
    public void Nested_ModuleTreeIsInSlotOrder()
    {
        var a = TorchScriptArchive.Open(TorchScriptFixtures.Archive("nested_traced"));
        Assert.That(a.Prefix, Is.EqualTo("nested_traced"));
        Assert.That(a.Version, Is.GreaterThanOrEqualTo(3));
        Assert.That(a.Root.Submodules.Select(s => s.Name), Is.EqualTo(new[] { "a", "seq" }));
        Assert.That(a.Root.Find("seq")!.Submodules.Select(s => s.Name), Is.EqualTo(new[] { "0", "1", "2" }));
        Assert.That(a.Root.Find("seq.2")!.TypeName, Is.EqualTo("Inner"));
        Assert.That(a.Root.Find("seq.1")!.TypeName, Is.EqualTo("ReLU"));
        Assert.That(a.Root.Find("a.lin")!.Parameters.Select(p => p.Name), Is.EqualTo(new[] { "weight", "bias" }));
        Assert.That(a.Root.Find("a")!.Buffers.Select(p => p.Name), Is.EqualTo(new[] { "scale" }));
        Assert.That(a.Root.Buffers.Select(p => p.Name), Is.EqualTo(new[] { "steps" }));
        Assert.That(a.Root.Find("a.lin")!.Parameters[0].Tensor.IsParameter, Is.True);
        Assert.That(a.Root.Find("a")!.Attributes.Any(x => x.Name == "training" && x.Value is false), Is.True);
        Assert.That(a.Root.Class, Is.Not.Null);
        Assert.That(a.Root.Descendants().All(m => m.Class is not null), Is.True, "every class found in code/");
    }

    [Test]
    public void TracedSmall_ForwardParsesIntoCalls()
    {
        var a = TorchScriptArchive.Open(TorchScriptFixtures.Archive("small_traced"));
        var conv = a.Root.Find("conv")!;
        Assert.That(conv.Class!.Parameters, Is.EqualTo(new[] { "weight", "bias" }));
        var fwd = conv.Forward!;
        Assert.That(fwd.Params[0].Name, Is.EqualTo("self"));
        var calls = fwd.Body.OfType<TsAssign>().Select(s => s.Value).OfType<TsCall>().Select(c => TorchScriptSummary.OpName(c.Function)).ToList();
        Assert.That(calls, Does.Contain("aten::_convolution"));
        var hist = TorchScriptSummary.OpsHistogram(a);
        Assert.That(hist.Keys, Does.Contain("aten::batch_norm").And.Contain("aten::relu").And.Contain("aten::linear"));
    }

    [Test]
    public void Scripted_IfLoopAndUnpackParse()
    {
        var a = TorchScriptArchive.Open(TorchScriptFixtures.Archive("control_scripted"));
        var fwd = a.Root.Forward!;
        var all = Flatten(fwd.Body).ToList();
        Assert.That(all.OfType<TsIf>(), Is.Not.Empty);
        Assert.That(all.OfType<TsFor>().Any() || all.OfType<TsWhile>().Any(), Is.True);
        Assert.That(all.OfType<TsAssign>().Any(s => s.Unpack && s.Targets.Length == 2), Is.True);
        Assert.That(a.Root.Attributes.Any(x => x.Name == "n" && x.Value is 3L), Is.True);
    }

    private static IEnumerable<TsStmt> Flatten(IEnumerable<TsStmt> ss)
    {
        foreach (var s in ss)
        {
            yield return s;
            var inner = s switch
            {
                TsIf i => i.Then.Concat(i.Else),
                TsFor f => f.Body,
                TsWhile w => w.Body,
                _ => [],
            };
            foreach (var x in Flatten(inner)) yield return x;
        }
    }

    [TestCase("resnet18_traced", 62, "aten::_convolution")]
    [TestCase("mobilenet_traced", 158, "aten::hardtanh")]
    [TestCase("transformer_traced", -1, "aten::layer_norm")]
    public void RealModels_OpenAndSummarize(string name, int paramCount, string op)
    {
        var a = TorchScriptArchive.Open(TorchScriptFixtures.Archive(name));
        if (paramCount >= 0) Assert.That(a.Root.AllParameters().Count(), Is.EqualTo(paramCount));
        Assert.That(a.Root.Descendants().All(m => m.Class is not null), Is.True);
        var text = TorchScriptSummary.Describe(a);
        Assert.That(text, Does.Contain(op));
        Assert.That(text, Does.Contain("module tree:"));
    }

    [TestCase("os_system", "os.system")]
    [TestCase("posix_system", "posix.system")]
    [TestCase("subprocess", "subprocess.check_call")]
    [TestCase("eval", "builtins.eval")]
    [TestCase("getattr", "builtins.getattr")]
    [TestCase("stack_global", "os.system")]
    [TestCase("reduce_class", "system")]
    public void MaliciousPickle_IsRefusedAndNothingRuns(string name, string global)
    {
        var ex = Assert.Throws<BridgeException>(() => TorchScriptArchive.Open(TorchScriptFixtures.Evil(name)))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(TorchScriptDiagnosticIds.PickleRefusedGlobal));
        Assert.That(ex.Message, Does.Contain("refusing to load global").And.Contain(global).And.Contain("data.pkl").And.Contain("byte offset"));
        Assert.That(File.Exists(TorchScriptFixtures.Marker), Is.False, "the payload must never execute");
    }

    [Test]
    public void ReduceOnNonCallable_IsRefused()
    {
        var ex = Assert.Throws<BridgeException>(() => TorchScriptArchive.Open(TorchScriptFixtures.Evil("reduce_storage")))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(TorchScriptDiagnosticIds.PickleRefusedCall));
        Assert.That(ex.Message, Does.Contain("torch.FloatStorage"));
        Assert.That(File.Exists(TorchScriptFixtures.Marker), Is.False);
    }
}

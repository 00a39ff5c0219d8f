using System.Diagnostics;
using Bridge.Importers.TorchScript;
using Bridge.Importers.TorchScript.Code;
using Bridge.Importers.TorchScript.Pickle;

namespace Bridge.Importers.Tests.TorchScript;

/// <summary>Hand-assembled and Python-pickled streams for the unpickler; hand-written code for the parser.</summary>
[TestFixture]
public class TorchUnpicklerTests
{
    private static object? Load(params byte[] b) => new TorchUnpickler(b, "t.pt", "t/data.pkl", _ => null).Load();

    [Test]
    public void Scalars_And_Containers()
    {
        // PROTO 2, MARK, BININT1 7, BININT -2, LONG1 2^40, BINFLOAT 1.5, NEWTRUE, NONE, SHORT_BINUNICODE "hi", TUPLE, STOP
        var v = Load(0x80, 2, (byte)'(', (byte)'K', 7, (byte)'J', 0xfe, 0xff, 0xff, 0xff, 0x8a, 6, 0, 0, 0, 0, 0, 1,
            (byte)'G', 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x88, (byte)'N', 0x8c, 2, (byte)'h', (byte)'i', (byte)'t', (byte)'.');
        var t = (PyTuple)v!;
        Assert.That(t.Items.ToArray(), Is.EqualTo(new object?[] { 7L, -2L, 1L << 40, 1.5, true, null, "hi" }));
    }

    [Test]
    public void Memo_KeepsIdentity_AndDictKeepsOrder()
    {
        // EMPTY_LIST BINPUT 0, EMPTY_DICT, MARK "b" BINGET 0 "a" BINGET 0 SETITEMS, STOP
        var d = (PyDict)Load(0x80, 2, (byte)']', (byte)'q', 0, (byte)'0', (byte)'}', (byte)'(', 0x8c, 1, (byte)'b', (byte)'h', 0,
            0x8c, 1, (byte)'a', (byte)'h', 0, (byte)'u', (byte)'.')!;
        Assert.That(d.Items.Select(kv => kv.Key), Is.EqualTo(new[] { "b", "a" }));
        Assert.That(d.Items[0].Value, Is.SameAs(d.Items[1].Value));
    }

    [Test]
    public void PythonProtocols2To5_RoundTrip()
    {
        const string py = "import pickle,sys\nv={'a':[1,2.5,-3,None,True,'x'*300],'b':(1,),'c':{1,2},'d':b'\\x00\\x01','e':2**70}\n" +
                          "for p in (2,3,4,5): sys.stdout.write(pickle.dumps(v,protocol=p).hex()+'\\n')";
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-c", py]) { RedirectStandardOutput = true };
        if (!File.Exists(psi.FileName)) Assert.Inconclusive("no /usr/bin/python3");
        using var p = Process.Start(psi)!;
        var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        Assert.That(lines, Has.Length.EqualTo(4));
        foreach (var hex in lines)
        {
            var d = (PyDict)Load(Convert.FromHexString(hex))!;
            Assert.That(d.Items.Select(kv => kv.Key), Is.EqualTo(new[] { "a", "b", "c", "d", "e" }));
            d.TryGet("a", out var a);
            Assert.That(((PyList)a!).Items, Is.EqualTo(new object?[] { 1L, 2.5, -3L, null, true, new string('x', 300) }));
            d.TryGet("c", out var c);
            Assert.That(((PySet)c!).Items, Is.EquivalentTo(new object[] { 1L, 2L }));
            d.TryGet("d", out var bytes);
            Assert.That(bytes, Is.EqualTo(new byte[] { 0, 1 }));
            d.TryGet("e", out var big);
            Assert.That(big, Is.EqualTo(System.Numerics.BigInteger.Pow(2, 70)));
        }
    }

    [TestCase("os", "system")]
    [TestCase("builtins", "exec")]
    [TestCase("torch", "load")]
    [TestCase("torch._utils", "evil")]
    [TestCase("__torch__.x", "a-b")]
    [TestCase("nt", "system")]
    public void Globals_OffTheAllowList_AreRefused(string module, string name)
    {
        var b = new List<byte> { 0x80, 2, (byte)'c' };
        b.AddRange(System.Text.Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
        b.Add((byte)'.');
        var ex = Assert.Throws<BridgeException>(() => Load([.. b]))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(TorchScriptDiagnosticIds.PickleRefusedGlobal));
        Assert.That(ex.Message, Does.Contain($"refusing to load global {module}.{name}").And.Contain("byte offset 2"));
    }

    [Test]
    public void TorchClass_NewObjBuild_IsInertRecord()
    {
        var b = new List<byte> { 0x80, 2, (byte)'c' };
        b.AddRange("__torch__.a\nM\n"u8.ToArray());
        b.AddRange([(byte)')', 0x81, (byte)'}', 0x8c, 1, (byte)'k', (byte)'K', 5, (byte)'s', (byte)'b', (byte)'.']);
        var o = (TsObject)Load([.. b])!;
        Assert.That(o.QualifiedName, Is.EqualTo("__torch__.a.M"));
        Assert.That(o.Slots!.TryGet("k", out var k) && k is 5L, Is.True);
    }

    [Test]
    public void Parser_HandlesPrintedForms()
    {
        const string src = "class C(Module):\n  __parameters__ = [\"w\", ]\n  __buffers__ = []\n  w : Tensor\n" +
                           "  __annotations__[\"0\"] = __torch__.torch.nn.modules.conv.Conv2d\n" +
                           "  def forward(self: __torch__.C,\n    x: Tensor,\n    n: int=2) -> Tuple[Tensor, Tensor]:\n" +
                           "    _0 = getattr(self, \"0\")\n    a, b, = torch.chunk((_0).forward(x, ), 2, dim=-1)\n" +
                           "    c = torch.slice(x, 0, 1, 9223372036854775807)\n    if torch.gt(n, 1):\n      d = CONSTANTS.c0\n" +
                           "    elif n is None:\n      d = (x)[1:3]\n    else:\n      ops.prim.RaiseException(\"bad\\n\", \"builtins.ValueError\")\n" +
                           "    return (a, b if not n else -b)\n";
        var f = TsParser.ParseFile(src, "c.py");
        var c = f.Classes.Single();
        Assert.That(c.Parameters, Is.EqualTo(new[] { "w" }));
        Assert.That(c.Slots.Select(s => s.Name), Is.EqualTo(new[] { "w", "0" }));
        var fwd = c.Method("forward")!;
        Assert.That(fwd.Params.Select(p => p.Name), Is.EqualTo(new[] { "self", "x", "n" }));
        Assert.That(fwd.Params[2].Default, Is.EqualTo(new TsConst(2L, new TsPos(8, 12))));
        var unpack = (TsAssign)fwd.Body[1];
        Assert.That(unpack.Unpack && unpack.Targets.Length == 2, Is.True);
        var chunk = (TsCall)unpack.Value!;
        Assert.That(TorchScriptSummary.OpName(chunk.Function), Is.EqualTo("aten::chunk"));
        Assert.That(chunk.Keywords.Single().Name, Is.EqualTo("dim"));
        Assert.That(((TsAssign)fwd.Body[2]).Value, Is.TypeOf<TsCall>());
        var iff = (TsIf)fwd.Body[3];
        Assert.That(iff.Else.Single(), Is.TypeOf<TsIf>());
        var ret = (TsReturn)fwd.Body[4];
        Assert.That(((TsTuple)ret.Value!).Items[1], Is.TypeOf<TsConditional>());
        var ex = Assert.Throws<BridgeException>(() => TsParser.ParseFile("def f(x):\n  return x +\n", "bad.py"))!;
        Assert.That(ex.Diagnostic.Loc, Is.EqualTo(new SourceLoc.Text("bad.py", 2, 13)));
    }
}

/// <summary>Hostile shapes that must end in a diagnostic, not a stack overflow or a hang.</summary>
[TestFixture]
public class TorchScriptHostileShapeTests
{
    [Test]
    public void CyclicList_InAPersistentId_IsReportedWithoutLooping()
    {
        // EMPTY_LIST BINPUT 0, BINGET 0 APPEND (list contains itself), BINPERSID, STOP
        var b = new byte[] { 0x80, 2, (byte)']', (byte)'q', 0, (byte)'h', 0, (byte)'a', (byte)'Q', (byte)'.' };
        var ex = Assert.Throws<BridgeException>(() => new TorchUnpickler(b, "t.pt", "t/data.pkl", _ => null).Load())!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(TorchScriptDiagnosticIds.PickleBadPersistentId));
        Assert.That(ex.Message, Does.Contain("..."));
    }

    [Test]
    public void LongOperatorChain_HitsTheDepthCap()
    {
        var src = "def f(x):\n  return x" + string.Concat(Enumerable.Repeat(" + x", 50_000)) + "\n";
        var ex = Assert.Throws<BridgeException>(() => TsParser.ParseFile(src, "chain.py"))!;
        Assert.That(ex.Message, Does.Contain("nesting too deep"));
        var ok = "def f(x):\n  return x" + string.Concat(Enumerable.Repeat(" + x", 100)) + "\n";
        Assert.That(TsParser.ParseFile(ok, "ok.py").Functions, Has.Length.EqualTo(1));
    }

    [Test]
    public void InstAndObj_OnForeignClasses_AreRefused()
    {
        var inst = new List<byte> { 0x80, 2, (byte)'(' };
        inst.AddRange("ios\nsystem\n"u8.ToArray());
        inst.Add((byte)'.');
        var ex = Assert.Throws<BridgeException>(() => new TorchUnpickler([.. inst], "t.pt", "t/data.pkl", _ => null).Load())!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(TorchScriptDiagnosticIds.PickleRefusedGlobal));
        // OBJ with a tuple as "class": refused as a non-callable
        var obj = new byte[] { 0x80, 2, (byte)'(', (byte)')', (byte)'o', (byte)'.' };
        ex = Assert.Throws<BridgeException>(() => new TorchUnpickler(obj, "t.pt", "t/data.pkl", _ => null).Load())!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(TorchScriptDiagnosticIds.PickleRefusedCall));
    }
}

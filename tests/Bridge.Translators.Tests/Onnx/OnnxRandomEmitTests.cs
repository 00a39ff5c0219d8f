using System.Diagnostics;
using Bridge.Backends.Reference;
using Bridge.Importers.Onnx;
using Bridge.Ir.Relax.Script;
using Bridge.Ir.Relay;
using Bridge.Ir.Relay.Text;
using Bridge.Translators.Onnx;
using Bridge.Translators.OnnxToRelax;
using Bridge.Translators.OnnxToRelay;
using NUnit.Framework;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// The forms the random ops are emitted in (OnnxEmitterBase.Random.cs): Relay's Threefry key constant and random.* calls as
/// from_onnx built them (and the values the key gives), the derived seed of a node without one, Relax's
/// <c>R.call_dps_packed("tvm.contrib.random.*")</c>, and the diagnostics of the forms that are refused.
/// </summary>
[TestFixture]
public sealed class OnnxRandomEmitTests
{
    private const string Script = """
import sys, os
import onnx
from onnx import TensorProto as TP, helper as h
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def save(name, nodes, inputs, outputs):
    m = h.make_model(h.make_graph(nodes, name, inputs, outputs), opset_imports=[h.make_opsetid("", 15)])
    m.ir_version = 8
    onnx.save(m, os.path.join(out, name + ".onnx"))
y = [h.make_tensor_value_info("y", TP.FLOAT, None)]
save("neg_seed", [h.make_node("RandomUniform", [], ["y"], name="u", shape=[4], seed=-1.0)], [], y)
save("f16", [h.make_node("RandomNormal", [], ["y"], name="n", shape=[8], dtype=TP.FLOAT16)], [], [h.make_tensor_value_info("y", TP.FLOAT16, None)])
save("dyn_like", [h.make_node("RandomUniformLike", ["x"], ["y"], name="l", seed=2.0)], [h.make_tensor_value_info("x", TP.FLOAT, ["n", 4])], y)
save("noise", [h.make_node("RandomUniform", [], ["y"], name="noise", shape=[2, 2])], [], y)
save("int_like", [h.make_node("RandomNormalLike", ["x"], ["y"], name="il")], [h.make_tensor_value_info("x", TP.INT32, [3])], y)
""";

    private static readonly Lazy<string> s_dir = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), $"bridge-random-emit-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        var script = Path.Combine(dir, "gen.py");
        File.WriteAllText(script, Script);
        try
        {
            using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, dir]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"model generator failed: {err}");
        }
        catch (System.ComponentModel.Win32Exception) { Assert.Ignore("/usr/bin/python3 with onnx is needed"); }
        return dir;
    });

    private static OnnxModel Own(string name) => OnnxModelLoader.Load(Path.Combine(s_dir.Value, name + ".onnx"));

    private static OnnxModel SingleOp(string name) => SingleOpModels.Load(name);

    /// <summary>from_onnx: <c>TupleGetItem(random.uniform(threefry_key(seed), low, high, out_shape, out_dtype), 1)</c>.</summary>
    [Test]
    public void Relay_Uniform_IsThreefryKeyConstantIntoRandomUniform()
    {
        var r = OnnxToRelayEmitter.Translate(SingleOp("RandomUniform"));
        var body = r.Module.Lookup("main")!.Body;
        Assert.That(body, Is.TypeOf<TupleGetItem>());
        var item = (TupleGetItem)body;
        Assert.That(item.Index, Is.EqualTo(1));
        var call = (Call)item.TupleValue;
        Assert.That(call.Op!.Name, Is.EqualTo("random.uniform"));
        var key = ((Constant)call.Args[0]).Value!;
        Assert.That(key.DType, Is.EqualTo(DataType.UInt64));
        Assert.That(key.ReadOnlySpan<ulong>().ToArray(), Is.EqualTo(new ulong[] { 5, 0, 0, 0, 0, 0, 0, 0, 1UL << 63, 0 }), "threefry_key(5)");
        Assert.That(((Constant)call.Args[1]).Value!.GetDouble(0), Is.EqualTo(-2.0));
        Assert.That(((Constant)call.Args[2]).Value!.GetDouble(0), Is.EqualTo(3.0));
        var text = RelayTextWriter.PrintModule(r.Module);
        Assert.That(text, Does.Contain("random.uniform(").And.Contain("out_shape=[64, 64]").And.Contain("out_dtype=\"float32\""));
        // The interpreter runs TVM's Threefry: the values are those of the kernel for threefry_key(5).
        var got = Compat.Check.ModelChecker.RunOnnxRelay(r.Module, [], new Dictionary<string, Tensor>(), "main", default)[0].Tensor;
        var (_, want) = Threefry.Uniform(Threefry.KeyTensor(5), -2, 3, [64, 64], DataType.Float32);
        Assert.That(got.ReadOnlySpan<float>().ToArray(), Is.EqualTo(want.ReadOnlySpan<float>().ToArray()));
    }

    /// <summary>The Relay text of every random form (uint64 key constant, tuple-typed random.* calls) prints → parses → prints to a fixed point.</summary>
    [TestCase("RandomUniform"), TestCase("RandomNormal"), TestCase("Bernoulli"), TestCase("Multinomial_int64")]
    public void Relay_TextRoundTrip(string name)
    {
        var module = OnnxToRelayEmitter.Translate(SingleOp(name)).Module;
        var text = RelayTextWriter.PrintModule(module, showTypes: false);
        var back = RelayTextReader.ParseModule(text, name + ".relay");
        Assert.That(RelayTextWriter.PrintModule(back, showTypes: false), Is.EqualTo(text));
        // The uint64 key survives the metadata section: the re-parsed module draws the very same numbers.
        var none = new Dictionary<string, Tensor>();
        var a = Compat.Check.ModelChecker.RunOnnxRelay(module, [], none, "main", default)[0].Tensor;
        var b = Compat.Check.ModelChecker.RunOnnxRelay(back, [], none, "main", default)[0].Tensor;
        Assert.That(b.DType, Is.EqualTo(a.DType));
        Assert.That(b.ToDoubleArray(), Is.EqualTo(a.ToDoubleArray()));
    }

    [Test]
    public void Relay_Multinomial_SoftmaxIntoRandomMultinomialThenCast()
    {
        var text = RelayTextWriter.PrintModule(OnnxToRelayEmitter.Translate(SingleOp("Multinomial")).Module);
        Assert.That(text, Does.Contain("nn.softmax(").And.Contain("random.multinomial(").And.Contain("num_samples=3000").And.Contain("cast("));
    }

    [Test]
    public void Relay_Bernoulli_IsCastOfLessOfUniform()
    {
        var text = RelayTextWriter.PrintModule(OnnxToRelayEmitter.Translate(SingleOp("Bernoulli_int32")).Module);
        Assert.That(text, Does.Contain("random.uniform(").And.Contain("less(").And.Contain("dtype=\"int32\""));
    }

    /// <summary>No seed attribute: FNV-1a 64 of the node name mod 10⁶ (hand value for "noise": 101649), the same on every import.</summary>
    [Test]
    public void MissingSeed_IsDerivedFromTheNodeName()
    {
        Assert.That(OnnxEmitterBase<object>.DerivedRandomSeed("noise"), Is.EqualTo(101649UL));
        var key = ((Constant)((Call)((TupleGetItem)OnnxToRelayEmitter.Translate(Own("noise")).Module.Lookup("main")!.Body).TupleValue).Args[0]).Value!;
        Assert.That(key.ReadOnlySpan<ulong>()[0], Is.EqualTo(101649UL));
        var again = ((Constant)((Call)((TupleGetItem)OnnxToRelayEmitter.Translate(Own("noise")).Module.Lookup("main")!.Body).TupleValue).Args[0]).Value!;
        Assert.That(again.ReadOnlySpan<ulong>().ToArray(), Is.EqualTo(key.ReadOnlySpan<ulong>().ToArray()));
    }

    [Test]
    public void Relax_Normal_IsCallDpsPackedWithPrimValuesAndOutSinfo()
    {
        var r = OnnxToRelaxEmitter.Translate(SingleOp("RandomNormal"));
        var text = RelaxScriptPrinter.Print(r.Module);
        Assert.That(text, Does.Contain("R.call_dps_packed(\"tvm.contrib.random.normal\", (R.prim_value(T.float32(1.5)), R.prim_value(T.float32(0.5))), out_sinfo=R.Tensor((64, 64), dtype=\"float32\"))"));
        Assert.That(RelaxScriptPrinter.Print(RelaxScriptReader.Parse(text, "normal.py")), Is.EqualTo(text));
    }

    [Test]
    public void Relax_Float64_IsCastFromTheFloat32Draw()
    {
        var text = RelaxScriptPrinter.Print(OnnxToRelaxEmitter.Translate(SingleOp("RandomUniform_f64_noseed")).Module);
        Assert.That(text, Does.Contain("tvm.contrib.random.uniform").And.Contain("R.astype(").And.Contain("dtype=\"float64\""));
    }

    [Test]
    public void Float16_RelayRefuses_RelaxCasts()
    {
        var ex = Assert.Throws<BridgeException>(() => OnnxToRelayEmitter.Translate(Own("f16")));
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(OnnxTranslateDiagnosticIds.UnsupportedForm));
        Assert.That(ex.Diagnostic.Message, Does.Contain("float16").And.Contain("'n'"));
        var text = RelaxScriptPrinter.Print(OnnxToRelaxEmitter.Translate(Own("f16")).Module);
        Assert.That(text, Does.Contain("dtype=\"float16\""));
    }

    [Test]
    public void NegativeSeed_IsBadValue()
    {
        foreach (Func<object> t in new Func<object>[] { () => OnnxToRelayEmitter.Translate(Own("neg_seed")), () => OnnxToRelaxEmitter.Translate(Own("neg_seed")) })
        {
            var ex = Assert.Throws<BridgeException>(() => t());
            Assert.That(ex!.Diagnostic.Id, Is.EqualTo(OnnxTranslateDiagnosticIds.BadValue));
            Assert.That(ex.Diagnostic.Message, Does.Contain("seed -1"));
        }
    }

    [Test]
    public void SymbolicLikeShape_RelayRefuses_RelaxKeepsTheVar()
    {
        var ex = Assert.Throws<BridgeException>(() => OnnxToRelayEmitter.Translate(Own("dyn_like")));
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(OnnxTranslateDiagnosticIds.UnsupportedForm));
        Assert.That(ex.Diagnostic.Message, Does.Contain("static out_shape"));
        var text = RelaxScriptPrinter.Print(OnnxToRelaxEmitter.Translate(Own("dyn_like")).Module);
        Assert.That(text, Does.Contain("out_sinfo=R.Tensor((n, 4), dtype=\"float32\")"));
    }

    [Test]
    public void IntegerLikeInputWithoutDtype_IsRefused()
    {
        var ex = Assert.Throws<BridgeException>(() => OnnxToRelaxEmitter.Translate(Own("int_like")));
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(OnnxTranslateDiagnosticIds.UnsupportedForm));
        Assert.That(ex.Diagnostic.Message, Does.Contain("int32"));
    }
}

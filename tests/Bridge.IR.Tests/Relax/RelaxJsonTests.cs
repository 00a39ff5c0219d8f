using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Json;
using Bridge.Ir.Relax.Script;
using NUnit.Framework;

namespace Bridge.Ir.Tests.Relax;

public class RelaxJsonTests
{
    private static IEnumerable<string> Modules()
    {
        var dir = Path.Combine(RelaxBuilderTests.FindRoot(), "corpora", "relax");
        return Directory.GetFiles(dir, "*.py").Select(f => Path.GetFileName(f))
            .Where(f => !f.Contains("fragment", StringComparison.Ordinal) && !f.Contains("call_tir", StringComparison.Ordinal)) // TIR PrimFuncs have no JSON form here
            .OrderBy(f => f, StringComparer.Ordinal);
    }

    public static IEnumerable<TestCaseData> Cases() =>
        from f in Modules() from v in new[] { "0.19", "0.22", "0.24", "0.25", "0.26", "main" } select new TestCaseData(f, v);

    [TestCaseSource(nameof(Cases))]
    public void Script_Json_Script_IsIdentity(string file, string version)
    {
        var path = Path.Combine(RelaxBuilderTests.FindRoot(), "corpora", "relax", file);
        var v = RelaxVersion.Parse(version);
        var m = RelaxScriptReader.Parse(File.ReadAllText(path), path);
        var json = RelaxJsonWriter.Write(m, v);
        var back = RelaxJsonReader.Read(json, path + ".json", out var era);
        Assert.That(era, Is.EqualTo(RelaxJsonWriter.EraOf(v)));
        var opts = new RelaxPrinterOptions { TargetVersion = v };
        var back2 = m.IsStandaloneFunction ? new IRModule(back.Name, back.Entries) { IsStandaloneFunction = true } : back;
        Assert.That(RelaxScriptPrinter.Print(back2, opts), Is.EqualTo(RelaxScriptPrinter.Print(m, opts)), json);
        Assert.That(RelaxStructuralEqual.Modules(m, back), Is.True);
    }

    [Test]
    public void Envelopes_PerEra()
    {
        var m = RelaxScriptReader.Parse(File.ReadAllText(Path.Combine(RelaxBuilderTests.FindRoot(), "corpora", "relax", "src_onnx_dynamic_squeeze.py")), "x.py");
        var legacy = RelaxJsonWriter.Write(m, RelaxVersion.V0_19);
        Assert.That(legacy, Does.Contain("\"root\"").And.Contain("\"type_key\": \"relax.expr.Function\"").And.Contain("\"b64ndarrays\""));
        var e2 = RelaxJsonWriter.Write(m, RelaxVersion.Parse("0.24"));
        Assert.That(e2, Does.Contain("\"root_index\"").And.Contain("relax.TensorStructInfo").And.Contain("tirx.Var"));
        var e3 = RelaxJsonWriter.Write(m, RelaxVersion.Main);
        Assert.That(e3, Does.Contain("relax.TensorType").And.Contain("\"ir.Var\"").And.Contain("ret_ty").And.Not.Contain("StructInfo"));
    }

    [Test]
    public void Truncated_And_Mutated_Json_GiveDiagnostics()
    {
        var m = RelaxScriptReader.Parse(File.ReadAllText(Path.Combine(RelaxBuilderTests.FindRoot(), "corpora", "relax", "src_ep_batchnorm2d.py")), "x.py");
        var rnd = new Random(3);
        foreach (var v in new[] { RelaxVersion.V0_19, RelaxVersion.Parse("0.22"), RelaxVersion.Main })
        {
            var json = RelaxJsonWriter.Write(m, v);
            for (var k = 0; k < 40; k++)
            {
                var cut = k % 2 == 0 ? json[..rnd.Next(json.Length)] : json.Remove(rnd.Next(json.Length), 1).Insert(rnd.Next(json.Length - 1), "7");
                try { RelaxJsonReader.Read(cut, "bad.json"); }
                catch (BridgeException e) { Assert.That(e.Diagnostic.Id.Code, Is.InRange(3300, 3499).Or.InRange(3500, 3699)); }
            }
        }
    }
}

public class RelaxSummaryConvertTests
{
    [Test]
    public void Describe_ShowsSymbolicSignature_AndHistogram()
    {
        var path = Path.Combine(RelaxBuilderTests.FindRoot(), "corpora", "relax", "src_onnx_same_symbolic_inputs.py");
        var m = Bridge.Ir.Relax.Script.RelaxScriptReader.Parse(File.ReadAllText(path), path);
        var d = RelaxSummary.Describe(m);
        Assert.That(d, Does.Contain("@main(data1: R.Tensor((batch, 1), dtype=\"float32\")").And.Contain("R.concat x1").And.Contain("1 bindings"));
    }

    [Test]
    public void Reemit_ScriptToJsonToScript_AcrossVersions()
    {
        var path = Path.Combine(RelaxBuilderTests.FindRoot(), "corpora", "relax", "src_onnx_if_scalar_condition.py");
        var text = File.ReadAllText(path);
        var json = RelaxConvert.Reemit(text, path, "0.22", "json");
        var script = RelaxConvert.Reemit(json, "x.json", "0.19", "tvmscript");
        Assert.That(script, Does.Contain("if cond:").And.Contain("# from tvm.script import ir as I"));
        var again = RelaxConvert.Reemit(script, "y.py", "main", "tvmscript");
        Assert.That(RelaxStructuralEqual.Modules(RelaxConvert.Read(text, path), RelaxConvert.Read(again, "z.py")), Is.True);
        // 0.20 and 0.21 are written in the 0.19 era (issue 14 item 5); releases before 0.19 are not targets.
        Assert.That(RelaxConvert.Reemit(text, path, "0.20", "json"), Is.EqualTo(RelaxConvert.Reemit(text, path, "0.19", "json")));
        Assert.That(RelaxConvert.Reemit(text, path, "0.21", "tvmscript"), Is.EqualTo(RelaxConvert.Reemit(text, path, "0.19", "tvmscript")));
        Assert.Throws<BridgeException>(() => RelaxConvert.Reemit(text, path, "0.18", "json"));
        Assert.Throws<BridgeException>(() => RelaxConvert.Reemit(text, path, "main", "xml"));
    }
}

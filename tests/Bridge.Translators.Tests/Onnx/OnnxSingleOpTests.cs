using System.Diagnostics;
using System.Text.Json;
using Bridge.Compat.Inputs;
using Bridge.Compat.Reference;
using Bridge.Core.Diagnostics;
using Bridge.Core.Shapes;
using Bridge.Core.Tensors;
using Bridge.Importers.Onnx;
using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;
using Bridge.Translators.Onnx;
using Bridge.Translators.OnnxToRelax;
using Bridge.Translators.OnnxToRelay;
using NUnit.Framework;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// One generated single-op model per case (gen_single_ops.py, onnx.helper, cached per run in a temp dir): each converts both
/// ways, and the emitted output types (Relay) / struct info (Relax) must match the shapes and dtypes ONNX Runtime produces
/// for the same model. A case whose op an emitter does not map must fail with the one up-front diagnostic (BRG4300).
/// The reference interpreters are not on this branch yet, so values are not compared here.
/// </summary>
[TestFixture]
public sealed class OnnxSingleOpTests
{
    private static readonly Lazy<(string Dir, string[] Cases)> s_models = new(Generate);

    private static (string, string[]) Generate()
    {
        var script = Path.Combine(OnnxCorpusTests.RepoRoot(), "tests", "Bridge.Translators.Tests", "Onnx", "gen_single_ops.py");
        var dir = Path.Combine(Path.GetTempPath(), $"bridge-onnxemit-{Environment.ProcessId}");
        var psi = new ProcessStartInfo("/usr/bin/python3", [script, dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) return (dir, [$"!generator failed: {err.Result}"]);
        }
        catch (System.ComponentModel.Win32Exception e) { return (dir, [$"!python3 unavailable: {e.Message}"]); }
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cases.json")));
        return (dir, [.. doc.RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()!)]);
    }

    public static IEnumerable<string> Cases() => s_models.Value.Cases;

    private static string ModelOf(string name)
    {
        if (name.StartsWith('!')) Assert.Ignore(name[1..]);
        return Path.Combine(s_models.Value.Dir, name + ".onnx");
    }

    /// <summary>ORT's outputs for seeded random inputs (dims of dim_params set to 3).</summary>
    private static IReadOnlyDictionary<string, Tensor> Reference(string path, out OnnxModel model)
    {
        model = OnnxModelLoader.Load(path);
        using var ort = new OnnxRuntimeReference(path);
        var feeds = new Dictionary<string, Tensor>();
        ulong seed = 1;
        foreach (var i in ort.Inputs)
        {
            var shape = i.Shape.Select(d => d.Value ?? 3).ToArray();
            feeds[i.Name] = i.DType.IsBool ? Tensor.Zeros(i.DType, shape) : RandomInputs.Generate(i.DType, shape, -1, 1, seed++);
        }
        return ort.Run(feeds);
    }

    private static void AssertShape(string what, IReadOnlyList<SymExpr> got, DataType? gotDt, Tensor want)
    {
        Assert.That(gotDt, Is.EqualTo(want.DType), $"{what}: dtype");
        Assert.That(got.Count, Is.EqualTo(want.Shape.Length), $"{what}: rank");
        for (var i = 0; i < got.Count; i++)
        {
            // Symbolic dims (from dim_param 'batch', fed as 3) are checked by substitution.
            var v = got[i].Evaluate(_ => 3);
            Assert.That(v, Is.EqualTo(want.Shape[i]), $"{what}: dim {i} ({got[i]})");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Relax_MatchesOrtShapes_AndReparses(string name)
    {
        var path = ModelOf(name);
        var model = OnnxModelLoader.Load(path);
        if (!OnnxSupportMatrix.RelaxSupports(model.Graph.Nodes[^1].OpType, model.Graph.Nodes[^1].Domain))
        {
            var ex = Assert.Throws<BridgeException>(() => OnnxToRelaxEmitter.Translate(model));
            Assert.That(ex!.Diagnostic.Id, Is.EqualTo(OnnxTranslateDiagnosticIds.UnsupportedByEmitter));
            return;
        }
        var want = Reference(path, out _);
        var r = OnnxToRelaxEmitter.Translate(model);
        var main = r.Module.Find("main")!.Function!;
        var outs = main.RetInfo is TupleSInfo t ? t.Fields.ToList() : [main.RetInfo!];
        var names = model.Graph.Outputs.Select(o => o.Name).ToList();
        Assert.That(outs, Has.Count.EqualTo(names.Count));
        for (var i = 0; i < names.Count; i++)
        {
            var ti = outs[i] as TensorSInfo;
            Assert.That(ti?.Shape, Is.Not.Null, $"{names[i]}: Relax struct info has a shape ({outs[i]})");
            AssertShape(names[i], ti!.Shape!.Value.Items, ti.DType, want[names[i]]);
        }
        var text = RelaxScriptPrinter.Print(r.Module);
        Assert.That(RelaxScriptPrinter.Print(RelaxScriptReader.Parse(text, name + ".py")), Is.EqualTo(text));
    }

    [TestCaseSource(nameof(Cases))]
    public void Relay_MatchesOrtShapes(string name)
    {
        var path = ModelOf(name);
        var model = OnnxModelLoader.Load(path);
        if (!OnnxSupportMatrix.RelaySupports(model.Graph.Nodes[^1].OpType, model.Graph.Nodes[^1].Domain))
        {
            var ex = Assert.Throws<BridgeException>(() => OnnxToRelayEmitter.Translate(model));
            Assert.That(ex!.Diagnostic.Id, Is.EqualTo(OnnxTranslateDiagnosticIds.UnsupportedByEmitter));
            return;
        }
        var want = Reference(path, out _);
        var r = OnnxToRelayEmitter.Translate(model);
        var body = r.Module.Lookup("main")!.Body;
        var outs = body.CheckedType is Relay.TupleType tt ? tt.Fields.ToList() : [body.CheckedType!];
        var names = model.Graph.Outputs.Select(o => o.Name).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var ty = outs[i] as Relay.TensorType;
            Assert.That(ty, Is.Not.Null, $"{names[i]}: a tensor type");
            AssertShape(names[i], ty!.Shape, ty.DType, want[names[i]]);
        }
    }

    /// <summary>Known-value folding: the Shape→Gather→Unsqueeze→Concat chain becomes R.shape([batch, 12]) with no tensor ops.</summary>
    [Test]
    public void ShapeChain_FoldsIntoShapeExpr()
    {
        var r = OnnxToRelaxEmitter.Translate(OnnxModelLoader.Load(ModelOf("ShapeChain")));
        var text = RelaxScriptPrinter.Print(r.Module);
        Assert.That(text, Does.Contain("R.reshape(x, R.shape([batch, 12]))"));
        Assert.That(text, Does.Not.Contain("shape_of").And.Not.Contain("R.take").And.Not.Contain("R.concat"));
        Assert.That(r.Summary.FoldedShapeNodes, Is.EqualTo(4));
    }
}

using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;

namespace Bridge.Importers.Tests.Onnx;

/// <summary>Malformed models: every failure is a located BridgeException in the loader's range, never another exception.</summary>
public class OnnxMalformedTests
{
    /// <summary>Loads and canonicalizes; returns the diagnostic, or null when the model is accepted.</summary>
    private static Diagnostic? Try(Func<OnnxModel> load)
    {
        try
        {
            var m = load();
            OnnxCanonicalizer.Canonicalize(m, new DiagnosticBag());
            return null;
        }
        catch (BridgeException e) { return e.Diagnostic; }
    }

    [TestCase("cycle", 5031, "a")]
    [TestCase("missing_initializer", 5030, "add")]
    [TestCase("dim_over_2_31", 5012, "Big")]
    [TestCase("valueinfo_dim_over_2_31", 5012, "X")]
    [TestCase("absurd_size", 5014, "Huge")]
    [TestCase("raw_data_mismatch", 5013, "S")]
    [TestCase("unknown_dtype", 5010, "U")]
    [TestCase("external_escape", 5020, "E")]
    [TestCase("external_absolute", 5020, "E")]
    [TestCase("external_missing", 5021, "E")]
    [TestCase("external_range", 5022, "E")]
    [TestCase("attr_wrong_type", 5050, "conv_bad_type")]
    [TestCase("attr_bad_value", 5050, "conv_bad_pad")]
    [TestCase("opset_too_old", 5004, "")]
    [TestCase("cast_missing_to", 5051, "cast")]
    public void BadModelGivesLocatedDiagnostic(string name, int code, string node)
    {
        var path = OnnxFixtures.Bad(name);
        var d = Try(() => OnnxModelLoader.Load(path));
        Assert.That(d, Is.Not.Null, $"{name} was accepted");
        Assert.That(d!.Id.Code, Is.EqualTo(code), d.Render());
        var loc = d.Loc as SourceLoc.GraphNode;
        Assert.That(loc, Is.Not.Null, d.Render());
        Assert.That(loc!.Path, Is.EqualTo(path));
        if (node.Length > 0 && name != "cycle") Assert.That(loc.Node, Is.EqualTo(node), d.Render());
        if (name == "cycle") Assert.That(loc.Node, Is.AnyOf("a", "b"), "a node on the cycle");
        if (name.StartsWith("attr_", StringComparison.Ordinal)) Assert.That(d.Message, Does.Contain(name == "attr_wrong_type" ? "'strides'" : "'auto_pad'"));
    }

    [Test]
    public void TruncatedFilesAtManyPrefixes()
    {
        foreach (var model in new[] { "lstm_v14", "if_v13", "function_v13", "conv_symbolic_v13" })
        {
            var bytes = File.ReadAllBytes(OnnxFixtures.Good(model));
            for (var len = 0; len < bytes.Length; len += Math.Max(1, bytes.Length / 97))
            {
                var cut = bytes[..len];
                var d = Try(() => OnnxModelLoader.Load(cut, OnnxFixtures.Good(model)));
                // A prefix may happen to be a valid (smaller) model; when it is not, the diagnostic must be in range.
                if (d is not null) Assert.That(d.Id.Code is >= 5000 and < 5300 or 1009, Is.True, $"{model}[..{len}]: {d.Render()}");
            }
            var d0 = Try(() => OnnxModelLoader.Load(bytes[..(bytes.Length / 2)], OnnxFixtures.Good(model)));
            Assert.That(d0, Is.Not.Null, $"{model} cut in half was accepted");
        }
    }

    [Test]
    public void FuzzOverByteMutations()
    {
        var seeds = new[] { "lstm_v14", "if_v13", "function_v13", "conv_same_upper_v11", "resize_v13", "loop_v13", "external_v13", "split_v13" };
        var rng = new Random(1234);
        int rejected = 0, accepted = 0;
        for (var i = 0; i < 1200; i++)
        {
            var name = seeds[i % seeds.Length];
            var bytes = File.ReadAllBytes(OnnxFixtures.Good(name));
            var n = 1 + rng.Next(4);
            for (var k = 0; k < n; k++)
            {
                var pos = rng.Next(bytes.Length);
                bytes[pos] = rng.Next(3) switch { 0 => (byte)rng.Next(256), 1 => (byte)(bytes[pos] ^ (1 << rng.Next(8))), _ => 0xFF };
            }
            try
            {
                var m = OnnxModelLoader.Load(bytes, OnnxFixtures.Good(name));
                OnnxCanonicalizer.Canonicalize(m, new DiagnosticBag());
                accepted++;
            }
            catch (BridgeException e)
            {
                rejected++;
                Assert.That(e.Diagnostic.Loc, Is.Not.Null);
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} of {name}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        Assert.That(rejected, Is.GreaterThan(100), $"accepted {accepted}, rejected {rejected}");
    }

    [Test]
    public void MissingFileIsADiagnostic()
    {
        var d = Try(() => OnnxModelLoader.Load(Path.Combine(OnnxFixtures.Dir, "no-such.onnx")));
        Assert.That(d!.Id, Is.EqualTo(CoreDiagnosticIds.FileNotFound));
    }
}

using System.Diagnostics;
using Bridge.Ir.Relay;
using Bridge.Ir.Relay.Text;

namespace Bridge.Ir.Tests.Relay;

/// <summary>Malformed input never escapes as anything but a positioned BridgeException, and never hangs.</summary>
[TestFixture]
public class RelayRobustnessTests
{
    private static readonly string[] s_fixtures =
        ["text/menagerie_mnist.relay", "std/prelude.rly", "text/plan_devices_expected.relay", "text/parser_list_length_match.relay", "text/partitioned_outlined.relay"];

    private static readonly Dictionary<string, RelayTextOptions> s_options = [];

    private static void ParseAndCheck(string text, string rel)
    {
        try
        {
            if (!s_options.TryGetValue(rel, out var opt)) s_options[rel] = opt = RelayCorpus.Options(rel);
            var m = RelayTextReader.ParseModule(text, rel, opt);
            RelayTypeInference.InferModule(m);
            _ = RelayTextWriter.PrintModule(m);
        }
        catch (BridgeException ex)
        {
            Assert.That(ex.Diagnostic.Loc, Is.Not.TypeOf<SourceLoc.Unknown>(), ex.Message);
        }
    }

    [TestCaseSource(nameof(s_fixtures))]
    public void Every_truncated_prefix_gives_a_positioned_diagnostic(string rel)
    {
        var text = RelayCorpus.Read(rel);
        // Every prefix for short files; a stride keeping the test fast for long ones.
        var step = Math.Max(1, text.Length / 600);
        for (var n = 0; n < text.Length; n += step) ParseAndCheck(text[..n], rel);
    }

    [Test]
    public void Random_mutations_give_positioned_diagnostics()
    {
        var rng = new Random(1234);
        const string alphabet = "()[]{},.;:=+-*/<>!?@%#\"_ \n0123456789abcxyzfi";
        var sw = Stopwatch.StartNew();
        var count = 0;
        for (var k = 0; k < 1200; k++)
        {
            var rel = s_fixtures[k % s_fixtures.Length];
            var chars = RelayCorpus.Read(rel).ToCharArray();
            var edits = 1 + rng.Next(4);
            for (var e = 0; e < edits; e++)
            {
                var pos = rng.Next(chars.Length);
                chars[pos] = rng.Next(4) == 0 ? (char)rng.Next(0, 256) : alphabet[rng.Next(alphabet.Length)];
            }
            ParseAndCheck(new string(chars), rel);
            count++;
        }
        Assert.That(count, Is.EqualTo(1200));
        Assert.That(sw.Elapsed.TotalSeconds, Is.LessThan(60), "mutation fuzzing must stay fast");
    }

    [Test]
    public void Ten_thousand_node_chain_parses_and_type_checks_without_deep_recursion()
    {
        var m = RelayBenchModules.Chain(10000);
        RelayTypeInference.InferModule(m);
        Assert.That(m.Lookup("main")!.Body.CheckedType!.ToString(), Is.EqualTo("Tensor[(1, 64), float32]"));
        var printed = RelayTextWriter.PrintModule(m, showTypes: false);
        var m2 = RelayTextReader.ParseModule(printed, "chain2");
        Assert.That(RelayStructuralEqual.Equal(m, m2), Is.True);
    }
}

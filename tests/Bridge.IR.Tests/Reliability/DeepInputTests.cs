using System.Text;
using Bridge.Core.Limits;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relay;
using Bridge.Ir.Relay;
using Bridge.Ir.Relay.Json;
using Bridge.Ir.Relay.Text;

namespace Bridge.IR.Tests.Reliability;

/// <summary>
/// Issue 20 item 2: no recursion the input controls. Every reader and pass, given an input far deeper than any model, ends in
/// a correct result or a located <c>BRG1101 NestingTooDeep</c> diagnostic — never a stack overflow that kills the process.
/// The tests run on NUnit's ordinary worker thread (a small stack), the worst case.
/// </summary>
public class DeepInputTests
{
    private const int Deep = 1_000_000;

    /// <summary>negative(negative(…(x)…)) nested <paramref name="depth"/> times, built iteratively.</summary>
    private static (Var X, Expr Chain) Chain(int depth)
    {
        RelayOps.EnsureRegistered();
        var op = RelayOps.Find("negative")!;
        var x = new Var("x", new TensorType([SymExpr.Const(2)], DataType.Float32));
        Expr e = x;
        for (var i = 0; i < depth; i++) e = new Call(new OpRef(op), [e], NoAttrs.Instance, []);
        return (x, e);
    }

    /// <summary>Runs <paramref name="pass"/>: it must return, or throw a diagnostic (for depth, BRG1101).</summary>
    private static void ResultOrDiagnostic(Action pass)
    {
        try { pass(); }
        catch (BridgeException e) { Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.NestingTooDeep), e.Diagnostic.Render()); }
    }

    [Test]
    public void PrinterOnMillionDeepChain() => ResultOrDiagnostic(() => RelayTextWriter.PrintExpr(Chain(Deep).Chain));

    [Test]
    public void JsonWriterOnMillionDeepChain() => ResultOrDiagnostic(() => RelayJsonWriter.WriteExpr(Chain(Deep).Chain));

    [Test]
    public void TypeInferenceOnMillionDeepChain() => ResultOrDiagnostic(() =>
    {
        var t = RelayTypeInference.InferExpr(Chain(Deep).Chain);
        Assert.That(t, Is.InstanceOf<TensorType>());
    });

    [Test]
    public void StructuralEqualOnMillionDeepChain() => ResultOrDiagnostic(() =>
    {
        var (_, a) = Chain(Deep);
        var (_, b) = Chain(Deep);
        var (_, c) = Chain(Deep - 1);
        Assert.That(RelayStructuralEqual.Equal(a, b), Is.True, "alpha-equivalent chains");
        Assert.That(RelayStructuralEqual.Equal(a, c), Is.False, "one call shorter");
    });

    [Test]
    public void ThreeThousandNestedParenthesesParseOrAreRefusedAtTheirLine()
    {
        var text = "#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(1), float32]) {\n  " + new string('(', 3000) + "%x" + new string(')', 3000) + "\n}\n";
        try
        {
            var m = RelayTextReader.ParseModule(text, "parens.relay");
            Assert.That(m.Functions, Has.Count.EqualTo(1));
        }
        catch (BridgeException e)
        {
            Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.NestingTooDeep));
            Assert.That(e.Diagnostic.Loc, Is.InstanceOf<SourceLoc.Text>().With.Property("Line").EqualTo(3));
            Assert.That(e.Diagnostic.Render().Length, Is.LessThan(1200), "the 6 KB line is quoted as a short window");
        }
        // On the CLI's large stack the same file parses.
        var mod = StackGuard.RunWithLargeStack(() => RelayTextReader.ParseModule(text, "parens.relay"));
        Assert.That(RelayTextWriter.PrintModule(mod), Does.Contain("%x"));
    }

    [Test]
    public void JsonCallChainDeeperThanTheLimitIsRefusedAtANode()
    {
        var json = ChainJson(200_000);
        var e = Assert.Throws<BridgeException>(() => RelayJsonReader.Read(json, "chain.json"))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.NestingTooDeep), e.Diagnostic.Render());
        Assert.That(e.Diagnostic.Loc, Is.InstanceOf<SourceLoc.JsonNode>());
    }

    [Test]
    public void JsonCallChainWithinTheLimitReads()
    {
        var root = RelayJsonReader.Read(ChainJson(5_000), "chain.json");
        Assert.That(root, Is.InstanceOf<Call>());
    }

    /// <summary>A save_json document of a <paramref name="depth"/>-deep negative chain, in the shape the writer emits.</summary>
    private static string ChainJson(int depth)
    {
        var small = RelayJsonWriter.WriteExpr(Chain(2).Chain);
        using var doc = System.Text.Json.JsonDocument.Parse(small);
        var nodes = doc.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetRawText()).ToList();
        // Find the two Call nodes: the outer one refers to the inner one through its args Array.
        var calls = nodes.Select((n, i) => (n, i)).Where(p => p.n.Contains("\"relay.Call\"", StringComparison.Ordinal)).Select(p => p.i).ToList();
        Assert.That(calls, Has.Count.EqualTo(2), small);
        var root = doc.RootElement.GetProperty("root").GetInt32();
        var outer = root; var inner = calls.Single(c => c != outer);
        var outerArgs = ArgsArrayOf(nodes[outer]);
        // Append (depth-2) copies of the outer Call, each with its own args Array pointing at the previous call.
        var sb = new StringBuilder();
        var list = new List<string>(nodes);
        var prev = root;
        for (var k = 2; k < depth; k++)
        {
            var arr = list.Count;
            list.Add($"{{\"type_key\":\"Array\",\"data\":[{prev}]}}");
            var call = list.Count;
            list.Add(System.Text.RegularExpressions.Regex.Replace(nodes[outer], $"\"args\"\\s*:\\s*\"{outerArgs}\"", $"\"args\":\"{arr}\""));
            prev = call;
        }
        GC.KeepAlive(inner);
        sb.Append("{\"root\":").Append(prev).Append(",\"nodes\":[").AppendJoin(',', list).Append("],\"b64ndarrays\":[],\"attrs\":{\"tvm_version\":\"0.19.0\"}}");
        return sb.ToString();
    }

    private static int ArgsArrayOf(string callNode)
    {
        using var d = System.Text.Json.JsonDocument.Parse(callNode);
        return int.Parse(d.RootElement.GetProperty("attrs").GetProperty("args").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }
}

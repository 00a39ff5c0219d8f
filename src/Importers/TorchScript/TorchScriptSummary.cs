using System.Globalization;
using System.Text;
using Bridge.Importers.TorchScript.Code;
using Bridge.Importers.TorchScript.Pickle;

namespace Bridge.Importers.TorchScript;

/// <summary>Human-readable description of a TorchScript archive for <c>bridge inspect</c>.</summary>
public static class TorchScriptSummary
{
    /// <summary>Opens <paramref name="path"/> and describes it.</summary>
    public static string Describe(string path) => Describe(TorchScriptArchive.Open(path));

    /// <summary>Module tree, parameter/buffer counts, and a histogram of the ops called by the forward methods.</summary>
    public static string Describe(TorchScriptArchive a)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"TorchScript archive {a.Path}");
        sb.AppendLine(inv, $"  folder: {a.Prefix}/   version: {(a.Version?.ToString(inv) ?? "?")}   records: {a.EntryNames.Count}   code files: {a.Code.Count}   constants: {a.Constants.Count}");
        if (a.Extra.Count > 0) sb.AppendLine(inv, $"  extra files: {string.Join(", ", a.Extra.Keys)}");
        var ps = a.Root.AllParameters().ToList();
        var bs = a.Root.AllBuffers().ToList();
        sb.AppendLine(inv, $"  parameters: {ps.Count} tensors, {ps.Sum(p => p.Tensor.Value.Length):N0} elements;  buffers: {bs.Count} tensors, {bs.Sum(p => p.Tensor.Value.Length):N0} elements");
        sb.AppendLine("module tree:");
        Tree(sb, a.Root, 1, "<root>");
        var hist = OpsHistogram(a);
        sb.AppendLine(inv, $"ops called by forward ({hist.Values.Sum()} calls, {hist.Count} distinct):");
        foreach (var (op, n) in hist.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
            sb.AppendLine(inv, $"  {n,6}  {op}");
        return sb.ToString();
    }

    private static void Tree(StringBuilder sb, TsModule m, int indent, string name)
    {
        var pad = new string(' ', indent * 2);
        sb.Append(pad).Append(name).Append(": ").Append(m.TypeName);
        if (m.Class is null) sb.Append(" (no code)");
        sb.AppendLine();
        foreach (var (n, t) in m.Parameters) sb.Append(pad).Append("  param  ").Append(n).Append(' ').AppendLine(t.ToString());
        foreach (var (n, t) in m.Buffers) sb.Append(pad).Append("  buffer ").Append(n).Append(' ').AppendLine(t.ToString());
        foreach (var (n, sub) in m.Submodules) Tree(sb, sub, indent + 1, n);
    }

    /// <summary>
    /// Counts op calls in every <c>forward</c> of the module tree (each class once): <c>torch.X(...)</c> counts as
    /// <c>aten::X</c>, <c>ops.ns.X(...)</c> as <c>ns::X</c>.
    /// </summary>
    public static Dictionary<string, int> OpsHistogram(TorchScriptArchive a)
    {
        var hist = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in a.Root.Descendants())
            if (m.Forward is { } f && seen.Add(m.QualifiedName))
                foreach (var s in f.Body) CountStmt(s, hist);
        return hist;
    }

    /// <summary>The op name a call expression denotes (<c>aten::conv2d</c>, <c>prim::NumToTensor</c>), or null.</summary>
    public static string? OpName(TsExpr fn) => fn switch
    {
        TsAttribute { Target: TsName { Id: "torch" }, Name: var n } => "aten::" + n,
        TsAttribute { Target: TsAttribute { Target: TsName { Id: "ops" }, Name: var ns }, Name: var n } => ns + "::" + n,
        _ => null,
    };

    private static void CountStmt(TsStmt s, Dictionary<string, int> h)
    {
        switch (s)
        {
            case TsAssign a: if (a.Value is not null) CountExpr(a.Value, h); break;
            case TsAugAssign a: CountExpr(a.Value, h); break;
            case TsExprStmt e: CountExpr(e.Value, h); break;
            case TsReturn { Value: { } v }: CountExpr(v, h); break;
            case TsIf i: CountExpr(i.Condition, h); foreach (var x in i.Then.Concat(i.Else)) CountStmt(x, h); break;
            case TsFor f: CountExpr(f.Iterable, h); foreach (var x in f.Body) CountStmt(x, h); break;
            case TsWhile w: CountExpr(w.Condition, h); foreach (var x in w.Body) CountStmt(x, h); break;
            case TsWith w: foreach (var x in w.Body) CountStmt(x, h); break;
        }
    }

    private static void CountExpr(TsExpr e, Dictionary<string, int> h)
    {
        switch (e)
        {
            case TsCall c:
                if (OpName(c.Function) is { } op) h[op] = h.GetValueOrDefault(op) + 1;
                else CountExpr(c.Function, h);
                foreach (var x in c.Args) CountExpr(x, h);
                foreach (var k in c.Keywords) CountExpr(k.Value, h);
                break;
            case TsAttribute a: CountExpr(a.Target, h); break;
            case TsSubscript s: CountExpr(s.Target, h); CountExpr(s.Index, h); break;
            case TsTuple t: foreach (var x in t.Items) CountExpr(x, h); break;
            case TsList l: foreach (var x in l.Items) CountExpr(x, h); break;
            case TsBinary b: CountExpr(b.Left, h); CountExpr(b.Right, h); break;
            case TsUnary u: CountExpr(u.Operand, h); break;
            case TsConditional c: CountExpr(c.Condition, h); CountExpr(c.Then, h); CountExpr(c.Else, h); break;
        }
    }
}

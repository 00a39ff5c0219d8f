using System.Text;
using Bridge.Ir.Relax.Json;
using Bridge.Ir.Relax.Script;

namespace Bridge.Ir.Relax;

/// <summary>Short human-readable description of a module for <c>bridge inspect</c>.</summary>
public static class RelaxSummary
{
    /// <summary>Each function's signature (symbolic shapes kept) and an op histogram; extern and TIR functions by name.</summary>
    public static string Describe(IRModule m)
    {
        var sb = new StringBuilder();
        var opts = new RelaxPrinterOptions { TargetVersion = RelaxVersion.Main };
        foreach (var e in m.Entries)
        {
            switch (e.Value)
            {
                case PrimFuncText: sb.Append('@').Append(e.Name).Append(": TIR PrimFunc\n"); break;
                case ExternFunc x: sb.Append('@').Append(e.Name).Append(": extern \"").Append(x.GlobalSymbol).Append("\"\n"); break;
                case Function f:
                {
                    var ps = string.Join(", ", f.Params.Select(p => $"{p.Name}: {RelaxScriptPrinter.PrintStructInfo(p.Info ?? StructInfo.Object, opts)}"));
                    var ret = RelaxScriptPrinter.PrintStructInfo(f.RetInfo ?? StructInfo.Object, opts);
                    var hist = new SortedDictionary<string, int>(StringComparer.Ordinal);
                    var bindings = 0;
                    Count(f.Body, hist, ref bindings);
                    sb.Append('@').Append(e.Name).Append('(').Append(ps).Append(") -> ").Append(ret);
                    sb.Append("  [").Append(f.IsPure ? "pure" : "impure").Append(f.IsPrivate ? ", private" : "").Append(", ").Append(bindings).Append(" bindings]\n");
                    if (hist.Count > 0)
                        sb.Append("  ops: ").Append(string.Join(", ", hist.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} x{k.Value}"))).Append('\n');
                    break;
                }
            }
        }
        return sb.ToString();
    }

    private static void Count(SeqExpr s, SortedDictionary<string, int> hist, ref int bindings)
    {
        foreach (var b in s.Blocks)
            foreach (var x in b.Bindings)
            {
                bindings++;
                CountExpr(x.Value, hist, ref bindings);
            }
    }

    private static void CountExpr(Expr e, SortedDictionary<string, int> hist, ref int bindings)
    {
        switch (e)
        {
            case Call c:
                var key = c.Op is { } op ? "R." + op.Name[6..] : c.Callee is GlobalVar g ? "@" + g.Name : "call";
                hist[key] = hist.GetValueOrDefault(key) + 1;
                break;
            case If i: Count(i.Then, hist, ref bindings); Count(i.Else, hist, ref bindings); break;
            case Function f: Count(f.Body, hist, ref bindings); break;
        }
    }
}

/// <summary>Re-emission helper for <c>bridge convert</c>.</summary>
public static class RelaxConvert
{
    /// <summary>Reads the format (<c>save_json</c> graph or TVMScript).</summary>
    public static IRModule Read(string text, string path) =>
        text.TrimStart().StartsWith('{') ? RelaxJsonReader.Read(text, path) : RelaxScriptReader.Parse(text, path, RelaxMetadataFile.ReaderOptions(path));

    /// <summary>
    /// Parses <paramref name="text"/> (TVMScript of any supported version, or save_json of any era), checks well-formedness,
    /// and prints it for <paramref name="targetVersion"/> (<c>portable</c>, <c>0.19</c>, <c>0.22</c>…<c>0.26</c>, <c>main</c>)
    /// as <paramref name="format"/> <c>tvmscript</c> or <c>json</c>.
    /// </summary>
    public static string Reemit(string text, string path, string targetVersion, string format, long? metadataThreshold = null, bool showAllStructInfo = true)
    {
        var v = RelaxVersion.Parse(targetVersion);
        var m = Read(text, path);
        RelaxWellFormed.ThrowIfInvalid(m);
        return format switch
        {
            "tvmscript" or "script" or "py" => RelaxScriptPrinter.Print(m, new RelaxPrinterOptions { TargetVersion = v, MetadataThreshold = metadataThreshold, ShowAllStructInfo = showAllStructInfo }),
            "json" => RelaxJsonWriter.Write(m, v),
            _ => throw new BridgeException(RelaxScriptDiagnosticIds.UnknownVersion, SourceLoc.Unknown.Instance, $"unknown output format '{format}' (expected tvmscript or json)"),
        };
    }
}

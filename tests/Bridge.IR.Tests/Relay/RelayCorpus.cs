using Bridge.Ir.Relay;
using Bridge.Ir.Relay.Text;

namespace Bridge.Ir.Tests.Relay;

/// <summary>Finds the committed Relay fixtures and knows how each must be read (README of corpora/relay).</summary>
internal static class RelayCorpus
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !Directory.Exists(Path.Combine(d.FullName, "corpora", "relay"))) d = d.Parent;
        return d is null ? throw new DirectoryNotFoundException("corpora/relay not found") : Path.Combine(d.FullName, "corpora", "relay");
    }

    /// <summary>Fixtures parsed with ParseExpr (README: EXPRESSION).</summary>
    public static readonly HashSet<string> Expressions = ["checkpoint_grad_expr.relay", "expr_curried.relay", "expr_fn_type.relay", "printer_call_node_order.relay"];

    public static IEnumerable<string> TextFixtures() =>
        Directory.GetFiles(Path.Combine(Root, "text"), "*.relay").Concat(Directory.GetFiles(Path.Combine(Root, "std"), "*.rly"))
            .Select(p => Path.GetRelativePath(Root, p)).OrderBy(p => p, StringComparer.Ordinal);

    public static string Read(string rel) => File.ReadAllText(Path.Combine(Root, rel));

    /// <summary>Reading options of a fixture: initial module (nat.rly, parser_init_module_main) and meta tables.</summary>
    public static RelayTextOptions Options(string rel)
    {
        var name = Path.GetFileName(rel);
        IRModule? init = null;
        MetaTable? meta = null;
        if (name == "nat.rly") init = RelayTextReader.ParseModule(Read("std/prelude.rly"), "std/prelude.rly");
        if (name == "parser_init_module_main.relay")
        {
            init = RelayTextReader.ParseModule(Read("text/parser_init_module_f.relay"), "parser_init_module_f.relay");
            meta = MetaTable.FromConstsJsonText("{\"relay.Constant\": [{\"dtype\": \"float32\", \"shape\": [2, 3]}]}", "<inline>");
        }
        var consts = Path.Combine(Root, Path.ChangeExtension(rel, ".consts.json"));
        if (File.Exists(consts)) meta = MetaTable.FromConstsJson(consts);
        return new RelayTextOptions { InitialModule = init, ExternalMeta = meta };
    }

    public static bool IsExpression(string rel) => Expressions.Contains(Path.GetFileName(rel));
}

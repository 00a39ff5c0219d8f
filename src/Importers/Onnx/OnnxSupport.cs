using System.Text;
using Bridge.Importers.Onnx.Ops;

namespace Bridge.Importers.Onnx;

/// <summary>Coverage: the up-front unsupported-op report and the generated support matrix (docs/onnx-support.md).</summary>
public static class OnnxSupport
{
    /// <summary>One unsupported (domain, op, opset) with the nodes that use it.</summary>
    public sealed record Offender(string Domain, string OpType, int Opset, ImmutableArray<string> Nodes, string Reason);

    /// <summary>Every unsupported (domain, op, opset) in the model, subgraphs included, in first-seen order.</summary>
    public static ImmutableArray<Offender> FindUnsupported(OnnxModel model)
    {
        var found = new Dictionary<(string, string, int), (List<string> Nodes, string Reason, int Order)>();
        foreach (var g in model.Graph.SelfAndSubgraphs())
            foreach (var n in g.Nodes)
            {
                var spec = OnnxOps.Find(n.Domain, n.OpType);
                string? reason = spec is null ? "not implemented"
                    : spec.Resolve(n.Opset) is null ? $"declared for opset {string.Join("/", spec.Versions)}{(spec.RemovedIn is { } r ? $", removed in {r}" : "")}" : null;
                if (reason is null) continue;
                var key = (n.Domain, n.OpType, n.Opset);
                if (!found.TryGetValue(key, out var e)) found[key] = e = ([], reason, found.Count);
                e.Nodes.Add(g == model.Graph ? n.Name : $"{g.Name}/{n.Name}");
            }
        return [.. found.OrderBy(kv => kv.Value.Order).Select(kv => new Offender(kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, [.. kv.Value.Nodes], kv.Value.Reason))];
    }

    /// <summary>
    /// Walks the whole model (subgraphs too) before any conversion and throws ONE diagnostic listing every unsupported
    /// (domain, op, opset) with its node count and names; related notes point at each first node.
    /// </summary>
    public static void CheckUnsupported(OnnxModel model)
    {
        var off = FindUnsupported(model);
        if (off.IsEmpty) return;
        var sb = new StringBuilder($"{off.Length} unsupported op(s): ");
        sb.AppendJoin("; ", off.Select(o => $"{o.Domain}.{o.OpType} (opset {o.Opset}, {o.Reason}) x{o.Nodes.Length}: {string.Join(", ", o.Nodes.Take(8))}{(o.Nodes.Length > 8 ? ", …" : "")}"));
        var related = off.Select(o => Diagnostic.Error(OnnxDiagnosticIds.UnsupportedOps,
            new SourceLoc.GraphNode(model.Path, model.Graph.Name, o.Nodes[0], o.OpType), $"{o.Domain}.{o.OpType} opset {o.Opset}: {o.Nodes.Length} node(s)")).ToImmutableArray();
        throw new BridgeException(Diagnostic.Error(OnnxDiagnosticIds.UnsupportedOps, new SourceLoc.GraphNode(model.Path, model.Graph.Name, off[0].Nodes[0], off[0].OpType), sb.ToString()) with { Related = related });
    }

    /// <summary>The support matrix as Markdown, rendered from the declared op table (docs/onnx-support.md is this text).</summary>
    public static string RenderMatrix()
    {
        var sb = new StringBuilder();
        sb.Append("# ONNX support matrix\n\n");
        sb.Append("Generated from the declared op table (`src/Importers/Onnx/Ops/`) by `OnnxSupport.RenderMatrix()`; do not edit by hand.\n");
        sb.Append("Regenerate with `BRIDGE_REGEN_DOCS=1 dotnet test tests/Bridge.Importers.Tests --filter SupportMatrix`.\n\n");
        sb.Append($"ai.onnx opsets {OnnxModelLoader.MinAiOnnxOpset}–{OnnxModelLoader.MaxAiOnnxOpset}. A node of opset N uses the largest listed version ≤ N. ");
        sb.Append("**Versions** are the ONNX since-versions whose schema Bridge parses; **Canonical** is the op kind emitters receive.\n\n");
        foreach (var grp in OnnxOps.All.GroupBy(s => s.Domain))
        {
            sb.Append($"## {grp.Key} ({grp.Count()} ops)\n\n");
            sb.Append("| Op | Versions | Canonical | Inputs (canonical) | Attributes | Family | Notes |\n|---|---|---|---|---|---|---|\n");
            foreach (var s in grp)
            {
                var attrs = string.Join(", ", s.Schema.Fields.Where(f => f.Property.GetCustomAttributes(typeof(DerivedAttribute), false).Length == 0).Select(f => f.Name));
                var versions = string.Join(", ", s.Versions) + (s.RemovedIn is { } r ? $" (removed in {r})" : "");
                sb.Append($"| {s.OpType} | {versions} | {s.CanonicalKind} | {s.Signature} | {attrs} | {s.Family} | {s.Notes.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
            }
            sb.Append('\n');
        }
        sb.Append($"Total: {OnnxOps.All.Length} ops.\n");
        return sb.ToString();
    }
}

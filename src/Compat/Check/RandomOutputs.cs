using Bridge.Importers.Onnx;

namespace Bridge.Compat.Check;

/// <summary>
/// Which outputs of an ONNX graph depend on a random op (RandomUniform/Normal(-Like), Bernoulli, Multinomial). Such an output
/// differs between ONNX Runtime, Relay (TVM's Threefry) and Relax (TVM's packed random engine) by construction, so the checks
/// compare it on shape and dtype only and report it as <c>nondeterministic</c>, naming the random node. Found by forward
/// reachability over the graph in node order: a random node taints its outputs, any node reading a tainted value taints its
/// outputs, and a control-flow node (If/Loop/Scan) taints its outputs when a subgraph holds a random node or reads a tainted
/// value of an enclosing scope.
/// </summary>
public static class RandomOutputs
{
    /// <summary>The ai.onnx op types whose values are random.</summary>
    public static readonly IReadOnlySet<string> RandomOpTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "RandomUniform", "RandomUniformLike", "RandomNormal", "RandomNormalLike", "Bernoulli", "Multinomial",
    };

    /// <summary>For each graph output index that depends on a random node, that node's name (the first one reaching it).</summary>
    public static IReadOnlyDictionary<int, string> Of(OnnxModel model)
    {
        var taint = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(model.Graph, taint);
        var result = new Dictionary<int, string>();
        for (var i = 0; i < model.Graph.Outputs.Length; i++)
            if (taint.TryGetValue(model.Graph.Outputs[i].Name, out var src)) result[i] = src;
        return result;
    }

    private static bool IsRandom(OnnxNode n) => (n.Domain is "" or OnnxDomains.AiOnnx) && RandomOpTypes.Contains(n.OpType);

    private static string NameOf(OnnxNode n) => n.Name.Length > 0 ? $"{n.Name} ({n.OpType})" : $"{n.OpType} -> {string.Join(", ", n.Outputs)}";

    /// <summary>Taints the values of <paramref name="g"/> (the dictionary holds the enclosing scopes' taints too).</summary>
    private static void Walk(OnnxGraph g, Dictionary<string, string> taint)
    {
        foreach (var n in g.Nodes)
        {
            string? src = IsRandom(n) ? NameOf(n) : n.Inputs.Where(i => i.Length > 0).Select(i => taint.GetValueOrDefault(i)).FirstOrDefault(s => s is not null);
            foreach (var a in n.Attributes.Values)
            {
                if (src is not null) break;
                foreach (var sub in a.G is { } one ? [one, .. a.Graphs] : a.Graphs)
                {
                    // A subgraph sees the outer taints; its own values are scoped to it.
                    var inner = new Dictionary<string, string>(taint, StringComparer.Ordinal);
                    Walk(sub, inner);
                    src ??= sub.Outputs.Select(o => inner.GetValueOrDefault(o.Name)).FirstOrDefault(s => s is not null);
                    if (src is not null) break;
                }
            }
            if (src is null) continue;
            foreach (var o in n.Outputs) if (o.Length > 0) taint[o] = src;
        }
    }
}

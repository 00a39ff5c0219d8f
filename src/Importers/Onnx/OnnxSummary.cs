using System.Globalization;
using System.Text;

namespace Bridge.Importers.Onnx;

/// <summary>A human-readable summary of an ONNX model for <c>bridge inspect</c>.</summary>
public static class OnnxSummary
{
    /// <summary>Loads <paramref name="path"/> and describes it: ir_version, producer, opsets, inputs/outputs (symbolic dims), op histogram.</summary>
    public static string Describe(string path, OnnxLoadOptions? options = null) => Describe(OnnxModelLoader.Load(path, options));

    public static string Describe(OnnxModel m)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"model: {m.Path}\n");
        sb.Append(inv, $"ir_version: {m.IrVersion}\n");
        sb.Append(string.Create(inv, $"producer: {(m.ProducerName.Length == 0 ? "<none>" : m.ProducerName)} {m.ProducerVersion}").TrimEnd()).Append('\n');
        sb.Append("opsets: ").AppendJoin(", ", m.Opsets.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}")).Append('\n');
        sb.Append(inv, $"graph: {m.Graph.Name}\n");
        sb.Append(inv, $"inputs ({m.Graph.Inputs.Length}):\n");
        foreach (var i in m.Graph.Inputs) sb.Append(inv, $"  {i.Name}: {i.Type}\n");
        sb.Append(inv, $"outputs ({m.Graph.Outputs.Length}):\n");
        foreach (var o in m.Graph.Outputs) sb.Append(inv, $"  {o.Name}: {o.Type}\n");
        long weights = m.Graph.Initializers.Values.Sum(t => (long)t.ByteLength);
        sb.Append(inv, $"initializers: {m.Graph.Initializers.Count} ({weights} bytes)\n");
        var graphs = m.Graph.SelfAndSubgraphs().ToList();
        var nodes = graphs.SelectMany(g => g.Nodes).ToList();
        sb.Append(inv, $"nodes: {nodes.Count}{(graphs.Count > 1 ? $" (incl. {graphs.Count - 1} subgraph(s))" : "")}\n");
        sb.Append("op histogram:\n");
        foreach (var g in nodes.GroupBy(n => (n.Domain, n.OpType)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.OpType, StringComparer.Ordinal))
            sb.Append(inv, $"  {g.Count(),6}  {(g.Key.Domain == OnnxDomains.AiOnnx ? "" : g.Key.Domain + ".")}{g.Key.OpType}\n");
        var unsupported = OnnxSupport.FindUnsupported(m);
        if (!unsupported.IsEmpty)
        {
            sb.Append("unsupported:\n");
            foreach (var u in unsupported) sb.Append(inv, $"  {u.Domain}.{u.OpType} (opset {u.Opset}): {u.Nodes.Length} node(s)\n");
        }
        return sb.ToString();
    }
}

using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Proto;
using Google.Protobuf;

namespace Bridge.Compat.Diff;

/// <summary>A standalone subgraph model and the feeds of its inputs.</summary>
internal sealed record Subgraph(ModelProto Model, IReadOnlyDictionary<string, Tensor> Feeds);

/// <summary>
/// Cuts standalone models out of an ONNX model's main graph for <see cref="OnnxReducer"/>: a set of nodes (kept in their
/// topological order) and the values to output. Every value the nodes read but do not compute becomes a typed graph input fed
/// from <c>reference</c> (the original feeds and ONNX Runtime's intermediates), except initializers, which are written inline
/// (raw data, so the cut model is standalone even when the original used external data). Names read inside a node's subgraphs
/// (If/Loop/Scan bodies) from the outer scope count as reads.
/// </summary>
internal sealed class SubgraphBuilder(ModelProto proto, OnnxGraph graph, IReadOnlyDictionary<string, Tensor> reference)
{
    private readonly List<NodeProto> _nodes = [.. proto.Graph.Node];
    private readonly HashSet<string> _graphOutputs = [.. proto.Graph.Output.Select(o => o.Name)];

    public string NodeName(int i) => _nodes[i].Name is { Length: > 0 } n ? n : $"{_nodes[i].OpType}_{i}";

    public IReadOnlyList<string> OutputsOf(int i) => [.. _nodes[i].Output.Where(o => o.Length > 0 && reference.ContainsKey(o))];

    /// <summary>Values computed by nodes <paramref name="from"/>..<paramref name="to"/> that later nodes read or the graph outputs.</summary>
    public IReadOnlyList<string> Frontier(int from, int to)
    {
        var later = new HashSet<string>(StringComparer.Ordinal);
        for (var i = to + 1; i < _nodes.Count; i++) later.UnionWith(Reads(_nodes[i]));
        var r = new List<string>();
        for (var i = from; i <= to; i++)
            foreach (var o in _nodes[i].Output)
                if (o.Length > 0 && (later.Contains(o) || _graphOutputs.Contains(o)) && reference.ContainsKey(o)) r.Add(o);
        return r;
    }

    /// <summary>The cut model, or null when a value it must be fed or output has no reference value (ORT did not produce it).</summary>
    public Subgraph? Build(IReadOnlyList<int> nodes, IReadOnlyList<string> outputs)
    {
        if (outputs.Count == 0) return null;
        var model = proto.Clone();
        var g = model.Graph;
        g.Node.Clear();
        g.Input.Clear();
        g.Output.Clear();
        g.Initializer.Clear();
        g.ValueInfo.Clear();
        var produced = new HashSet<string>(StringComparer.Ordinal);
        var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var inits = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in nodes.Order())
        {
            var node = _nodes[i];
            foreach (var x in Reads(node))
            {
                if (produced.Contains(x) || feeds.ContainsKey(x) || inits.Contains(x)) continue;
                if (graph.Initializers.TryGetValue(x, out var w) && !graph.Inputs.Any(v => v.Name == x))
                {
                    inits.Add(x);
                    g.Initializer.Add(ToProto(x, w));
                }
                else if (reference.TryGetValue(x, out var t))
                {
                    feeds[x] = t;
                    g.Input.Add(ValueInfo(x, t));
                }
                else return null;
            }
            g.Node.Add(node.Clone());
            foreach (var o in node.Output) if (o.Length > 0) produced.Add(o);
        }
        foreach (var o in outputs)
        {
            if (!produced.Contains(o) || !reference.TryGetValue(o, out var t)) return null;
            g.Output.Add(ValueInfo(o, t));
        }
        return new Subgraph(model, feeds);
    }

    /// <summary>The names a node reads: its inputs and, inside its subgraph attributes, names no subgraph node defines.</summary>
    private static IEnumerable<string> Reads(NodeProto n)
    {
        foreach (var i in n.Input) if (i.Length > 0) yield return i;
        foreach (var a in n.Attribute)
        {
            var graphs = a.G is null ? a.Graphs : a.Graphs.Append(a.G);
            foreach (var sg in graphs)
                foreach (var x in Free(sg)) yield return x;
        }
    }

    private static IEnumerable<string> Free(GraphProto g)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        defined.UnionWith(g.Input.Select(i => i.Name));
        defined.UnionWith(g.Initializer.Select(i => i.Name));
        foreach (var n in g.Node)
        {
            foreach (var x in Reads(n)) if (!defined.Contains(x)) yield return x;
            defined.UnionWith(n.Output);
        }
    }

    private static ValueInfoProto ValueInfo(string name, Tensor t)
    {
        var tt = new TypeProto.Types.Tensor { ElemType = OnnxDTypes.CodeOf(t.DType), Shape = new TensorShapeProto() };
        foreach (var d in t.Shape) tt.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tt } };
    }

    private static TensorProto ToProto(string name, Tensor t)
    {
        var p = new TensorProto { Name = name, DataType = OnnxDTypes.CodeOf(t.DType), RawData = ByteString.CopyFrom(t.Bytes) };
        p.Dims.AddRange(t.Shape);
        return p;
    }
}

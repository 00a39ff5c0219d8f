using Bridge.Importers.Onnx.Proto;
using Bridge.Importers.TorchScript;
using Google.Protobuf;

namespace Bridge.Translators.Torch;

/// <summary>
/// The check that keeps symbolic dims honest: the forward is translated at two probe sizes, and any difference between the two
/// graphs means some rule turned the dim's size into a number (a constant, an attribute, a decided branch). The first node that
/// differs (or reads a constant that differs) is named with its source position.
/// </summary>
internal static class SymbolicProbes
{
    public static void Compare(TorchScriptArchive archive, IReadOnlyList<TorchInput> inputs, ModelProto a, OnnxGraphBuilder ga, ModelProto b)
    {
        if (a.ToByteArray().AsSpan().SequenceEqual(b.ToByteArray())) return;
        var dims = inputs.SelectMany(i => i.IsSymbolic ? i.DimNames.Where(n => n is not null).Select(n => n!) : []).Distinct().ToList();
        var probes = string.Join(", ", dims.Select((n, k) => $"{n}={OnnxGraphBuilder.Probe(0, k)} and {n}={OnnxGraphBuilder.Probe(1, k)}"));
        var initB = b.Graph.Initializer.ToDictionary(t => t.Name, t => t, StringComparer.Ordinal);
        var changed = a.Graph.Initializer.Where(t => !initB.TryGetValue(t.Name, out var o) || !o.Equals(t)).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var na = Flatten(a.Graph).ToList();
        var nb = Flatten(b.Graph).ToList();
        for (var k = 0; k < na.Count; k++)
        {
            var differs = k >= nb.Count || !Shallow(na[k]).Equals(Shallow(nb[k])) || na[k].Input.Any(changed.Contains);
            if (!differs) continue;
            var n = na[k];
            var pos = ga.PosOf(n.Name);
            var loc = pos is { } p ? (SourceLoc)new SourceLoc.Text(archive.Path, p.Line, p.Column) : archive.EntryLoc("data.pkl");
            throw new BridgeException(TorchDiagnosticIds.SymbolicDimFolded, loc,
                $"symbolic dim {string.Join(", ", dims)} cannot stay symbolic: the op here uses its size as a number (its ONNX-form {n.OpType} node differs when translated with {probes}); give the size (--shape {dims[0]}=N)");
        }
        throw new BridgeException(TorchDiagnosticIds.SymbolicDimFolded, archive.EntryLoc("data.pkl"),
            $"symbolic dim {string.Join(", ", dims)} cannot stay symbolic: the graph's inputs or outputs differ when translated with {probes} (an output dim computed from it, e.g. a flattened product?); give the size (--shape {dims[0]}=N)");
    }

    /// <summary>Nodes in pre-order, subgraph nodes after the node that holds them.</summary>
    private static IEnumerable<NodeProto> Flatten(GraphProto g)
    {
        foreach (var n in g.Node)
        {
            yield return n;
            foreach (var at in n.Attribute)
                if (at.G is { } sub)
                    foreach (var x in Flatten(sub)) yield return x;
        }
    }

    /// <summary>A node without its subgraphs (those are compared node by node).</summary>
    private static NodeProto Shallow(NodeProto n)
    {
        var c = n.Clone();
        c.Attribute.Clear();
        c.Attribute.AddRange(n.Attribute.Where(x => x.G is null));
        return c;
    }
}

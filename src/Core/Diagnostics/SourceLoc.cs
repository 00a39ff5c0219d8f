
namespace Bridge.Core.Diagnostics;

/// <summary>
/// Where something came from: a text position, a node of a JSON document, a node of a model graph, several of these fused
/// by a translator, or explicitly unknown. Every IR node carries one (STYLE 6).
/// </summary>
public abstract record SourceLoc
{
    private SourceLoc() { }

    /// <summary>A 1-based line and column in a text file (Relay text, TVMScript).</summary>
    public sealed record Text(string Path, int Line, int Column) : SourceLoc
    {
        public override string ToString() => $"{Path}({Line},{Column})";
    }

    /// <summary>A node of a JSON document (save_json node index, graph-executor node) with an optional JSON pointer.</summary>
    public sealed record JsonNode(string Path, int NodeIndex, string? Pointer = null) : SourceLoc
    {
        public override string ToString() => Pointer is null ? $"{Path}[node {NodeIndex}]" : $"{Path}[node {NodeIndex}, {Pointer}]";
    }

    /// <summary>A node of a model graph (ONNX, TorchScript, graph executor).</summary>
    public sealed record GraphNode(string Path, string Graph, string Node, string OpType) : SourceLoc
    {
        public override string ToString() => $"{Path} [graph \"{Graph}\", node \"{Node}\" ({OpType})]";
    }

    /// <summary>A position inside a function of an IR module when no span was printed: function name and binding index.</summary>
    public sealed record Binding(string Path, string Function, int Index) : SourceLoc
    {
        public override string ToString() => $"{Path} [@{Function}, binding {Index}]";
    }

    /// <summary>Several locations a translator merged into one node, with the pass that did it.</summary>
    public sealed record Fused(ImmutableArray<SourceLoc> Parts, string Pass) : SourceLoc
    {
        public bool Equals(Fused? other) => other is not null && Pass == other.Pass && Parts.SequenceEqual(other.Parts);
        public override int GetHashCode() => HashCode.Combine(Pass, Parts.Length);
        public override string ToString() => $"fused[{Pass}]({string.Join("; ", Parts)})";
    }

    /// <summary>The location is not known; said explicitly rather than with null.</summary>
    public sealed record Unknown : SourceLoc
    {
        public static readonly Unknown Instance = new();
        public override string ToString() => "<unknown>";
    }

    /// <summary>The file this location refers to, when there is one.</summary>
    public string? FilePath => this switch
    {
        Text t => t.Path,
        JsonNode j => j.Path,
        GraphNode g => g.Path,
        Binding b => b.Path,
        Fused f => f.Parts.Select(p => p.FilePath).FirstOrDefault(p => p is not null),
        _ => null,
    };
}

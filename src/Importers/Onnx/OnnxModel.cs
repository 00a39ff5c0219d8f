using Bridge.Importers.Onnx.Proto;

namespace Bridge.Importers.Onnx;

/// <summary>Options of <c>OnnxModelLoader.Load</c>.</summary>
public sealed record OnnxLoadOptions
{
    /// <summary>Initializers named here stay graph inputs (the user feeds them) instead of becoming constants.</summary>
    public ImmutableHashSet<string> KeepAsInputs { get; init; } = [];
    /// <summary>Upper bound for one external-data file read (bytes).</summary>
    public long MaxExternalBytes { get; init; } = Tensor.MaxBytes;
    /// <summary>Depth limit for nested function calls and subgraphs (malformed models can nest without end).</summary>
    public int MaxNesting { get; init; } = 64;
    public static OnnxLoadOptions Default { get; } = new();
}

/// <summary>One dimension of a declared ONNX shape: a value, a named parameter, or unknown (neither).</summary>
public sealed record OnnxDim(long? Value, string? Param)
{
    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Param ?? "?";
}

/// <summary>The kind of an ONNX value type.</summary>
public enum OnnxTypeKind { Tensor, Sequence, Map, Optional, SparseTensor, Unknown }

/// <summary>An ONNX value type: tensors carry an element type (ONNX code and Core dtype when representable) and maybe a shape.</summary>
public sealed record OnnxType(OnnxTypeKind Kind, int ElemTypeCode, DataType? DType, ImmutableArray<OnnxDim>? Shape, OnnxType? Element = null)
{
    /// <summary>ONNX's name for the element type (FLOAT, INT64, …).</summary>
    public string ElemTypeName => OnnxDTypes.Name(ElemTypeCode);

    public override string ToString() => Kind switch
    {
        OnnxTypeKind.Tensor or OnnxTypeKind.SparseTensor =>
            $"{(Kind == OnnxTypeKind.SparseTensor ? "sparse_" : "")}tensor({ElemTypeName.ToLowerInvariant()}{(Shape is { } s ? ", [" + string.Join(", ", s) + "]" : ", ?rank")})",
        OnnxTypeKind.Sequence => $"seq({Element})",
        OnnxTypeKind.Optional => $"optional({Element})",
        OnnxTypeKind.Map => $"map({ElemTypeName.ToLowerInvariant()}, {Element})",
        _ => "unknown",
    };
}

/// <summary>A graph input, output or value_info entry.</summary>
public sealed record OnnxValueInfo(string Name, OnnxType Type);

/// <summary>The kind of an attribute value (AttributeProto.AttributeType).</summary>
public enum OnnxAttrKind { Undefined = 0, Float = 1, Int = 2, String = 3, Tensor = 4, Graph = 5, Floats = 6, Ints = 7, Strings = 8, Tensors = 9, Graphs = 10, SparseTensor = 11, SparseTensors = 12, TypeProto = 13, TypeProtos = 14 }

/// <summary>A decoded node attribute; exactly the field for <see cref="Kind"/> is meaningful.</summary>
public sealed class OnnxAttribute
{
    public required string Name { get; init; }
    public required OnnxAttrKind Kind { get; init; }
    public float F { get; init; }
    public long I { get; init; }
    public string S { get; init; } = "";
    public Tensor? T { get; init; }
    public OnnxGraph? G { get; init; }
    /// <summary>A TYPE_PROTO attribute (Optional's <c>type</c>, SequenceEmpty-style ops).</summary>
    public OnnxType? Tp { get; init; }
    public ImmutableArray<float> Floats { get; init; } = [];
    public ImmutableArray<long> Ints { get; init; } = [];
    public ImmutableArray<string> Strings { get; init; } = [];
    public ImmutableArray<Tensor> Tensors { get; init; } = [];
    public ImmutableArray<OnnxGraph> Graphs { get; init; } = [];

    public override string ToString() => Kind switch
    {
        OnnxAttrKind.Float => F.ToString(System.Globalization.CultureInfo.InvariantCulture),
        OnnxAttrKind.Int => I.ToString(System.Globalization.CultureInfo.InvariantCulture),
        OnnxAttrKind.String => $"\"{S}\"",
        OnnxAttrKind.Ints => "[" + string.Join(", ", Ints) + "]",
        OnnxAttrKind.Floats => "[" + string.Join(", ", Floats.Select(f => f.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]",
        OnnxAttrKind.Strings => "[" + string.Join(", ", Strings) + "]",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>One node of a (sub)graph, after function inlining. <see cref="Inputs"/> keeps "" for an omitted optional input.</summary>
public sealed class OnnxNode
{
    public required string Name { get; init; }
    public required string OpType { get; init; }
    /// <summary>The node's domain normalised: "" and "ai.onnx" are both "ai.onnx".</summary>
    public required string Domain { get; init; }
    public required ImmutableArray<string> Inputs { get; init; }
    public required ImmutableArray<string> Outputs { get; init; }
    public required ImmutableDictionary<string, OnnxAttribute> Attributes { get; init; }
    /// <summary>The opset version of the node's domain that governs its semantics.</summary>
    public required int Opset { get; init; }
    public required SourceLoc Loc { get; init; }
    /// <summary>The graph holding this node.</summary>
    public required OnnxGraph Graph { get; init; }

    public override string ToString() => $"{Name} = {Domain}.{OpType}-{Opset}({string.Join(", ", Inputs)})";
}

/// <summary>
/// A graph or subgraph. Nodes are in topological order (the loader checks, and sorts an acyclic but unordered graph).
/// <see cref="Parent"/> is the enclosing graph of an If/Loop/Scan body; its names are visible here (outer scope).
/// </summary>
public sealed class OnnxGraph
{
    internal OnnxGraph(string name, OnnxGraph? parent) { Name = name; Parent = parent; }

    public string Name { get; }
    public OnnxGraph? Parent { get; }
    /// <summary>Inputs the caller feeds: graph inputs minus those that are initializers (unless kept by the options).</summary>
    public ImmutableArray<OnnxValueInfo> Inputs { get; internal set; } = [];
    public ImmutableArray<OnnxValueInfo> Outputs { get; internal set; } = [];
    /// <summary>Constant tensors of this graph (initializers, including those also listed as inputs and not kept).</summary>
    public ImmutableDictionary<string, Tensor> Initializers { get; internal set; } = ImmutableDictionary<string, Tensor>.Empty;
    public ImmutableDictionary<string, OnnxValueInfo> ValueInfo { get; internal set; } = ImmutableDictionary<string, OnnxValueInfo>.Empty;
    public ImmutableArray<OnnxNode> Nodes { get; internal set; } = [];
    /// <summary>Names an inner node may read from enclosing graphs.</summary>
    public ImmutableHashSet<string> OuterScope { get; internal set; } = [];

    /// <summary>The declared type of a value, looked up in inputs, outputs, value_info and initializers of this graph and its parents.</summary>
    public OnnxType? TypeOf(string name)
    {
        for (var g = this; g is not null; g = g.Parent)
        {
            if (g.ValueInfo.TryGetValue(name, out var vi)) return vi.Type;
            foreach (var i in g.Inputs) if (i.Name == name) return i.Type;
            foreach (var o in g.Outputs) if (o.Name == name) return o.Type;
            if (g.Initializers.TryGetValue(name, out var t))
                return new OnnxType(OnnxTypeKind.Tensor, OnnxDTypes.CodeOf(t.DType), t.DType, [.. t.Shape.Select(d => new OnnxDim(d, null))]);
        }
        return null;
    }

    /// <summary>An initializer of this graph or an enclosing one.</summary>
    public Tensor? ConstantOf(string name)
    {
        for (var g = this; g is not null; g = g.Parent)
            if (g.Initializers.TryGetValue(name, out var t)) return t;
        return null;
    }

    /// <summary>This graph and every subgraph below it, depth first.</summary>
    public IEnumerable<OnnxGraph> SelfAndSubgraphs()
    {
        yield return this;
        foreach (var n in Nodes)
            foreach (var a in n.Attributes.Values)
            {
                if (a.G is not null) foreach (var g in a.G.SelfAndSubgraphs()) yield return g;
                foreach (var sg in a.Graphs) foreach (var g in sg.SelfAndSubgraphs()) yield return g;
            }
    }
}

/// <summary>A loaded, validated ONNX model.</summary>
public sealed class OnnxModel
{
    private readonly Dictionary<string, SymVar> _dimVars = new(StringComparer.Ordinal);

    internal OnnxModel(string path, ModelProto proto, ImmutableDictionary<string, int> opsets, OnnxGraph graph)
    {
        Path = path; Proto = proto; Opsets = opsets; Graph = graph;
    }

    public string Path { get; }
    /// <summary>The raw protobuf (external data not resolved into it).</summary>
    public ModelProto Proto { get; }
    public long IrVersion => Proto.IrVersion;
    public string ProducerName => Proto.ProducerName;
    public string ProducerVersion => Proto.ProducerVersion;
    /// <summary>opset_import per normalised domain ("ai.onnx", "ai.onnx.ml", "com.microsoft", …).</summary>
    public ImmutableDictionary<string, int> Opsets { get; }
    public int AiOnnxOpset => Opsets.TryGetValue(OnnxDomains.AiOnnx, out var v) ? v : 0;
    public OnnxGraph Graph { get; }

    /// <summary>The one symbolic var for a <c>dim_param</c> name: the same name is the same var across all inputs.</summary>
    public SymVar DimVar(string param)
    {
        lock (_dimVars)
        {
            if (!_dimVars.TryGetValue(param, out var v)) _dimVars[param] = v = new SymVar(param);
            return v;
        }
    }

    /// <summary>
    /// The symbolic shape of a declared tensor type: constants for dim_value, the shared var for dim_param, and a fresh distinct
    /// var for each anonymous dim (never one var shared by all of them, frontends.md §6). Null when the rank is unknown.
    /// </summary>
    public ImmutableArray<SymExpr>? SymbolicShape(OnnxType? type, string valueName)
    {
        if (type?.Shape is not { } dims) return null;
        var b = ImmutableArray.CreateBuilder<SymExpr>(dims.Length);
        for (var i = 0; i < dims.Length; i++)
            b.Add(dims[i].Value is { } v ? SymExpr.Const(v) : dims[i].Param is { Length: > 0 } p ? DimVar(p) : new SymVar($"{valueName}_dim{i}"));
        return b.MoveToImmutable();
    }
}

/// <summary>Domain names as opset_import spells them, normalised.</summary>
public static class OnnxDomains
{
    public const string AiOnnx = "ai.onnx";
    public const string Ml = "ai.onnx.ml";
    public const string Microsoft = "com.microsoft";
    public const string Training = "ai.onnx.preview.training";

    /// <summary>"" and "ai.onnx" name the same default domain.</summary>
    public static string Normalize(string? domain) => string.IsNullOrEmpty(domain) ? AiOnnx : domain;
}

using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Proto;
using Google.Protobuf;

namespace Bridge.Translators.Torch;

/// <summary>A tensor value of the graph being built: its ONNX value name, static shape and dtype.</summary>
public sealed record TensorRef(string Name, ImmutableArray<long> Shape, DataType DType)
{
    public int Rank => Shape.Length;
    public override string ToString() => $"{Name}{Tensor.FormatShape(Shape)}:{DType}";
}

/// <summary>
/// Builds the ONNX graph that is the canonical form of aten ops: nodes go into the innermost open scope (the main graph, or an
/// If branch / Loop body being built), weights become initializers of the main graph (visible in every subgraph).
/// </summary>
internal sealed partial class OnnxGraphBuilder
{
    public const int Opset = 17;
    private readonly Stack<GraphProto> _scopes = new();
    private readonly GraphProto _main = new() { Name = "torch" };
    private readonly Dictionary<object, TensorRef> _initByObject = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, Tensor> _known = new(StringComparer.Ordinal);

    /// <summary>The value of a one-element constant (scalar arithmetic of traced shape code folds on it), or null.</summary>
    public Tensor? KnownScalar(TensorRef t) => _known.TryGetValue(t.Name, out var v) && v.Length == 1 ? v : null;
    private int _next;

    public OnnxGraphBuilder() => _scopes.Push(_main);

    public GraphProto Current => _scopes.Peek();
    public int NodeCount { get; private set; }

    public string Fresh(string hint) => $"{hint}_{_next++}";

    public TensorRef Input(string name, ImmutableArray<long> shape, DataType dtype)
    {
        _main.Input.Add(Info(name, shape, dtype));
        return new TensorRef(name, shape, dtype);
    }

    public void Output(TensorRef t) => _main.Output.Add(Info(t.Name, t.Shape, t.DType));

    /// <summary>A constant as a main-graph initializer; <paramref name="key"/> (a storage object) shares one initializer per weight.</summary>
    public TensorRef Const(Tensor t, object? key = null, string hint = "c")
    {
        if (key is not null && _initByObject.TryGetValue(key, out var hit)) return hit;
        var name = Fresh(hint);
        var p = new TensorProto { Name = name, DataType = OnnxDTypes.CodeOf(t.DType), RawData = ByteString.CopyFrom(t.Bytes) };
        p.Dims.AddRange(t.Shape);
        _main.Initializer.Add(p);
        var r = new TensorRef(name, t.Shape, t.DType);
        if (key is not null) _initByObject[key] = r;
        if (t.Length == 1) _known[name] = t;
        return r;
    }

    public TensorRef Ints(params long[] v) => Const(Tensor.FromArray(v, v.Length), null, "i");
    public TensorRef Scalar(DataType dt, double v) => Const(Tensor.Scalar(dt, v), null, "s");

    /// <summary>Emits one node with one output whose shape and dtype the caller computed.</summary>
    public TensorRef Node(string op, IEnumerable<string> inputs, ImmutableArray<long> shape, DataType dtype, params AttributeProto[] attrs) =>
        NodeMulti(op, inputs, [(shape, dtype)], attrs)[0];

    public TensorRef Node(string op, IEnumerable<TensorRef?> inputs, ImmutableArray<long> shape, DataType dtype, params AttributeProto[] attrs) =>
        Node(op, inputs.Select(i => i?.Name ?? ""), shape, dtype, attrs);

    public IReadOnlyList<TensorRef> NodeMulti(string op, IEnumerable<string> inputs, IReadOnlyList<(ImmutableArray<long> Shape, DataType DType)> outs, params AttributeProto[] attrs)
    {
        var n = new NodeProto { OpType = op, Name = Fresh(op) };
        n.Input.AddRange(inputs);
        var res = new List<TensorRef>();
        foreach (var (s, d) in outs)
        {
            var name = Fresh(op.ToLowerInvariant());
            n.Output.Add(name);
            res.Add(new TensorRef(name, s, d));
        }
        n.Attribute.AddRange(attrs);
        Current.Node.Add(n);
        NodeCount++;
        Placed(n, res);
        return res;
    }

    /// <summary>Opens a subgraph scope; nodes go there until <see cref="EndSubgraph"/>.</summary>
    public GraphProto BeginSubgraph(string name)
    {
        var g = new GraphProto { Name = Fresh(name) };
        _scopes.Push(g);
        return g;
    }

    public GraphProto EndSubgraph() => _scopes.Pop();

    public static ValueInfoProto ValueInfo(string name, ImmutableArray<long> shape, DataType dtype)
    {
        var tt = new TypeProto.Types.Tensor { ElemType = OnnxDTypes.CodeOf(dtype), Shape = new TensorShapeProto() };
        foreach (var d in shape) tt.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tt } };
    }

    public static AttributeProto A(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };
    public static AttributeProto A(string name, double v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)v };
    public static AttributeProto A(string name, string v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };
    public static AttributeProto A(string name, IEnumerable<long> v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }
    public static AttributeProto Strings(string name, params string[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(v.Select(ByteString.CopyFromUtf8));
        return a;
    }
    public static AttributeProto A(string name, GraphProto g) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = g };

    public ModelProto Model()
    {
        var m = new ModelProto { IrVersion = 8, ProducerName = "bridge-torchscript", Graph = _main };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return m;
    }
}

using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Proto;
using Bridge.Importers.TorchScript.Code;

namespace Bridge.Translators.Torch;

/// <summary>
/// Symbolic input dims. The aten rules compute static result shapes, so a symbolic dim is carried through them as a
/// <b>probe</b> size: a number that stands for the dim (<see cref="Probe"/>; one per dim name). Wherever the graph needs the dim's
/// value it is computed at run time instead: <c>size()</c> gives <c>Gather(Shape(input), axis)</c> (<see cref="DimScalar"/>), shape
/// operands of Reshape/Expand/fill are built from those scalars (<see cref="ReshapeOperand"/>, <see cref="RuntimeShape"/>), and
/// value infos name the dim (<c>dim_param</c>). Run-time int scalars carry the value they have at the probe size
/// (<see cref="Rep"/>), so rules that need a static shape still get one. Whether a rule baked the probe size into the graph anyway
/// is checked by translating twice, with two different probe sizes (<see cref="TorchImport.ToGraph"/>): the graphs must be equal.
/// </summary>
internal sealed partial class OnnxGraphBuilder
{
    /// <summary>A symbolic dim: its name and the input axis that carries it at run time.</summary>
    internal sealed record SymDim(string Name, string Input, int Axis);

    private readonly Dictionary<long, SymDim> _sym = [];
    private readonly Dictionary<long, TensorRef> _dimScalars = [];
    private readonly Dictionary<string, double> _rep = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TsPos> _nodePos = new(StringComparer.Ordinal);
    private int _prefix;

    /// <summary>Probe sizes: set 0 and set 1 give the <paramref name="k"/>-th symbolic dim two different sizes.</summary>
    public static long Probe(int set, int k)
    {
        long[] a = [61, 67, 71, 73, 79, 83, 89, 97], b = [101, 103, 107, 109, 113, 127, 131, 137];
        var p = set == 0 ? a : b;
        return k < p.Length ? p[k] : (set == 0 ? 139 : 211) + 2 * k;
    }

    /// <summary>The position of the aten call whose nodes are being emitted (node → source for diagnostics).</summary>
    public TsPos? CurrentPos { get; set; }

    public bool AnySymbolic => _sym.Count > 0;
    public bool IsSymbolic(long d) => _sym.Count > 0 && _sym.ContainsKey(d);
    public bool HasSymbolic(IEnumerable<long> shape) => _sym.Count > 0 && shape.Any(_sym.ContainsKey);
    public SymDim? Symbol(long d) => _sym.GetValueOrDefault(d);

    /// <summary>Declares <paramref name="probe"/> as the stand-in of symbolic dim <paramref name="name"/> (axis of an input).</summary>
    public void DeclareSymbolic(long probe, string name, string input, int axis) => _sym.TryAdd(probe, new SymDim(name, input, axis));

    /// <summary>The source position recorded for node <paramref name="nodeName"/>.</summary>
    public TsPos? PosOf(string nodeName) => _nodePos.TryGetValue(nodeName, out var p) ? p : null;

    /// <summary>The value of a one-element int/float tensor at the probe sizes (a run-time size, or a constant), or null.</summary>
    public double? Rep(TensorRef t) => _rep.TryGetValue(t.Name, out var r) ? r : KnownScalar(t)?.GetDouble(0);

    /// <summary>The run-time value of symbolic dim <paramref name="probe"/> as a 0-d int64 (<c>Gather(Shape(input), axis)</c>, in the main graph).</summary>
    public TensorRef DimScalar(long probe)
    {
        if (_dimScalars.TryGetValue(probe, out var hit)) return hit;
        var s = _sym[probe];
        var idx = Const(Tensor.Scalar(DataType.Int64, s.Axis), null, "axis");
        var shapeNode = new NodeProto { OpType = "Shape", Name = Fresh("Shape") };
        shapeNode.Input.Add(s.Input);
        shapeNode.Output.Add(Fresh("shape"));
        var gather = new NodeProto { OpType = "Gather", Name = Fresh("Gather") };
        gather.Input.Add(shapeNode.Output[0]);
        gather.Input.Add(idx.Name);
        gather.Output.Add(Fresh(s.Name));
        gather.Attribute.Add(A("axis", 0L));
        _main.Node.Insert(_prefix++, shapeNode);
        _main.Node.Insert(_prefix++, gather);
        var r = new TensorRef(gather.Output[0], [], DataType.Int64);
        _rep[r.Name] = probe;
        return _dimScalars[probe] = r;
    }

    /// <summary>A value info whose symbolic dims are named (<c>dim_param</c>).</summary>
    public ValueInfoProto Info(string name, ImmutableArray<long> shape, DataType dtype)
    {
        var tt = new TypeProto.Types.Tensor { ElemType = OnnxDTypes.CodeOf(dtype), Shape = new TensorShapeProto() };
        foreach (var d in shape)
            tt.Shape.Dim.Add(_sym.TryGetValue(d, out var s) ? new TensorShapeProto.Types.Dimension { DimParam = s.Name } : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tt } };
    }

    /// <summary>A shape operand for <paramref name="dims"/>: constants, and <see cref="DimScalar"/> for symbolic dims.</summary>
    public TensorRef RuntimeShape(IReadOnlyList<long> dims) =>
        HasSymbolic(dims) ? ShapeFrom([.. dims.Select(d => IsSymbolic(d) ? DimScalar(d) : (object)d)]) : Ints([.. dims]);

    /// <summary>
    /// The shape operand of <c>Reshape(src, target)</c>. A symbolic target dim at the index where <paramref name="src"/> has it is
    /// copied (ONNX 0), one elsewhere is computed (<see cref="DimScalar"/>); when symbolic dims of <paramref name="src"/> were
    /// multiplied into a target dim (flatten), that dim is inferred (-1).
    /// </summary>
    public TensorRef ReshapeOperand(TensorRef src, IReadOnlyList<long> target)
    {
        if (!HasSymbolic(src.Shape) && !HasSymbolic(target)) return Ints([.. target]);
        var entries = new object[target.Count];
        var (massSrc, massTgt) = (src.Shape.Where(IsSymbolic).Aggregate(1L, (a, b) => a * b), target.Where(IsSymbolic).Aggregate(1L, (a, b) => a * b));
        for (var i = 0; i < target.Count; i++)
            entries[i] = !IsSymbolic(target[i]) ? target[i] : i < src.Rank && src.Shape[i] == target[i] ? 0L : DimScalar(target[i]);
        if (massSrc != massTgt && massSrc % massTgt == 0 && !entries.Contains(-1L))
        {
            var m = massSrc / massTgt;
            var j = Enumerable.Range(0, target.Count).FirstOrDefault(i => !IsSymbolic(target[i]) && target[i] != 0 && target[i] % m == 0, -1);
            if (j >= 0) entries[j] = -1L;
        }
        return ShapeFrom(entries);
    }

    /// <summary>A 1-d int64 shape operand from constants (<c>long</c>) and run-time scalars (<see cref="TensorRef"/>).</summary>
    public TensorRef ShapeFrom(IReadOnlyList<object> entries)
    {
        if (entries.All(e => e is long)) return Ints([.. entries.Cast<long>()]);
        var parts = new List<TensorRef>();
        var run = new List<long>();
        foreach (var e in entries)
        {
            if (e is long l) { run.Add(l); continue; }
            if (run.Count > 0) { parts.Add(Ints([.. run])); run.Clear(); }
            var t = (TensorRef)e;
            if (t.DType != DataType.Int64) t = Node("Cast", [t], t.Shape, DataType.Int64, A("to", OnnxDTypes.CodeOf(DataType.Int64)));
            parts.Add(Node("Reshape", [t, Ints(1)], [1], DataType.Int64));
        }
        if (run.Count > 0) parts.Add(Ints([.. run]));
        return parts.Count == 1 ? parts[0] : Node("Concat", parts, [entries.Count], DataType.Int64, A("axis", 0L));
    }

    /// <summary>Records where a node came from and, for scalar arithmetic on run-time sizes, its value at the probe sizes.</summary>
    private void Placed(NodeProto n, IReadOnlyList<TensorRef> outs)
    {
        if (CurrentPos is { } p) _nodePos[n.Name] = p;
        if (_sym.Count == 0 || outs.Count != 1 || outs[0].Shape.Aggregate(1L, (a, b) => a * b) != 1) return;
        var names = n.Input.Where(i => i.Length > 0).ToList();
        var ins = names.Select(i => _rep.TryGetValue(i, out var r) ? r : _known.TryGetValue(i, out var k) && k.Length == 1 ? k.GetDouble(0) : (double?)null).ToList();
        if (ins.Count == 0 || ins.Any(i => i is null) || !names.Any(_rep.ContainsKey)) return;
        var (x, y) = (ins[0]!.Value, ins.Count > 1 ? ins[1]!.Value : 0);
        double? v = n.OpType switch
        {
            "Identity" or "Reshape" or "Unsqueeze" or "Squeeze" or "Cast" => x,
            "Neg" => -x, "Abs" => Math.Abs(x), "Floor" => Math.Floor(x), "Ceil" => Math.Ceiling(x),
            "Add" => x + y, "Sub" => x - y, "Mul" => x * y, "Div" => x / y, "Max" => Math.Max(x, y), "Min" => Math.Min(x, y),
            "Mod" when y != 0 => n.Attribute.Any(a => a.Name == "fmod" && a.I == 1) ? x % y : x - y * Math.Floor(x / y),
            _ => null,
        };
        if (v is { } val) _rep[outs[0].Name] = outs[0].DType.IsFloat ? val : Math.Truncate(val);
    }
}

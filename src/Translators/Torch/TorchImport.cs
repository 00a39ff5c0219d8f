using System.Globalization;
using Bridge.Importers.Onnx;
using Bridge.Importers.TorchScript;
using Bridge.Importers.TorchScript.Code;
using Bridge.Translators.Onnx;

namespace Bridge.Translators.Torch;

/// <summary>
/// One forward input: its name (the forward parameter), shape and dtype. A symbolic dim (<c>--shape x=n,3,224,224</c> with no size
/// for <c>n</c>) is -1 in <see cref="Shape"/> and named in <see cref="DimNames"/>.
/// </summary>
public sealed record TorchInput(string Name, ImmutableArray<long> Shape, DataType DType)
{
    /// <summary>The name of each symbolic dim (null where the dim is static); default when every dim is static.</summary>
    public ImmutableArray<string?> DimNames { get; init; }

    public bool IsSymbolic => !DimNames.IsDefault && DimNames.Any(n => n is not null);

    /// <summary>The name of dim <paramref name="axis"/> when it is symbolic, else null.</summary>
    public string? DimName(int axis) => IsSymbolic ? DimNames[axis] : null;

    public override string ToString() => $"{Name}: {string.Join("x", Shape.Select((d, i) => DimName(i) ?? d.ToString(CultureInfo.InvariantCulture)))} {DType}";
}

/// <summary>The canonical aten graph of a TorchScript archive (ONNX form, loaded by Bridge's ONNX loader) and what went into it.</summary>
public sealed record TorchGraph(OnnxModel Onnx, ImmutableArray<TorchInput> Inputs, int Nodes, int Weights)
{
    public string Describe(string path) =>
        $"{path}: TorchScript → aten ({Nodes} nodes, {Weights} weight tensors), inputs {string.Join(", ", Inputs)}";
}

/// <summary>
/// TorchScript archive → Relay or Relax, without Python. The root <c>forward</c> is partially evaluated over the serialized code
/// (<see cref="TorchScriptEvaluator"/>): Python values fold, tensor ops go through the aten layer (<see cref="Aten"/>) into one
/// ONNX-form graph with static shapes, which the ONNX → Relay and ONNX → Relax emitters lower. Data-dependent <c>if</c>/loops are
/// ONNX If/Loop and so Relay <c>if</c>/let-rec and Relax <c>If</c>/recursive functions. Archives record no input shapes: the
/// caller gives them (<see cref="ResolveInputs"/>).
/// </summary>
public static class TorchImport
{
    /// <summary>aten/prim ops the layer handles.</summary>
    public static IReadOnlyCollection<string> SupportedOps => [.. Aten.Supported.Where(o => !o.StartsWith("tensor::", StringComparison.Ordinal)).Concat(Aten.Supported.Where(o => o.StartsWith("tensor::", StringComparison.Ordinal)).Select(o => "aten::" + o[8..])).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>True when the aten layer handles <paramref name="op"/> (<c>aten::X</c>; in-place <c>X_</c> as <c>X</c>).</summary>
    public static bool Handles(string op) => Aten.Handles(op) || Aten.Handles("tensor::" + op.Replace("aten::", "", StringComparison.Ordinal));

    /// <summary>The root forward's input names (without <c>self</c>).</summary>
    public static ImmutableArray<string> InputNames(TorchScriptArchive archive)
    {
        var fwd = archive.Root.Forward ?? throw new BridgeException(TorchDiagnosticIds.UnknownName, archive.EntryLoc("data.pkl"),
            $"root module {archive.Root.QualifiedName} has no forward in code/");
        return [.. fwd.Params.Skip(1).Select(p => p.Name)];
    }

    /// <summary>How many of <see cref="InputNames"/> have no default (the rest, e.g. <c>src_mask=None</c>, may be left out).</summary>
    public static int RequiredInputCount(TorchScriptArchive archive)
    {
        var fwd = archive.Root.Forward!;
        var ps = fwd.Params.Skip(1).ToList();
        var n = ps.Count;
        while (n > 0 && ps[n - 1].Default is not null) n--;
        return n;
    }

    /// <summary>
    /// Input shapes: <c>NAME=d0,d1,…</c> entries of <paramref name="shapes"/> (a dim may name a size given as <c>n=4</c>), else the
    /// tensors of <paramref name="given"/> (by name, or in order when no name matches), else the sibling <c>STEM.inputs.npz</c> that
    /// Bridge's corpus writes beside <c>STEM.traced.pt</c>/<c>STEM.scripted.pt</c>. Missing → <see cref="TorchDiagnosticIds.MissingInputShape"/>.
    /// </summary>
    public static ImmutableArray<TorchInput> ResolveInputs(TorchScriptArchive archive, IEnumerable<string> shapes, IReadOnlyDictionary<string, Tensor>? given = null)
    {
        var names = InputNames(archive);
        var dims = new Dictionary<string, long>(StringComparer.Ordinal);
        var specs = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var s in shapes)
        {
            var eq = s.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new BridgeException(TorchDiagnosticIds.BadShapeSpec, SourceLoc.Unknown.Instance, $"bad --shape '{s}': expected NAME=d0,d1,… or DIM=size");
            var (k, v) = (s[..eq].Trim(), s[(eq + 1)..].Trim());
            var bracketed = v.Length >= 2 && (v[0], v[^1]) is ('[', ']') or ('(', ')');
            if (bracketed) specs[k] = v[1..^1].Trim().Length == 0 ? [] : v[1..^1].Split(',', StringSplitOptions.TrimEntries);
            else if (v.Contains(',', StringComparison.Ordinal) || names.Contains(k)) specs[k] = v.Split(',', StringSplitOptions.TrimEntries);
            else if (long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) dims[k] = n;
            else throw new BridgeException(TorchDiagnosticIds.BadShapeSpec, SourceLoc.Unknown.Instance, $"bad --shape '{s}': {k} is not an input of forward ({string.Join(", ", names)}) and {v} is not a size");
        }
        foreach (var k in specs.Keys)
            if (!names.Contains(k))
                throw new BridgeException(TorchDiagnosticIds.BadShapeSpec, SourceLoc.Unknown.Instance, $"--shape {k}=…: forward has no input {k} (it takes {string.Join(", ", names)})");
        var fromFile = given ?? SiblingInputs(archive.Path);
        var required = RequiredInputCount(archive);
        var r = ImmutableArray.CreateBuilder<TorchInput>();
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            // trailing parameters with a default (src_mask=None) are left to their default unless a shape or a tensor names them
            if (i >= required && !specs.ContainsKey(name) && !(fromFile is not null && (fromFile.ContainsKey(name) || fromFile.Count > i && !fromFile.Keys.Any(names.Contains))))
                break;
            if (specs.TryGetValue(name, out var spec))
            {
                // a dim is a size, a name sized by --shape NAME=N, or symbolic: a name given no size, or ? (named INPUT_dimAXIS)
                var dimNames = spec.Select((d, axis) => long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out _) || dims.ContainsKey(d) ? null
                    : d == "?" ? $"{name}_dim{axis}"
                    : IsDimName(d) ? d
                    : throw new BridgeException(TorchDiagnosticIds.BadShapeSpec, SourceLoc.Unknown.Instance, $"--shape {name}: dim '{d}' is neither a size, a dim name nor ?")).ToImmutableArray();
                var shape = spec.Select(d => long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var x) ? x : dims.TryGetValue(d, out var y) ? y : -1L).ToImmutableArray();
                var dt = fromFile is not null && fromFile.TryGetValue(name, out var gt) ? gt.DType : DataType.Float32;
                r.Add(new TorchInput(name, shape, dt) { DimNames = dimNames.Any(n => n is not null) ? dimNames : default });
                continue;
            }
            Tensor? t = null;
            if (fromFile is not null && !fromFile.TryGetValue(name, out t) && fromFile.Count >= required && fromFile.Count <= names.Length && i < fromFile.Count
                && !fromFile.Keys.Any(names.Contains)) t = fromFile.Values.ElementAt(i);
            if (t is null)
                throw new BridgeException(TorchDiagnosticIds.MissingInputShape, archive.EntryLoc("data.pkl"),
                    $"TorchScript archives record no input shapes: give --shape {name}=d0,d1,… (forward takes {string.Join(", ", names)}) or put STEM.inputs.npz with a tensor named {name} beside the archive");
            r.Add(new TorchInput(name, t.Shape, t.DType));
        }
        return r.ToImmutable();
    }

    private static bool IsDimName(string d) => d.Length > 0 && (char.IsLetter(d[0]) || d[0] == '_') && d.All(ch => char.IsLetterOrDigit(ch) || ch == '_');

    /// <summary><c>STEM.inputs.npz</c> beside <c>STEM[.traced|.scripted].pt</c>, read by name, or null.</summary>
    public static IReadOnlyDictionary<string, Tensor>? SiblingInputs(string ptPath) => Sibling(ptPath, "inputs");

    /// <summary><c>STEM.outputs.npz</c> (torch's own outputs for the sibling inputs, as the corpus generator saved them), or null.</summary>
    public static IReadOnlyList<(string Name, Tensor Tensor)>? SiblingOutputs(string ptPath)
    {
        var f = SiblingPath(ptPath, "outputs");
        return f is null ? null : Core.Files.TensorFiles.Load(f);
    }

    public static string? SiblingPath(string ptPath, string kind)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(ptPath)) ?? ".";
        var stem = Path.GetFileNameWithoutExtension(ptPath);
        foreach (var suffix in new[] { ".traced", ".scripted" })
            if (stem.EndsWith(suffix, StringComparison.Ordinal)) stem = stem[..^suffix.Length];
        var f = Path.Combine(dir, $"{stem}.{kind}.npz");
        return File.Exists(f) ? f : null;
    }

    private static IReadOnlyDictionary<string, Tensor>? Sibling(string ptPath, string kind)
    {
        var f = SiblingPath(ptPath, kind);
        return f is null ? null : Core.Files.TensorFiles.Load(f).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
    }

    /// <summary>
    /// The archive's root forward as the canonical aten graph (ONNX form) for the given input shapes. With symbolic dims the forward
    /// is translated twice, at two probe sizes (<see cref="OnnxGraphBuilder"/>), and the two graphs must be equal
    /// (else <see cref="TorchDiagnosticIds.SymbolicDimFolded"/> names the op that used the size).
    /// </summary>
    public static TorchGraph ToGraph(TorchScriptArchive archive, IReadOnlyList<TorchInput> inputs)
    {
        if (!inputs.Any(i => i.IsSymbolic))
        {
            var (p, g) = BuildProto(archive, inputs, 0);
            return Load(archive, inputs, p, g);
        }
        var (pa, ga) = BuildProto(archive, inputs, 0);
        var (pb, gb) = BuildProto(archive, inputs, 1);
        SymbolicProbes.Compare(archive, inputs, pa, ga, pb);
        return Load(archive, inputs, pa, ga);
    }

    private static TorchGraph Load(TorchScriptArchive archive, IReadOnlyList<TorchInput> inputs, Importers.Onnx.Proto.ModelProto proto, OnnxGraphBuilder g)
    {
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(proto);
        var model = OnnxModelLoader.Load(bytes, archive.Path);
        return new TorchGraph(model, [.. inputs], g.NodeCount, proto.Graph.Initializer.Count);
    }

    private static (Importers.Onnx.Proto.ModelProto Proto, OnnxGraphBuilder Graph) BuildProto(TorchScriptArchive archive, IReadOnlyList<TorchInput> inputs, int probeSet)
    {
        var g = new OnnxGraphBuilder();
        var ev = new TorchScriptEvaluator(archive, g);
        var fwd = archive.Root.Forward ?? throw new BridgeException(TorchDiagnosticIds.UnknownName, archive.EntryLoc("data.pkl"),
            $"root module {archive.Root.QualifiedName} has no forward in code/");
        var symNames = inputs.SelectMany(i => i.IsSymbolic ? i.DimNames.Where(n => n is not null).Select(n => n!) : []).Distinct().ToList();
        var args = inputs.Select(i =>
        {
            var shape = i.Shape.Select((d, axis) => i.DimName(axis) is { } n ? OnnxGraphBuilder.Probe(probeSet, symNames.IndexOf(n)) : d).ToImmutableArray();
            for (var axis = 0; axis < shape.Length; axis++)
                if (i.DimName(axis) is { } n) g.DeclareSymbolic(shape[axis], n, i.Name, axis);
            return (object?)g.Input(i.Name, shape, i.DType);
        }).ToList();
        object? result;
        try
        {
            result = ev.Call(fwd, archive.Root, args, null, fwd.Pos);
        }
        catch (BridgeException ex) when (ex.Diagnostic.Id == TorchDiagnosticIds.UnsupportedOp)
        {
            var all = UnsupportedOps(archive);
            throw all.Count <= 1 ? ex : new BridgeException(TorchDiagnosticIds.UnsupportedOp, ex.Diagnostic.Loc,
                $"{ex.Diagnostic.Message}; the code uses {all.Count} ops the aten layer lacks: {string.Join(", ", all.Select(kv => $"{kv.Key} x{kv.Value}"))}");
        }
        catch (BridgeException ex) when (symNames.Count > 0)
        {
            // the error may come from a size the model needs static (a Linear after a flatten of a symbolic H·W): say which sizes were tried
            throw new BridgeException(ex.Diagnostic.Id, ex.Diagnostic.Loc, ex.Diagnostic.Message +
                $" (translated with symbolic dims at probe sizes {string.Join(", ", symNames.Select((n, k) => $"{n}={OnnxGraphBuilder.Probe(probeSet, k)}"))}; if the model needs one static, give its size: --shape {symNames[0]}=N)");
        }
        var outs = new List<TensorRef>();
        Flatten(ev, result, outs, fwd.Pos);
        if (outs.Count == 0) throw ev.Error(TorchDiagnosticIds.UnsupportedConstruct, fwd.Pos, "forward returns no tensor");
        var inputNames = inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in outs)
        {
            var t = o;
            if (!used.Add(t.Name) || inputNames.Contains(t.Name) || g.Current.Initializer.Any(i => i.Name == t.Name))
                t = g.Node("Identity", [o], o.Shape, o.DType);
            g.Output(t);
        }
        return (g.Model(), g);
    }

    private static void Flatten(TorchScriptEvaluator ev, object? v, List<TensorRef> outs, TsPos pos)
    {
        switch (v)
        {
            case TensorRef t: outs.Add((TensorRef)ev.Latest(t)!); break; // the tensor object as returned: writes later in the return expression count
            case PyTupleValue tu: foreach (var x in tu.Items) Flatten(ev, x, outs, pos); break;
            case List<object?> l: foreach (var x in l) Flatten(ev, x, outs, pos); break;
            case Dictionary<object, object?> d: foreach (var x in d.Values) Flatten(ev, x, outs, pos); break;
            case long or double or bool: outs.Add(ev.ScalarConst(v, null, pos)); break;
            case null: break;
            default: throw ev.Error(TorchDiagnosticIds.UnsupportedConstruct, pos, $"forward returns {TorchScriptEvaluator.Describe(v)}, which is not a tensor");
        }
    }

    public static OnnxImportResult<Ir.Relay.IRModule> ToRelay(TorchGraph graph) =>
        OnnxToRelay.OnnxToRelayEmitter.Translate(graph.Onnx, OnnxImportOptions.Default);

    public static OnnxImportResult<Ir.Relax.IRModule> ToRelax(TorchGraph graph, bool keepParamsAsInputs = false) =>
        OnnxToRelax.OnnxToRelaxEmitter.Translate(graph.Onnx, OnnxImportOptions.Default with { KeepParamsAsInputs = keepParamsAsInputs });

    /// <summary>Every <c>torch.X</c>/<c>ops.ns.X</c> call in the archive's code the aten layer does not handle, with counts.</summary>
    public static SortedDictionary<string, int> UnsupportedOps(TorchScriptArchive archive)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (op, n) in TorchScriptSummary.OpsHistogram(archive))
            if (!Aten.Handles(op)) counts[op] = n;
        return counts;
    }
}

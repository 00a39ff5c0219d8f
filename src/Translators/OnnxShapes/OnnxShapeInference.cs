using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Translators.Onnx;

namespace Bridge.Translators.OnnxShapes;

/// <summary>
/// ONNX shape and type inference at import, with data propagation (<c>onnx.shape_inference.infer_shapes(data_prop=True)</c>
/// semantics): one walk over the canonical nodes of the graph and of every If / Loop / Scan subgraph that records, per value,
/// its dtype, rank and symbolic dims (<see cref="InferredValue"/>). Shape computations (Shape → Gather → Concat → Reshape /
/// Expand / Slice / Resize / ConstantOfShape / Range) fold to symbolic expressions through <see cref="OnnxDataPropagation"/>.
/// The file's value_info is used where it says more than inference, and a contradiction with it (another rank, another static
/// size) is recorded as a located BRG4307 against the node that produced the value (<see cref="Contradictions"/>); the
/// emitters raise it when they emit that node, so a contradiction inside an If branch that is never taken stays silent, as
/// ONNX Runtime runs such models. Both emitters consume the result (OnnxEmitterBase.Inferred.cs).
/// </summary>
public sealed partial class OnnxShapeInference
{
    private readonly OnnxModel _model;
    private readonly Func<OnnxGraph, ImmutableArray<CanonicalNode>> _canonicalize;
    private readonly Dictionary<OnnxGraph, Dictionary<string, InferredValue>> _values = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<OnnxNode, Diagnostic> _contradictions = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, SymVar> _paramVars;
    private readonly List<string> _failures = [];

    private OnnxShapeInference(OnnxModel model, Func<OnnxGraph, ImmutableArray<CanonicalNode>> canonicalize, Dictionary<string, SymVar> paramVars)
    {
        _model = model;
        _canonicalize = canonicalize;
        _paramVars = paramVars;
    }

    /// <summary>Nodes whose rule failed (the value is then unknown); empty on every well-formed model the tests use.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>Located BRG4307 diagnostics: the node whose output contradicts the file's value_info.</summary>
    public IReadOnlyDictionary<OnnxNode, Diagnostic> Contradictions => _contradictions;

    /// <summary>
    /// Runs inference over <paramref name="model"/>. <paramref name="inputDims"/> gives the dims of each top-level input (the
    /// emitter's own symbolic vars, so both agree); without it a dim_value is a constant, each dim_param one shared named var and
    /// an unknown dim a var named <c>input_dimK</c>.
    /// </summary>
    public static OnnxShapeInference Run(OnnxModel model, Func<OnnxGraph, ImmutableArray<CanonicalNode>>? canonicalize = null,
        Func<OnnxValueInfo, ImmutableArray<SymExpr>?>? inputDims = null)
    {
        var paramVars = new Dictionary<string, SymVar>(StringComparer.Ordinal);
        var bag = new DiagnosticBag();
        canonicalize ??= g => [.. g.Nodes.Select(n => OnnxCanonicalizer.CanonicalizeNode(new CanonContext(model, g, bag), n))];
        var inf = new OnnxShapeInference(model, canonicalize, paramVars);
        var top = inf.ValuesOf(model.Graph);
        foreach (var vi in model.Graph.Inputs)
        {
            var dims = inputDims?.Invoke(vi) ?? inf.DefaultInputDims(vi);
            top[vi.Name] = new InferredValue(vi.Type.DType, dims is { } d ? [.. d.Select(x => (SymExpr?)x)] : null);
            // Shared dim_param vars let value_info name the same dims as the inputs.
            if (vi.Type.Shape is { } ds && dims is { } dd)
                for (var i = 0; i < ds.Length && i < dd.Length; i++)
                    if (ds[i].Param is { Length: > 0 } p && dd[i] is SymVar sv) paramVars.TryAdd(p, sv);
        }
        inf.WalkGraph(model.Graph);
        return inf;
    }

    private ImmutableArray<SymExpr>? DefaultInputDims(OnnxValueInfo vi)
    {
        if (vi.Type.Shape is not { } dims) return null;
        var b = ImmutableArray.CreateBuilder<SymExpr>(dims.Length);
        for (var i = 0; i < dims.Length; i++)
        {
            if (dims[i].Value is { } v && v > 0) b.Add(v);
            else if (dims[i].Param is { Length: > 0 } p)
            {
                if (!_paramVars.TryGetValue(p, out var sv)) _paramVars[p] = sv = new SymVar(Names.Identifier(p));
                b.Add(sv);
            }
            else b.Add(new SymVar(Names.Identifier($"{vi.Name}_dim{i}")));
        }
        return b.MoveToImmutable();
    }

    /// <summary>What inference knows of <paramref name="name"/> as seen from graph <paramref name="g"/> (outer scopes included).</summary>
    public InferredValue? Get(OnnxGraph g, string name)
    {
        for (var s = g; s is not null; s = s.Parent)
            if (_values.TryGetValue(s, out var d) && d.TryGetValue(name, out var v)) return v;
        return null;
    }

    /// <summary>What inference knows of <paramref name="name"/> in the top-level graph.</summary>
    public InferredValue? Get(string name) => Get(_model.Graph, name);

    private Dictionary<string, InferredValue> ValuesOf(OnnxGraph g)
    {
        if (!_values.TryGetValue(g, out var d)) _values[g] = d = new(StringComparer.Ordinal);
        return d;
    }

    private void WalkGraph(OnnxGraph g)
    {
        var vals = ValuesOf(g);
        foreach (var (name, t) in g.Initializers)
            vals.TryAdd(name, Const(t));
        foreach (var n in _canonicalize(g))
        {
            ImmutableArray<InferredValue> outs;
            try
            {
                outs = InferNode(g, n);
            }
            catch (Exception ex) when (ex is BridgeException or BridgeInternalError or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
            {
                // A node inference cannot follow (a malformed constant index…) is the emitter's to report, with its own wording;
                // inference only ever adds knowledge, so it never stops a conversion. Recorded for the tests.
                _failures.Add($"{n.Source.Name} ({n.Kind}): {ex.Message}");
                outs = [];
            }
            for (var i = 0; i < n.Outputs.Length; i++)
            {
                var name = n.Outputs[i];
                if (name.Length == 0) continue;
                var v = i < outs.Length ? outs[i] : InferredValue.Unknown;
                vals[name] = MergeDeclared(g, n, name, v);
            }
        }
    }

    private static InferredValue Const(Tensor t) => InferredValue.Of(t.DType, t.Shape.Select(d => (SymExpr?)d), KnownInts.FromTensor(t));

    /// <summary>The value of an input as a node sees it (a constant input, an inferred value, or unknown).</summary>
    private InferredValue In(OnnxGraph g, CanonicalInput i)
    {
        if (!i.IsPresent) return InferredValue.Unknown;
        if (i.Name.Length > 0 && Get(g, i.Name) is { } v) return v;
        return i.Constant is { } c ? Const(c) : InferredValue.Unknown;
    }

    // ---------------------------------------------------------------- value_info

    /// <summary>
    /// Merges the file's declared type of <paramref name="name"/> (value_info or a graph output) into the inferred one: a declared
    /// static size fills an unknown dim, a declared dim_param that names an input dim fills it with that dim's var, a declared
    /// shape gives the rank when inference has none. Another rank or another static size is a contradiction (BRG4307).
    /// </summary>
    private InferredValue MergeDeclared(OnnxGraph g, CanonicalNode n, string name, InferredValue v)
    {
        var declared = g.ValueInfo.TryGetValue(name, out var vi) ? vi.Type : g.Outputs.FirstOrDefault(o => o.Name == name)?.Type;
        if (declared is not { Kind: OnnxTypeKind.Tensor } d) return v;
        var dtype = v.DType ?? d.DType;
        if (d.Shape is not { } ds) return v with { DType = dtype };
        SymExpr? FromDeclared(OnnxDim dim) => dim.Value is { } x && x >= 0 ? x : dim.Param is { Length: > 0 } p && _paramVars.TryGetValue(p, out var sv) ? sv : null;
        if (v.Dims is not { } dims) return new InferredValue(dtype, [.. ds.Select(FromDeclared)], v.Known);
        if (dims.Length != ds.Length)
        {
            Contradict(n, name, ds, dims);
            return v with { DType = dtype };
        }
        var merged = new SymExpr?[dims.Length];
        for (var i = 0; i < dims.Length; i++)
        {
            if (ds[i].Value is { } dv && dv >= 0 && dims[i]?.AsConst is { } iv && iv != dv) { Contradict(n, name, ds, dims); return v with { DType = dtype }; }
            merged[i] = dims[i] ?? FromDeclared(ds[i]);
        }
        return new InferredValue(dtype, [.. merged], v.Known);
    }

    private void Contradict(CanonicalNode n, string name, ImmutableArray<OnnxDim> declared, ImmutableArray<SymExpr?> inferred) =>
        _contradictions.TryAdd(n.Source, new Diagnostic(OnnxTranslateDiagnosticIds.DeclaredShapeMismatch, Severity.Error,
            $"node '{n.Source.Name}' ({n.Source.OpType}): output '{name}' is declared [{string.Join(", ", declared)}] in the file's value_info but shape inference gives [{string.Join(", ", inferred.Select(x => x?.ToString() ?? "?"))}]", n.Loc));

    // ---------------------------------------------------------------- subgraphs

    private ImmutableArray<InferredValue> InferIf(OnnxGraph g, CanonicalNode n)
    {
        var a = n.AttrsAs<IfAttrs>();
        var branches = new[] { a.ThenBranch, a.ElseBranch }.Where(b => b is not null).Select(b => b!).ToArray();
        foreach (var b in branches) WalkGraph(b);
        var cond = In(g, n.Input(0)).Known;
        var taken = cond is { AllConst: true, Length: 1 } c ? (c.Values[0].AsConst != 0 ? a.ThenBranch : a.ElseBranch) : null;
        if (taken is not null) return [.. taken.Outputs.Select(o => Get(taken, o.Name) ?? InferredValue.Unknown)];
        if (branches.Length != 2) return [];
        var outs = ImmutableArray.CreateBuilder<InferredValue>();
        for (var i = 0; i < branches[0].Outputs.Length && i < branches[1].Outputs.Length; i++)
            outs.Add(Merge(Get(branches[0], branches[0].Outputs[i].Name), Get(branches[1], branches[1].Outputs[i].Name)));
        return outs.ToImmutable();
    }

    /// <summary>Two possible values of one output (If branches): dims both sides agree on, the rank if only that agrees.</summary>
    private static InferredValue Merge(InferredValue? x, InferredValue? y)
    {
        if (x is null || y is null) return InferredValue.Unknown;
        var dt = x.DType == y.DType ? x.DType : null;
        if (x.Dims is not { } a || y.Dims is not { } b || a.Length != b.Length) return new InferredValue(dt, null);
        return InferredValue.Of(dt, a.Select((d, i) => d is not null && b[i] is not null && SymExpr.ProveEqual(d, b[i]!) == Tri.Proven ? d : null));
    }

    /// <summary>
    /// Loop: the body sees the iteration number, the condition and the carried values with their rank but no dims (a carried
    /// value may grow); the outputs are the carried values (dims kept where the body returns them unchanged) and the scan
    /// outputs, stacked along a new leading axis of unknown length.
    /// </summary>
    private ImmutableArray<InferredValue> InferLoop(OnnxGraph g, CanonicalNode n)
    {
        var body = n.AttrsAs<LoopAttrs>().Body;
        if (body is null) return [];
        var bv = ValuesOf(body);
        var carriedIn = n.Inputs.Skip(2).Select(i => In(g, i)).ToArray();
        for (var i = 0; i < body.Inputs.Length; i++)
        {
            var name = body.Inputs[i].Name;
            bv[name] = i switch
            {
                0 => InferredValue.Of(DataType.Int64, []),
                1 => InferredValue.Of(DataType.Bool, []),
                _ when i - 2 < carriedIn.Length && carriedIn[i - 2].Rank is { } r => InferredValue.OfRank(carriedIn[i - 2].DType, r),
                _ => new InferredValue(body.Inputs[i].Type.DType, null),
            };
        }
        WalkGraph(body);
        var outs = ImmutableArray.CreateBuilder<InferredValue>();
        for (var i = 1; i < body.Outputs.Length; i++)
        {
            var o = Get(body, body.Outputs[i].Name) ?? InferredValue.Unknown;
            var k = i - 1;
            if (k < carriedIn.Length) outs.Add(Merge(carriedIn[k], o) is { Dims: not null } m ? m : o with { Dims = carriedIn[k].Dims is { } cd ? [.. cd.Select(_ => (SymExpr?)null)] : null, Known = null });
            else outs.Add(o.Dims is { } od ? new InferredValue(o.DType, [null, .. od]) : new InferredValue(o.DType, null));
        }
        return outs.ToImmutable();
    }

    /// <summary>Scan (opset 9+): states keep their rank; each scan output stacks the body's per-step output along its axis.</summary>
    private ImmutableArray<InferredValue> InferScan(OnnxGraph g, CanonicalNode n)
    {
        var a = n.AttrsAs<ScanAttrs>();
        if (a.Body is not { } body) return [];
        var ins = n.Inputs.Select(i => In(g, i)).ToArray();
        var numScan = (int)a.NumScanInputs;
        var numState = body.Inputs.Length - numScan;
        var bv = ValuesOf(body);
        SymExpr? seqLen = null;
        for (var i = 0; i < body.Inputs.Length && i < ins.Length; i++)
        {
            if (i < numState) { bv[body.Inputs[i].Name] = ins[i]; continue; }
            var k = i - numState;
            var axis = a.ScanInputAxes is { } sa && k < sa.Count ? sa[k] : 0;
            if (ins[i].Dims is not { } d) { bv[body.Inputs[i].Name] = new InferredValue(ins[i].DType, null); continue; }
            if (axis < 0) axis += d.Length;
            seqLen ??= d[(int)axis];
            bv[body.Inputs[i].Name] = InferredValue.Of(ins[i].DType, d.Where((_, j) => j != axis));
        }
        WalkGraph(body);
        var outs = ImmutableArray.CreateBuilder<InferredValue>();
        for (var i = 0; i < body.Outputs.Length; i++)
        {
            var o = Get(body, body.Outputs[i].Name) ?? InferredValue.Unknown;
            if (i < numState) { outs.Add(o with { Known = null }); continue; }
            var k = i - numState;
            if (o.Dims is not { } od) { outs.Add(new InferredValue(o.DType, null)); continue; }
            var axis = a.ScanOutputAxes is { } so && k < so.Count ? so[k] : 0;
            if (axis < 0) axis += od.Length + 1;
            var l = od.ToList();
            l.Insert((int)Math.Clamp(axis, 0, od.Length), seqLen);
            outs.Add(InferredValue.Of(o.DType, l));
        }
        return outs.ToImmutable();
    }
}

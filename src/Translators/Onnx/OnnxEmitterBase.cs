using System.Text;
using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Translators.OnnxShapes;

namespace Bridge.Translators.Onnx;

/// <summary>
/// The walk both emitters share (STYLE A3: one canonicalisation, two emitters): canonical nodes in order, an environment of
/// ONNX value names (scoped for subgraphs), and import-time folding of small integer values (<see cref="KnownInts"/>) through
/// Shape/Size/Gather/Slice/Concat/Unsqueeze/Squeeze/Cast/Identity/Reshape/Where/Equal and integer arithmetic. A dialect
/// subclass maps each op kind to its IR (<see cref="EmitNode"/>) and says how a constant or a symbolic known value becomes
/// an expression.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr> where TExpr : class
{
    /// <summary>What a value name is bound to: an expression, and/or its known integer values, and/or a constant.</summary>
    protected sealed class Slot
    {
        public TExpr? Expr;
        public KnownInts? Known;
        public Tensor? Const;
        /// <summary>A static ONNX sequence: the names of its elements (OnnxEmitterBase.Sequences.cs).</summary>
        public ImmutableArray<string>? Seq;
        /// <summary>An ONNX optional holding no value (an optional holding one is the value's own slot).</summary>
        public bool OptionalEmpty;
    }

    private sealed class Scope(Scope? parent)
    {
        public readonly Scope? Parent = parent;
        public readonly Dictionary<string, Slot> Slots = new(StringComparer.Ordinal);
    }

    private Scope _scope = new(null);

    private Dictionary<string, Slot> CurrentSlots => _scope.Slots;
    private readonly Dictionary<string, SymVar> _dimVars = new(StringComparer.Ordinal);

    protected OnnxEmitterBase(OnnxModel model, OnnxImportOptions options)
    {
        Model = model;
        Options = options;
    }

    protected OnnxModel Model { get; }
    protected OnnxImportOptions Options { get; }
    protected DiagnosticBag Bag { get; } = new();
    /// <summary>Nodes whose outputs were computed at import time (no IR emitted for them).</summary>
    /// <summary>Top-level Constant node outputs the emitter made parameters of main (Relax, keep_params_in_input).</summary>
    protected HashSet<string> LiftedConstants { get; } = new(StringComparer.Ordinal);
    public int FoldedNodes { get; private set; }
    public int EmittedNodes { get; private set; }

    /// <summary>The dialect's name for messages ("Relay", "Relax").</summary>
    protected abstract string Dialect { get; }
    /// <summary>True when the emitter maps the canonical op kind (the up-front unsupported check).</summary>
    public abstract bool Supports(string kind);
    /// <summary>Emits one node by the dialect's own rule table (its outputs bound with <see cref="Set"/>).</summary>
    protected abstract void EmitDialectNode(CanonicalNode n);

    /// <summary>Emits one node: a shared (both-dialect) lowering where there is one, else the dialect's rule. Synthetic nodes
    /// built by shared lowerings go through here too, so they may be of any supported kind.</summary>
    protected void EmitNode(CanonicalNode n)
    {
        if (SequenceKinds.Contains(n.Kind)) EmitSequenceNode(n);
        else if (!TryEmitShared(n)) EmitDialectNode(n);
    }

    /// <summary>A constant expression.</summary>
    protected abstract TExpr Const(Tensor t);
    /// <summary>
    /// A symbolic known value as an expression, or null when the dialect cannot (then the producing node is emitted as is and
    /// its known value is only kept for folding further down).
    /// </summary>
    protected abstract TExpr? MaterializeKnown(KnownInts k, SourceLoc loc);
    /// <summary>The (symbolic) shape of an emitted expression, or null when its rank is unknown.</summary>
    protected abstract ImmutableArray<SymExpr>? ShapeOf(TExpr e);
    protected abstract DataType? DTypeOf(TExpr e);
    /// <summary>The var of an unknown dim: Relax makes a fresh named SymVar, Relay <c>Any</c>.</summary>
    protected abstract SymExpr AnonymousDim(string valueName, int axis);
    /// <summary>Relay cannot name dims: dim_params become Any as well.</summary>
    protected abstract bool NamedDims { get; }

    // ---------------------------------------------------------------- environment

    protected void PushScope() => _scope = new Scope(_scope);
    protected void PopScope() => _scope = _scope.Parent ?? throw new BridgeInternalError("scope underflow");

    private Slot? Find(string name, out bool local)
    {
        local = true;
        for (var s = _scope; s is not null; s = s.Parent)
        {
            if (s.Slots.TryGetValue(name, out var slot)) return slot;
            local = false;
        }
        return null;
    }

    protected bool IsDefined(string name) => Find(name, out _) is not null;

    protected void Set(string name, TExpr e) { if (name.Length > 0) _scope.Slots[name] = new Slot { Expr = e }; }
    protected void SetConst(string name, Tensor t) { if (name.Length > 0) _scope.Slots[name] = new Slot { Const = t, Known = KnownInts.FromTensor(t) }; }
    private void SetKnown(string name, KnownInts k, TExpr? e) { if (name.Length > 0) _scope.Slots[name] = new Slot { Known = k, Expr = e }; }
    private void SetSlot(string name, Slot slot) => _scope.Slots[name] = slot;

    /// <summary>The expression of a value, materialising constants and known values on first use (in the current scope).</summary>
    protected TExpr X(string name, CanonicalNode at)
    {
        var slot = Find(name, out var local) ?? throw new BridgeException(OnnxTranslateDiagnosticIds.UndefinedValue, at.Loc,
            $"node '{at.Source.Name}' ({at.Source.OpType}) reads '{name}', which no input, initializer or earlier node defines");
        if (slot.Expr is { } e) return e;
        if (slot.Seq is not null || slot.OptionalEmpty)
            throw Unsupported(at, $"'{name}' is a{(slot.Seq is not null ? " sequence" : "n empty optional")}, used where a tensor is needed");
        TExpr made;
        if (slot.Const is { } c) made = Const(c);
        else if (slot.Known is { AllConst: true } kc) made = Const(kc.ToTensor());
        else made = MaterializeKnown(slot.Known!, at.Loc)
            ?? throw new BridgeInternalError($"known value of '{name}' cannot be materialised in {Dialect}");
        // A constant is the same everywhere; a materialised symbolic value is bound in the current scope only.
        if (local || slot.Const is not null || slot.Known is { AllConst: true }) slot.Expr = made;
        else _scope.Slots[name] = new Slot { Expr = made, Known = slot.Known };
        return made;
    }

    protected TExpr X(CanonicalInput i, CanonicalNode at) =>
        i.Name.Length > 0 && Find(i.Name, out _) is not null ? X(i.Name, at)
        : i.Constant is { } c ? Const(c)
        : throw new BridgeException(OnnxTranslateDiagnosticIds.UndefinedValue, at.Loc, $"node '{at.Source.Name}' ({at.Source.OpType}) has an absent required input");

    protected TExpr X(CanonicalNode n, int input) => X(n.Input(input), n);

    /// <summary>Known integer values of an input of rank ≤ 1 (constants included), or null.</summary>
    protected KnownInts? Known(CanonicalInput i) => KnownOrMatrix(i) is { MatrixShape: null } k ? k : null;

    /// <summary>The constant of an input (initializer, Constant node, lifted attribute), or null.</summary>
    protected Tensor? ConstOf(CanonicalInput i)
    {
        if (!i.IsPresent) return null;
        if (i.Name.Length > 0 && Find(i.Name, out _) is { } s)
            return s.Const ?? (s.Known is { AllConst: true } k ? k.ToTensor() : null);
        return i.Constant;
    }

    /// <summary>Constant int values of an input (axes, pads, k…) or null when dynamic/absent.</summary>
    protected long[]? ConstInts(CanonicalInput i) => Known(i) is { AllConst: true } k ? [.. k.Values.Select(v => v.AsConst!.Value)] : null;

    protected long[] RequireConstInts(CanonicalNode n, int input, string what) => ConstInts(n.Input(input))
        ?? throw Unsupported(n, $"input {input} ('{what}') must be a constant for the {Dialect} emitter");

    /// <summary>Shape of a value: from its known value, constant or emitted expression.</summary>
    protected ImmutableArray<SymExpr>? ShapeOfValue(CanonicalInput i, CanonicalNode at)
    {
        if (i.Name.Length > 0 && Find(i.Name, out _) is { } s)
        {
            if (s.Const is { } c) return [.. c.Shape.Select(d => (SymExpr)d)];
            if (s.Known is { } k) return [.. k.Shape.Select(d => (SymExpr)d)];
            if (s.Expr is { } e) return ShapeOf(e);
        }
        if (i.Constant is { } ct) return [.. ct.Shape.Select(d => (SymExpr)d)];
        return ShapeOf(X(i, at));
    }

    protected ImmutableArray<SymExpr> RequireShape(CanonicalNode n, int input) => ShapeOfValue(n.Input(input), n)
        ?? throw Unsupported(n, $"input {input} has unknown rank; the {Dialect} emitter needs it");

    protected DataType DTypeOfValue(CanonicalNode n, int input) => DTypeOfValue(n.Input(input), n);

    /// <summary>The dtype of a value (also an internal one a shared lowering emitted): constant, known value or expression.</summary>
    protected DataType DTypeOfValue(CanonicalInput i, CanonicalNode n)
    {
        if (i.Name.Length > 0 && Find(i.Name, out _) is { } s)
        {
            if (s.Const is { } c) return c.DType;
            if (s.Known is { } k) return k.DType;
        }
        if (i.Constant is { } ct) return ct.DType;
        return DTypeOf(X(i, n)) ?? throw Unsupported(n, $"'{i}' has unknown dtype");
    }

    protected BridgeException Unsupported(CanonicalNode n, string what) =>
        new(OnnxTranslateDiagnosticIds.UnsupportedForm, n.Loc, $"node '{n.Source.Name}' ({n.Source.Domain}.{n.Source.OpType}-{n.Version}): {what}");

    /// <summary>A malformed node (BRG4304): values or input counts the op's spec does not allow.</summary>
    protected BridgeException BadValue(CanonicalNode n, string what) =>
        new(OnnxTranslateDiagnosticIds.BadValue, n.Loc, $"node '{n.Source.Name}' ({n.Source.OpType}): {what}");

    // ---------------------------------------------------------------- graph inputs

    /// <summary>Dims of a graph input: dim_value, the shared var of a dim_param (or its override), a fresh var otherwise.</summary>
    protected ImmutableArray<SymExpr>? InputDims(OnnxValueInfo vi)
    {
        if (vi.Type.Shape is not { } dims) return null;
        var b = ImmutableArray.CreateBuilder<SymExpr>(dims.Length);
        for (var i = 0; i < dims.Length; i++)
        {
            var d = dims[i];
            if (d.Value is { } v && v > 0) b.Add(v);
            else if (d.Param is { Length: > 0 } p && Options.DimValues.TryGetValue(p, out var ov)) b.Add(ov);
            else if (d.Param is { Length: > 0 } p2 && NamedDims)
            {
                if (!_dimVars.TryGetValue(p2, out var sv)) _dimVars[p2] = sv = new SymVar(Names.Identifier(p2));
                b.Add(sv);
            }
            else if (d.Param is not { Length: > 0 } && Options.DimValues.TryGetValue(OnnxImportOptions.AnonymousDimKey(vi.Name, i), out var av)) b.Add(av);
            else b.Add(AnonymousDim(vi.Name, i));
        }
        return b.MoveToImmutable();
    }

    /// <summary>Checks that every dim override names a dim_param of some input (a typo must not pass silently).</summary>
    protected void CheckOverrides()
    {
        var pars = Model.Graph.Inputs.SelectMany(i => i.Type.Shape ?? []).Select(d => d.Param).Where(p => p is not null).ToHashSet(StringComparer.Ordinal);
        // Anonymous dims (neither dim_value nor dim_param) are named input:axis.
        foreach (var i in Model.Graph.Inputs)
            for (var ax = 0; ax < (i.Type.Shape?.Length ?? 0); ax++)
                if (i.Type.Shape!.Value[ax] is { Param: not { Length: > 0 } } d && d.Value is not > 0) pars.Add(OnnxImportOptions.AnonymousDimKey(i.Name, ax));
        foreach (var k in Options.DimValues.Keys)
            if (!pars.Contains(k))
                throw new BridgeException(OnnxTranslateDiagnosticIds.BadShapeOverride, new SourceLoc.GraphNode(Model.Path, Model.Graph.Name, "", "input"),
                    $"shape override '{k}' names no dim_param of the model's inputs (known: {string.Join(", ", pars.Order(StringComparer.Ordinal))})");
    }

    protected static DataType TensorDType(OnnxValueInfo vi, SourceLoc loc) =>
        vi.Type.Kind == OnnxTypeKind.Tensor && vi.Type.DType is { } d ? d
        : throw new BridgeException(OnnxTranslateDiagnosticIds.UnsupportedType, loc, $"input '{vi.Name}' has type {vi.Type}; only tensors of numeric dtypes are supported");

    // ---------------------------------------------------------------- the walk

    /// <summary>Throws one diagnostic listing every op kind this emitter does not map (subgraphs included), before any work.</summary>
    public void CheckSupported()
    {
        OnnxSupport.CheckUnsupported(Model);
        var missing = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var g in Model.Graph.SelfAndSubgraphs())
            foreach (var n in g.Nodes)
            {
                var spec = OnnxOps.Find(n.Domain, n.OpType);
                if (spec is null || spec.CanonicalKind == "Constant" || Supports(spec.CanonicalKind)) continue;
                var key = $"{n.Domain}.{n.OpType} (opset {n.Opset})";
                if (!missing.TryGetValue(key, out var l)) missing[key] = l = [];
                l.Add(n.Name);
            }
        if (missing.Count == 0) return;
        var sb = new StringBuilder($"{missing.Count} op(s) not supported by the ONNX → {Dialect} emitter: ");
        sb.AppendJoin("; ", missing.Select(kv => $"{kv.Key} x{kv.Value.Count}: {string.Join(", ", kv.Value.Take(8))}{(kv.Value.Count > 8 ? ", …" : "")}"));
        var first = missing.First();
        throw new BridgeException(OnnxTranslateDiagnosticIds.UnsupportedByEmitter, new SourceLoc.GraphNode(Model.Path, Model.Graph.Name, first.Value[0], first.Key), sb.ToString());
    }

    /// <summary>
    /// Canonical nodes of a (sub)graph. Constant nodes are decoded here rather than by <see cref="OnnxCanonicalizer"/>: on
    /// branch <c>onnx</c> the reflected schema of <c>ConstantAttrs</c> has two fields named "value" (the <c>value</c>
    /// attribute and the derived resolved tensor), so parsing any Constant node throws; this keeps the emitters working
    /// until that is fixed there (reported to the lead).
    /// </summary>
    protected ImmutableArray<CanonicalNode> Canonicalize(OnnxGraph g)
    {
        var ctx = new CanonContext(Model, g, Bag);
        var b = ImmutableArray.CreateBuilder<CanonicalNode>(g.Nodes.Length);
        foreach (var n in g.Nodes)
        {
            if (n.OpType == "Constant" && n.Domain == OnnxDomains.AiOnnx)
            {
                var spec = OnnxOps.Find(n.Domain, n.OpType)!;
                b.Add(new CanonicalNode
                {
                    Kind = "Constant", Spec = spec, Version = spec.Resolve(n.Opset) ?? 1, Attrs = new ConstantAttrs { Value = ConstantValue(n) },
                    Inputs = [], Outputs = n.Outputs, Source = n,
                });
                continue;
            }
            b.Add(OnnxCanonicalizer.CanonicalizeNode(ctx, n));
        }
        return b.MoveToImmutable();
    }

    private static Tensor ConstantValue(OnnxNode n)
    {
        var vals = new List<Tensor>();
        foreach (var (name, a) in n.Attributes)
        {
            Tensor? t = name switch
            {
                "value" when a.Kind == OnnxAttrKind.Tensor => a.T,
                "value_float" when a.Kind == OnnxAttrKind.Float => Tensor.Scalar(DataType.Float32, a.F),
                "value_floats" when a.Kind == OnnxAttrKind.Floats => Tensor.FromArray([.. a.Floats], a.Floats.Length),
                "value_int" when a.Kind == OnnxAttrKind.Int => Tensor.Scalar(DataType.Int64, a.I),
                "value_ints" when a.Kind == OnnxAttrKind.Ints => Tensor.FromArray([.. a.Ints], a.Ints.Length),
                _ => throw new BridgeException(OnnxTranslateDiagnosticIds.UnsupportedForm, n.Loc, $"node '{n.Name}' (Constant): attribute '{name}' ({a.Kind}) is not supported (strings and sparse tensors cannot be Relay/Relax constants)"),
            };
            if (t is not null) vals.Add(t);
        }
        if (vals.Count != 1)
            throw new BridgeException(OnnxTranslateDiagnosticIds.BadValue, n.Loc, $"node '{n.Name}' (Constant) must have exactly one value attribute, has {vals.Count}");
        return vals[0];
    }

    /// <summary>Emits nodes in order, folding known integer values at import time.</summary>
    protected void EmitNodes(ImmutableArray<CanonicalNode> nodes)
    {
        foreach (var n in nodes)
        {
            if (SequenceKinds.Contains(n.Kind))
            {
                EmitSequenceNode(n);
                EmittedNodes++;
                continue;
            }
            if (n.Kind == "Constant" && n.Attrs is ConstantAttrs { Value: { } cv })
            {
                if (LiftedConstants.Contains(n.Outputs[0]) && Find(n.Outputs[0], out _) is { Expr: not null }) continue; // a parameter already
                SetConst(n.Outputs[0], cv);
                FoldedNodes++;
                continue;
            }
            if (TryEmitStaticIf(n))
            {
                FoldedNodes++;
                continue;
            }
            var k = Fold(n);
            if (k is not null && (k.AllConst || MaterializeKnownLazily))
            {
                SetKnown(n.Outputs[0], k, null);
                FoldedNodes++;
                continue;
            }
            try
            {
                EmitNode(n);
            }
            catch (BridgeException e) when (e.Diagnostic.Loc is SourceLoc.Unknown || e.Diagnostic.Id.Code is >= 3500 and < 3700 or >= 2600 and < 3000)
            {
                // Inference errors of the IR know the op, not the ONNX node: name it.
                throw new BridgeException(e.Diagnostic with { Id = OnnxTranslateDiagnosticIds.InferenceFailed, Loc = n.Loc, Message = $"node '{n.Source.Name}' ({n.Source.OpType}): {e.Diagnostic.Message}" });
            }
            EmittedNodes++;
            if (k is not null && Find(n.Outputs[0], out _) is { } slot) slot.Known = k;
            ApplyInference(n);
            CheckDeclaredShapes(n);
        }
    }

    /// <summary>Relax binds a symbolic known value only where used; Relay emits the producing node and keeps the value.</summary>
    protected abstract bool MaterializeKnownLazily { get; }

    // ---------------------------------------------------------------- import-time folding (frontends.md §1.3)

    /// <summary>The known value of the node's single output, or null when it is not computable at import time.</summary>
    private KnownInts? Fold(CanonicalNode n)
    {
        if (n.Outputs.Length != 1) return null;
        if (FoldConstMatrix(n) is { } matrix) return matrix;
        return OnnxDataPropagation.Fold(n, KnownOrMatrix, i => ShapeOfValue(i, n));
    }

    /// <summary>Indices selected by an ONNX slice (start/end clamped as the spec says) of a length-<paramref name="len"/> axis.</summary>
    protected static List<long> SliceIndices(long len, long start, long end, long step) => OnnxDataPropagation.SliceIndices(len, start, end, step);
}

/// <summary>Symbolic shape arithmetic helpers shared by the emitters.</summary>
public static class ShapeMath
{
    /// <summary>
    /// prod(<paramref name="num"/>) / prod(<paramref name="den"/>) for a Reshape −1 entry: symbolic factors that appear on both
    /// sides (the same var or expression) cancel first, so <c>(b·C·H·W) / (b·H·W)</c> is <c>C</c>, not a floordiv expression.
    /// </summary>
    public static SymExpr DivideProducts(IEnumerable<SymExpr> num, IEnumerable<SymExpr> den)
    {
        long cn = 1, cd = 1;
        var sn = new List<SymExpr>();
        var sd = new List<SymExpr>();
        foreach (var d in num) { if (d.AsConst is { } c) cn *= c; else sn.Add(d); }
        foreach (var d in den) { if (d.AsConst is { } c) cd *= c; else sd.Add(d); }
        for (var i = sd.Count - 1; i >= 0; i--)
        {
            var j = sn.FindIndex(x => x.Equals(sd[i]));
            if (j < 0) continue;
            sn.RemoveAt(j);
            sd.RemoveAt(i);
        }
        SymExpr n = cn, d2 = cd;
        foreach (var x in sn) n *= x;
        foreach (var x in sd) d2 *= x;
        if (sd.Count == 0 && cd != 0 && cn % cd == 0)
        {
            SymExpr r = cn / cd;
            foreach (var x in sn) r *= x;
            return r;
        }
        return SymExpr.FloorDiv(n, d2);
    }
}

/// <summary>Name helpers shared by the emitters.</summary>
public static class Names
{
    /// <summary>A Python/TVMScript identifier for an ONNX name: other characters become '_', a leading digit gets 'v_'.</summary>
    public static string Identifier(string name)
    {
        if (name.Length == 0) return "v";
        var sb = new StringBuilder(name.Length + 2);
        foreach (var ch in name) sb.Append(char.IsAsciiLetterOrDigit(ch) || ch == '_' ? ch : '_');
        if (!char.IsAsciiLetter(sb[0]) && sb[0] != '_') sb.Insert(0, "v_");
        return sb.ToString();
    }
}

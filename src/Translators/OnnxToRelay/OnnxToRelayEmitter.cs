using System.Collections.Frozen;
using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relay;
using Bridge.Ir.Relay;
using Bridge.Translators.Onnx;
using O = Bridge.Importers.Onnx.Ops;
using R = Bridge.Ir.Ops.Relay;
using RTuple = Bridge.Ir.Relay.Tuple;

namespace Bridge.Translators.OnnxToRelay;

/// <summary>
/// ONNX → Relay (the old path, as <c>relay.frontend.from_onnx</c>): dim_params and unknown dims are <c>Any</c>, initializers
/// are constants, shape arithmetic is folded at import where it is constant (Relay's <c>fold_constant</c>/<c>infer_value</c>)
/// and Reshape with a symbolic target uses 0 (copy) / −1 (infer) entries. Types are computed per call from the Relay type
/// relations while emitting, and the result passes <see cref="RelayTypeInference.InferModule"/>.
/// </summary>
public sealed partial class OnnxToRelayEmitter : OnnxEmitterBase<Expr>
{
    private delegate void Rule(OnnxToRelayEmitter e, CanonicalNode n);

    private readonly Dictionary<Expr, RelayType> _types = new(ReferenceEqualityComparer.Instance);

    private OnnxToRelayEmitter(OnnxModel model, OnnxImportOptions options) : base(model, options) { }

    /// <summary>Op kinds the Relay emitter maps (the support-matrix column "Relay").</summary>
    public static IReadOnlyCollection<string> SupportedKinds => [.. s_table.Keys, .. SequenceKinds, .. SharedKinds];

    protected override string Dialect => "Relay";
    protected override bool NamedDims => false;
    protected override bool MaterializeKnownLazily => false;
    public override bool Supports(string kind) => s_table.ContainsKey(kind) || IsSharedKind(kind);

    /// <summary>Translates a loaded model into a Relay module with <c>@main</c>; type inference runs on the result.</summary>
    public static OnnxImportResult<IRModule> Translate(OnnxModel model, OnnxImportOptions? options = null)
    {
        var o = options ?? OnnxImportOptions.Default;
        return WithInputSpecialisation(model, o, specialise => TranslateOnce(model, o, specialise));
    }

    private static OnnxImportResult<IRModule> TranslateOnce(OnnxModel model, OnnxImportOptions options, bool specialise)
    {
        var e = new OnnxToRelayEmitter(model, options) { SpecialiseInputValues = specialise };
        e.CheckSupported();
        e.CheckOverrides();
        var nodes = e.Canonicalize(model.Graph);
        var ps = ImmutableArray.CreateBuilder<Var>();
        foreach (var vi in model.Graph.Inputs)
        {
            var loc = new SourceLoc.GraphNode(model.Path, model.Graph.Name, vi.Name, "input");
            var dt = TensorDType(vi, loc);
            var dims = e.InputDims(vi) ?? throw new BridgeException(OnnxTranslateDiagnosticIds.UnsupportedType, loc, $"input '{vi.Name}' has unknown rank; Relay needs the rank");
            var t = new TensorType(dims, dt);
            var v = new Var(vi.Name, t, loc);
            e._types[v] = t;
            ps.Add(v);
            e.Set(vi.Name, v);
            e.BindInputValue(vi.Name, v);
        }
        foreach (var (name, t) in model.Graph.Initializers) if (!e.IsDefined(name)) e.SetConst(name, t);
        e.EmitNodes(nodes);
        var outs = model.Graph.Outputs.Select(o => e.X(o.Name, nodes.Length > 0 ? nodes[^1] : throw new BridgeException(OnnxTranslateDiagnosticIds.UndefinedValue, new SourceLoc.GraphNode(model.Path, model.Graph.Name, o.Name, "output"), "empty graph"))).ToList();
        Expr body = outs.Count == 1 ? outs[0] : new RTuple([.. outs]);
        var fn = new Function(ps.ToImmutable(), body, null, [], DictAttrs.Empty);
        var mod = new IRModule();
        mod.Add(new GlobalVar("main"), fn);
        foreach (var (gv, f) in e._extraFunctions) mod.Add(gv, f);
        try { RelayTypeInference.InferModule(mod); }
        catch (BridgeException ex) { throw new BridgeException(ex.Diagnostic with { Id = OnnxTranslateDiagnosticIds.InferenceFailed, Message = "Relay type inference of the imported module failed: " + ex.Diagnostic.Message }); }
        var summary = new OnnxImportSummary(model.Path, model.AiOnnxOpset, model.Graph.Nodes.Length, e.FoldedNodes,
            [.. model.Graph.Inputs.Select(i => $"{i.Name}: {i.Type}")], [.. model.Graph.Outputs.Select(o => $"{o.Name}: {o.Type}")], [.. e.Bag.Items]);
        return new(mod, summary);
    }

    // ---------------------------------------------------------------- dialect hooks

    protected override Expr Const(Tensor t)
    {
        var c = new Constant(t);
        _types[c] = c.Type;
        return c;
    }

    protected override Expr? MaterializeKnown(KnownInts k, SourceLoc loc) => null;
    protected override ImmutableArray<SymExpr>? ShapeOf(Expr e) => _types.TryGetValue(e, out var t) && t is TensorType tt ? tt.Shape : null;
    protected override DataType? DTypeOf(Expr e) => _types.TryGetValue(e, out var t) && t is TensorType tt ? tt.DType : null;
    protected override SymExpr AnonymousDim(string valueName, int axis) => SymVar.Any();

    protected override void EmitDialectNode(CanonicalNode n)
    {
        if (!s_table.TryGetValue(n.Kind, out var rule))
            throw new BridgeException(OnnxTranslateDiagnosticIds.UnsupportedByEmitter, n.Loc, $"node '{n.Source.Name}': {n.Kind} has no Relay mapping");
        rule(this, n);
    }

    // ---------------------------------------------------------------- building

    /// <summary>A call of a Relay op; its type comes from the op's type relation (so later rules can read shapes).</summary>
    private Expr Op(CanonicalNode n, string op, Attrs? attrs, params Expr[] args)
    {
        var def = RelayOps.Find(op) ?? throw new BridgeInternalError($"Relay op {op} is not registered");
        var call = new Call(new OpRef(def), [.. args], attrs ?? def.DefaultAttrs, [], n.Loc);
        if (def.Get(RelayOpFacets.InferType) is { } rel)
        {
            var argTypes = args.Select(a => _types.TryGetValue(a, out var t) ? t : throw new BridgeInternalError("untyped argument")).ToList();
            _types[call] = rel(argTypes, call.Attrs, new RelationContext(op, n.Loc));
        }
        else throw new BridgeInternalError($"Relay op {op} has no type relation");
        return call;
    }

    private Expr Item(Expr tuple, int i)
    {
        var g = new TupleGetItem(tuple, i);
        if (_types.TryGetValue(tuple, out var t) && t is TupleType tt) _types[g] = tt.Fields[i];
        return g;
    }

    private Expr Tup(IEnumerable<Expr> fields)
    {
        var f = fields.ToImmutableArray();
        var t = new RTuple(f);
        _types[t] = new TupleType([.. f.Select(x => _types[x])]);
        return t;
    }

    private static ValueArray<long> VA(IEnumerable<long> v) => new([.. v]);
    private static string DT(DataType d) => d.ToString();

    /// <summary>Relay reshape target from symbolic dims: constants as is, an unchanged input dim as 0 (copy), one unknown as −1.</summary>
    protected override Expr Reshape(CanonicalNode n, Expr x, IEnumerable<SymExpr> target)
    {
        var dims = target as IReadOnlyList<SymExpr> ?? [.. target];
        var inShape = ShapeOf(x);
        var ns = new long[dims.Count];
        var infer = false;
        for (var i = 0; i < dims.Count; i++)
        {
            if (dims[i].AsConst is { } c) ns[i] = c;
            else if (inShape is { } s && i < s.Length && ReferenceEquals(s[i], dims[i])) ns[i] = 0;
            else if (!infer) { ns[i] = -1; infer = true; }
            else throw Unsupported(n, $"reshape to [{string.Join(", ", dims)}]: more than one dim unknown to Relay");
        }
        return Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA(ns) }, x);
    }
}

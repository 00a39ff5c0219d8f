using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Ops;
using Bridge.Ir.Relax;
using Bridge.Translators.Onnx;
using O = Bridge.Importers.Onnx.Ops;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

/// <summary>
/// ONNX → Relax (the new path): symbolic dims (each dim_param one named var, each unnamed dim a fresh one), shape chains
/// folded into <c>R.shape</c> values at import time, one dataflow block unless the top level has control flow (then plain
/// bindings, as TVM's frontend), initializers as constants. Each op kind is one entry of <see cref="s_table"/>.
/// </summary>
public sealed partial class OnnxToRelaxEmitter : OnnxEmitterBase<Expr>
{
    private delegate void Rule(OnnxToRelaxEmitter e, CanonicalNode n);

    private RelaxEmitBuilder _b;
    private readonly List<ModuleEntry> _extraFunctions = [];
    private readonly Dictionary<string, Tensor> _params = new(StringComparer.Ordinal);

    private OnnxToRelaxEmitter(OnnxModel model, OnnxImportOptions options) : base(model, options) => _b = new RelaxEmitBuilder(true);

    /// <summary>Op kinds the Relax emitter maps (the support-matrix column "Relax").</summary>
    public static IReadOnlyCollection<string> SupportedKinds => [.. s_table.Keys, .. SequenceKinds, .. SharedKinds];

    protected override string Dialect => "Relax";
    protected override bool NamedDims => true;
    protected override bool MaterializeKnownLazily => Options.FoldShapeChains;
    public override bool Supports(string kind) => s_table.ContainsKey(kind) || IsSharedKind(kind);

    /// <summary>Translates a loaded model into a Relax module with <c>@main</c>.</summary>
    public static OnnxImportResult<IRModule> Translate(OnnxModel model, OnnxImportOptions? options = null)
    {
        var o = options ?? OnnxImportOptions.Default;
        return WithInputSpecialisation(model, o, specialise => TranslateOnce(model, o, specialise));
    }

    private static OnnxImportResult<IRModule> TranslateOnce(OnnxModel model, OnnxImportOptions options, bool specialise)
    {
        var e = new OnnxToRelaxEmitter(model, options) { SpecialiseInputValues = specialise };
        e.CheckSupported();
        e.CheckOverrides();
        var module = e.Run();
        var summary = new OnnxImportSummary(model.Path, model.AiOnnxOpset, model.Graph.Nodes.Length, e.FoldedNodes,
            [.. model.Graph.Inputs.Select(i => $"{i.Name}: {i.Type}")], [.. model.Graph.Outputs.Select(o => $"{o.Name}: {o.Type}")], [.. e.Bag.Items]);
        return new(module, summary) { Params = e._params };
    }

    /// <summary>Constant nodes with at least this many elements become parameters under <see cref="OnnxImportOptions.KeepParamsAsInputs"/>
    /// (the size from which the TVMScript printer moves a constant to the metadata section).</summary>
    private const int LiftConstantElements = 1024;

    private IRModule Run()
    {
        var nodes = Canonicalize(Model.Graph);
        // TVM's frontend drops the dataflow block when the top level has control flow (frontends.md §6); so do we.
        var dataflow = !nodes.Any(n => n.Kind is "If" or "Loop" or "Scan");
        _b = new RelaxEmitBuilder(dataflow);
        var ps = ImmutableArray.CreateBuilder<Var>();
        foreach (var vi in Model.Graph.Inputs)
        {
            var loc = new SourceLoc.GraphNode(Model.Path, Model.Graph.Name, vi.Name, "input");
            var dt = TensorDType(vi, loc);
            var dims = InputDims(vi);
            var info = dims is { } d ? new TensorSInfo(new ValueArray<SymExpr>(d), dt) : new TensorSInfo(null, dt);
            var v = new Var(_b.Fresh(vi.Name), info, loc);
            ps.Add(v);
            Set(vi.Name, v);
            BindInputValue(vi.Name, v);
        }
        var numInput = ps.Count;
        foreach (var (name, t) in Model.Graph.Initializers.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (IsDefined(name)) continue;
            if (!Options.KeepParamsAsInputs || KnownInts.FromTensor(t) is not null) { SetConst(name, t); continue; }
            var v = new Var(_b.Fresh(name), new TensorSInfo(new ValueArray<SymExpr>(t.Shape.Select(d => (SymExpr)d)), t.DType));
            ps.Add(v);
            _params[v.Name] = t;
            Set(name, v);
        }
        // Exporters that store weights as Constant nodes (paddle2onnx: ppocr-v4-rec's 2.7 M weights) get the same treatment:
        // large top-level Constant tensors become parameters too, so TVMScript stays small (bench --import printed 65 MB).
        if (Options.KeepParamsAsInputs)
            foreach (var c in nodes.Where(c => c.Kind == "Constant" && c.Attrs is ConstantAttrs { Value.Length: >= LiftConstantElements }))
            {
                var t = ((ConstantAttrs)c.Attrs).Value!;
                var name = c.Outputs[0];
                if (name.Length == 0 || IsDefined(name)) continue;
                var v = new Var(_b.Fresh(name), new TensorSInfo(new ValueArray<SymExpr>(t.Shape.Select(d => (SymExpr)d)), t.DType));
                ps.Add(v);
                _params[v.Name] = t;
                Set(name, v);
                LiftedConstants.Add(name);
            }
        EmitNodes(nodes);
        var outs = new List<Expr>();
        foreach (var o in Model.Graph.Outputs)
        {
            var at = nodes.Length > 0 ? nodes[^1] : null;
            var x = at is null ? X(o.Name, FakeNode(o.Name)) : X(o.Name, at);
            outs.Add(x is Var { } v && v is not DataflowVar ? v : _b.Emit(x, o.Name, output: true));
        }
        Expr ret = outs.Count == 1 ? outs[0] : RelaxEmitBuilder.Tuple(outs);
        var block = _b.EndBlock();
        var body = new SeqExpr([block], ret) { Info = ret.Info };
        var inScope = new HashSet<SymVar>(ps.SelectMany(p => p.Info.SymVars()));
        var retInfo = (ret.Info ?? StructInfo.Object).EraseToWellDefined(inScope);
        var fn = new Function(ps.ToImmutable(), body, retInfo, true,
            [new("global_symbol", "main"), new("num_input", (long)numInput)]);
        fn = new Function(fn.Params, fn.Body, fn.RetInfo, fn.IsPure, fn.Attrs) { Info = fn.Signature };
        var entries = ImmutableArray.CreateBuilder<ModuleEntry>();
        entries.Add(new ModuleEntry(new GlobalVar("main") { Info = fn.Signature }, fn));
        entries.AddRange(_extraFunctions);
        return new IRModule("Module", entries.ToImmutable());
    }

    private CanonicalNode FakeNode(string name) => new()
    {
        Kind = "Identity", Spec = OnnxOps.Find(OnnxDomains.AiOnnx, "Identity")!, Version = 1, Attrs = new OnnxNoAttrs(), Inputs = [new(name, null)], Outputs = [name],
        Source = new OnnxNode { Name = name, OpType = "Identity", Domain = OnnxDomains.AiOnnx, Inputs = [name], Outputs = [name], Attributes = ImmutableDictionary<string, OnnxAttribute>.Empty, Opset = Model.AiOnnxOpset, Loc = new SourceLoc.GraphNode(Model.Path, Model.Graph.Name, name, "output"), Graph = Model.Graph },
    };

    // ---------------------------------------------------------------- dialect hooks

    protected override Expr Const(Tensor t) => RelaxEmitBuilder.Const(t);

    /// <summary>A symbolic shape value becomes <c>R.shape_to_tensor(R.shape([...]))</c> (reshaped to a scalar for 0-D).</summary>
    protected override Expr? MaterializeKnown(KnownInts k, SourceLoc loc)
    {
        Expr t = _b.Call("shape_to_tensor", null, loc, RelaxEmitBuilder.Shape(k.Values));
        if (k.IsScalar) t = _b.Call("reshape", null, loc, t, RelaxEmitBuilder.Shape([]));
        if (k.DType != DataType.Int64) t = _b.Call("astype", new RA.AstypeAttrs { Dtype = k.DType }, loc, t);
        return t;
    }

    protected override ImmutableArray<SymExpr>? ShapeOf(Expr e) => e.Info is TensorSInfo { Shape: { } s } ? s.Items : null;
    protected override DataType? DTypeOf(Expr e) => (e.Info as TensorSInfo)?.DType;
    protected override SymExpr AnonymousDim(string valueName, int axis) => new SymVar(Names.Identifier($"{valueName}_dim{axis}"));

    protected override void EmitDialectNode(CanonicalNode n)
    {
        if (!s_table.TryGetValue(n.Kind, out var rule))
            throw new BridgeException(OnnxTranslateDiagnosticIds.UnsupportedByEmitter, n.Loc, $"node '{n.Source.Name}': {n.Kind} has no Relax mapping");
        rule(this, n);
    }

    // ---------------------------------------------------------------- helpers used by the rules

    private Var Op(CanonicalNode n, string op, Attrs? attrs, params Expr[] args) => _b.Call(op, attrs, n.Loc, args);
    private static Expr Scalar(DataType dt, double v) => RelaxEmitBuilder.Const(Tensor.Scalar(dt, v));
    private static ValueArray<long> VA(IEnumerable<long> v) => new([.. v]);

    protected override Expr Reshape(CanonicalNode n, Expr x, IEnumerable<SymExpr> dims) => Op(n, "reshape", null, x, RelaxEmitBuilder.Shape(dims));

    private long[] ExplicitPads(CanonicalNode n, ValueArray<SymExpr> pads) =>
        [.. pads.Select(p => p.AsConst ?? throw Unsupported(n, $"padding {p} depends on a symbolic input dim (auto_pad SAME with dynamic spatial dims)"))];

    private static string Layout(int r) => r switch { 1 => "NCW", 2 => "NCHW", _ => "NCDHW" };
    private static string KLayout(int r, bool transpose) => (transpose ? "IO" : "OI") + r switch { 1 => "W", 2 => "HW", _ => "DHW" };

    /// <summary>ONNX pads (begin…, end…) → TVM padding (begin…, end…): the same order for conv/pool.</summary>
    private Expr AddChannelBias(CanonicalNode n, Expr y, int biasInput, int rank)
    {
        if (!n.Input(biasInput).IsPresent) return y;
        var b = X(n, biasInput);
        var c = RequireShape(n, biasInput)[0];
        var bb = Reshape(n, b, new SymExpr[] { 1, c }.Concat(Enumerable.Repeat((SymExpr)1, rank)));
        return Op(n, "add", null, y, bb);
    }
}

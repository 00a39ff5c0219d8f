using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;

namespace Bridge.Ir.Relax;

/// <summary>
/// Builds Relax functions the way <c>relax.BlockBuilder</c> does: every emitted expression is normalized (nested non-leaf
/// arguments are bound first, struct info inferred through the op registry), vars are named <c>lv</c>, <c>lv1</c>, … inside
/// dataflow blocks and <c>gv</c>, <c>gv1</c>, … for outputs. Facts inference could not prove are collected in
/// <see cref="Unproven"/>; <see cref="EmitAnnotated"/> turns an unprovable annotation into an <c>R.match_cast</c>.
/// </summary>
public sealed class BlockBuilder
{
    private readonly Dictionary<string, int> _nameCounts = new(StringComparer.Ordinal);
    private readonly List<BindingBlock> _blocks = [];
    private readonly List<Diagnostic> _unproven = [];
    private readonly List<ModuleEntry> _entries = [];
    private ImmutableArray<Binding>.Builder? _cur;
    private bool _curDataflow;
    private ImmutableArray<Var> _params = [];
    private string? _funcName;

    public IReadOnlyList<Diagnostic> Unproven => _unproven;

    /// <summary>TVM's <c>UniqueNameSupply</c>: first use of a hint is the hint itself, then hint1, hint2, …</summary>
    public string FreshName(string hint)
    {
        var clean = new string(hint.Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '_').ToArray());
        if (clean.Length == 0) clean = "v";
        if (!_nameCounts.TryGetValue(clean, out var n)) { _nameCounts[clean] = 1; return clean; }
        _nameCounts[clean] = n + 1;
        return clean + n;
    }

    public void BeginFunction(string name, params Var[] parameters)
    {
        if (_funcName is not null) throw new BridgeInternalError("BeginFunction inside a function");
        _funcName = name;
        _params = [.. parameters];
        _blocks.Clear();
    }

    public void BeginDataflowBlock() => Begin(dataflow: true);
    public void BeginBindingBlock() => Begin(dataflow: false);

    private void Begin(bool dataflow)
    {
        if (_cur is not null) throw new BridgeInternalError("a block is already open");
        _cur = ImmutableArray.CreateBuilder<Binding>();
        _curDataflow = dataflow;
    }

    public BindingBlock EndBlock()
    {
        var cur = _cur ?? throw new BridgeInternalError("no open block");
        BindingBlock b = _curDataflow ? new DataflowBlock(cur.ToImmutable()) : new BindingBlock(cur.ToImmutable());
        _cur = null;
        if (b.Bindings.Length > 0) _blocks.Add(b);
        return b;
    }

    private ImmutableArray<Binding>.Builder Cur => _cur ?? throw new BridgeInternalError("Emit outside a block: call BeginDataflowBlock or BeginBindingBlock");

    /// <summary>Binds <paramref name="expr"/> to a fresh var (a DataflowVar inside a dataflow block).</summary>
    public Var Emit(Expr expr, string? nameHint = null)
    {
        var e = Normalize(expr);
        var v = _curDataflow ? new DataflowVar(FreshName(nameHint ?? "lv"), e.Info, e.Loc) : new Var(FreshName(nameHint ?? "gv"), e.Info, e.Loc);
        Cur.Add(new VarBinding(v, e, e.Loc));
        return v;
    }

    /// <summary>Binds an output of the current dataflow block (a plain Var, named gv…).</summary>
    public Var EmitOutput(Expr expr, string? nameHint = null)
    {
        var e = Normalize(expr);
        var v = new Var(FreshName(nameHint ?? "gv"), e.Info, e.Loc);
        Cur.Add(new VarBinding(v, e, e.Loc));
        return v;
    }

    /// <summary><c>v = R.match_cast(value, target)</c>: binds the symbolic vars of <paramref name="target"/>.</summary>
    public Var MatchCast(Expr value, StructInfo target, string? nameHint = null)
    {
        var e = Normalize(value);
        var v = _curDataflow ? new DataflowVar(FreshName(nameHint ?? "lv"), target, e.Loc) : new Var(FreshName(nameHint ?? "gv"), target, e.Loc);
        Cur.Add(new MatchCast(v, e, target, e.Loc));
        return v;
    }

    /// <summary>
    /// Emits with a required struct info: provably compatible → annotated var; unprovable → bound, then
    /// <c>R.match_cast</c> to <paramref name="annotation"/> (recorded in <see cref="Unproven"/>); provably incompatible → error.
    /// </summary>
    public Var EmitAnnotated(Expr expr, StructInfo annotation, string? nameHint = null)
    {
        var e = Normalize(expr);
        switch (StructInfoExt.CheckAnnotation(annotation, e.Info ?? StructInfo.Object))
        {
            case Tri.Disproven:
                throw new BridgeException(StructInfoDiagnosticIds.AnnotationMismatch, e.Loc, "required struct info is provably incompatible with the inferred one");
            case Tri.Unknown:
                _unproven.Add(Diagnostic.Info(StructInfoDiagnosticIds.UnprovenShape, e.Loc, "unprovable annotation turned into R.match_cast"));
                var tmp = Emit(e);
                return MatchCast(tmp, annotation, nameHint);
            default:
                var v = _curDataflow ? new DataflowVar(FreshName(nameHint ?? "lv"), annotation, e.Loc) : new Var(FreshName(nameHint ?? "gv"), annotation, e.Loc);
                Cur.Add(new VarBinding(v, e, e.Loc));
                return v;
        }
    }

    /// <summary>Makes an op call node: <c>Call("nn.conv2d", attrs, x, w)</c> (name without the <c>relax.</c> prefix).</summary>
    public static Call Op(string name, Attrs? attrs, params Expr[] args)
    {
        var op = OpRegistry.Find(Dialect.Relax, "relax." + name) ?? throw new BridgeInternalError($"unknown Relax op relax.{name}");
        return new Call(new OpRef(op), [.. args], attrs ?? op.DefaultAttrs, []);
    }

    /// <summary>Infers struct info bottom-up; nested non-leaf call arguments are emitted first (A-normal form).</summary>
    public Expr Normalize(Expr e)
    {
        switch (e)
        {
            case Var or GlobalVar or OpRef: return e;
            case Call c:
            {
                var args = c.Args.Select(a => a is Call && _cur is not null ? Emit(a) : Normalize(a)).ToImmutableArray();
                var callee = Normalize(c.Callee);
                var nc = new Call(callee, args, c.Attrs, c.SInfoArgs, c.Loc);
                var cx = new InferContext(c.Loc);
                var info = Infer.Call(nc, cx);
                _unproven.AddRange(cx.Unproven);
                return new Call(callee, args, c.Attrs, c.SInfoArgs, c.Loc) { Info = info };
            }
            case TupleExpr t:
            {
                var fs = t.Fields.Select(Normalize).ToImmutableArray();
                return new TupleExpr(fs, t.Loc) { Info = new TupleSInfo(new ValueArray<StructInfo>(fs.Select(f => f.Info ?? StructInfo.Object))) };
            }
            case TupleGetItem g:
            {
                var tup = Normalize(g.Tuple);
                var info = tup.Info is TupleSInfo ts && g.Index < ts.Fields.Length ? ts.Fields[g.Index] : StructInfo.Object;
                return new TupleGetItem(tup, g.Index, g.Loc) { Info = info };
            }
            case Constant k when k.Info is null:
                return new Constant(k.Data, k.Loc) { Info = new TensorSInfo(new ValueArray<SymExpr>(k.Data.Shape.Select(d => (SymExpr)d)), k.Data.DType) };
            case ShapeExpr s when s.Info is null: return new ShapeExpr(s.Values, s.Loc) { Info = new ShapeSInfo(new ValueArray<SymExpr>(s.Values)) };
            case PrimValue p when p.Info is null: return new PrimValue(p.DType, p.IntValue, p.FloatValue, p.Loc) { Info = new PrimSInfo(p.DType, p.IntValue) };
            case StringImm or DataTypeImm when e.Info is null: return e is StringImm si ? new StringImm(si.Value, si.Loc) { Info = StructInfo.Object } : new DataTypeImm(((DataTypeImm)e).Value, e.Loc) { Info = StructInfo.Object };
            default: return e;
        }
    }

    /// <summary>Finishes the function: closes an open block, returns <paramref name="result"/>, and adds it to the module.</summary>
    public Function EndFunction(Expr result, StructInfo? retInfo = null, bool isPure = true, bool isPrivate = false,
        IEnumerable<KeyValuePair<string, object>>? attrs = null)
    {
        var name = _funcName ?? throw new BridgeInternalError("EndFunction without BeginFunction");
        if (_cur is not null) EndBlock();
        var r = Normalize(result);
        var body = new SeqExpr([.. _blocks], r) { Info = r.Info };
        var all = (attrs ?? []).ToList();
        if (!isPrivate && !all.Any(a => a.Key == "global_symbol")) all.Add(new("global_symbol", name));
        var sigVars = new HashSet<SymVar>(_params.SelectMany(p => p.Info.SymVars()));
        var f0 = new Function(_params, body, retInfo ?? r.Info?.EraseToWellDefined(sigVars), isPure, [.. all]);
        var f = new Function(f0.Params, f0.Body, f0.RetInfo, f0.IsPure, f0.Attrs) { Info = f0.Signature };
        _entries.Add(new ModuleEntry(new GlobalVar(name) { Info = f.Info }, f));
        _funcName = null;
        _blocks.Clear();
        return f;
    }

    /// <summary>The module of every function built so far.</summary>
    public IRModule GetModule(string name = "Module") => new(name, [.. _entries]);
}

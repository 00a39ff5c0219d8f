using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;

namespace Bridge.Ir.Relax.Script;

public sealed partial class RelaxScriptReader
{
    private readonly Dictionary<string, StructInfo> _globalSigs = new(StringComparer.Ordinal);
    private List<KeyValuePair<string, object>>? _funcAttrs;

    /// <summary>Marker bound to the module alias (<c>cls = Module</c>).</summary>
    private sealed class ModuleAlias { public static readonly ModuleAlias Instance = new(); }

    private Function Function(PyDef def, bool topLevel)
    {
        _scopes.Push([]);
        try
        {
            foreach (var tp in def.TypeParams) Bind(tp, new SymVar(tp));
            var ps = ImmutableArray.CreateBuilder<Var>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, ann, loc) in def.Params)
            {
                if (!seen.Add(name)) throw Err(loc, RelaxScriptDiagnosticIds.UnexpectedToken, $"parameter '{name}' repeats");
                if (ann is null) throw Err(loc, RelaxScriptDiagnosticIds.BadAnnotation, $"parameter '{name}' needs a type annotation");
                var info = SInfo(ann, signature: true);
                var v = new Var(name, info, loc);
                ps.Add(v);
            }
            // Params are bound after all annotations: a prim-typed param named like a symbolic var is the var itself.
            foreach (var v in ps) if (Lookup(v.Name) is not SymVar) Bind(v.Name, v);
            var ret = def.Ret is null ? null : SInfo(def.Ret, signature: true);
            var isPure = !DecoratorKwFalse(def, "pure");
            var isPrivate = DecoratorKw(def, "private");
            var savedAttrs = _funcAttrs;
            _funcAttrs = [];
            var body = Body(def.Body, def.Loc, allowReturn: true);
            var attrs = _funcAttrs;
            _funcAttrs = savedAttrs;
            if (topLevel && !isPrivate && !attrs.Any(a => a.Key == "global_symbol")) attrs.Add(new("global_symbol", def.Name));
            // Without a return annotation the result's struct info is erased to what the signature defines (TVM does the same).
            var sigVars = new HashSet<SymVar>(ps.SelectMany(p => p.Info.SymVars()));
            var f = new Function(ps.ToImmutable(), body, ret ?? body.Info?.EraseToWellDefined(sigVars), isPure, [.. attrs], def.Loc);
            return new Function(f.Params, f.Body, f.RetInfo, f.IsPure, f.Attrs, f.Loc) { Info = f.Signature };
        }
        finally { _scopes.Pop(); }
    }

    private void PrepassSignatures(IEnumerable<PyStmt> body)
    {
        foreach (var s in body)
        {
            if (s is not PyDef d) continue;
            _scopes.Push([]);
            try
            {
                foreach (var tp in d.TypeParams) Bind(tp, new SymVar(tp));
                var ps = d.Params.Select(p => p.Ann is null ? StructInfo.Object : SInfo(p.Ann, signature: true)).ToList();
                var ret = d.Ret is null ? StructInfo.Object : SInfo(d.Ret, signature: true);
                _globalSigs[d.Name] = new FuncSInfo(new Core.Collections.ValueArray<StructInfo>(ps), ret, !DecoratorKwFalse(d, "pure"));
            }
            catch (BridgeException) { /* reported again when the function itself is read */ }
            finally { _scopes.Pop(); }
        }
    }

    /// <summary>Reads statements into a SeqExpr; the final <c>return</c> (or, in branches, the last statement) is the body.</summary>
    private SeqExpr Body(ImmutableArray<PyStmt> stmts, SourceLoc loc, bool allowReturn)
    {
        var blocks = ImmutableArray.CreateBuilder<BindingBlock>();
        var cur = ImmutableArray.CreateBuilder<Binding>();
        Expr? result = null;
        for (var i = 0; i < stmts.Length; i++)
        {
            var s = stmts[i];
            if (result is not null) throw Err(s.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "statement after return");
            switch (s)
            {
                case PyReturn r:
                    result = r.Value is null ? new TupleExpr([], r.Loc) { Info = StructInfo.Void } : Ex(r.Value);
                    break;
                case PyWith w when w.Item is PyCall wc && Dotted(wc.Func) == "R.dataflow":
                    if (cur.Count > 0) { blocks.Add(new BindingBlock(cur.ToImmutable())); cur.Clear(); }
                    blocks.Add(Dataflow(w));
                    break;
                case PyWith w:
                    throw Err(w.Loc, RelaxScriptDiagnosticIds.UnsupportedConstruct, "only 'with R.dataflow():' is supported");
                default:
                    Statement(s, cur, dataflowOutputs: null);
                    break;
            }
        }
        if (cur.Count > 0) blocks.Add(new BindingBlock(cur.ToImmutable()));
        if (result is null)
        {
            if (!allowReturn) throw Err(loc, RelaxScriptDiagnosticIds.UnexpectedToken, "branch has no result");
            throw Err(loc, RelaxScriptDiagnosticIds.UnexpectedToken, "function has no return statement");
        }
        return new SeqExpr(blocks.ToImmutable(), result, loc) { Info = result.Info };
    }

    private DataflowBlock Dataflow(PyWith w)
    {
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in w.Body)
            if (s is PyExprStmt { Value: PyCall c } && Dotted(c.Func) == "R.output")
                foreach (var a in c.Args)
                    outputs.Add(a is PyName n ? n.Id : throw Err(a.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "R.output takes variable names"));
        var b = ImmutableArray.CreateBuilder<Binding>();
        var dfScope = new Dictionary<string, object>();
        _scopes.Push(dfScope);
        foreach (var s in w.Body)
        {
            if (s is PyExprStmt { Value: PyCall c } && Dotted(c.Func) == "R.output") continue;
            if (s is PyIf) throw Err(s.Loc, RelaxScriptDiagnosticIds.UnsupportedConstruct, "if/else is not allowed inside R.dataflow()");
            Statement(s, b, outputs);
        }
        _scopes.Pop();
        // Outputs stay visible after the block; dataflow vars do not.
        foreach (var (k, v) in dfScope) if (v is Var and not DataflowVar) Bind(k, v);
        foreach (var o in outputs) if (!dfScope.ContainsKey(o)) throw Err(w.Loc, RelaxScriptDiagnosticIds.UndefinedName, $"R.output names '{o}', which the block does not bind");
        return new DataflowBlock(b.ToImmutable(), w.Loc);
    }

    private Var NewVar(string name, StructInfo? info, SourceLoc loc, HashSet<string>? dataflowOutputs) =>
        dataflowOutputs is not null && !dataflowOutputs.Contains(name) ? new DataflowVar(name, info, loc) : new Var(name, info, loc);

    private void Statement(PyStmt s, ImmutableArray<Binding>.Builder into, HashSet<string>? dataflowOutputs)
    {
        switch (s)
        {
            case PyPass: return;
            case PyAssign { Target: PyName n, Value: PyCall c } when c.Args.IsEmpty && c.Kwargs.IsEmpty && Dotted(c.Func) is "T.int64" or "T.int32" or "T.Var":
                if (Lookup(n.Id) is not SymVar) Bind(n.Id, new SymVar(n.Id));
                return;
            case PyAssign { Target: PyName n, Value: PyName m } when m.Id == _moduleName:
                Bind(n.Id, ModuleAlias.Instance);
                return;
            case PyExprStmt { Value: PyCall c } when Dotted(c.Func) == "R.func_attr":
                if (_funcAttrs is null) throw Err(s.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "R.func_attr outside a function");
                if (c.Args.Length != 1 || c.Args[0] is not PyDict d) throw Err(c.Loc, RelaxScriptDiagnosticIds.BadAttrValue, "R.func_attr expects one dict");
                foreach (var kv in FuncAttrMap(d)) _funcAttrs.Add(kv);
                return;
            case PyDef def:
            {
                var f = Function(def, topLevel: false);
                var v = NewVar(def.Name, f.Info, def.Loc, dataflowOutputs);
                into.Add(new VarBinding(v, f, def.Loc));
                Bind(def.Name, v);
                return;
            }
            case PyIf pif:
            {
                var cond = Ex(pif.Cond);
                var (thenSeq, thenName, thenAnn) = Branch(pif.Then, pif.Loc);
                var (elseSeq, elseName, _) = Branch(pif.Else, pif.Loc);
                if (thenName != elseName) throw Err(pif.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, $"if branches must end by assigning the same variable ('{thenName}' vs '{elseName}')");
                var info = thenAnn ?? (RelaxStructuralEqual.Infos(thenSeq.Info, elseSeq.Info) ? thenSeq.Info : StructInfo.Object);
                var ife = new If(cond, thenSeq, elseSeq, pif.Loc) { Info = info };
                var v = NewVar(thenName ?? "_", info, pif.Loc, dataflowOutputs);
                into.Add(new VarBinding(v, ife, pif.Loc));
                if (thenName is not null) Bind(thenName, v);
                return;
            }
            case PyExprStmt e:
            {
                var val = Ex(e.Value);
                into.Add(new VarBinding(NewVar("_", val.Info, e.Loc, null), val, e.Loc));
                return;
            }
            case PyAssign { Value: null, Target: var t }:
                throw Err(t.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "annotation without a value (free variables are only allowed in fragments)");
            case PyAssign a:
            {
                if (a.Target is not PyName tn) throw Err(a.Target.Loc, RelaxScriptDiagnosticIds.UnsupportedConstruct, "only simple names can be assigned");
                var ann = a.Annotation is null ? null : SInfo(a.Annotation, signature: false);
                if (a.Value is PyCall mc && Dotted(mc.Func) == "R.match_cast")
                {
                    if (mc.Args.Length != 2) throw Err(mc.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "R.match_cast expects a value and a struct info");
                    var val = Ex(mc.Args[0]);
                    var target = SInfo(mc.Args[1], signature: false, defineNew: true);
                    var v = NewVar(tn.Id, ann ?? target, a.Loc, dataflowOutputs);
                    into.Add(new MatchCast(v, val, target, a.Loc));
                    Bind(tn.Id, v);
                    return;
                }
                if (a.Value is PyCall ec && Dotted(ec.Func) == "R.ExternFunc")
                {
                    var ef = ExternFuncCall(ec);
                    var v0 = NewVar(tn.Id, ann ?? ef.Info, a.Loc, dataflowOutputs);
                    into.Add(new VarBinding(v0, ef, a.Loc));
                    Bind(tn.Id, v0);
                    return;
                }
                var value = Ex(a.Value!);
                var info2 = value.Info;
                if (ann is not null && info2 is not null && StructInfoExt.CheckAnnotation(ann, info2) == Tri.Disproven)
                    throw Err(a.Loc, RelaxScriptDiagnosticIds.AnnotationMismatch, $"annotation of '{tn.Id}' is incompatible with the inferred struct info of its value");
                var v2 = NewVar(tn.Id, ann ?? info2, a.Loc, dataflowOutputs);
                into.Add(new VarBinding(v2, value, a.Loc));
                Bind(tn.Id, v2);
                return;
            }
            case PyReturn r:
                throw Err(r.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "return is only allowed at the end of a function");
            default:
                throw Err(s.Loc, RelaxScriptDiagnosticIds.UnsupportedConstruct, "unsupported statement here");
        }
    }

    /// <summary>An if branch: all statements but the last are bindings; the last is <c>v: ann = value</c> or a void expression.</summary>
    private (SeqExpr Seq, string? Name, StructInfo? Ann) Branch(ImmutableArray<PyStmt> stmts, SourceLoc loc)
    {
        if (stmts.IsEmpty) throw Err(loc, RelaxScriptDiagnosticIds.UnexpectedToken, "empty if branch");
        _scopes.Push([]);
        try
        {
            var b = ImmutableArray.CreateBuilder<Binding>();
            for (var i = 0; i < stmts.Length - 1; i++) Statement(stmts[i], b, null);
            var last = stmts[^1];
            Expr result;
            string? name = null;
            StructInfo? ann = null;
            switch (last)
            {
                case PyAssign { Target: PyName n, Value: { } v } a:
                    name = n.Id;
                    ann = a.Annotation is null ? null : SInfo(a.Annotation, signature: false);
                    result = Ex(v);
                    break;
                case PyExprStmt e: result = Ex(e.Value); break;
                default: throw Err(last.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "an if branch must end with an assignment or an expression");
            }
            var blocks = b.Count > 0 ? ImmutableArray.Create<BindingBlock>(new BindingBlock(b.ToImmutable())) : [];
            return (new SeqExpr(blocks, result, loc) { Info = ann ?? result.Info }, name, ann);
        }
        finally { _scopes.Pop(); }
    }

    private List<KeyValuePair<string, object>> FuncAttrMap(PyDict d)
    {
        var l = new List<KeyValuePair<string, object>>();
        foreach (var (k, v) in d.Items)
        {
            if (k is not PyStr ks) throw Err(k.Loc, RelaxScriptDiagnosticIds.BadAttrValue, "function attribute keys must be strings");
            l.Add(new(ks.Value, AttrValue(v)));
        }
        return l;
    }

    private object AttrValue(PyExpr v) => v switch
    {
        PyInt i => i.Value,
        PyNeg { A: PyInt i } => -i.Value,
        PyFloat f => f.Value,
        PyNeg { A: PyFloat f } => -f.Value,
        PyStr s => s.Value,
        PyConst { Id: "True" } => true,
        PyConst { Id: "False" } => false,
        PyList l => l.Items.Select(AttrValue).ToImmutableArray(),
        PyTuple t => t.Items.Select(AttrValue).ToImmutableArray(),
        PyDict d => FuncAttrMap(d).OrderBy(k => k.Key, StringComparer.Ordinal).ToImmutableArray(),
        _ => throw Err(v.Loc, RelaxScriptDiagnosticIds.BadAttrValue, "unsupported function attribute value"),
    };

    // ---------------------------------------------------------------- fragments

    private RelaxFragment Fragment(ImmutableArray<PyStmt> stmts)
    {
        _scopes.Push([]);
        var free = ImmutableArray.CreateBuilder<Var>();
        var blocks = ImmutableArray.CreateBuilder<BindingBlock>();
        var cur = ImmutableArray.CreateBuilder<Binding>();
        Expr? result = null;
        foreach (var s in stmts)
        {
            if (result is not null) throw Err(s.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "statement after the fragment's result expression");
            switch (s)
            {
                case PyAssign { Value: null, Target: PyName n, Annotation: { } ann }:
                    var v = new Var(n.Id, SInfo(ann, signature: true), n.Loc);
                    free.Add(v);
                    Bind(n.Id, v);
                    break;
                case PyWith w when w.Item is PyCall wc && Dotted(wc.Func) == "R.dataflow":
                    if (cur.Count > 0) { blocks.Add(new BindingBlock(cur.ToImmutable())); cur.Clear(); }
                    blocks.Add(Dataflow(w));
                    break;
                case PyExprStmt e when s == stmts[^1] && (blocks.Count > 0 || cur.Count > 0 || e.Value is not PyCall || IsResultExpr(e.Value)):
                    result = Ex(e.Value);
                    break;
                default:
                    Statement(s, cur, null);
                    break;
            }
        }
        if (cur.Count > 0) blocks.Add(new BindingBlock(cur.ToImmutable()));
        _scopes.Pop();
        return new RelaxFragment(free.ToImmutable(), blocks.ToImmutable(), result);
    }

    private static bool IsResultExpr(PyExpr e) => e is PyCall c && Dotted(c.Func) is not ("R.print" or "R.assert_op");
}

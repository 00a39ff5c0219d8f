using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relay;

namespace Bridge.Ir.Relay;

/// <summary>
/// Type inference for Relay modules and expressions: Hindley–Milner-lite unification over <see cref="IncompleteType"/>
/// metavariables, instantiation of generic globals and constructors, and op type relations solved to a fixed point
/// (relations whose inputs are not yet known are deferred, as TVM's solver does). Sets <see cref="Expr.CheckedType"/>.
/// </summary>
public sealed class RelayTypeInference
{
    private readonly Dictionary<IncompleteType, RelayType> _subst = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Expr, RelayType> _types = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<GlobalVar, RelayType> _globals = new(ReferenceEqualityComparer.Instance);
    private readonly List<(Call Call, OpDef Op, RelayType Out)> _pending = [];
    private readonly List<(TupleGetItem Node, RelayType Out)> _pendingProj = [];
    private readonly IRModule? _mod;

    private RelayTypeInference(IRModule? mod) => _mod = mod;

    /// <summary>Infers every function of <paramref name="module"/>; throws a BridgeException on a type error.</summary>
    public static void InferModule(IRModule module)
    {
        var ti = new RelayTypeInference(module);
        foreach (var (gv, f) in module.Functions) ti._globals[gv] = ti.SignatureOf(f);
        foreach (var (gv, f) in module.Functions)
        {
            var t = ti.Infer(f);
            ti.Unify(ti.Fresh(ti._globals[gv]), t, f.Loc, generic: f.TypeParams.Length > 0);
        }
        ti.Solve(final: true);
        foreach (var (_, f) in module.Functions) ti.Commit(f);
    }

    /// <summary>Infers an expression (optionally in the context of a module) and returns its type.</summary>
    public static RelayType InferExpr(Expr e, IRModule? module = null)
    {
        var ti = new RelayTypeInference(module);
        if (module is not null) foreach (var (gv, f) in module.Functions) ti._globals[gv] = f.CheckedType ?? ti.SignatureOf(f);
        var t = ti.Infer(e);
        ti.Solve(final: true);
        ti.Commit(e);
        return ti.Resolve(t);
    }

    private RelayType SignatureOf(Function f) =>
        new FuncType([.. f.Params.Select(p => p.TypeAnnotation ?? new IncompleteType())], f.RetType ?? new IncompleteType(), f.TypeParams);

    // A generic signature is used as is inside its own body (rigid type vars), instantiated elsewhere.
    private RelayType Fresh(RelayType t) => t;

    private RelayType Instantiate(RelayType t)
    {
        if (Resolve(t) is not FuncType { TypeParams.Length: > 0 } ft) return t;
        var map = new Dictionary<TypeVar, RelayType>(ReferenceEqualityComparer.Instance);
        foreach (var p in ft.TypeParams) map[p] = new IncompleteType();
        return new FuncType([.. ft.ArgTypes.Select(a => Subst(a, map))], Subst(ft.RetType, map), []);
    }

    private RelayType Subst(RelayType t, IReadOnlyDictionary<TypeVar, RelayType> map)
    {
        t = Resolve(t);
        return t switch
        {
            TypeVar v => map.TryGetValue(v, out var r) ? r : v,
            TupleType tt => new TupleType([.. tt.Fields.Select(f => Subst(f, map))]),
            FuncType f => new FuncType([.. f.ArgTypes.Select(a => Subst(a, map))], Subst(f.RetType, map), f.TypeParams),
            TypeCall c => new TypeCall(c.Func, [.. c.Args.Select(a => Subst(a, map))]),
            RelayRefType r => new RelayRefType(Subst(r.ValueType, map)),
            _ => t,
        };
    }

    public RelayType Resolve(RelayType t)
    {
        while (t is IncompleteType i && _subst.TryGetValue(i, out var r)) t = r;
        return t;
    }

    private RelayType DeepResolve(RelayType t)
    {
        t = Resolve(t);
        return t switch
        {
            TupleType tt => new TupleType([.. tt.Fields.Select(DeepResolve)]),
            FuncType f => new FuncType([.. f.ArgTypes.Select(DeepResolve)], DeepResolve(f.RetType), f.TypeParams),
            TypeCall c => new TypeCall(c.Func, [.. c.Args.Select(DeepResolve)]),
            RelayRefType r => new RelayRefType(DeepResolve(r.ValueType)),
            _ => t,
        };
    }

    private bool IsKnown(RelayType t)
    {
        t = Resolve(t);
        return t switch
        {
            IncompleteType => false,
            TupleType tt => tt.Fields.All(IsKnown),
            _ => true,
        };
    }

    private BridgeException Mismatch(RelayType a, RelayType b, SourceLoc loc) =>
        new(RelayTypeDiagnosticIds.Mismatch, loc, $"type mismatch: {DeepResolve(a)} vs {DeepResolve(b)}");

    private void Unify(RelayType a, RelayType b, SourceLoc loc, bool generic = false)
    {
        a = Resolve(a); b = Resolve(b);
        if (ReferenceEquals(a, b)) return;
        if (a is IncompleteType ia) { _subst[ia] = b; return; }
        if (b is IncompleteType ib) { _subst[ib] = a; return; }
        switch (a, b)
        {
            case (TensorType ta, TensorType tb):
                if (ta.DType != tb.DType || ta.Rank != tb.Rank) throw Mismatch(a, b, loc);
                for (var i = 0; i < ta.Rank; i++)
                    if (ta.Shape[i].IsConst(out var x) && tb.Shape[i].IsConst(out var y) && x != y) throw Mismatch(a, b, loc);
                return;
            case (TupleType ta, TupleType tb):
                if (ta.Fields.Length != tb.Fields.Length) throw Mismatch(a, b, loc);
                for (var i = 0; i < ta.Fields.Length; i++) Unify(ta.Fields[i], tb.Fields[i], loc);
                return;
            case (FuncType fa, FuncType fb):
                if (fa.ArgTypes.Length != fb.ArgTypes.Length) throw Mismatch(a, b, loc);
                if (fa.TypeParams.Length != fb.TypeParams.Length)
                {
                    // Passing a generic function where a monomorphic one is expected: instantiate it.
                    if (fa.TypeParams.Length > 0) { Unify(Instantiate(fa), fb, loc); return; }
                    if (fb.TypeParams.Length > 0) { Unify(fa, Instantiate(fb), loc); return; }
                }
                var map = new Dictionary<TypeVar, RelayType>(ReferenceEqualityComparer.Instance);
                for (var i = 0; i < fa.TypeParams.Length; i++) map[fb.TypeParams[i]] = fa.TypeParams[i];
                for (var i = 0; i < fa.ArgTypes.Length; i++) Unify(fa.ArgTypes[i], map.Count > 0 ? Subst(fb.ArgTypes[i], map) : fb.ArgTypes[i], loc);
                Unify(fa.RetType, map.Count > 0 ? Subst(fb.RetType, map) : fb.RetType, loc);
                return;
            case (TypeCall ca, TypeCall cb):
                if (!SameType(ca.Func, cb.Func) || ca.Args.Length != cb.Args.Length) throw Mismatch(a, b, loc);
                for (var i = 0; i < ca.Args.Length; i++) Unify(ca.Args[i], cb.Args[i], loc);
                return;
            case (RelayRefType ra, RelayRefType rb): Unify(ra.ValueType, rb.ValueType, loc); return;
            case (GlobalTypeVar ga, GlobalTypeVar gb) when ga.Name == gb.Name: return;
            case (TypeVar va, TypeVar vb) when va.Name == vb.Name && generic: return;
            default: throw Mismatch(a, b, loc);
        }
    }

    private static bool SameType(RelayType a, RelayType b) =>
        ReferenceEquals(a, b) || a is GlobalTypeVar ga && b is GlobalTypeVar gb && ga.Name == gb.Name;

    /// <summary>
    /// The type of a use of <paramref name="e"/>. Globals and constructors are shared nodes, so a generic one is
    /// instantiated afresh at every use instead of once per node.
    /// </summary>
    private RelayType Use(Expr e) => e switch
    {
        GlobalVar g => Instantiate(GlobalType(g)),
        Constructor c => Instantiate(CtorType(c)),
        _ => _types[e],
    };

    // Ops whose result is their (first) argument: typed by unification, so types also flow backwards (on_device of a let).
    private static readonly HashSet<string> s_identityOps = ["on_device", "device_copy", "annotation.stop_fusion", "annotation.checkpoint", "copy"];

    private RelayType TypeOfVar(Var v)
    {
        if (!_types.TryGetValue(v, out var t)) _types[v] = t = v.TypeAnnotation ?? new IncompleteType();
        return t;
    }

    private RelayType CtorType(Constructor c)
    {
        var td = _mod?.FindType(c.BelongsTo);
        var tps = td?.TypeParams ?? [];
        return new FuncType(c.Inputs, new TypeCall(c.BelongsTo, [.. tps.Cast<RelayType>()]), tps);
    }

    private static readonly TensorType s_bool = TensorType.Scalar(DataType.Bool);

    private RelayType Infer(Expr root)
    {
        foreach (var e in RelayVisit.PostOrder(root))
        {
            if (_types.ContainsKey(e) && e is not Var) continue;
            _types[e] = e switch
            {
                Var v => TypeOfVar(v),
                Constant { IsUnresolvedMeta: true } k => UnresolvedMeta(k),
                Constant k => k.Type,
                GlobalVar g => Instantiate(GlobalType(g)),
                Constructor c => Instantiate(CtorType(c)),
                OpRef o => new IncompleteType(), // ops are typed at their call
                Call c => InferCall(c),
                Tuple t => new TupleType([.. t.Fields.Select(f => Use(f))]),
                TupleGetItem g => InferProj(g),
                Let l => InferLet(l),
                If i => InferIf(i),
                Function f => InferFunction(f),
                Match m => InferMatch(m),
                RefCreate r => new RelayRefType(Use(r.Value)),
                RefRead r => InferRefRead(r),
                RefWrite r => InferRefWrite(r),
                _ => throw new BridgeInternalError($"type inference: unhandled {e.GetType().Name}"),
            };
        }
        return Use(root);
    }

    private readonly List<(Constant Node, RelayType Type)> _metaPlaceholders = [];

    private RelayType UnresolvedMeta(Constant k)
    {
        var t = new IncompleteType();
        _metaPlaceholders.Add((k, t));
        return t;
    }

    // A global the module does not define (a PrimFunc of a lowered module, an extern) gets its type from context.
    private RelayType GlobalType(GlobalVar g)
    {
        if (!_globals.TryGetValue(g, out var t)) _globals[g] = t = new IncompleteType();
        return t;
    }

    private RelayType InferLet(Let l)
    {
        Unify(TypeOfVar(l.Var), Use(l.Value), l.Loc);
        return Use(l.Body);
    }

    private RelayType InferIf(If i)
    {
        Unify(Use(i.Cond), s_bool, i.Cond.Loc);
        Unify(Use(i.Then), Use(i.Else), i.Loc);
        return Use(i.Then);
    }

    private RelayType InferFunction(Function f)
    {
        var ret = Use(f.Body);
        if (f.RetType is { } rt) Unify(rt, ret, f.Loc, generic: true);
        return new FuncType([.. f.Params.Select(TypeOfVar)], f.RetType ?? ret, f.TypeParams);
    }

    private RelayType InferMatch(Match m)
    {
        var dt = Use(m.Data);
        RelayType? result = null;
        foreach (var c in m.Clauses)
        {
            UnifyPattern(c.Lhs, dt, m.Loc);
            var rt = Use(c.Rhs);
            if (result is null) result = rt; else Unify(result, rt, c.Rhs.Loc);
        }
        return result ?? new IncompleteType();
    }

    private void UnifyPattern(Pattern p, RelayType t, SourceLoc loc)
    {
        switch (p)
        {
            case PatternVar v: Unify(TypeOfVar(v.Var), t, loc); break;
            case PatternTuple pt:
                {
                    var fields = pt.Patterns.Select(_ => (RelayType)new IncompleteType()).ToImmutableArray();
                    Unify(new TupleType(fields), t, loc);
                    for (var i = 0; i < fields.Length; i++) UnifyPattern(pt.Patterns[i], fields[i], loc);
                    break;
                }
            case PatternConstructor pc:
                {
                    var ft = (FuncType)Instantiate(CtorType(pc.Constructor));
                    Unify(ft.RetType, t, loc);
                    for (var i = 0; i < pc.Patterns.Length && i < ft.ArgTypes.Length; i++) UnifyPattern(pc.Patterns[i], ft.ArgTypes[i], loc);
                    break;
                }
        }
    }

    private RelayType InferRefRead(RefRead r)
    {
        var inner = new IncompleteType();
        Unify(Use(r.Ref), new RelayRefType(inner), r.Loc);
        return inner;
    }

    private RelayType InferRefWrite(RefWrite r)
    {
        Unify(Use(r.Ref), new RelayRefType(Use(r.Value)), r.Loc);
        return TupleType.Unit;
    }

    private RelayType InferProj(TupleGetItem g)
    {
        var t = Resolve(Use(g.TupleValue));
        if (t is TupleType tt)
        {
            if (g.Index < 0 || g.Index >= tt.Fields.Length)
                throw new BridgeException(RelayTypeDiagnosticIds.Mismatch, g.Loc, $"tuple index {g.Index} out of range for {DeepResolve(tt)}");
            return tt.Fields[g.Index];
        }
        var o = new IncompleteType();
        _pendingProj.Add((g, o));
        return o;
    }

    private RelayType InferCall(Call c)
    {
        if (c.Callee is OpRef { Name: "call_lowered" } && c.Args.Length == 2)
        {
            // call_lowered(f, (args...)): f : fn(args...) -> out.
            var outT = new IncompleteType();
            var argT = Resolve(Use(c.Args[1]));
            if (argT is TupleType tt) Unify(Use(c.Args[0]), new FuncType(tt.Fields, outT, []), c.Loc);
            else throw new BridgeException(RelayTypeDiagnosticIds.Mismatch, c.Loc, "call_lowered expects a tuple of arguments");
            return outT;
        }
        if (c.Callee is OpRef { Name: var idName } && s_identityOps.Contains(idName) && c.Args.Length == 1)
            return Use(c.Args[0]);
        if (c.Callee is OpRef op)
        {
            var o = new IncompleteType();
            if (!TrySolveOne(c, op.Op, o, final: false)) _pending.Add((c, op.Op, o));
            return o;
        }
        var ft = Resolve(Use(c.Callee));
        if (ft is FuncType { TypeParams.Length: > 0 }) ft = Instantiate(ft);
        if (ft is IncompleteType)
        {
            var nf = new FuncType([.. c.Args.Select(_ => (RelayType)new IncompleteType())], new IncompleteType(), []);
            Unify(ft, nf, c.Loc);
            ft = nf;
        }
        if (ft is not FuncType f)
            throw new BridgeException(RelayTypeDiagnosticIds.NotCallable, c.Loc, $"cannot call a value of type {DeepResolve(ft)}");
        if (f.ArgTypes.Length != c.Args.Length)
            throw new BridgeException(RelayTypeDiagnosticIds.Mismatch, c.Loc, $"function expects {f.ArgTypes.Length} arguments but {c.Args.Length} were given");
        for (var i = 0; i < c.Args.Length; i++) Unify(f.ArgTypes[i], Use(c.Args[i]), c.Args[i].Loc);
        return f.RetType;
    }

    private bool TrySolveOne(Call c, OpDef op, RelayType outType, bool final)
    {
        var args = c.Args.Select(a => DeepResolve(Use(a))).ToList();
        if (!args.All(IsKnown))
        {
            if (!final) return false;
            throw new BridgeException(RelayTypeDiagnosticIds.Unresolved, c.Loc, $"cannot infer the argument types of {op.Name}");
        }
        var rel = op.Get(RelayOpFacets.InferType)
            ?? throw new BridgeException(RelayTypeDiagnosticIds.NoRelation, c.Loc, $"operator {op.Name} has no type relation in Bridge yet");
        var attrs = c.Attrs;
        var ctx = new RelationContext(op.Name, c.Loc);
        RelayType result;
        try { result = rel(args, attrs, ctx); }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidCastException or IndexOutOfRangeException
                                       or KeyNotFoundException or OverflowException or InvalidOperationException or DivideByZeroException)
        {
            // Attribute values a relation cannot use (a bad dtype string, a wrong attrs record) are input errors.
            throw ctx.Fail(ex.Message);
        }
        Unify(outType, result, c.Loc);
        return true;
    }

    private void Solve(bool final)
    {
        var progress = true;
        while (progress && (_pending.Count > 0 || _pendingProj.Count > 0))
        {
            progress = false;
            for (var i = _pending.Count - 1; i >= 0; i--)
            {
                var (c, op, o) = _pending[i];
                if (TrySolveOne(c, op, o, false)) { _pending.RemoveAt(i); progress = true; }
            }
            for (var i = _pendingProj.Count - 1; i >= 0; i--)
            {
                var (g, o) = _pendingProj[i];
                if (Resolve(Use(g.TupleValue)) is TupleType tt && g.Index < tt.Fields.Length)
                {
                    Unify(o, tt.Fields[g.Index], g.Loc);
                    _pendingProj.RemoveAt(i);
                    progress = true;
                }
            }
        }
        if (final)
            foreach (var (k, t) in _metaPlaceholders)
                if (DeepResolve(t) is not TensorType)
                    throw new BridgeException(RelayTypeDiagnosticIds.Unresolved, k.Loc,
                        $"meta[relay.Constant][{k.MetaIndex}] has no entry in a metadata table and its type cannot be inferred from context; supply the meta table (--meta)");
        if (final && _pending.Count > 0) TrySolveOne(_pending[0].Call, _pending[0].Op, _pending[0].Out, true);
        if (final && _pendingProj.Count > 0)
            throw new BridgeException(RelayTypeDiagnosticIds.Unresolved, _pendingProj[0].Node.Loc, "cannot infer the tuple type of a projection");
    }

    private void Commit(Expr root)
    {
        foreach (var e in RelayVisit.PostOrder(root))
            if (_types.TryGetValue(e, out var t) && e is not OpRef) e.CheckedType = DeepResolve(t);
    }
}

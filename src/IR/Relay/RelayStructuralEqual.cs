using Bridge.Ir.Ops;

namespace Bridge.Ir.Relay;

/// <summary>
/// Structural equality of Relay expressions, types and modules, alpha-equivalent for local vars and type vars (TVM's
/// assert_structural_equal). Uses an explicit work list, so deep programs do not overflow the stack. Any dims (<c>?</c>)
/// compare equal to Any.
/// </summary>
public sealed class RelayStructuralEqual
{
    private readonly Dictionary<object, object> _map = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<(Expr, Expr)> _done = [];

    public static bool Equal(Expr a, Expr b) => new RelayStructuralEqual().Run(a, b);
    public static bool Equal(RelayType a, RelayType b) => new RelayStructuralEqual().TypeEq(a, b);

    public static bool Equal(IRModule a, IRModule b)
    {
        if (a.Functions.Count != b.Functions.Count || a.TypeDefinitions.Count != b.TypeDefinitions.Count) return false;
        var eq = new RelayStructuralEqual();
        foreach (var ta in a.TypeDefinitions)
        {
            var tb = b.FindType(ta.Header.Name);
            if (tb is null || ta.Constructors.Length != tb.Constructors.Length || ta.TypeParams.Length != tb.TypeParams.Length) return false;
            eq._map[ta.Header] = tb.Header;
            for (var i = 0; i < ta.TypeParams.Length; i++) eq._map[ta.TypeParams[i]] = tb.TypeParams[i];
            for (var i = 0; i < ta.Constructors.Length; i++)
            {
                if (ta.Constructors[i].Name != tb.Constructors[i].Name) return false;
                eq._map[ta.Constructors[i]] = tb.Constructors[i];
            }
        }
        foreach (var (gv, _) in a.Functions)
        {
            var gb = b.FindGlobal(gv.Name);
            if (gb is null) return false;
            eq._map[gv] = gb;
        }
        foreach (var ta in a.TypeDefinitions)
        {
            var tb = b.FindType(ta.Header.Name)!;
            for (var i = 0; i < ta.Constructors.Length; i++)
            {
                var ca = ta.Constructors[i]; var cb = tb.Constructors[i];
                if (ca.Inputs.Length != cb.Inputs.Length) return false;
                for (var k = 0; k < ca.Inputs.Length; k++) if (!eq.TypeEq(ca.Inputs[k], cb.Inputs[k])) return false;
            }
        }
        foreach (var (gv, f) in a.Functions)
            if (!eq.Run(f, b.Lookup(gv.Name)!)) return false;
        return true;
    }

    private bool Bind(object a, object b)
    {
        if (_map.TryGetValue(a, out var m)) return ReferenceEquals(m, b);
        _map[a] = b;
        return true;
    }

    private bool Run(Expr a0, Expr b0)
    {
        var work = new Stack<(Expr, Expr)>();
        work.Push((a0, b0));
        while (work.Count > 0)
        {
            var (a, b) = work.Pop();
            if (ReferenceEquals(a, b)) continue;
            if (a.GetType() != b.GetType()) return false;
            if (!_done.Add((a, b))) continue;
            switch (a, b)
            {
                case (Var va, Var vb):
                    if (!Bind(va, vb)) return false;
                    if (!OptTypeEq(va.TypeAnnotation, vb.TypeAnnotation)) return false;
                    break;
                case (GlobalVar ga, GlobalVar gb):
                    if (_map.TryGetValue(ga, out var gm) ? !ReferenceEquals(gm, gb) : ga.Name != gb.Name) return false;
                    break;
                case (OpRef oa, OpRef ob): if (!ReferenceEquals(oa.Op, ob.Op)) return false; break;
                case (Constructor ca, Constructor cb):
                    if (_map.TryGetValue(ca, out var cm) ? !ReferenceEquals(cm, cb) : ca.Name != cb.Name) return false;
                    break;
                case (Constant ka, Constant kb) when ka.IsUnresolvedMeta || kb.IsUnresolvedMeta:
                    if (ka.IsUnresolvedMeta != kb.IsUnresolvedMeta || ka.MetaIndex != kb.MetaIndex) return false;
                    break;
                case (Constant ka, Constant kb):
                    if (!TypeEq(ka.Type, kb.Type)) return false;
                    if (ka.Value is null != kb.Value is null) return false;
                    if (ka.Value is not null && !ka.Value.Bytes.SequenceEqual(kb.Value!.Bytes)) return false;
                    break;
                case (Call xa, Call xb):
                    if (xa.Args.Length != xb.Args.Length || !AttrsEq(xa.Attrs, xb.Attrs) || xa.TypeArgs.Length != xb.TypeArgs.Length) return false;
                    for (var i = xa.Args.Length - 1; i >= 0; i--) work.Push((xa.Args[i], xb.Args[i]));
                    work.Push((xa.Callee, xb.Callee));
                    break;
                case (Tuple ta, Tuple tb):
                    if (ta.Fields.Length != tb.Fields.Length) return false;
                    for (var i = ta.Fields.Length - 1; i >= 0; i--) work.Push((ta.Fields[i], tb.Fields[i]));
                    break;
                case (TupleGetItem ia, TupleGetItem ib):
                    if (ia.Index != ib.Index) return false;
                    work.Push((ia.TupleValue, ib.TupleValue));
                    break;
                case (Let la, Let lb):
                    if (!Bind(la.Var, lb.Var) || !OptTypeEq(la.Var.TypeAnnotation, lb.Var.TypeAnnotation)) return false;
                    work.Push((la.Body, lb.Body));
                    work.Push((la.Value, lb.Value));
                    break;
                case (If fa, If fb):
                    work.Push((fa.Else, fb.Else)); work.Push((fa.Then, fb.Then)); work.Push((fa.Cond, fb.Cond));
                    break;
                case (Function fa, Function fb):
                    if (fa.Params.Length != fb.Params.Length || fa.TypeParams.Length != fb.TypeParams.Length || !AttrsEq(fa.Attrs, fb.Attrs)) return false;
                    for (var i = 0; i < fa.TypeParams.Length; i++) if (!Bind(fa.TypeParams[i], fb.TypeParams[i])) return false;
                    for (var i = 0; i < fa.Params.Length; i++)
                        if (!Bind(fa.Params[i], fb.Params[i]) || !OptTypeEq(fa.Params[i].TypeAnnotation, fb.Params[i].TypeAnnotation)) return false;
                    if (!OptTypeEq(fa.RetType, fb.RetType)) return false;
                    work.Push((fa.Body, fb.Body));
                    break;
                case (Match ma, Match mb):
                    if (ma.Complete != mb.Complete || ma.Clauses.Length != mb.Clauses.Length) return false;
                    for (var i = 0; i < ma.Clauses.Length; i++)
                    {
                        if (!PatEq(ma.Clauses[i].Lhs, mb.Clauses[i].Lhs)) return false;
                        work.Push((ma.Clauses[i].Rhs, mb.Clauses[i].Rhs));
                    }
                    work.Push((ma.Data, mb.Data));
                    break;
                case (RefCreate ra, RefCreate rb): work.Push((ra.Value, rb.Value)); break;
                case (RefRead ra, RefRead rb): work.Push((ra.Ref, rb.Ref)); break;
                case (RefWrite ra, RefWrite rb): work.Push((ra.Value, rb.Value)); work.Push((ra.Ref, rb.Ref)); break;
                default: return false;
            }
        }
        return true;
    }

    private bool PatEq(Pattern a, Pattern b) => (a, b) switch
    {
        (PatternWildcard, PatternWildcard) => true,
        (PatternVar va, PatternVar vb) => Bind(va.Var, vb.Var) && OptTypeEq(va.Var.TypeAnnotation, vb.Var.TypeAnnotation),
        (PatternConstructor ca, PatternConstructor cb) => ca.Constructor.Name == cb.Constructor.Name && ca.Patterns.Length == cb.Patterns.Length
            && ca.Patterns.Zip(cb.Patterns).All(p => PatEq(p.First, p.Second)),
        (PatternTuple ta, PatternTuple tb) => ta.Patterns.Length == tb.Patterns.Length && ta.Patterns.Zip(tb.Patterns).All(p => PatEq(p.First, p.Second)),
        _ => false,
    };

    private static bool AttrsEq(Attrs a, Attrs b)
    {
        if (a.GetType() != b.GetType()) return false;
        if (a is DictAttrs || a is NoAttrs) return a.Equals(b);
        foreach (var f in a.Schema.Fields)
            if (!ValueEq(f.Property.GetValue(a), f.Property.GetValue(b))) return false;
        return true;
    }

    private static bool ValueEq(object? a, object? b) => (a, b) switch
    {
        (Constant ca, Constant cb) => Equal(ca, cb),
        (Expr ea, Expr eb) => Equal(ea, eb),
        _ => Equals(a, b),
    };

    private bool OptTypeEq(RelayType? a, RelayType? b) => a is null ? b is null : b is not null && TypeEq(a, b);

    private bool TypeEq(RelayType a, RelayType b)
    {
        if (ReferenceEquals(a, b)) return true;
        switch (a, b)
        {
            case (TensorType ta, TensorType tb):
                if (ta.DType != tb.DType || ta.Rank != tb.Rank) return false;
                for (var i = 0; i < ta.Rank; i++) if (!DimEq(ta.Shape[i], tb.Shape[i])) return false;
                return true;
            case (TupleType ta, TupleType tb):
                return ta.Fields.Length == tb.Fields.Length && ta.Fields.Zip(tb.Fields).All(p => TypeEq(p.First, p.Second));
            case (FuncType fa, FuncType fb):
                if (fa.ArgTypes.Length != fb.ArgTypes.Length || fa.TypeParams.Length != fb.TypeParams.Length) return false;
                for (var i = 0; i < fa.TypeParams.Length; i++) if (!Bind(fa.TypeParams[i], fb.TypeParams[i])) return false;
                return fa.ArgTypes.Zip(fb.ArgTypes).All(p => TypeEq(p.First, p.Second)) && TypeEq(fa.RetType, fb.RetType);
            case (TypeVar va, TypeVar vb): return Bind(va, vb);
            case (GlobalTypeVar ga, GlobalTypeVar gb): return _map.TryGetValue(ga, out var m) ? ReferenceEquals(m, gb) : ga.Name == gb.Name;
            case (TypeCall ca, TypeCall cb):
                return ca.Args.Length == cb.Args.Length && TypeEq(ca.Func, cb.Func) && ca.Args.Zip(cb.Args).All(p => TypeEq(p.First, p.Second));
            case (IncompleteType, IncompleteType): return true;
            case (RelayRefType ra, RelayRefType rb): return TypeEq(ra.ValueType, rb.ValueType);
            default: return false;
        }
    }

    private bool DimEq(SymExpr a, SymExpr b)
    {
        if (a is SymVar { IsAny: true } && b is SymVar { IsAny: true }) return true;
        if (a.IsConst(out var x) && b.IsConst(out var y)) return x == y;
        if (a is SymVar va && b is SymVar vb) return Bind(va, vb);
        return a.Equals(b);
    }
}

using Bridge.Ir.Ops;

namespace Bridge.Ir.Relax;

/// <summary>
/// Structural equality of Relax IR up to alpha-equivalence (TVM's <c>assert_structural_equal</c>): Relax vars map where they
/// are defined (params, bindings), symbolic vars map positionally where they are defined (function params' struct info,
/// match_cast targets, fragment free vars); every other occurrence must use the mapped partner.
/// </summary>
public sealed class RelaxStructuralEqual
{
    private readonly Dictionary<Var, Var> _vars = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SymVar, SymVar> _sym = new(ReferenceEqualityComparer.Instance);

    /// <summary>Module equality: same entry names (order-insensitive, as TVM's function map), structurally equal definitions.</summary>
    public static bool Modules(IRModule a, IRModule b)
    {
        if (a.Entries.Length != b.Entries.Length) return false;
        var c = new RelaxStructuralEqual();
        var ea = a.Entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToArray();
        var eb = b.Entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToArray();
        for (var i = 0; i < ea.Length; i++)
        {
            var (x, y) = (ea[i], eb[i]);
            if (x.Name != y.Name) return false;
            var ok = (x.Value, y.Value) switch
            {
                (Function f, Function g) => c.Expr(f, g),
                (ExternFunc f, ExternFunc g) => c.Expr(f, g),
                (PrimFuncText f, PrimFuncText g) => Normalize(f.Text) == Normalize(g.Text),
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    private static string Normalize(string t) => string.Join("\n", t.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    public static bool Exprs(Expr a, Expr b) => new RelaxStructuralEqual().Expr(a, b);

    public static bool Infos(StructInfo? a, StructInfo? b) => new RelaxStructuralEqual().Info(a, b, define: true);

    private bool Define(Var a, Var b)
    {
        if (a.GetType() != b.GetType()) return false;
        if (!Info(a.Info, b.Info, define: true)) return false;
        _vars[a] = b;
        return true;
    }

    private bool Sym(SymExpr a, SymExpr b, bool define)
    {
        if (define && a is SymVar va && b is SymVar vb && !_sym.ContainsKey(va)) { _sym[va] = vb; return true; }
        var mapped = a.Substitute(v => _sym.TryGetValue(v, out var w) ? w : null);
        return mapped.Equals(b);
    }

    public bool Info(StructInfo? a, StructInfo? b, bool define)
    {
        if (a is null || b is null) return a is null && b is null;
        switch (a, b)
        {
            case (ObjectSInfo, ObjectSInfo): return true;
            case (PrimSInfo x, PrimSInfo y):
                return x.DType == y.DType && (x.Value is null ? y.Value is null : y.Value is not null && Sym(x.Value, y.Value, define));
            case (ShapeSInfo x, ShapeSInfo y):
                if (x.NDim != y.NDim || x.Values.HasValue != y.Values.HasValue) return false;
                return x.Values is not { } xv || xv.Zip(y.Values!.Value).All(p => Sym(p.First, p.Second, define));
            case (TensorSInfo x, TensorSInfo y):
                if (x.NDim != y.NDim || x.DType != y.DType || x.VDevice != y.VDevice || x.Shape.HasValue != y.Shape.HasValue) return false;
                return x.Shape is not { } xs || xs.Zip(y.Shape!.Value).All(p => Sym(p.First, p.Second, define));
            case (TupleSInfo x, TupleSInfo y):
                return x.Fields.Length == y.Fields.Length && x.Fields.Zip(y.Fields).All(p => Info(p.First, p.Second, define));
            case (FuncSInfo x, FuncSInfo y):
                if (x.Purity != y.Purity || x.IsPackedFunc != y.IsPackedFunc || x.Params.HasValue != y.Params.HasValue) return false;
                if (x.Params is { } xp && !(xp.Length == y.Params!.Value.Length && xp.Zip(y.Params.Value).All(p => Info(p.First, p.Second, define)))) return false;
                return Info(x.Ret, y.Ret, define);
            default: return false;
        }
    }

    public bool Expr(Expr a, Expr b)
    {
        Bridge.Core.Limits.StackGuard.Check(a.Loc); // deep input: a located diagnostic, not a crash
        switch (a, b)
        {
            case (Var x, Var y): return _vars.TryGetValue(x, out var m) ? ReferenceEquals(m, y) : false;
            case (GlobalVar x, GlobalVar y): return x.Name == y.Name;
            case (OpRef x, OpRef y): return ReferenceEquals(x.Op, y.Op);
            case (Call x, Call y):
                return Expr(x.Callee, y.Callee) && x.Args.Length == y.Args.Length && x.Args.Zip(y.Args).All(p => Expr(p.First, p.Second))
                    && Equals(x.Attrs, y.Attrs) && x.SInfoArgs.Length == y.SInfoArgs.Length
                    && x.SInfoArgs.Zip(y.SInfoArgs).All(p => Info(p.First, p.Second, define: false));
            case (Constant x, Constant y):
                return x.Data.DType == y.Data.DType && x.Data.Shape.SequenceEqual(y.Data.Shape) && x.Data.Bytes.SequenceEqual(y.Data.Bytes);
            case (TupleExpr x, TupleExpr y): return x.Fields.Length == y.Fields.Length && x.Fields.Zip(y.Fields).All(p => Expr(p.First, p.Second));
            case (TupleGetItem x, TupleGetItem y): return x.Index == y.Index && Expr(x.Tuple, y.Tuple);
            case (ShapeExpr x, ShapeExpr y): return x.Values.Length == y.Values.Length && x.Values.Zip(y.Values).All(p => Sym(p.First, p.Second, false));
            case (PrimValue x, PrimValue y):
                return x.DType == y.DType && x.FloatValue.Equals(y.FloatValue)
                    && (x.IntValue is null ? y.IntValue is null : y.IntValue is not null && Sym(x.IntValue, y.IntValue, false));
            case (StringImm x, StringImm y): return x.Value == y.Value;
            case (DataTypeImm x, DataTypeImm y): return x.Value == y.Value;
            case (ExternFunc x, ExternFunc y): return x.GlobalSymbol == y.GlobalSymbol && Info(x.Type, y.Type, false);
            case (If x, If y): return Expr(x.Cond, y.Cond) && Expr(x.Then, y.Then) && Expr(x.Else, y.Else);
            case (SeqExpr x, SeqExpr y):
                if (x.Blocks.Length != y.Blocks.Length) return false;
                for (var i = 0; i < x.Blocks.Length; i++) if (!Block(x.Blocks[i], y.Blocks[i])) return false;
                return Expr(x.Body, y.Body);
            case (Function x, Function y):
                if (x.Params.Length != y.Params.Length || x.IsPure != y.IsPure || !AttrsEqual(x.Attrs, y.Attrs)) return false;
                for (var i = 0; i < x.Params.Length; i++) if (!Define(x.Params[i], y.Params[i])) return false;
                return Info(x.RetInfo, y.RetInfo, define: false) && Expr(x.Body, y.Body);
            default: return false;
        }
    }

    private bool Block(BindingBlock a, BindingBlock b)
    {
        if (a.IsDataflow != b.IsDataflow || a.Bindings.Length != b.Bindings.Length) return false;
        for (var i = 0; i < a.Bindings.Length; i++)
        {
            var (x, y) = (a.Bindings[i], b.Bindings[i]);
            if (x.GetType() != y.GetType() || !Expr(x.Value, y.Value)) return false;
            if (x is MatchCast mx && !Info(mx.Target, ((MatchCast)y).Target, define: true)) return false;
            if (!Define(x.Var, y.Var)) return false;
        }
        return true;
    }

    /// <summary>Compare function attribute values (numbers, strings, nested lists and maps).</summary>
    public static bool AttrsEqual(IReadOnlyList<KeyValuePair<string, object>> a, IReadOnlyList<KeyValuePair<string, object>> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Key == p.Second.Key && ValueEqual(p.First.Value, p.Second.Value));

    private static bool ValueEqual(object a, object b) => (a, b) switch
    {
        (System.Collections.Immutable.ImmutableArray<KeyValuePair<string, object>> x, System.Collections.Immutable.ImmutableArray<KeyValuePair<string, object>> y) => AttrsEqual(x, y),
        (System.Collections.Immutable.ImmutableArray<object> x, System.Collections.Immutable.ImmutableArray<object> y) => x.Length == y.Length && x.Zip(y).All(p => ValueEqual(p.First, p.Second)),
        _ => Equals(a, b),
    };

    /// <summary>Binds free vars of two fragments positionally (for fragment comparisons).</summary>
    public bool DefineFree(Var a, Var b) => Define(a, b);

    public bool BlockEq(BindingBlock a, BindingBlock b) => Block(a, b);
}

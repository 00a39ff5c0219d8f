
namespace Bridge.Ir.Relay;

/// <summary>
/// Base of Relay rewriters (STYLE 2): a node whose children are unchanged is returned as is, so "did anything change" is
/// a reference check. Shared (DAG) nodes are rewritten once (memoised). Children are rewritten before parents with an
/// explicit stack, so depth does not grow with program length. Override <see cref="Rewrite"/> (post-order hook).
/// </summary>
public abstract class RelayRewriter
{
    private readonly Dictionary<Expr, Expr> _memo = new(ReferenceEqualityComparer.Instance);

    /// <summary>Called on each node after its children were rewritten (<paramref name="updated"/> has the new children).</summary>
    protected virtual Expr Rewrite(Expr original, Expr updated) => updated;

    public Expr Visit(Expr root)
    {
        foreach (var e in RelayVisit.PostOrder(root))
        {
            if (_memo.ContainsKey(e)) continue;
            _memo[e] = Rewrite(e, Rebuild(e));
        }
        return _memo[root];
    }

    public Function VisitFunction(Function f) => (Function)Visit(f);

    public IRModule VisitModule(IRModule m)
    {
        var changed = false;
        var result = m.Clone();
        foreach (var (gv, f) in m.Functions)
        {
            var nf = Visit(f);
            if (!ReferenceEquals(nf, f) && nf is Function fn) { result.Add(gv, fn); changed = true; }
        }
        return changed ? result : m;
    }

    private Expr Get(Expr e) => _memo.TryGetValue(e, out var r) ? r : e;

    private ImmutableArray<Expr> GetAll(ImmutableArray<Expr> xs)
    {
        ImmutableArray<Expr>.Builder? b = null;
        for (var i = 0; i < xs.Length; i++)
        {
            var y = Get(xs[i]);
            if (b is null && !ReferenceEquals(y, xs[i])) { b = ImmutableArray.CreateBuilder<Expr>(xs.Length); b.AddRange(xs, i); }
            b?.Add(y);
        }
        return b?.MoveToImmutable() ?? xs;
    }

    private Expr Rebuild(Expr e) => e switch
    {
        Call c => c.Update(Get(c.Callee), GetAll(c.Args)),
        Tuple t => t.Update(GetAll(t.Fields)),
        TupleGetItem g => g.Update(Get(g.TupleValue)),
        Let l => l.Update(Get(l.Value), Get(l.Body)),
        If i => i.Update(Get(i.Cond), Get(i.Then), Get(i.Else)),
        Function f => f.Update(Get(f.Body)),
        Match m => RebuildMatch(m),
        RefCreate r => ReferenceEquals(Get(r.Value), r.Value) ? r : new RefCreate(Get(r.Value), r.Loc),
        RefRead r => ReferenceEquals(Get(r.Ref), r.Ref) ? r : new RefRead(Get(r.Ref), r.Loc),
        RefWrite r => ReferenceEquals(Get(r.Ref), r.Ref) && ReferenceEquals(Get(r.Value), r.Value) ? r : new RefWrite(Get(r.Ref), Get(r.Value), r.Loc),
        _ => e,
    };

    private Match RebuildMatch(Match m)
    {
        var data = Get(m.Data);
        var changed = !ReferenceEquals(data, m.Data);
        var clauses = m.Clauses.Select(c =>
        {
            var rhs = Get(c.Rhs);
            if (ReferenceEquals(rhs, c.Rhs)) return c;
            changed = true;
            return c with { Rhs = rhs };
        }).ToImmutableArray();
        return changed ? new Match(data, clauses, m.Complete, m.Loc) : m;
    }
}

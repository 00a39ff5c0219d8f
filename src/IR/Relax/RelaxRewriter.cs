
namespace Bridge.Ir.Relax;

/// <summary>
/// An identity-preserving rewriter (STYLE 2): a visit that changes nothing returns the same node, and lists are copied
/// only from their first changed element. Bindings are walked iteratively, so a 10k-binding function does not recurse
/// 10k deep. Rebuilt nodes keep their struct info; run <see cref="BlockBuilder.Normalize"/> if a rewrite changes types.
/// </summary>
public class RelaxRewriter
{
    public virtual IRModule VisitModule(IRModule m)
    {
        ImmutableArray<ModuleEntry>.Builder? b = null;
        for (var i = 0; i < m.Entries.Length; i++)
        {
            var e = m.Entries[i];
            var nv = e.Value is Function f ? VisitFunction(f) : e.Value;
            var ne = ReferenceEquals(nv, e.Value) ? e : e with { Value = nv };
            if (b is null && !ReferenceEquals(ne, e)) { b = ImmutableArray.CreateBuilder<ModuleEntry>(m.Entries.Length); b.AddRange(m.Entries, i); }
            b?.Add(ne);
        }
        return b is null ? m : m.WithEntries(b.MoveToImmutable());
    }

    public virtual Function VisitFunction(Function f)
    {
        var body = VisitSeq(f.Body);
        return ReferenceEquals(body, f.Body) ? f : f.UpdateBody(body);
    }

    public virtual SeqExpr VisitSeq(SeqExpr s)
    {
        var blocks = VisitAll(s.Blocks, VisitBlock);
        var body = Visit(s.Body);
        return s.Update(blocks, body);
    }

    public virtual BindingBlock VisitBlock(BindingBlock b)
    {
        var bs = VisitAll(b.Bindings, VisitBinding);
        if (bs == b.Bindings) return b;
        return b.IsDataflow ? new DataflowBlock(bs, b.Loc) : new BindingBlock(bs, b.Loc);
    }

    public virtual Binding VisitBinding(Binding b)
    {
        var v = Visit(b.Value);
        if (ReferenceEquals(v, b.Value)) return b;
        return b is MatchCast mc ? new MatchCast(mc.Var, v, mc.Target, mc.Loc) : new VarBinding(b.Var, v, b.Loc);
    }

    /// <summary>Dispatch over the sealed node set; override per kind as needed.</summary>
    public virtual Expr Visit(Expr e) => Bridge.Core.Limits.StackGuard.Guarded(e, e.Loc) switch // deep input: a diagnostic, not a crash
    {
        Call c => VisitCall(c),
        TupleExpr t => t.Update(VisitAll(t.Fields, Visit)),
        TupleGetItem g => g.Update(Visit(g.Tuple)),
        If i => VisitIf(i),
        SeqExpr s => VisitSeq(s),
        Function f => VisitFunction(f),
        _ => VisitLeaf(e),
    };

    public virtual Expr VisitCall(Call c) => c.Update(Visit(c.Callee), VisitAll(c.Args, Visit));

    public virtual Expr VisitIf(If i)
    {
        var c = Visit(i.Cond);
        var t = VisitSeq(i.Then);
        var e = VisitSeq(i.Else);
        return ReferenceEquals(c, i.Cond) && ReferenceEquals(t, i.Then) && ReferenceEquals(e, i.Else) ? i : new If(c, t, e, i.Loc) { Info = i.Info };
    }

    /// <summary>Vars, constants, shapes, prim values, strings, global vars, extern funcs.</summary>
    public virtual Expr VisitLeaf(Expr e) => e;

    protected static ImmutableArray<T> VisitAll<T>(ImmutableArray<T> xs, Func<T, T> f) where T : class
    {
        ImmutableArray<T>.Builder? b = null;
        for (var i = 0; i < xs.Length; i++)
        {
            var y = f(xs[i]);
            if (b is null && !ReferenceEquals(y, xs[i])) { b = ImmutableArray.CreateBuilder<T>(xs.Length); b.AddRange(xs, i); }
            b?.Add(y);
        }
        return b?.MoveToImmutable() ?? xs;
    }
}

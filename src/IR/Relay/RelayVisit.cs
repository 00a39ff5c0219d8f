namespace Bridge.Ir.Relay;

/// <summary>Iterative traversal helpers (explicit stacks: depth never grows with program length).</summary>
public static class RelayVisit
{
    /// <summary>Direct sub-expressions in TVM's visiting order.</summary>
    public static IEnumerable<Expr> Children(Expr e) => e switch
    {
        Call c => [c.Callee, .. c.Args],
        Tuple t => t.Fields,
        TupleGetItem g => [g.TupleValue],
        Let l => [l.Var, l.Value, l.Body],
        If i => [i.Cond, i.Then, i.Else],
        Function f => [.. f.Params, f.Body],
        Match m => [m.Data, .. m.Clauses.Select(c => c.Rhs)],
        RefCreate r => [r.Value],
        RefRead r => [r.Ref],
        RefWrite r => [r.Ref, r.Value],
        _ => [],
    };

    /// <summary>Visits every distinct node once, parents before children.</summary>
    public static void PreOrder(Expr root, Action<Expr> visit)
    {
        var seen = new HashSet<Expr>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Expr>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            if (!seen.Add(e)) continue;
            visit(e);
            foreach (var c in Children(e).Reverse()) stack.Push(c);
        }
    }

    /// <summary>Distinct nodes in post-order (children before parents).</summary>
    public static List<Expr> PostOrder(Expr root)
    {
        var order = new List<Expr>();
        var seen = new HashSet<Expr>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Expr, bool)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (e, done) = stack.Pop();
            if (done) { order.Add(e); continue; }
            if (!seen.Add(e)) continue;
            stack.Push((e, true));
            foreach (var c in Children(e).Reverse()) if (!seen.Contains(c)) stack.Push((c, false));
        }
        return order;
    }

    public static IEnumerable<Var> PatternVars(Pattern p) => p switch
    {
        PatternVar v => [v.Var],
        PatternConstructor c => c.Patterns.SelectMany(PatternVars),
        PatternTuple t => t.Patterns.SelectMany(PatternVars),
        _ => [],
    };
}

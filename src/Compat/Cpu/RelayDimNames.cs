using Bridge.Ir.Relay;

namespace Bridge.Compat.Cpu;

/// <summary>
/// Names the unnamed <c>?</c> dims of a Relay entry function's parameters so the compiled Relay path can keep them symbolic:
/// Relay (like TVM's) has only <c>Any</c>, so two <c>?</c> are never the same size and a <c>?</c> cannot be bound from an input
/// shape. The names come from the source model (an ONNX input's <c>dim_param</c>, e.g. <c>batch</c>; the same name on two
/// inputs is one dim) or, for a Relay file, are made from the parameter and axis (<c>x_0</c>). The function is rebuilt with
/// the named parameter types and type inference runs again, so every op whose relation carries the dim through (conv, dense,
/// elementwise, reshape with 0/-1…) gets a shape in those names. Where a relation still answers <c>?</c> the lowering refuses
/// (BRG6103) and the caller compiles at fixed sizes instead.
/// </summary>
public static class RelayDimNames
{
    /// <summary>
    /// A copy of <paramref name="module"/> whose <paramref name="entry"/> parameters have their <c>?</c> dims named by
    /// <paramref name="nameOf"/> (parameter index, axis → name, null: leave it); null when no dim was named.
    /// </summary>
    public static IRModule? Name(IRModule module, string entry, Func<int, int, string?> nameOf)
    {
        var fn = module.Lookup(entry);
        if (fn is null) return null;
        var vars = new Dictionary<string, SymVar>(StringComparer.Ordinal);
        var map = new Dictionary<Var, Var>(ReferenceEqualityComparer.Instance);
        var ps = ImmutableArray.CreateBuilder<Var>(fn.Params.Length);
        for (var i = 0; i < fn.Params.Length; i++)
        {
            var p = fn.Params[i];
            if ((p.TypeAnnotation ?? p.CheckedType) is not TensorType tt || tt.Shape.All(d => d.IsConst())) { ps.Add(p); continue; }
            var changed = false;
            var shape = tt.Shape.Select((d, axis) =>
            {
                if (d is not SymVar { IsAny: true } || nameOf(i, axis) is not { Length: > 0 } name) return d;
                changed = true;
                if (!vars.TryGetValue(name, out var v)) vars[name] = v = new SymVar(name);
                return (SymExpr)v;
            }).ToImmutableArray();
            if (!changed) { ps.Add(p); continue; }
            var np = new Var(p.Name, new TensorType(shape, tt.DType), p.Loc) { Annotations = p.Annotations };
            map[p] = np;
            ps.Add(np);
        }
        if (map.Count == 0) return null;
        var body = new Substitute(map).Visit(fn.Body);
        var nf = new Function(ps.ToImmutable(), body, null, fn.TypeParams, fn.Attrs, fn.Loc);
        var result = module.Clone();
        var gv = result.Functions.First(f => f.Var.Name == entry).Var;
        result.Add(gv, nf);
        RelayTypeInference.InferModule(result);
        return result;
    }

    private sealed class Substitute(Dictionary<Var, Var> map) : RelayRewriter
    {
        protected override Expr Rewrite(Expr original, Expr updated) => original is Var v && map.TryGetValue(v, out var nv) ? nv : updated;
    }
}

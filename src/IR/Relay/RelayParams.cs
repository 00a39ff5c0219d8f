
namespace Bridge.Ir.Relay;

/// <summary>Binds external values (a .params / .npz dictionary) to <c>@main</c>'s parameters by name.</summary>
public static class RelayParams
{
    /// <summary>
    /// Binds <paramref name="values"/> to @main's params by name. With <paramref name="asConstants"/> the bound params are
    /// removed and replaced by constants (TVM's bind_params_by_name); otherwise they stay params and gain their static type
    /// from the value when they had no annotation. Names absent from @main are an error; a type that disagrees with the
    /// param's annotation is an error.
    /// </summary>
    public static IRModule Bind(IRModule module, IReadOnlyList<(string Name, Tensor Value)> values, bool asConstants, string source = "<params>")
    {
        var gv = module.FindGlobal("main") ?? throw new BridgeException(RelayParamsDiagnosticIds.UnknownParam, new SourceLoc.Text(source, 1, 1), "the module has no @main to bind parameters to");
        var main = module.Lookup(gv)!;
        var byName = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (n, v) in values) byName[n] = v;
        foreach (var n in byName.Keys)
            if (!main.Params.Any(p => p.Name == n))
                throw new BridgeException(RelayParamsDiagnosticIds.UnknownParam, new SourceLoc.Text(source, 1, 1), $"parameter '{n}' is not a parameter of @main ({string.Join(", ", main.Params.Select(p => "%" + p.Name))})");
        var subst = new Dictionary<Var, Expr>(ReferenceEqualityComparer.Instance);
        var newParams = ImmutableArray.CreateBuilder<Var>();
        foreach (var p in main.Params)
        {
            if (!byName.TryGetValue(p.Name, out var t)) { newParams.Add(p); continue; }
            var ty = new TensorType([.. t.Shape.Select(d => (SymExpr)d)], t.DType);
            if (p.TypeAnnotation is { } ann && !Compatible(ann, ty))
                throw new BridgeException(RelayParamsDiagnosticIds.ParamTypeMismatch, p.Loc, $"value for %{p.Name} has type {ty} but the parameter is {ann}");
            if (asConstants) subst[p] = new Constant(t, p.Loc);
            else
            {
                var np = new Var(p.Name, p.TypeAnnotation ?? ty, p.Loc) { Annotations = p.Annotations };
                subst[p] = np;
                newParams.Add(np);
            }
        }
        if (subst.Count == 0) return module;
        var body = new Substitute(subst).Visit(main.Body);
        var result = module.Clone();
        result.Add(gv, new Function(newParams.ToImmutable(), body, main.RetType, main.TypeParams, main.Attrs, main.Loc));
        return result;
    }

    private static bool Compatible(RelayType ann, TensorType t) =>
        ann is TensorType a && a.DType == t.DType && a.Rank == t.Rank &&
        a.Shape.Zip(t.Shape).All(p => p.First is SymVar { IsAny: true } || !p.First.IsConst(out var x) || p.Second.IsConst(out var y) && x == y);

    private sealed class Substitute(Dictionary<Var, Expr> map) : RelayRewriter
    {
        protected override Expr Rewrite(Expr original, Expr updated) => updated is Var v && map.TryGetValue(v, out var r) ? r : updated;
    }
}

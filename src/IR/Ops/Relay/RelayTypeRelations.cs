using Bridge.Ir.Ops.Spec;
using Bridge.Ir.Relay;

namespace Bridge.Ir.Ops.Relay;

/// <summary>
/// Type relations of Relay ops (TVM's <c>add_type_rel</c>), attached to the registry entries as the
/// <see cref="RelayOpFacets.InferType"/> facet. Static dims in give static dims out; an Any dim gives Any where the result
/// depends on it.
/// </summary>
internal static partial class RelayTypeRelations
{
    private static void Rel(string op, RelayTypeRelation r) =>
        (OpRegistry.Find(Dialect.Relay, op) ?? throw new Core.Diagnostics.BridgeInternalError($"relation for unknown op {op}")).Set(RelayOpFacets.InferType, r);

    private static void Rel(IEnumerable<string> ops, RelayTypeRelation r) { foreach (var o in ops) Rel(o, r); }

    internal static void Attach()
    {
        Elementwise();
        Nn();
        Transforms();
        Reductions();
        Misc();
        Dyn();
        StdOps();
        RandomOps();
        LegacyOnnxOps();
    }

    // ---------- helpers ----------
    internal static TensorType T(IReadOnlyList<RelayType> args, int i, RelationContext ctx) =>
        i < args.Count && args[i] is TensorType t ? t : throw ctx.Fail($"argument {i} must be a tensor, got {(i < args.Count ? args[i] : "nothing")}");

    internal static bool IsAny(SymExpr d) => d is SymVar { IsAny: true } || d.FreeVars().Any(v => v.IsAny);

    /// <summary>Combines dims with <paramref name="f"/>; Any in gives Any out.</summary>
    internal static SymExpr D(Func<SymExpr> f, params SymExpr[] inputs) => inputs.Any(IsAny) ? SymVar.Any() : f();

    internal static DataType Dt(string s, DataType fallback) => string.IsNullOrEmpty(s) ? fallback : DataType.Parse(s);

    internal static int Axis(long axis, int rank, RelationContext ctx)
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw ctx.Fail($"axis {axis} is out of range for rank {rank}");
        return (int)a;
    }

    internal static TensorType WithShape(TensorType t, IEnumerable<SymExpr> shape, DataType? dt = null) => new([.. shape], dt ?? t.DType);

    internal static ImmutableArray<SymExpr> Broadcast(TensorType a, TensorType b, RelationContext ctx)
    {
        var n = Math.Max(a.Rank, b.Rank);
        var r = new SymExpr[n];
        for (var i = 0; i < n; i++)
        {
            var da = i < n - a.Rank ? 1 : a.Shape[i - (n - a.Rank)];
            var db = i < n - b.Rank ? 1 : b.Shape[i - (n - b.Rank)];
            var ca = da.AsConst; var cb = db.AsConst;
            if (ca == 1) r[i] = db;
            else if (cb == 1) r[i] = da;
            else if (ca is not null && cb is not null) r[i] = ca == cb ? da : throw ctx.Fail($"shapes {a} and {b} do not broadcast");
            else if (IsAny(da)) r[i] = db;
            else if (IsAny(db)) r[i] = da;
            else r[i] = SymExpr.ProveEqual(da, db) == Tri.Proven ? da : SymVar.Any();
        }
        return [.. r];
    }

    private static SymExpr Prod(IEnumerable<SymExpr> dims)
    {
        SymExpr p = 1;
        foreach (var d in dims) { if (IsAny(d)) return SymVar.Any(); p *= d; }
        return p;
    }

    // ---------- element-wise ----------
    /// <summary>Same-type unary relations of ops that are not rows of <see cref="ElementwiseSpec"/>.</summary>
    private static readonly string[] s_unary =
    [
        "copy", "zeros_like", "ones_like", "annotation.stop_fusion", "annotation.checkpoint",
        "on_device", "device_copy", "nn.leaky_relu", "nn.lrn", "nn.l2_normalize", "clip",
        "nn.bias_add", "nn.layer_norm", "nn.group_norm", "nn.instance_norm", "nn.prelu", "reverse", "reverse_sequence", "sort",
        "sequence_mask", "matrix_set_diag", "trilu",
    ];

    private static void Elementwise()
    {
        foreach (var row in ElementwiseSpec.All)
            if (row.RelayName is { } name)
                Rel(name, row.Arity == 1 ? UnaryRel(row.RelayResult) : BinaryRel(row.RelayResult));
        Rel(s_unary, UnaryRel(ElemResult.Same));
        foreach (var row in SoftmaxSpec.All)
            if (row.RelayName is { } name) Rel(name, UnaryRel(ElemResult.Same));
        Rel("where", (a, _, c) =>
        {
            var (cond, x, y) = (T(a, 0, c), T(a, 1, c), T(a, 2, c));
            var xy = new TensorType(Broadcast(x, y, c), x.DType);
            return new TensorType(Broadcast(cond, xy, c), x.DType);
        });
        Rel("cast", (a, at, c) => WithShape(T(a, 0, c), T(a, 0, c).Shape, DataType.Parse(((CastAttrs)at).Dtype)));
        Rel("reinterpret", (a, at, c) => WithShape(T(a, 0, c), T(a, 0, c).Shape, DataType.Parse(((CastAttrs)at).Dtype)));
        Rel("cast_like", (a, _, c) => WithShape(T(a, 0, c), T(a, 0, c).Shape, T(a, 1, c).DType));
        Rel("full_like", (a, _, c) => T(a, 0, c));
        Rel("broadcast_to_like", (a, _, c) => WithShape(T(a, 0, c), T(a, 1, c).Shape));
        Rel("collapse_sum_like", (a, _, c) => WithShape(T(a, 0, c), T(a, 1, c).Shape));
    }

    private static RelayTypeRelation UnaryRel(ElemResult result) => result == ElemResult.Bool
        ? (a, _, c) => WithShape(T(a, 0, c), T(a, 0, c).Shape, DataType.Bool)
        : (a, _, c) => T(a, 0, c);

    /// <summary>Broadcasting binary relation: both operands one dtype; the result that dtype or bool.</summary>
    private static RelayTypeRelation BinaryRel(ElemResult result) => (a, _, c) =>
    {
        var (x, y) = (T(a, 0, c), T(a, 1, c));
        if (x.DType != y.DType) throw c.Fail($"operand dtypes differ: {x.DType} vs {y.DType}");
        return new TensorType(Broadcast(x, y, c), result == ElemResult.Bool ? DataType.Bool : x.DType);
    };
}

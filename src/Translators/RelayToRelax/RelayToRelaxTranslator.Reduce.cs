using Bridge.Ir.Ops.Relax;
using Bridge.Ir.Ops.Spec;
using Relax = Bridge.Ir.Relax;
using RelayOps = Bridge.Ir.Ops.Relay;
using RelaxOps = Bridge.Ir.Ops.Relax;
using E = Bridge.Ir.Ops.Spec.ElementwiseSpec;

namespace Bridge.Translators.RelayToRelax;

// Reductions, scans, sort/search (relay-formats §5.2.8).
public sealed partial class RelayToRelaxTranslator
{
    private static void RegisterReduce(Dictionary<string, OpConverter> t)
    {
        // The reduction spec rows: same-typed results map one-for-one; all/any on bool are min/max of the 0/1 values as int8,
        // back to bool; argmax/argmin take one axis and are cast back to Relay's int32.
        foreach (var row in ReductionSpec.All)
        {
            if (row is not { RelayName: { } name, RelaxTarget: { } target }) continue;
            t[name] = row.Result switch
            {
                ReduceResult.Bool => c => BoolReduce(c, target),
                ReduceResult.Index => c => ArgReduce(c, target),
                _ => c =>
                {
                    var a = ReduceAttrsOf(c);
                    return c.Op(target, new StatisticalAttrs { Axis = ReduceAxes(c, a.Axis, a.Exclude), Keepdims = a.Keepdims }, c.Arg(0));
                },
            };
        }
        t["variance"] = c =>
        {
            // Relax's variance recomputes the mean (the Relay mean input is mean(x) by construction) and is biased.
            var a = c.A<RelayOps.VarianceAttrs>();
            var axes = ReduceAxes(c, a.Axis, a.Exclude);
            var v = c.Op("variance", new StatisticalAttrs { Axis = axes, Keepdims = a.Keepdims }, c.Arg(0));
            if (!a.Unbiased) return v;
            var s = c.InShape(0);
            SymExpr n = 1;
            foreach (var ax in axes ?? new ValueArray<long>(Enumerable.Range(0, s.Length).Select(i => (long)i))) n *= s[ax];
            if (n.AsConst is not { } nc) throw c.Fail("unbiased variance over symbolic dims");
            return c.Op(E.Multiply, c.Emit(v), OpCall.Scalar(nc / (double)(nc - 1), c.TT(0).DType));
        };
        foreach (var name in new[] { "cumsum", "cumprod" })
        {
            var n = name;
            t[n] = c =>
            {
                var a = c.A<RelayOps.ScanopAttrs>();
                return c.Op(n, new RelaxOps.ScanopAttrs { Axis = a.Axis is { } ax ? c.Axis(ax, c.Rank(0)) : null, Dtype = OpCall.DT(a.Dtype), Exclusive = a.Exclusive }, c.Arg(0));
            };
        }
        t["topk"] = c =>
        {
            var a = c.A<RelayOps.TopkAttrs>();
            var k = a.K ?? throw c.Fail("k is required");
            var ret = a.RetType is "both" or "values" or "indices" ? a.RetType : throw c.Fail($"ret_type {a.RetType}");
            return c.Op("topk", new RelaxOps.TopKAttrs { K = k, Axis = a.Axis, RetType = ret, Largest = !a.IsAscend, Dtype = OpCall.DT(a.Dtype) ?? DataType.Int32 }, c.Arg(0));
        };
        t["argsort"] = c =>
        {
            var a = c.A<RelayOps.ArgsortAttrs>();
            return c.Op("argsort", new RelaxOps.ArgsortAttrs { Axis = a.Axis, Descending = !a.IsAscend, Dtype = OpCall.DT(a.Dtype) ?? DataType.Int32 }, c.Arg(0));
        };
        t["sort"] = c =>
        {
            var a = c.A<RelayOps.ArgsortAttrs>();
            return c.Op("sort", new RelaxOps.SortAttrs { Axis = a.Axis, Descending = !a.IsAscend }, c.Arg(0));
        };
        t["argwhere"] = c =>
        {
            // Relay: (num_nonzero, ndim) int32; Relax nonzero: (ndim, num_nonzero) int64.
            var nz = c.Emit("nonzero", c.Arg(0));
            var tr = c.Emit("permute_dims", new PermuteDimsAttrs { Axes = [1, 0] }, nz);
            var dt = c.OutTT.DType;
            return dt == DataType.Int64 ? tr : c.Op("astype", new AstypeAttrs { Dtype = dt }, tr);
        };
        t["einsum"] = c => c.Op("einsum", new EinsumAttrs { Subscripts = c.A<RelayOps.EinsumAttrs>().Equation ?? throw c.Fail("equation is required") }, c.Arg(0));
        NoTranslation("no Relax op", "searchsorted", "unique");
    }

    /// <summary>The call's reduction attrs through the spec's typed view (the op's defaults when the call printed none).</summary>
    private static IReduceAttrs ReduceAttrsOf(OpCall c) => c.Call.Attrs as IReduceAttrs ?? (IReduceAttrs)c.Call.Op!.Schema.Defaults;

    /// <summary>Relay reduce axes (None = all; exclude = the complement) → Relax axis list (null = all).</summary>
    internal static ValueArray<long>? ReduceAxes(OpCall c, ValueArray<long>? axis, bool exclude)
    {
        var rank = c.Rank(0);
        if (axis is null) return null;
        var norm = axis.Value.Select(x => c.Axis(x, rank)).Distinct().OrderBy(x => x).ToList();
        if (!exclude) return new ValueArray<long>(norm);
        return new ValueArray<long>(Enumerable.Range(0, rank).Select(i => (long)i).Where(i => !norm.Contains(i)));
    }

    private static Relax.Expr BoolReduce(OpCall c, string op)
    {
        var a = ReduceAttrsOf(c);
        var x = c.TT(0).DType == DataType.Bool ? c.Emit("astype", new AstypeAttrs { Dtype = DataType.Int8 }, c.Arg(0)) : c.Arg(0);
        var r = c.Emit(op, new StatisticalAttrs { Axis = ReduceAxes(c, a.Axis, a.Exclude), Keepdims = a.Keepdims }, x);
        return c.Op("astype", new AstypeAttrs { Dtype = c.OutTT.DType }, r);
    }

    private static Relax.Expr ArgReduce(OpCall c, string op)
    {
        var a = ReduceAttrsOf(c);
        if (a.SelectLastIndex) throw c.Fail("select_last_index=True (Relax returns the first index)");
        var axes = ReduceAxes(c, a.Axis, a.Exclude);
        if (axes is { Length: > 1 }) throw c.Fail($"reduction over {axes.Value.Length} axes (Relax takes one axis)");
        var r = c.Op(op, new ArgmaxArgminAttrs { Axis = axes is { Length: 1 } ? axes.Value[0] : null, Keepdims = a.Keepdims }, c.Arg(0));
        // Relay returns int32 indices, Relax int64.
        var dt = c.OutTT.DType;
        return dt == DataType.Int64 ? r : c.Op("astype", new AstypeAttrs { Dtype = dt }, c.Emit(r));
    }
}

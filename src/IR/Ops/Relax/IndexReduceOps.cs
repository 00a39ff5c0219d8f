using Bridge.Ir.Ops.Spec;
using Bridge.Ir.Relax;
using static Bridge.Ir.Ops.Relax.RelaxOpsInit;

namespace Bridge.Ir.Ops.Relax;

/// <summary>Indexing, gather and scatter ops.</summary>
internal static class IndexOps
{
    public static void Register()
    {
        Def<TakeAttrs>("take", "index", Take, "x", "indices");
        Def<StridedSliceAttrs>("strided_slice", "index", StridedSlice, "x", "axes", "begin", "end", "strides").WithArity(4, 5);
        Def<GatherElementsAttrs>("gather_elements", "index", (c, cx) => Infer.Tensor(c, 1, cx).WithDType(Infer.Tensor(c, 0, cx).DType), "data", "indices");
        Def<GatherNdAttrs>("gather_nd", "index", GatherNd, "data", "indices");
        Def<ScatterElementsAttrs>("scatter_elements", "index", (c, cx) => Infer.Tensor(c, 0, cx), "data", "indices", "updates");
        Def<ScatterNdAttrs>("scatter_nd", "index", (c, cx) => Infer.Tensor(c, 0, cx), "data", "indices", "updates");
        Def<OneHotAttrs>("one_hot", "index", OneHot, "indices", "on_value", "off_value");
    }

    private static StructInfo Take(Call c, InferContext cx)
    {
        var x = Infer.Tensor(c, 0, cx);
        var idx = Infer.Tensor(c, 1, cx);
        var ax = ((TakeAttrs)c.Attrs).Axis;
        if (x.Shape is not { } s || idx.Shape is not { } si)
            return new TensorSInfo(null, x.DType, x.NDim < 0 || idx.NDim < 0 ? -1 : (ax is null ? idx.NDim : x.NDim - 1 + idx.NDim), x.VDevice);
        if (ax is not { } a) return Infer.Shaped(si, x.DType, x.VDevice);
        var k = Infer.NormAxis(a, s.Length, cx);
        return Infer.Shaped(s.Take(k).Concat(si).Concat(s.Skip(k + 1)), x.DType, x.VDevice);
    }

    private static IReadOnlyList<SymExpr>? Ints(Call c, int i)
    {
        if (i >= c.Args.Length) return null;
        return c.Args[i] switch
        {
            TupleExpr t when t.Fields.All(f => f is PrimValue { IntValue: not null }) => t.Fields.Select(f => ((PrimValue)f).IntValue!).ToList(),
            ShapeExpr s => s.Values,
            _ => null,
        };
    }

    private static StructInfo StridedSlice(Call c, InferContext cx)
    {
        var x = Infer.Tensor(c, 0, cx);
        var axes = Ints(c, 1);
        var begin = Ints(c, 2);
        var end = Ints(c, 3);
        var strides = c.Args.Length > 4 ? Ints(c, 4) : null;
        if (x.Shape is not { } s || axes is null || begin is null || end is null || (c.Args.Length > 4 && strides is null))
            return new TensorSInfo(null, x.DType, x.NDim, x.VDevice);
        if (begin.Count != axes.Count || end.Count != axes.Count) throw cx.Error(StructInfoDiagnosticIds.BadAttr, "axes, begin and end differ in length");
        var dims = s.ToArray();
        var assumeIn = ((StridedSliceAttrs)c.Attrs).AssumeInbound;
        for (var i = 0; i < axes.Count; i++)
        {
            if (axes[i].AsConst is not { } axv) return new TensorSInfo(null, x.DType, x.NDim, x.VDevice);
            var k = Infer.NormAxis(axv, s.Length, cx);
            var st = strides?[i].AsConst ?? 1;
            if (strides is not null && strides[i].AsConst is null) { dims[k] = SymVar.Any(); cx.NoteUnproven("symbolic stride"); continue; }
            var dim = s[k];
            SymExpr Clamp(SymExpr v)
            {
                if (v.AsConst is { } cv && cv < 0) v = dim + cv;
                if (assumeIn) return v;
                return SymExpr.Min(SymExpr.Max(v, st > 0 ? 0 : -1), st > 0 ? dim : dim - 1);
            }
            var b = Clamp(begin[i]);
            var e = end[i].AsConst is { } ec && ec >= long.MaxValue / 2 ? dim : Clamp(end[i]);
            dims[k] = st > 0
                ? SymExpr.Max(SymExpr.FloorDiv(e - b + (st - 1), st), 0)
                : SymExpr.Max(SymExpr.FloorDiv(b - e + (-st - 1), -st), 0);
        }
        return Infer.Shaped(dims, x.DType, x.VDevice);
    }

    private static StructInfo GatherNd(Call c, InferContext cx)
    {
        var d = Infer.Tensor(c, 0, cx);
        var idx = Infer.Tensor(c, 1, cx);
        var b = ((GatherNdAttrs)c.Attrs).BatchDims;
        if (d.Shape is not { } ds || idx.Shape is not { } isx || isx[^1].AsConst is not { } m) return new TensorSInfo(null, d.DType, -1, d.VDevice);
        return Infer.Shaped(isx.Take(isx.Length - 1).Concat(ds.Skip((int)(b + m))), d.DType, d.VDevice);
    }

    private static StructInfo OneHot(Call c, InferContext cx)
    {
        var i = Infer.Tensor(c, 0, cx);
        var a = (OneHotAttrs)c.Attrs;
        var dt = c.Args[1].Info is PrimSInfo p ? p.DType : (DataType?)null;
        if (i.Shape is not { } s) return new TensorSInfo(null, dt, i.NDim < 0 ? -1 : i.NDim + 1, i.VDevice);
        var ax = Infer.NormAxis(a.Axis, s.Length + 1, cx);
        var dims = s.ToList();
        dims.Insert(ax, a.Depth);
        return Infer.Shaped(dims, dt, i.VDevice);
    }
}

/// <summary>Reductions, scans, sort/search.</summary>
internal static class ReduceOps
{
    public static void Register()
    {
        // The reductions are rows of the one reduction spec; their rule reads the rows' typed view of the attrs.
        foreach (var row in ReductionSpec.All)
            if (row.RelaxName is { } n)
            {
                DataType? dt = row.Result == ReduceResult.Index ? DataType.Int64 : row.Result == ReduceResult.Bool ? DataType.Bool : null;
                Def(n, row.RelaxAttrs, "reduce", (c, cx) => { var a = (IReduceAttrs)c.Attrs; return Reduce(c, cx, a.Axis, a.Keepdims, dt); }, "x");
            }
        // median as TVM's: the values alone over all axes, but (values, int64 indices) when an axis is given (torch.median).
        Def<StatisticalAttrs>("median", "reduce", (c, cx) =>
        {
            var a = (StatisticalAttrs)c.Attrs;
            var vals = Reduce(c, cx, a.Axis, a.Keepdims, null);
            if (a.Axis is not { Length: > 0 }) return vals;
            return new TupleSInfo([vals, Reduce(c, cx, a.Axis, a.Keepdims, DataType.Int64)]);
        }, "x");
        foreach (var n in new[] { "cumsum", "cumprod" })
            Def<ScanopAttrs>(n, "reduce", (c, cx) =>
            {
                var t = Infer.Tensor(c, 0, cx);
                var a = (ScanopAttrs)c.Attrs;
                var dt = a.Dtype ?? t.DType;
                if (a.Axis is null)
                {
                    if (t.Shape is not { } s) return new TensorSInfo(null, dt, 1, t.VDevice);
                    SymExpr p = 1;
                    foreach (var d in s) p *= d;
                    return Infer.Shaped([p], dt, t.VDevice);
                }
                return t.WithDType(dt);
            }, "data");
        Def<SortAttrs>("sort", "reduce", (c, cx) => Infer.Tensor(c, 0, cx), "x");
        Def<ArgsortAttrs>("argsort", "reduce", (c, cx) => Infer.Tensor(c, 0, cx).WithDType(((ArgsortAttrs)c.Attrs).Dtype), "data");
        Def<TopKAttrs>("topk", "reduce", TopK, "data");
        Def<NoAttrs>("nonzero", "reduce", (c, cx) => new TensorSInfo(null, DataType.Int64, 2, Infer.Tensor(c, 0, cx).VDevice), "x");
    }

    internal static StructInfo Reduce(Call c, InferContext cx, ValueArray<long>? axis, bool keep, DataType? outDt)
    {
        var t = Infer.Tensor(c, 0, cx);
        var dt = outDt ?? t.DType;
        if (t.NDim < 0) return new TensorSInfo(null, dt, -1, t.VDevice);
        var set = axis is { } a ? a.Select(x => Infer.NormAxis(x, t.NDim, cx)).ToHashSet() : Enumerable.Range(0, t.NDim).ToHashSet();
        var outNd = keep ? t.NDim : t.NDim - set.Count;
        if (t.Shape is not { } s) return new TensorSInfo(null, dt, outNd, t.VDevice);
        var dims = new List<SymExpr>();
        for (var i = 0; i < s.Length; i++)
            if (!set.Contains(i)) dims.Add(s[i]);
            else if (keep) dims.Add(1);
        return Infer.Shaped(dims, dt, t.VDevice);
    }

    private static StructInfo TopK(Call c, InferContext cx)
    {
        var t = Infer.Tensor(c, 0, cx);
        var a = (TopKAttrs)c.Attrs;
        TensorSInfo vals;
        if (t.Shape is { } s)
        {
            var ax = Infer.NormAxis(a.Axis, s.Length, cx);
            vals = Infer.Shaped(s.Select((d, i) => i == ax && a.K >= 1 ? (SymExpr)a.K : d), t.DType, t.VDevice);
        }
        else vals = t;
        var idx = vals.WithDType(a.Dtype);
        return a.RetType switch
        {
            "both" => new TupleSInfo([vals, idx]),
            "values" => vals,
            "indices" => idx,
            _ => throw cx.Error(StructInfoDiagnosticIds.BadAttr, $"ret_type '{a.RetType}' is not both/values/indices"),
        };
    }
}

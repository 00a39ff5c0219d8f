using Bridge.Ir.Relax;
using static Bridge.Ir.Ops.Relax.RelaxOpsInit;

namespace Bridge.Ir.Ops.Relax;

/// <summary>Shape manipulation ops and linear algebra (matmul).</summary>
internal static class ManipulateOps
{
    public static void Register()
    {
        Def<NoAttrs>("reshape", "manipulate", Reshape, "x", "shape");
        Def<PermuteDimsAttrs>("permute_dims", "manipulate", PermuteDims, "x");
        Def<ExpandDimsAttrs>("expand_dims", "manipulate", ExpandDims, "x");
        Def<SqueezeAttrs>("squeeze", "manipulate", Squeeze, "x");
        Def<NoAttrs>("flatten", "manipulate", (c, cx) =>
        {
            var t = Infer.Tensor(c, 0, cx);
            if (t.Shape is not { } s) return new TensorSInfo(null, t.DType, 1, t.VDevice);
            SymExpr p = 1;
            foreach (var d in s) p *= d;
            return Infer.Shaped([p], t.DType, t.VDevice);
        }, "x");
        Def<NoAttrs>("broadcast_to", "manipulate", (c, cx) =>
        {
            var t = Infer.Tensor(c, 0, cx);
            var s = Infer.ShapeArg(c, 1, cx, out var nd);
            return s is { } v ? Infer.Shaped(v, t.DType, t.VDevice) : new TensorSInfo(null, t.DType, nd, t.VDevice);
        }, "x", "shape");
        Def<ConcatAttrs>("concat", "manipulate", Concat, "tensors");
        Def<MeshgridAttrs>("meshgrid", "manipulate", Meshgrid, "tensors");
        Def<StackAttrs>("stack", "manipulate", Stack, "tensors");
        Def<SplitAttrs>("split", "manipulate", Split, "x");
        Def<TileAttrs>("tile", "manipulate", (c, cx) =>
        {
            var t = Infer.Tensor(c, 0, cx);
            var reps = ((TileAttrs)c.Attrs).Repeats;
            if (t.Shape is not { } s) return new TensorSInfo(null, t.DType, t.NDim < 0 ? -1 : Math.Max(t.NDim, reps.Length), t.VDevice);
            var n = Math.Max(s.Length, reps.Length);
            var dims = new SymExpr[n];
            for (var i = 0; i < n; i++)
            {
                var si = i - (n - s.Length);
                var ri = i - (n - reps.Length);
                SymExpr d = si >= 0 ? s[si] : 1;
                dims[i] = ri >= 0 ? d * reps[ri] : d;
            }
            return Infer.Shaped(dims, t.DType, t.VDevice);
        }, "data");
        Def<RepeatAttrs>("repeat", "manipulate", (c, cx) =>
        {
            var t = Infer.Tensor(c, 0, cx);
            var a = (RepeatAttrs)c.Attrs;
            if (t.Shape is not { } s) return new TensorSInfo(null, t.DType, a.Axis is null ? 1 : t.NDim, t.VDevice);
            if (a.Axis is not { } ax)
            {
                SymExpr p = 1;
                foreach (var d in s) p *= d;
                return Infer.Shaped([p * a.Repeats], t.DType, t.VDevice);
            }
            var k = Infer.NormAxis(ax, s.Length, cx);
            return Infer.Shaped(s.Select((d, i) => i == k ? d * a.Repeats : d), t.DType, t.VDevice);
        }, "data");
        Def<FlipAttrs>("flip", "manipulate", (c, cx) => Infer.Tensor(c, 0, cx), "data");
        Def<MatmulAttrs>("matmul", "linear_algebra", Matmul, "x1", "x2");
        Def<NoAttrs>("outer", "linear_algebra", (c, cx) =>
        {
            var a = Infer.Tensor(c, 0, cx);
            var b = Infer.Tensor(c, 1, cx);
            var dt = Infer.SameDType(a, b, cx);
            return a.Shape is { Length: 1 } sa && b.Shape is { Length: 1 } sb ? Infer.Shaped([sa[0], sb[0]], dt) : new TensorSInfo(null, dt, 2);
        }, "x1", "x2");
    }

    private static StructInfo Reshape(Call c, InferContext cx)
    {
        var t = Infer.Tensor(c, 0, cx);
        var s = Infer.ShapeArg(c, 1, cx, out var nd);
        if (s is not { } ns) return new TensorSInfo(null, t.DType, nd, t.VDevice);
        var neg = ns.Select((d, i) => (d, i)).Where(p => p.d.AsConst == -1).Select(p => p.i).ToList();
        if (neg.Count > 1) throw cx.Error(StructInfoDiagnosticIds.BadAttr, "at most one -1 in the new shape");
        if (t.Shape is not { } old)
        {
            if (neg.Count == 1) return new TensorSInfo(null, t.DType, ns.Length, t.VDevice);
            return Infer.Shaped(ns, t.DType, t.VDevice);
        }
        SymExpr total = 1;
        foreach (var d in old) total *= d;
        SymExpr known = 1;
        for (var i = 0; i < ns.Length; i++) if (!neg.Contains(i)) known *= ns[i];
        if (neg.Count == 1)
        {
            var inferred = SymExpr.FloorDiv(total, known);
            return Infer.Shaped(ns.Select((d, i) => i == neg[0] ? inferred : d), t.DType, t.VDevice);
        }
        cx.RequireEqual(total, known, "element count of reshape");
        return Infer.Shaped(ns, t.DType, t.VDevice);
    }

    private static StructInfo PermuteDims(Call c, InferContext cx)
    {
        var t = Infer.Tensor(c, 0, cx);
        var axes = ((PermuteDimsAttrs)c.Attrs).Axes;
        if (t.Shape is not { } s) return t;
        if (axes is not { } ax) return Infer.Shaped(s.Reverse(), t.DType, t.VDevice);
        if (ax.Length != s.Length) throw cx.Error(StructInfoDiagnosticIds.BadAxis, $"axes has {ax.Length} entries for rank {s.Length}");
        var norm = ax.Select(a => Infer.NormAxis(a, s.Length, cx)).ToArray();
        if (norm.Distinct().Count() != norm.Length) throw cx.Error(StructInfoDiagnosticIds.BadAxis, "axes repeat");
        return Infer.Shaped(norm.Select(i => s[i]), t.DType, t.VDevice);
    }

    private static StructInfo ExpandDims(Call c, InferContext cx)
    {
        var t = Infer.Tensor(c, 0, cx);
        var ax = ((ExpandDimsAttrs)c.Attrs).Axis;
        if (t.NDim < 0) return t;
        var n = t.NDim + ax.Length;
        var ins = ax.Select(a => Infer.NormAxis(a, n, cx)).ToHashSet();
        if (t.Shape is not { } s) return new TensorSInfo(null, t.DType, n, t.VDevice);
        var dims = new List<SymExpr>();
        var k = 0;
        for (var i = 0; i < n; i++) dims.Add(ins.Contains(i) ? 1 : s[k++]);
        return Infer.Shaped(dims, t.DType, t.VDevice);
    }

    private static StructInfo Squeeze(Call c, InferContext cx)
    {
        var t = Infer.Tensor(c, 0, cx);
        var ax = ((SqueezeAttrs)c.Attrs).Axis;
        if (t.Shape is not { } s) return ax is { } a0 && t.NDim >= 0 ? new TensorSInfo(null, t.DType, t.NDim - a0.Length, t.VDevice) : new TensorSInfo(null, t.DType, -1, t.VDevice);
        if (ax is not { } a)
        {
            if (s.Any(d => !d.IsConst())) { cx.NoteUnproven("squeeze without axes over symbolic dims"); return new TensorSInfo(null, t.DType, -1, t.VDevice); }
            return Infer.Shaped(s.Where(d => d.AsConst != 1), t.DType, t.VDevice);
        }
        var drop = a.Select(x => Infer.NormAxis(x, s.Length, cx)).ToHashSet();
        foreach (var i in drop)
        {
            if (s[i].AsConst is { } v && v != 1) throw cx.Error(StructInfoDiagnosticIds.ShapeMismatch, $"cannot squeeze axis {i} of size {v}");
            if (!s[i].IsConst()) cx.NoteUnproven($"assumed dim {s[i]} == 1 for squeeze");
        }
        return Infer.Shaped(s.Where((_, i) => !drop.Contains(i)), t.DType, t.VDevice);
    }

    private static StructInfo Concat(Call c, InferContext cx)
    {
        var ts = Infer.TensorTuple(c, 0, cx);
        if (ts.Length == 0) throw cx.Error(StructInfoDiagnosticIds.WrongArity, "concat of an empty tuple");
        DataType? dt = ts[0].DType;
        foreach (var t in ts) dt = Infer.SameDType(t, new TensorSInfo(null, dt), cx);
        var nd = ts.Select(t => t.NDim).FirstOrDefault(n => n >= 0, -1);
        if (nd < 0 || ts.Any(t => t.Shape is null)) return new TensorSInfo(null, dt, nd);
        var axis = Infer.NormAxis(((ConcatAttrs)c.Attrs).Axis ?? 0, nd, cx);
        var dims = ts[0].Shape!.Value.ToArray();
        for (var k = 1; k < ts.Length; k++)
        {
            var s = ts[k].Shape!.Value;
            if (s.Length != nd) throw cx.Error(StructInfoDiagnosticIds.ShapeMismatch, $"rank {s.Length} vs {nd}");
            for (var i = 0; i < nd; i++)
                if (i == axis) dims[i] += s[i];
                else cx.RequireEqual(dims[i], s[i], $"concat dim {i}");
        }
        return Infer.Shaped(dims, dt, ts[0].VDevice);
    }

    /// <summary>relax.meshgrid: N 1-D tensors → N tensors of shape (len0, …, lenN-1); "xy" swaps the first two dims.</summary>
    private static StructInfo Meshgrid(Call c, InferContext cx)
    {
        var ts = Infer.TensorTuple(c, 0, cx);
        var indexing = ((MeshgridAttrs)c.Attrs).Indexing;
        if (indexing is not ("ij" or "xy")) throw cx.Error(StructInfoDiagnosticIds.BadAttr, $"meshgrid indexing must be \"ij\" or \"xy\", got \"{indexing}\"");
        foreach (var t in ts)
            if (t.NDim >= 0 && t.NDim != 1) throw cx.Error(StructInfoDiagnosticIds.ShapeMismatch, $"meshgrid takes 1-D tensors, got rank {t.NDim}");
        if (ts.Any(t => t.Shape is null))
            return new TupleSInfo([.. ts.Select(t => (StructInfo)new TensorSInfo(null, t.DType, ts.Length, t.VDevice))]);
        var dims = ts.Select(t => t.Shape!.Value[0]).ToArray();
        if (indexing == "xy" && dims.Length >= 2) (dims[0], dims[1]) = (dims[1], dims[0]);
        return new TupleSInfo([.. ts.Select(t => (StructInfo)Infer.Shaped(dims, t.DType, t.VDevice))]);
    }

    private static StructInfo Stack(Call c, InferContext cx)
    {
        var ts = Infer.TensorTuple(c, 0, cx);
        if (ts.Length == 0 || ts[0].Shape is not { } s) return new TensorSInfo(null, ts.FirstOrDefault()?.DType, ts.Length == 0 || ts[0].NDim < 0 ? -1 : ts[0].NDim + 1);
        var axis = Infer.NormAxis(((StackAttrs)c.Attrs).Axis ?? 0, s.Length + 1, cx);
        var dims = s.ToList();
        dims.Insert(axis, ts.Length);
        return Infer.Shaped(dims, ts[0].DType, ts[0].VDevice);
    }

    private static StructInfo Split(Call c, InferContext cx)
    {
        var t = Infer.Tensor(c, 0, cx);
        var a = (SplitAttrs)c.Attrs;
        var n = a.IsSections ? (int)a.IndicesOrSections[0] : a.IndicesOrSections.Length + 1;
        if (t.Shape is not { } s) return new TupleSInfo(new ValueArray<StructInfo>(Enumerable.Repeat<StructInfo>(new TensorSInfo(null, t.DType, t.NDim, t.VDevice), n)));
        var ax = Infer.NormAxis(a.Axis, s.Length, cx);
        var parts = new List<StructInfo>();
        if (a.IsSections)
        {
            var piece = SymExpr.FloorDiv(s[ax] + (n - 1), n);
            for (var i = 0; i < n; i++)
            {
                // The last piece takes the remainder: dim - piece*(n-1).
                var d = i < n - 1 ? piece : s[ax] - piece * (n - 1);
                parts.Add(Infer.Shaped(s.Select((x, k) => k == ax ? d : x), t.DType, t.VDevice));
            }
        }
        else
        {
            SymExpr prev = 0;
            var cuts = a.IndicesOrSections.Select(v => (SymExpr)v).Append(s[ax]).ToList();
            foreach (var cut in cuts)
            {
                var d = SymExpr.Max(cut - prev, 0);
                parts.Add(Infer.Shaped(s.Select((x, k) => k == ax ? d : x), t.DType, t.VDevice));
                prev = cut;
            }
        }
        return new TupleSInfo(new ValueArray<StructInfo>(parts));
    }

    private static StructInfo Matmul(Call c, InferContext cx)
    {
        var a = Infer.Tensor(c, 0, cx);
        var b = Infer.Tensor(c, 1, cx);
        var dt = ((MatmulAttrs)c.Attrs).OutDtype ?? Infer.SameDType(a, b, cx);
        if (a.NDim < 0 || b.NDim < 0) return new TensorSInfo(null, dt, -1);
        var outNd = Math.Max(a.NDim, b.NDim) - (a.NDim == 1 ? 1 : 0) - (b.NDim == 1 ? 1 : 0) + (a.NDim == 1 && b.NDim == 1 ? 0 : 0);
        if (a.NDim == 1 && b.NDim == 1) outNd = 0;
        if (a.Shape is not { } sa || b.Shape is not { } sb) return new TensorSInfo(null, dt, outNd);
        var la = sa.ToList();
        var lb = sb.ToList();
        if (la.Count == 1) la.Insert(0, 1);
        if (lb.Count == 1) lb.Add(1);
        cx.RequireEqual(la[^1], lb[^2], "matmul reduction dim");
        var ba = new TensorSInfo(new ValueArray<SymExpr>(la.Take(la.Count - 2)), dt);
        var bb = new TensorSInfo(new ValueArray<SymExpr>(lb.Take(lb.Count - 2)), dt);
        var batch = Infer.Broadcast(ba, bb, dt, cx);
        if (batch.Shape is not { } bs) return new TensorSInfo(null, dt, outNd);
        var dims = bs.ToList();
        if (sa.Length > 1) dims.Add(la[^2]);
        if (sb.Length > 1) dims.Add(lb[^1]);
        return Infer.Shaped(dims, dt);
    }
}

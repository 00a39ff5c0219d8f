using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;
using Relax = Bridge.Ir.Relax;
using Relay = Bridge.Ir.Relay;
using RelayOps = Bridge.Ir.Ops.Relay;
using RelaxOps = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.RelayToRelax;

// Shape manipulation, indexing and creation ops (relay-formats §5.2.6–5.2.7).
public sealed partial class RelayToRelaxTranslator
{
    private static void RegisterTransform(Dictionary<string, OpConverter> t)
    {
        t["reshape"] = c =>
        {
            var a = c.A<RelayOps.ReshapeAttrs>();
            return c.Op("reshape", c.Arg(0), OpCall.Shape(ResolveReshape(c, c.InShape(0), a.Newshape ?? throw c.Fail("newshape is required"), a.Allowzero)));
        };
        t["contrib_reverse_reshape"] = c =>
        {
            // Special values are matched from the right: reverse both shapes, resolve, reverse back.
            var a = c.A<RelayOps.ReshapeAttrs>();
            var ns = (a.Newshape ?? throw c.Fail("newshape is required")).Reverse().ToArray();
            var r = ResolveReshape(c, c.InShape(0).Reverse().ToArray(), new ValueArray<long>(ns), a.Allowzero);
            return c.Op("reshape", c.Arg(0), OpCall.Shape(Enumerable.Reverse(r)));
        };
        t["reshape_like"] = c => c.Op("reshape", c.Arg(0), OpCall.Shape(c.OutShape()));
        t["squeeze"] = c =>
        {
            var ax = c.A<RelayOps.SqueezeAttrs>().Axis;
            return c.Op("squeeze", new RelaxOps.SqueezeAttrs { Axis = ax is { } x ? new ValueArray<long>(x.Select(v => c.Axis(v, c.Rank(0)))) : (ValueArray<long>?)null }, c.Arg(0));
        };
        t["expand_dims"] = c =>
        {
            var a = c.A<RelayOps.ExpandDimsAttrs>();
            var rank = c.Rank(0);
            var axis = a.Axis ?? throw c.Fail("axis is required");
            if (a.NumNewaxis == 0) return c.Arg(0);
            // Relay axis is in [-rank-1, rank]; the new axes are consecutive output positions.
            var start = axis < 0 ? axis + rank + 1 : axis;
            if (start < 0 || start > rank) throw c.Fail($"axis {axis} out of range for rank {rank}");
            return c.Op("expand_dims", new RelaxOps.ExpandDimsAttrs { Axis = new ValueArray<long>(Enumerable.Range(0, (int)a.NumNewaxis).Select(i => start + i)) }, c.Arg(0));
        };
        t["transpose"] = c =>
        {
            var ax = c.A<RelayOps.TransposeAttrs>().Axes;
            ValueArray<long>? axes = ax is { Length: > 0 } x ? new ValueArray<long>(x.Select(v => c.Axis(v, c.Rank(0)))) : (ValueArray<long>?)null;
            return c.Op("permute_dims", new PermuteDimsAttrs { Axes = axes }, c.Arg(0));
        };
        t["concatenate"] = c => c.Op("concat", new RelaxOps.ConcatAttrs { Axis = c.A<RelayOps.ConcatenateAttrs>().Axis }, c.Arg(0));
        t["stack"] = c =>
        {
            // R.stack is newer than v0.19: expand_dims each field, then concat (parses in every version).
            var fields = TupleFields(c, 0);
            var rank = ((Relay.TupleType)c.ArgType(0)).Fields[0] is Relay.TensorType ft ? ft.Rank : throw c.Fail("stack of non-tensors");
            var axis = c.A<RelayOps.StackAttrs>().Axis;
            var ax = axis < 0 ? axis + rank + 1 : axis;
            var expanded = fields.Select(f => (Relax.Expr)c.Emit("expand_dims", new RelaxOps.ExpandDimsAttrs { Axis = [ax] }, f)).ToImmutableArray();
            var tup = new Relax.TupleExpr(expanded) { Info = new Relax.TupleSInfo(new ValueArray<Relax.StructInfo>(expanded.Select(e => e.Info!))) };
            return c.Op("concat", new RelaxOps.ConcatAttrs { Axis = ax }, tup);
        };
        t["split"] = c =>
        {
            var a = c.A<RelayOps.SplitAttrs>();
            var axis = c.Axis(a.Axis, c.Rank(0));
            return a.IndicesOrSections switch
            {
                long n => c.Op("split", new RelaxOps.SplitAttrs { IndicesOrSections = [n], IsSections = true, Axis = axis }, c.Arg(0)),
                int n => c.Op("split", new RelaxOps.SplitAttrs { IndicesOrSections = [n], IsSections = true, Axis = axis }, c.Arg(0)),
                ValueArray<long> idx => c.Op("split", new RelaxOps.SplitAttrs { IndicesOrSections = idx, IsSections = false, Axis = axis }, c.Arg(0)),
                ValueArray<object?> idx when idx.All(o => o is long or int) =>
                    c.Op("split", new RelaxOps.SplitAttrs { IndicesOrSections = new ValueArray<long>(idx.Select(o => Convert.ToInt64(o, System.Globalization.CultureInfo.InvariantCulture))), IsSections = false, Axis = axis }, c.Arg(0)),
                var o => throw c.Fail($"indices_or_sections {o}"),
            };
        };
        t["strided_slice"] = StridedSlice;
        t["take"] = c =>
        {
            var a = c.A<RelayOps.TakeAttrs>();
            if (a.BatchDims != 0) throw c.Fail($"batch_dims={a.BatchDims} (Relax take has no batch_dims)");
            long? axis = a.Axis is { } ax ? c.Axis(ax, c.Rank(0)) : null;
            var mode = a.Mode switch { "clip" => "clip", "wrap" => "wrap", "fast" => "fast", var m => throw c.Fail($"mode {m}") };
            return c.Op("take", new RelaxOps.TakeAttrs { Axis = axis, Mode = mode }, c.Arg(0), c.Arg(1));
        };
        t["gather"] = c => c.Op("gather_elements", new GatherElementsAttrs { Axis = c.Axis(c.A<RelayOps.GatherAttrs>().Axis ?? 0, c.Rank(0)) }, c.Arg(0), c.Arg(1));
        t["gather_nd"] = c =>
        {
            var a = c.A<RelayOps.GatherNDAttrs>();
            if (a.BatchDims != 0) throw c.Fail($"batch_dims={a.BatchDims}");
            // Relay indices are (M, Y...) (index first); Relax/ONNX indices are (Y..., M) (index last).
            return c.Op("gather_nd", new GatherNdAttrs(), c.Arg(0), IndexLast(c, 1));
        };
        t["scatter_elements"] = c =>
        {
            var a = c.A<RelayOps.ScatterElementsAttrs>();
            return c.Op("scatter_elements", new RelaxOps.ScatterElementsAttrs { Axis = c.Axis(a.Axis, c.Rank(0)), Reduction = a.Reduction }, c.Arg(0), c.Arg(1), c.Arg(2));
        };
        t["scatter_nd"] = c =>
        {
            var mode = c.A<RelayOps.ScatterNDAttrs>().Mode;
            if (mode is not ("update" or "add")) throw c.Fail($"mode {mode}");
            return c.Op("scatter_nd", new RelaxOps.ScatterNdAttrs { Reduction = mode }, c.Arg(0), IndexLast(c, 1), c.Arg(2));
        };
        t["broadcast_to"] = c => c.Op("broadcast_to", c.Arg(0), OpCall.Shape(c.OutShape()));
        t["broadcast_to_like"] = c => c.Op("broadcast_to", c.Arg(0), OpCall.Shape(c.OutShape()));
        t["tile"] = c => c.Op("tile", new RelaxOps.TileAttrs { Repeats = c.A<RelayOps.TileAttrs>().Reps ?? throw c.Fail("reps is required") }, c.Arg(0));
        t["repeat"] = c =>
        {
            var a = c.A<RelayOps.RepeatAttrs>();
            return c.Op("repeat", new RelaxOps.RepeatAttrs { Repeats = a.Repeats ?? throw c.Fail("repeats is required"), Axis = a.Axis is { } ax ? c.Axis(ax, c.Rank(0)) : (long?)null }, c.Arg(0));
        };
        t["reverse"] = c => c.Op("flip", new FlipAttrs { Axis = c.Axis(c.A<RelayOps.ReverseAttrs>().Axis ?? 0, c.Rank(0)) }, c.Arg(0));
        t["layout_transform"] = LayoutTransform;
        t["slice_like"] = c =>
        {
            var outS = c.OutShape();
            var axes = Enumerable.Range(0, outS.Length).Where(i => SymExpr.ProveEqual(outS[i], c.InShape(0)[i]) != Tri.Proven).Select(i => (long)i).ToList();
            if (axes.Count == 0) return c.Arg(0);
            return c.Op("strided_slice", new RelaxOps.StridedSliceAttrs(), c.Arg(0), OpCall.Ints(axes), OpCall.Ints(axes.Select(_ => 0L)),
                DimsTuple(axes.Select(i => outS[i])), OpCall.Ints(axes.Select(_ => 1L)));
        };
        t["trilu"] = c =>
        {
            var k = c.ConstScalar(1) ?? throw c.Fail("k must be a constant");
            return c.Op(c.A<RelayOps.TriluAttrs>().Upper ? "triu" : "tril", c.Arg(0), OpCall.Int((long)k));
        };
        t["full"] = c => c.Op("full", new InitAttrs { Dtype = c.OutTT.DType }, OpCall.Shape(c.OutShape()), c.Arg(0));
        t["full_like"] = c => c.Op("full_like", new InitAttrs { Dtype = c.OutTT.DType }, c.Arg(0), c.Arg(1));
        t["zeros"] = c => c.Op("zeros", new InitAttrs { Dtype = c.OutTT.DType }, OpCall.Shape(c.OutShape()));
        t["ones"] = c => c.Op("ones", new InitAttrs { Dtype = c.OutTT.DType }, OpCall.Shape(c.OutShape()));
        t["zeros_like"] = c => c.Op("zeros_like", new InitAttrs(), c.Arg(0));
        t["ones_like"] = c => c.Op("ones_like", new InitAttrs(), c.Arg(0));
        t["arange"] = c =>
        {
            var dt = c.OutTT.DType;
            var start = c.ConstScalar(0) ?? throw c.Fail("start must be a constant");
            var stop = c.ConstScalar(1) ?? throw c.Fail("stop must be a constant");
            var step = c.ConstScalar(2) ?? throw c.Fail("step must be a constant");
            Relax.Expr P(double v) => dt.IsFloat ? new Relax.PrimValue(dt, null, v) { Info = new Relax.PrimSInfo(dt) } : OpCall.Int((long)v);
            return c.Op("arange", new InitAttrs { Dtype = dt }, P(start), P(stop), P(step));
        };
        t["one_hot"] = c =>
        {
            var a = c.A<RelayOps.OneHotAttrs>();
            var dt = c.OutTT.DType;
            var on = c.ConstScalar(1) ?? throw c.Fail("on_value must be a constant");
            var off = c.ConstScalar(2) ?? throw c.Fail("off_value must be a constant");
            Relax.PrimValue P(double v) => dt.IsFloat ? new Relax.PrimValue(dt, null, v) { Info = new Relax.PrimSInfo(dt) } : new Relax.PrimValue(dt, (long)v) { Info = new Relax.PrimSInfo(dt) };
            return c.Op("one_hot", new RelaxOps.OneHotAttrs { Depth = a.Depth, Axis = a.Axis }, c.Arg(0), P(on), P(off));
        };
        t["shape_of"] = c =>
        {
            // R.shape_of gives an R.Shape; as a tensor it is int64, Relay's default is int32.
            var s = c.Emit("shape_of", c.Arg(0));
            var tensor = c.Emit("shape_to_tensor", s);
            var dt = c.OutTT.DType;
            return dt == DataType.Int64 ? tensor : c.Op("astype", new AstypeAttrs { Dtype = dt }, tensor);
        };
        NoTranslation("no Relax op (sequence ops)", "reverse_sequence", "sequence_mask");
        t["collapse_sum_like"] = c => c.Op("collapse_sum_like", c.Arg(0), c.Arg(1));
        NoTranslation("no Relax op", "meshgrid", "matrix_set_diag", "adv_index", "ndarray_size");
    }

    /// <summary>The fields of a tuple argument as Relax leaves (projections bound when the tuple is a var).</summary>
    private static ImmutableArray<Relax.Expr> TupleFields(OpCall c, int i)
    {
        var t = c.Arg(i);
        if (t is Relax.TupleExpr te) return te.Fields;
        var tt = c.ArgType(i) as Relay.TupleType ?? throw c.Fail($"argument {i} must be a tuple");
        var ts = t.Info as Relax.TupleSInfo;
        return [.. Enumerable.Range(0, tt.Fields.Length).Select(k => (Relax.Expr)c.Emit(new Relax.TupleGetItem(t, k) { Info = ts?.Fields[k] ?? Relax.StructInfo.Object }))];
    }

    private static Relax.TupleExpr DimsTuple(IEnumerable<SymExpr> dims)
    {
        ImmutableArray<Relax.Expr> f = [.. dims.Select(d => (Relax.Expr)Relax.PrimValue.Int64(d))];
        return new Relax.TupleExpr(f) { Info = new Relax.TupleSInfo(new ValueArray<Relax.StructInfo>(f.Select(x => x.Info!))) };
    }

    /// <summary>Moves axis 0 of argument <paramref name="i"/> to the end (Relay's index-first → Relax's index-last layout).</summary>
    private static Relax.Expr IndexLast(OpCall c, int i)
    {
        var rank = c.Rank(i);
        if (rank == 1) return c.Emit("expand_dims", new RelaxOps.ExpandDimsAttrs { Axis = [0] }, c.Arg(i));
        var perm = Enumerable.Range(1, rank - 1).Append(0).Select(k => (long)k);
        return c.Emit("permute_dims", new PermuteDimsAttrs { Axes = new ValueArray<long>(perm) }, c.Arg(i));
    }

    /// <summary>Resolves Relay's reshape codes 0 (copy), -1 (infer), -2 (copy rest), -3 (merge two), -4 (split one) statically.</summary>
    internal static List<SymExpr> ResolveReshape(OpCall c, IReadOnlyList<SymExpr> inShape, ValueArray<long> ns, bool allowZero)
    {
        var outS = new List<SymExpr>();
        var inferAt = -1;
        var src = 0;
        for (var i = 0; i < ns.Length; i++)
        {
            var v = ns[i];
            switch (v)
            {
                case > 0: outS.Add(v); src++; break;
                case 0 when allowZero: outS.Add(0); src++; break;
                case 0:
                    if (src >= inShape.Count) throw c.Fail("newshape 0 refers past the input rank");
                    outS.Add(inShape[src++]);
                    break;
                case -1:
                    if (inferAt >= 0) throw c.Fail("more than one -1 in newshape");
                    inferAt = outS.Count;
                    outS.Add(-1);
                    src++;
                    break;
                case -2:
                    while (src < inShape.Count) outS.Add(inShape[src++]);
                    break;
                case -3:
                    if (src + 1 >= inShape.Count) throw c.Fail("newshape -3 needs two input dims");
                    outS.Add(inShape[src] * inShape[src + 1]);
                    src += 2;
                    break;
                case -4:
                {
                    if (i + 2 >= ns.Length) throw c.Fail("newshape -4 needs two following values");
                    var d = inShape[src++];
                    long a = ns[i + 1], b = ns[i + 2];
                    if (a == -1 && b == -1) throw c.Fail("newshape -4 with two -1");
                    SymExpr da = a == -1 ? SymExpr.FloorDiv(d, b) : a;
                    SymExpr db = b == -1 ? SymExpr.FloorDiv(d, a) : b;
                    outS.Add(da);
                    outS.Add(db);
                    i += 2;
                    break;
                }
                default: throw c.Fail($"newshape value {v}");
            }
        }
        if (inferAt >= 0)
        {
            SymExpr total = 1, known = 1;
            foreach (var d in inShape) total *= d;
            for (var i = 0; i < outS.Count; i++) if (i != inferAt) known *= outS[i];
            var inferred = SymExpr.FloorDiv(total, known);
            // Prefer the Relay checked type's static dim when our symbolic quotient does not simplify.
            if (!inferred.IsConst() && c.OutTT.Rank == outS.Count && c.OutTT.Shape[inferAt].IsConst()) inferred = c.OutTT.Shape[inferAt];
            outS[inferAt] = inferred;
        }
        return outS;
    }

    private static Relax.Expr StridedSlice(OpCall c)
    {
        var a = c.A<RelayOps.StridedSliceAttrs>();
        var rank = c.Rank(0);
        var inS = c.InShape(0);
        var begin = a.Begin ?? throw c.Fail("begin is required");
        var end = a.End ?? [];
        var strides = a.Strides ?? [];
        var axes = a.Axes is { } ax ? ax.Select(x => c.Axis(x, rank)).ToList() : Enumerable.Range(0, begin.Length).Select(i => (long)i).ToList();
        if (axes.Count < begin.Length) throw c.Fail("fewer axes than begin values");
        var n = begin.Length;
        var bs = new List<long>();
        var es = new List<SymExpr>();
        var ss = new List<long>();
        for (var i = 0; i < n; i++)
        {
            var axis = (int)axes[i];
            // Relay: a single stride applies to every axis; missing strides are 1.
            var st = strides.Length == 0 ? 1 : strides.Length == 1 ? strides[0] : i < strides.Length ? strides[i] : 1;
            if (st == 0) throw c.Fail("stride 0");
            var b = begin[i];
            SymExpr e;
            if (a.SliceMode == "size")
            {
                // slice_mode="size": end = begin + size; size -1 means "to the end of the axis".
                var size = i < end.Length ? end[i] : -1;
                if (st != 1) throw c.Fail("slice_mode=size requires stride 1");
                e = size < 0 ? inS[axis] : (SymExpr)(b < 0 ? b + size : b + size);
                if (b < 0 && size >= 0 && b + size >= 0) e = inS[axis] + b + size;
            }
            else if (i >= end.Length) e = st > 0 ? inS[axis] : (SymExpr)(long.MinValue / 4); // clamped to "before 0"
            else e = end[i];
            bs.Add(b);
            es.Add(e);
            ss.Add(st);
        }
        return c.Op("strided_slice", new RelaxOps.StridedSliceAttrs(), c.Arg(0), OpCall.Ints(axes.Take(n)), OpCall.Ints(bs), DimsTuple(es), OpCall.Ints(ss));
    }

    /// <summary>
    /// layout_transform with string layouts → permute_dims (same letters), or reshape+permute (packing into a blocked
    /// layout such as NCHW4c) / permute+reshape (unpacking). Other combinations are reported.
    /// </summary>
    private static Relax.Expr LayoutTransform(OpCall c)
    {
        var a = c.A<RelayOps.LayoutTransformAttrs>();
        var src = ParseLayout(c, a.SrcLayout ?? "");
        var dst = ParseLayout(c, a.DstLayout ?? "");
        var inS = c.InShape(0);
        if (inS.Length != src.Count) throw c.Fail($"layout {a.SrcLayout} does not match rank {inS.Length}");
        if (src.SequenceEqual(dst)) return c.Arg(0);
        bool srcBlocked = src.Any(x => x.Factor > 0), dstBlocked = dst.Any(x => x.Factor > 0);
        var primals = src.Where(x => x.Factor == 0).Select(x => x.Axis).ToHashSet();
        if (!dst.Where(x => x.Factor == 0).Select(x => x.Axis).ToHashSet().SetEquals(primals)) throw c.Fail($"{a.SrcLayout} → {a.DstLayout}: different axes");
        if (!srcBlocked && !dstBlocked)
        {
            var perm = dst.Select(d => (long)src.FindIndex(s => s.Axis == d.Axis)).ToArray();
            return c.Op("permute_dims", new PermuteDimsAttrs { Axes = new ValueArray<long>(perm) }, c.Arg(0));
        }
        if (!srcBlocked)
        {
            // Pack: split each blocked axis X into (X/f, f) in place, then permute into dst order.
            var factor = dst.Where(d => d.Factor > 0).ToDictionary(d => d.Axis, d => d.Factor);
            var shape = new List<SymExpr>();
            var labels = new List<(char Axis, bool Inner)>();
            for (var i = 0; i < src.Count; i++)
            {
                if (factor.TryGetValue(src[i].Axis, out var f)) { shape.Add(SymExpr.FloorDiv(inS[i], f)); shape.Add(f); labels.Add((src[i].Axis, false)); labels.Add((src[i].Axis, true)); }
                else { shape.Add(inS[i]); labels.Add((src[i].Axis, false)); }
            }
            var r = c.Emit("reshape", c.Arg(0), OpCall.Shape(shape));
            var perm = dst.Select(d => (long)labels.IndexOf((d.Axis, d.Factor > 0))).ToArray();
            return c.Op("permute_dims", new PermuteDimsAttrs { Axes = new ValueArray<long>(perm) }, r);
        }
        if (!dstBlocked)
        {
            // Unpack: put each inner block right after its outer axis in dst order, then merge.
            var perm = new List<long>();
            var shape = new List<SymExpr>();
            foreach (var d in dst)
            {
                var o = src.FindIndex(s => s.Axis == d.Axis && s.Factor == 0);
                perm.Add(o);
                var inner = src.FindIndex(s => s.Axis == d.Axis && s.Factor > 0);
                if (inner >= 0) { perm.Add(inner); shape.Add(inS[o] * src[inner].Factor); }
                else shape.Add(inS[o]);
            }
            var p = c.Emit("permute_dims", new PermuteDimsAttrs { Axes = new ValueArray<long>(perm) }, c.Arg(0));
            return c.Op("reshape", p, OpCall.Shape(shape));
        }
        throw c.Fail($"{a.SrcLayout} → {a.DstLayout}: re-blocking between two blocked layouts");
    }

    private static List<(char Axis, long Factor)> ParseLayout(OpCall c, string layout)
    {
        var l = new List<(char, long)>();
        long num = 0;
        foreach (var ch in layout)
        {
            if (char.IsDigit(ch)) { num = num * 10 + (ch - '0'); continue; }
            if (char.IsUpper(ch)) { if (num != 0) throw c.Fail($"bad layout {layout}"); l.Add((ch, 0)); }
            else if (char.IsLower(ch)) { if (num == 0) throw c.Fail($"bad layout {layout}"); l.Add((char.ToUpperInvariant(ch), num)); num = 0; }
            else throw c.Fail($"bad layout {layout}");
        }
        if (num != 0 || l.Count == 0) throw c.Fail($"bad layout '{layout}'");
        return l;
    }
}

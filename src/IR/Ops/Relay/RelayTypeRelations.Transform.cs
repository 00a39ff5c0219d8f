using Bridge.Ir.Relay;
using Bridge.Ir.Ops.Spec;

namespace Bridge.Ir.Ops.Relay;

internal static partial class RelayTypeRelations
{
    private static TupleType TupleArg(IReadOnlyList<RelayType> a, int i, RelationContext c) =>
        i < a.Count && a[i] is TupleType t ? t : throw c.Fail($"argument {i} must be a tuple, got {(i < a.Count ? a[i] : "nothing")}");

    /// <summary>reshape's newshape special values (0 copy, -1 infer, -2 rest, -3 merge, -4 split), as TVM's ReshapeRel.</summary>
    private static SymExpr[] Reshape(TensorType d, ValueArray<long> ns, bool allowZero, RelationContext c)
    {
        var outS = new List<SymExpr>();
        var src = 0;
        var inferIdx = -1;
        for (var i = 0; i < ns.Count; i++)
        {
            var v = ns[i];
            if (v == 0 && !allowZero) { if (src >= d.Rank) throw c.Fail("newshape 0 has no input dim to copy"); outS.Add(d.Shape[src++]); }
            else if (v > 0 || v == 0) { outS.Add(v); src++; }
            else if (v == -1) { if (inferIdx >= 0) throw c.Fail("newshape has more than one -1"); inferIdx = outS.Count; outS.Add(-1); src++; }
            else if (v == -2) { while (src < d.Rank) outS.Add(d.Shape[src++]); }
            else if (v == -3)
            {
                if (src + 1 >= d.Rank) throw c.Fail("newshape -3 needs two input dims");
                var (x, y) = (d.Shape[src], d.Shape[src + 1]);
                outS.Add(D(() => x * y, x, y)); src += 2;
            }
            else if (v == -4)
            {
                if (i + 2 >= ns.Count || src >= d.Rank) throw c.Fail("newshape -4 needs two following values");
                var whole = d.Shape[src++];
                var (a1, a2) = (ns[i + 1], ns[i + 2]);
                i += 2;
                if (a1 == -1) outS.Add(D(() => SymExpr.FloorDiv(whole, a2), whole)); else outS.Add(a1);
                if (a2 == -1) outS.Add(D(() => SymExpr.FloorDiv(whole, a1), whole)); else outS.Add(a2);
            }
            else throw c.Fail($"bad newshape value {v}");
        }
        if (inferIdx >= 0)
        {
            var total = Prod(d.Shape);
            SymExpr known = 1;
            var anyKnown = false;
            for (var i = 0; i < outS.Count; i++) if (i != inferIdx) { if (IsAny(outS[i])) anyKnown = true; else known *= outS[i]; }
            outS[inferIdx] = anyKnown || IsAny(total) ? SymVar.Any() : SymExpr.FloorDiv(total, known);
        }
        return [.. outS];
    }

    private static void Transforms()
    {
        Rel(["reshape", "contrib_reverse_reshape"], (a, at, c) =>
        {
            var x = (ReshapeAttrs)at; var d = T(a, 0, c);
            if (x.Newshape is not { } ns) throw c.Fail("newshape is required");
            if (c.OpName == "contrib_reverse_reshape")
            {
                var rev = new TensorType([.. d.Shape.Reverse()], d.DType);
                return WithShape(d, Reshape(rev, new ValueArray<long>(ns.Reverse()), x.Allowzero, c).Reverse());
            }
            return WithShape(d, Reshape(d, ns, x.Allowzero, c));
        });
        Rel("reshape_like", (a, _, c) => WithShape(T(a, 0, c), T(a, 1, c).Shape));
        Rel("expand_dims", (a, at, c) =>
        {
            var x = (ExpandDimsAttrs)at; var d = T(a, 0, c);
            var ax = x.Axis ?? throw c.Fail("axis is required");
            if (ax < -d.Rank - 1 || ax > d.Rank) throw c.Fail($"axis {ax} out of range");
            var pos = (int)(ax < 0 ? ax + d.Rank + 1 : ax);
            var s = d.Shape.ToList();
            for (var k = 0; k < x.NumNewaxis; k++) s.Insert(pos, 1);
            return WithShape(d, s);
        });
        Rel("squeeze", (a, at, c) =>
        {
            var x = (SqueezeAttrs)at; var d = T(a, 0, c);
            if (x.Axis is not { } axes) return WithShape(d, d.Shape.Where(s => s.AsConst != 1));
            var drop = axes.Select(v => Axis(v, d.Rank, c)).ToHashSet();
            return WithShape(d, d.Shape.Where((_, i) => !drop.Contains(i)));
        });
        Rel("transpose", (a, at, c) =>
        {
            var x = (TransposeAttrs)at; var d = T(a, 0, c);
            var axes = x.Axes is { Count: > 0 } ax ? ax.Select(v => Axis(v, d.Rank, c)).ToArray() : Enumerable.Range(0, d.Rank).Reverse().ToArray();
            if (axes.Length != d.Rank) throw c.Fail($"axes has {axes.Length} entries for rank {d.Rank}");
            return WithShape(d, axes.Select(i => d.Shape[i]));
        });
        Rel(["concatenate", "qnn.concatenate"], (a, at, c) =>
        {
            var tt = TupleArg(a, 0, c);
            if (tt.Fields.Length == 0) throw c.Fail("cannot concatenate an empty tuple");
            var fs = tt.Fields.Select((f, i) => f as TensorType ?? throw c.Fail($"field {i} is not a tensor")).ToList();
            var ax = Axis(((ConcatenateAttrs)at).Axis, fs[0].Rank, c);
            var s = fs[0].Shape.ToArray();
            foreach (var f in fs.Skip(1))
            {
                if (f.Rank != fs[0].Rank) throw c.Fail("concatenated tensors differ in rank");
                var prev = s[ax];
                s[ax] = D(() => prev + f.Shape[ax], prev, f.Shape[ax]);
            }
            return new TensorType([.. s], fs[0].DType);
        });
        Rel("stack", (a, at, c) =>
        {
            var tt = TupleArg(a, 0, c);
            var f0 = tt.Fields.Length > 0 && tt.Fields[0] is TensorType t0 ? t0 : throw c.Fail("stack needs a tuple of tensors");
            var ax = ((StackAttrs)at).Axis;
            var pos = (int)(ax < 0 ? ax + f0.Rank + 1 : ax);
            var s = f0.Shape.ToList();
            s.Insert(pos, tt.Fields.Length);
            return WithShape(f0, s);
        });
        Rel("split", (a, at, c) =>
        {
            var x = (SplitAttrs)at; var d = T(a, 0, c);
            var ax = Axis(x.Axis, d.Rank, c);
            var dim = d.Shape[ax];
            var parts = new List<TensorType>();
            if (x.IndicesOrSections is long n)
            {
                if (n <= 0) throw c.Fail("indices_or_sections must be positive");
                for (var i = 0; i < n; i++) { var s = d.Shape.ToArray(); s[ax] = D(() => SymExpr.FloorDiv(dim, n), dim); parts.Add(WithShape(d, s)); }
            }
            else if (x.IndicesOrSections is ValueArray<object?> idx)
            {
                var points = idx.Select(o => o is long l ? l : throw c.Fail("split indices must be integers")).ToList();
                long begin = 0;
                foreach (var p in points.Append(-1))
                {
                    var s = d.Shape.ToArray();
                    var b0 = begin;
                    s[ax] = p == -1 ? D(() => dim - b0, dim) : p - begin;
                    parts.Add(WithShape(d, s));
                    begin = p;
                }
            }
            else throw c.Fail("indices_or_sections must be an integer or an array");
            return new TupleType([.. parts]);
        });
        Rel("strided_slice", (a, at, c) =>
        {
            var x = (StridedSliceAttrs)at; var d = T(a, 0, c);
            var s = d.Shape.ToArray();
            var begin = x.Begin ?? ValueArray<long>.Empty; var end = x.End ?? ValueArray<long>.Empty; var strides = x.Strides ?? ValueArray<long>.Empty;
            var axes = x.Axes is { } ax ? ax.Select(v => Axis(v, d.Rank, c)).ToArray() : Enumerable.Range(0, Math.Max(begin.Count, end.Count)).ToArray();
            for (var k = 0; k < axes.Length; k++)
            {
                var i = axes[k];
                if (i >= d.Rank) throw c.Fail($"begin/end have more entries than the rank {d.Rank}");
                if (!d.Shape[i].IsConst(out var n)) { s[i] = SymVar.Any(); continue; }
                var st = x.SliceMode == "size" ? 1 : k < strides.Count ? strides[k] : strides.Count == 1 ? strides[0] : 1;
                if (st == 0) throw c.Fail("stride 0");
                long b = k < begin.Count ? begin[k] : st > 0 ? 0 : n - 1;
                long e;
                if (x.SliceMode == "size")
                {
                    var len = k < end.Count ? end[k] : -1;
                    if (b < 0) b += n;
                    e = len < 0 ? n : b + len;
                }
                else e = k < end.Count ? end[k] : st > 0 ? n : -n - 1;
                s[i] = SliceLen(b, e, st, n);
            }
            return WithShape(d, s);
        });
        Rel("take", (a, at, c) =>
        {
            var x = (TakeAttrs)at; var d = T(a, 0, c); var idx = T(a, 1, c);
            if (x.Axis is not { } axv) return WithShape(d, idx.Shape);
            var ax = Axis(axv, d.Rank, c);
            var bd = (int)(x.BatchDims < 0 ? x.BatchDims + idx.Rank : x.BatchDims);
            var s = new List<SymExpr>();
            s.AddRange(d.Shape.Take(ax));
            s.AddRange(idx.Shape.Skip(bd));
            s.AddRange(d.Shape.Skip(ax + 1));
            return WithShape(d, s);
        });
        Rel("gather", (a, _, c) => WithShape(T(a, 0, c), T(a, 1, c).Shape));
        Rel("gather_nd", (a, at, c) =>
        {
            var d = T(a, 0, c); var idx = T(a, 1, c);
            if (!idx.Shape[0].IsConst(out var m)) throw c.Fail("gather_nd needs a static index depth");
            // batch_dims leading dims are shared by data and indices: out = indices[1:] + data[batch_dims + M:].
            return WithShape(d, idx.Shape.Skip(1).Concat(d.Shape.Skip((int)(m + ((GatherNDAttrs)at).BatchDims))));
        });
        Rel(["scatter_elements", "scatter_nd"], (a, _, c) => T(a, 0, c));
        Rel(["broadcast_to"], (a, at, c) => WithShape(T(a, 0, c), (((InitOpAttrs)at).Shape ?? throw c.Fail("shape is required")).Select(v => (SymExpr)v)));
        Rel(["zeros", "ones"], (a, at, c) => { var x = (InitOpAttrs)at; return new TensorType([.. (x.Shape ?? throw c.Fail("shape is required")).Select(v => (SymExpr)v)], Dt(x.Dtype, DataType.Float32)); });
        Rel(["full"], (a, at, c) => { var x = (InitOpAttrs)at; return new TensorType([.. (x.Shape ?? throw c.Fail("shape is required")).Select(v => (SymExpr)v)], Dt(x.Dtype, T(a, 0, c).DType)); });
        Rel("tile", (a, at, c) =>
        {
            var d = T(a, 0, c); var reps = ((TileAttrs)at).Reps ?? throw c.Fail("reps is required");
            var n = Math.Max(d.Rank, reps.Count);
            var s = new SymExpr[n];
            for (var i = 0; i < n; i++)
            {
                SymExpr di = i < n - d.Rank ? 1 : d.Shape[i - (n - d.Rank)];
                var r = i < n - reps.Count ? 1 : reps[i - (n - reps.Count)];
                s[i] = D(() => di * r, di);
            }
            return WithShape(d, s);
        });
        Rel("repeat", (a, at, c) =>
        {
            var x = (RepeatAttrs)at; var d = T(a, 0, c);
            var r = x.Repeats ?? throw c.Fail("repeats is required");
            if (x.Axis is not { } axv) return WithShape(d, [D(() => Prod(d.Shape) * r, Prod(d.Shape))]);
            var ax = Axis(axv, d.Rank, c);
            var s = d.Shape.ToArray(); var v = s[ax];
            s[ax] = D(() => v * r, v);
            return WithShape(d, s);
        });
        Rel("layout_transform", (a, at, c) =>
        {
            var x = (LayoutTransformAttrs)at; var d = T(a, 0, c);
            return WithShape(d, LayoutTransform(d, x.SrcLayout ?? "", x.DstLayout ?? "", c));
        });
        Rel("shape_of", (a, at, c) => new TensorType([T(a, 0, c).Rank], Dt(((ShapeOfAttrs)at).Dtype, DataType.Int32)));
        Rel("ndarray_size", (a, at, c) => TensorType.Scalar(Dt(((NdarraySizeAttrs)at).Dtype, DataType.Int32)));
        Rel("one_hot", (a, at, c) =>
        {
            var x = (OneHotAttrs)at; var idx = T(a, 0, c);
            var s = idx.Shape.ToList();
            var pos = x.Axis < 0 ? s.Count + 1 + (int)x.Axis : (int)x.Axis;
            s.Insert(pos, x.Depth);
            return new TensorType([.. s], Dt(x.Dtype, T(a, 1, c).DType));
        });
        Rel("arange", (a, at, c) => new TensorType([SymVar.Any()], Dt(((ArangeAttrs)at).Dtype, DataType.Float32)));
        Rel("argwhere", (a, _, c) => new TensorType([SymVar.Any(), T(a, 0, c).Rank], DataType.Int32));
    }

    private static SymExpr SliceLen(long b, long e, long st, long n)
    {
        if (st > 0)
        {
            if (b < 0) b += n;
            if (e < 0) e += n;
            b = Math.Clamp(b, 0, n); e = Math.Clamp(e, 0, n);
            return e <= b ? 0 : (e - b + st - 1) / st;
        }
        if (b < 0) b += n;
        if (e < 0) e += n;
        b = Math.Clamp(b, -1, n - 1);
        e = Math.Clamp(e, -1, n - 1);
        return b <= e ? 0 : (b - e + (-st) - 1) / -st;
    }

    /// <summary>layout_transform between layouts with split sub-dimensions (NCHW ↔ NCHW4c / NHWC).</summary>
    private static SymExpr[] LayoutTransform(TensorType d, string src, string dst, RelationContext c)
    {
        var srcAxes = ParseLayout(src, c); var dstAxes = ParseLayout(dst, c);
        if (srcAxes.Count != d.Rank) throw c.Fail($"src_layout {src} does not match rank {d.Rank}");
        var primal = new Dictionary<char, SymExpr>();
        for (var i = 0; i < srcAxes.Count; i++)
        {
            var (ax, f) = srcAxes[i];
            if (char.IsUpper(ax))
            {
                var sub = srcAxes.FirstOrDefault(p => p.Axis == char.ToLowerInvariant(ax));
                var dim = d.Shape[i];
                primal[ax] = sub.Axis == 0 ? dim : D(() => dim * sub.Factor, dim);
            }
        }
        return [.. dstAxes.Select(p =>
        {
            if (char.IsLower(p.Axis)) return (SymExpr)p.Factor;
            if (!primal.TryGetValue(p.Axis, out var full)) throw c.Fail($"dst_layout {dst} has axis {p.Axis} missing from {src}");
            var sub = dstAxes.FirstOrDefault(q => q.Axis == char.ToLowerInvariant(p.Axis));
            return sub.Axis == 0 ? full : D(() => SymExpr.FloorDiv(full, sub.Factor), full);
        })];
    }

    private static List<(char Axis, long Factor)> ParseLayout(string l, RelationContext c)
    {
        var r = new List<(char, long)>();
        long num = 0;
        foreach (var ch in l)
        {
            if (char.IsAsciiDigit(ch)) num = num * 10 + (ch - '0');
            else if (char.IsAsciiLetter(ch)) { r.Add((ch, num)); num = 0; }
            else throw c.Fail($"bad layout '{l}'");
        }
        return r;
    }

    // ---------- reductions ----------
    private static TensorType Reduce(TensorType d, ValueArray<long>? axis, bool keep, bool exclude, DataType dt, RelationContext c)
    {
        var set = axis is { } ax ? ax.Select(v => Axis(v, d.Rank, c)).ToHashSet() : Enumerable.Range(0, d.Rank).ToHashSet();
        if (exclude) set = Enumerable.Range(0, d.Rank).Where(i => !set.Contains(i)).ToHashSet();
        var s = new List<SymExpr>();
        for (var i = 0; i < d.Rank; i++)
            if (!set.Contains(i)) s.Add(d.Shape[i]);
            else if (keep) s.Add(1);
        return new TensorType([.. s], dt);
    }

    private static void Reductions()
    {
        // The reduction spec rows: one relation over the rows' typed view of the attrs (Relay's index type is int32).
        foreach (var row in ReductionSpec.All)
            if (row.RelayName is { } name)
            {
                var res = row.Result;
                Rel(name, (a, at, c) =>
                {
                    var x = (IReduceAttrs)at; var d = T(a, 0, c);
                    var dt = res switch { ReduceResult.Bool => DataType.Bool, ReduceResult.Index => DataType.Int32, _ => d.DType };
                    return Reduce(d, x.Axis, x.Keepdims, x.Exclude, dt, c);
                });
            }
        Rel(["cumsum", "cumprod"], (a, at, c) =>
        {
            var x = (ScanopAttrs)at; var d = T(a, 0, c);
            var dt = Dt(x.Dtype, d.DType);
            return x.Axis is null ? new TensorType([Prod(d.Shape)], dt) : WithShape(d, d.Shape, dt);
        });
        Rel("argsort", (a, at, c) => WithShape(T(a, 0, c), T(a, 0, c).Shape, Dt(((ArgsortAttrs)at).Dtype, DataType.Int32)));
        Rel("topk", (a, at, c) =>
        {
            var x = (TopkAttrs)at; var d = T(a, 0, c);
            var ax = Axis(x.Axis, d.Rank, c);
            var s = d.Shape.ToArray();
            if (x.K is { } k && k >= 1) s[ax] = k;
            var values = WithShape(d, s);
            var idx = WithShape(d, s, Dt(x.Dtype, DataType.Int32));
            return x.RetType switch { "values" => values, "indices" => idx, _ => new TupleType([values, idx]) };
        });
    }

    private static void Misc()
    {
        // call_lowered(@f, (args...)): the result type of the lowered global function.
        Rel("call_lowered", (a, _, c) => a.Count > 0 && a[0] is FuncType ft ? ft.RetType : throw c.Fail("first argument must be a function"));
        Rel("memory.kill", (a, _, c) => TupleType.Unit);
    }
}

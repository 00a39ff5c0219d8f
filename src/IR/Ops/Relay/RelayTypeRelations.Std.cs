using Bridge.Ir.Relay;

namespace Bridge.Ir.Ops.Relay;

// Type relations of registered Relay ops that had none (needed by the ONNX standard-domain rules of the Relay emitter).
internal static partial class RelayTypeRelations
{
    private static void StdOps()
    {
        Rel(["left_shift", "right_shift"], (a, _, c) => new TensorType(Broadcast(T(a, 0, c), T(a, 1, c), c), T(a, 0, c).DType));
        Rel(["trilu", "nn.lrn", "reverse_sequence"], (a, _, c) => T(a, 0, c));
        Rel("nn.group_norm", (a, at, c) =>
        {
            var d = T(a, 0, c);
            var x = (GroupNormAttrs)at;
            var ax = Axis(x.Axis, d.Rank, c);
            if (x.NumGroups <= 0) throw c.Fail($"num_groups must be positive, got {x.NumGroups}");
            if (d.Shape[ax].AsConst is { } ch && ch % x.NumGroups != 0) throw c.Fail($"{ch} channels do not split into {x.NumGroups} groups");
            return d;
        });
        Rel("nn.prelu", (a, at, c) =>
        {
            var d = T(a, 0, c);
            var ax = Axis(((PReluAttrs)at).Axis, d.Rank, c);
            var s = T(a, 1, c);
            if (s.Rank != 1) throw c.Fail($"alpha must be 1-D, got {s}");
            if (s.Shape[0].AsConst is { } n && d.Shape[ax].AsConst is { } ch && n != ch && n != 1) throw c.Fail($"alpha of {n} values for {ch} channels");
            return d;
        });
        Rel(["image.resize1d", "image.resize3d"], (a, at, c) =>
        {
            var d = T(a, 0, c);
            var (layout, size, outDtype) = at switch
            {
                Resize1DAttrs r1 => (r1.Layout, r1.Size, r1.OutDtype),
                Resize3DAttrs r3 => (r3.Layout, r3.Size, r3.OutDtype),
                _ => throw c.Fail("unexpected attrs"),
            };
            var l = Layout(layout, c);
            if (layout.Length != d.Rank) throw c.Fail($"layout {layout} does not match {d}");
            var s = d.Shape.ToArray();
            var spatial = layout.Where(ch => ch is 'D' or 'H' or 'W').ToArray();
            if (size is { } sz)
            {
                if (sz.Count != spatial.Length) throw c.Fail($"size has {sz.Count} values for layout {layout}");
                for (var i = 0; i < spatial.Length; i++) s[l[spatial[i]]] = sz[i];
            }
            return WithShape(d, s, Dt(outDtype, d.DType));
        });
        Rel("image.grid_sample", (a, at, c) =>
        {
            var d = T(a, 0, c); var g = T(a, 1, c);
            if (d.Rank != 4 || g.Rank != 4) throw c.Fail($"grid_sample takes 4-D data and a (N, 2, H, W) grid, got {d} and {g}");
            return WithShape(d, [d.Shape[0], d.Shape[1], g.Shape[2], g.Shape[3]]);
        });
        Rel("vision.roi_align", (a, at, c) =>
        {
            var d = T(a, 0, c); var r = T(a, 1, c);
            var ps = ((ROIAlignAttrs)at).PooledSize ?? throw c.Fail("pooled_size is required");
            if (d.Rank != 4 || r.Rank != 2 || ps.Count != 2) throw c.Fail($"roi_align takes NCHW data, (R, 5) rois and two pooled sizes, got {d}, {r}");
            return WithShape(d, [r.Shape[0], d.Shape[1], ps[0], ps[1]]);
        });
        Rel("vision.roi_pool", (a, at, c) =>
        {
            var d = T(a, 0, c); var r = T(a, 1, c);
            var ps = ((ROIPoolAttrs)at).PooledSize ?? throw c.Fail("pooled_size is required");
            if (d.Rank != 4 || r.Rank != 2 || ps.Count != 2) throw c.Fail($"roi_pool takes NCHW data, (R, 5) rois and two pooled sizes, got {d}, {r}");
            return WithShape(d, [r.Shape[0], d.Shape[1], ps[0], ps[1]]);
        });
        Rel("einsum", (a, at, c) =>
        {
            var eq = ((EinsumAttrs)at).Equation ?? throw c.Fail("equation is required");
            if (a.Count < 1 || a[0] is not TupleType tt) throw c.Fail("einsum takes a tuple of tensors");
            var ins = tt.Fields.Select((f, i) => f as TensorType ?? throw c.Fail($"operand {i} is not a tensor")).ToList();
            return EinsumType(eq, ins, c);
        });
    }

    /// <summary>Output type of an einsum equation (explicit "->" output or the implicit sorted once-only letters), with "...".</summary>
    internal static TensorType EinsumType(string equation, IReadOnlyList<TensorType> ins, RelationContext c)
    {
        var eq = equation.Replace(" ", "", StringComparison.Ordinal);
        var arrow = eq.IndexOf("->", StringComparison.Ordinal);
        var lhs = arrow >= 0 ? eq[..arrow] : eq;
        var terms = lhs.Split(',');
        if (terms.Length != ins.Count) throw c.Fail($"equation '{equation}' has {terms.Length} operands, got {ins.Count}");
        var dims = new Dictionary<char, SymExpr>();
        var counts = new Dictionary<char, int>();
        SymExpr[] ell = [];
        for (var i = 0; i < terms.Length; i++)
        {
            var term = terms[i];
            var e = term.IndexOf("...", StringComparison.Ordinal);
            var letters = term.Replace("...", "", StringComparison.Ordinal);
            var shape = ins[i].Shape;
            var ellRank = e >= 0 ? shape.Length - letters.Length : 0;
            if (ellRank < 0 || (e < 0 && letters.Length != shape.Length)) throw c.Fail($"term '{term}' does not match operand {ins[i]}");
            for (var j = 0; j < letters.Length; j++)
            {
                var pos = e >= 0 && j >= e ? j + ellRank : j;
                var ch = letters[j];
                if (!char.IsLetter(ch)) throw c.Fail($"bad subscript '{ch}' in '{equation}'");
                counts[ch] = counts.GetValueOrDefault(ch) + 1;
                var d = shape[pos];
                if (!dims.TryGetValue(ch, out var have) || have.AsConst == 1) dims[ch] = d;
            }
            if (e >= 0)
            {
                var part = new TensorType([.. shape.Skip(e).Take(ellRank)], ins[i].DType);
                ell = [.. Broadcast(new TensorType([.. ell], ins[i].DType), part, c)];
            }
        }
        IEnumerable<SymExpr> outShape;
        if (arrow >= 0)
        {
            var rhs = eq[(arrow + 2)..];
            var e = rhs.IndexOf("...", StringComparison.Ordinal);
            var letters = rhs.Replace("...", "", StringComparison.Ordinal);
            var res = new List<SymExpr>();
            for (var j = 0; j < letters.Length; j++)
            {
                if (e >= 0 && j == e) res.AddRange(ell);
                res.Add(dims.TryGetValue(letters[j], out var d) ? d : throw c.Fail($"output subscript '{letters[j]}' is not in the inputs"));
            }
            if (e >= 0 && e == letters.Length) res.AddRange(ell);
            outShape = res;
        }
        else outShape = ell.Concat(counts.Where(kv => kv.Value == 1).Select(kv => kv.Key).Order().Select(ch => dims[ch]));
        return new TensorType([.. outShape], ins[0].DType);
    }
}

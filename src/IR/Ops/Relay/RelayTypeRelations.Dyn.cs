using Bridge.Ir.Relay;

namespace Bridge.Ir.Ops.Relay;

// Type relations of the dyn.* ops (TVM src/relay/op/dyn/): the shape-like operand is a run-time tensor, so the result's
// rank comes from that tensor's static length and every dim it sets is Any (`?`), as TVM's relations give before
// DynamicToStatic. A shape operand of unknown length (an Any dim itself) cannot give a rank: that is a type error.
internal static partial class RelayTypeRelations
{
    /// <summary>The static length of a 1-D shape-like operand (dyn ops take int32/int64 vectors).</summary>
    private static int ShapeLength(IReadOnlyList<RelayType> args, int i, string what, RelationContext c)
    {
        var t = T(args, i, c);
        if (!t.DType.IsInt && !t.DType.IsUInt) throw c.Fail($"{what} must be an integer tensor, got {t.DType}");
        if (t.Rank != 1) throw c.Fail($"{what} must be a 1-D tensor, got rank {t.Rank}");
        if (!t.Shape[0].IsConst(out var n)) throw c.Fail($"{what} has a dynamic length ({t.Shape[0]}), so the result rank is unknown");
        return (int)n;
    }

    private static SymExpr[] Anys(int n) => [.. Enumerable.Range(0, n).Select(_ => (SymExpr)SymVar.Any())];

    private static void Dyn()
    {
        Rel("dyn.reshape", (a, _, c) => WithShape(T(a, 0, c), Anys(ShapeLength(a, 1, "newshape", c))));
        Rel("dyn.broadcast_to", (a, _, c) => WithShape(T(a, 0, c), Anys(ShapeLength(a, 1, "shape", c))));
        Rel("dyn.full", (a, at, c) =>
        {
            var fill = T(a, 0, c);
            if (fill.Rank != 0) throw c.Fail($"fill_value must be a scalar, got rank {fill.Rank}");
            return new TensorType([.. Anys(ShapeLength(a, 1, "shape", c))], Dt(((InitOpAttrs)at).Dtype, fill.DType));
        });
        Rel(["dyn.zeros", "dyn.ones"], (a, at, c) => new TensorType([.. Anys(ShapeLength(a, 0, "shape", c))], Dt(((InitOpAttrs)at).Dtype, DataType.Float32)));
        Rel("dyn.tile", (a, _, c) => WithShape(T(a, 0, c), Anys(Math.Max(T(a, 0, c).Rank, ShapeLength(a, 1, "reps", c)))));
        Rel("dyn.squeeze", (a, _, c) =>
        {
            var d = T(a, 0, c);
            var n = ShapeLength(a, 1, "axes", c);
            if (n > d.Rank) throw c.Fail($"{n} axes to squeeze from rank {d.Rank}");
            return WithShape(d, Anys(d.Rank - n));
        });
        Rel("dyn.expand_dims", (a, at, c) =>
        {
            var d = T(a, 0, c);
            var ax = T(a, 1, c);
            if (ax.Rank > 1 || ax.Rank == 1 && ax.Shape[0].AsConst != 1) throw c.Fail("axis must be a scalar or a 1-element tensor");
            return WithShape(d, Anys(d.Rank + (int)((DynExpandDimsAttrs)at).NumNewaxis));
        });
        Rel("dyn.strided_slice", (a, _, c) =>
        {
            // begin/end/strides cover the leading axes; the dims they slice are unknown, the rest are kept (TVM gives Any for all).
            var d = T(a, 0, c);
            var n = ShapeLength(a, 1, "begin", c);
            if (n > d.Rank) throw c.Fail($"begin has {n} entries for rank {d.Rank}");
            if (ShapeLength(a, 2, "end", c) != n) throw c.Fail("begin and end have different lengths");
            var s = d.Shape.ToArray();
            for (var i = 0; i < n; i++) s[i] = SymVar.Any();
            return WithShape(d, s);
        });
        Rel("dyn.topk", (a, at, c) =>
        {
            var x = (TopkAttrs)at; var d = T(a, 0, c);
            var k = T(a, 1, c);
            if (k.Rank != 0) throw c.Fail($"k must be a scalar, got rank {k.Rank}");
            var s = d.Shape.ToArray();
            s[Axis(x.Axis, d.Rank, c)] = SymVar.Any();
            var values = WithShape(d, s);
            var idx = WithShape(d, s, Dt(x.Dtype, DataType.Int32));
            return x.RetType switch { "values" => values, "indices" => idx, _ => new TupleType([values, idx]) };
        });
        Rel("dyn.one_hot", (a, at, c) =>
        {
            var x = (OneHotAttrs)at; var idx = T(a, 0, c);
            var s = idx.Shape.ToList();
            var ax = x.Axis < 0 ? s.Count + 1 + (int)x.Axis : (int)x.Axis;
            if (ax < 0 || ax > s.Count) throw c.Fail($"axis {x.Axis} out of range for rank {s.Count + 1}");
            s.Insert(ax, SymVar.Any());
            return new TensorType([.. s], Dt(x.Dtype, T(a, 1, c).DType));
        });
        Rel("dyn.nn.pad", (a, _, c) =>
        {
            var d = T(a, 0, c); var pw = T(a, 1, c);
            if (pw.Rank != 2 || pw.Shape[0].AsConst is { } r && r != d.Rank) throw c.Fail($"pad_width must be [{d.Rank}, 2], got {pw}");
            return WithShape(d, Anys(d.Rank));
        });
        Rel("dyn.nn.upsampling", (a, at, c) =>
        {
            var d = T(a, 0, c);
            var l = Layout(((UpSamplingAttrs)at).Layout, c);
            var s = d.Shape.ToArray();
            s[l['H']] = SymVar.Any(); s[l['W']] = SymVar.Any();
            return WithShape(d, s);
        });
        Rel("dyn.image.resize2d", (a, at, c) =>
        {
            var x = (Resize2DAttrs)at; var d = T(a, 0, c);
            if (ShapeLength(a, 1, "size", c) != 2) throw c.Fail("size must have 2 entries");
            var l = Layout(x.Layout, c);
            var s = d.Shape.ToArray();
            s[l['H']] = SymVar.Any(); s[l['W']] = SymVar.Any();
            return WithShape(d, s, Dt(x.OutDtype, d.DType));
        });
        Rel("dyn.sparse_to_dense", (a, _, c) => new TensorType([.. Anys(ShapeLength(a, 3, "output_shape", c))], T(a, 1, c).DType));
    }
}

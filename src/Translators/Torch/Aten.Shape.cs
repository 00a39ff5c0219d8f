using static Bridge.Translators.Torch.OnnxGraphBuilder;

namespace Bridge.Translators.Torch;

/// <summary>Shape, layout, indexing, creation and reduction aten ops (all shapes static at translation).</summary>
internal static partial class Aten
{
    private static void RegisterShape()
    {
        R((ev, c) => ReshapeTo(ev, c, T(ev, c, 0), 1, "shape"), "view", "reshape");
        R((ev, c) => Reshape(ev, T(ev, c, 0), T(ev, c, 1, "other").Shape), "view_as", "reshape_as");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            if (x.Rank == 0) return Reshape(ev, x, [1]);
            var (s, e) = (Axis(ev, c, L(ev, c, 1, "start_dim", 0), x.Rank), Axis(ev, c, L(ev, c, 2, "end_dim", -1), x.Rank));
            var shape = x.Shape.Take(s).Append(x.Shape.Skip(s).Take(e - s + 1).Aggregate(1L, (p, q) => p * q)).Concat(x.Shape.Skip(e + 1));
            return Reshape(ev, x, [.. shape]);
        }, "flatten");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var d = Axis(ev, c, L(ev, c, 1, "dim"), x.Rank + 1);
            return Reshape(ev, x, [.. x.Shape.Take(d), 1, .. x.Shape.Skip(d)]);
        }, "unsqueeze");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            if (!Has(c, 1, "dim")) return Reshape(ev, x, [.. x.Shape.Where(d => d != 1)]);
            var dims = Ls(ev, c, 1, "dim").Select(d => Axis(ev, c, d, x.Rank)).ToHashSet();
            return Reshape(ev, x, [.. x.Shape.Where((d, i) => !(dims.Contains(i) && d == 1))]);
        }, "squeeze");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var (a, b) = (Axis(ev, c, L(ev, c, 1, "dim0"), x.Rank), Axis(ev, c, L(ev, c, 2, "dim1"), x.Rank));
            var perm = Enumerable.Range(0, x.Rank).Select(i => (long)(i == a ? b : i == b ? a : i)).ToArray();
            return Transpose(ev, x, perm);
        }, "transpose", "swapaxes");
        R((ev, c) => { var x = T(ev, c, 0); return x.Rank < 2 ? x : Transpose(ev, x, [1, 0]); }, "t");
        R((ev, c) => { var x = T(ev, c, 0); return Transpose(ev, x, [.. Ls(ev, c, 1, "dims").Select(d => (long)Axis(ev, c, d, x.Rank))]); }, "permute");
        R((ev, c) => Expand(ev, c, T(ev, c, 0), Ls(ev, c, 1, "size")), "expand");
        R((ev, c) => Expand(ev, c, T(ev, c, 0), [.. T(ev, c, 1, "other").Shape]), "expand_as");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var reps = Ls(ev, c, 1, "repeats");
            var xr = reps.Length > x.Rank ? Reshape(ev, x, [.. Enumerable.Repeat(1L, reps.Length - x.Rank), .. x.Shape]) : x;
            return ev.Graph.Node("Tile", [xr, ev.Graph.Ints(reps)], [.. xr.Shape.Select((d, i) => d * reps[i])], x.DType);
        }, "repeat");
        R((ev, c) => Concat(ev, c, Tensors(ev, c, 0, "tensors"), L(ev, c, 1, "dim", 0)), "cat", "concat");
        R((ev, c) =>
        {
            var ts = Tensors(ev, c, 0, "tensors");
            var d = Axis(ev, c, L(ev, c, 1, "dim", 0), ts[0].Rank + 1);
            return Concat(ev, c, [.. ts.Select(t => Reshape(ev, t, [.. t.Shape.Take(d), 1, .. t.Shape.Skip(d)]))], d);
        }, "stack");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var d = Axis(ev, c, L(ev, c, 2, "dim", 0), x.Rank);
            var n = L(ev, c, 1, "chunks");
            var each = (x.Shape[d] + n - 1) / n;
            var sizes = new List<long>();
            for (var left = x.Shape[d]; left > 0; left -= each) sizes.Add(Math.Min(each, left));
            return SplitSizes(ev, x, d, sizes);
        }, "chunk", "unsafe_chunk");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var d = Axis(ev, c, L(ev, c, 2, "dim", 0), x.Rank);
            var arg = Arg(c, 1, "split_size");
            if (arg is long each)
            {
                var sizes = new List<long>();
                for (var left = x.Shape[d]; left > 0; left -= each) sizes.Add(Math.Min(each, left));
                return SplitSizes(ev, x, d, sizes);
            }
            return SplitSizes(ev, x, d, Ls(ev, c, 1, "split_size"));
        }, "split", "split_with_sizes", "unsafe_split");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var d = Axis(ev, c, L(ev, c, 1, "dim", 0), x.Rank);
            var parts = (List<object?>)SplitSizes(ev, x, d, [.. Enumerable.Repeat(1L, (int)x.Shape[d])]);
            return parts.Select(p => (object?)Reshape(ev, (TensorRef)p!, [.. x.Shape.Take(d), .. x.Shape.Skip(d + 1)])).ToList();
        }, "unbind");
        R((ev, c) => { var x = T(ev, c, 0); return Select(ev, x, Axis(ev, c, L(ev, c, 1, "dim"), x.Rank), L(ev, c, 2, "index")); }, "select");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var d = Axis(ev, c, L(ev, c, 1, "dim", 0), x.Rank);
            if (Arg(c, 2, "start") is TensorRef || Arg(c, 3, "end") is TensorRef) return SliceRuntime(ev, c, x, d);
            var start = Arg(c, 2, "start") is long s0 ? s0 : 0;
            var end = Arg(c, 3, "end") is long e0 ? e0 : long.MaxValue;
            return Slice(ev, x, d, start, end, L(ev, c, 4, "step", 1));
        }, "slice");
        R((ev, c) => { var x = T(ev, c, 0); var s = L(ev, c, 2, "start"); return Slice(ev, x, Axis(ev, c, L(ev, c, 1, "dim"), x.Rank), s, s + L(ev, c, 3, "length")); }, "narrow");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var d = Axis(ev, c, L(ev, c, 1, "dim"), x.Rank);
            var idx = ev.Cast(T(ev, c, 2, "index"), DataType.Int64);
            return ev.Graph.Node("Gather", [x, idx], [.. x.Shape.Take(d), .. idx.Shape, .. x.Shape.Skip(d + 1)], x.DType, A("axis", (long)d));
        }, "index_select");
        R((ev, c) =>
        {
            var w = T(ev, c, 0, "weight");
            var idx = ev.Cast(T(ev, c, 1, "indices"), DataType.Int64);
            return ev.Graph.Node("Gather", [w, idx], [.. idx.Shape, .. w.Shape.Skip(1)], w.DType, A("axis", 0L));
        }, "embedding");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var d = Axis(ev, c, L(ev, c, 1, "dim"), x.Rank);
            var idx = ev.Cast(T(ev, c, 2, "index"), DataType.Int64);
            return ev.Graph.Node("GatherElements", [x, idx], idx.Shape, x.DType, A("axis", (long)d));
        }, "gather");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            // to(Tensor, dtype, non_blocking, copy, memory_format) or to(Tensor, device, dtype, ...) or to(Tensor, other, ...)
            foreach (var a in c.Args.Skip(1).Concat(c.Kw.Where(k => k.Key == "dtype").Select(k => k.Value)))
            {
                if (a is TensorRef other) return ev.Cast(x, other.DType);
                if (a is long && DTypeOf(a) is { } dt) return ev.Cast(x, dt);
            }
            return x;
        }, "to", "type");
        R((ev, c) => ev.Cast(T(ev, c, 0), T(ev, c, 1, "other").DType), "type_as");
        foreach (var (name, dt) in new[] { ("float", DataType.Float32), ("double", DataType.Float64), ("long", DataType.Int64), ("int", DataType.Int32), ("bool", DataType.Bool), ("half", DataType.Float16) })
            R((ev, c) => ev.Cast(T(ev, c, 0), dt), name);
        R((ev, c) => Full(ev, Ls(ev, c, 0, "size"), 0.0, DTypeArg(ev, c, 1, "dtype", DataType.Float32)), "zeros");
        R((ev, c) => Full(ev, Ls(ev, c, 0, "size"), 1.0, DTypeArg(ev, c, 1, "dtype", DataType.Float32)), "ones");
        R((ev, c) => Full(ev, Ls(ev, c, 0, "size"), D(ev, c, 1, "fill_value"), DTypeArg(ev, c, 2, "dtype", Arg(c, 1, "fill_value") is long ? DataType.Int64 : DataType.Float32)), "full");
        R((ev, c) => { var x = T(ev, c, 0); return Full(ev, [.. x.Shape], 0.0, DTypeArg(ev, c, 1, "dtype", x.DType)); }, "zeros_like");
        R((ev, c) => { var x = T(ev, c, 0); return Full(ev, [.. x.Shape], 1.0, DTypeArg(ev, c, 1, "dtype", x.DType)); }, "ones_like");
        R((ev, c) => { var x = T(ev, c, 0); return Full(ev, [.. x.Shape], D(ev, c, 1, "fill_value"), DTypeArg(ev, c, 2, "dtype", x.DType)); }, "full_like");
        R((ev, c) => { var x = T(ev, c, 0); return Full(ev, Ls(ev, c, 1, "size"), 0.0, DTypeArg(ev, c, 2, "dtype", x.DType)); }, "new_zeros");
        R((ev, c) => { var x = T(ev, c, 0); return Full(ev, Ls(ev, c, 1, "size"), 1.0, DTypeArg(ev, c, 2, "dtype", x.DType)); }, "new_ones");
        R((ev, c) =>
        {
            // arange(end, dtype...) | arange(start, end, dtype...) | arange(start, end, step, dtype...)
            if (c.Args.Any(a => a is TensorRef t && t.Rank == 0 && !t.DType.IsBool)) return ArangeRuntime(ev, c);
            var nums = c.Args.TakeWhile(a => a is long or double).ToList();
            double start = 0, end, step = 1;
            if (nums.Count == 1) end = Convert.ToDouble(nums[0], System.Globalization.CultureInfo.InvariantCulture);
            else { start = Convert.ToDouble(nums[0], System.Globalization.CultureInfo.InvariantCulture); end = Convert.ToDouble(nums[1], System.Globalization.CultureInfo.InvariantCulture); if (nums.Count > 2) step = Convert.ToDouble(nums[2], System.Globalization.CultureInfo.InvariantCulture); }
            var isInt = nums.All(n => n is long);
            var dt = c.Kw.TryGetValue("dtype", out var dv) && DTypeOf(dv) is { } kd ? kd : nums.Count < c.Args.Count && DTypeOf(c.Args[nums.Count]) is { } pd ? pd : isInt ? DataType.Int64 : DataType.Float32;
            var n = (long)Math.Max(0, Math.Ceiling((end - start) / step));
            var t = Tensor.Zeros(dt, n);
            for (long i = 0; i < n; i++) t.SetDouble(i, start + i * step);
            return ev.Graph.Const(t, null, "arange");
        }, "arange");

        // Reductions
        // sum/mean/prod/amax/amin are reduction spec rows (their ONNX op, and whether the aten op takes a dtype).
        foreach (var row in Ir.Ops.Spec.ReductionSpec.All)
            if (row is { Aten: { } aten, Onnx: { } onnx }) { var dt = row.AtenDtype; R((ev, c) => Reduce(ev, c, onnx, dt), aten); }
        R((ev, c) => MaxMin(ev, c, "Max"), "max");
        R((ev, c) => MaxMin(ev, c, "Min"), "min");
        R((ev, c) => ArgMaxMin(ev, c, "ArgMax"), "argmax");
        R((ev, c) => ArgMaxMin(ev, c, "ArgMin"), "argmin");
        R((ev, c) => Softmax(ev, c, false), "softmax");
        R((ev, c) => Softmax(ev, c, true), "log_softmax");
    }

    internal static TensorRef Reshape(TorchScriptEvaluator ev, TensorRef x, ImmutableArray<long> shape) =>
        x.Shape.SequenceEqual(shape) ? x : ev.Graph.Node("Reshape", [x, ev.Graph.ReshapeOperand(x, shape)], shape, x.DType);

    /// <summary><c>view</c>/<c>reshape</c>: a size computed at run time from symbolic dims (<c>x.size(0) * 2</c>) stays a run-time entry of the shape operand.</summary>
    private static TensorRef ReshapeTo(TorchScriptEvaluator ev, AtenCall c, TensorRef x, int i, string name)
    {
        var items = Arg(c, i, name) as List<object?>;
        if (items is null || !items.Any(e => e is TensorRef t && !ev.Graph.IsSymbolic((long)(ev.Graph.Rep(t) ?? 0))))
            return ReshapeTo(ev, c, x, Ls(ev, c, i, name));
        var spec = Ls(ev, c, i, name);
        var shape = StaticShape(ev, c, x, spec);
        var g = ev.Graph;
        var entries = items.Select((e, k) => e switch
        {
            TensorRef t when !g.IsSymbolic(spec[k]) => (object)t,
            _ when g.IsSymbolic(spec[k]) => k < x.Rank && x.Shape[k] == spec[k] ? 0L : g.DimScalar(spec[k]),
            _ => spec[k],
        }).ToList();
        return g.Node("Reshape", [x, g.ShapeFrom(entries!)], [.. shape], x.DType);
    }

    private static TensorRef ReshapeTo(TorchScriptEvaluator ev, AtenCall c, TensorRef x, long[] spec) => Reshape(ev, x, [.. StaticShape(ev, c, x, spec)]);

    private static long[] StaticShape(TorchScriptEvaluator ev, AtenCall c, TensorRef x, long[] spec)
    {
        var total = x.Shape.Aggregate(1L, (a, b) => a * b);
        var known = spec.Where(d => d != -1).Aggregate(1L, (a, b) => a * b);
        var shape = spec.Select(d => d == -1 ? (known == 0 ? 0 : total / known) : d).ToArray();
        if (shape.Aggregate(1L, (a, b) => a * b) != total) throw Bad(ev, c, $"cannot view {Tensor.FormatShape(x.Shape)} as [{string.Join(", ", spec)}]");
        return shape;
    }

    internal static TensorRef Transpose(TorchScriptEvaluator ev, TensorRef x, long[] perm) =>
        perm.Select((p, i) => p == i).All(b => b) ? x : ev.Graph.Node("Transpose", [x], [.. perm.Select(p => x.Shape[(int)p])], x.DType, A("perm", perm));

    private static TensorRef Expand(TorchScriptEvaluator ev, AtenCall c, TensorRef x, long[] size)
    {
        var shape = size.Select((d, i) => d == -1 ? x.Shape[i - (size.Length - x.Rank)] : d).ToArray();
        var full = Broadcast(ev, c, x.Shape, [.. shape]);
        return full.SequenceEqual(x.Shape) ? x : ev.Graph.Node("Expand", [x, ev.Graph.RuntimeShape(shape)], full, x.DType);
    }

    private static TensorRef Concat(TorchScriptEvaluator ev, AtenCall c, List<TensorRef> ts, long dim)
    {
        ts = [.. ts.Where(t => !(t.Rank == 1 && t.Shape[0] == 0))]; // torch ignores legacy empty 1-d tensors in cat
        var d = Axis(ev, c, dim, ts[0].Rank);
        var dt = ts.Select(t => t.DType).Aggregate((a, b) => Promote(new TensorRef("", [1], a), new TensorRef("", [1], b)));
        var shape = ts[0].Shape.SetItem(d, ts.Sum(t => t.Shape[d]));
        return ts.Count == 1 ? ts[0] : ev.Graph.Node("Concat", ts.Select(t => ev.Cast(t, dt)), shape, dt, A("axis", (long)d));
    }

    private static object SplitSizes(TorchScriptEvaluator ev, TensorRef x, int d, IReadOnlyList<long> sizes)
    {
        if (sizes.Count == 1) return new List<object?> { x };
        var outs = ev.Graph.NodeMulti("Split", [x.Name, ev.Graph.Ints([.. sizes]).Name], [.. sizes.Select(s => (x.Shape.SetItem(d, s), x.DType))], A("axis", (long)d));
        return outs.Select(o => (object?)o).ToList();
    }

    internal static TensorRef Select(TorchScriptEvaluator ev, TensorRef x, int d, long index)
    {
        var i = index < 0 ? index + x.Shape[d] : index;
        var r = ev.Graph.Node("Gather", [x, ev.Graph.Scalar(DataType.Int64, i)], [.. x.Shape.Take(d), .. x.Shape.Skip(d + 1)], x.DType, A("axis", (long)d));
        ev.RecordView(r, x, d, i, i + 1, 1, isSelect: true);
        return r;
    }

    /// <summary><c>x[start:end]</c> along <paramref name="d"/> (clamped as Python slices are).</summary>
    internal static TensorRef SliceAlong(TorchScriptEvaluator ev, TensorRef x, int d, long start, long end) => Slice(ev, x, d, start, end);

    private static TensorRef Slice(TorchScriptEvaluator ev, TensorRef x, int d, long start, long end, long step = 1)
    {
        var n = x.Shape[d];
        var s = Math.Clamp(start < 0 ? start + n : start, 0, n);
        var e = Math.Clamp(end < 0 ? end + n : end, 0, n);
        if (s == 0 && e == n && step == 1) return x;
        var len = e <= s ? 0 : (e - s + step - 1) / step;
        var g = ev.Graph;
        if (g.IsSymbolic(n))
        {
            // ONNX Slice wraps negative bounds and clamps as Python does: the bounds stay as written, relative to the run-time size
            var sym = g.Node("Slice", [x, g.Ints(start), g.Ints(end), g.Ints(d), g.Ints(step)], x.Shape.SetItem(d, len), x.DType);
            ev.RecordView(sym, x, d, s, Math.Max(s, e), step, isSelect: false);
            return sym;
        }
        var r = g.Node("Slice", [x, g.Ints(s), g.Ints(e), g.Ints(d), g.Ints(step)], x.Shape.SetItem(d, len), x.DType);
        ev.RecordView(r, x, d, s, Math.Max(s, e), step, isSelect: false);
        return r;
    }

    private static TensorRef Full(TorchScriptEvaluator ev, long[] shape, double v, DataType dt)
    {
        if (ev.Graph.HasSymbolic(shape))
            return ev.Graph.Node("Expand", [ev.Graph.Scalar(dt, v), ev.Graph.RuntimeShape(shape)], [.. shape], dt);
        var t = Tensor.Zeros(dt, shape);
        if (v != 0) for (long i = 0; i < t.Length; i++) t.SetDouble(i, v);
        return ev.Graph.Const(t, null, "full");
    }

    private static (List<int> Axes, bool Keep) ReduceAxes(TorchScriptEvaluator ev, AtenCall c, TensorRef x, int dimIndex)
    {
        var dimArg = Arg(c, dimIndex, "dim");
        var keep = B(ev, c, dimIndex + 1, "keepdim");
        var axes = dimArg is null || dimArg is List<object?> { Count: 0 } ? [.. Enumerable.Range(0, x.Rank)]
            : Ls(ev, c, dimIndex, "dim").Select(d => Axis(ev, c, d, x.Rank)).Distinct().OrderBy(a => a).ToList();
        return (axes, keep);
    }

    private static TensorRef ReduceOp(TorchScriptEvaluator ev, string onnx, TensorRef x, List<int> axes, bool keep)
    {
        var shape = keep ? x.Shape.Select((d, i) => axes.Contains(i) ? 1 : d).ToImmutableArray() : [.. x.Shape.Where((d, i) => !axes.Contains(i))];
        if (axes.Count == 0) return x;
        if (onnx == "ReduceSum")
            return ev.Graph.Node(onnx, [x, ev.Graph.Ints([.. axes.Select(a => (long)a)])], shape, x.DType, A("keepdims", keep ? 1L : 0L));
        return ev.Graph.Node(onnx, [x], shape, x.DType, A("axes", axes.Select(a => (long)a)), A("keepdims", keep ? 1L : 0L));
    }

    private static TensorRef Reduce(TorchScriptEvaluator ev, AtenCall c, string onnx, bool hasDtype)
    {
        var x = T(ev, c, 0);
        var (axes, keep) = ReduceAxes(ev, c, x, 1);
        if (hasDtype && DTypeOf(Arg(c, 3, "dtype")) is { } dt) x = ev.Cast(x, dt);
        else if (onnx == "ReduceSum" && (x.DType == DataType.Bool || x.DType == DataType.Int32)) x = ev.Cast(x, DataType.Int64);
        if (onnx == "ReduceMean" && !x.DType.IsFloat) x = ev.Cast(x, DataType.Float32);
        return ReduceOp(ev, onnx, x, axes, keep);
    }

    private static object MaxMin(TorchScriptEvaluator ev, AtenCall c, string which)
    {
        var x = T(ev, c, 0);
        var other = Arg(c, 1, "dim");
        if (other is TensorRef) return Bin(ev, c, which, x, other);
        if (!Has(c, 1, "dim")) return ReduceOp(ev, "Reduce" + which, x, [.. Enumerable.Range(0, x.Rank)], false);
        var d = Axis(ev, c, L(ev, c, 1, "dim"), x.Rank);
        var keep = B(ev, c, 2, "keepdim");
        var values = ReduceOp(ev, "Reduce" + which, x, [d], keep);
        var shape = values.Shape;
        var idx = ev.Graph.Node("Arg" + which, [x], shape, DataType.Int64, A("axis", (long)d), A("keepdims", keep ? 1L : 0L), A("select_last_index", 0L));
        return new PyTupleValue([values, idx]);
    }

    private static TensorRef ArgMaxMin(TorchScriptEvaluator ev, AtenCall c, string onnx)
    {
        var x = T(ev, c, 0);
        var keep = B(ev, c, 2, "keepdim");
        if (Arg(c, 1, "dim") is null)
        {
            var flat = Reshape(ev, x, [x.Shape.Aggregate(1L, (a, b) => a * b)]);
            return ev.Graph.Node(onnx, [flat], keep ? [.. x.Shape.Select(_ => 1L)] : [], DataType.Int64, A("axis", 0L), A("keepdims", 0L));
        }
        var d = Axis(ev, c, L(ev, c, 1, "dim"), x.Rank);
        var shape = keep ? x.Shape.SetItem(d, 1) : [.. x.Shape.Where((_, i) => i != d)];
        return ev.Graph.Node(onnx, [x], shape, DataType.Int64, A("axis", (long)d), A("keepdims", keep ? 1L : 0L));
    }

    private static TensorRef Softmax(TorchScriptEvaluator ev, AtenCall c, bool log)
    {
        var x = T(ev, c, 0);
        if (DTypeOf(Arg(c, 2, "dtype")) is { } dt) x = ev.Cast(x, dt);
        var d = Axis(ev, c, L(ev, c, 1, "dim"), x.Rank);
        return ev.Graph.Node(log ? "LogSoftmax" : "Softmax", [x], x.Shape, x.DType, A("axis", (long)d));
    }
}

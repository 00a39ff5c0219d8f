using static Bridge.Translators.Torch.OnnxGraphBuilder;

namespace Bridge.Translators.Torch;

/// <summary>
/// The rest of TVM <c>from_pytorch</c>'s op list that lowers to static-shape ONNX-form nodes: sorting/top-k, cumulative and
/// statistical reductions, triangular masks, norms and losses, index arithmetic, attention, tensor construction.
/// </summary>
internal static partial class Aten
{
    private static void RegisterSortStatsIndex()
    {
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var reps = Ls(ev, c, 1, "dims");
            if (reps.Length < x.Rank) reps = [.. Enumerable.Repeat(1L, x.Rank - reps.Length), .. reps];
            var xr = reps.Length > x.Rank ? Reshape(ev, x, [.. Enumerable.Repeat(1L, reps.Length - x.Rank), .. x.Shape]) : x;
            return ev.Graph.Node("Tile", [xr, ev.Graph.Ints(reps)], [.. xr.Shape.Select((d, i) => d * reps[i])], x.DType);
        }, "tile");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var dims = Ls(ev, c, 1, "dims").Select(d => (long)Axis(ev, c, d, x.Rank)).ToArray();
            var g = ev.Graph;
            return g.Node("Slice", [x, g.Ints([.. dims.Select(_ => -1L)]), g.Ints([.. dims.Select(_ => long.MinValue)]), g.Ints(dims), g.Ints([.. dims.Select(_ => -1L)])], x.Shape, x.DType);
        }, "flip");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            if (DTypeOf(Arg(c, 2, "dtype")) is { } dt) x = ev.Cast(x, dt);
            else if (!x.DType.IsFloat) x = ev.Cast(x, DataType.Int64);
            var d = Axis(ev, c, L(ev, c, 1, "dim"), x.Rank);
            return ev.Graph.Node("CumSum", [x, ev.Graph.Scalar(DataType.Int64, d)], x.Shape, x.DType);
        }, "cumsum");
        R((ev, c) => Trilu(ev, c, 0), "tril");
        R((ev, c) => Trilu(ev, c, 1), "triu");
        R((ev, c) =>
        {
            // topk(self, k, dim=-1, largest=True, sorted=True)
            var x = T(ev, c, 0);
            var d = Axis(ev, c, L(ev, c, 2, "dim", -1), x.Rank);
            return TopK(ev, x, L(ev, c, 1, "k"), d, B(ev, c, 3, "largest", true));
        }, "topk");
        R((ev, c) =>
        {
            // sort(self, dim=-1, descending=False) | sort(self, stable, dim, descending)
            var x = T(ev, c, 0);
            var (di, de) = Arg(c, 1, "dim") is bool or null && c.Args.Count > 2 ? (2, 3) : (1, 2);
            var d = Axis(ev, c, L(ev, c, di, "dim", -1), x.Rank);
            return TopK(ev, x, x.Shape[d], d, B(ev, c, de, "descending"));
        }, "sort");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var d = Axis(ev, c, L(ev, c, 1, "dim", -1), x.Rank);
            return ((PyTupleValue)TopK(ev, x, x.Shape[d], d, B(ev, c, 2, "descending"))).Items[1];
        }, "argsort");
        R((ev, c) => Moments(ev, c, false, false), "var");
        R((ev, c) => Moments(ev, c, true, false), "std");
        R((ev, c) => Moments(ev, c, false, true), "var_mean");
        R((ev, c) => Moments(ev, c, true, true), "std_mean");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var (axes, keep) = ReduceAxes(ev, c, x, 1);
            return ReduceOp(ev, "ReduceLogSumExp", x, axes, keep);
        }, "logsumexp");
        R((ev, c) => AnyAll(ev, c, "ReduceMax"), "any");
        R((ev, c) => AnyAll(ev, c, "ReduceMin"), "all");
        R((ev, c) => Unary(ev, "IsInf", T(ev, c, 0)), "isinf");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var bad = ev.Graph.Node("Or", [Unary(ev, "IsInf", x), Unary(ev, "IsNaN", x)], x.Shape, DataType.Bool);
            return Unary(ev, "Not", bad);
        }, "isfinite");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var d = Axis(ev, c, L(ev, c, 1, "dim", -1), x.Rank);
            var parts = (List<object?>)SplitSizes(ev, x, d, [x.Shape[d] / 2, x.Shape[d] / 2]);
            return Bin(ev, c, "Mul", parts[0], Unary(ev, "Sigmoid", (TensorRef)parts[1]!));
        }, "glu");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var w = T(ev, c, 1, "weight");
            var slope = w.Shape[0] == 1 || x.Rank < 2 ? Reshape(ev, w, []) : Reshape(ev, w, [w.Shape[0], .. Enumerable.Repeat(1L, x.Rank - 2)]);
            return ev.Graph.Node("PRelu", [x, slope], x.Shape, x.DType);
        }, "prelu");
        R((ev, c) => { var x = T(ev, c, 0); return Where(ev, Bin(ev, c, "Greater", x, Arg(c, 1, "threshold"), true), x, Arg(c, 2, "value"), c.Pos); }, "threshold");
        R((ev, c) => MatMul(ev, c, T(ev, c, 0), T(ev, c, 1, "vec")), "mv");
        R((ev, c) =>
        {
            var ts = Tensors(ev, c, 0, "tensors");
            var shape = ts.Aggregate(ImmutableArray<long>.Empty, (s, t) => Broadcast(ev, c, s, t.Shape));
            return ts.Select(t => (object?)Expand(ev, c, t, [.. shape])).ToList();
        }, "broadcast_tensors");
        R((ev, c) => { var x = T(ev, c, 0); return Transpose(ev, x, [.. Enumerable.Range(0, x.Rank).Reverse().Select(i => (long)i)]); }, "numpy_T");
        R((ev, c) => Expand(ev, c, T(ev, c, 0), Ls(ev, c, 1, "size")), "broadcast_to");
        R((ev, c) => { var x = T(ev, c, 0); return Full(ev, Ls(ev, c, 1, "size"), D(ev, c, 2, "fill_value"), DTypeArg(ev, c, 3, "dtype", x.DType)); }, "new_full");
        // torch leaves empty tensors uninitialized; Bridge gives zeros (a model whose output depends on them is undefined anyway)
        R((ev, c) => Full(ev, Ls(ev, c, 0, "size"), 0.0, DTypeArg(ev, c, 1, "dtype", DataType.Float32)), "empty");
        R((ev, c) => { var x = T(ev, c, 0); return Full(ev, [.. x.Shape], 0.0, DTypeArg(ev, c, 1, "dtype", x.DType)); }, "empty_like");
        R((ev, c) => { var x = T(ev, c, 0); return Full(ev, Ls(ev, c, 1, "size"), 0.0, DTypeArg(ev, c, 2, "dtype", x.DType)); }, "new_empty");
        R((ev, c) => Full(ev, [], D(ev, c, 0, "s"), DTypeArg(ev, c, 1, "dtype", Arg(c, 0, "s") is long ? DataType.Int64 : DataType.Float32)), "scalar_tensor");
        R((ev, c) => { var x = T(ev, c, 0); return ev.Graph.Const(Tensor.FromArray(x.Shape.ToArray(), x.Rank), null, "shape"); }, "_shape_as_tensor");
        R((ev, c) => TensorLiteral(ev, c), "tensor");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var d = Axis(ev, c, L(ev, c, 1, "dim"), x.Rank);
            var sizes = Ls(ev, c, 2, "sizes");
            return ReshapeTo(ev, c, x, [.. x.Shape.Take(d), .. sizes, .. x.Shape.Skip(d + 1)]);
        }, "unflatten");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var dims = Has(c, 2, "dims") ? Ls(ev, c, 2, "dims") : [];
            var shifts = Ls(ev, c, 1, "shifts");
            if (dims.Length == 0)
            {
                var flat = Reshape(ev, x, [x.Shape.Aggregate(1L, (a, b) => a * b)]);
                return Reshape(ev, Roll(ev, flat, shifts[0], 0), x.Shape);
            }
            var y = x;
            for (var i = 0; i < dims.Length; i++) y = Roll(ev, y, shifts[i], Axis(ev, c, dims[i], x.Rank));
            return y;
        }, "roll");
        R((ev, c) =>
        {
            var x = ev.Cast(T(ev, c, 0), DataType.Int64);
            var n = L(ev, c, 1, "num_classes", -1);
            if (n < 0) throw Bad(ev, c, "num_classes must be given (it would be read from the data)");
            var classes = ev.Graph.Const(Tensor.FromArray(Enumerable.Range(0, (int)n).Select(i => (long)i).ToArray(), n), null, "classes");
            var eq = ev.Graph.Node("Equal", [Reshape(ev, x, [.. x.Shape, 1]), classes], [.. x.Shape, n], DataType.Bool);
            return ev.Cast(eq, DataType.Int64);
        }, "one_hot");
        R((ev, c) =>
        {
            var ts = Tensors(ev, c, 0, "tensors");
            var ij = Arg(c, 1, "indexing", "ij") is "xy";
            var shape = ts.Select(t => t.Rank == 0 ? 1 : t.Shape[0]).ToArray();
            if (ij && shape.Length >= 2) (shape[0], shape[1]) = (shape[1], shape[0]);
            var r = new List<object?>();
            for (var i = 0; i < ts.Count; i++)
            {
                var pos = ij && i < 2 && ts.Count >= 2 ? 1 - i : i;
                var view = Enumerable.Repeat(1L, shape.Length).ToArray();
                view[pos] = shape[pos];
                r.Add(Expand(ev, c, Reshape(ev, ts[i], [.. view]), shape));
            }
            return r;
        }, "meshgrid");
        R((ev, c) =>
        {
            var (s, e, n) = (D(ev, c, 0, "start"), D(ev, c, 1, "end"), L(ev, c, 2, "steps"));
            var t = Tensor.Zeros(DTypeArg(ev, c, 3, "dtype", DataType.Float32), n);
            for (long i = 0; i < n; i++) t.SetDouble(i, n == 1 ? s : s + (e - s) * i / (n - 1));
            return ev.Graph.Const(t, null, "linspace");
        }, "linspace");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            if (Arg(c, 1, "repeats") is not long reps) throw Bad(ev, c, "repeats must be an int known at translation");
            if (Arg(c, 2, "dim") is null) x = Reshape(ev, x, [x.Shape.Aggregate(1L, (a, b) => a * b)]);
            var d = Arg(c, 2, "dim") is null ? 0 : Axis(ev, c, L(ev, c, 2, "dim"), x.Rank);
            var up = Reshape(ev, x, [.. x.Shape.Take(d + 1), 1, .. x.Shape.Skip(d + 1)]);
            var ex = Expand(ev, c, up, [.. x.Shape.Take(d + 1), reps, .. x.Shape.Skip(d + 1)]);
            return Reshape(ev, ex, x.Shape.SetItem(d, x.Shape[d] * reps));
        }, "repeat_interleave");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var flat = Reshape(ev, x, [x.Shape.Aggregate(1L, (a, b) => a * b)]);
            var idx = ev.Cast(T(ev, c, 1, "index"), DataType.Int64);
            return ev.Graph.Node("Gather", [flat, idx], idx.Shape, x.DType, A("axis", 0L));
        }, "take");
        R((ev, c) => Norm(ev, c), "norm", "linalg_vector_norm", "frobenius_norm");
        R((ev, c) => Loss(ev, c, d => Bin(ev, c, "Mul", d, d)), "mse_loss");
        R((ev, c) => Loss(ev, c, d => Unary(ev, "Abs", d)), "l1_loss");
        R((ev, c) => Attention(ev, c), "scaled_dot_product_attention");
    }

    private static TensorRef Trilu(TorchScriptEvaluator ev, AtenCall c, long upper)
    {
        var x = T(ev, c, 0);
        return ev.Graph.Node("Trilu", [x, ev.Graph.Scalar(DataType.Int64, L(ev, c, 1, "diagonal", 0))], x.Shape, x.DType, A("upper", upper));
    }

    private static object TopK(TorchScriptEvaluator ev, TensorRef x, long k, int d, bool largest)
    {
        var shape = x.Shape.SetItem(d, k);
        var outs = ev.Graph.NodeMulti("TopK", [x.Name, ev.Graph.Ints(k).Name], [(shape, x.DType), (shape, DataType.Int64)],
            A("axis", (long)d), A("largest", largest ? 1L : 0L), A("sorted", 1L));
        return new PyTupleValue([outs[0], outs[1]]);
    }

    private static object Moments(TorchScriptEvaluator ev, AtenCall c, bool std, bool withMean)
    {
        // var(self, unbiased=True) | var(self, dim, unbiased=True, keepdim=False) | var(self, dim, *, correction, keepdim)
        var x = T(ev, c, 0);
        if (!x.DType.IsFloat) x = ev.Cast(x, DataType.Float32);
        List<int> axes;
        bool keep;
        double correction;
        if (Arg(c, 1, "dim") is bool ub) { axes = [.. Enumerable.Range(0, x.Rank)]; keep = false; correction = ub ? 1 : 0; }
        else
        {
            (axes, keep) = (ReduceAxes(ev, c, x, 1).Axes, B(ev, c, 3, "keepdim"));
            correction = c.Kw.TryGetValue("correction", out var cv) && cv is long or double ? Convert.ToDouble(cv, System.Globalization.CultureInfo.InvariantCulture)
                : B(ev, c, 2, "unbiased", true) ? 1 : 0;
        }
        var n = axes.Aggregate(1L, (a, i) => a * x.Shape[i]);
        var mean = ReduceOp(ev, "ReduceMean", x, axes, true);
        var dev = Bin(ev, c, "Sub", x, mean);
        var v = ReduceOp(ev, "ReduceSum", Bin(ev, c, "Mul", dev, dev), axes, keep);
        v = Bin(ev, c, "Div", v, (double)Math.Max(n - correction, 0));
        if (std) v = Unary(ev, "Sqrt", v);
        return withMean ? new PyTupleValue([v, keep ? mean : Reshape(ev, mean, v.Shape)]) : v;
    }

    private static TensorRef AnyAll(TorchScriptEvaluator ev, AtenCall c, string onnx)
    {
        var x = ev.Cast(ev.Cast(T(ev, c, 0), DataType.Bool), DataType.Int32);
        var (axes, keep) = ReduceAxes(ev, c, x, 1);
        return ev.Cast(ReduceOp(ev, onnx, x, axes, keep), DataType.Bool);
    }

    private static TensorRef TensorLiteral(TorchScriptEvaluator ev, AtenCall c)
    {
        var data = Arg(c, 0, "data");
        if (data is TensorRef t) return t;
        var shape = new List<long>();
        var flat = new List<object?>();
        void Walk(object? v, int depth)
        {
            if (v is List<object?> or PyTupleValue)
            {
                var items = ev.Items(v, c.Pos);
                if (shape.Count == depth) shape.Add(items.Count);
                foreach (var i in items) Walk(i, depth + 1);
            }
            else flat.Add(v);
        }
        Walk(data, 0);
        var isFloat = flat.Any(v => v is double);
        var dt = DTypeArg(ev, c, 1, "dtype", isFloat ? DataType.Float32 : flat.All(v => v is bool) && flat.Count > 0 ? DataType.Bool : DataType.Int64);
        var r = Tensor.Zeros(dt, [.. shape]);
        for (var i = 0; i < flat.Count; i++)
            r.SetDouble(i, flat[i] switch { bool b => b ? 1 : 0, long l => l, double d => d, var x => throw Bad(ev, c, $"tensor() of {TorchScriptEvaluator.Describe(x)}") });
        return ev.Graph.Const(r, null, "tensor");
    }

    private static TensorRef Roll(TorchScriptEvaluator ev, TensorRef x, long shift, int d)
    {
        var n = x.Shape[d];
        if (n == 0) return x;
        var s = ((shift % n) + n) % n;
        if (s == 0) return x;
        return ev.Graph.Node("Concat", [Slice(ev, x, d, n - s, n), Slice(ev, x, d, 0, n - s)], x.Shape, x.DType, A("axis", (long)d));
    }

    private static TensorRef Norm(TorchScriptEvaluator ev, AtenCall c)
    {
        // norm(self, p=2, dim=None, keepdim=False) | linalg_vector_norm(self, ord=2, dim=None, keepdim=False, dtype) | frobenius_norm(self, dim, keepdim)
        var x = T(ev, c, 0);
        var isFro = c.Op == "aten::frobenius_norm";
        var p = isFro ? 2.0 : Arg(c, 1, "p") is null ? 2.0 : D(ev, c, 1, "p");
        var (axes, keep) = ReduceAxes(ev, c, x, isFro ? 1 : 2);
        var a = Unary(ev, "Abs", x);
        if (double.IsPositiveInfinity(p)) return ReduceOp(ev, "ReduceMax", a, axes, keep);
        if (p == 1) return ReduceOp(ev, "ReduceSum", a, axes, keep);
        if (p == 2) return Unary(ev, "Sqrt", ReduceOp(ev, "ReduceSum", Bin(ev, c, "Mul", a, a), axes, keep));
        return Bin(ev, c, "Pow", ReduceOp(ev, "ReduceSum", Bin(ev, c, "Pow", a, p), axes, keep), 1 / p);
    }

    private static TensorRef Loss(TorchScriptEvaluator ev, AtenCall c, Func<TensorRef, TensorRef> elem)
    {
        // mse_loss / l1_loss(self, target, reduction=Mean): 0 none, 1 mean, 2 sum
        var e = elem(Bin(ev, c, "Sub", T(ev, c, 0), T(ev, c, 1, "target")));
        return L(ev, c, 2, "reduction", 1) switch
        {
            0 => e,
            2 => ReduceOp(ev, "ReduceSum", e, [.. Enumerable.Range(0, e.Rank)], false),
            _ => ReduceOp(ev, "ReduceMean", e, [.. Enumerable.Range(0, e.Rank)], false),
        };
    }

    private static TensorRef Attention(TorchScriptEvaluator ev, AtenCall c)
    {
        // scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None)
        var (q, k, v) = (T(ev, c, 0, "query"), T(ev, c, 1, "key"), T(ev, c, 2, "value"));
        var scale = Arg(c, 6, "scale") is { } sc ? Convert.ToDouble(sc, System.Globalization.CultureInfo.InvariantCulture) : 1 / Math.Sqrt(q.Shape[^1]);
        var perm = Enumerable.Range(0, k.Rank).Select(i => (long)i).ToArray();
        (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
        var scores = Bin(ev, c, "Mul", MatMul(ev, c, q, Transpose(ev, k, perm)), scale);
        var (lq, lk) = (q.Shape[^2], k.Shape[^2]);
        if (B(ev, c, 5, "is_causal"))
        {
            var m = Tensor.Zeros(DataType.Bool, lq, lk);
            for (long i = 0; i < lq; i++) for (long j = 0; j <= Math.Min(i, lk - 1); j++) m.SetInt64(i * lk + j, 1);
            scores = Where(ev, ev.Graph.Const(m, null, "causal"), scores, double.NegativeInfinity, c.Pos);
        }
        if (OptT(ev, c, 3, "attn_mask") is { } mask)
            scores = mask.DType == DataType.Bool ? Where(ev, mask, scores, double.NegativeInfinity, c.Pos) : Bin(ev, c, "Add", scores, mask);
        var p = ev.Graph.Node("Softmax", [scores], scores.Shape, scores.DType, A("axis", -1L));
        return MatMul(ev, c, p, v);
    }
}

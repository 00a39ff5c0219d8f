using static Bridge.Translators.Torch.OnnxGraphBuilder;

namespace Bridge.Translators.Torch;

/// <summary>
/// Indexing and writes: <c>index</c> (advanced indexing with long tensors), <c>index_put</c>, <c>scatter</c>/<c>scatter_add</c>,
/// <c>copy</c>, <c>fill</c>, <c>zero</c> (their in-place forms are functionalised by the evaluator), and <c>einsum</c>.
/// </summary>
internal static partial class Aten
{
    private static void RegisterIndexing()
    {
        // copy_(self, src, non_blocking=False): self's shape and dtype, src's values (broadcast)
        R((ev, c) => { var x = T(ev, c, 0); return ExpandTo(ev, c, ev.Cast(T(ev, c, 1, "src", x.DType), x.DType), x.Shape); }, "copy");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            return Arg(c, 1, "value") is TensorRef v ? ExpandTo(ev, c, ev.Cast(v, x.DType), x.Shape) : Full(ev, [.. x.Shape], D(ev, c, 1, "value"), x.DType);
        }, "fill");
        R((ev, c) => { var x = T(ev, c, 0); return Full(ev, [.. x.Shape], 0.0, x.DType); }, "zero");
        R(Index, "index");
        R(IndexPut, "index_put");
        R((ev, c) => Scatter(ev, c, c.Kw.TryGetValue("reduce", out var r) || c.Args.Count > 4 ? Arg(c, 4, "reduce") as string : null), "scatter");
        R((ev, c) => Scatter(ev, c, "add"), "scatter_add");
        R(Einsum, "einsum");
        R((ev, c) =>
        {
            // scatter_reduce(self, dim, index, src, reduce, include_self=True): sum/prod (ScatterElements add/mul, opset 17)
            if (!B(ev, c, 5, "include_self", true)) throw Bad(ev, c, "include_self=False is not supported");
            var red = Arg(c, 4, "reduce") as string;
            return Scatter(ev, c, red switch { "sum" => "add", "prod" => "multiply", _ => throw Bad(ev, c, $"reduce='{red}' is not supported (sum, prod)") });
        }, "scatter_reduce");
        R((ev, c) =>
        {
            // tensor_split(self, sections | indices, dim=0): numpy.array_split's sizes
            var x = T(ev, c, 0);
            var d = Axis(ev, c, L(ev, c, 2, "dim", 0), x.Rank);
            var n = x.Shape[d];
            long[] sizes;
            if (Arg(c, 1, "sections") is long k)
            {
                if (k <= 0) throw Bad(ev, c, "sections must be positive");
                sizes = [.. Enumerable.Range(0, (int)k).Select(i => n / k + (i < n % k ? 1 : 0))];
            }
            else
            {
                var cuts = Ls(ev, c, 1, "indices").Select(i => Math.Clamp(i < 0 ? i + n : i, 0, n)).ToList();
                var edges = new List<long> { 0 };
                foreach (var cut in cuts) edges.Add(Math.Max(edges[^1], cut));
                edges.Add(n);
                sizes = [.. edges.Zip(edges.Skip(1), (a, b) => b - a)];
            }
            if (sizes.Length == 1) return new List<object?> { x };
            var parts = new List<object?>();
            long at = 0;
            foreach (var sz in sizes) { parts.Add(Slice(ev, x, d, at, at + sz)); at += sz; }
            return parts;
        }, "tensor_split");
        R(Gru, "gru");
        R((ev, c) => SimpleRnn(ev, c, "Tanh"), "rnn_tanh");
        R((ev, c) => SimpleRnn(ev, c, "Relu"), "rnn_relu");
    }

    private static TensorRef ExpandTo(TorchScriptEvaluator ev, AtenCall c, TensorRef x, ImmutableArray<long> shape)
    {
        if (x.Shape.SequenceEqual(shape)) return x;
        if (!Broadcast(ev, c, x.Shape, shape).SequenceEqual(shape)) throw Bad(ev, c, $"cannot broadcast {Tensor.FormatShape(x.Shape)} to {Tensor.FormatShape(shape)}");
        return ev.Graph.Node("Expand", [x, ev.Graph.Ints([.. shape])], shape, x.DType);
    }

    /// <summary>Negative indices counted from the end of a dim of size <paramref name="n"/> (as torch does).</summary>
    private static TensorRef WrapIndex(TorchScriptEvaluator ev, TensorRef idx, long n)
    {
        var g = ev.Graph;
        idx = ev.Cast(idx, DataType.Int64);
        var neg = g.Node("Less", [idx, g.Scalar(DataType.Int64, 0)], idx.Shape, DataType.Bool);
        var up = g.Node("Add", [idx, g.Scalar(DataType.Int64, n)], idx.Shape, DataType.Int64);
        return g.Node("Where", [neg, up, idx], idx.Shape, DataType.Int64);
    }

    /// <summary>
    /// The index list of <c>index</c>/<c>index_put</c> as (first indexed dim, long index tensors on consecutive dims); a bool mask
    /// is returned alone. Nones before the first tensor skip dims (<c>x[:, idx]</c>); gaps after it are refused.
    /// </summary>
    private static (int First, List<TensorRef> Idx, TensorRef? Mask) IndexList(TorchScriptEvaluator ev, AtenCall c, TensorRef x)
    {
        var items = ev.Items(Arg(c, 1, "indices"), c.Pos);
        var first = -1;
        var idx = new List<TensorRef>();
        for (var k = 0; k < items.Count; k++)
        {
            if (items[k] is null) { if (first >= 0 && k < items.Count && items.Skip(k).Any(i => i is not null)) throw Bad(ev, c, "index tensors separated by ':' are not supported"); continue; }
            if (items[k] is not TensorRef t) throw Bad(ev, c, $"index {k} is {TorchScriptEvaluator.Describe(items[k])}, not a tensor");
            if (t.DType == DataType.Bool || t.DType == DataType.UInt8)
            {
                if (items.Count(i => i is not null) != 1) throw Bad(ev, c, "a boolean mask together with other indices is not supported");
                return (k, [], ev.Cast(t, DataType.Bool));
            }
            if (first < 0) first = k;
            idx.Add(t);
        }
        if (first < 0) throw Bad(ev, c, "no index tensor");
        if (first + idx.Count > x.Rank) throw Bad(ev, c, $"{idx.Count} index tensors for a rank-{x.Rank} tensor");
        var shape = idx.Select(t => t.Shape).Aggregate((a, b) => Broadcast(ev, c, a, b));
        return (first, [.. idx.Select((t, j) => ExpandTo(ev, c, WrapIndex(ev, t, x.Shape[first + j]), shape))], null);
    }

    /// <summary>Moves dim <paramref name="d"/> to the front (the permutation and its inverse).</summary>
    private static (long[] Perm, long[] Inverse) Front(int rank, int d)
    {
        var perm = new[] { (long)d }.Concat(Enumerable.Range(0, rank).Where(i => i != d).Select(i => (long)i)).ToArray();
        var inv = new long[rank];
        for (var i = 0; i < rank; i++) inv[perm[i]] = i;
        return (perm, inv);
    }

    private static object? Index(TorchScriptEvaluator ev, AtenCall c)
    {
        var x = T(ev, c, 0);
        var (first, idx, mask) = IndexList(ev, c, x);
        if (mask is not null) throw ev.Error(TorchDiagnosticIds.UnsupportedOp, c.Pos, "aten::index with a boolean mask has a data-dependent shape (nonzero), which static translation does not support");
        var g = ev.Graph;
        if (idx.Count == 1)
            return g.Node("Gather", [x, idx[0]], [.. x.Shape.Take(first), .. idx[0].Shape, .. x.Shape.Skip(first + 1)], x.DType, A("axis", (long)first));
        if (first != 0) throw Bad(ev, c, "several index tensors after a ':' are not supported");
        var coords = Stack(ev, idx);
        return g.Node("GatherND", [x, coords], [.. idx[0].Shape, .. x.Shape.Skip(idx.Count)], x.DType);
    }

    private static TensorRef Stack(TorchScriptEvaluator ev, List<TensorRef> idx)
    {
        var shape = idx[0].Shape;
        var parts = idx.Select(t => Reshape(ev, t, [.. shape, 1])).ToList();
        return parts.Count == 1 ? parts[0] : ev.Graph.Node("Concat", parts, [.. shape, parts.Count], DataType.Int64, A("axis", (long)shape.Length));
    }

    private static object? IndexPut(TorchScriptEvaluator ev, AtenCall c)
    {
        // index_put(self, indices, values, accumulate=False)
        var x = T(ev, c, 0);
        var (first, idx, mask) = IndexList(ev, c, x);
        var values = ev.Cast(T(ev, c, 2, "values", x.DType), x.DType);
        var acc = B(ev, c, 3, "accumulate");
        var g = ev.Graph;
        if (mask is not null)
        {
            // x[mask] = v with a scalar v: where(mask, v, x); a mask over the leading dims covers the rest
            if (values.Shape.Aggregate(1L, (a, b) => a * b) != 1) throw Bad(ev, c, "x[mask] = values with more than one value (masked_scatter) is not supported");
            if (first != 0 || !x.Shape.Take(mask.Rank).SequenceEqual(mask.Shape)) throw Bad(ev, c, "the mask must cover the leading dims of the tensor");
            var m = Reshape(ev, mask, [.. mask.Shape, .. Enumerable.Repeat(1L, x.Rank - mask.Rank)]);
            var v = Reshape(ev, values, []);
            if (acc) v = g.Node("Add", [x, v], x.Shape, x.DType);
            return g.Node("Where", [m, v, x], x.Shape, x.DType);
        }
        // x[i0, i1, …] = v on dims first..first+k-1: ScatterND on x with dim `first` moved to the front
        var (perm, inv) = Front(x.Rank, first);
        if (first != 0 && idx.Count > 1) throw Bad(ev, c, "several index tensors after a ':' are not supported");
        var xf = first == 0 ? x : Transpose(ev, x, perm);
        var target = (ImmutableArray<long>)[.. x.Shape.Take(first), .. idx[0].Shape, .. x.Shape.Skip(first + idx.Count)];
        var upd = ExpandTo(ev, c, values, target);
        if (first != 0)
        {
            // target is (x[:first], B, rest): bring B to the front as xf was
            var bRank = idx[0].Rank;
            var up = Enumerable.Range(first, bRank).Concat(Enumerable.Range(0, first)).Concat(Enumerable.Range(first + bRank, target.Length - first - bRank)).Select(i => (long)i).ToArray();
            upd = Transpose(ev, upd, up);
        }
        var coords = Stack(ev, idx);
        var r = g.Node("ScatterND", [xf, coords, upd], xf.Shape, x.DType, A("reduction", acc ? "add" : "none"));
        return first == 0 ? r : Transpose(ev, r, inv);
    }

    private static object? Scatter(TorchScriptEvaluator ev, AtenCall c, string? reduce)
    {
        // scatter(self, dim, index, src | value, reduce=None); scatter_add(self, dim, index, src)
        var x = T(ev, c, 0);
        var d = Axis(ev, c, L(ev, c, 1, "dim"), x.Rank);
        var index = WrapIndex(ev, T(ev, c, 2, "index"), x.Shape[d]);
        var src = Arg(c, 3, "src") ?? Arg(c, 3, "value");
        TensorRef upd;
        if (src is TensorRef s)
        {
            upd = ev.Cast(s, x.DType);
            // torch reads src only where index has entries: src[:index.shape]
            for (var k = 0; k < upd.Rank; k++)
                if (upd.Shape[k] > index.Shape[k]) upd = Slice(ev, upd, k, 0, index.Shape[k]);
            if (!upd.Shape.SequenceEqual(index.Shape)) throw Bad(ev, c, $"src {Tensor.FormatShape(s.Shape)} is smaller than index {Tensor.FormatShape(index.Shape)}");
        }
        else upd = Full(ev, [.. index.Shape], D(ev, c, 3, "value"), x.DType);
        var red = reduce switch
        {
            null or "none" => "none",
            "add" => "add",
            "multiply" => "mul",
            _ => throw Bad(ev, c, $"reduce='{reduce}' is not supported (add, multiply)"),
        };
        return ev.Graph.Node("ScatterElements", [x, index, upd], x.Shape, x.DType, A("axis", (long)d), A("reduction", red));
    }

    private static object? Einsum(TorchScriptEvaluator ev, AtenCall c)
    {
        // einsum(equation, tensors, path=None)
        var eq = (Arg(c, 0, "equation") as string ?? throw Bad(ev, c, "equation is not a string known at translation")).Replace(" ", "", StringComparison.Ordinal);
        var ts = Tensors(ev, c, 1, "tensors");
        if (eq.Contains("...", StringComparison.Ordinal)) throw Bad(ev, c, $"'{eq}': ellipsis in einsum is not supported");
        var arrow = eq.IndexOf("->", StringComparison.Ordinal);
        var lhs = arrow < 0 ? eq : eq[..arrow];
        var terms = lhs.Split(',');
        if (terms.Length != ts.Count) throw Bad(ev, c, $"'{eq}' has {terms.Length} operands, {ts.Count} tensors given");
        var size = new Dictionary<char, long>();
        for (var k = 0; k < terms.Length; k++)
        {
            if (terms[k].Length != ts[k].Rank) throw Bad(ev, c, $"'{terms[k]}' names {terms[k].Length} dims of a rank-{ts[k].Rank} tensor");
            for (var j = 0; j < terms[k].Length; j++)
            {
                var ch = terms[k][j];
                var n = ts[k].Shape[j];
                if (size.TryGetValue(ch, out var m) && m != n && m != 1 && n != 1) throw Bad(ev, c, $"'{eq}': {ch} is {m} and {n}");
                size[ch] = size.TryGetValue(ch, out var m2) ? Math.Max(m2, n) : n;
            }
        }
        var outTerm = arrow >= 0 ? eq[(arrow + 2)..]
            : new string([.. size.Keys.Where(ch => lhs.Count(x => x == ch) == 1).Order()]);
        foreach (var ch in outTerm)
            if (!size.ContainsKey(ch)) throw Bad(ev, c, $"'{eq}': output dim {ch} is not an input dim");
        var dt = ts.Select(t => t.DType).Aggregate((a, b) => Promote(new TensorRef("", [1], a), new TensorRef("", [1], b)));
        return ev.Graph.Node("Einsum", ts.Select(t => ev.Cast(t, dt)), [.. outTerm.Select(ch => size[ch])], dt, A("equation", lhs + "->" + outTerm));
    }
}

using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

// Relax-only adapters (attrs records of src/IR/Ops/Relax). Shapes arrive as ShapeValue arguments, scalars as PrimScalar.
public static partial class ReferenceKernels
{
    private static void RegisterRelax()
    {
        Relax("nn.leakyrelu", c => V(Elementwise.Unary(UnaryOp.LeakyRelu, c.T(0), new UnaryParams(Alpha: c.Double("alpha", 0.01)))));
        Relax("nn.softplus", c =>
        {
            // beta·x above threshold is linear; below, log(1 + exp(beta·x)) / beta.
            var x = c.T(0); double beta = c.Double("beta", 1), thr = c.Double("threshold", 20);
            var bx = Elementwise.Binary(BinaryOp.Multiply, x, Tensor.Scalar(x.DType, beta));
            var sp = Elementwise.Binary(BinaryOp.Divide, Elementwise.Unary(UnaryOp.Softplus, bx), Tensor.Scalar(x.DType, beta));
            var lin = Elementwise.Binary(BinaryOp.Greater, bx, Tensor.Scalar(x.DType, thr));
            return V(Elementwise.Where(lin, x, sp));
        });
        Relax("log_add_exp", c =>
        {
            // max(a, b) + log1p(exp(-|a - b|)), stable.
            Tensor a = c.T(0), b = c.T(1);
            var m = Elementwise.Binary(BinaryOp.Maximum, a, b);
            var d = Elementwise.Unary(UnaryOp.Neg, Elementwise.Unary(UnaryOp.Abs, Elementwise.Binary(BinaryOp.Subtract, a, b)));
            return V(Elementwise.Binary(BinaryOp.Add, m, Elementwise.Unary(UnaryOp.Log1p, Elementwise.Unary(UnaryOp.Exp, d))));
        });
        Relax("ewise_fma", c => V(Elementwise.Binary(BinaryOp.Add, Elementwise.Binary(BinaryOp.Multiply, c.T(0), c.T(1)), c.T(2))));
        Relax("matmul", c => V(Linalg.Matmul(c.T(0), c.T(1), c.DType("out_dtype"))));
        Relax("outer", c =>
        {
            Tensor a = c.T(0), b = c.T(1);
            return V(Elementwise.Binary(BinaryOp.Multiply, Manipulate.Reshape(a, [a.Length, 1]), Manipulate.Reshape(b, [1, b.Length])));
        });
        Relax("nn.batch_norm", c =>
        {
            Tensor x = c.T(0), mean = c.T(3), variance = c.T(4);
            var axis = Axis("batch_norm", c.Long("axis", 1), x.Rank);
            if (!c.Bool("training", false))
                return KernelCall.Tuple(Norm.BatchNorm(x, c.T(1), c.T(2), mean, variance, axis, c.Double("epsilon", 1e-5), c.Bool("center", true), c.Bool("scale", true)), mean, variance);
            // training=True (Relax default from v0.20): normalise with the batch statistics and return the updated moving ones.
            var others = Enumerable.Range(0, x.Rank).Where(i => i != axis).Select(i => (long)i).ToArray();
            var bm = Reduce.Apply(ReduceOp.Mean, x, new ReduceParams(others));
            var bv = Reduce.Apply(ReduceOp.Variance, x, new ReduceParams(others));
            var y = Norm.BatchNorm(x, c.T(1), c.T(2), bm, bv, axis, c.Double("epsilon", 1e-5), c.Bool("center", true), c.Bool("scale", true));
            var m = c.Double("momentum", 0.1);
            Tensor Mix(Tensor old, Tensor cur) => Elementwise.Binary(BinaryOp.Add,
                Elementwise.Binary(BinaryOp.Multiply, old, Tensor.Scalar(old.DType, 1 - m)), Elementwise.Binary(BinaryOp.Multiply, cur, Tensor.Scalar(cur.DType, m)));
            return KernelCall.Tuple(y, Mix(mean, bm), Mix(variance, bv));
        });
        Relax("nn.layer_norm", c => V(Norm.LayerNorm(c.T(0), Gamma(c, 1), Beta(c, 2), c.Longs("axes", [-1]), c.Double("epsilon", 1e-5))));
        Relax("nn.group_norm", c => V(Norm.GroupNorm(c.T(0), Gamma(c, 1), Beta(c, 2), (int)c.Long("num_groups", 1), c.Long("channel_axis", 1), c.Double("epsilon", 1e-5))));
        Relax("nn.rms_norm", c => V(Norm.RmsNorm(c.T(0), c.OptT(1), c.Longs("axes", [-1]), c.Double("epsilon", 1e-5))));
        Relax("nn.pad", c =>
        {
            var mode = c.Str("pad_mode", "constant") switch
            {
                "constant" => PadMode.Constant,
                "edge" or "replicate" => PadMode.Edge,
                "reflect" => PadMode.Reflect,
                var m => throw c.Error($"unsupported pad_mode '{m}'"),
            };
            var value = c.Count > 1 ? c.Scalar(1) : c.Double("pad_value");
            return V(Manipulate.Pad(c.T(0), c.Longs("pad_width") ?? [], mode, value));
        });
        Relax("nn.pixel_shuffle", c => V(Manipulate.DepthToSpace(c.T(0), (int)c.Long("upscale_factor", 1), "NCHW", "CRD")));
        Relax("nn.cross_entropy_with_logits", c => V(CrossEntropy(c.T(0), c.T(1))));

        Relax("cumsum", c => V(Reduce.Cumulative(c.T(0), c.OptLong("axis"), false, c.Bool("exclusive"), dtype: c.DType("dtype"))));
        Relax("cumprod", c => V(Reduce.Cumulative(c.T(0), c.OptLong("axis"), true, c.Bool("exclusive"), dtype: c.DType("dtype"))));
        Relax("sort", c => V(Reduce.Sort(c.T(0), c.Long("axis", -1), c.Bool("descending"))));
        Relax("argsort", c => V(Reduce.ArgSort(c.T(0), c.Long("axis", -1), c.Bool("descending"), c.DType("dtype") ?? DataType.Int32)));
        Relax("topk", c =>
        {
            var (vals, idx) = Reduce.TopK(c.T(0), c.Long("k", 1), c.Long("axis", -1), c.Bool("largest", true), c.DType("dtype") ?? DataType.Int32);
            return c.Str("ret_type", "both") switch { "values" => V(vals), "indices" => V(idx), _ => KernelCall.Tuple(vals, idx) };
        });
        Relax("nonzero", c =>
        {
            var x = c.T(0);
            var hits = new List<long>();
            for (long i = 0; i < x.Length; i++) if (x.GetDouble(i) != 0) hits.Add(i);
            var st = x.Strides();
            var r = Tensor.Zeros(DataType.Int64, x.Rank, hits.Count);
            for (var k = 0; k < hits.Count; k++)
                for (var d = 0; d < x.Rank; d++) r.SetInt64(d * hits.Count + k, hits[k] / st[d] % x.Shape[d]);
            return V(r);
        });

        Relax("reshape", c => V(Manipulate.Reshape(c.T(0), c.Ints(1))));
        Relax("permute_dims", c => V(Manipulate.Transpose(c.T(0), c.Longs("axes"))));
        Relax("expand_dims", c =>
        {
            // Axes refer to the output rank; insert in increasing normalized order.
            var x = c.T(0);
            var axes = c.Longs("axis", []);
            var outRank = x.Rank + axes.Length;
            foreach (var a in axes.Select(a => a < 0 ? a + outRank : a).Order()) x = Manipulate.ExpandDims(x, a);
            return V(x);
        });
        Relax("squeeze", c => V(Manipulate.Squeeze(c.T(0), c.Longs("axis"))));
        Relax("flatten", c => V(Manipulate.Reshape(c.T(0), [-1])));
        Relax("broadcast_to", c => V(Manipulate.BroadcastTo(c.T(0), c.Ints(1))));
        Relax("concat", c =>
        {
            var xs = c.Tensors(0);
            return c.OptLong("axis") is { } a ? V(Manipulate.Concat(xs, a)) : V(Manipulate.Concat([.. xs.Select(t => Manipulate.Reshape(t, [-1]))], 0));
        });
        Relax("stack", c => V(Manipulate.Stack(c.Tensors(0), c.OptLong("axis") ?? 0)));
        Relax("split", c =>
        {
            var x = c.T(0);
            var ios = c.Longs("indices_or_sections", []);
            var parts = c.Bool("__is_sections") ? Manipulate.Split(x, (int)ios[0], c.Long("axis")) : Manipulate.SplitAt(x, ios, c.Long("axis"));
            return KernelCall.Tuple(parts);
        });
        Relax("tile", c => V(Manipulate.Tile(c.T(0), c.Longs("repeats", []))));
        Relax("repeat", c =>
        {
            var x = c.T(0);
            return c.OptLong("axis") is { } a ? V(Manipulate.Repeat(x, c.Long("repeats", 1), a)) : V(Manipulate.Repeat(Manipulate.Reshape(x, [-1]), c.Long("repeats", 1), 0));
        });
        Relax("flip", c => V(Manipulate.Reverse(c.T(0), c.Long("axis"))));
        Relax("strided_slice", c =>
        {
            var axes = c.Ints(1);
            var strides = c.Count > 4 ? c.Ints(4) : null;
            return V(Manipulate.StridedSlice(c.T(0), c.Ints(2), c.Ints(3), strides, axes));
        });
        Relax("gather_elements", c => V(Manipulate.GatherElements(c.T(0), c.T(1), c.Long("axis"))));
        Relax("gather_nd", c => V(Manipulate.GatherNd(c.T(0), c.T(1), (int)c.Long("batch_dims"))));
        Relax("scatter_nd", c => V(Manipulate.ScatterNd(c.T(0), c.T(1), c.T(2), ScatterOf(c, c.Str("reduction", "update")))));

        Relax("full", c => { var v = c.T(1); return V(Manipulate.Full(c.Ints(0), v, c.DType("dtype") ?? v.DType)); });
        Relax("ones", c => V(Manipulate.Full(c.Ints(0), 1, c.DType("dtype") ?? DataType.Float32)));
        Relax("zeros", c => V(Manipulate.Full(c.Ints(0), 0, c.DType("dtype") ?? DataType.Float32)));
        Relax("full_like", c => { var x = c.T(0); return V(Manipulate.Full([.. x.Shape], c.T(1), c.DType("dtype") ?? x.DType)); });
        Relax("ones_like", c => { var x = c.T(0); return V(Manipulate.Full([.. x.Shape], 1, c.DType("dtype") ?? x.DType)); });
        Relax("zeros_like", c => { var x = c.T(0); return V(Manipulate.Full([.. x.Shape], 0, c.DType("dtype") ?? x.DType)); });
        Relax("arange", c => V(Manipulate.Arange(c.Scalar(0), c.Scalar(1), c.Scalar(2), c.DType("dtype") ?? c.OutDType ?? DataType.Int64)));
        Relax("tril", c => V(Triangle(c.T(0), c.Count > 1 ? (long)c.Scalar(1) : 0, upper: false)));
        Relax("triu", c => V(Triangle(c.T(0), c.Count > 1 ? (long)c.Scalar(1) : 0, upper: true)));
        Relax("astype", c => V(Manipulate.Cast(c.T(0), c.DType("dtype") ?? throw c.Error("dtype is required"))));
        Relax("wrap_param", c => V(Manipulate.Cast(c.T(0), c.DType("dtype") ?? DataType.Float32)));
        Relax("shape_of", c => new ShapeValue([.. c.T(0).Shape]));
        Relax("shape_to_tensor", c => { var d = c.Ints(0); return V(Tensor.FromArray(d, d.Length)); });
        Relax("tensor_to_shape", c => new ShapeValue([.. c.Ints(0)]));
        Relax("print", c => TupleValue.Empty);
        Relax("assert_op", c =>
        {
            var cond = c.T(0);
            if (cond.GetDouble(0) == 0) throw c.Error("assertion failed" + (c.Count > 1 && c.Args[1] is StringValue s ? ": " + s.Text : ""));
            return TupleValue.Empty;
        });
        Relax("to_vdevice", c => c.Args[0]);
        Relax("hint_on_device", c => c.Args[0]);
        Relax("collapse_sum_like", c => V(CollapseSum(c.T(0), [.. c.T(1).Shape])));
        Relax("collapse_sum_to", c => V(CollapseSum(c.T(0), c.Ints(1))));
        Relax("dequantize", c =>
        {
            // (data - zero_point) * scale, broadcast along axis, in float32 (or out_dtype).
            Tensor x = c.T(0), scale = c.T(1), zp = c.T(2);
            var axis = Axis("dequantize", c.Long("axis", -1), Math.Max(x.Rank, 1));
            var f = Manipulate.Cast(x, DataType.Float32);
            var y = Elementwise.Binary(BinaryOp.Multiply, Elementwise.Binary(BinaryOp.Subtract, f, AlongAxis(Manipulate.Cast(zp, DataType.Float32), axis, x.Rank)), AlongAxis(Manipulate.Cast(scale, DataType.Float32), axis, x.Rank));
            var od = c.DType("out_dtype") ?? DataType.Float32;
            return V(od == DataType.Float32 ? y : Manipulate.Cast(y, od));
        });
        Relax("quantize", c =>
        {
            // clip(round(data / scale) + zero_point, qmin, qmax) in out_dtype.
            Tensor x = c.T(0), scale = c.T(1), zp = c.T(2);
            var axis = Axis("quantize", c.Long("axis", -1), Math.Max(x.Rank, 1));
            var od = c.DType("out_dtype") ?? DataType.Int8;
            var q = Elementwise.Unary(UnaryOp.Round, Elementwise.Binary(BinaryOp.Divide, Manipulate.Cast(x, DataType.Float32), AlongAxis(Manipulate.Cast(scale, DataType.Float32), axis, x.Rank)));
            q = Elementwise.Binary(BinaryOp.Add, q, AlongAxis(Manipulate.Cast(zp, DataType.Float32), axis, x.Rank));
            var (lo, hi) = od.IsUInt ? (0.0, Math.Pow(2, od.Bits) - 1) : (-Math.Pow(2, od.Bits - 1), Math.Pow(2, od.Bits - 1) - 1);
            return V(Manipulate.Cast(Elementwise.Clip(q, lo, hi), od));
        });
    }

    private static Tensor AlongAxis(Tensor v, int axis, int rank)
    {
        if (v.Length == 1 || rank == 0) return Manipulate.Reshape(v, []);
        var shape = Enumerable.Repeat(1L, rank).ToArray();
        shape[axis] = v.Length;
        return Manipulate.Reshape(v, shape);
    }

    private static ImmutableArray<long> Dims(Tensor t) => t.Shape;
}

using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

// Relay-only adapters (attrs records of src/IR/Ops/Relay). Relay integer-list attrs are ValueArray<long>; dtypes are strings.
public static partial class ReferenceKernels
{
    private static DataType DTypeOr(KernelCall c, string name, DataType dflt) => c.DType(name) ?? dflt;

    private static void RegisterRelay()
    {
        Relay("nn.leaky_relu", c => V(Elementwise.Unary(UnaryOp.LeakyRelu, c.T(0), new UnaryParams(Alpha: c.Double("alpha", 0.25)))));
        Relay("nn.bias_add", c =>
        {
            var x = c.T(0); var b = c.T(1);
            var axis = Axis("nn.bias_add", c.Long("axis", 1), x.Rank);
            var shape = Enumerable.Repeat(1L, x.Rank - axis).ToArray();
            shape[0] = b.Length;
            return V(Elementwise.Binary(BinaryOp.Add, x, Manipulate.Reshape(b, shape)));
        });
        Relay("nn.dense", c => V(Linalg.Dense(c.T(0), c.T(1), c.DType("out_dtype"))));
        Relay("nn.matmul", c =>
        {
            var a = c.T(0); var b = c.T(1);
            if (c.Bool("transpose_a")) a = Manipulate.Transpose(a, SwapLast(a.Rank));
            if (c.Bool("transpose_b")) b = Manipulate.Transpose(b, SwapLast(b.Rank));
            return V(Linalg.Matmul(a, b, c.DType("out_dtype")));
        });
        Relay("nn.batch_matmul", c => V(Linalg.BatchMatmul(c.T(0), c.T(1), c.Bool("transpose_a"), c.Bool("transpose_b", true), c.DType("out_dtype"))));
        Relay("nn.batch_norm", c =>
        {
            var x = c.T(0);
            var y = Norm.BatchNorm(x, c.T(1), c.T(2), c.T(3), c.T(4), c.Long("axis", 1), c.Double("epsilon", 1e-5), c.Bool("center", true), c.Bool("scale", true));
            return KernelCall.Tuple(y, c.T(3), c.T(4));
        });
        Relay("nn.layer_norm", c => V(Norm.LayerNorm(c.T(0), Gamma(c, 1), Beta(c, 2), [c.Long("axis", -1)], c.Double("epsilon", 1e-5))));
        Relay("nn.group_norm", c => V(Norm.GroupNorm(c.T(0), Gamma(c, 1), Beta(c, 2), (int)c.Long("num_groups"), c.Long("axis", 1), c.Double("epsilon", 1e-5))));
        Relay("nn.l2_normalize", c => V(Norm.L2Normalize(c.T(0), c.Double("eps"), c.Longs("axis"))));
        Relay("nn.lrn", c => V(Norm.Lrn(c.T(0), (int)c.Long("size", 5), c.Long("axis", 1), c.Double("bias", 2), c.Double("alpha", 1e-4), c.Double("beta", 0.75))));
        Relay("nn.pad", c =>
        {
            var mode = c.Str("pad_mode", "constant") switch
            {
                "constant" => PadMode.Constant,
                "edge" => PadMode.Edge,
                "reflect" => PadMode.Reflect,
                var m => throw c.Error($"unsupported pad_mode '{m}'"),
            };
            return V(Manipulate.Pad(c.T(0), c.Longs("pad_width") ?? [], mode, c.Count > 1 ? c.Scalar(1) : 0));
        });
        Relay("nn.mirror_pad", c => c.Str("mode", "SYMMETRIC") == "REFLECT"
            ? V(Manipulate.Pad(c.T(0), c.Longs("pad_width") ?? [], PadMode.Reflect))
            : throw c.Error("mirror_pad mode SYMMETRIC has no reference kernel"));
        Relay("nn.upsampling", c =>
        {
            var x = c.T(0);
            var layout = c.Str("layout", "NCHW");
            long h = x.Shape[layout.IndexOf('H')], w = x.Shape[layout.IndexOf('W')];
            var size = new[] { (long)Math.Floor(h * c.Double("scale_h")), (long)Math.Floor(w * c.Double("scale_w")) };
            var method = c.Str("method", "nearest_neighbor");
            // topi.nn.upsampling: align_corners or asymmetric coordinates; nearest rounds down (PyTorch's nearest).
            var p = new ResizeParams(size, layout, method == "bilinear" ? "linear" : method == "bicubic" ? "cubic" : "nearest_neighbor",
                c.Bool("align_corners") ? "align_corners" : "asymmetric", "floor");
            return V(Resize.Apply(x, p));
        });
        Relay("nn.depth_to_space", c => V(Manipulate.DepthToSpace(c.T(0), (int)c.Long("block_size", 1), c.Str("layout", "NCHW"), c.Str("mode", "DCR"))));
        Relay("nn.space_to_depth", c => V(Manipulate.SpaceToDepth(c.T(0), (int)c.Long("block_size", 1), c.Str("layout", "NCHW"))));
        Relay("nn.cross_entropy_with_logits", c => V(CrossEntropy(c.T(0), c.T(1))));

        Relay("cumsum", c => V(Reduce.Cumulative(c.T(0), c.OptLong("axis"), false, c.Bool("exclusive"), dtype: c.DType("dtype"))));
        Relay("cumprod", c => V(Reduce.Cumulative(c.T(0), c.OptLong("axis"), true, c.Bool("exclusive"), dtype: c.DType("dtype"))));
        Relay("topk", c =>
        {
            var (vals, idx) = Reduce.TopK(c.T(0), c.Long("k"), c.Long("axis", -1), !c.Bool("is_ascend"), DTypeOr(c, "dtype", DataType.Int32));
            return c.Str("ret_type", "both") switch { "values" => V(vals), "indices" => V(idx), _ => KernelCall.Tuple(vals, idx) };
        });
        Relay("argsort", c => V(Reduce.ArgSort(c.T(0), c.Long("axis", -1), !c.Bool("is_ascend", true), DTypeOr(c, "dtype", DataType.Int32))));
        Relay("sort", c => V(Reduce.Sort(c.T(0), c.Long("axis", -1), !c.Bool("is_ascend", true))));

        Relay("reshape", c => { var x = c.T(0); return V(Manipulate.Reshape(x, RelayNewShape(c, [.. x.Shape], c.Longs("newshape") ?? [], false))); });
        Relay("contrib_reverse_reshape", c => { var x = c.T(0); return V(Manipulate.Reshape(x, RelayNewShape(c, [.. x.Shape], c.Longs("newshape") ?? [], true))); });
        Relay("reshape_like", c =>
        {
            var x = c.T(0); var like = c.T(1);
            long lb = c.Long("lhs_begin"), rb = c.Long("rhs_begin");
            var le = c.OptLong("lhs_end") ?? x.Rank; var re = c.OptLong("rhs_end") ?? like.Rank;
            if (lb < 0) lb += x.Rank; if (le < 0) le += x.Rank; if (rb < 0) rb += like.Rank; if (re < 0) re += like.Rank;
            var shape = x.Shape.Take((int)lb).Concat(like.Shape.Skip((int)rb).Take((int)(re - rb))).Concat(x.Shape.Skip((int)le)).ToArray();
            return V(Manipulate.Reshape(x, shape));
        });
        Relay("squeeze", c => V(Manipulate.Squeeze(c.T(0), c.Longs("axis"))));
        Relay("expand_dims", c => V(Manipulate.ExpandDims(c.T(0), c.Long("axis"), (int)c.Long("num_newaxis", 1))));
        Relay("transpose", c => V(Manipulate.Transpose(c.T(0), c.Longs("axes") is { Length: > 0 } a ? a : null)));
        Relay("concatenate", c => V(Manipulate.Concat(c.Tensors(0), c.Long("axis"))));
        Relay("stack", c => V(Manipulate.Stack(c.Tensors(0), c.Long("axis"))));
        Relay("split", c =>
        {
            var x = c.T(0);
            var parts = c.Raw("indices_or_sections") switch
            {
                long n => Manipulate.Split(x, (int)n, c.Long("axis")),
                int n => Manipulate.Split(x, n, c.Long("axis")),
                var v => Manipulate.SplitAt(x, KernelCall.ToLongs(v) ?? throw c.Error("indices_or_sections is required"), c.Long("axis")),
            };
            return KernelCall.Tuple(parts);
        });
        Relay("strided_slice", c =>
        {
            var x = c.T(0);
            var begin = c.Longs("begin") ?? throw c.Error("begin is required");
            var end = c.Longs("end") ?? throw c.Error("end is required");
            var strides = c.Longs("strides");
            var axes = c.Longs("axes");
            if (c.Str("slice_mode", "end") == "size")
            {
                // size mode: end = begin + size; a negative size runs to the end of the axis; strides are ignored (TVM).
                end = (long[])end.Clone();
                for (var i = 0; i < end.Length; i++)
                {
                    var ax = axes is null ? i : (int)(axes[i] < 0 ? axes[i] + x.Rank : axes[i]);
                    var b = i < begin.Length ? begin[i] : 0;
                    end[i] = end[i] < 0 ? x.Shape[ax] : (b < 0 ? b + x.Shape[ax] : b) + end[i];
                }
                strides = null;
            }
            return V(Manipulate.StridedSlice(x, begin, end, strides, axes));
        });
        Relay("gather", c => V(Manipulate.GatherElements(c.T(0), c.T(1), c.Long("axis"))));
        Relay("gather_nd", c => V(Manipulate.GatherNdRelay(c.T(0), c.T(1), (int)c.Long("batch_dims"))));
        Relay("scatter_nd", c =>
        {
            // Relay indices are (M, Y...): move M last to get ONNX's (Y..., M).
            var idx = c.T(1);
            var perm = Enumerable.Range(1, idx.Rank - 1).Append(0).Select(i => (long)i).ToArray();
            return V(Manipulate.ScatterNd(c.T(0), Manipulate.Transpose(idx, perm), c.T(2), ScatterOf(c, c.Str("mode", "update"))));
        });
        Relay("broadcast_to", c => V(Manipulate.BroadcastTo(c.T(0), c.Longs("shape") ?? throw c.Error("shape is required"))));
        Relay("broadcast_to_like", c => V(Manipulate.BroadcastTo(c.T(0), [.. c.T(1).Shape])));
        Relay("collapse_sum_like", c => V(CollapseSum(c.T(0), [.. c.T(1).Shape])));
        Relay("tile", c => V(Manipulate.Tile(c.T(0), c.Longs("reps") ?? throw c.Error("reps is required"))));
        Relay("repeat", c => V(Manipulate.Repeat(c.T(0), c.Long("repeats"), c.Long("axis"))));
        Relay("reverse", c => V(Manipulate.Reverse(c.T(0), c.Long("axis"))));
        Relay("layout_transform", c => V(Manipulate.LayoutTransform(c.T(0), c.Str("src_layout"), c.Str("dst_layout"))));
        Relay("cast", c => V(Manipulate.Cast(c.T(0), c.DType("dtype") ?? throw c.Error("dtype is required"))));
        Relay("cast_like", c => V(Manipulate.Cast(c.T(0), c.T(1).DType)));
        Relay("reinterpret", c =>
        {
            var x = c.T(0); var d = c.DType("dtype") ?? throw c.Error("dtype is required");
            if (d.ElementSize != x.DType.ElementSize) throw c.Error($"cannot reinterpret {x.DType} as {d}");
            return V(Tensor.FromBytes(d, x.Shape.AsSpan(), x.Bytes.ToArray()));
        });
        Relay("full", c => V(Manipulate.Full(c.Longs("shape") ?? [], c.T(0), DTypeOr(c, "dtype", c.T(0).DType))));
        Relay("zeros", c => V(Manipulate.Full(c.Longs("shape") ?? [], 0, DTypeOr(c, "dtype", DataType.Float32))));
        Relay("ones", c => V(Manipulate.Full(c.Longs("shape") ?? [], 1, DTypeOr(c, "dtype", DataType.Float32))));
        Relay("full_like", c => { var x = c.T(0); return V(Manipulate.Full([.. x.Shape], c.T(1), x.DType)); });
        Relay("zeros_like", c => { var x = c.T(0); return V(Manipulate.Full([.. x.Shape], 0, x.DType)); });
        Relay("ones_like", c => { var x = c.T(0); return V(Manipulate.Full([.. x.Shape], 1, x.DType)); });
        Relay("arange", c => V(Manipulate.Arange(c.Scalar(0), c.Scalar(1), c.Scalar(2), DTypeOr(c, "dtype", DataType.Float32))));
        Relay("shape_of", c =>
        {
            var x = c.T(0); var d = DTypeOr(c, "dtype", DataType.Int32);
            var t = Tensor.Zeros(d, x.Rank);
            for (var i = 0; i < x.Rank; i++) t.SetInt64(i, x.Shape[i]);
            return V(t);
        });
        Relay("ndarray_size", c =>
        {
            var t = Tensor.Zeros(DTypeOr(c, "dtype", DataType.Int32), ReadOnlySpan<long>.Empty);
            t.SetInt64(0, c.T(0).Length);
            return V(t);
        });
        Relay("copy", c => V(c.T(0).Clone()));
        Relay("trilu", c => V(Triangle(c.T(0), c.Count > 1 ? (long)c.Scalar(1) : 0, c.Bool("upper", true))));
        foreach (var id in new[] { "annotation.stop_fusion", "annotation.checkpoint", "on_device", "device_copy" })
            Relay(id, c => c.Args[0]);
    }

    private static long[] SwapLast(int rank)
    {
        var p = Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        (p[^1], p[^2]) = (p[^2], p[^1]);
        return p;
    }

    /// <summary>
    /// Relay reshape's <c>newshape</c> codes (relay/op/tensor/transform.cc InferNewShape): 0 copies the input dim, -1 infers one dim,
    /// -2 copies all remaining dims, -3 merges two consecutive input dims, -4 splits one input dim into the next two values (one may be
    /// -1). <paramref name="reverse"/> (contrib_reverse_reshape) applies the codes right to left.
    /// </summary>
    internal static long[] RelayNewShape(KernelCall c, long[] ishape, long[] newshape, bool reverse)
    {
        if (reverse) { ishape = [.. ishape.Reverse()]; newshape = [.. newshape.Reverse()]; }
        var o = new List<long>();
        var src = 0;
        var infer = -1;
        for (var i = 0; i < newshape.Length; i++)
        {
            var v = newshape[i];
            switch (v)
            {
                case > 0: o.Add(v); src++; break;
                case 0:
                    if (src >= ishape.Length) throw c.Error($"newshape code 0 at {i} has no input dim");
                    o.Add(ishape[src++]); break;
                case -1:
                    if (infer >= 0) throw c.Error("more than one -1 in newshape");
                    infer = o.Count; o.Add(1); src++; break;
                case -2:
                    while (src < ishape.Length) o.Add(ishape[src++]);
                    break;
                case -3:
                    if (src + 1 >= ishape.Length) throw c.Error($"newshape code -3 at {i} needs two input dims");
                    o.Add(ishape[src] * ishape[src + 1]); src += 2; break;
                case -4:
                    {
                        if (i + 2 >= newshape.Length || src >= ishape.Length) throw c.Error("newshape code -4 needs two following values");
                        var d = ishape[src++];
                        long a = newshape[++i], b = newshape[++i];
                        if (a == -1) a = d / b; else if (b == -1) b = d / a;
                        if (a * b != d) throw c.Error($"newshape -4 split {a}x{b} does not match dim {d}");
                        o.Add(a); o.Add(b); break;
                    }
                default: throw c.Error($"bad newshape value {v}");
            }
        }
        if (infer >= 0)
        {
            long total = 1, known = 1;
            foreach (var d in ishape) total *= d;
            for (var i = 0; i < o.Count; i++) if (i != infer) known *= o[i];
            if (known == 0 || total % known != 0) throw c.Error($"cannot infer -1 reshaping ({string.Join(", ", ishape)}) to [{string.Join(", ", newshape)}]");
            o[infer] = total / known;
        }
        if (reverse) o.Reverse();
        return [.. o];
    }

    private static Tensor CrossEntropy(Tensor pred, Tensor labels)
    {
        // TVM: -sum(labels * predictions) / batch
        var prod = Elementwise.Binary(BinaryOp.Multiply, pred, labels);
        var s = Reduce.Apply(ReduceOp.Sum, prod);
        var n = Tensor.Scalar(s.DType, -pred.Shape[0]);
        return Elementwise.Binary(BinaryOp.Divide, s, n);
    }
}

using static Bridge.Translators.Torch.OnnxGraphBuilder;

namespace Bridge.Translators.Torch;

/// <summary>Neural-network aten ops: convolution, normalization, dense, pooling, dropout (inference), padding, LSTM.</summary>
internal static partial class Aten
{
    private static void RegisterNn()
    {
        R((ev, c) =>
        {
            // _weight_norm(v, g, dim=0) = v * g / ||v|| over every dim but `dim` (dim=-1: the whole tensor)
            var v = T(ev, c, 0, "v");
            var g = T(ev, c, 1, "g", v.DType);
            var dim = L(ev, c, 2, "dim", 0);
            var axes = Enumerable.Range(0, v.Rank).Where(i => dim == -1 || i != Axis(ev, c, dim, v.Rank)).Select(i => (long)i).ToArray();
            var norm = ev.Graph.Node("ReduceL2", [v], [.. v.Shape.Select((s, i) => axes.Contains(i) ? 1L : s)], v.DType, A("axes", axes), A("keepdims", 1L));
            var scale = Bin(ev, c, "Div", g, norm);
            return Bin(ev, c, "Mul", v, scale);
        }, "_weight_norm");
        // _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups, benchmark, deterministic, cudnn_enabled, allow_tf32)
        R((ev, c) => Conv(ev, c, T(ev, c, 0), T(ev, c, 1, "weight"), OptT(ev, c, 2, "bias"), 3, 4, 5, B(ev, c, 6, "transposed"), 7, L(ev, c, 8, "groups", 1)), "_convolution");
        // conv{1,2,3}d(input, weight, bias, stride, padding, dilation, groups)
        R((ev, c) => Conv(ev, c, T(ev, c, 0), T(ev, c, 1, "weight"), OptT(ev, c, 2, "bias"), 3, 4, 5, false, -1, L(ev, c, 6, "groups", 1)), "conv1d", "conv2d", "conv3d");
        // conv_transpose{1,2}d(input, weight, bias, stride, padding, output_padding, groups, dilation)
        R((ev, c) => Conv(ev, c, T(ev, c, 0), T(ev, c, 1, "weight"), OptT(ev, c, 2, "bias"), 3, 4, 7, true, 5, L(ev, c, 6, "groups", 1)), "conv_transpose1d", "conv_transpose2d");
        R((ev, c) =>
        {
            // batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled)
            var x = T(ev, c, 0);
            if (B(ev, c, 5, "training")) throw Bad(ev, c, "training-mode batch_norm (batch statistics) is not an inference op; save the model after .eval()");
            var ch = x.Shape[1];
            var w = OptT(ev, c, 1, "weight") ?? Full(ev, [ch], 1.0, x.DType);
            var b = OptT(ev, c, 2, "bias") ?? Full(ev, [ch], 0.0, x.DType);
            return ev.Graph.Node("BatchNormalization", [x, w, b, T(ev, c, 3, "running_mean"), T(ev, c, 4, "running_var")], x.Shape, x.DType, A("epsilon", D(ev, c, 7, "eps", 1e-5)));
        }, "batch_norm");
        R((ev, c) =>
        {
            // layer_norm(input, normalized_shape, weight, bias, eps, cudnn_enable)
            var x = T(ev, c, 0);
            var k = Ls(ev, c, 1, "normalized_shape").Length;
            var shape = x.Shape.Skip(x.Rank - k).ToArray();
            var w = OptT(ev, c, 2, "weight") ?? Full(ev, shape, 1.0, x.DType);
            var b = OptT(ev, c, 3, "bias") ?? Full(ev, shape, 0.0, x.DType);
            return ev.Graph.Node("LayerNormalization", [x, w, b], x.Shape, x.DType, A("axis", (long)-k), A("epsilon", D(ev, c, 4, "eps", 1e-5)));
        }, "layer_norm");
        R((ev, c) =>
        {
            // group_norm(input, num_groups, weight, bias, eps, cudnn_enabled): normalize over (C/G, spatial) per group, then affine per channel
            var x = T(ev, c, 0);
            var g = L(ev, c, 1, "num_groups");
            var grouped = Reshape(ev, x, [x.Shape[0], g, x.Shape.Skip(1).Aggregate(1L, (p, q) => p * q) / g]);
            var mean = ReduceOp(ev, "ReduceMean", grouped, [2], true);
            var centered = Bin(ev, c, "Sub", grouped, mean);
            var variance = ReduceOp(ev, "ReduceMean", Bin(ev, c, "Mul", centered, centered), [2], true);
            var norm = Bin(ev, c, "Div", centered, Unary(ev, "Sqrt", Bin(ev, c, "Add", variance, D(ev, c, 4, "eps", 1e-5))));
            var y = Reshape(ev, norm, x.Shape);
            var bshape = ImmutableArray.Create(x.Shape[1]).AddRange(Enumerable.Repeat(1L, x.Rank - 2));
            if (OptT(ev, c, 2, "weight") is { } w) y = Bin(ev, c, "Mul", y, Reshape(ev, w, bshape));
            if (OptT(ev, c, 3, "bias") is { } b) y = Bin(ev, c, "Add", y, Reshape(ev, b, bshape));
            return y;
        }, "group_norm");
        R((ev, c) =>
        {
            // instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled)
            var x = T(ev, c, 0);
            var ch = x.Shape[1];
            var w = OptT(ev, c, 1, "weight") ?? Full(ev, [ch], 1.0, x.DType);
            var b = OptT(ev, c, 2, "bias") ?? Full(ev, [ch], 0.0, x.DType);
            return ev.Graph.Node("InstanceNormalization", [x, w, b], x.Shape, x.DType, A("epsilon", D(ev, c, 7, "eps", 1e-5)));
        }, "instance_norm");
        R((ev, c) =>
        {
            var x = T(ev, c, 0);
            var w = T(ev, c, 1, "weight");
            var y = MatMul(ev, c, x, Transpose(ev, w, [1, 0]));
            return OptT(ev, c, 2, "bias") is { } b ? Bin(ev, c, "Add", y, b) : y;
        }, "linear");
        R((ev, c) =>
        {
            // addmm(self, mat1, mat2, beta, alpha) = beta*self + alpha*(mat1 @ mat2)
            var prod = MatMul(ev, c, T(ev, c, 1, "mat1"), T(ev, c, 2, "mat2"));
            var (beta, alpha) = (D(ev, c, 3, "beta", 1.0), D(ev, c, 4, "alpha", 1.0));
            var p = alpha == 1 ? prod : Bin(ev, c, "Mul", prod, alpha);
            var s = beta == 1 ? T(ev, c, 0) : Bin(ev, c, "Mul", T(ev, c, 0), beta);
            return Bin(ev, c, "Add", s, p);
        }, "addmm", "baddbmm");
        R((ev, c) => MatMul(ev, c, T(ev, c, 0), T(ev, c, 1, "other")), "matmul", "mm", "bmm");
        R((ev, c) => { var (a, b) = (T(ev, c, 0), T(ev, c, 1, "tensor")); return ReduceOp(ev, "ReduceSum", Bin(ev, c, "Mul", a, b), [0], false); }, "dot");
        R((ev, c) => Pool(ev, c, "MaxPool", 1), "max_pool1d");
        R((ev, c) => Pool(ev, c, "MaxPool", 2), "max_pool2d");
        R((ev, c) => Pool(ev, c, "MaxPool", 3), "max_pool3d");
        R((ev, c) => Pool(ev, c, "AveragePool", 1), "avg_pool1d");
        R((ev, c) => Pool(ev, c, "AveragePool", 2), "avg_pool2d");
        R((ev, c) => Pool(ev, c, "AveragePool", 3), "avg_pool3d");
        R((ev, c) => AdaptivePool(ev, c, "AveragePool"), "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d");
        R((ev, c) => new PyTupleValue([AdaptivePool(ev, c, "MaxPool"), null]), "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d");
        R((ev, c) => T(ev, c, 0), "dropout", "feature_dropout", "alpha_dropout", "feature_alpha_dropout");
        R((ev, c) => Pad(ev, c, T(ev, c, 0), Ls(ev, c, 1, "pad"), Arg(c, 2, "mode", "constant") as string ?? "constant", Arg(c, 3, "value") is { } v ? Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) : 0.0), "pad");
        R((ev, c) => Pad(ev, c, T(ev, c, 0), Ls(ev, c, 1, "pad"), "constant", D(ev, c, 2, "value", 0.0)), "constant_pad_nd");
        R((ev, c) => Pad(ev, c, T(ev, c, 0), Ls(ev, c, 1, "padding"), "reflect", 0), "reflection_pad1d", "reflection_pad2d");
        R((ev, c) => Pad(ev, c, T(ev, c, 0), Ls(ev, c, 1, "padding"), "edge", 0), "replication_pad1d", "replication_pad2d", "replication_pad3d");
        R((ev, c) =>
        {
            // pixel_shuffle(x, r): (N, C*r*r, H, W) -> (N, C, H*r, W*r)
            var x = T(ev, c, 0);
            var r = L(ev, c, 1, "upscale_factor");
            var (n, ch, h, w) = (x.Shape[0], x.Shape[1] / (r * r), x.Shape[2], x.Shape[3]);
            var y = Transpose(ev, Reshape(ev, x, [n, ch, r, r, h, w]), [0, 1, 4, 2, 5, 3]);
            return Reshape(ev, y, [n, ch, h * r, w * r]);
        }, "pixel_shuffle");
        R((ev, c) => Upsample(ev, c, "nearest"), "upsample_nearest1d", "upsample_nearest2d", "upsample_nearest3d");
        R((ev, c) => Upsample(ev, c, "linear"), "upsample_bilinear2d", "upsample_linear1d", "upsample_trilinear3d");
        R((ev, c) => Upsample(ev, c, "cubic"), "upsample_bicubic2d");
        R((ev, c) => Lstm(ev, c), "lstm");
    }

    private static TensorRef MatMul(TorchScriptEvaluator ev, AtenCall c, TensorRef a, TensorRef b)
    {
        if (a.Rank == 0 || b.Rank == 0) throw Bad(ev, c, "matmul of a 0-d tensor");
        var (ar, br) = (a.Rank == 1 ? [1, a.Shape[0]] : a.Shape, b.Rank == 1 ? [b.Shape[0], 1] : b.Shape);
        if (ar[^1] != br[^2]) throw Bad(ev, c, $"matmul of {Tensor.FormatShape(a.Shape)} and {Tensor.FormatShape(b.Shape)}");
        var batch = Broadcast(ev, c, [.. ar.Take(ar.Length - 2)], [.. br.Take(br.Length - 2)]);
        var shape = batch.Add(ar[^2]).Add(br[^1]);
        if (a.Rank == 1) shape = shape.RemoveAt(shape.Length - 2);
        if (b.Rank == 1) shape = shape.RemoveAt(shape.Length - 1);
        var dt = Promote(a, b);
        return ev.Graph.Node("MatMul", [ev.Cast(a, dt), ev.Cast(b, dt)], shape, dt);
    }

    private static TensorRef Conv(TorchScriptEvaluator ev, AtenCall c, TensorRef x, TensorRef w, TensorRef? b, int strideI, int padI, int dilI, bool transposed, int outPadI, long groups)
    {
        var k = w.Rank - 2;
        var stride = LsN(ev, c, strideI, "stride", k, [1]);
        var dil = LsN(ev, c, dilI, "dilation", k, [1]);
        long[] pads;
        if (Arg(c, padI, "padding") is string mode)
        {
            if (mode == "valid") pads = new long[k];
            else if (mode == "same" && stride.All(s => s == 1))
            {
                // total = d*(k-1); torch puts the extra one on the right
                var tot = Enumerable.Range(0, k).Select(i => dil[i] * (w.Shape[2 + i] - 1)).ToArray();
                var pl = tot.Select(t => t / 2).ToArray();
                var outSame = ImmutableArray.Create(x.Shape[0], w.Shape[0]).AddRange(x.Shape.Skip(2));
                return Conv1(ev, x, w, b, stride, dil, [.. pl, .. tot.Select((t, i) => t - pl[i])], groups, outSame);
            }
            else throw Bad(ev, c, $"padding '{mode}'");
        }
        else pads = LsN(ev, c, padI, "padding", k, [0]);
        var outPad = outPadI >= 0 ? LsN(ev, c, outPadI, "output_padding", k, [0]) : new long[k];
        ImmutableArray<long> shape;
        if (!transposed)
            shape = ImmutableArray.Create(x.Shape[0], w.Shape[0]).AddRange(Enumerable.Range(0, k).Select(i => (x.Shape[2 + i] + 2 * pads[i] - dil[i] * (w.Shape[2 + i] - 1) - 1) / stride[i] + 1));
        else
        {
            shape = ImmutableArray.Create(x.Shape[0], w.Shape[1] * groups).AddRange(Enumerable.Range(0, k).Select(i => (x.Shape[2 + i] - 1) * stride[i] - 2 * pads[i] + dil[i] * (w.Shape[2 + i] - 1) + outPad[i] + 1));
            var attrs = new List<Importers.Onnx.Proto.AttributeProto> { A("strides", stride), A("dilations", dil), A("pads", [.. pads, .. pads]), A("group", groups), A("kernel_shape", w.Shape.Skip(2)) };
            if (outPad.Any(p => p != 0)) attrs.Add(A("output_padding", outPad));
            return ev.Graph.Node("ConvTranspose", [x, w, b], shape, x.DType, [.. attrs]);
        }
        return Conv1(ev, x, w, b, stride, dil, [.. pads, .. pads], groups, shape);
    }

    private static TensorRef Conv1(TorchScriptEvaluator ev, TensorRef x, TensorRef w, TensorRef? b, long[] stride, long[] dil, long[] pads, long groups, ImmutableArray<long> shape) =>
        ev.Graph.Node("Conv", [x, w, b], shape, x.DType, A("strides", stride), A("dilations", dil), A("pads", pads), A("group", groups), A("kernel_shape", w.Shape.Skip(2)));

    private static TensorRef Pool(TorchScriptEvaluator ev, AtenCall c, string onnx, int k)
    {
        // max_poolNd(x, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False)
        // avg_poolNd(x, kernel_size, stride=[], padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)
        var x = T(ev, c, 0);
        var kernel = LsN(ev, c, 1, "kernel_size", k, [1]);
        var stride = LsN(ev, c, 2, "stride", k, kernel);
        var pads = LsN(ev, c, 3, "padding", k, [0]);
        var isMax = onnx == "MaxPool";
        var dil = isMax ? LsN(ev, c, 4, "dilation", k, [1]) : [.. Enumerable.Repeat(1L, k)];
        var ceil = B(ev, c, isMax ? 5 : 4, "ceil_mode");
        var include = !isMax && B(ev, c, 5, "count_include_pad", true);
        if (!isMax && Arg(c, 6, "divisor_override") is not null) throw Bad(ev, c, "divisor_override");
        var spatial = new long[k];
        for (var i = 0; i < k; i++)
        {
            var inner = x.Shape[x.Rank - k + i] + 2 * pads[i] - dil[i] * (kernel[i] - 1) - 1;
            var o = (ceil ? (inner + stride[i] - 1) / stride[i] : inner / stride[i]) + 1;
            // torch: the last window must start inside the input or left padding
            if (ceil && (o - 1) * stride[i] >= x.Shape[x.Rank - k + i] + pads[i]) o--;
            spatial[i] = o;
        }
        var shape = x.Shape.Take(x.Rank - k).Concat(spatial).ToImmutableArray();
        var attrs = new List<Importers.Onnx.Proto.AttributeProto> { A("kernel_shape", kernel), A("strides", stride), A("pads", [.. pads, .. pads]), A("ceil_mode", ceil ? 1L : 0L) };
        if (isMax) attrs.Add(A("dilations", dil));
        else attrs.Add(A("count_include_pad", include ? 1L : 0L));
        return ev.Graph.Node(onnx, [x], shape, x.DType, [.. attrs]);
    }

    private static TensorRef AdaptivePool(TorchScriptEvaluator ev, AtenCall c, string onnx)
    {
        var x = T(ev, c, 0);
        var k = c.Op.EndsWith("1d", StringComparison.Ordinal) ? 1 : c.Op.EndsWith("3d", StringComparison.Ordinal) ? 3 : 2;
        var outSize = LsN(ev, c, 1, "output_size", k, [1]);
        var inSize = x.Shape.Skip(x.Rank - k).ToArray();
        var shape = x.Shape.Take(x.Rank - k).Concat(outSize).ToImmutableArray();
        if (outSize.All(o => o == 1))
            return ev.Graph.Node(onnx == "AveragePool" ? "GlobalAveragePool" : "GlobalMaxPool", [x], shape, x.DType);
        if (inSize.Zip(outSize).Any(p => p.First % p.Second != 0))
            throw Bad(ev, c, $"adaptive pooling from {string.Join("x", inSize)} to {string.Join("x", outSize)} (not a whole divisor) is not supported");
        var kernel = inSize.Zip(outSize).Select(p => p.First / p.Second).ToArray();
        return ev.Graph.Node(onnx, [x], shape, x.DType, A("kernel_shape", kernel), A("strides", kernel));
    }

    private static TensorRef Pad(TorchScriptEvaluator ev, AtenCall c, TensorRef x, long[] pad, string mode, double value)
    {
        // torch pads (last dim first): [l_last, r_last, l_prev, r_prev, ...]; ONNX: [begin_0..begin_n, end_0..end_n]
        var begins = new long[x.Rank];
        var ends = new long[x.Rank];
        for (var i = 0; i < pad.Length / 2; i++)
        {
            begins[x.Rank - 1 - i] = pad[2 * i];
            ends[x.Rank - 1 - i] = pad[2 * i + 1];
        }
        var shape = x.Shape.Select((d, i) => d + begins[i] + ends[i]).ToImmutableArray();
        var onnxMode = mode switch { "constant" => "constant", "reflect" => "reflect", "replicate" or "edge" => "edge", _ => throw Bad(ev, c, $"pad mode {mode}") };
        return ev.Graph.Node("Pad", [x, ev.Graph.Ints([.. begins, .. ends]), ev.Graph.Scalar(x.DType, value)], shape, x.DType, A("mode", onnxMode));
    }

    private static TensorRef Upsample(TorchScriptEvaluator ev, AtenCall c, string mode)
    {
        // upsample_*(input, output_size, [align_corners,] scales...)
        var x = T(ev, c, 0);
        var k = x.Rank - 2;
        var align = mode != "nearest" && B(ev, c, 2, "align_corners");
        long[] size;
        if (Arg(c, 1, "output_size") is { } os && os is not null && os is not List<object?> { Count: 0 }) size = Ls(ev, c, 1, "output_size");
        else
        {
            var scales = ev.Items(Arg(c, mode != "nearest" ? 3 : 2, "scale_factors"), c.Pos).Select(s => Convert.ToDouble(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            size = [.. Enumerable.Range(0, k).Select(i => (long)Math.Floor(x.Shape[2 + i] * scales[i]))];
        }
        var shape = x.Shape.Take(2).Concat(size).ToImmutableArray();
        var g = ev.Graph;
        var sizes = g.Ints([.. shape]);
        return g.Node("Resize", [x.Name, "", "", sizes.Name], shape, x.DType, A("mode", mode),
            A("coordinate_transformation_mode", mode == "nearest" ? "asymmetric" : align ? "align_corners" : "pytorch_half_pixel"),
            A("nearest_mode", "floor"), A("cubic_coeff_a", -0.75));
    }
}

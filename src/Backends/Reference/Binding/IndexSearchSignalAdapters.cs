using System.Collections;
using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

// Adapters for the ops of issue 6 ("one correct kernel per op semantics"): slice_like, sequence_mask, meshgrid, argwhere,
// searchsorted / relax.bucketize, adv_index, matrix_set_diag, space_to_batch_nd / batch_to_space_nd, upsampling3d,
// crop_and_resize, get_valid_counts, relax.median, dft, stft, deformable_conv2d.
public static partial class ReferenceKernels
{
    private static void RegisterIndexSearchSignal()
    {
        Relay("slice_like", c => V(SliceIndex.SliceLike(c.T(0), c.T(1).Shape, c.Longs("axes"))));
        Relay("sequence_mask", c => V(SliceIndex.SequenceMask(c.T(0), c.T(1), c.Double("mask_value"), c.Long("axis"))));
        // relax.meshgrid is bound too, for IR builds that declare it (Set skips undeclared ops).
        Both("meshgrid", c => KernelCall.Tuple(SliceIndex.Meshgrid(c.Tensors(0), c.Str("indexing", "ij"))));
        Relay("argwhere", c => V(SliceIndex.ArgWhere(c.T(0), DataType.Int32)));
        Relay("adv_index", c =>
        {
            var xs = c.Tensors(0);
            if (xs.Count == 0) throw c.Error("needs the data tensor as the first field of its tuple");
            return V(SliceIndex.AdvIndex(xs[0], [.. xs.Skip(1)]));
        });
        Relay("matrix_set_diag", c => V(SliceIndex.MatrixSetDiag(c.T(0), c.T(1), c.Long("k1"), c.Long("k2"),
            c.Bool("super_diag_right_align", true), c.Bool("sub_diag_right_align", false))));

        Relay("searchsorted", c => V(Search.SearchSorted(c.T(0), c.T(1), c.Bool("right"), c.DType("dtype") ?? DataType.Int32)));
        // relax.bucketize(input, boundaries) is searchsorted(boundaries, input) (legalize_ops/search.py).
        Relax("bucketize", c => V(Search.SearchSorted(c.T(1), c.T(0), c.Bool("right"), c.Bool("out_int32") ? DataType.Int32 : DataType.Int64)));

        Relay("nn.space_to_batch_nd", c => V(SpaceBatch.SpaceToBatchNd(c.T(0), c.Longs("block_shape", [1, 1]), Pairs(c, "paddings"), c.Double("pad_value"))));
        Relay("nn.batch_to_space_nd", c => V(SpaceBatch.BatchToSpaceNd(c.T(0), c.Longs("block_shape", [1, 1]), Pairs(c, "crops"))));

        Relay("nn.upsampling3d", c => V(Upsampling3D(c)));
        Relay("image.crop_and_resize", c => V(CropResize.CropAndResize(c.T(0), c.T(1), c.T(2), c.Longs("crop_size") ?? throw c.Error("crop_size is required"),
            c.Str("layout", "NCHW"), c.Str("method", "bilinear"), c.Double("extrapolation_value"), c.DType("out_dtype"))));
        Relay("vision.get_valid_counts", c =>
        {
            // score_threshold is an input since TVM 0.8; the attr is the older spelling.
            var thr = c.Count > 1 ? c.Scalar(1) : c.Double("score_threshold");
            var (count, boxes, idx) = Vision.GetValidCounts(c.T(0), thr, c.Long("id_index"), c.Long("score_index", 1));
            return KernelCall.Tuple(count, boxes, idx);
        });

        Relay("nn.deformable_conv2d", c =>
        {
            var outLayout = c.Str("out_layout");
            var dataLayout = c.Str("data_layout", "NCHW");
            if (outLayout.Length > 0 && outLayout != dataLayout) throw c.Error($"out_layout '{outLayout}' different from data_layout '{dataLayout}' is not supported");
            return V(DeformableConv.Forward(c.T(0), c.T(1), c.T(2), c.Longs("strides", [1, 1]), c.Longs("padding", [0, 0]), c.Longs("dilation", [1, 1]),
                (int)c.Long("deformable_groups", 1), (int)c.Long("groups", 1), dataLayout, c.Str("kernel_layout", "OIHW"), c.DType("out_dtype")));
        });

        // TVM legalizes relax.median like torch.median: no axis -> the values; one axis -> (values, int64 indices); only axis[0]
        // is honoured there, so several axes are refused rather than guessed.
        Relax("median", c =>
        {
            var axes = c.Longs("axis") ?? [];
            if (axes.Length == 0) return V(Median.Apply(c.T(0), null, c.Bool("keepdims")));
            if (axes.Length > 1) throw Fail(KernelDiagnosticIds.UnsupportedMode, "relax.median", $"median over several axes [{string.Join(", ", axes)}] (TVM supports none or one)");
            var (vals, idx) = Median.ApplyWithIndices(c.T(0), axes[0], c.Bool("keepdims"));
            return KernelCall.Tuple(vals, idx);
        });

        Relay("dft", c => { var (re, im) = Signal.Dft(c.T(0), c.T(1), c.Bool("inverse")); return KernelCall.Tuple(re, im); });
        Relay("stft", c =>
        {
            // relay.stft's Python defaults: hop_length = n_fft // 4, win_length = n_fft (the C++ attrs store -1 for "unset").
            var nfft = c.Long("n_fft", -1);
            if (nfft < 1) throw c.Error($"n_fft must be positive, got {nfft}");
            var hop = c.Long("hop_length", -1);
            var win = c.Long("win_length", -1);
            return V(Signal.Stft(c.T(0), c.T(1), nfft, hop < 0 ? nfft / 4 : hop, win < 0 ? nfft : win, c.Bool("normalized"), c.Bool("onesided", true)));
        });
    }

    /// <summary>A list-of-pairs attribute (paddings, crops) as jagged longs.</summary>
    private static long[][] Pairs(KernelCall c, string name) => c.Raw(name) switch
    {
        null => throw c.Error($"{name} is required"),
        IEnumerable e and not string => [.. e.Cast<object?>().Select(p => KernelCall.ToLongs(p) ?? throw c.Error($"{name} must be a list of pairs"))],
        var v => throw c.Error($"{name}={v} is not a list of pairs"),
    };

    /// <summary>
    /// topi.nn.upsampling3d: output size round(dim · scale) (half to even, te.round), then resize3d with the op's coordinate mode;
    /// "trilinear" is resize's "linear", and nearest rounds as resize3d's default ("round" for align_corners, else "floor").
    /// </summary>
    private static Tensor Upsampling3D(KernelCall c)
    {
        var x = c.T(0);
        var layout = c.Str("layout", "NCDHW");
        if (layout is not ("NCDHW" or "NDHWC")) throw c.Error($"layout '{layout}' is not supported (NCDHW or NDHWC)");
        if (x.Rank != 5) throw Fail(KernelDiagnosticIds.RankMismatch, "nn.upsampling3d", $"data must have rank 5, got {Fmt(x.Shape)}");
        var scales = new[] { c.Double("scale_d", 1), c.Double("scale_h", 1), c.Double("scale_w", 1) };
        var size = new long[3];
        for (var i = 0; i < 3; i++) size[i] = (long)Math.Round(x.Shape[layout.IndexOf("DHW"[i])] * scales[i], MidpointRounding.ToEven);
        var method = c.Str("method", "nearest_neighbor") switch
        {
            "nearest_neighbor" => "nearest_neighbor",
            "trilinear" or "linear" => "linear",
            var m => throw Fail(KernelDiagnosticIds.UnsupportedMode, "nn.upsampling3d", $"method '{m}' (expected nearest_neighbor or trilinear)"),
        };
        var mode = c.Str("coordinate_transformation_mode", "half_pixel");
        return Resize.Apply(x, new ResizeParams(size, layout, method, mode, mode == "align_corners" ? "round" : "floor"));
    }
}


namespace Bridge.Backends.Reference;

// Adapters for the ops the ONNX standard-domain rules added (grid_sample, roi_align) in both dialects.
public static partial class ReferenceKernels
{
    private static void RegisterStd()
    {
        Both("image.grid_sample", c => V(GridSample.Apply(c.T(0), c.T(1), c.Str("method", "bilinear"), c.Str("padding_mode", "zeros"), c.Bool("align_corners", true))));
        // Relay's roi_align has no `aligned` attribute (TVM v0.19): the emitter shifts the rois for ONNX half_pixel instead.
        Both("vision.roi_align", c => V(Vision.RoiAlign(c.T(0), c.T(1), new RoiAlignParams(c.Longs("pooled_size") ?? throw c.Error("pooled_size is required"),
            c.Double("spatial_scale", 1), (int)c.Long("sample_ratio", -1), c.Str("layout", "NCHW"), c.Str("mode", "avg"), c.Bool("aligned")))));
        Both("vision.roi_pool", c => V(Vision.RoiPool(c.T(0), c.T(1), c.Longs("pooled_size") ?? throw c.Error("pooled_size is required"), c.Double("spatial_scale", 1))));
        Relax("unique", c =>
        {
            // R.unique(x, sorted, return_index, return_inverse, return_counts[, axis]) on the flattened input: the values (sorted,
            // or in first-occurrence order), then the requested first indices, inverse and counts.
            if (c.Count > 5) throw c.Error("unique along an axis has no reference kernel (only the flattened form)");
            bool Flag(int i, bool dflt) => i < c.Count ? c.Scalar(i) != 0 : dflt;
            var (vals, first, inv, cnt) = Unique.Apply(c.T(0), Flag(1, true));
            if (!Flag(2, false) && !Flag(3, false) && !Flag(4, false)) return V(vals);
            var outs = new List<Tensor> { vals };
            if (Flag(2, false)) outs.Add(Tensor.FromArray(first, first.Length));
            if (Flag(3, false)) outs.Add(Tensor.FromArray(inv, inv.Length));
            if (Flag(4, false)) outs.Add(Tensor.FromArray(cnt, cnt.Length));
            return KernelCall.Tuple([.. outs]);
        });
        // Relay argwhere: (count, rank) int32 coordinates of the non-zero elements in row-major order.
        Relay("argwhere", c =>
        {
            var x = c.T(0);
            var hits = new List<long>();
            for (long i = 0; i < x.Length; i++) if (x.GetDouble(i) != 0) hits.Add(i);
            var st = x.Strides();
            var r = Tensor.Zeros(DataType.Int32, hits.Count, x.Rank);
            for (var k = 0; k < hits.Count; k++)
                for (var d = 0; d < x.Rank; d++) r.SetInt64(k * x.Rank + d, hits[k] / st[d] % x.Shape[d]);
            return V(r);
        });
        // Relay (v0.19) and Relax share the "onnx" output format: selected rows padded to batch·classes·boxes, and the count.
        Both("vision.all_class_non_max_suppression", c =>
        {
            var boxes = c.T(0); var scores = c.T(1);
            if (c.Str("output_format", "onnx") != "onnx") throw c.Error($"output_format '{c.Str("output_format")}' has no reference kernel");
            var maxOut = c.Count > 2 ? (long)c.T(2).GetDouble(0) : 0;
            var iou = c.Count > 3 ? c.T(3).GetDouble(0) : 0;
            var score = c.Count > 4 ? c.T(4).GetDouble(0) : double.NegativeInfinity;
            var sel = Vision.NonMaxSuppression(boxes, scores, maxOut, iou, score);
            var rows = boxes.Shape[0] * scores.Shape[1] * boxes.Shape[1];
            var padded = Tensor.Zeros(DataType.Int64, rows, 3);
            for (long i = 0; i < sel.Length; i++) padded.SetInt64(i, sel.GetInt64(i));
            var count = Tensor.Zeros(DataType.Int64, 1);
            count.SetInt64(0, sel.Shape[0]);
            return KernelCall.Tuple(padded, count);
        });
        Relax("dynamic_strided_slice", c => V(Manipulate.StridedSlice(c.T(0), c.Ints(1), c.Ints(2), c.Count > 3 ? c.Ints(3) : null)));
    }
}

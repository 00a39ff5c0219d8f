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
    }
}

using Bridge.Ir.Relax;
using static Bridge.Ir.Ops.Relax.RelaxOpsInit;

namespace Bridge.Ir.Ops.Relax;

/// <summary><c>relax.attrs.GridSampleAttrs</c>: the grid is (N, 2, out_h, out_w) as in TVM's topi/Relay grid_sample.</summary>
[AttrsTypeKey("relax.attrs.GridSampleAttrs")]
public sealed record GridSampleAttrs : Attrs
{
    public string Method { get; init; } = "bilinear";
    public string Layout { get; init; } = "NCHW";
    public string PaddingMode { get; init; } = "zeros";
    public bool AlignCorners { get; init; } = true;
}

/// <summary><c>relax.attrs.ROIAlignAttrs</c>: rois are (R, 5) rows (batch index, x1, y1, x2, y2); aligned = half-pixel offset.</summary>
[AttrsTypeKey("relax.attrs.ROIAlignAttrs")]
public sealed record ROIAlignAttrs : Attrs
{
    public ValueArray<long> PooledSize { get; init; } = [1, 1];
    public double SpatialScale { get; init; } = 1.0;
    public long SampleRatio { get; init; } = -1;
    public bool Aligned { get; init; }
    public string Layout { get; init; } = "NCHW";
    public string Mode { get; init; } = "avg";
}

/// <summary><c>relax.attrs.ROIPoolAttrs</c>: rois are (R, 5) rows (batch index, x1, y1, x2, y2).</summary>
[AttrsTypeKey("relax.attrs.ROIPoolAttrs")]
public sealed record ROIPoolAttrs : Attrs
{
    public ValueArray<long> PooledSize { get; init; } = [1, 1];
    public double SpatialScale { get; init; } = 1.0;
    public string Layout { get; init; } = "NCHW";
}

/// <summary><c>relax.attrs.AllClassNonMaximumSuppressionAttrs</c>.</summary>
[AttrsTypeKey("relax.attrs.AllClassNonMaximumSuppressionAttrs")]
public sealed record AllClassNonMaximumSuppressionAttrs : Attrs
{
    public string OutputFormat { get; init; } = "onnx";
}

/// <summary>Image/vision ops added for ONNX GridSample and RoiAlign (<c>R.image.grid_sample</c>, <c>R.vision.roi_align</c>).</summary>
internal static class StdVisionOps
{
    public static void Register()
    {
        Def<GridSampleAttrs>("image.grid_sample", "image", (c, cx) =>
        {
            var d = Infer.Tensor(c, 0, cx);
            var g = Infer.Tensor(c, 1, cx);
            if (d.Shape is not { Count: 4 } ds || g.Shape is not { Count: 4 } gs) return new TensorSInfo(null, d.DType, 4, d.VDevice);
            return Infer.Shaped([ds[0], ds[1], gs[2], gs[3]], d.DType, d.VDevice);
        }, "data", "grid");
        Def<ROIAlignAttrs>("vision.roi_align", "vision", (c, cx) =>
        {
            var d = Infer.Tensor(c, 0, cx);
            var r = Infer.Tensor(c, 1, cx);
            var a = (ROIAlignAttrs)c.Attrs;
            if (d.Shape is not { Count: 4 } ds || r.Shape is not { Count: 2 } rs || a.PooledSize.Count != 2) return new TensorSInfo(null, d.DType, 4, d.VDevice);
            return Infer.Shaped([rs[0], ds[1], (SymExpr)a.PooledSize[0], (SymExpr)a.PooledSize[1]], d.DType, d.VDevice);
        }, "data", "rois");
        Def<ROIPoolAttrs>("vision.roi_pool", "vision", (c, cx) =>
        {
            var d = Infer.Tensor(c, 0, cx);
            var r = Infer.Tensor(c, 1, cx);
            var a = (ROIPoolAttrs)c.Attrs;
            if (d.Shape is not { Count: 4 } ds || r.Shape is not { Count: 2 } rs || a.PooledSize.Count != 2) return new TensorSInfo(null, d.DType, 4, d.VDevice);
            return Infer.Shaped([rs[0], ds[1], (SymExpr)a.PooledSize[0], (SymExpr)a.PooledSize[1]], d.DType, d.VDevice);
        }, "data", "rois");
        // TVM main: R.unique(x, sorted, return_index, return_inverse, return_counts[, axis]), the flags prim values, no attrs. The
        // result is the unique values alone, or a tuple of them and the requested index / inverse / counts (in that order).
        Def<NoAttrs>("unique", "index", (c, cx) =>
        {
            var x = Infer.Tensor(c, 0, cx);
            var i64 = Core.Tensors.DataType.Int64;
            bool Flag(int i) => i < c.Args.Length && c.Args[i] is PrimValue { IntValue: { } v } ? v.AsConst is not (null or 0) : i == 1;
            TensorSInfo Dyn(Core.Tensors.DataType? dt) => new(null, dt, 1, x.VDevice);
            // Along an axis the values keep the input's rank (that axis data-dependent); flattened they are 1-D.
            TensorSInfo values = c.Args.Length > 5 ? new(null, x.DType, x.NDim, x.VDevice) : Dyn(x.DType);
            if (!Flag(2) && !Flag(3) && !Flag(4)) return values;
            var fields = new List<StructInfo> { values };
            if (Flag(2)) fields.Add(Dyn(i64));
            if (Flag(3)) fields.Add(x.Shape is { } s ? Infer.Shaped([s.Aggregate((SymExpr)1, (p, d) => p * d)], i64, x.VDevice) : Dyn(i64));
            if (Flag(4)) fields.Add(Dyn(i64));
            return new TupleSInfo([.. fields]);
        }, "x", "sorted", "return_index", "return_inverse", "return_counts", "axis").WithArity(1, 6);
        // (selected (B·C·N, 3) int64 — rows past the count are padding —, count (1,) int64), as TVM's output_format "onnx".
        Def<AllClassNonMaximumSuppressionAttrs>("vision.all_class_non_max_suppression", "vision", (c, cx) =>
        {
            var b = Infer.Tensor(c, 0, cx);
            var s = Infer.Tensor(c, 1, cx);
            TensorSInfo sel = b.Shape is { Count: 3 } bs && s.Shape is { Count: 3 } ss
                ? Infer.Shaped([bs[0] * ss[1] * bs[1], (SymExpr)3], Core.Tensors.DataType.Int64, b.VDevice)
                : new TensorSInfo(null, Core.Tensors.DataType.Int64, 2, b.VDevice);
            return new TupleSInfo([sel, Infer.Shaped([(SymExpr)1], Core.Tensors.DataType.Int64, b.VDevice)]);
        }, "boxes", "scores", "max_output_boxes_per_class", "iou_threshold", "score_threshold");
    }
}

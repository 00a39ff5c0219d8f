using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relay;
using Bridge.Translators.Onnx;
using R = Bridge.Ir.Ops.Relay;

namespace Bridge.Translators.OnnxToRelay;

// Standard-domain vision and index ops whose lowering differs by dialect (MaxUnpool and ReverseSequence are shared: OnnxEmitterBase.IndexArithmetic.cs).
public sealed partial class OnnxToRelayEmitter
{
    private static void AddStdRulesC(Dictionary<string, Rule> t)
    {
        t["GridSample"] = (e, n) =>
        {
            var a = n.AttrsAs<GridSampleAttrs>();
            if (e.Rank(n, 0) != 4) throw e.Unsupported(n, $"a rank-{e.Rank(n, 0)} input (2-D sampling of NCHW data maps)");
            // TVM's grid_sample takes the grid as (N, 2, H, W); ONNX gives (N, H, W, 2).
            var grid = e.Op(n, "transpose", new R.TransposeAttrs { Axes = VA([0, 3, 1, 2]) }, e.X(n, 1));
            var method = a.Mode switch { "linear" => "bilinear", "cubic" => "bicubic", var m => m };
            e.Out(n, e.Op(n, "image.grid_sample", new R.GridSampleAttrs { Method = method, PaddingMode = a.PaddingMode, AlignCorners = a.AlignCorners }, e.X(n, 0), grid));
        };
        t["RoiAlign"] = (e, n) =>
        {
            var a = n.AttrsAs<RoiAlignAttrs>();
            if (e.Rank(n, 0) != 4) throw e.Unsupported(n, "non-4-D input");
            var dt = e.DTypeOfValue(n, 1);
            Expr rois = e.X(n, 1);
            // Relay's roi_align has no `aligned` flag: ONNX half_pixel shifts the boxes by half a pixel of the feature map
            // (exact whenever a scaled box is at least one pixel wide and high, where the non-aligned 1×1 floor is inactive).
            if (a.CoordinateTransformationMode == "half_pixel") rois = e.Op(n, "subtract", null, rois, e.Const(Tensor.Scalar(dt, 0.5 / a.SpatialScale)));
            var bi = e.Op(n, "cast", new R.CastAttrs { Dtype = DT(dt) }, e.Op(n, "expand_dims", new R.ExpandDimsAttrs { Axis = 1, NumNewaxis = 1 }, e.X(n, 2)));
            var r5 = e.Op(n, "concatenate", new R.ConcatenateAttrs { Axis = 1 }, e.Tup([bi, rois]));
            e.Out(n, e.Op(n, "vision.roi_align", new R.ROIAlignAttrs
            {
                PooledSize = VA([a.OutputHeight, a.OutputWidth]), SpatialScale = a.SpatialScale, SampleRatio = a.SamplingRatio, Mode = a.Mode,
            }, e.X(n, 0), r5));
        };
        t["NonZero"] = (e, n) =>
        {
            // argwhere gives (count, rank) int32; ONNX wants (rank, count) int64.
            var w = e.Op(n, "argwhere", null, e.X(n, 0));
            e.Out(n, e.Op(n, "cast", new R.CastAttrs { Dtype = "int64" }, e.Op(n, "transpose", new R.TransposeAttrs { Axes = VA([1, 0]) }, w)));
        };
        t["Compress"] = (e, n) =>
        {
            var a = n.AttrsAs<CompressAttrs>();
            Expr x = e.X(n, 0);
            long axis = 0;
            if (a.Axis is { } ax) axis = NormAxis(ax, e.Rank(n, 0));
            else x = e.Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([-1]) }, x);
            if (e.Rank(n, 1) != 1) throw e.Unsupported(n, "a condition that is not 1-D");
            var pos = e.Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([-1]) }, e.Op(n, "argwhere", null, e.X(n, 1)));
            e.Out(n, e.Op(n, "take", new R.TakeAttrs { Axis = axis, Mode = "clip" }, x, pos));
        };
        t["MaxRoiPool"] = (e, n) =>
        {
            var a = n.AttrsAs<MaxRoiPoolAttrs>();
            if (e.Rank(n, 0) != 4 || a.PooledShape.Count != 2) throw e.Unsupported(n, "non-4-D input or a pooled_shape of other than two values");
            e.Out(n, e.Op(n, "vision.roi_pool", new R.ROIPoolAttrs { PooledSize = a.PooledShape, SpatialScale = a.SpatialScale }, e.X(n, 0), e.X(n, 1)));
        };
        t["AffineGrid"] = (e, n) =>
        {
            var size = e.RequireConstInts(n, 1, "size");
            var nd = size.Length - 2;
            if (nd is not (2 or 3)) throw e.Unsupported(n, $"a size of {size.Length} values (2-D and 3-D grids)");
            var dt = e.DTypeOfValue(n, 0);
            var spatial = size.Skip(2).ToArray();
            var points = spatial.Aggregate(1L, (x, y) => x * y);
            // grid[n] = base · θ[n]ᵀ: batch_matmul(base broadcast to [N, P, nd+1], θ [N, nd, nd+1], transpose_b).
            var baseT = e.Op(n, "broadcast_to", new R.InitOpAttrs { Shape = VA([size[0], points, nd + 1]) }, e.Const(OnnxStd.AffineBase(spatial, n.AttrsAs<AffineGridAttrs>().AlignCorners, dt)));
            var g = e.Op(n, "nn.batch_matmul", new R.BatchMatmulAttrs { TransposeB = true }, baseT, e.X(n, 0));
            e.Out(n, e.Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([size[0], .. spatial, nd]) }, g));
        };
    }
}

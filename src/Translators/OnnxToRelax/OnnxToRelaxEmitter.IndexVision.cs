using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relax;
using Bridge.Translators.Onnx;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

// Standard-domain vision and index ops whose lowering differs by dialect (MaxUnpool and ReverseSequence are shared: OnnxEmitterBase.IndexArithmetic.cs).
public sealed partial class OnnxToRelaxEmitter
{
    private static void AddStdRulesC(Dictionary<string, Rule> t)
    {
        t["GridSample"] = (e, n) =>
        {
            var a = n.AttrsAs<GridSampleAttrs>();
            if (e.Rank(n, 0) != 4) throw e.Unsupported(n, $"a rank-{e.Rank(n, 0)} input (2-D sampling of NCHW data maps)");
            // R.image.grid_sample takes the grid as (N, 2, H, W) like TVM's topi; ONNX gives (N, H, W, 2).
            var grid = e.Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([0, 3, 1, 2]) }, e.X(n, 1));
            var method = a.Mode switch { "linear" => "bilinear", "cubic" => "bicubic", var m => m };
            e.Out(n, e.Op(n, "image.grid_sample", new RA.GridSampleAttrs { Method = method, PaddingMode = a.PaddingMode, AlignCorners = a.AlignCorners }, e.X(n, 0), grid));
        };
        t["RoiAlign"] = (e, n) =>
        {
            var a = n.AttrsAs<RoiAlignAttrs>();
            if (e.Rank(n, 0) != 4) throw e.Unsupported(n, "non-4-D input");
            var dt = e.DTypeOfValue(n, 1);
            var bi = e.Op(n, "astype", new RA.AstypeAttrs { Dtype = dt }, e.Op(n, "expand_dims", new RA.ExpandDimsAttrs { Axis = VA([1]) }, e.X(n, 2)));
            var r5 = e.Op(n, "concat", new RA.ConcatAttrs { Axis = 1 }, RelaxEmitBuilder.Tuple([bi, e.X(n, 1)]));
            e.Out(n, e.Op(n, "vision.roi_align", new RA.ROIAlignAttrs
            {
                PooledSize = VA([a.OutputHeight, a.OutputWidth]), SpatialScale = a.SpatialScale, SampleRatio = a.SamplingRatio, Mode = a.Mode,
                Aligned = a.CoordinateTransformationMode == "half_pixel",
            }, e.X(n, 0), r5));
        };
        t["NonMaxSuppression"] = (e, n) => e.EmitNms(n);
        t["MaxRoiPool"] = (e, n) =>
        {
            var a = n.AttrsAs<MaxRoiPoolAttrs>();
            if (e.Rank(n, 0) != 4 || a.PooledShape.Count != 2) throw e.Unsupported(n, "non-4-D input or a pooled_shape of other than two values");
            e.Out(n, e.Op(n, "vision.roi_pool", new RA.ROIPoolAttrs { PooledSize = a.PooledShape, SpatialScale = a.SpatialScale }, e.X(n, 0), e.X(n, 1)));
        };
        t["Unique"] = (e, n) =>
        {
            var a = n.AttrsAs<UniqueAttrs>();
            if (a.Axis is not null) throw e.Unsupported(n, "an axis (only the flattened form maps)");
            // TVM's R.unique(x, sorted, return_index, return_inverse, return_counts): ask for the outputs the node uses.
            bool Used(int i) => i < n.Outputs.Length && n.Outputs[i].Length > 0;
            static PrimValue Flag(bool b) => new(DataType.Bool, b ? 1 : 0) { Info = new PrimSInfo(DataType.Bool, b ? 1 : 0) };
            var u = e.Op(n, "unique", null, e.X(n, 0), Flag(a.Sorted), Flag(Used(1)), Flag(Used(2)), Flag(Used(3)));
            if (!Used(1) && !Used(2) && !Used(3)) { e.Out(n, u, 0); return; }
            var k = 0;
            for (var i = 0; i < 4; i++)
                if (i == 0 || Used(i)) e.Out(n, e.Field(n, u, k++), i);
        };
        t["AffineGrid"] = (e, n) =>
        {
            var size = e.Known(n.Input(1)) ?? throw e.Unsupported(n, "a size input that is not known at import");
            var nd = size.Length - 2;
            if (nd is not (2 or 3)) throw e.Unsupported(n, $"a size of {size.Length} values (2-D and 3-D grids)");
            var spatial = size.Values.Skip(2).Select(v => v.AsConst ?? throw e.Unsupported(n, "symbolic spatial sizes")).ToArray();
            var dt = e.DTypeOfValue(n, 0);
            // grid[n] = base · θ[n]ᵀ: matmul([P, nd+1], permute(θ) [N, nd+1, nd]) → [N, P, nd].
            var thetaT = e.Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([0, 2, 1]) }, e.X(n, 0));
            var g = e.Op(n, "matmul", null, RelaxEmitBuilder.Const(OnnxStd.AffineBase(spatial, n.AttrsAs<AffineGridAttrs>().AlignCorners, dt)), thetaT);
            e.Out(n, e.Reshape(n, g, [size.Values[0], .. spatial.Select(v => (SymExpr)v), nd]));
        };
    }

    /// <summary>
    /// NonMaxSuppression → R.vision.all_class_non_max_suppression (output_format "onnx", as TVM's Relax frontend) and a
    /// dynamic_strided_slice to the detection count. center_point_box=1 boxes are converted to corners first.
    /// </summary>
    private void EmitNms(CanonicalNode n)
    {
        var boxes = X(n, 0);
        if (n.AttrsAs<NonMaxSuppressionAttrs>().CenterPointBox == 1)
        {
            var dt = DTypeOfValue(n, 0);
            Expr Col(long i) => Op(n, "take", new RA.TakeAttrs { Axis = 2 }, boxes, RelaxEmitBuilder.Const(Tensor.FromArray<long>(DataType.Int64, [i], 1)));
            var half = Scalar(dt, 0.5);
            Expr xc = Col(0), yc = Col(1), hw = Op(n, "multiply", null, Col(2), half), hh = Op(n, "multiply", null, Col(3), half);
            boxes = Op(n, "concat", new RA.ConcatAttrs { Axis = 2 }, RelaxEmitBuilder.Tuple([
                Op(n, "subtract", null, yc, hh), Op(n, "subtract", null, xc, hw), Op(n, "add", null, yc, hh), Op(n, "add", null, xc, hw)]));
        }
        var f32 = DataType.Float32;
        Expr Opt(int i, Tensor dflt) => n.Input(i).IsPresent ? X(n, i) : RelaxEmitBuilder.Const(dflt);
        var maxOut = Opt(2, Tensor.Scalar(DataType.Int64, 0));
        var iou = Opt(3, Tensor.Scalar(f32, 0));
        var score = Opt(4, Tensor.Scalar(f32, float.NegativeInfinity));
        var nms = Op(n, "vision.all_class_non_max_suppression", new RA.AllClassNonMaximumSuppressionAttrs { OutputFormat = "onnx" }, boxes, X(n, 1), maxOut, iou, score);
        var sel = _b.Emit(RelaxEmitBuilder.Item(nms, 0), "lv", n.Loc);
        var count = _b.Emit(RelaxEmitBuilder.Item(nms, 1), "lv", n.Loc);
        var end = Op(n, "concat", new RA.ConcatAttrs { Axis = 0 }, RelaxEmitBuilder.Tuple([count, RelaxEmitBuilder.Const(Tensor.FromArray<long>(DataType.Int64, [3], 1))]));
        Out(n, Op(n, "dynamic_strided_slice", null, sel, RelaxEmitBuilder.Const(Tensor.FromArray<long>(DataType.Int64, [0, 0], 2)), end,
            RelaxEmitBuilder.Const(Tensor.FromArray<long>(DataType.Int64, [1, 1], 2))));
    }
}

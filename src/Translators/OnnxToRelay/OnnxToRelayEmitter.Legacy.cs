using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relay;
using Bridge.Translators.Onnx;
using R = Bridge.Ir.Ops.Relay;

namespace Bridge.Translators.OnnxToRelay;

// NonMaxSuppression and Unique as relay.frontend.from_onnx (v0.19) emitted them, DFT on Relay's dft op, and the legacy /
// training ops written once in OnnxEmitterBase.Legacy.cs and OnnxEmitterBase.Training.cs.
public sealed partial class OnnxToRelayEmitter
{
    private static void AddLegacyRules(Dictionary<string, Rule> t)
    {
        t["NonMaxSuppression"] = (e, n) => e.EmitNmsRelay(n);
        t["Unique"] = (e, n) => e.EmitUniqueRelay(n);
        t["DFT"] = (e, n) => e.EmitDft(n, e.DftCoreRelay);
        t["AllClassNMS"] = (e, n) => e.EmitAllClassNms(n);
        t["FC"] = (e, n) => e.EmitFc(n);
        t["SpatialBN"] = (e, n) => e.EmitSpatialBn(n);
        t["ATen"] = (e, n) => e.EmitAten(n);
        t["Adagrad"] = (e, n) => e.EmitAdagrad(n);
        t["Adam"] = (e, n) => e.EmitAdam(n);
        t["Momentum"] = (e, n) => e.EmitMomentum(n);
    }

    private Expr I64s(params long[] v) => Const(Tensor.FromArray(v, v.Length));

    /// <summary>data[begin:end] along the leading axis with a run-time end (dyn.strided_slice, as from_onnx's strided_slice of an Expr end).</summary>
    private Expr TrimTo(CanonicalNode n, Expr x, Expr end) => Op(n, "dyn.strided_slice", new R.StridedSliceAttrs(), x, I64s(0), end, I64s(1));

    /// <summary>A rank-1 threshold operand squeezed to the scalar vision.all_class_non_max_suppression takes.</summary>
    private Expr ScalarOperand(CanonicalNode n, CanonicalInput v)
    {
        var x = X(v, n);
        return ShapeOf(x) is { Length: 1 } ? Op(n, "squeeze", new R.SqueezeAttrs { Axis = VA([0]) }, x) : x;
    }

    protected override (Expr Selected, Expr Count) AllClassNmsCall(CanonicalNode n, CanonicalInput boxes, CanonicalInput scores,
        CanonicalInput maxOut, CanonicalInput iou, CanonicalInput score)
    {
        var nms = Op(n, "vision.all_class_non_max_suppression", new R.AllClassNonMaximumSuppressionAttrs { OutputFormat = "onnx" }, X(boxes, n), X(scores, n),
            ScalarOperand(n, maxOut), ScalarOperand(n, iou), ScalarOperand(n, score));
        return (Item(nms, 0), Item(nms, 1));
    }

    /// <summary>
    /// NonMaxSuppression → vision.all_class_non_max_suppression (onnx format, <see cref="AllClassNmsCall"/>) and a
    /// dyn.strided_slice of the selected rows to the detection count (TVM v0.19). center_point_box=1 boxes become corners
    /// [y1, x1, y2, x2] first (<see cref="OnnxEmitterBase{TExpr}.CornerBoxes"/>). Absent thresholds are
    /// 0 as in TVM (iou 0; score 0, which drops boxes scoring ≤ 0 where ONNX Runtime keeps them); an absent
    /// max_output_boxes_per_class is the spec's 0 (TVM required the input).
    /// </summary>
    private void EmitNmsRelay(CanonicalNode n)
    {
        var boxes = n.AttrsAs<NonMaxSuppressionAttrs>().CenterPointBox != 0 ? CornerBoxes(n, n.Input(0)) : n.Input(0);
        CanonicalInput Opt(int i, DataType dt) => n.Input(i).IsPresent ? n.Input(i) : LitScalar(dt, 0);
        var (sel, count) = AllClassNmsCall(n, boxes, n.Input(1), Opt(2, DataType.Int64), Opt(3, DataType.Float32), Opt(4, DataType.Float32));
        Out(n, TrimTo(n, sel, count));
    }

    /// <summary>
    /// Unique → unique(sorted, return_counts=True) on the flattened data (TVM: only 1-D data with an axis), each output
    /// trimmed to num_unique by dyn.strided_slice except the inverse indices, and the int32 index outputs cast to int64.
    /// </summary>
    private void EmitUniqueRelay(CanonicalNode n)
    {
        var a = n.AttrsAs<UniqueAttrs>();
        var r = Rank(n, 0);
        if (a.Axis is not null && r != 1) throw Unsupported(n, "an axis on data of rank > 1 (TVM supports 1-D Unique only)");
        var data = r == 1 ? X(n, 0) : Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([-1]) }, X(n, 0));
        var u = Op(n, "unique", new R.UniqueAttrs { Sorted = a.Sorted, ReturnCounts = true }, data);
        var num = Item(u, 3);
        Expr I64(Expr x) => Op(n, "cast", new R.CastAttrs { Dtype = "int64" }, x);
        Out(n, TrimTo(n, Item(u, 0), num), 0);
        Out(n, I64(TrimTo(n, Item(u, 1), num)), 1);
        Out(n, I64(Item(u, 2)), 2);
        Out(n, I64(TrimTo(n, Item(u, 4), num)), 3);
    }

    /// <summary>Relay's dft over the last axis (a real signal gets zeros_like for its imaginary part, as TVM), then the onesided crop.</summary>
    private (CanonicalInput Re, CanonicalInput Im) DftCoreRelay(CanonicalNode n, CanonicalInput re, CanonicalInput? im, long length, bool inverse, long outLength)
    {
        var xr = X(re, n);
        var xi = im is { } v ? X(v, n) : Op(n, "zeros_like", null, xr);
        var d = Op(n, "dft", new R.DFTAttrs { Inverse = inverse }, xr, xi);
        CanonicalInput yr = Hold(n, Item(d, 0)), yi = Hold(n, Item(d, 1));
        return outLength < length ? (TakeLeading(n, yr, outLength), TakeLeading(n, yi, outLength)) : (yr, yi);
    }
}

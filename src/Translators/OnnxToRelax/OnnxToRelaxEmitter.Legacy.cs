using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relax;
using Bridge.Translators.Onnx;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

// DFT by constant cos/sin matmuls (Relax has no dft op) and the legacy / training ops written once in
// OnnxEmitterBase.Legacy.cs and OnnxEmitterBase.Training.cs.
public sealed partial class OnnxToRelaxEmitter
{
    private static void AddLegacyRules(Dictionary<string, Rule> t)
    {
        t["DFT"] = (e, n) => e.EmitDft(n, e.DftByMatmul);
        t["AllClassNMS"] = (e, n) => e.EmitAllClassNms(n);
        t["FC"] = (e, n) => e.EmitFc(n);
        t["SpatialBN"] = (e, n) => e.EmitSpatialBn(n);
        t["ATen"] = (e, n) => e.EmitAten(n);
        t["Adagrad"] = (e, n) => e.EmitAdagrad(n);
        t["Adam"] = (e, n) => e.EmitAdam(n);
        t["Momentum"] = (e, n) => e.EmitMomentum(n);
    }

    protected override (Expr Selected, Expr Count) AllClassNmsCall(CanonicalNode n, CanonicalInput boxes, CanonicalInput scores,
        CanonicalInput maxOut, CanonicalInput iou, CanonicalInput score)
    {
        var nms = Op(n, "vision.all_class_non_max_suppression", new RA.AllClassNonMaximumSuppressionAttrs { OutputFormat = "onnx" },
            X(boxes, n), X(scores, n), X(maxOut, n), X(iou, n), X(score, n));
        return (_b.Emit(RelaxEmitBuilder.Item(nms, 0), "lv", n.Loc), _b.Emit(RelaxEmitBuilder.Item(nms, 1), "lv", n.Loc));
    }
}

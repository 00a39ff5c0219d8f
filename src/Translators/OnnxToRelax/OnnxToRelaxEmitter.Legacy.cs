using Bridge.Translators.Onnx;

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
}

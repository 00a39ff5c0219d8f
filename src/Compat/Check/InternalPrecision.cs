using Bridge.Importers.Onnx;

namespace Bridge.Compat.Check;

/// <summary>
/// The lowest float precision an ONNX model computes in: float16 or bfloat16 when any initializer, Constant or Cast target in the
/// graph (subgraphs included) has that dtype; null when the model computes in float32 or wider throughout. Used to give outputs of
/// fp16-internal models the tolerances of float16 against a source runtime (<see cref="OutputComparison.ToleranceDType"/>).
/// </summary>
public static class InternalPrecision
{
    // TensorProto.DataType codes.
    private const long OnnxFloat16 = 10;
    private const long OnnxBFloat16 = 16;

    public static DataType? LowestFloat(OnnxModel model)
    {
        DataType? lowest = null;
        void See(DataType d)
        {
            if (d == DataType.BFloat16) lowest = DataType.BFloat16;
            else if (d == DataType.Float16 && lowest != DataType.BFloat16) lowest = DataType.Float16;
        }
        foreach (var g in model.Graph.SelfAndSubgraphs())
        {
            foreach (var t in g.Initializers.Values) See(t.DType);
            foreach (var n in g.Nodes)
            {
                if (n.OpType == "Cast" && n.Attributes.TryGetValue("to", out var to))
                {
                    if (to.I == OnnxFloat16) See(DataType.Float16);
                    else if (to.I == OnnxBFloat16) See(DataType.BFloat16);
                }
                if (n.OpType == "Constant" && n.Attributes.TryGetValue("value", out var v) && v.T is { } ct) See(ct.DType);
            }
        }
        return lowest;
    }
}

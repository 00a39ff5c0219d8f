using Bridge.Ir.Ops.Spec;

namespace Bridge.Ir.Ops.Relay;

/// <summary>Relay op table: Elementwise family.</summary>
internal static class RelayElementwiseOps
{
    private static void Def<T>(string name, params string[] inputs) where T : Attrs, new() => RelayOps.Define<T>(name, "elementwise", inputs);

    internal static void Register()
    {
        // The unary and binary ops are rows of the one elementwise spec (Relay and Relax op, relation, mapping, ONNX, kernel).
        foreach (var row in ElementwiseSpec.All)
            if (row.RelayName is { } name)
                Def<NoAttrs>(name, row.Arity == 1 ? ["data"] : ["lhs", "rhs"]);
    }
}

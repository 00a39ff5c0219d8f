using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// The shapes a file declares (value_info and graph outputs) checked against the shapes the emitter inferred for the same
/// values: a different rank, or two different static sizes of one dim, is a located diagnostic (BRG4307) naming the node, the
/// value and both shapes. A declared dim_param or unknown dim agrees with anything (ONNX's own <c>infer_shapes</c> merges them
/// the same way); a Relay <c>?</c> or a Relax symbolic dim agrees with any declared size.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    private Dictionary<OnnxNode, OnnxGraph>? _graphOf;

    /// <summary>Checks every output of <paramref name="n"/> that the file declares a shape for against the emitted one.</summary>
    protected void CheckDeclaredShapes(CanonicalNode n)
    {
        _graphOf ??= BuildGraphOf();
        if (!_graphOf.TryGetValue(n.Source, out var g)) return;
        foreach (var name in n.Outputs)
        {
            if (name.Length == 0 || Declared(g, name) is not { Kind: OnnxTypeKind.Tensor, Shape: { } dims }) continue;
            if (Find(name, out _) is not { Seq: null, OptionalEmpty: false } slot) continue;
            var got = slot.Const is { } c ? [.. c.Shape.Select(d => (SymExpr)d)]
                : slot.Known is { } k ? [.. k.Shape.Select(d => (SymExpr)d)]
                : slot.Expr is { } e ? ShapeOf(e) : null;
            if (got is not { } s) continue;
            var bad = s.Length != dims.Length;
            for (var i = 0; !bad && i < dims.Length; i++)
                bad = dims[i].Value is { } dv && s[i].AsConst is { } gv && dv != gv;
            if (bad)
                throw new BridgeException(OnnxTranslateDiagnosticIds.DeclaredShapeMismatch, n.Loc,
                    $"node '{n.Source.Name}' ({n.Source.OpType}): output '{name}' is declared [{string.Join(", ", dims)}] in the file's value_info but its inputs give [{string.Join(", ", s)}]");
        }
    }

    private static OnnxType? Declared(OnnxGraph g, string name)
    {
        if (g.ValueInfo.TryGetValue(name, out var vi)) return vi.Type;
        foreach (var o in g.Outputs) if (o.Name == name) return o.Type;
        return null;
    }

    private Dictionary<OnnxNode, OnnxGraph> BuildGraphOf()
    {
        var map = new Dictionary<OnnxNode, OnnxGraph>(ReferenceEqualityComparer.Instance);
        foreach (var g in Model.Graph.SelfAndSubgraphs())
            foreach (var n in g.Nodes) map[n] = g;
        return map;
    }
}

using Bridge.Importers.Onnx.Ops;
using Bridge.Translators.OnnxShapes;

namespace Bridge.Translators.Onnx;

/// <summary>
/// The emitters' use of the import-time shape inference pass (<see cref="OnnxShapeInference"/>, run once per model with the
/// emitter's own input dims): a top-level value whose emitted shape is unknown (an IR rule that cannot prove a broadcast, a
/// slice clamped to a symbolic bound) but whose ONNX shape inference determines every dim is cast to that shape
/// (<see cref="RefineShape"/>; Relax: <c>R.match_cast</c>, checked at run time), so the ops after it keep a rank and symbolic
/// dims: minilm's position-table slice of <c>min(sequence, 512)</c> rows added to the <c>batch × sequence</c> embeddings is
/// <c>batch × sequence × 384</c> again.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    private OnnxShapeInference? _inference;

    /// <summary>Shape inference of the model, computed on first use from the dims the emitter gave the graph inputs.</summary>
    protected OnnxShapeInference Inference => _inference ??= OnnxShapeInference.Run(Model, Canonicalize,
        vi => Find(vi.Name, out _) is { Expr: { } e } ? ShapeOf(e) : null);

    /// <summary>
    /// A value whose emitted shape is unknown, given the shape inference determined (every dim in terms of the graph inputs'
    /// dims), or null when the dialect keeps the value as it is.
    /// </summary>
    protected virtual TExpr? RefineShape(CanonicalNode n, TExpr e, ImmutableArray<SymExpr> dims) => null;

    /// <summary>Whether the dialect refines values from inference (<see cref="RefineShape"/>); false skips the pass.</summary>
    protected virtual bool RefinesShapes => false;

    /// <summary>Refines the emitted outputs of top-level node <paramref name="n"/> whose shape the IR left unknown.</summary>
    private void ApplyInference(CanonicalNode n)
    {
        if (!RefinesShapes || !ReferenceEquals(n.Source.Graph, Model.Graph)) return;
        foreach (var name in n.Outputs)
        {
            if (name.Length == 0 || Find(name, out var local) is not { Expr: { } e, Seq: null } slot || !local || ShapeOf(e) is not null) continue;
            if (Inference.Get(name)?.Shape is not { } dims) continue;
            if (RefineShape(n, e, dims) is { } refined) slot.Expr = refined;
        }
    }
}

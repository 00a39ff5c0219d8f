using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// An ONNX <c>If</c> whose condition folds at import (a shape test such as <c>Shape(x)[0] == 1</c> once the dim is bound, or a
/// constant) is replaced by the branch it takes, emitted in place, as TVM's frontends constant-fold it. Exporters guard
/// rank-changing code this way (silero VAD squeezes the batch axis only when it is 1): emitting both branches would leave the
/// rank after the If unknown although the taken branch fixes it. A condition not known at import keeps the If.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>Emits the taken branch of <paramref name="n"/> when its condition is known; false when it is not.</summary>
    private bool TryEmitStaticIf(CanonicalNode n)
    {
        if (n.Kind != "If" || Known(n.Input(0)) is not { AllConst: true, Length: 1 } cond) return false;
        var a = n.AttrsAs<IfAttrs>();
        var branch = cond.Values[0].AsConst != 0 ? a.ThenBranch! : a.ElseBranch!;
        if (branch.Outputs.Length != n.Outputs.Length) return false; // malformed: the If's own rule reports it
        var taken = new List<Slot>();
        PushScope();
        try
        {
            foreach (var (name, t) in branch.Initializers) SetConst(name, t);
            EmitNodes(Canonicalize(branch));
            foreach (var o in branch.Outputs)
            {
                // Materialise what the outer scope reads (a folded value keeps its known ints, an expression its binding).
                if (Find(o.Name, out _) is not { } s)
                    throw new Core.Diagnostics.BridgeException(OnnxTranslateDiagnosticIds.UndefinedValue, n.Loc,
                        $"node '{n.Source.Name}' (If): branch output '{o.Name}' is never produced");
                taken.Add(s);
            }
        }
        finally { PopScope(); }
        for (var i = 0; i < n.Outputs.Length; i++)
            if (n.Outputs[i].Length > 0) SetSlot(n.Outputs[i], taken[i]);
        return true;
    }
}

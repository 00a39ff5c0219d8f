using Bridge.Translators.RelayToRelax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Translators.Tests;

/// <summary>
/// Issue 20 item 2 for Relay → Relax: a call nested a million deep (a hostile graph-form dump) translates or is refused with a
/// located BRG1101, never a stack overflow that kills the process (NUnit's worker thread: a small stack, the worst case).
/// </summary>
public class DeepInputTranslationTests
{
    private static Relay.IRModule Chain(int depth)
    {
        Bridge.Ir.Ops.Relay.RelayOps.EnsureRegistered();
        var op = Bridge.Ir.Ops.Relay.RelayOps.Find("negative")!;
        var x = new Relay.Var("x", new Relay.TensorType([SymExpr.Const(2)], DataType.Float32));
        Relay.Expr e = x;
        for (var i = 0; i < depth; i++) e = new Relay.Call(new Relay.OpRef(op), [e], Bridge.Ir.Ops.NoAttrs.Instance, []);
        var m = new Relay.IRModule();
        m.Add(new Relay.GlobalVar("main"), new Relay.Function([x], e, null, [], Relay.DictAttrs.Empty));
        return m;
    }

    [Test]
    public void MillionDeepCallTranslatesOrIsRefusedAtANode()
    {
        try
        {
            var (relax, _) = RelayToRelaxTranslator.Translate(Chain(1_000_000));
            Assert.That(relax.Functions.Count(), Is.EqualTo(1));
        }
        catch (BridgeException e)
        {
            Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.NestingTooDeep), e.Diagnostic.Render());
            Assert.That(e.Diagnostic.Render().Length, Is.LessThan(1000));
        }
    }

    [Test]
    public void OrdinaryDepthTranslates()
    {
        var (relax, _) = RelayToRelaxTranslator.Translate(Chain(3_000));
        Assert.That(Ir.Relax.RelaxWellFormed.Check(relax), Is.Empty);
    }
}

using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;

namespace Bridge.IR.Tests.Reliability;

/// <summary>
/// Issue 20 item 2 for the Relax passes: the rewriter, well-formedness, the printer and structural equality on a call nested a
/// million deep (TVM's parser never builds that, but a hostile save_json or a generator can) end in a result or a located
/// <c>BRG1101</c>, never a stack overflow. On NUnit's ordinary worker thread (a small stack), the worst case.
/// </summary>
public class RelaxDeepInputTests
{
    private const int Deep = 1_000_000;

    /// <summary><c>main(x) = negative(negative(…(x)…))</c> nested <paramref name="depth"/> times, built iteratively.</summary>
    internal static IRModule Chain(int depth)
    {
        var info = TensorSInfo.Of(DataType.Float32, 2);
        var x = new Var("x", info);
        var proto = BlockBuilder.Op("negative", null, x);
        Expr e = x;
        for (var i = 0; i < depth; i++) e = new Call(proto.Callee, [e], proto.Attrs, []) { Info = info };
        var f = new Function([x], new SeqExpr([], e) { Info = info }, info, true, [new("global_symbol", "main")]);
        return new IRModule("Module", [new ModuleEntry(new GlobalVar("main"), f)]);
    }

    private static void ResultOrDiagnostic(Action pass)
    {
        try { pass(); }
        catch (BridgeException e) { Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.NestingTooDeep), e.Diagnostic.Render()); }
    }

    [Test]
    public void RewriterOnMillionDeepCall() => ResultOrDiagnostic(() => Assert.That(new RelaxRewriter().VisitModule(Chain(Deep)), Is.Not.Null));

    [Test]
    public void WellFormedOnMillionDeepCall() => ResultOrDiagnostic(() => Assert.That(RelaxWellFormed.Check(Chain(Deep)), Is.Not.Null));

    [Test]
    public void PrinterOnMillionDeepCall() => ResultOrDiagnostic(() => Assert.That(RelaxScriptPrinter.Print(Chain(Deep)), Does.Contain("R.negative")));

    [Test]
    public void StructuralEqualOnMillionDeepCall() => ResultOrDiagnostic(() =>
    {
        Assert.That(RelaxStructuralEqual.Modules(Chain(Deep), Chain(Deep)), Is.True);
        Assert.That(RelaxStructuralEqual.Modules(Chain(Deep), Chain(Deep - 1)), Is.False);
    });

    [Test]
    public void ShallowChainStillWorks()
    {
        // The guard does not refuse ordinary depth: 2,000 nested calls print, check and compare.
        var m = Chain(2_000);
        Assert.That(RelaxWellFormed.Check(m), Is.Empty);
        Assert.That(RelaxStructuralEqual.Modules(new RelaxRewriter().VisitModule(m), m), Is.True);
    }
}

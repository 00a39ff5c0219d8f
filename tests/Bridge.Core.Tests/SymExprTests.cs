
namespace Bridge.Core.Tests;

public class SymExprTests
{
    [Test]
    public void LinearNormalForm_MergesLikeTerms()
    {
        var n = new SymVar("n");
        Assert.That(n * 2 + n, Is.EqualTo(3 * (SymExpr)n));
        Assert.That((n * 2 + n).ToString(), Is.EqualTo("n * 3"));
        Assert.That((n + 1 - n).IsConst(out var c) && c == 1, Is.True);
    }

    [Test]
    public void FloorDiv_OfMultiple_Divides()
    {
        var n = new SymVar("n");
        Assert.That(SymExpr.FloorDiv(n * 4, 2), Is.EqualTo(n * 2));
        Assert.That(SymExpr.FloorMod(n * 4 + 3, 2), Is.EqualTo((SymExpr)1));
        Assert.That(SymExpr.FloorDiv(n * 4 + 3, 2).ToString(), Is.EqualTo("n * 2 + 1"));
        Assert.That(SymExpr.FloorDiv(n + 3, 2).ToString(), Is.EqualTo("(n + 1) // 2 + 1"));
    }

    [Test]
    public void Conv_Output_Formula_Prints_In_TvmScript()
    {
        var h = new SymVar("h");
        var outH = SymExpr.FloorDiv(h + 2 * 1 - 1 * (3 - 1) - 1, 2) + 1;
        Assert.That(outH.ToString(), Is.EqualTo("(h + 1) // 2"));
        Assert.That(outH.Evaluate(_ => 224), Is.EqualTo(112));
    }

    [Test]
    public void Comparisons_Are_ThreeValued()
    {
        var n = new SymVar("n");
        var m = new SymVar("m");
        Assert.That(SymExpr.ProveEqual(n + 1, 1 + (SymExpr)n), Is.EqualTo(Tri.Proven));
        Assert.That(SymExpr.ProveEqual(n + 1, n), Is.EqualTo(Tri.Disproven));
        Assert.That(SymExpr.ProveEqual(n, m), Is.EqualTo(Tri.Unknown));
        Assert.That(SymExpr.ProveLess(n, n + 1), Is.EqualTo(Tri.Proven));
    }

    [Test]
    public void Vars_Have_Identity()
    {
        var a = new SymVar("n");
        var b = new SymVar("n");
        Assert.That(a.Equals(b), Is.False);
        Assert.That(SymExpr.ProveEqual(a, b), Is.EqualTo(Tri.Unknown));
    }
}

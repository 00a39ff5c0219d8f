using Bridge.Compat.Check;

namespace Bridge.Compat.Tests.Check;

/// <summary>The first-divergence finder pairs invocations of nodes that run several times, or says it cannot localise.</summary>
public sealed class DivergenceFinderTests
{
    private static readonly SourceLoc s_body = new SourceLoc.Text("m.relay", 3, 5);   // an op inside a loop body / recursive function
    private static readonly SourceLoc s_tail = new SourceLoc.Text("m.relay", 4, 5);   // the next op of the body
    private static readonly SourceLoc s_out = new SourceLoc.Text("m.relay", 9, 3);    // after the loop

    private static TracedValue V(SourceLoc loc, float v, string op = "add") => new(loc, op, Tensor.FromArray([v], 1));

    private static CompareOptions Tol(DataType d) => CompareOptions.For(d);

    [Test]
    public void A_loop_body_diverging_in_its_second_invocation_is_named_with_that_invocation()
    {
        // Three iterations; the tail op diverges from the second on. A map keyed by location alone would compare Relay's first
        // body value (1) with Relax's last (3) and name the body op, which never diverged.
        TracedValue[] relay = [V(s_body, 1), V(s_tail, 10), V(s_body, 2), V(s_tail, 20), V(s_body, 3), V(s_tail, 30), V(s_out, 30)];
        TracedValue[] relax = [V(s_body, 1), V(s_tail, 10), V(s_body, 2), V(s_tail, 21), V(s_body, 3), V(s_tail, 31), V(s_out, 31)];
        var r = DivergenceFinder.Find(relay, relax, Tol);
        Assert.That(r.Found, Is.Not.Null, r.CannotLocalise);
        Assert.That((r.Found!.RelayLoc, r.Found.Invocation), Is.EqualTo((s_tail, (int?)2)));
    }

    [Test]
    public void A_node_run_a_different_number_of_times_is_not_paired_and_the_search_says_it_cannot_localise()
    {
        // Relax unrolled one iteration less (a recursion that stops earlier): the body's invocations cannot be paired.
        TracedValue[] relay = [V(s_body, 1), V(s_body, 2), V(s_body, 3), V(s_out, 3)];
        TracedValue[] relax = [V(s_body, 1), V(s_body, 2), V(s_out, 2)];
        var r = DivergenceFinder.Find(relay, relax, Tol);
        // s_out ran once on both sides and differs: it is named, the unpaired body is never named.
        Assert.That(r.Found?.RelayLoc, Is.EqualTo(s_out));
        TracedValue[] relaxSameOut = [V(s_body, 1), V(s_body, 3), V(s_out, 3)];
        var only = DivergenceFinder.Find(relay, relaxSameOut, Tol);
        Assert.That(only.Found, Is.Null);
        Assert.That(only.CannotLocalise, Does.Contain("different number of times"));
    }

    [Test]
    public void Agreeing_traces_name_no_node()
    {
        TracedValue[] relay = [V(s_body, 1), V(s_body, 2), V(s_out, 2)];
        var r = DivergenceFinder.Find(relay, relay, Tol);
        Assert.That(r.Found, Is.Null);
        Assert.That(r.CannotLocalise, Does.Contain("agree"));
    }

    [Test]
    public void A_node_run_once_reports_no_invocation_number()
    {
        var r = DivergenceFinder.Find([V(s_out, 1)], [V(s_out, 2)], Tol);
        Assert.That((r.Found!.RelayLoc, r.Found.Invocation), Is.EqualTo((s_out, (int?)null)));
        Assert.That(r.Found.ToString(), Does.Not.Contain("invocation"));
    }
}

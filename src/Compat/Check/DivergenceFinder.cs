using Bridge.Backends.Reference;

namespace Bridge.Compat.Check;

/// <summary>One traced op result, reduced to what the finder compares: the source location, the op, and the first tensor.</summary>
public sealed record TracedValue(SourceLoc Loc, string Op, Tensor? Value);

/// <summary>What the first-divergence search found: a divergence, or why it could not localise one.</summary>
public sealed record DivergenceSearch(Divergence? Found, string? CannotLocalise)
{
    public static DivergenceSearch Localised(Divergence d) => new(d, null);
    public static DivergenceSearch Unlocalised(string why) => new(null, why);
}

/// <summary>
/// Finds the first op whose value differs between two traced runs (Relay and Relax), matching <em>invocations</em>, not just
/// locations: the k-th time the Relay run evaluates the node at location L is compared with the k-th time the Relax run evaluates
/// the binding carrying L. A function that runs several times (a loop body, a recursive call, a function called from two places)
/// produces one event per invocation on each side; comparing the first Relay invocation with the last Relax one (what a map keyed by
/// location alone does) would name a node that did not diverge. When a location is evaluated a different number of times on the two
/// sides, its invocations cannot be paired: it is not compared, and if no paired op diverges the search says it cannot localise the
/// divergence instead of naming one. The search walks the Relay events in execution order and names the first diverging pair.
/// </summary>
public static class DivergenceFinder
{
    public static DivergenceSearch Find(IReadOnlyList<TracedValue> relay, IReadOnlyList<TracedValue> relax, Func<DataType, CompareOptions> tolerance)
    {
        var relaxByLoc = new Dictionary<SourceLoc, List<TracedValue>>();
        foreach (var e in relax)
        {
            if (e.Loc is SourceLoc.Unknown) continue;
            if (!relaxByLoc.TryGetValue(e.Loc, out var list)) relaxByLoc[e.Loc] = list = [];
            list.Add(e);
        }
        var relayCounts = new Dictionary<SourceLoc, int>();
        foreach (var e in relay)
            if (e.Loc is not SourceLoc.Unknown) relayCounts[e.Loc] = relayCounts.GetValueOrDefault(e.Loc) + 1;
        var seen = new Dictionary<SourceLoc, int>();
        var unpaired = new HashSet<SourceLoc>();
        var compared = 0;
        foreach (var e in relay)
        {
            if (e.Loc is SourceLoc.Unknown || !relaxByLoc.TryGetValue(e.Loc, out var rxs)) continue;
            var k = seen[e.Loc] = seen.GetValueOrDefault(e.Loc) + 1;
            if (rxs.Count != relayCounts[e.Loc])
            {
                unpaired.Add(e.Loc);
                continue;
            }
            var rx = rxs[k - 1];
            if (e.Value is null || rx.Value is null || !e.Value.Shape.SequenceEqual(rx.Value.Shape)) continue;
            compared++;
            var c = TensorCompare.Compare(rx.Value, e.Value, tolerance(e.Value.DType));
            if (!c.Passed)
                return DivergenceSearch.Localised(new Divergence(e.Loc, e.Op, rx.Op, c) { Invocation = relayCounts[e.Loc] > 1 ? k : null });
        }
        if (unpaired.Count > 0)
            return DivergenceSearch.Unlocalised($"no paired op diverges; {unpaired.Count} location(s) run a different number of times on the two paths " +
                $"(e.g. {unpaired.First()}), so their invocations cannot be paired");
        return DivergenceSearch.Unlocalised(compared == 0
            ? "no op of the two runs could be paired by source location"
            : $"all {compared} paired op results agree within tolerance; the difference arises where no op is traced (control flow, tuples, or an op the translator gave no location)");
    }

    /// <summary>The <see cref="TracedValue"/> of an interpreter trace event (its first tensor, or null).</summary>
    public static TracedValue Of(TraceEvent e)
    {
        var ts = InterpreterCommon.Flatten(e.Value);
        return new TracedValue(e.Loc, e.Op, ts.Count > 0 ? ts[0] : null);
    }
}

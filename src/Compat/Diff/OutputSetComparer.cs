using Bridge.Compat.Check;

namespace Bridge.Compat.Diff;

/// <summary>One output of two compared output sets: its names on each side, the verdict, and the error statistics.</summary>
public sealed record OutputComparison(string Name, string ActualName, CompareResult Result, ErrorStats? Stats);

/// <summary>
/// Compares two named output sets (saved <c>.npz</c> files, a loaded golden set against a run) with the rules of
/// <c>bridge check</c>: <see cref="Tolerances"/> (policy, per-dtype defaults, global overrides), then per-output
/// <see cref="OutputTolerances"/>, then <see cref="TensorCompare"/>. Outputs are matched by name when every expected name is
/// present on the other side, otherwise by position when both sides have the same count (both orders are the models'
/// output orders); anything else is <see cref="DiffDiagnosticIds.OutputsUnmatched"/>.
/// </summary>
public static class OutputSetComparer
{
    public sealed record Options
    {
        public TolerancePolicy Policy { get; init; } = TolerancePolicy.Strict;
        public double? Rtol { get; init; }
        public double? Atol { get; init; }
        public OutputTolerances PerOutput { get; init; } = OutputTolerances.None;
        /// <summary>Path names the tolerance policy sees (a source runtime gets framework tolerances under auto).</summary>
        public string ReferencePath { get; init; } = "reference";
        public string ActualPath { get; init; } = "actual";
    }

    /// <summary>How the outputs were matched (for the report): "name" or "position".</summary>
    public static string MatchedBy(IReadOnlyList<(string Name, Tensor Tensor)> expected, IReadOnlyList<(string Name, Tensor Tensor)> actual, string what)
    {
        var names = actual.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        if (expected.All(e => names.Contains(e.Name))) return "name";
        if (expected.Count == actual.Count) return "position";
        throw new BridgeException(DiffDiagnosticIds.OutputsUnmatched, SourceLoc.Unknown.Instance,
            $"{what}: cannot match outputs: reference has {expected.Count} ({Names(expected)}), actual has {actual.Count} ({Names(actual)}) and the names differ");
    }

    public static IReadOnlyList<OutputComparison> Compare(IReadOnlyList<(string Name, Tensor Tensor)> expected,
        IReadOnlyList<(string Name, Tensor Tensor)> actual, Options options, string what = "compare")
    {
        var byName = MatchedBy(expected, actual, what) == "name";
        var lookup = actual.GroupBy(a => a.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Tensor, StringComparer.Ordinal);
        var list = new List<OutputComparison>(expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (name, e) = expected[i];
            var (actualName, a) = byName ? (name, lookup[name]) : actual[i];
            var tol = options.PerOutput.Apply(Tolerances.For(e.DType, options.ReferencePath, options.ActualPath, options.Policy, options.Rtol, options.Atol), name);
            list.Add(new OutputComparison(name, actualName, TensorCompare.Compare(a, e, tol), ErrorStats.Of(a, e, tol)));
        }
        return list;
    }

    private static string Names(IReadOnlyList<(string Name, Tensor Tensor)> xs) =>
        xs.Count == 0 ? "none" : string.Join(", ", xs.Take(8).Select(x => x.Name)) + (xs.Count > 8 ? ", …" : "");
}

using Bridge.Compat.Check;

namespace Bridge.Compat.Diff;

/// <summary>
/// Outputs saved by <c>check --save-outputs</c> and read by <c>--load-outputs</c>: one <c>.npz</c> whose keys are
/// <c>path/output</c> (e.g. <c>onnxruntime/logits</c>, <c>relax/output0</c>), one group per path that ran. A file without
/// '/' in its keys (from <c>run -o</c>, <c>np.savez</c>, a TVM deployment) is a single group.
/// </summary>
public static class SavedOutputs
{
    public static IEnumerable<(string Name, Tensor Tensor)> Of(CheckReport report) =>
        report.Paths.Where(p => p.Ok).SelectMany(p => p.Outputs!.Select(o => ($"{p.Name}/{o.Name}", o.Tensor)));

    /// <summary>The groups of a loaded file in file order: (group, outputs); the group is "" when keys have no '/'.</summary>
    public static IReadOnlyList<(string Group, IReadOnlyList<(string Name, Tensor Tensor)> Outputs)> Groups(IReadOnlyList<(string Name, Tensor Tensor)> loaded)
    {
        if (!loaded.All(x => x.Name.Contains('/', StringComparison.Ordinal))) return [("", loaded)];
        return [.. loaded.GroupBy(x => x.Name[..x.Name.IndexOf('/', StringComparison.Ordinal)], StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<(string, Tensor)>)[.. g.Select(x => (x.Name[(x.Name.IndexOf('/', StringComparison.Ordinal) + 1)..], x.Tensor))]))];
    }

    /// <summary>
    /// Compares loaded golden outputs with each path that ran (golden = reference) and adds the comparisons to the report as
    /// <c>loaded</c> (or <c>loaded:GROUP</c>) vs path. A group named like a path is compared with that path only.
    /// </summary>
    public static void CompareInto(CheckReport report, IReadOnlyList<(string Name, Tensor Tensor)> loaded, CheckOptions options)
    {
        foreach (var (group, outputs) in Groups(loaded))
        {
            var name = group.Length == 0 ? "loaded" : $"loaded:{group}";
            // Listed as a path (it did not run here: 0 s) so reports show its outputs and statistics.
            report.Paths.Add(new PathRun(name, outputs, null, 0));
            var targets = report.Paths.Where(p => p.Ok && !p.Name.StartsWith("loaded", StringComparison.Ordinal) && (group.Length == 0 || !report.Paths.Any(q => q.Name == group) || p.Name == group)).ToList();
            foreach (var p in targets)
            {
                var cmp = OutputSetComparer.Compare(outputs, p.Outputs!, new OutputSetComparer.Options
                {
                    Policy = options.Policy, Rtol = options.Rtol, Atol = options.Atol, PerOutput = options.PerOutput,
                    ReferencePath = group.Length == 0 ? "loaded" : group, ActualPath = p.Name,
                }, $"{name} vs {p.Name}");
                foreach (var c in cmp) report.Diffs.Add(new OutputDiff(name, p.Name, c.Name, c.Result));
            }
        }
    }
}

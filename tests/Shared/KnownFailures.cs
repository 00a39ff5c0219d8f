
namespace Bridge.Tests.Shared;

/// <summary>One line of <c>corpora/known-failures.txt</c>: a corpus model that fails at a stage with a diagnostic, and why.</summary>
internal sealed record KnownFailure(string Model, string Stage, string Id, string Reason);

/// <summary>
/// The one list of corpus models that do not convert (<c>corpora/known-failures.txt</c>), shared by the corpus tests of every
/// project (linked into each). <see cref="Expect"/> is the rule: a listed model must fail at the stage with the listed ID, and
/// a model that fails and is not listed fails — a conversion failure is never a skip.
/// </summary>
internal static class KnownFailures
{
    private static readonly Dictionary<string, Dictionary<(string, string), KnownFailure>> s_byRoot = new(StringComparer.Ordinal);

    /// <summary>The list under <paramref name="corpora"/> (the <c>corpora/</c> folder), by (model, stage).</summary>
    public static IReadOnlyDictionary<(string Model, string Stage), KnownFailure> Load(string corpora)
    {
        lock (s_byRoot)
        {
            if (s_byRoot.TryGetValue(corpora, out var cached)) return cached;
            var d = new Dictionary<(string, string), KnownFailure>();
            var path = Path.Combine(corpora, "known-failures.txt");
            var n = 0;
            foreach (var raw in File.ReadLines(path))
            {
                n++;
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                var parts = line.Split((char[]?)null, 4, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 4 || !parts[2].StartsWith("BRG", StringComparison.Ordinal))
                    throw new FormatException($"{path}:{n}: expected MODEL STAGE BRGnnnn REASON, got '{line}'");
                if (!d.TryAdd((parts[0], parts[1]), new KnownFailure(parts[0], parts[1], parts[2], parts[3])))
                    throw new FormatException($"{path}:{n}: {parts[0]} {parts[1]} listed twice");
            }
            s_byRoot[corpora] = d;
            return d;
        }
    }

    /// <summary>
    /// Applies the rule to <paramref name="model"/> (relative to <paramref name="corpora"/>, with <c>/</c>) at <paramref name="stage"/>,
    /// given the diagnostic it failed with (null: it passed). Returns true when the model passed and is not listed (the caller goes on
    /// to check its results); ends the test otherwise: pass for a listed failure that failed as listed, fail for anything else.
    /// </summary>
    public static bool Expect(string corpora, string model, string stage, Diagnostic? failure)
    {
        var listed = Load(corpora).GetValueOrDefault((model, stage));
        if (listed is null)
        {
            if (failure is not null)
                Assert.Fail($"{model} fails at {stage} and is not in corpora/known-failures.txt: {failure.Render()}");
            return true;
        }
        if (failure is null) Assert.Fail($"{model} is listed in corpora/known-failures.txt ({stage}: {listed.Reason}) but now passes: remove the line");
        Assert.That(failure!.Id.ToString(), Is.EqualTo(listed.Id), $"{model} fails at {stage} with another diagnostic than listed: {failure.Render()}");
        Assert.Pass($"known failure ({listed.Id}): {listed.Reason}");
        return false;
    }
}

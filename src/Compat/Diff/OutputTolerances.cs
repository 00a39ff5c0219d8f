using System.Globalization;
using CompareOptions = Bridge.Core.Tensors.CompareOptions;

namespace Bridge.Compat.Diff;

/// <summary>
/// Per-output tolerances (<c>--tol name=rtol,atol</c>, repeatable): an output whose name matches gets these instead of the
/// global <c>--rtol/--atol</c> or the policy's per-dtype defaults. A name matches the output's own name or, for saved check
/// outputs (<c>path/output</c>), the part after the last '/'.
/// </summary>
public sealed record OutputTolerances(ImmutableDictionary<string, (double Rtol, double Atol)> ByName)
{
    public static OutputTolerances None { get; } = new(ImmutableDictionary<string, (double, double)>.Empty);

    /// <summary>Parses <c>name=rtol,atol</c> entries; a malformed entry is <see cref="DiffDiagnosticIds.BadTolerance"/>.</summary>
    public static OutputTolerances Parse(IEnumerable<string> specs)
    {
        var b = ImmutableDictionary.CreateBuilder<string, (double, double)>(StringComparer.Ordinal);
        foreach (var s in specs)
        {
            var eq = s.LastIndexOf('=');
            var parts = eq > 0 ? s[(eq + 1)..].Split(',') : [];
            if (parts.Length != 2
                || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || r < 0
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var a) || a < 0)
                throw new BridgeException(DiffDiagnosticIds.BadTolerance, SourceLoc.Unknown.Instance,
                    $"--tol '{s}': expected name=rtol,atol with non-negative numbers (e.g. logits=1e-4,1e-5)");
            b[s[..eq]] = (r, a);
        }
        return new OutputTolerances(b.ToImmutable());
    }

    public bool IsEmpty => ByName.IsEmpty;

    /// <summary>
    /// <paramref name="options"/> with the rtol/atol given for <paramref name="output"/>, if any, else for its positional name
    /// <c>output{index}</c> (Bridge's paths name outputs by position; ONNX Runtime by the graph's names).
    /// </summary>
    public CompareOptions Apply(CompareOptions options, string output, int index) =>
        ByName.TryGetValue(output, out var t) || ByName.TryGetValue(FormattableString.Invariant($"output{index}"), out t)
            ? options with { Rtol = t.Rtol, Atol = t.Atol } : Apply(options, output);

    /// <summary><paramref name="options"/> with the rtol/atol given for <paramref name="output"/>, if any.</summary>
    public CompareOptions Apply(CompareOptions options, string output)
    {
        if (ByName.TryGetValue(output, out var t)) return options with { Rtol = t.Rtol, Atol = t.Atol };
        var slash = output.LastIndexOf('/');
        return slash >= 0 && ByName.TryGetValue(output[(slash + 1)..], out t) ? options with { Rtol = t.Rtol, Atol = t.Atol } : options;
    }
}

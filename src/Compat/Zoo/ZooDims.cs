using System.Globalization;
using Bridge.Compat.Inputs;

namespace Bridge.Compat.Zoo;

/// <summary>
/// <c>bridge zoo --dim name=value</c>: one set of symbolic-dim sizes for a whole folder. Each model takes the entries that name
/// one of its own symbolic input dims (a fleet's models do not share dim names, so an entry a model lacks is not an error there);
/// its result records the size every symbolic dim ran at (<see cref="ZooResult.Dims"/>), which is what the adoption gate counts.
/// </summary>
public static class ZooDims
{
    /// <summary>The keys of the symbolic dims of <paramref name="specs"/> as <see cref="DimBindings"/> names them (a named dim by its
    /// name, an anonymous one as <c>input:axis</c>).</summary>
    public static IReadOnlySet<string> SymbolicKeys(IEnumerable<InputSpec> specs)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in specs)
            for (var i = 0; i < s.Shape.Length; i++)
            {
                var d = s.Shape[i];
                if (d.Value is { } v && v > 0) continue;
                keys.Add(d.Param is { Length: > 0 } p && p != "?" ? p : DimDefaults.AnonymousKey(s.Name, i));
            }
        return keys;
    }

    /// <summary>The entries of <paramref name="asked"/> that apply to a model with these symbolic dims (<c>?</c> applies whenever it
    /// has an anonymous one).</summary>
    public static IReadOnlyDictionary<string, long> ForModel(IReadOnlyDictionary<string, long> asked, IReadOnlySet<string> keys) =>
        asked.Where(kv => keys.Contains(kv.Key) || kv.Key == "?" && keys.Any(k => k.Contains(':', StringComparison.Ordinal)))
            .ToImmutableDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    /// <summary>Canonical text of a dim assignment: <c>name=value</c> sorted by name, <c>;</c>-separated (empty: none).</summary>
    public static string Format(IEnumerable<KeyValuePair<string, long>> dims) =>
        string.Join(";", dims.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Reads <see cref="Format"/>'s text back (entries without a number are skipped).</summary>
    public static Dictionary<string, long> Parse(string text)
    {
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var item in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.LastIndexOf('=');
            if (eq > 0 && long.TryParse(item.AsSpan(eq + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) d[item[..eq]] = v;
        }
        return d;
    }

    /// <summary>The sizes the run used: every binding of <paramref name="bindings"/>.</summary>
    public static string Of(DimBindings bindings) => Format(bindings.Values);
}

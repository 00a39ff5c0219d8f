using System.Globalization;

namespace Bridge.Compat.Pipeline;

/// <summary>
/// The one grammar of <c>--shape</c> and <c>--dim</c> (aliases on every verb; docs/architecture.md "Shapes and dims"). Each value
/// holds entries separated by <c>;</c>, each entry is <c>TARGET=VALUE</c>:
/// <list type="bullet">
/// <item><c>NAME=INT</c> — the size of the symbolic dim <c>NAME</c> (<c>batch=4</c>); <c>INPUT:AXIS=INT</c> one anonymous dim;
/// <c>?=INT</c> every anonymous dim nobody else set.</item>
/// <item><c>INPUT=D0,D1,…</c> or <c>INPUT=[D…]</c> — the shape of input <c>INPUT</c>: each <c>D</c> an integer or a dim name
/// (<c>x=n,3,h,w</c>); a rank-1 shape needs the brackets (<c>x=[n]</c>, <c>x=[4]</c>), a rank-0 one is <c>x=[]</c>.</item>
/// </list>
/// The form of an entry is decided by its text alone (a comma or brackets make a shape, a bare integer a dim size), so
/// <c>x=n,3</c> and <c>n=4</c> never disagree between verbs; <c>x=n</c> (a bare name) is refused as ambiguous.
/// </summary>
public sealed record ShapeArgs
{
    /// <summary>Sizes of symbolic dims by name (<c>input:axis</c> for an anonymous one, <c>?</c> for all anonymous ones).</summary>
    public IReadOnlyDictionary<string, long> Dims { get; init; } = ImmutableDictionary<string, long>.Empty;
    /// <summary>Input shapes by input name, in the order given; each dim an integer or a name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> InputShapes { get; init; } = ImmutableDictionary<string, IReadOnlyList<string>>.Empty;
    /// <summary>The entries as given (split on <c>;</c>), for readers that take the raw text (TorchScript input resolution).</summary>
    public IReadOnlyList<string> Entries { get; init; } = [];

    public static ShapeArgs Empty { get; } = new();

    public bool IsEmpty => Entries.Count == 0;

    /// <summary>Parses the values of <paramref name="option"/> (repeatable; <c>;</c> also separates entries).</summary>
    public static ShapeArgs Parse(IEnumerable<string> values, string option = "--shape")
    {
        var dims = new Dictionary<string, long>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var entries = new List<string>();
        foreach (var entry in values.SelectMany(v => v.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            entries.Add(entry);
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == entry.Length - 1)
                throw Bad(option, entry, "expected NAME=SIZE (a dim: n=4) or INPUT=D0,D1,… (a shape: x=n,3,h,w)");
            var target = entry[..eq].Trim().TrimStart('%');
            var value = entry[(eq + 1)..].Trim();
            if (target.Length == 0) throw Bad(option, entry, "empty name before '='");
            var bracketed = value.Length >= 2 && (value[0], value[^1]) is ('[', ']') or ('(', ')');
            if (bracketed || value.Contains(',', StringComparison.Ordinal))
            {
                var inner = bracketed ? value[1..^1].Trim() : value;
                IReadOnlyList<string> ds = inner.Length == 0 ? [] : inner.Split(',', StringSplitOptions.TrimEntries).ToImmutableArray();
                if (ds.Any(d => d.Length == 0)) throw Bad(option, entry, "empty dim");
                if (target.Contains(':', StringComparison.Ordinal) || target == "?") throw Bad(option, entry, "a shape belongs to an input name, not to a dim");
                if (!shapes.TryAdd(target, ds)) throw Bad(option, entry, $"input {target} given twice");
                continue;
            }
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                throw Bad(option, entry, value.StartsWith('-')
                    ? "a dim size cannot be negative"
                    : $"'{value}' is not a size; a dim size is a non-negative integer (n=4), a rank-1 input shape is written {target}=[{value}]");
            if (dims.TryGetValue(target, out var prev) && prev != size) throw Bad(option, entry, $"dim {target} given twice ({prev} and {size})");
            dims[target] = size;
        }
        return new ShapeArgs { Dims = dims, InputShapes = shapes, Entries = entries };
    }

    /// <summary>Refuses input-shape entries where only dim sizes apply (and the other way round), naming what does.</summary>
    public ShapeArgs OnlyDims(string option, string why)
    {
        if (InputShapes.Count > 0)
            throw new BridgeException(PipelineDiagnosticIds.OptionDoesNotApply, SourceLoc.Unknown.Instance,
                $"{option} {InputShapes.Keys.First()}=…: input shapes do not apply {why}; give dim sizes (n=4)");
        return this;
    }

    /// <summary>Refuses dim-size entries where only input shapes apply.</summary>
    public ShapeArgs OnlyShapes(string option, string why)
    {
        if (Dims.Count > 0)
            throw new BridgeException(PipelineDiagnosticIds.OptionDoesNotApply, SourceLoc.Unknown.Instance,
                $"{option} {Dims.Keys.First()}={Dims.Values.First().ToString(CultureInfo.InvariantCulture)}: dim sizes do not apply {why}; give input shapes (x=n,3,h,w; x=[4] for rank 1)");
        return this;
    }

    /// <summary>The entries as TorchScript's input resolution reads them: input shapes <c>x=d0,d1</c>, then dim sizes <c>n=4</c>.</summary>
    public IReadOnlyList<string> TorchEntries() =>
        [.. InputShapes.Select(kv => $"{kv.Key}={string.Join(",", kv.Value)}"), .. Dims.Select(kv => $"{kv.Key}={kv.Value.ToString(CultureInfo.InvariantCulture)}")];

    private static BridgeException Bad(string option, string entry, string why) =>
        new(PipelineDiagnosticIds.BadShapeArgument, SourceLoc.Unknown.Instance, $"{option} '{Diagnostic.Clip(entry, 60)}': {why}");
}

using System.Globalization;

namespace Bridge.Compat.Inputs;

/// <summary>Where the size of a symbolic dim came from, in the order the rule tries them.</summary>
public enum DimSource
{
    /// <summary><c>--dim name=value</c> (or its alias <c>--shape</c>).</summary>
    Option,
    /// <summary>The shape of an input the user gave (<c>--inputs IN.npz</c>).</summary>
    Input,
    /// <summary>The model's own structure: the smallest size its first window (conv/pool kernel, STFT frame) accepts.</summary>
    ModelHint,
    /// <summary>The per-name default (<see cref="DimDefaults"/>).</summary>
    Default,
}

/// <summary>One symbolic dim's size and why it has that size (printed by <c>check</c>/<c>run</c>, kept in reports).</summary>
public sealed record DimBinding(string Name, long Value, DimSource Source, string Detail)
{
    public override string ToString() => $"{Name}={Value.ToString(CultureInfo.InvariantCulture)} ({Source.ToString().ToLowerInvariant()}: {Detail})";
}

/// <summary>
/// The documented default size of a symbolic dim nobody set (docs/check.md "Dynamic dims"). Larger than 1, because a dim of 1 is
/// degenerate for real models (a broadcast hides a wrong axis; STFT frames, pooling windows and kernels do not fit):
/// batch-like names (<c>batch</c>, <c>batch_size</c>, <c>N</c>, <c>B</c>, <c>bs</c>) → 2; sequence-like (<c>seq*</c>, <c>*len*</c>,
/// <c>time</c>, <c>*token*</c>, <c>T</c>, <c>L</c>, <c>S</c>) → 16; spatial (<c>height</c>, <c>width</c>, <c>H</c>, <c>W</c>) → 32;
/// any other name → 2. Anonymous dims (no dim_param) are named <c>input:axis</c>: axis 0 → 2, later axes → 16. A model hint
/// (<see cref="DimBindings"/>) raises a default to the smallest size the model accepts; it never lowers it.
/// </summary>
public static class DimDefaults
{
    public const long Batch = 2;
    public const long Sequence = 16;
    public const long Spatial = 32;
    public const long Other = 2;

    /// <summary>The default for a named dim, with the class that chose it.</summary>
    public static (long Value, string Why) ForName(string name)
    {
        var n = string.Concat(name.Where(char.IsLetterOrDigit)).ToLowerInvariant();
        if (n is "batch" or "batchsize" or "n" or "b" or "bs" or "nbatch" or "batchdim" || n.StartsWith("batch", StringComparison.Ordinal))
            return (Batch, "batch-like name");
        if (n is "t" or "l" or "s" or "time" or "len" || n.StartsWith("seq", StringComparison.Ordinal) || n.Contains("len", StringComparison.Ordinal)
            || n.Contains("token", StringComparison.Ordinal) || n.Contains("time", StringComparison.Ordinal) || n.Contains("frame", StringComparison.Ordinal))
            return (Sequence, "sequence-like name");
        if (n is "h" or "w" or "height" or "width" || n.Contains("height", StringComparison.Ordinal) || n.Contains("width", StringComparison.Ordinal))
            return (Spatial, "spatial name");
        return (Other, "default for other names");
    }

    /// <summary>The default for an anonymous dim (no dim_param) at <paramref name="axis"/>.</summary>
    public static (long Value, string Why) ForAnonymous(int axis) => axis == 0 ? (Batch, "anonymous leading dim") : (Sequence, "anonymous dim");

    /// <summary>The key of an anonymous dim: <c>input:axis</c> (also accepted by <c>--dim</c>).</summary>
    public static string AnonymousKey(string input, int axis) => $"{input}:{axis.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Resolves every symbolic input dim of a model to a size, with its source: <c>--dim</c> first, then the inputs given (a named
/// dim takes the size the given tensor has on that axis; two inputs binding the same dim to different sizes is an error naming
/// both), then the model's hints and the documented defaults (<see cref="DimDefaults"/>). Anonymous dims are keyed
/// <c>input:axis</c>; <c>--dim ?=N</c> sets every anonymous dim nobody else set.
/// </summary>
public sealed class DimBindings
{
    private readonly Dictionary<string, DimBinding> _byName;

    private DimBindings(Dictionary<string, DimBinding> byName) => _byName = byName;

    /// <summary>Every binding, named dims first (ordinal order of first appearance).</summary>
    public IReadOnlyCollection<DimBinding> All => _byName.Values;

    /// <summary>Sizes by dim name (anonymous dims under <c>input:axis</c>).</summary>
    public IReadOnlyDictionary<string, long> Values => _byName.ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal);

    /// <summary>The concrete shape of <paramref name="spec"/> under these bindings.</summary>
    public long[] ShapeOf(InputSpec spec) =>
        [.. spec.Shape.Select((d, i) => d.Value is { } v && v > 0 ? v : _byName.TryGetValue(Key(spec, d, i), out var b) ? b.Value : 1)];

    private static string Key(InputSpec spec, InputDim d, int axis) =>
        d.Param is { Length: > 0 } p && p != "?" ? p : DimDefaults.AnonymousKey(spec.Name, axis);

    /// <summary>
    /// Resolves the dims of <paramref name="specs"/>. <paramref name="given"/> are the user's tensors (by input name; names that are no
    /// input are ignored here), <paramref name="origin"/> the file they came from (for messages), <paramref name="minimums"/> the
    /// model's lower bounds by dim key (see <see cref="OnnxDimHints"/>), <paramref name="anonymousFallback"/> the size anonymous dims
    /// get when no rule applies (null: <see cref="DimDefaults.ForAnonymous"/>), <paramref name="namedFallback"/> likewise for named dims.
    /// </summary>
    public static DimBindings Resolve(IReadOnlyList<InputSpec> specs, IReadOnlyDictionary<string, Tensor>? given, string? origin,
        IReadOnlyDictionary<string, long> explicitDims, IReadOnlyDictionary<string, (long Min, string Why)>? minimums = null,
        long? anonymousFallback = null, long? namedFallback = null)
    {
        var loc = origin is null ? (SourceLoc)SourceLoc.Unknown.Instance : new SourceLoc.Text(origin, 1, 1);
        var keys = new List<string>();
        foreach (var s in specs)
            for (var i = 0; i < s.Shape.Length; i++)
                if (!(s.Shape[i].Value is { } v && v > 0) && !keys.Contains(Key(s, s.Shape[i], i))) keys.Add(Key(s, s.Shape[i], i));
        var named = keys.Where(k => !k.Contains(':', StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var byName = new Dictionary<string, DimBinding>(StringComparer.Ordinal);
        foreach (var (k, v) in explicitDims)
        {
            if (v < 0) throw new BridgeException(CompatDiagnosticIds.UnresolvedDim, loc, $"--dim {k}={v}: a dim size cannot be negative");
            if (k == "?") continue;
            if (!keys.Contains(k))
                throw new BridgeException(CompatDiagnosticIds.UnresolvedDim, loc,
                    $"--dim {k}={v} names no symbolic dim of the model's inputs (known: {(keys.Count == 0 ? "none" : string.Join(", ", keys))})");
            byName[k] = new DimBinding(k, v, DimSource.Option, $"--dim {k}={v}");
        }
        if (given is not null)
            foreach (var s in specs)
            {
                if (!given.TryGetValue(s.Name, out var t)) continue;
                var where = origin is null ? $"input {s.Name}" : $"input {s.Name} ({origin})";
                if (t.Shape.Length != s.Shape.Length)
                    throw new BridgeException(CompatDiagnosticIds.InputMismatch, loc,
                        $"{where} has shape [{string.Join(", ", t.Shape)}] (rank {t.Shape.Length}); the model declares [{string.Join(", ", s.Shape)}] (rank {s.Shape.Length})");
                for (var i = 0; i < s.Shape.Length; i++)
                {
                    var d = s.Shape[i];
                    var size = t.Shape[i];
                    if (d.Value is { } fixedSize && fixedSize > 0)
                    {
                        if (fixedSize != size)
                            throw new BridgeException(CompatDiagnosticIds.InputMismatch, loc,
                                $"{where} has size {size} on axis {i}; the model declares it fixed at {fixedSize} (shape [{string.Join(", ", s.Shape)}])");
                        continue;
                    }
                    var key = Key(s, d, i);
                    if (byName.TryGetValue(key, out var prior))
                    {
                        if (prior.Value == size) continue;
                        throw new BridgeException(CompatDiagnosticIds.InputMismatch, loc, prior.Source == DimSource.Option
                            ? $"dim {key} is {prior.Value} by {prior.Detail}, but {where} has size {size} on axis {i}"
                            : $"dim {key} is bound inconsistently: {prior.Detail} has size {prior.Value}, {where} has size {size} on axis {i}");
                    }
                    byName[key] = new DimBinding(key, size, DimSource.Input, $"input {s.Name} axis {i}");
                }
            }
        foreach (var k in keys)
        {
            if (byName.ContainsKey(k)) continue;
            var anonymous = !named.Contains(k);
            (long Value, string Why) d;
            if (anonymous && explicitDims.TryGetValue("?", out var q)) d = (q, "--dim ?=" + q.ToString(CultureInfo.InvariantCulture));
            else if (anonymous && anonymousFallback is { } af) d = (af, "default");
            else if (!anonymous && namedFallback is { } nf) d = (nf, "default");
            else d = anonymous ? DimDefaults.ForAnonymous(int.Parse(k[(k.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture)) : DimDefaults.ForName(k);
            var source = d.Why.StartsWith("--dim", StringComparison.Ordinal) ? DimSource.Option : DimSource.Default;
            if (source == DimSource.Default && minimums is not null && minimums.TryGetValue(k, out var m) && m.Min > d.Value)
                byName[k] = new DimBinding(k, m.Min, DimSource.ModelHint, m.Why);
            else byName[k] = new DimBinding(k, d.Value, source, d.Why);
        }
        return new DimBindings(byName);
    }

    /// <summary>Seeded random tensors for the inputs not in <paramref name="given"/>, shaped by these bindings.</summary>
    public Dictionary<string, Tensor> Generate(IReadOnlyList<InputSpec> specs, IReadOnlyDictionary<string, Tensor>? given, ulong seed,
        RandomInputOptions? options = null)
    {
        var missing = specs.Where(s => given is null || !given.ContainsKey(s.Name))
            .Select(s => s with { Shape = [.. ShapeOf(s).Select(InputDim.Fixed)] }).ToList();
        return new(RandomInputs.For(missing, seed, ImmutableDictionary<string, long>.Empty, options), StringComparer.Ordinal);
    }
}

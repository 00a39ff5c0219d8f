using System.Globalization;
using Bridge.Core.Limits;

namespace Bridge.Compat.Inputs;

/// <summary>One declared dimension of an input: a fixed size, a named symbolic dim (<c>batch</c>), or anonymous (both null).</summary>
public sealed record InputDim(long? Value, string? Param = null)
{
    public static InputDim Fixed(long v) => new(v);
    public static InputDim Named(string p) => new(null, p);
    public static readonly InputDim Anonymous = new((long?)null);
    public override string ToString() => Value?.ToString(CultureInfo.InvariantCulture) ?? Param ?? "?";
}

/// <summary>A model input as a generator sees it: name, dtype and declared (maybe symbolic) shape. Independent of the source format.</summary>
public sealed record InputSpec(string Name, DataType DType, ImmutableArray<InputDim> Shape)
{
    public override string ToString() => $"{Name}: {DType}[{string.Join(", ", Shape)}]";
}

/// <summary>Options for <see cref="RandomInputs"/>: the value range (Polygraphy's default [0, 1]; ints inclusive) and per-input ranges.</summary>
public sealed record RandomInputOptions
{
    public double Low { get; init; }
    public double High { get; init; } = 1.0;
    /// <summary>Per-input (low, high) overrides by input name.</summary>
    public ImmutableDictionary<string, (double Low, double High)> Ranges { get; init; } = ImmutableDictionary<string, (double, double)>.Empty;
    /// <summary>The size of a symbolic or anonymous dim nobody overrides (Polygraphy's DEFAULT_SHAPE_VALUE).</summary>
    public long DefaultDim { get; init; } = 1;
    public static RandomInputOptions Default { get; } = new();
}

/// <summary>
/// Seeded random inputs that respect dtypes and symbolic dims. Each input has its own stream derived from (seed, input name),
/// so adding an input never changes another input's values, and the same seed gives the same feeds on every machine
/// (SplitMix64, not <see cref="Random"/>, whose algorithm .NET may change). Named dims take their size from
/// <c>dimOverrides</c> (<c>batch=4</c>) and are shared: two inputs with dim <c>batch</c> get the same size.
/// </summary>
public static class RandomInputs
{
    public static IReadOnlyDictionary<string, Tensor> For(IReadOnlyList<InputSpec> inputs, ulong seed,
        IReadOnlyDictionary<string, long>? dimOverrides = null, RandomInputOptions? options = null)
    {
        options ??= RandomInputOptions.Default;
        dimOverrides ??= ImmutableDictionary<string, long>.Empty;
        foreach (var (k, v) in dimOverrides)
            if (v < 0) throw new BridgeException(CompatDiagnosticIds.UnresolvedDim, SourceLoc.Unknown.Instance, $"dim override {k}={v} is negative");
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var spec in inputs)
        {
            var shape = spec.Shape.Select(d => d.Value ?? (d.Param is { } p && dimOverrides.TryGetValue(p, out var o) ? o : options.DefaultDim)).ToArray();
            var (lo, hi) = options.Ranges.TryGetValue(spec.Name, out var r) ? r : (options.Low, options.High);
            MemoryBudget.ChargeTensor(spec.DType, shape, $"generated input '{spec.Name}'", SourceLoc.Unknown.Instance, MemoryBudget.CopiesPerInput);
            result[spec.Name] = Generate(spec.DType, shape, lo, hi, Mix(seed, spec.Name));
        }
        return result;
    }

    /// <summary>
    /// The dim sizes of <c>--dim</c>/<c>--shape</c> entries (<c>batch=4</c>), by the one grammar of <see cref="Pipeline.ShapeArgs"/>;
    /// input-shape entries (<c>x=n,3</c>) are not dim sizes and are left to the callers that read them.
    /// </summary>
    public static IReadOnlyDictionary<string, long> ParseDimOverrides(IEnumerable<string> items) => Pipeline.ShapeArgs.Parse(items, "--dim").Dims;

    /// <summary>Fills one tensor: floats uniform in [lo, hi), integers uniform in [⌈lo⌉, ⌊hi⌋] inclusive, bools 0/1.</summary>
    public static Tensor Generate(DataType dtype, long[] shape, double lo, double hi, ulong state)
    {
        var t = Tensor.Zeros(dtype, shape);
        var rng = new SplitMix64(state);
        if (dtype.IsFloat)
        {
            for (long i = 0; i < t.Length; i++) t.SetDouble(i, lo + (hi - lo) * rng.NextDouble());
        }
        else if (dtype.IsBool)
        {
            for (long i = 0; i < t.Length; i++) t.SetInt64(i, (long)(rng.Next() & 1));
        }
        else
        {
            var a = (long)Math.Ceiling(lo);
            var b = (long)Math.Floor(hi);
            if (dtype.IsUInt) a = Math.Max(a, 0);
            if (b < a) b = a;
            var span = (ulong)(b - a) + 1;
            for (long i = 0; i < t.Length; i++) t.SetInt64(i, a + (long)(rng.Next() % span));
        }
        return t;
    }

    /// <summary>A per-input stream: FNV-1a of the name folded into the seed.</summary>
    private static ulong Mix(ulong seed, string name)
    {
        var h = 14695981039346656037UL;
        foreach (var c in name) { h ^= c; h *= 1099511628211UL; }
        return seed * 0x9E3779B97F4A7C15UL ^ h;
    }

    private struct SplitMix64(ulong state)
    {
        private ulong _s = state;

        public ulong Next()
        {
            var z = _s += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
    }
}

using System.Collections.Concurrent;

namespace Bridge.Ir.Ops;

/// <summary>Which IR an op belongs to. Relay's <c>nn.conv2d</c> and Relax's <c>relax.nn.conv2d</c> are two entries.</summary>
public enum Dialect { Relay, Relax }

/// <summary>
/// A typed, named facet of an op (TVM's <c>Op::GetAttrMap&lt;T&gt;("FInferStructInfo")</c>): the type relation, the reference
/// kernel, the C and CUDA codegen hooks. A facet is declared once, by the layer that owns its type, and attached to ops at
/// registration, so lower layers (IR) never depend on higher ones (Backends) and there is still one op list.
/// </summary>
public sealed class OpFacet<T>(string name) where T : class
{
    public string Name { get; } = name;
    public override string ToString() => Name;
}

/// <summary>Describes one argument of an op.</summary>
public sealed record OpInput(string Name, string Description = "", bool Variadic = false);

/// <summary>
/// One op: its name, dialect, inputs, typed attribute schema, purity and facets. There is exactly one <see cref="OpDef"/> per
/// (dialect, name) in the <see cref="OpRegistry"/>; parsers, printers, JSON readers, type inference, translators, interpreters
/// and code generators all find ops there (STYLE 3).
/// </summary>
public sealed class OpDef
{
    private readonly ConcurrentDictionary<string, object> _facets = new(StringComparer.Ordinal);

    internal OpDef(Dialect dialect, string name, Type attrsType)
    {
        Dialect = dialect;
        Name = name;
        AttrsType = attrsType;
    }

    public Dialect Dialect { get; }
    /// <summary>The registered name: <c>nn.conv2d</c> (Relay), <c>relax.nn.conv2d</c> (Relax).</summary>
    public string Name { get; }
    public Type AttrsType { get; }
    public AttrSchema Schema => AttrSchema.Of(AttrsType);
    public ImmutableArray<OpInput> Inputs { get; private set; } = [];
    /// <summary>False for ops with side effects (Relax purity; Relay's ref/debug ops).</summary>
    public bool IsPure { get; private set; } = true;
    public string Category { get; private set; } = "";
    public string Description { get; private set; } = "";
    /// <summary>Minimum and maximum number of call arguments (max = int.MaxValue when the last input is variadic).</summary>
    public int MinArgs { get; private set; }
    public int MaxArgs { get; private set; }

    /// <summary>The attribute record with every default.</summary>
    public Attrs DefaultAttrs => Schema.Defaults;

    public T? Get<T>(OpFacet<T> facet) where T : class => _facets.TryGetValue(facet.Name, out var v) ? (T)v : null;

    public T Require<T>(OpFacet<T> facet) where T : class =>
        Get(facet) ?? throw new Core.Diagnostics.BridgeInternalError($"op {Name} has no facet '{facet.Name}'");

    public bool Has<T>(OpFacet<T> facet) where T : class => _facets.ContainsKey(facet.Name);

    /// <summary>Attaches (or replaces) a facet. Called during registration, e.g. by the Backends when kernels register.</summary>
    public OpDef Set<T>(OpFacet<T> facet, T value) where T : class
    {
        _facets[facet.Name] = value;
        return this;
    }

    public OpDef WithInputs(params OpInput[] inputs)
    {
        Inputs = [.. inputs];
        MinArgs = inputs.Count(i => !i.Variadic);
        MaxArgs = inputs.Any(i => i.Variadic) ? int.MaxValue : inputs.Length;
        return this;
    }

    public OpDef WithInputs(params string[] names) => WithInputs(names.Select(n => n.EndsWith("...", StringComparison.Ordinal)
        ? new OpInput(n[..^3], Variadic: true) : new OpInput(n)).ToArray());

    /// <summary>Overrides the argument-count bounds (ops with optional trailing inputs).</summary>
    public OpDef WithArity(int min, int max) { MinArgs = min; MaxArgs = max; return this; }

    public OpDef Impure() { IsPure = false; return this; }
    public OpDef InCategory(string category) { Category = category; return this; }
    public OpDef Describe(string text) { Description = text; return this; }

    public override string ToString() => Name;
}

/// <summary>The single op table for both dialects.</summary>
public static class OpRegistry
{
    private static readonly ConcurrentDictionary<(Dialect, string), OpDef> s_ops = new();

    /// <summary>Registers a new op; registering the same (dialect, name) twice is a bug.</summary>
    public static OpDef Define<TAttrs>(Dialect dialect, string name) where TAttrs : Attrs, new() => Define(dialect, name, typeof(TAttrs));

    public static OpDef Define(Dialect dialect, string name, Type attrsType)
    {
        var op = new OpDef(dialect, name, attrsType);
        if (!s_ops.TryAdd((dialect, name), op))
            throw new Core.Diagnostics.BridgeInternalError($"op {dialect}:{name} registered twice");
        return op;
    }

    public static bool TryGet(Dialect dialect, string name, out OpDef op) => s_ops.TryGetValue((dialect, name), out op!);

    public static OpDef? Find(Dialect dialect, string name) => s_ops.TryGetValue((dialect, name), out var op) ? op : null;

    public static IReadOnlyList<OpDef> All(Dialect dialect) =>
        s_ops.Values.Where(o => o.Dialect == dialect).OrderBy(o => o.Name, StringComparer.Ordinal).ToList();
}

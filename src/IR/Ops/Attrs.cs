using System.Collections.Concurrent;
using System.Reflection;
using System.Text;

namespace Bridge.Ir.Ops;

/// <summary>
/// Base of every typed attribute record. An op's attribute record is its schema: property names (snake_cased, or renamed with
/// <see cref="AttrNameAttribute"/>), property types and the defaults written once as property initializers (the C++ defaults).
/// Parsers, printers and JSON readers go through <see cref="AttrSchema"/>; translators and kernels read the typed properties.
/// </summary>
public abstract record Attrs
{
    /// <summary>The schema of this record's type.</summary>
    public AttrSchema Schema => AttrSchema.Of(GetType());
}

/// <summary>The attribute record of ops that take none (Relay prints no attrs, JSON has <c>attrs: null</c>).</summary>
public sealed record NoAttrs : Attrs
{
    public static readonly NoAttrs Instance = new();
}

/// <summary>Overrides the printed/serialized name of an attribute property.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AttrNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Marks a Relay/Relax attrs type key (e.g. <c>relay.attrs.Conv2DAttrs</c>) on an attribute record.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class AttrsTypeKeyAttribute(string typeKey) : Attribute
{
    public string TypeKey { get; } = typeKey;
}

/// <summary>One field of an attribute schema.</summary>
public sealed record AttrField(string Name, Type ClrType, object? Default, PropertyInfo Property)
{
    /// <summary>True for <c>T?</c> fields (the attribute may be None / unset).</summary>
    public bool IsOptional => Nullable.GetUnderlyingType(ClrType) is not null || !ClrType.IsValueType && _nullable;

    internal bool _nullable;
}

/// <summary>
/// The reflected schema of an <see cref="Attrs"/> record type: its fields in declaration order with their defaults, plus
/// generic get/create used by parsers and printers. Computed once per type.
/// </summary>
public sealed class AttrSchema
{
    private static readonly ConcurrentDictionary<Type, AttrSchema> s_cache = new();
    private static readonly NullabilityInfoContext s_nullability = new();
    private readonly Dictionary<string, AttrField> _byName;
    private readonly Attrs _defaults;

    private AttrSchema(Type type)
    {
        Type = type;
        _defaults = (Attrs)Activator.CreateInstance(type)!;
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.DeclaringType != typeof(Attrs) && p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken);
        var fields = ImmutableArray.CreateBuilder<AttrField>();
        foreach (var p in props)
        {
            var name = p.GetCustomAttribute<AttrNameAttribute>()?.Name ?? SnakeCase(p.Name);
            var f = new AttrField(name, p.PropertyType, p.GetValue(_defaults), p);
            lock (s_nullability) f._nullable = s_nullability.Create(p).WriteState == NullabilityState.Nullable;
            fields.Add(f);
        }
        Fields = fields.ToImmutable();
        _byName = Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        TypeKeys = [.. type.GetCustomAttributes<AttrsTypeKeyAttribute>().Select(a => a.TypeKey)];
    }

    public Type Type { get; }
    public ImmutableArray<AttrField> Fields { get; }
    /// <summary>TVM attrs type keys this record stands for (e.g. <c>relay.attrs.Conv2DAttrs</c>); may be empty.</summary>
    public ImmutableArray<string> TypeKeys { get; }
    public Attrs Defaults => _defaults;

    public static AttrSchema Of(Type t) => s_cache.GetOrAdd(t, static t => new AttrSchema(t));
    public static AttrSchema Of<T>() where T : Attrs => Of(typeof(T));

    public bool TryGetField(string name, out AttrField field) => _byName.TryGetValue(name, out field!);

    public object? Get(Attrs attrs, string name) =>
        _byName.TryGetValue(name, out var f) ? f.Property.GetValue(attrs) : throw new KeyNotFoundException($"{Type.Name} has no attribute '{name}'");

    /// <summary>
    /// Builds a record from defaults plus <paramref name="values"/> (already converted to the field CLR types).
    /// Unknown names are returned in <paramref name="unknown"/> rather than silently dropped.
    /// </summary>
    public Attrs Create(IEnumerable<KeyValuePair<string, object?>> values, out IReadOnlyList<string> unknown)
    {
        var copy = CloneDefaults();
        var bad = new List<string>();
        foreach (var (k, v) in values)
        {
            if (!_byName.TryGetValue(k, out var f)) { bad.Add(k); continue; }
            f.Property.SetValue(copy, v);
        }
        unknown = bad;
        return copy;
    }

    /// <summary>The fields whose value differs from the default (what TVM's printers omit or keep varies; callers decide).</summary>
    public IEnumerable<(AttrField Field, object? Value)> NonDefault(Attrs attrs)
    {
        foreach (var f in Fields)
        {
            var v = f.Property.GetValue(attrs);
            if (!Equals(v, f.Default)) yield return (f, v);
        }
    }

    public IEnumerable<(AttrField Field, object? Value)> All(Attrs attrs) => Fields.Select(f => (f, f.Property.GetValue(attrs)));

    private Attrs CloneDefaults()
    {
        // Records have a protected copy constructor; MemberwiseClone of the defaults instance is the same thing.
        var clone = typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!;
        return (Attrs)clone.Invoke(_defaults, null)!;
    }

    public static string SnakeCase(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                var prevLower = i > 0 && (char.IsLower(pascal[i - 1]) || char.IsDigit(pascal[i - 1]));
                var nextLower = i + 1 < pascal.Length && char.IsLower(pascal[i + 1]);
                if (i > 0 && (prevLower || (nextLower && char.IsUpper(pascal[i - 1])))) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}

using System.Reflection;
using Bridge.Ir.Ops;

namespace Bridge.Importers.Onnx.Ops;

/// <summary>
/// Parses a node's attributes into its typed record once: each ONNX attribute must match the field's type (Int → long/bool,
/// Float → float, String → string, Ints/Floats/Strings → ValueArray, Tensor → Tensor, Graph(s) → OnnxGraph), enumerated values
/// are checked, required attributes must be present; an unknown attribute is a warning in the bag, never silently dropped.
/// </summary>
public static class OnnxAttrParser
{
    public static Attrs Parse(OnnxNode node, Type attrsType, DiagnosticBag bag)
    {
        var schema = AttrSchema.Of(attrsType);
        var values = new List<KeyValuePair<string, object?>>();
        foreach (var (name, a) in node.Attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!schema.TryGetField(name, out var f) || f.Property.GetCustomAttribute<DerivedAttribute>() is not null)
            {
                bag.Add(Diagnostic.Warning(OnnxDiagnosticIds.UnknownAttribute, node.Loc, $"node '{node.Name}' ({node.OpType}) has unknown attribute '{name}'; it is ignored"));
                continue;
            }
            var v = Convert(node, a, f);
            if (f.Property.GetCustomAttribute<OneOfAttribute>() is { } oneOf && v is not null && !oneOf.Values.Any(x => Equals(x, v)))
                throw Bad(node, name, $"value {a} is not one of {string.Join(", ", oneOf.Values)}");
            values.Add(new(name, v));
        }
        foreach (var f in schema.Fields)
            if (f.Property.GetCustomAttribute<RequiredAttribute>() is not null && !node.Attributes.ContainsKey(f.Name))
                throw new BridgeException(OnnxDiagnosticIds.MissingAttribute, node.Loc, $"node '{node.Name}' ({node.OpType}) lacks required attribute '{f.Name}'");
        return schema.Create(values, out _);
    }

    private static BridgeException Bad(OnnxNode node, string attr, string what) =>
        new(OnnxDiagnosticIds.BadAttribute, node.Loc, $"node '{node.Name}' ({node.OpType}) attribute '{attr}': {what}");

    private static object? Convert(OnnxNode node, OnnxAttribute a, AttrField f)
    {
        var t = Nullable.GetUnderlyingType(f.ClrType) ?? f.ClrType;
        OnnxAttrKind want;
        object? v;
        if (t == typeof(long)) { want = OnnxAttrKind.Int; v = a.I; }
        else if (t == typeof(bool))
        {
            want = OnnxAttrKind.Int;
            if (a.Kind == want && a.I is not (0 or 1)) throw Bad(node, a.Name, $"expected 0 or 1, got {a.I}");
            v = a.I != 0;
        }
        else if (t == typeof(float)) { want = OnnxAttrKind.Float; v = a.F; }
        else if (t == typeof(string)) { want = OnnxAttrKind.String; v = a.S; }
        else if (t == typeof(ValueArray<long>)) { want = OnnxAttrKind.Ints; v = new ValueArray<long>(a.Ints); }
        else if (t == typeof(ValueArray<float>)) { want = OnnxAttrKind.Floats; v = new ValueArray<float>(a.Floats); }
        else if (t == typeof(ValueArray<string>)) { want = OnnxAttrKind.Strings; v = new ValueArray<string>(a.Strings); }
        else if (t == typeof(Tensor)) { want = OnnxAttrKind.Tensor; v = a.T; }
        else if (t == typeof(OnnxType)) { want = OnnxAttrKind.TypeProto; v = a.Tp; }
        else if (t == typeof(OnnxGraph)) { want = OnnxAttrKind.Graph; v = a.G; }
        else if (t == typeof(ValueArray<OnnxGraph>)) { want = OnnxAttrKind.Graphs; v = new ValueArray<OnnxGraph>(a.Graphs); }
        else throw new BridgeInternalError($"attribute field {f.Name} has unsupported CLR type {t.Name}");
        // An empty repeated attribute may arrive typed as any list kind (onnx.helper writes [] as INTS/FLOATS/STRINGS as it guesses).
        var emptyList = a.Kind is OnnxAttrKind.Ints or OnnxAttrKind.Floats or OnnxAttrKind.Strings && a.Ints.IsEmpty && a.Floats.IsEmpty && a.Strings.IsEmpty;
        if (a.Kind != want && !(emptyList && want is OnnxAttrKind.Ints or OnnxAttrKind.Floats or OnnxAttrKind.Strings))
            throw Bad(node, a.Name, $"expected {want.ToString().ToUpperInvariant()}, got {a.Kind.ToString().ToUpperInvariant()}");
        return v;
    }
}

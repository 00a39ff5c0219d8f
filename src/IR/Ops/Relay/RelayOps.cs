using System.Runtime.CompilerServices;
using Bridge.Ir.Relay;

namespace Bridge.Ir.Ops.Relay;

/// <summary>Marks an attribute field with no C++ default: the TVM printer always prints it (possibly <c>None</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RelayRequiredAttribute : Attribute;

/// <summary>Marks a <c>std::string</c> attribute field (inline string in save_json, not a <c>runtime.String</c> node).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class StdStringAttribute : Attribute;

/// <summary>
/// The type relation of a Relay op: output type from the (resolved) argument types and the call's attrs. Throws a
/// <see cref="Core.Diagnostics.BridgeException"/> (via <see cref="RelationContext.Fail"/>) on ill-typed calls.
/// </summary>
public delegate RelayType RelayTypeRelation(IReadOnlyList<RelayType> args, Attrs attrs, RelationContext ctx);

/// <summary>Facets the Relay IR attaches to Relay ops.</summary>
public static class RelayOpFacets
{
    /// <summary>The type relation used by <see cref="RelayTypeInference"/>.</summary>
    public static readonly OpFacet<RelayTypeRelation> InferType = new("relay.InferType");
}

/// <summary>Registration entry point for every Relay op (all families).</summary>
public static class RelayOps
{
    private static int s_done;

    /// <summary>Registers all Relay ops once (idempotent; also run by the module initializer).</summary>
    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref s_done, 1) == 1) return;
        RelayElementwiseOps.Register();
        RelayNnOps.Register();
        RelayImageOps.Register();
        RelayTransformOps.Register();
        RelayReduceOps.Register();
        RelayVisionOps.Register();
        RelayDynOps.Register();
        RelayQnnOps.Register();
        RelayAnnotationOps.Register();
        RelayTypeRelations.Attach();
    }

#pragma warning disable CA2255 // the registry must be populated before any parser looks an op up
    [ModuleInitializer]
    internal static void Init() => EnsureRegistered();
#pragma warning restore CA2255

    internal static OpDef Define<T>(string name, string category, string[] inputs) where T : Attrs, new() =>
        Define(name, category, inputs, typeof(T));

    /// <summary>Defines a Relay op whose attrs record is named by a spec row (<see cref="Spec.ReductionOp.RelayAttrs"/>).</summary>
    internal static OpDef Define(string name, string category, string[] inputs, Type attrs)
    {
        var op = OpRegistry.Define(Dialect.Relay, name, attrs).InCategory(category);
        // Inputs named "... (tuple)" in the spec take one tuple-typed argument; names are kept plain.
        op.WithInputs(inputs);
        if (name is "memory.alloc_storage" or "memory.kill" or "memory.alloc_tensor") op.Impure();
        return op;
    }

    /// <summary>Finds a Relay op by name (null when not registered).</summary>
    public static OpDef? Find(string name)
    {
        EnsureRegistered();
        return OpRegistry.Find(Dialect.Relay, name);
    }

    /// <summary>True when the field has no C++ default (always printed).</summary>
    public static bool IsRequired(AttrField f) => f.Property.IsDefined(typeof(RelayRequiredAttribute), false);
}

using Bridge.Ir.Ops;

namespace Bridge.Importers.Onnx.Ops;

/// <summary>Marks a static class that declares an op family: it has <c>internal static IEnumerable&lt;OnnxOpSpec&gt; Ops()</c>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class OnnxOpFamilyAttribute(string family) : Attribute
{
    public string Family { get; } = family;
}

/// <summary>An attribute-record property that is not an ONNX attribute but filled by normalisation (e.g. explicit pads).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DerivedAttribute : Attribute;

/// <summary>An ONNX attribute the op's schema requires (no default).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;

/// <summary>The allowed values of a string (or int) attribute.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OneOfAttribute(params object[] values) : Attribute
{
    public ImmutableArray<object> Values { get; } = [.. values];
}

/// <summary>Normalises one parsed node into its canonical form (inputs in the newest signature, derived attributes filled).</summary>
public delegate CanonicalNode Canonicalizer(CanonContext ctx, CanonicalNode parsed);

/// <summary>
/// One declared ONNX op: (domain, op_type) with the opset versions in which its schema changed (<see cref="Versions"/>, the
/// ONNX "since_version"s Bridge supports), its typed attribute record, its canonical signature and its normaliser. This is the
/// data the support matrix is rendered from and that dispatch resolves against: a node of opset N uses the largest version
/// ≤ N; an op whose first version is above N, or that was removed at or below N (<see cref="RemovedIn"/>), is unsupported.
/// </summary>
public sealed record OnnxOpSpec
{
    public required string Domain { get; init; }
    public required string OpType { get; init; }
    public required ImmutableArray<int> Versions { get; init; }
    public required Type AttrsType { get; init; }
    /// <summary>The canonical op kind emitters switch on (e.g. Upsample canonicalises to "Resize").</summary>
    public required string CanonicalKind { get; init; }
    /// <summary>Canonical inputs: names, "?" suffix optional, "..." suffix variadic (e.g. "X, W, B?").</summary>
    public required string Signature { get; init; }
    public int? RemovedIn { get; init; }
    public required string Family { get; init; }
    public Canonicalizer? Normalize { get; init; }
    public string Notes { get; init; } = "";

    /// <summary>The schema version governing a node of domain-opset <paramref name="opset"/>, or null when not available there.</summary>
    public int? Resolve(int opset)
    {
        if (RemovedIn is { } r && opset >= r) return null;
        int? best = null;
        foreach (var v in Versions) if (v <= opset) best = v;
        return best;
    }

    public AttrSchema Schema => AttrSchema.Of(AttrsType);
}

/// <summary>The attribute record of ONNX ops that take no attributes.</summary>
public sealed record OnnxNoAttrs : Attrs;

/// <summary>Builder helpers the family tables use.</summary>
internal static class Spec
{
    public static OnnxOpSpec Op<TAttrs>(string family, string op, int[] versions, string signature, Canonicalizer? normalize = null,
        string domain = OnnxDomains.AiOnnx, string? kind = null, int? removedIn = null, string notes = "") where TAttrs : Attrs, new() => new()
    {
        Domain = domain, OpType = op, Versions = [.. versions], AttrsType = typeof(TAttrs), CanonicalKind = kind ?? op,
        Signature = signature, Normalize = normalize, RemovedIn = removedIn, Family = family, Notes = notes,
    };
}

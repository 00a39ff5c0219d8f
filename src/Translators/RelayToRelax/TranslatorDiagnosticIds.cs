
namespace Bridge.Translators.RelayToRelax;

/// <summary>Diagnostics of the Relay → Relax translator and <c>bridge convert</c> (range 4000–4299).</summary>
public static class RelayToRelaxDiagnosticIds
{
    /// <summary>The module uses constructs with no Relax form (ADTs, refs, match, unsupported ops); one list of all of them.</summary>
    public static readonly DiagnosticId Unsupported = new(4000, "UnsupportedConstructs");
    /// <summary>One op call cannot be converted with these attributes (e.g. batch_dims != 0).</summary>
    public static readonly DiagnosticId UnsupportedOpForm = new(4001, "UnsupportedOpForm");
    /// <summary>A bad <c>--shape</c> option (unknown input, wrong rank, conflicting static dim).</summary>
    public static readonly DiagnosticId BadShapeOption = new(4002, "BadShapeOption");
    /// <summary>Relax struct-info inference provably disagrees with the Relay checked type of a node.</summary>
    public static readonly DiagnosticId TypeDisagreement = new(4003, "TypeDisagreement");
    /// <summary>The emitted Relax module violates a well-formedness rule (a translator bug, reported with the node).</summary>
    public static readonly DiagnosticId MalformedOutput = new(4004, "MalformedOutput");
    /// <summary>A constant has no value but must be bound, or a bound parameter does not match its type.</summary>
    public static readonly DiagnosticId MissingConstant = new(4005, "MissingConstant");
    /// <summary>An input or output format this build cannot read or write.</summary>
    public static readonly DiagnosticId UnsupportedFormat = new(4006, "UnsupportedFormat");
    /// <summary>A node has no checked type after Relay type inference.</summary>
    public static readonly DiagnosticId Untyped = new(4007, "Untyped");
    /// <summary>A bad option value of the migration pipeline (version, format, entry function).</summary>
    public static readonly DiagnosticId BadOption = new(4008, "BadOption");
}

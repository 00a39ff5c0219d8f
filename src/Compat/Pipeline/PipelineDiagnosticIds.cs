
namespace Bridge.Compat.Pipeline;

/// <summary>Diagnostics of the model-loading pipeline every verb goes through (compat range, 6760–6779).</summary>
public static class PipelineDiagnosticIds
{
    /// <summary>A <c>--shape</c>/<c>--dim</c> entry does not follow the one grammar (<see cref="ShapeArgs"/>).</summary>
    public static readonly DiagnosticId BadShapeArgument = new(6760, "PipelineBadShapeArgument");
    /// <summary>An option was given that does not apply to the input's format for this verb (<see cref="OptionRules"/>).</summary>
    public static readonly DiagnosticId OptionDoesNotApply = new(6761, "PipelineOptionDoesNotApply");
    /// <summary>The input's format is one this verb does not take (e.g. a graph-executor JSON, a tensor file).</summary>
    public static readonly DiagnosticId UnsupportedInput = new(6762, "PipelineUnsupportedInput");
    /// <summary><c>--print-after</c> names no pass of the pipeline.</summary>
    public static readonly DiagnosticId UnknownPass = new(6763, "PipelineUnknownPass");
}

using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Spec;
using static Bridge.Importers.Onnx.Ops.Spec;

namespace Bridge.Importers.Onnx.Ops;

/// <summary>
/// ReduceX: <c>axes</c> is an attribute until the op's "axes as input" version (13 for ReduceSum, 18 for the others); the
/// canonical form has axes as optional input 1. <c>noop_with_empty_axes</c> exists from that version on.
/// </summary>
public sealed record ReduceAttrs : Attrs
{
    public ValueArray<long>? Axes { get; init; }
    public bool Keepdims { get; init; } = true;
    public bool NoopWithEmptyAxes { get; init; }
}

/// <summary>Reductions.</summary>
[OnnxOpFamily("reduce")]
internal static class ReduceOps
{
    private const string F = "reduce";

    internal static IEnumerable<OnnxOpSpec> Ops()
    {
        // The ReduceX ops are rows of the one reduction spec (versions and the opset where axes become an input).
        foreach (var row in ReductionSpec.All)
            if (row.Onnx is { } op)
                yield return Op<ReduceAttrs>(F, op, [.. row.OnnxVersions], "data, axes?", Normalize(row.OnnxAxesInputSince), notes: $"axes input from {row.OnnxAxesInputSince}");
    }

    private static Canonicalizer Normalize(int axesInputSince) => (ctx, c) =>
    {
        if (c.Version >= axesInputSince) return c;
        var a = c.AttrsAs<ReduceAttrs>();
        return a.Axes is { } ax ? c.With(inputs: OnnxCanonicalizer.SetInput(c.Inputs, 1, OnnxCanonicalizer.IntsInput(c.Source, "axes", ax))) : c;
    };
}

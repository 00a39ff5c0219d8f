using Bridge.Core.Collections;
using Bridge.Ir.Ops;
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
        yield return Op<ReduceAttrs>(F, "ReduceSum", [1, 11, 13], "data, axes?", Normalize(13), notes: "axes input from 13");
        foreach (var op in (string[])["ReduceMax", "ReduceMin"])
            yield return Op<ReduceAttrs>(F, op, [1, 11, 12, 13, 18, 20], "data, axes?", Normalize(18), notes: "axes input from 18");
        foreach (var op in (string[])["ReduceMean", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"])
            yield return Op<ReduceAttrs>(F, op, [1, 11, 13, 18], "data, axes?", Normalize(18), notes: "axes input from 18");
    }

    private static Canonicalizer Normalize(int axesInputSince) => (ctx, c) =>
    {
        if (c.Version >= axesInputSince) return c;
        var a = c.AttrsAs<ReduceAttrs>();
        return a.Axes is { } ax ? c.With(inputs: OnnxCanonicalizer.SetInput(c.Inputs, 1, OnnxCanonicalizer.IntsInput(c.Source, "axes", ax))) : c;
    };
}

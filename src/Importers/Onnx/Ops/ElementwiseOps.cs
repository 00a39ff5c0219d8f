using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Spec;
using static Bridge.Importers.Onnx.Ops.Spec;

namespace Bridge.Importers.Onnx.Ops;

public sealed record EluAttrs : Attrs { public float Alpha { get; init; } = 1.0f; }
public sealed record LeakyReluAttrs : Attrs { public float Alpha { get; init; } = 0.01f; }
public sealed record CeluAttrs : Attrs { public float Alpha { get; init; } = 1.0f; }
public sealed record ThresholdedReluAttrs : Attrs { public float Alpha { get; init; } = 1.0f; }
public sealed record SeluAttrs : Attrs
{
    public float Alpha { get; init; } = 1.67326319217681884765625f;
    public float Gamma { get; init; } = 1.05070102214813232421875f;
}
public sealed record HardSigmoidAttrs : Attrs { public float Alpha { get; init; } = 0.2f; public float Beta { get; init; } = 0.5f; }
public sealed record ShrinkAttrs : Attrs { public float Bias { get; init; } = 0.0f; public float Lambd { get; init; } = 0.5f; }
public sealed record GeluAttrs : Attrs { [OneOf("none", "tanh")] public string Approximate { get; init; } = "none"; }
public sealed record BitShiftAttrs : Attrs { [Required, OneOf("LEFT", "RIGHT")] public string Direction { get; init; } = ""; }
public sealed record ModAttrs : Attrs { public bool Fmod { get; init; } }
public sealed record IsInfAttrs : Attrs { public bool DetectNegative { get; init; } = true; public bool DetectPositive { get; init; } = true; }

/// <summary>Clip: opset 6 carries min/max as attributes; the canonical form (opset 11+) has them as optional inputs.</summary>
public sealed record ClipAttrs : Attrs
{
    public float Min { get; init; } = float.MinValue;
    public float Max { get; init; } = float.MaxValue;
}

/// <summary>Elementwise unary, binary, variadic and activation ops.</summary>
[OnnxOpFamily("elementwise")]
internal static class ElementwiseOps
{
    private const string F = "elementwise";

    internal static IEnumerable<OnnxOpSpec> Ops()
    {
        // The ops that lower one-for-one to an elementwise op are declared on its spec row (Bridge.Ir.Ops.Spec.ElementwiseSpec).
        foreach (var row in ElementwiseSpec.All)
        {
            if (row.Onnx is not { } onnx) continue;
            yield return row.Arity == 1 ? Op<OnnxNoAttrs>(F, onnx, [.. row.OnnxVersions], "X")
                : Op<OnnxNoAttrs>(F, onnx, [.. row.OnnxVersions], "A, B", notes: "multidirectional broadcast (opset 7+)");
        }

        (string Op, int[] V)[] unary =
        [
            ("Reciprocal", [1, 6, 13]), ("Softplus", [1]), ("Softsign", [1]), ("HardSwish", [14]), ("Mish", [18]),
            ("Identity", [1, 13, 14, 16, 19, 21]), ("Det", [11]),
        ];
        foreach (var (op, v) in unary) yield return Op<OnnxNoAttrs>(F, op, v, "X");
        yield return Op<OnnxNoAttrs>(F, "PRelu", [1, 6, 7, 9, 16], "A, B", notes: "multidirectional broadcast (opset 7+)");

        foreach (var op in (string[])["Max", "Min"]) yield return Op<OnnxNoAttrs>(F, op, [1, 6, 8, 12, 13], "data_0...");
        foreach (var op in (string[])["Sum", "Mean"]) yield return Op<OnnxNoAttrs>(F, op, [1, 6, 8, 13], "data_0...");

        yield return Op<EluAttrs>(F, "Elu", [1, 6], "X");
        yield return Op<LeakyReluAttrs>(F, "LeakyRelu", [1, 6, 16], "X");
        yield return Op<CeluAttrs>(F, "Celu", [12], "X");
        yield return Op<ThresholdedReluAttrs>(F, "ThresholdedRelu", [10], "X");
        yield return Op<SeluAttrs>(F, "Selu", [1, 6], "X");
        yield return Op<HardSigmoidAttrs>(F, "HardSigmoid", [1, 6], "X");
        yield return Op<ShrinkAttrs>(F, "Shrink", [9], "input");
        yield return Op<GeluAttrs>(F, "Gelu", [20], "X", notes: "ai.onnx Gelu-20; com.microsoft.Gelu is a separate entry");
        yield return Op<BitShiftAttrs>(F, "BitShift", [11], "X, Y");
        yield return Op<ModAttrs>(F, "Mod", [10, 13], "A, B");
        yield return Op<IsInfAttrs>(F, "IsInf", [10, 20], "X");
        yield return Op<OnnxNoAttrs>(F, "Where", [9, 16], "condition, X, Y");
        yield return Op<ClipAttrs>(F, "Clip", [1, 6, 11, 12, 13], "input, min?, max?", NormalizeClip, notes: "opset < 11: min/max attributes lifted to inputs");
    }

    /// <summary>Clip-6: min/max attributes (defaults ±FLT_MAX) become scalar inputs of the input's dtype (float for Clip-6).</summary>
    private static CanonicalNode NormalizeClip(CanonContext ctx, CanonicalNode c)
    {
        if (c.Version >= 11) return c;
        var a = c.AttrsAs<ClipAttrs>();
        var dtype = ctx.Graph.TypeOf(c.Source.Inputs[0])?.DType ?? DataType.Float32;
        var inputs = OnnxCanonicalizer.SetInput(c.Inputs, 1, OnnxCanonicalizer.ScalarInput(c.Source, "min", dtype, a.Min));
        inputs = OnnxCanonicalizer.SetInput(inputs, 2, OnnxCanonicalizer.ScalarInput(c.Source, "max", dtype, a.Max));
        return c.With(inputs: inputs);
    }
}

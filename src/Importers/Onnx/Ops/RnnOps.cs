using Bridge.Ir.Ops;
using static Bridge.Importers.Onnx.Ops.Spec;

namespace Bridge.Importers.Onnx.Ops;

/// <summary>
/// LSTM, GRU and RNN share their attributes. Activations default per op and direction (normalised into
/// <see cref="ResolvedActivations"/>: LSTM f,g,h = Sigmoid,Tanh,Tanh; GRU f,g = Sigmoid,Tanh; RNN Tanh — repeated for reverse
/// when bidirectional). <c>layout</c> exists from opset 14.
/// </summary>
public sealed record RnnAttrs : Attrs
{
    public ValueArray<float>? ActivationAlpha { get; init; }
    public ValueArray<float>? ActivationBeta { get; init; }
    public ValueArray<string>? Activations { get; init; }
    public float? Clip { get; init; }
    [OneOf("forward", "reverse", "bidirectional")] public string Direction { get; init; } = "forward";
    public long? HiddenSize { get; init; }
    /// <summary>LSTM only.</summary>
    public bool InputForget { get; init; }
    /// <summary>GRU only.</summary>
    public bool LinearBeforeReset { get; init; }
    public long Layout { get; init; }
    [Derived] public ValueArray<string> ResolvedActivations { get; init; } = [];
    [Derived] public long NumDirections { get; init; } = 1;
}

/// <summary>Recurrent layers.</summary>
[OnnxOpFamily("rnn")]
internal static class RnnOps
{
    private const string F = "rnn";

    internal static IEnumerable<OnnxOpSpec> Ops()
    {
        yield return Op<RnnAttrs>(F, "LSTM", [1, 7, 14], "X, W, R, B?, sequence_lens?, initial_h?, initial_c?, P?", Normalize(["Sigmoid", "Tanh", "Tanh"]));
        yield return Op<RnnAttrs>(F, "GRU", [1, 3, 7, 14], "X, W, R, B?, sequence_lens?, initial_h?", Normalize(["Sigmoid", "Tanh"]));
        yield return Op<RnnAttrs>(F, "RNN", [1, 7, 14], "X, W, R, B?, sequence_lens?, initial_h?", Normalize(["Tanh"]));
    }

    private static readonly HashSet<string> s_known = new(StringComparer.OrdinalIgnoreCase)
    {
        "Relu", "Tanh", "Sigmoid", "Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu", "Softsign", "Softplus",
    };

    private static Canonicalizer Normalize(string[] defaults) => (ctx, c) =>
    {
        var a = c.AttrsAs<RnnAttrs>();
        var dirs = a.Direction == "bidirectional" ? 2 : 1;
        var acts = a.Activations is { IsEmpty: false } given ? given.ToArray() : [.. Enumerable.Repeat(defaults, dirs).SelectMany(x => x)];
        if (acts.Length != defaults.Length * dirs)
            throw ctx.Error(c.Source, OnnxDiagnosticIds.BadAttribute, $"node '{c.Source.Name}' ({c.Source.OpType}) attribute 'activations': {acts.Length} given, {defaults.Length * dirs} needed for direction {a.Direction}");
        foreach (var f in acts)
            if (!s_known.Contains(f)) throw ctx.Error(c.Source, OnnxDiagnosticIds.BadAttribute, $"node '{c.Source.Name}' ({c.Source.OpType}) attribute 'activations': unknown activation '{f}'");
        var hidden = a.HiddenSize;
        if (hidden is null && ctx.ShapeOf(c.Input(2).Name) is { Length: 3 } r && r[2].AsConst is { } h) hidden = h;
        return c.With(attrs: a with { ResolvedActivations = new(acts), NumDirections = dirs, HiddenSize = hidden });
    };
}

using Bridge.Ir.Ops;
using static Bridge.Importers.Onnx.Ops.Spec;

namespace Bridge.Importers.Onnx.Ops;

public sealed record RandomNormalAttrs : Attrs
{
    public long Dtype { get; init; } = 1;
    public float Mean { get; init; }
    public float Scale { get; init; } = 1.0f;
    public float? Seed { get; init; }
    [Required] public ValueArray<long> Shape { get; init; } = [];
}
public sealed record RandomNormalLikeAttrs : Attrs
{
    public long? Dtype { get; init; }
    public float Mean { get; init; }
    public float Scale { get; init; } = 1.0f;
    public float? Seed { get; init; }
}
public sealed record RandomUniformAttrs : Attrs
{
    public long Dtype { get; init; } = 1;
    public float High { get; init; } = 1.0f;
    public float Low { get; init; }
    public float? Seed { get; init; }
    [Required] public ValueArray<long> Shape { get; init; } = [];
}
public sealed record RandomUniformLikeAttrs : Attrs
{
    public long? Dtype { get; init; }
    public float High { get; init; } = 1.0f;
    public float Low { get; init; }
    public float? Seed { get; init; }
}
public sealed record MultinomialAttrs : Attrs { public long Dtype { get; init; } = 6; public long SampleSize { get; init; } = 1; public float? Seed { get; init; } }
public sealed record BernoulliAttrs : Attrs { public long? Dtype { get; init; } public float? Seed { get; init; } }
/// <summary>DFT-17 has <c>axis</c> as an attribute (default 1); DFT-20 as input 2 (default −2).</summary>
public sealed record DftAttrs : Attrs { public long Axis { get; init; } = 1; public bool Inverse { get; init; } public bool Onesided { get; init; } }
public sealed record StftAttrs : Attrs { public bool Onesided { get; init; } = true; }
public sealed record WindowFnAttrs : Attrs { public long OutputDatatype { get; init; } = 1; public bool Periodic { get; init; } = true; }
public sealed record MelWeightMatrixAttrs : Attrs { public long OutputDatatype { get; init; } = 1; }
public sealed record LossAttrs : Attrs
{
    public long? IgnoreIndex { get; init; }
    [OneOf("none", "sum", "mean")] public string Reduction { get; init; } = "mean";
}
public sealed record AdagradAttrs : Attrs { public float DecayFactor { get; init; } public float Epsilon { get; init; } = 1e-6f; public float NormCoefficient { get; init; } }
public sealed record AdamAttrs : Attrs
{
    public float Alpha { get; init; } = 0.9f;
    public float Beta { get; init; } = 0.999f;
    public float Epsilon { get; init; } = 1e-6f;
    public float NormCoefficient { get; init; }
    public float NormCoefficientPost { get; init; }
}
public sealed record MomentumAttrs : Attrs
{
    [Required] public float Alpha { get; init; }
    [Required] public float Beta { get; init; }
    [Required, OneOf("standard", "nesterov")] public string Mode { get; init; } = "standard";
    [Required] public float NormCoefficient { get; init; }
}
public sealed record AffineAttrs : Attrs { public float Alpha { get; init; } = 1.0f; public float Beta { get; init; } }
public sealed record ParametricSoftplusAttrs : Attrs { public float? Alpha { get; init; } public float? Beta { get; init; } }
public sealed record ScaleAttrs : Attrs { public float Scale { get; init; } = 1.0f; }
public sealed record ImageScalerAttrs : Attrs { public ValueArray<float>? Bias { get; init; } public float Scale { get; init; } = 1.0f; }
public sealed record AtenAttrs : Attrs
{
    [Required] public string Operator { get; init; } = "";
    public string OverloadName { get; init; } = "";
    /// <summary>embedding_bag: 0 sum, 1 mean (TVM's default), 2 max (torch.onnx exports the aten scalars as attributes).</summary>
    public long Mode { get; init; } = 1;
    /// <summary>embedding_bag: offsets carry one more entry, the end of the last bag.</summary>
    public bool IncludeLastOffset { get; init; }
    /// <summary>embedding_bag: rows of this index are left out of the reduction (−1: none).</summary>
    public long PaddingIdx { get; init; } = -1;
}

/// <summary>Random generators, signal processing, losses, preview-training optimisers and the removed experimental ops.</summary>
[OnnxOpFamily("misc")]
internal static class MiscOps
{
    private const string F = "misc";

    internal static IEnumerable<OnnxOpSpec> Ops()
    {
        yield return Op<RandomNormalAttrs>(F, "RandomNormal", [1], "");
        yield return Op<RandomNormalLikeAttrs>(F, "RandomNormalLike", [1], "input");
        yield return Op<RandomUniformAttrs>(F, "RandomUniform", [1], "");
        yield return Op<RandomUniformLikeAttrs>(F, "RandomUniformLike", [1], "input");
        yield return Op<MultinomialAttrs>(F, "Multinomial", [7], "input");
        yield return Op<BernoulliAttrs>(F, "Bernoulli", [15], "input");
        yield return Op<DftAttrs>(F, "DFT", [17, 20], "input, dft_length?, axis?", (ctx, c) =>
            c.Version >= 20 ? c : c.With(inputs: OnnxCanonicalizer.SetInput(c.Inputs, 2, OnnxCanonicalizer.IntsInput(c.Source, "axis", [c.AttrsAs<DftAttrs>().Axis]))),
            notes: "DFT-17 axis attribute → input");
        yield return Op<StftAttrs>(F, "STFT", [17], "signal, frame_step, window?, frame_length?");
        foreach (var op in (string[])["HannWindow", "HammingWindow", "BlackmanWindow"]) yield return Op<WindowFnAttrs>(F, op, [17], "size");
        yield return Op<MelWeightMatrixAttrs>(F, "MelWeightMatrix", [17], "num_mel_bins, dft_length, sample_rate, lower_edge_hertz, upper_edge_hertz");
        yield return Op<LossAttrs>(F, "NegativeLogLikelihoodLoss", [12, 13], "input, target, weight?");
        yield return Op<LossAttrs>(F, "SoftmaxCrossEntropyLoss", [12, 13], "scores, labels, weights?");

        yield return Op<AdagradAttrs>(F, "Adagrad", [1], "R, T, inputs...", domain: OnnxDomains.Training);
        yield return Op<AdamAttrs>(F, "Adam", [1], "R, T, inputs...", domain: OnnxDomains.Training);
        yield return Op<MomentumAttrs>(F, "Momentum", [1], "R, T, inputs...", domain: OnnxDomains.Training);

        // Experimental ai.onnx ops of opsets 1–9 (removed in 10); TVM's Relay frontend kept converters for them.
        yield return Op<AffineAttrs>(F, "Affine", [1], "X", removedIn: 10, notes: "experimental");
        yield return Op<ParametricSoftplusAttrs>(F, "ParametricSoftplus", [1], "X", removedIn: 10, notes: "experimental");
        yield return Op<ScaleAttrs>(F, "Scale", [1], "input", removedIn: 10, notes: "experimental");
        yield return Op<AffineAttrs>(F, "ScaledTanh", [1], "input", removedIn: 10, notes: "experimental (alpha, beta)");
        yield return Op<ImageScalerAttrs>(F, "ImageScaler", [1], "input", removedIn: 10, notes: "experimental");
        yield return Op<AtenAttrs>(F, "ATen", [1], "inputs?...", domain: "org.pytorch.aten", notes: "torch.onnx ATen fallback; the operator attribute names the aten op");
    }
}

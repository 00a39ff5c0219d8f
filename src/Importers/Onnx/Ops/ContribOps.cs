using Bridge.Ir.Ops;
using static Bridge.Importers.Onnx.Ops.Spec;

namespace Bridge.Importers.Onnx.Ops;

/// <summary>com.microsoft Attention (ONNX Runtime contrib semantics; ai.onnx Attention-23 is a different op).</summary>
public sealed record MsAttentionAttrs : Attrs
{
    public bool DoRotary { get; init; }
    public float MaskFilterValue { get; init; } = -10000.0f;
    [Required] public long NumHeads { get; init; }
    public bool PastPresentShareBuffer { get; init; }
    public ValueArray<long>? QkvHiddenSizes { get; init; }
    public long RotaryEmbeddingDim { get; init; }
    /// <summary>0 means the default 1/sqrt(head_size).</summary>
    public float Scale { get; init; }
    public bool Unidirectional { get; init; }
}
public sealed record MultiHeadAttentionAttrs : Attrs
{
    public float MaskFilterValue { get; init; } = -10000.0f;
    [Required] public long NumHeads { get; init; }
    public float Scale { get; init; }
    public bool Unidirectional { get; init; }
}
public sealed record QAttentionAttrs : Attrs
{
    [Required] public long NumHeads { get; init; }
    public bool Unidirectional { get; init; }
    public bool DoRotary { get; init; }
    public ValueArray<long>? QkvHiddenSizes { get; init; }
    public float MaskFilterValue { get; init; } = -10000.0f;
    public float Scale { get; init; }
}
public sealed record MsEpsilonAttrs : Attrs { public float Epsilon { get; init; } = 1e-12f; }
public sealed record EmbedLayerNormalizationAttrs : Attrs
{
    public float Epsilon { get; init; } = 1e-12f;
    public long MaskIndexType { get; init; } = 1;
}
public sealed record QuickGeluAttrs : Attrs { public float Alpha { get; init; } = 1.702f; }
public sealed record BiasSoftmaxAttrs : Attrs { public long Axis { get; init; } = 1; [Required] public bool IsInnerBroadcast { get; init; } }
public sealed record FusedMatMulAttrs : Attrs
{
    public float Alpha { get; init; } = 1.0f;
    [AttrName("transA")] public bool TransA { get; init; }
    [AttrName("transB")] public bool TransB { get; init; }
    [AttrName("transBatchA")] public bool TransBatchA { get; init; }
    [AttrName("transBatchB")] public bool TransBatchB { get; init; }
}
public sealed record RotaryEmbeddingAttrs : Attrs
{
    public bool Interleaved { get; init; }
    public bool IsPackedBatching { get; init; }
    public long NumHeads { get; init; }
    public long RotaryEmbeddingDim { get; init; }
    public float Scale { get; init; } = 1.0f;
}

/// <summary>com.microsoft contrib ops seen in exported and ORT-optimised transformers, dispatched by domain.</summary>
[OnnxOpFamily("contrib")]
internal static class ContribOps
{
    private const string F = "contrib";
    private const string Ms = OnnxDomains.Microsoft;

    internal static IEnumerable<OnnxOpSpec> Ops()
    {
        yield return Op<MsAttentionAttrs>(F, "Attention", [1], "input, weights, bias?, mask_index?, past?, attention_bias?, past_sequence_length?", domain: Ms);
        yield return Op<MultiHeadAttentionAttrs>(F, "MultiHeadAttention", [1], "query, key?, value?, bias?, key_padding_mask?, attention_bias?, past_key?, past_value?", domain: Ms);
        yield return Op<QAttentionAttrs>(F, "QAttention", [1], "input, weight, bias, input_scale, weight_scale, mask_index?, input_zero_point?, weight_zero_point?, past?", domain: Ms);
        yield return Op<OnnxNoAttrs>(F, "BiasGelu", [1], "A, B", domain: Ms);
        yield return Op<OnnxNoAttrs>(F, "FastGelu", [1], "X, bias?", domain: Ms, notes: "tanh approximation");
        yield return Op<OnnxNoAttrs>(F, "Gelu", [1], "X", domain: Ms, notes: "erf form");
        yield return Op<QuickGeluAttrs>(F, "QuickGelu", [1], "X", domain: Ms, notes: "x·sigmoid(alpha·x)");
        yield return Op<MsEpsilonAttrs>(F, "SkipLayerNormalization", [1], "input, skip, gamma, beta?, bias?", domain: Ms);
        yield return Op<MsEpsilonAttrs>(F, "SkipSimplifiedLayerNormalization", [1], "input, skip, gamma, bias?", domain: Ms);
        yield return Op<EmbedLayerNormalizationAttrs>(F, "EmbedLayerNormalization", [1],
            "input_ids, segment_ids?, word_embedding, position_embedding, segment_embedding?, gamma, beta, mask?, position_ids?", domain: Ms);
        yield return Op<OnnxNoAttrs>(F, "BiasAdd", [1], "X, bias, skip", domain: Ms);
        yield return Op<BiasSoftmaxAttrs>(F, "BiasSoftmax", [1], "data, bias", domain: Ms);
        yield return Op<FusedMatMulAttrs>(F, "FusedMatMul", [1], "A, B", domain: Ms);
        yield return Op<RotaryEmbeddingAttrs>(F, "RotaryEmbedding", [1], "input, position_ids, cos_cache, sin_cache", domain: Ms);
    }
}

using Bridge.Ir.Ops;
using static Bridge.Importers.Onnx.Ops.Spec;

namespace Bridge.Importers.Onnx.Ops;

public sealed record LinearRegressorAttrs : Attrs
{
    public ValueArray<float>? Coefficients { get; init; }
    public ValueArray<float>? Intercepts { get; init; }
    [OneOf("NONE", "SOFTMAX", "LOGISTIC", "SOFTMAX_ZERO", "PROBIT")] public string PostTransform { get; init; } = "NONE";
    public long Targets { get; init; } = 1;
}
public sealed record LinearClassifierAttrs : Attrs
{
    public ValueArray<long>? ClasslabelsInts { get; init; }
    public ValueArray<string>? ClasslabelsStrings { get; init; }
    [Required] public ValueArray<float> Coefficients { get; init; } = [];
    public ValueArray<float>? Intercepts { get; init; }
    public bool MultiClass { get; init; }
    [OneOf("NONE", "SOFTMAX", "LOGISTIC", "SOFTMAX_ZERO", "PROBIT")] public string PostTransform { get; init; } = "NONE";
}
public sealed record BinarizerAttrs : Attrs { public float Threshold { get; init; } }
public sealed record NormalizerAttrs : Attrs { [OneOf("MAX", "L1", "L2")] public string Norm { get; init; } = "MAX"; }
public sealed record ScalerAttrs : Attrs { public ValueArray<float>? Offset { get; init; } public ValueArray<float>? Scale { get; init; } }
public sealed record ImputerAttrs : Attrs
{
    public ValueArray<float>? ImputedValueFloats { get; init; }
    public ValueArray<long>? ImputedValueInt64s { get; init; }
    public float ReplacedValueFloat { get; init; }
    public long ReplacedValueInt64 { get; init; }
}
public sealed record FeatureVectorizerAttrs : Attrs { public ValueArray<long>? Inputdimensions { get; init; } }
public sealed record OneHotEncoderAttrs : Attrs
{
    public ValueArray<long>? CatsInt64s { get; init; }
    public ValueArray<string>? CatsStrings { get; init; }
    public bool Zeros { get; init; } = true;
}
public sealed record TreeEnsembleAttrs : Attrs
{
    public ValueArray<float>? BaseValues { get; init; }
    public ValueArray<long>? ClassIds { get; init; }
    public ValueArray<long>? ClassNodeids { get; init; }
    public ValueArray<long>? ClassTreeids { get; init; }
    public ValueArray<float>? ClassWeights { get; init; }
    public ValueArray<long>? ClasslabelsInt64s { get; init; }
    public ValueArray<string>? ClasslabelsStrings { get; init; }
    [OneOf("AVERAGE", "SUM", "MIN", "MAX")] public string AggregateFunction { get; init; } = "SUM";
    public long? NTargets { get; init; }
    public ValueArray<long>? NodesFalsenodeids { get; init; }
    public ValueArray<long>? NodesFeatureids { get; init; }
    public ValueArray<float>? NodesHitrates { get; init; }
    public ValueArray<long>? NodesMissingValueTracksTrue { get; init; }
    public ValueArray<string>? NodesModes { get; init; }
    public ValueArray<long>? NodesNodeids { get; init; }
    public ValueArray<long>? NodesTreeids { get; init; }
    public ValueArray<long>? NodesTruenodeids { get; init; }
    public ValueArray<float>? NodesValues { get; init; }
    [OneOf("NONE", "SOFTMAX", "LOGISTIC", "SOFTMAX_ZERO", "PROBIT")] public string PostTransform { get; init; } = "NONE";
    public ValueArray<long>? TargetIds { get; init; }
    public ValueArray<long>? TargetNodeids { get; init; }
    public ValueArray<long>? TargetTreeids { get; init; }
    public ValueArray<float>? TargetWeights { get; init; }
}
public sealed record SvmAttrs : Attrs
{
    public ValueArray<long>? ClasslabelsInts { get; init; }
    public ValueArray<string>? ClasslabelsStrings { get; init; }
    public ValueArray<float>? Coefficients { get; init; }
    public ValueArray<float>? KernelParams { get; init; }
    [OneOf("LINEAR", "POLY", "RBF", "SIGMOID")] public string KernelType { get; init; } = "LINEAR";
    public long NSupports { get; init; }
    public bool OneClass { get; init; }
    [OneOf("NONE", "SOFTMAX", "LOGISTIC", "SOFTMAX_ZERO", "PROBIT")] public string PostTransform { get; init; } = "NONE";
    public ValueArray<float>? ProbA { get; init; }
    public ValueArray<float>? ProbB { get; init; }
    public ValueArray<float>? Rho { get; init; }
    public ValueArray<float>? SupportVectors { get; init; }
    public ValueArray<long>? VectorsPerClass { get; init; }
}
public sealed record LabelEncoderAttrs : Attrs
{
    public float DefaultFloat { get; init; } = -0.0f;
    public long DefaultInt64 { get; init; } = -1;
    public string DefaultString { get; init; } = "_Unused";
    public ValueArray<float>? KeysFloats { get; init; }
    public ValueArray<long>? KeysInt64s { get; init; }
    public ValueArray<string>? KeysStrings { get; init; }
    public ValueArray<float>? ValuesFloats { get; init; }
    public ValueArray<long>? ValuesInt64s { get; init; }
    public ValueArray<string>? ValuesStrings { get; init; }
}

/// <summary>
/// ai.onnx.ml ops over numeric tensors. Ops that need string tensors or maps (CategoryMapper, CastMap, DictVectorizer, ZipMap)
/// are not declared: Core tensors hold no strings, so they are reported as unsupported.
/// </summary>
[OnnxOpFamily("ml")]
internal static class MlOps
{
    private const string F = "ml";
    private const string Ml = OnnxDomains.Ml;

    internal static IEnumerable<OnnxOpSpec> Ops()
    {
        yield return Op<LinearRegressorAttrs>(F, "LinearRegressor", [1], "X", domain: Ml);
        yield return Op<LinearClassifierAttrs>(F, "LinearClassifier", [1], "X", domain: Ml);
        yield return Op<BinarizerAttrs>(F, "Binarizer", [1], "X", domain: Ml);
        yield return Op<NormalizerAttrs>(F, "Normalizer", [1], "X", domain: Ml);
        yield return Op<ScalerAttrs>(F, "Scaler", [1], "X", domain: Ml);
        yield return Op<ImputerAttrs>(F, "Imputer", [1], "X", domain: Ml);
        yield return Op<OnnxNoAttrs>(F, "ArrayFeatureExtractor", [1], "X, Y", domain: Ml);
        yield return Op<FeatureVectorizerAttrs>(F, "FeatureVectorizer", [1], "X...", domain: Ml);
        yield return Op<OneHotEncoderAttrs>(F, "OneHotEncoder", [1], "X", domain: Ml);
        yield return Op<TreeEnsembleAttrs>(F, "TreeEnsembleRegressor", [1, 3], "X", domain: Ml);
        yield return Op<TreeEnsembleAttrs>(F, "TreeEnsembleClassifier", [1, 3], "X", domain: Ml);
        yield return Op<SvmAttrs>(F, "SVMRegressor", [1], "X", domain: Ml);
        yield return Op<SvmAttrs>(F, "SVMClassifier", [1], "X", domain: Ml);
        yield return Op<LabelEncoderAttrs>(F, "LabelEncoder", [1, 2, 4], "X", domain: Ml, notes: "numeric keys/values only");
    }
}

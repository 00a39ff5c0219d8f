using Bridge.Ir.Ops;
using static Bridge.Importers.Onnx.Ops.Spec;

namespace Bridge.Importers.Onnx.Ops;

/// <summary>QuantizeLinear/DequantizeLinear: per-tensor, per-axis (13+), blocked (21, block_size &gt; 0).</summary>
public sealed record QuantizeLinearAttrs : Attrs
{
    public long Axis { get; init; } = 1;
    public bool Saturate { get; init; } = true;
    public long BlockSize { get; init; }
    public long OutputDtype { get; init; }
}
public sealed record DequantizeLinearAttrs : Attrs { public long Axis { get; init; } = 1; public long BlockSize { get; init; } }
public sealed record QLinearConvAttrs : WindowAttrs { public long Group { get; init; } = 1; }
public sealed record QLinearAveragePoolAttrs : WindowAttrs
{
    public bool CeilMode { get; init; }
    public bool CountIncludePad { get; init; }
    public bool ChannelsLast { get; init; }
}
public sealed record ChannelsLastAttrs : Attrs { public bool ChannelsLast { get; init; } }
public sealed record QLinearLeakyReluAttrs : Attrs { public float Alpha { get; init; } = 0.01f; }
public sealed record QLinearConcatAttrs : Attrs { [Required] public long Axis { get; init; } }
public sealed record QLinearSoftmaxAttrs : Attrs { public long Axis { get; init; } = -1; [Required] public long Opset { get; init; } }
public sealed record QGemmAttrs : Attrs
{
    public float Alpha { get; init; } = 1.0f;
    [AttrName("transA")] public bool TransA { get; init; }
    [AttrName("transB")] public bool TransB { get; init; }
}

/// <summary>Quantization: standard QDQ and integer ops, and the com.microsoft QLinear* contrib ops.</summary>
[OnnxOpFamily("quant")]
internal static class QuantOps
{
    private const string F = "quant";
    private const string Ms = OnnxDomains.Microsoft;

    internal static IEnumerable<OnnxOpSpec> Ops()
    {
        yield return Op<QuantizeLinearAttrs>(F, "QuantizeLinear", [10, 13, 19, 21], "x, y_scale, y_zero_point?");
        yield return Op<DequantizeLinearAttrs>(F, "DequantizeLinear", [10, 13, 19, 21], "x, x_scale, x_zero_point?");
        yield return Op<OnnxNoAttrs>(F, "DynamicQuantizeLinear", [11], "x");
        yield return Op<QLinearConvAttrs>(F, "QLinearConv", [10], "x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B?", (x, c) => Window.Resolve(x, c, 0, 3));
        yield return Op<OnnxNoAttrs>(F, "QLinearMatMul", [10, 21], "a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point");
        yield return Op<OnnxNoAttrs>(F, "MatMulInteger", [10], "A, B, a_zero_point?, b_zero_point?");
        yield return Op<ConvAttrs>(F, "ConvInteger", [10], "x, w, x_zero_point?, w_zero_point?", (x, c) => Window.Resolve(x, c, 0, 1));

        yield return Op<QuantizeLinearAttrs>(F, "QuantizeLinear", [1], "x, y_scale, y_zero_point?", domain: Ms);
        yield return Op<DequantizeLinearAttrs>(F, "DequantizeLinear", [1], "x, x_scale, x_zero_point?", domain: Ms);
        foreach (var op in (string[])["QLinearAdd", "QLinearMul"])
            yield return Op<OnnxNoAttrs>(F, op, [1], "A, A_scale, A_zero_point?, B, B_scale, B_zero_point?, C_scale, C_zero_point?", domain: Ms);
        yield return Op<OnnxNoAttrs>(F, "QLinearSigmoid", [1], "X, X_scale, X_zero_point?, Y_scale, Y_zero_point?", domain: Ms);
        yield return Op<QLinearLeakyReluAttrs>(F, "QLinearLeakyRelu", [1], "X, X_scale, X_zero_point?, Y_scale, Y_zero_point?", domain: Ms);
        yield return Op<QLinearAveragePoolAttrs>(F, "QLinearAveragePool", [1], "X, x_scale, x_zero_point?, y_scale, y_zero_point?", (x, c) => Window.Resolve(x, c, 0, -1), domain: Ms);
        yield return Op<ChannelsLastAttrs>(F, "QLinearGlobalAveragePool", [1], "X, x_scale, x_zero_point, y_scale, y_zero_point", domain: Ms);
        yield return Op<QLinearConcatAttrs>(F, "QLinearConcat", [1], "Y_scale, Y_zero_point, inputs...", domain: Ms, notes: "inputs are (tensor, scale, zero_point) triples");
        yield return Op<QLinearSoftmaxAttrs>(F, "QLinearSoftmax", [1], "X, X_scale, x_zero_point?, y_scale, y_zero_point", domain: Ms);
        yield return Op<QGemmAttrs>(F, "QGemm", [1], "A, a_scale, a_zero_point, B, b_scale, b_zero_point, C?, y_scale?, y_zero_point?", domain: Ms);
        yield return Op<OnnxNoAttrs>(F, "MatMulInteger16", [1], "A, B", domain: Ms);
        yield return Op<OnnxNoAttrs>(F, "MatMulIntegerToFloat", [1], "A, B, a_scale, b_scale, a_zero_point?, b_zero_point?, bias?", domain: Ms);
        yield return Op<OnnxNoAttrs>(F, "DynamicQuantizeMatMul", [1], "A, B, b_scale, b_zero_point?, bias?", domain: Ms);
    }
}

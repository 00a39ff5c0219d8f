using Bridge.Ir.Ops;

namespace Bridge.Importers.Onnx.Ops;

/// <summary>
/// Attributes shared by sliding-window ops (Conv, ConvTranspose, pools, QLinearConv…). Normalisation resolves
/// <see cref="AutoPad"/> into <see cref="ExplicitPads"/> (begin…, end…; symbolic when the spatial input dims are) and fills the
/// resolved kernel, strides and dilations, so emitters never see auto_pad.
/// </summary>
public abstract record WindowAttrs : Attrs
{
    [OneOf("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")] public string AutoPad { get; init; } = "NOTSET";
    public ValueArray<long> KernelShape { get; init; } = [];
    public ValueArray<long> Pads { get; init; } = [];
    public ValueArray<long> Strides { get; init; } = [];
    public ValueArray<long> Dilations { get; init; } = [];

    /// <summary>Kernel dims: the attribute, or the weight's spatial dims when the attribute is absent (Conv).</summary>
    [Derived] public ValueArray<SymExpr> ResolvedKernel { get; init; } = [];
    [Derived] public ValueArray<long> ResolvedStrides { get; init; } = [];
    [Derived] public ValueArray<long> ResolvedDilations { get; init; } = [];
    /// <summary>Explicit pads [x1_begin, x2_begin, …, x1_end, x2_end, …] after auto_pad resolution.</summary>
    [Derived] public ValueArray<SymExpr> ExplicitPads { get; init; } = [];
}

/// <summary>Resolution of window attributes shared by the NN and quantized families.</summary>
internal static class Window
{
    /// <summary>
    /// Fills the derived window fields. <paramref name="dataInput"/>/<paramref name="weightInput"/> index the canonical inputs
    /// (weight −1 for pools). SAME_UPPER/SAME_LOWER follow the ONNX formula: out = ceil(in / stride),
    /// total = max(0, (out − 1)·stride + (k − 1)·dilation + 1 − in), the odd pixel at the end (UPPER) or beginning (LOWER).
    /// </summary>
    public static CanonicalNode Resolve(CanonContext ctx, CanonicalNode c, int dataInput, int weightInput, bool transpose = false)
    {
        var a = (WindowAttrs)c.Attrs;
        var n = c.Source;
        var wshape = weightInput >= 0 ? ctx.ShapeOf(c.Input(weightInput).Name) ?? ShapeOfConst(c.Input(weightInput)) : null;
        var xshape = ctx.ShapeOf(c.Input(dataInput).Name);
        int rank;
        if (!a.KernelShape.IsEmpty) rank = a.KernelShape.Count;
        else if (wshape is { Length: > 2 } ws) rank = ws.Length - 2;
        else if (xshape is { Length: > 2 } xs) rank = xs.Length - 2;
        else throw ctx.Error(n, OnnxDiagnosticIds.UnsupportedForm, $"node '{n.Name}' ({n.OpType}): cannot tell the spatial rank (no kernel_shape and no known weight/input shape)");
        if (a.KernelShape.IsEmpty && weightInput < 0)
            throw ctx.Error(n, OnnxDiagnosticIds.MissingAttribute, $"node '{n.Name}' ({n.OpType}) lacks required attribute 'kernel_shape'");
        ValueArray<SymExpr> kernel = !a.KernelShape.IsEmpty ? new([.. a.KernelShape.Select(k => (SymExpr)k)])
            : wshape is { } w2 && w2.Length == rank + 2 ? new([.. w2.Skip(2)])
            : throw ctx.Error(n, OnnxDiagnosticIds.MissingAttribute, $"node '{n.Name}' ({n.OpType}) has no kernel_shape and its weight shape is unknown");
        var strides = Fill(ctx, n, a.Strides, rank, "strides");
        var dil = Fill(ctx, n, a.Dilations, rank, "dilations");
        if (a.Pads.Count != 0 && a.Pads.Count != 2 * rank)
            throw ctx.Error(n, OnnxDiagnosticIds.BadAttribute, $"node '{n.Name}' ({n.OpType}) attribute 'pads': {a.Pads.Count} values for {rank} spatial dims (need {2 * rank})");
        var pads = new SymExpr[2 * rank];
        switch (a.AutoPad)
        {
            case "NOTSET" when !(transpose && c.Attrs is ConvTransposeAttrs { OutputShape.IsEmpty: false }):
                for (var i = 0; i < 2 * rank; i++) pads[i] = a.Pads.IsEmpty ? 0 : a.Pads[i];
                break;
            case "VALID":
                for (var i = 0; i < 2 * rank; i++) pads[i] = 0;
                break;
            default:
            {
                var lower = a.AutoPad == "SAME_LOWER";
                for (var i = 0; i < rank; i++)
                {
                    var inDim = xshape is { } xs2 && xs2.Length == rank + 2 ? xs2[2 + i] : new SymVar($"{c.Input(dataInput).Name}_dim{2 + i}");
                    var eff = (kernel[i] - 1) * dil[i] + 1;
                    SymExpr total;
                    if (!transpose)
                    {
                        var outDim = SymExpr.FloorDiv(inDim + (strides[i] - 1), strides[i]);
                        total = SymExpr.Max(0, (outDim - 1) * strides[i] + eff - inDim);
                    }
                    else
                    {
                        // ConvTranspose: total = stride·(in − 1) + output_padding + eff − out, out = output_shape or in·stride.
                        var ct = (ConvTransposeAttrs)c.Attrs;
                        var op = ct.OutputPadding.IsEmpty ? 0 : ct.OutputPadding[i];
                        SymExpr outDim = ct.OutputShape.IsEmpty ? inDim * strides[i] : ct.OutputShape[ct.OutputShape.Count - rank + i];
                        total = SymExpr.Max(0, strides[i] * (inDim - 1) + op + eff - outDim);
                    }
                    var half = SymExpr.FloorDiv(total, 2);
                    pads[i] = lower ? total - half : half;
                    pads[rank + i] = lower ? half : total - half;
                }
                break;
            }
        }
        return c.With(attrs: a with
        {
            ResolvedKernel = kernel, ResolvedStrides = strides, ResolvedDilations = dil, ExplicitPads = new([.. pads]),
        });
    }

    private static ImmutableArray<SymExpr>? ShapeOfConst(CanonicalInput i) => i.Constant is { } t ? [.. t.Shape.Select(d => (SymExpr)d)] : null;

    private static ValueArray<long> Fill(CanonContext ctx, OnnxNode n, ValueArray<long> v, int rank, string name)
    {
        if (v.IsEmpty) return new([.. Enumerable.Repeat(1L, rank)]);
        if (v.Count != rank) throw ctx.Error(n, OnnxDiagnosticIds.BadAttribute, $"node '{n.Name}' ({n.OpType}) attribute '{name}': {v.Count} values for {rank} spatial dims");
        if (v.Any(x => x < 1)) throw ctx.Error(n, OnnxDiagnosticIds.BadAttribute, $"node '{n.Name}' ({n.OpType}) attribute '{name}': values must be >= 1, got {v}");
        return v;
    }
}

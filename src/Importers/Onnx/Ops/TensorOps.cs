using Bridge.Ir.Ops;
using static Bridge.Importers.Onnx.Ops.Spec;

namespace Bridge.Importers.Onnx.Ops;

/// <summary>Reshape: opset 1 carries <c>shape</c> as an attribute; canonical (5+) takes it as input 1.</summary>
public sealed record ReshapeAttrs : Attrs { public ValueArray<long>? Shape { get; init; } public bool Allowzero { get; init; } }
/// <summary>Shape-15 slices the shape with start/end.</summary>
public sealed record ShapeAttrs : Attrs { public long Start { get; init; } public long? End { get; init; } }
public sealed record AxisAttrs : Attrs { public long Axis { get; init; } }
public sealed record ConcatAttrs : Attrs { [Required] public long Axis { get; init; } }
/// <summary>Split: the split sizes are an attribute before 13 and input 1 from 13; opset 18 adds <c>num_outputs</c>.</summary>
public sealed record SplitAttrs : Attrs
{
    public long Axis { get; init; }
    public ValueArray<long>? Split { get; init; }
    public long? NumOutputs { get; init; }
}
/// <summary>Slice-1: starts/ends/axes attributes; canonical (10+): inputs (data, starts, ends, axes?, steps?).</summary>
public sealed record SliceAttrs : Attrs
{
    public ValueArray<long>? Starts { get; init; }
    public ValueArray<long>? Ends { get; init; }
    public ValueArray<long>? Axes { get; init; }
}
public sealed record TransposeAttrs : Attrs { public ValueArray<long>? Perm { get; init; } }
/// <summary>Squeeze/Unsqueeze: axes attribute before 13, input 1 from 13.</summary>
public sealed record AxesAttrs : Attrs { public ValueArray<long>? Axes { get; init; } }
public sealed record GatherNdAttrs : Attrs { public long BatchDims { get; init; } }
public sealed record ScatterAttrs : Attrs
{
    public long Axis { get; init; }
    [OneOf("none", "add", "mul", "max", "min")] public string Reduction { get; init; } = "none";
}
public sealed record ScatterNdAttrs : Attrs { [OneOf("none", "add", "mul", "max", "min")] public string Reduction { get; init; } = "none"; }
/// <summary>Pad-2: pads/value attributes; canonical (11+, 18 adds axes): inputs (data, pads, constant_value?, axes?).</summary>
public sealed record PadAttrs : Attrs
{
    [OneOf("constant", "reflect", "edge", "wrap")] public string Mode { get; init; } = "constant";
    public ValueArray<long>? Pads { get; init; }
    public float Value { get; init; }
}
public sealed record CastAttrs : Attrs
{
    [Required] public long To { get; init; }
    public bool Saturate { get; init; } = true;
    [Derived] public DataType? ToType { get; init; }
}
public sealed record CastLikeAttrs : Attrs { public bool Saturate { get; init; } = true; }
/// <summary>Constant: exactly one of the value attributes; normalised into <see cref="Value"/>.</summary>
public sealed record ConstantAttrs : Attrs
{
    [AttrName("value")] public Tensor? ValueTensor { get; init; }
    public float? ValueFloat { get; init; }
    public ValueArray<float>? ValueFloats { get; init; }
    public long? ValueInt { get; init; }
    public ValueArray<long>? ValueInts { get; init; }
    public string? ValueString { get; init; }
    public ValueArray<string>? ValueStrings { get; init; }
    [AttrName("sparse_value")] public Tensor? SparseValue { get; init; }
    /// <summary>The one value, whichever attribute gave it (derived; not an ONNX attribute).</summary>
    [Derived, AttrName("resolved_value")] public Tensor? Value { get; init; }
}
/// <summary>ConstantOfShape: the fill value (a one-element tensor) defaults to float32 0.</summary>
public sealed record ConstantOfShapeAttrs : Attrs { public Tensor? Value { get; init; } }
public sealed record OneHotAttrs : Attrs { public long Axis { get; init; } = -1; }
public sealed record UniqueAttrs : Attrs { public long? Axis { get; init; } public bool Sorted { get; init; } = true; }
public sealed record CompressAttrs : Attrs { public long? Axis { get; init; } }
public sealed record DepthToSpaceAttrs : Attrs { [Required] public long Blocksize { get; init; } [OneOf("DCR", "CRD")] public string Mode { get; init; } = "DCR"; }
public sealed record SpaceToDepthAttrs : Attrs { [Required] public long Blocksize { get; init; } }
public sealed record EyeLikeAttrs : Attrs { public long? Dtype { get; init; } public long K { get; init; } }
public sealed record TriluAttrs : Attrs { public bool Upper { get; init; } = true; }
public sealed record CumSumAttrs : Attrs { public bool Exclusive { get; init; } public bool Reverse { get; init; } }
public sealed record ReverseSequenceAttrs : Attrs { public long BatchAxis { get; init; } = 1; public long TimeAxis { get; init; } }
/// <summary>TopK-1: k attribute; canonical (10+): input 1. largest/sorted from 11.</summary>
public sealed record TopKAttrs : Attrs
{
    public long Axis { get; init; } = -1;
    public long? K { get; init; }
    public bool Largest { get; init; } = true;
    public bool Sorted { get; init; } = true;
}
public sealed record ArgReduceAttrs : Attrs { public long Axis { get; init; } public bool Keepdims { get; init; } = true; public bool SelectLastIndex { get; init; } }
public sealed record EinsumAttrs : Attrs { [Required] public string Equation { get; init; } = ""; }
public sealed record NonMaxSuppressionAttrs : Attrs { public long CenterPointBox { get; init; } }

/// <summary>Shape manipulation, indexing, constants and type conversion.</summary>
[OnnxOpFamily("tensor")]
internal static class TensorOps
{
    private const string F = "tensor";

    internal static IEnumerable<OnnxOpSpec> Ops()
    {
        yield return Op<ReshapeAttrs>(F, "Reshape", [1, 5, 13, 14, 19, 21], "data, shape", NormalizeReshape, notes: "Reshape-1 shape attribute → input");
        yield return Op<ShapeAttrs>(F, "Shape", [1, 13, 15, 19, 21], "data");
        yield return Op<OnnxNoAttrs>(F, "Size", [1, 13, 19, 21], "data");
        yield return Op<ConcatAttrs>(F, "Concat", [1, 4, 11, 13], "inputs...");
        yield return Op<SplitAttrs>(F, "Split", [1, 2, 11, 13, 18], "input, split?", NormalizeSplit, notes: "split attribute (< 13) → input; num_outputs (18) or output count");
        yield return Op<SliceAttrs>(F, "Slice", [1, 10, 11, 13], "data, starts, ends, axes?, steps?", NormalizeSlice, notes: "Slice-1 attributes → inputs");
        yield return Op<TransposeAttrs>(F, "Transpose", [1, 13, 21], "data");
        yield return Op<AxesAttrs>(F, "Squeeze", [1, 11, 13, 21], "data, axes?", NormalizeAxes, notes: "axes attribute (< 13) → input");
        yield return Op<AxesAttrs>(F, "Unsqueeze", [1, 11, 13, 21], "data, axes", NormalizeAxes, notes: "axes attribute (< 13) → input");
        yield return Op<OnnxNoAttrs>(F, "Expand", [8, 13], "input, shape");
        yield return Op<OnnxNoAttrs>(F, "Tile", [1, 6, 13], "input, repeats");
        yield return Op<AxisAttrs>(F, "Gather", [1, 11, 13], "data, indices");
        yield return Op<AxisAttrs>(F, "GatherElements", [11, 13], "data, indices");
        yield return Op<GatherNdAttrs>(F, "GatherND", [11, 12, 13], "data, indices");
        yield return Op<ScatterAttrs>(F, "ScatterElements", [11, 13, 16, 18], "data, indices, updates");
        yield return Op<ScatterAttrs>(F, "Scatter", [9, 11], "data, indices, updates", kind: "ScatterElements", removedIn: 13, notes: "deprecated; canonical ScatterElements");
        yield return Op<ScatterNdAttrs>(F, "ScatterND", [11, 13, 16, 18], "data, indices, updates");
        yield return Op<PadAttrs>(F, "Pad", [1, 2, 11, 13, 18, 19, 21], "data, pads, constant_value?, axes?", NormalizePad, notes: "Pad-2 pads/value attributes → inputs");
        yield return Op<CastAttrs>(F, "Cast", [1, 6, 9, 13, 19, 21], "input", NormalizeCast);
        yield return Op<CastLikeAttrs>(F, "CastLike", [15, 19, 21], "input, target_type");
        yield return Op<ConstantAttrs>(F, "Constant", [1, 9, 11, 12, 13, 19, 21], "", NormalizeConstant, notes: "value_* attributes → one tensor");
        yield return Op<ConstantOfShapeAttrs>(F, "ConstantOfShape", [9, 20, 21], "input", NormalizeConstantOfShape);
        yield return Op<OnnxNoAttrs>(F, "Range", [11], "start, limit, delta");
        yield return Op<OneHotAttrs>(F, "OneHot", [9, 11], "indices, depth, values");
        yield return Op<OnnxNoAttrs>(F, "NonZero", [9, 13], "X", notes: "data-dependent output dim");
        yield return Op<UniqueAttrs>(F, "Unique", [11], "X", notes: "data-dependent output dim");
        yield return Op<CompressAttrs>(F, "Compress", [9, 11], "input, condition", notes: "data-dependent output dim");
        yield return Op<DepthToSpaceAttrs>(F, "DepthToSpace", [1, 11, 13], "input");
        yield return Op<SpaceToDepthAttrs>(F, "SpaceToDepth", [1, 13], "input");
        yield return Op<EyeLikeAttrs>(F, "EyeLike", [9], "input");
        yield return Op<TriluAttrs>(F, "Trilu", [14], "input, k?");
        yield return Op<CumSumAttrs>(F, "CumSum", [11, 14], "x, axis");
        yield return Op<ReverseSequenceAttrs>(F, "ReverseSequence", [10], "input, sequence_lens");
        yield return Op<TopKAttrs>(F, "TopK", [1, 10, 11], "X, K", NormalizeTopK, notes: "TopK-1 k attribute → input");
        yield return Op<ArgReduceAttrs>(F, "ArgMax", [1, 11, 12, 13], "data");
        yield return Op<ArgReduceAttrs>(F, "ArgMin", [1, 11, 12, 13], "data");
        yield return Op<EinsumAttrs>(F, "Einsum", [12], "Inputs...");
        yield return Op<NonMaxSuppressionAttrs>(F, "NonMaxSuppression", [10, 11], "boxes, scores, max_output_boxes_per_class?, iou_threshold?, score_threshold?");
    }

    private static CanonicalNode NormalizeReshape(CanonContext ctx, CanonicalNode c)
    {
        if (c.Version >= 5) return c;
        var a = c.AttrsAs<ReshapeAttrs>();
        if (a.Shape is not { } s) throw ctx.Error(c.Source, OnnxDiagnosticIds.MissingAttribute, $"node '{c.Source.Name}' (Reshape-1) lacks attribute 'shape'");
        return c.With(inputs: OnnxCanonicalizer.SetInput(c.Inputs, 1, OnnxCanonicalizer.IntsInput(c.Source, "shape", s)));
    }

    private static CanonicalNode NormalizeSplit(CanonContext ctx, CanonicalNode c)
    {
        var a = c.AttrsAs<SplitAttrs>();
        var inputs = c.Inputs;
        if (c.Version < 13 && a.Split is { IsEmpty: false } s) inputs = OnnxCanonicalizer.SetInput(inputs, 1, OnnxCanonicalizer.IntsInput(c.Source, "split", s));
        if (a.NumOutputs is { } k && k != c.Outputs.Length)
            throw ctx.Error(c.Source, OnnxDiagnosticIds.BadAttribute, $"node '{c.Source.Name}' (Split) attribute 'num_outputs': {k} but the node has {c.Outputs.Length} outputs");
        if (c.Version >= 18 && a.NumOutputs is null && !inputs.ElementAtOrDefault(1)?.IsPresent == true)
            throw ctx.Error(c.Source, OnnxDiagnosticIds.MissingAttribute, $"node '{c.Source.Name}' (Split-18) needs either input 'split' or attribute 'num_outputs'");
        return c.With(attrs: a with { NumOutputs = c.Outputs.Length }, inputs: inputs);
    }

    private static CanonicalNode NormalizeSlice(CanonContext ctx, CanonicalNode c)
    {
        if (c.Version >= 10) return c;
        var a = c.AttrsAs<SliceAttrs>();
        if (a.Starts is not { } st || a.Ends is not { } en)
            throw ctx.Error(c.Source, OnnxDiagnosticIds.MissingAttribute, $"node '{c.Source.Name}' (Slice-1) needs attributes 'starts' and 'ends'");
        var inputs = OnnxCanonicalizer.SetInput(c.Inputs, 1, OnnxCanonicalizer.IntsInput(c.Source, "starts", st));
        inputs = OnnxCanonicalizer.SetInput(inputs, 2, OnnxCanonicalizer.IntsInput(c.Source, "ends", en));
        if (a.Axes is { } ax) inputs = OnnxCanonicalizer.SetInput(inputs, 3, OnnxCanonicalizer.IntsInput(c.Source, "axes", ax));
        return c.With(inputs: inputs);
    }

    private static CanonicalNode NormalizeAxes(CanonContext ctx, CanonicalNode c)
    {
        if (c.Version >= 13) return c;
        var a = c.AttrsAs<AxesAttrs>();
        if (a.Axes is not { } ax)
        {
            if (c.Source.OpType == "Unsqueeze") throw ctx.Error(c.Source, OnnxDiagnosticIds.MissingAttribute, $"node '{c.Source.Name}' (Unsqueeze-{c.Version}) lacks attribute 'axes'");
            return c;
        }
        return c.With(inputs: OnnxCanonicalizer.SetInput(c.Inputs, 1, OnnxCanonicalizer.IntsInput(c.Source, "axes", ax)));
    }

    private static CanonicalNode NormalizePad(CanonContext ctx, CanonicalNode c)
    {
        if (c.Version >= 11) return c;
        var a = c.AttrsAs<PadAttrs>();
        if (a.Pads is not { } p) throw ctx.Error(c.Source, OnnxDiagnosticIds.MissingAttribute, $"node '{c.Source.Name}' (Pad-{c.Version}) lacks attribute 'pads'");
        var dtype = ctx.Graph.TypeOf(c.Source.Inputs[0])?.DType ?? DataType.Float32;
        var inputs = OnnxCanonicalizer.SetInput(c.Inputs, 1, OnnxCanonicalizer.IntsInput(c.Source, "pads", p));
        inputs = OnnxCanonicalizer.SetInput(inputs, 2, OnnxCanonicalizer.ScalarInput(c.Source, "value", dtype, a.Value));
        return c.With(inputs: inputs);
    }

    private static CanonicalNode NormalizeTopK(CanonContext ctx, CanonicalNode c)
    {
        if (c.Version >= 10) return c;
        var a = c.AttrsAs<TopKAttrs>();
        if (a.K is not { } k) throw ctx.Error(c.Source, OnnxDiagnosticIds.MissingAttribute, $"node '{c.Source.Name}' (TopK-1) lacks attribute 'k'");
        return c.With(inputs: OnnxCanonicalizer.SetInput(c.Inputs, 1, OnnxCanonicalizer.IntsInput(c.Source, "k", [k])));
    }

    private static CanonicalNode NormalizeCast(CanonContext ctx, CanonicalNode c)
    {
        var a = c.AttrsAs<CastAttrs>();
        if (!OnnxDTypes.IsKnown((int)Math.Clamp(a.To, 0, 1000)))
            throw ctx.Error(c.Source, OnnxDiagnosticIds.UnknownDType, $"node '{c.Source.Name}' (Cast) attribute 'to': unknown data type {a.To}");
        return c.With(attrs: a with { ToType = OnnxDTypes.ToCore((int)a.To) });
    }

    private static CanonicalNode NormalizeConstant(CanonContext ctx, CanonicalNode c)
    {
        var a = c.AttrsAs<ConstantAttrs>();
        var set = new List<(string, Tensor?)>();
        if (a.ValueTensor is { } t) set.Add(("value", t));
        if (a.SparseValue is { } sv) set.Add(("sparse_value", sv));
        if (a.ValueFloat is { } f) set.Add(("value_float", Tensor.Scalar(DataType.Float32, f)));
        if (a.ValueFloats is { } fs) set.Add(("value_floats", Tensor.FromArray([.. fs], fs.Count)));
        if (a.ValueInt is { } i) set.Add(("value_int", Tensor.Scalar(DataType.Int64, i)));
        if (a.ValueInts is { } @is) set.Add(("value_ints", Tensor.FromArray([.. @is], @is.Count)));
        if (a.ValueString is not null || a.ValueStrings is not null) set.Add(("value_string(s)", null));
        if (set.Count != 1)
            throw ctx.Error(c.Source, OnnxDiagnosticIds.BadAttribute, $"node '{c.Source.Name}' (Constant) must have exactly one value attribute, has {set.Count}");
        if (set[0].Item2 is null)
            throw ctx.Error(c.Source, OnnxDiagnosticIds.UnsupportedDType, $"node '{c.Source.Name}' (Constant) holds strings, which Bridge tensors cannot hold");
        return c.With(attrs: a with { Value = set[0].Item2 });
    }

    private static CanonicalNode NormalizeConstantOfShape(CanonContext ctx, CanonicalNode c)
    {
        var a = c.AttrsAs<ConstantOfShapeAttrs>();
        if (a.Value is { Length: not 1 } v)
            throw ctx.Error(c.Source, OnnxDiagnosticIds.BadAttribute, $"node '{c.Source.Name}' (ConstantOfShape) attribute 'value' must hold one element, holds {v.Length}");
        return c.With(attrs: a with { Value = a.Value ?? Tensor.FromArray([0f], 1) });
    }
}

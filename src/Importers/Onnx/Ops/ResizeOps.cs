using Bridge.Ir.Ops;
using static Bridge.Importers.Onnx.Ops.Spec;

namespace Bridge.Importers.Onnx.Ops;

/// <summary>
/// Resize in its canonical form (opset 19 names and defaults); Upsample-7/9 and Resize-10 normalise to it. Inputs are always
/// (X, roi?, scales?, sizes?).
/// </summary>
public sealed record ResizeAttrs : Attrs
{
    public bool Antialias { get; init; }
    public ValueArray<long>? Axes { get; init; }
    /// <summary>Null in the parsed record means "not given": half_pixel from opset 11, asymmetric for Resize-10/Upsample.</summary>
    [OneOf("half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize")]
    public string? CoordinateTransformationMode { get; init; }
    public float CubicCoeffA { get; init; } = -0.75f;
    public bool ExcludeOutside { get; init; }
    public float ExtrapolationValue { get; init; }
    [OneOf("stretch", "not_larger", "not_smaller")] public string KeepAspectRatioPolicy { get; init; } = "stretch";
    [OneOf("nearest", "linear", "cubic", "bilinear", "trilinear")] public string Mode { get; init; } = "nearest";
    /// <summary>Null means not given: round_prefer_floor from opset 11; floor for Resize-10/Upsample (their nearest rule).</summary>
    [OneOf("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")] public string? NearestMode { get; init; }
}

/// <summary>Upsample-7 has scales as an attribute; Upsample-9 as input 1.</summary>
public sealed record UpsampleAttrs : Attrs
{
    [OneOf("nearest", "linear", "bilinear")] public string Mode { get; init; } = "nearest";
    public ValueArray<float>? Scales { get; init; }
}

/// <summary>Resize and its predecessor Upsample.</summary>
[OnnxOpFamily("resize")]
internal static class ResizeOps
{
    private const string F = "resize";

    internal static IEnumerable<OnnxOpSpec> Ops()
    {
        yield return Op<ResizeAttrs>(F, "Resize", [10, 11, 13, 18, 19], "X, roi?, scales?, sizes?", NormalizeResize,
            notes: "Resize-10 (X, scales) → (X, roi, scales); all modes, coordinate transforms and nearest modes");
        yield return Op<UpsampleAttrs>(F, "Upsample", [7, 9], "X, roi?, scales?, sizes?", NormalizeUpsample, kind: "Resize", removedIn: 10,
            notes: "canonical Resize (asymmetric, nearest floor)");
    }

    /// <summary>Resize-10 takes (X, scales) and resizes as Upsample did: asymmetric coordinates, nearest = floor.</summary>
    private static CanonicalNode NormalizeResize(CanonContext ctx, CanonicalNode c)
    {
        var a = c.AttrsAs<ResizeAttrs>();
        var inputs = c.Inputs;
        if (c.Version == 10)
            inputs = [c.Input(0), CanonicalInput.Absent, c.Input(1)];
        var legacy = c.Version == 10;
        var mode = a.Mode switch { "bilinear" or "trilinear" => "linear", var m => m };
        a = a with
        {
            Mode = mode,
            CoordinateTransformationMode = a.CoordinateTransformationMode ?? (legacy ? "asymmetric" : "half_pixel"),
            NearestMode = a.NearestMode ?? (legacy ? "floor" : "round_prefer_floor"),
        };
        if (c.Version >= 13 && inputs.Length > 2 && inputs[2].IsPresent && inputs.Length > 3 && inputs[3].IsPresent
            && inputs[2].Constant is { Length: > 0 } && inputs[3].Constant is { Length: > 0 })
            throw ctx.Error(c.Source, OnnxDiagnosticIds.BadArity, $"node '{c.Source.Name}' (Resize) gives both scales and sizes; exactly one is allowed");
        return c.With(attrs: a, inputs: inputs);
    }

    private static CanonicalNode NormalizeUpsample(CanonContext ctx, CanonicalNode c)
    {
        var u = c.AttrsAs<UpsampleAttrs>();
        CanonicalInput scales;
        if (c.Version < 9)
        {
            if (u.Scales is not { } s) throw ctx.Error(c.Source, OnnxDiagnosticIds.MissingAttribute, $"node '{c.Source.Name}' (Upsample-7) lacks attribute 'scales'");
            scales = new($"{c.Source.Name}.scales", Tensor.FromArray([.. s], s.Count));
        }
        else scales = c.Input(1);
        var attrs = new ResizeAttrs
        {
            Mode = u.Mode == "bilinear" ? "linear" : u.Mode, CoordinateTransformationMode = "asymmetric", NearestMode = "floor",
        };
        return c.With(attrs: attrs, inputs: ImmutableArray.Create(c.Input(0), CanonicalInput.Absent, scales));
    }
}

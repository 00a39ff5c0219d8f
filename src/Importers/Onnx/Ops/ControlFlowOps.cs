using Bridge.Ir.Ops;
using static Bridge.Importers.Onnx.Ops.Spec;

namespace Bridge.Importers.Onnx.Ops;

public sealed record IfAttrs : Attrs
{
    [Required] public OnnxGraph? ThenBranch { get; init; }
    [Required] public OnnxGraph? ElseBranch { get; init; }
}
public sealed record LoopAttrs : Attrs { [Required] public OnnxGraph? Body { get; init; } }
/// <summary>Scan-8 has a batch axis and sequence_lens input; Scan-9+ the axes/directions attributes.</summary>
public sealed record ScanAttrs : Attrs
{
    [Required] public OnnxGraph? Body { get; init; }
    [Required] public long NumScanInputs { get; init; }
    public ValueArray<long>? ScanInputAxes { get; init; }
    public ValueArray<long>? ScanInputDirections { get; init; }
    public ValueArray<long>? ScanOutputAxes { get; init; }
    public ValueArray<long>? ScanOutputDirections { get; init; }
    /// <summary>Scan-8 only.</summary>
    public ValueArray<long>? Directions { get; init; }
}
public sealed record SequenceMapAttrs : Attrs { [Required] public OnnxGraph? Body { get; init; } }
public sealed record SequenceEmptyAttrs : Attrs { public long? Dtype { get; init; } }
public sealed record SplitToSequenceAttrs : Attrs { public long Axis { get; init; } public bool Keepdims { get; init; } = true; }
public sealed record ConcatFromSequenceAttrs : Attrs { [Required] public long Axis { get; init; } public bool NewAxis { get; init; } }
public sealed record OptionalAttrs : Attrs { public OnnxType? Type { get; init; } }

/// <summary>Control flow (subgraph ops), sequences and optionals.</summary>
[OnnxOpFamily("control")]
internal static class ControlFlowOps
{
    private const string F = "control";

    internal static IEnumerable<OnnxOpSpec> Ops()
    {
        yield return Op<IfAttrs>(F, "If", [1, 11, 13, 16, 19, 21], "cond", notes: "then/else subgraphs see the outer scope");
        yield return Op<LoopAttrs>(F, "Loop", [1, 11, 13, 16, 19, 21], "M?, cond?, v_initial?...", notes: "body(iter, cond, carried…) → (cond, carried…, scans…)");
        yield return Op<ScanAttrs>(F, "Scan", [8, 9, 11, 16, 19, 21], "initial_state_and_scan_inputs...", NormalizeScan);
        yield return Op<OnnxNoAttrs>(F, "SequenceConstruct", [11], "inputs...");
        yield return Op<SequenceEmptyAttrs>(F, "SequenceEmpty", [11], "");
        yield return Op<OnnxNoAttrs>(F, "SequenceAt", [11], "input_sequence, position");
        yield return Op<OnnxNoAttrs>(F, "SequenceErase", [11], "input_sequence, position?");
        yield return Op<OnnxNoAttrs>(F, "SequenceInsert", [11], "input_sequence, tensor, position?");
        yield return Op<OnnxNoAttrs>(F, "SequenceLength", [11], "input_sequence");
        yield return Op<SequenceMapAttrs>(F, "SequenceMap", [17], "input_sequence, additional_inputs?...");
        yield return Op<SplitToSequenceAttrs>(F, "SplitToSequence", [11], "input, split?");
        yield return Op<ConcatFromSequenceAttrs>(F, "ConcatFromSequence", [11], "input_sequence");
        yield return Op<OptionalAttrs>(F, "Optional", [15], "input?");
        yield return Op<OnnxNoAttrs>(F, "OptionalGetElement", [15, 18], "input");
        yield return Op<OnnxNoAttrs>(F, "OptionalHasElement", [15, 18], "input?");
    }

    /// <summary>Scan-8 has a leading sequence_lens input and batch semantics that Scan-9 dropped; Bridge supports 9+ only.</summary>
    private static CanonicalNode NormalizeScan(CanonContext ctx, CanonicalNode c)
    {
        if (c.Version == 8)
            throw ctx.Error(c.Source, OnnxDiagnosticIds.UnsupportedForm, $"node '{c.Source.Name}' is Scan-8 (batched, with sequence_lens); only Scan-9 and later are supported");
        var a = c.AttrsAs<ScanAttrs>();
        if (a.NumScanInputs < 1 || a.NumScanInputs > c.Inputs.Length)
            throw ctx.Error(c.Source, OnnxDiagnosticIds.BadAttribute, $"node '{c.Source.Name}' (Scan) attribute 'num_scan_inputs': {a.NumScanInputs} with {c.Inputs.Length} inputs");
        return c;
    }
}

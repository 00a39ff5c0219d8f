
namespace Bridge.Importers.Onnx.Ops;

/// <summary>
/// Parses every node once into its <see cref="CanonicalNode"/>: resolve the declared schema version for (domain, op, opset),
/// parse and validate attributes, bind inputs (constants resolved), run the op's normaliser, check the canonical arity.
/// Unsupported ops are reported all at once first (<see cref="OnnxSupport.CheckUnsupported"/>).
/// </summary>
public static class OnnxCanonicalizer
{
    /// <summary>Canonical nodes of the model's main graph (subgraphs stay in If/Loop/Scan attributes; canonicalize them with
    /// <see cref="Canonicalize(OnnxModel, OnnxGraph, DiagnosticBag)"/>).</summary>
    public static ImmutableArray<CanonicalNode> Canonicalize(OnnxModel model, DiagnosticBag bag)
    {
        OnnxSupport.CheckUnsupported(model);
        return Canonicalize(model, model.Graph, bag);
    }

    public static ImmutableArray<CanonicalNode> Canonicalize(OnnxModel model, OnnxGraph graph, DiagnosticBag bag)
    {
        var ctx = new CanonContext(model, graph, bag);
        var b = ImmutableArray.CreateBuilder<CanonicalNode>(graph.Nodes.Length);
        foreach (var n in graph.Nodes)
        {
            var c = CanonicalizeNode(ctx, n);
            if (c.Kind == "Constant" && c.Attrs is ConstantAttrs { Value: { } v } && c.Outputs.Length > 0) ctx.RecordConstant(c.Outputs[0], v);
            b.Add(c);
        }
        return b.MoveToImmutable();
    }

    public static CanonicalNode CanonicalizeNode(CanonContext ctx, OnnxNode n)
    {
        var spec = OnnxOps.Find(n.Domain, n.OpType)
            ?? throw new BridgeException(OnnxDiagnosticIds.UnsupportedOps, n.Loc, $"unsupported op {n.Domain}.{n.OpType} (opset {n.Opset}) at node '{n.Name}'");
        var version = spec.Resolve(n.Opset)
            ?? throw new BridgeException(OnnxDiagnosticIds.UnsupportedOps, n.Loc, $"op {n.Domain}.{n.OpType} is not available at opset {n.Opset} (declared versions {string.Join(", ", spec.Versions)}) at node '{n.Name}'");
        var attrs = OnnxAttrParser.Parse(n, spec.AttrsType, ctx.Diagnostics);
        var parsed = new CanonicalNode
        {
            Kind = spec.CanonicalKind, Spec = spec, Version = version, Attrs = attrs,
            Inputs = [.. n.Inputs.Select(i => i.Length == 0 ? CanonicalInput.Absent : new CanonicalInput(i, ctx.Constant(i)))],
            Outputs = n.Outputs, Source = n,
        };
        var c = spec.Normalize is null ? parsed : spec.Normalize(ctx, parsed);
        CheckArity(c);
        return c;
    }

    /// <summary>The canonical inputs must fit the op's canonical signature (required inputs present, no extras).</summary>
    private static void CheckArity(CanonicalNode c)
    {
        var sig = c.Spec.Signature.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var variadic = sig.Length > 0 && sig[^1].EndsWith("...", StringComparison.Ordinal);
        if (!variadic && c.Inputs.Length > sig.Length)
            throw new BridgeException(OnnxDiagnosticIds.BadArity, c.Loc, $"node '{c.Source.Name}' ({c.Source.OpType}) has {c.Inputs.Length} inputs; the op takes at most {sig.Length} ({c.Spec.Signature})");
        for (var i = 0; i < sig.Length; i++)
        {
            var s = sig[i];
            if (s.EndsWith('?')) continue;
            if (s.EndsWith("...", StringComparison.Ordinal))
            {
                if (s.EndsWith("?...", StringComparison.Ordinal) || c.Inputs.Length > i) continue;
            }
            if (!c.Input(i).IsPresent)
                throw new BridgeException(OnnxDiagnosticIds.BadArity, c.Loc, $"node '{c.Source.Name}' ({c.Source.OpType}) lacks required input {i} '{s.TrimEnd('.')}' ({c.Spec.Signature})");
        }
    }

    /// <summary>A 1-D int64 constant input made from an attribute of an older opset.</summary>
    internal static CanonicalInput IntsInput(OnnxNode n, string attr, IReadOnlyList<long> values)
    {
        var t = Tensor.FromArray<long>(DataType.Int64, values.ToArray(), values.Count);
        return new CanonicalInput($"{n.Name}.{attr}", t);
    }

    internal static CanonicalInput ScalarInput(OnnxNode n, string attr, DataType dtype, double value) =>
        new($"{n.Name}.{attr}", Tensor.Scalar(dtype, value));

    /// <summary>Inputs padded with absents up to <paramref name="index"/>, with that input set.</summary>
    internal static ImmutableArray<CanonicalInput> SetInput(ImmutableArray<CanonicalInput> inputs, int index, CanonicalInput value)
    {
        var l = inputs.ToList();
        while (l.Count <= index) l.Add(CanonicalInput.Absent);
        l[index] = value;
        return [.. l];
    }
}

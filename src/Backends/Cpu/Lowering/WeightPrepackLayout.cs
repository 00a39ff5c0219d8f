
namespace Bridge.Backends.Cpu.Lowering;

/// <summary>Which raw constants a model no longer needs once their groups' weights are embedded packed.</summary>
public static class WeightPrepackLayout
{
    /// <summary>
    /// The ids of constants read only as the packed weight of pre-packed groups (not by any other group, not as another
    /// operand, not a program output): the generated code never reads them, so they are left out of the weight blob.
    /// </summary>
    public static HashSet<int> RawWeightsNotNeeded(ImmutableArray<FusedGroup> groups, IReadOnlyDictionary<int, PackedWeight> prepacked, ImmutableArray<TBuffer> outputs)
    {
        var candidates = prepacked.Values.Select(v => v.Weight.Id).ToHashSet();
        foreach (var g in groups)
        {
            var packedWeight = prepacked.TryGetValue(g.Index, out var pw) ? pw.Weight.Id : -1;
            foreach (var op in g.Ops)
                for (var i = 0; i < op.Inputs.Length; i++)
                    if (!(op == g.Anchor && i == 1 && op.Inputs[i].Id == packedWeight)) candidates.Remove(op.Inputs[i].Id);
            // epilogue operands are read by the group's function too
            if (g.Epilogue.Bias is { } b) candidates.Remove(b.Id);
            if (g.Epilogue.Residual is { } r) candidates.Remove(r.Id);
        }
        foreach (var o in outputs) candidates.Remove(o.Id);
        return candidates;
    }
}

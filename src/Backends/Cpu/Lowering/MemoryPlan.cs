
namespace Bridge.Backends.Cpu.Lowering;

/// <summary>
/// Static memory planning: every intermediate buffer (a group output that is not a program output) gets a storage slot;
/// a slot is reused once every reader of its previous buffer has run. Slot sizes are symbolic — the maximum of the byte
/// sizes of the buffers it holds, evaluated when the symbolic dims are bound — so one plan serves every batch size.
/// </summary>
public sealed class MemoryPlan
{
    /// <summary>Buffer id → slot.</summary>
    public IReadOnlyDictionary<int, int> SlotOf { get; }
    /// <summary>Per slot: the byte sizes of the buffers it holds (the slot is their maximum).</summary>
    public ImmutableArray<ImmutableArray<SymExpr>> SlotSizes { get; }
    /// <summary>Intermediate buffers planned (for reports).</summary>
    public int Buffers => SlotOf.Count;

    private MemoryPlan(Dictionary<int, int> slotOf, List<List<SymExpr>> sizes)
    {
        SlotOf = slotOf;
        SlotSizes = [.. sizes.Select(s => s.ToImmutableArray())];
    }

    public static MemoryPlan Build(ImmutableArray<FusedGroup> groups, ImmutableArray<TBuffer> outputs)
    {
        var outIds = outputs.Select(o => o.Id).ToHashSet();
        var lastUse = new Dictionary<int, int>();
        foreach (var g in groups) foreach (var b in g.Inputs) lastUse[b.Id] = g.Index;
        var slotOf = new Dictionary<int, int>();
        var sizes = new List<List<SymExpr>>();
        var free = new List<int>();
        var live = new Dictionary<int, int>(); // buffer → slot
        foreach (var g in groups)
        {
            var b = g.Output;
            if (!outIds.Contains(b.Id) && b.Kind == BufferKind.Temp)
            {
                var bytes = b.Numel * b.DType.ElementSize;
                // prefer a free slot that already holds a buffer of provably the same size, then the slot with the largest
                // static size, then a new slot
                var pick = free.FirstOrDefault(s => sizes[s].Any(x => SymExpr.ProveEqual(x, bytes) == Tri.Proven), -1);
                if (pick < 0 && free.Count > 0) pick = free.OrderByDescending(s => sizes[s].Max(x => x.AsConst ?? long.MaxValue)).First();
                if (pick < 0) { pick = sizes.Count; sizes.Add([]); }
                else free.Remove(pick);
                if (!sizes[pick].Any(x => SymExpr.ProveEqual(x, bytes) == Tri.Proven)) sizes[pick].Add(bytes);
                slotOf[b.Id] = pick;
                live[b.Id] = pick;
            }
            // buffers whose last reader is this group free their slot after it ran (never the group's own output)
            foreach (var (id, slot) in live.ToList())
                if (id != b.Id && lastUse.GetValueOrDefault(id, -1) <= g.Index)
                {
                    live.Remove(id);
                    free.Add(slot);
                }
        }
        // static sizes collapse to one maximum
        foreach (var s in sizes)
        {
            var consts = s.Where(x => x.IsConst()).ToList();
            if (consts.Count > 1)
            {
                var max = consts.Max(x => x.AsConst!.Value);
                s.RemoveAll(x => x.IsConst());
                s.Add(max);
            }
        }
        return new MemoryPlan(slotOf, sizes);
    }

    /// <summary>Total bytes of all slots at the given dims (for reports).</summary>
    public long Bytes(Func<SymVar, long> dim) => SlotSizes.Sum(s => s.Max(x => x.Evaluate(dim)));
}

using System.Diagnostics;
using Bridge.Backends.Cpu;
using Bridge.Backends.Cpu.Lowering;
using Bridge.Backends.Cpu.Runtime;
using Bridge.Backends.Cuda.Kernels;

namespace Bridge.Backends.Cuda;

/// <summary>What the CUDA compiler did: kernels per group kind, reference-kernel fallbacks, memory plan, device.</summary>
public sealed record CudaCompileReport(
    string Source, string Device, int Ops, ImmutableArray<string> Groups, ImmutableDictionary<string, int> Kernels,
    ImmutableArray<string> FallbackOps, int PlannedBuffers, int Slots, long WeightBytes, double LowerSeconds, double CompileSeconds)
{
    public string Summary =>
        $"{Source} on {Device}: {Ops} ops → {Groups.Length} groups ({string.Join(", ", Kernels.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Value} {k.Key}"))}), " +
        $"{FallbackOps.Length} on reference kernels{(FallbackOps.Length > 0 ? " (" + string.Join(", ", FallbackOps.Distinct()) + ")" : "")}, " +
        $"{PlannedBuffers} intermediates in {Slots} slots, {WeightBytes / 1048576.0:F1} MiB weights; compile {CompileSeconds:F2} s";
}

/// <summary>
/// The CUDA compiler: the CPU backend's lowered <see cref="TensorProgram"/> (one lowering, two code generators) → the same
/// constant folding, fusion and memory plan → one ILGPU kernel launch per fused group (<see cref="GroupKernel"/>), weights
/// laid out once in the device arena. A group the kernels do not cover runs its ops' reference kernels on the host (reported).
/// </summary>
public static class CudaCompiler
{
    public static CudaModel Compile(TensorProgram program, bool simulate, double lowerSeconds = 0)
    {
        var device = GpuDevice.Get(simulate);
        var sw = Stopwatch.StartNew();
        CpuCompiler.CheckVars(program, "cuda");
        var folded = ConstantFolding.Run(program);
        var groups = Fusion.Run(folded);
        var plan = MemoryPlan.Build(groups, folded.Outputs);
        var kinds = new Dictionary<int, GroupKernel>();
        var reasons = new List<string>();
        foreach (var g in groups)
        {
            var k = GroupKernelOf(g, out var why);
            kinds[g.Index] = k;
            if (k == GroupKernel.Reference) reasons.Add(g.Root.SourceOp + (why is null ? "" : $" [{why}]"));
        }
        var weights = WeightLayout.Build(groups, kinds);
        var report = new CudaCompileReport(program.Source, device.Name, program.Ops.Length, [.. groups.Select(g => g.Describe())],
            kinds.Values.GroupBy(k => k.ToString().ToLowerInvariant()).ToImmutableDictionary(x => x.Key, x => x.Count()),
            [.. reasons], plan.Buffers, plan.SlotSizes.Length, weights.Data.Length * 4L, lowerSeconds, sw.Elapsed.TotalSeconds);
        return new CudaModel(device, folded, groups, plan, kinds, weights, report);
    }

    /// <summary>The kernel a group runs on, or <see cref="GroupKernel.Reference"/> with the reason.</summary>
    public static GroupKernel GroupKernelOf(FusedGroup g, out string? why)
    {
        why = null;
        var buffers = g.Ops.SelectMany(o => o.Inputs.Append(o.Output));
        if (buffers.Any(b => b.DType != DataType.Float32)) { why = "not float32"; return GroupKernel.Reference; }
        switch (g.Kind)
        {
            case GroupKind.Injective:
            case GroupKind.Reduce:
                {
                    var exprRoot = g.Kind == GroupKind.Reduce ? g.Ops.FirstOrDefault(o => o.Output.Id == g.Root.Inputs[0].Id) : g.Root;
                    if (exprRoot is not null && Depth(exprRoot, g.Ops) > TapeKernels.StackDepth) { why = "expression too deep"; return GroupKernel.Reference; }
                    if (g.Ops.Any(o => o.Attrs is UnaryAttrs u && DeviceMath.UnaryCode(u.Fn) < 0)) { why = "unary function without a device kernel"; return GroupKernel.Reference; }
                    return g.Kind == GroupKind.Injective ? GroupKernel.Injective : GroupKernel.Reduce;
                }
            case GroupKind.Matmul:
                {
                    var a = g.Anchor!;
                    if (a.Inputs[0].Rank < 2 || a.Inputs[1].Rank < 2) { why = "matmul of a vector"; return GroupKernel.Reference; }
                    if (g.Epilogue.Bias is { } b && ConstantFolding.PerChannel(b, a.Output.Rank, a.Output.Shape[^1].AsConst ?? -1, a.Output.Rank - 1) is null)
                    { why = "bias is not per column"; return GroupKernel.Reference; }
                    return GroupKernel.Matmul;
                }
            case GroupKind.Conv2d:
                {
                    var a = g.Anchor!;
                    var c = (Conv2dAttrs)a.Attrs;
                    if (a.Inputs[1].Rank != 4 || a.Inputs[0].Rank != 4) { why = "not 2-D NCHW"; return GroupKernel.Reference; }
                    if (g.Epilogue.Bias is { } b && ConstantFolding.PerChannel(b, 4, a.Inputs[1].Shape[0].AsConst ?? -1) is null)
                    { why = "bias is not per channel"; return GroupKernel.Reference; }
                    return a.Inputs[1].Shape[1].AsConst == 1 && c.Groups > 1 ? GroupKernel.Depthwise : GroupKernel.Conv2d;
                }
            case GroupKind.Pool:
                return g.Root.Inputs[0].Rank == 4 ? GroupKernel.Pool : GroupKernel.Reference;
            case GroupKind.Softmax:
                return GroupKernel.Softmax;
            case GroupKind.LayerNorm:
                {
                    var x = g.Root.Inputs[0];
                    if (x.Rank == 0 || g.Root.Inputs.Skip(1).Any(p => p.Rank != 1 || p.Shape[0] != x.Shape[^1]))
                    { why = "gamma/beta are not vectors over the last axis"; return GroupKernel.Reference; }
                    return GroupKernel.LayerNorm;
                }
            case GroupKind.Concat:
                return GroupKernel.Concat;
            default:
                why = (g.Root.Attrs as FallbackAttrs)?.Reason;
                return GroupKernel.Reference;
        }
    }

    private static int Depth(TOp root, ImmutableArray<TOp> members)
    {
        var producer = members.ToDictionary(o => o.Output.Id);
        int Need(TBuffer b) => producer.TryGetValue(b.Id, out var op) ? NeedOp(op) : 1;
        int NeedOp(TOp op) => op.Kind == OpKind.Binary
            ? (Need(op.Inputs[0]) is var a && Need(op.Inputs[1]) is var c && a == c ? a + 1 : Math.Max(a, c))
            : op.Inputs.Length > 0 ? Need(op.Inputs[0]) : 1;
        return NeedOp(root);
    }
}

/// <summary>The kernel of a fused group.</summary>
public enum GroupKernel { Injective, Reduce, Matmul, Conv2d, Depthwise, Pool, Softmax, LayerNorm, Concat, Reference }

/// <summary>The weights region at the front of the device arena: every float32 constant a kernel reads, and the per-channel bias vectors of epilogues.</summary>
public sealed class WeightLayout
{
    /// <summary>Constant buffer id → float offset.</summary>
    public IReadOnlyDictionary<int, int> Offset { get; }
    /// <summary>Group index → offset of its epilogue's bias vector.</summary>
    public IReadOnlyDictionary<int, int> Bias { get; }
    public float[] Data { get; }

    private WeightLayout(Dictionary<int, int> offset, Dictionary<int, int> bias, float[] data) { Offset = offset; Bias = bias; Data = data; }

    public static WeightLayout Build(ImmutableArray<FusedGroup> groups, IReadOnlyDictionary<int, GroupKernel> kinds)
    {
        var data = new List<float>();
        var offset = new Dictionary<int, int>();
        var bias = new Dictionary<int, int>();
        int Put(ReadOnlySpan<float> values)
        {
            while (data.Count % 32 != 0) data.Add(0);
            var at = data.Count;
            foreach (var v in values) data.Add(v);
            return at;
        }
        foreach (var g in groups)
        {
            if (kinds[g.Index] == GroupKernel.Reference) continue;
            foreach (var b in g.Inputs)
                if (b is { IsConstant: true, Value: { } t } && !offset.ContainsKey(b.Id) && b.Id != g.Epilogue.Bias?.Id)
                    offset[b.Id] = Put(t.DType == DataType.Float32 ? t.Span<float>() : throw new BridgeInternalError($"cuda: constant {b.Name} is {t.DType}"));
            if (g.Epilogue.Bias is { } eb)
            {
                var a = g.Anchor!;
                var (rank, channels, axis) = g.Kind == GroupKind.Conv2d ? (4, a.Inputs[1].Shape[0].AsConst!.Value, 1) : (a.Output.Rank, a.Output.Shape[^1].AsConst!.Value, a.Output.Rank - 1);
                bias[g.Index] = Put(ConstantFolding.PerChannel(eb, rank, channels, axis)!);
            }
        }
        if (data.Count > int.MaxValue / 2) throw new BridgeException(CudaDiagnosticIds.TooLarge, SourceLoc.Unknown.Instance, $"cuda: {data.Count} weight floats exceed 32-bit indexing");
        return new WeightLayout(offset, bias, [.. data]);
    }
}

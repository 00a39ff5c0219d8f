using Bridge.Backends.Cpu.Lowering;
using Bridge.Backends.Cpu.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace Bridge.Backends.Cuda;

/// <summary>
/// A model compiled for the device: one float arena per model instance (weights first, uploaded once; then the inputs, the
/// memory plan's slots and the outputs), one stream, and per bound set of symbolic dims a launch list (<see cref="Binding"/>)
/// whose integer tape carries every group's index math. Groups without a kernel run their reference kernels on the host
/// between launches (the stream is synchronised around them).
/// </summary>
public sealed class CudaModel : IDisposable
{
    private readonly GpuDevice _device;
    private readonly MemoryPlan _plan;
    private readonly IReadOnlyDictionary<int, GroupKernel> _kinds;
    private readonly WeightLayout _weights;
    private readonly AcceleratorStream _stream;
    private MemoryBuffer1D<float, Stride1D.Dense>? _arena;
    private Binding? _binding;

    internal CudaModel(GpuDevice device, TensorProgram program, ImmutableArray<FusedGroup> groups, MemoryPlan plan,
        IReadOnlyDictionary<int, GroupKernel> kinds, WeightLayout weights, CudaCompileReport report)
    {
        _device = device;
        Program = program;
        Groups = groups;
        _plan = plan;
        _kinds = kinds;
        _weights = weights;
        Report = report;
        _stream = device.Accelerator.CreateStream();
    }

    public TensorProgram Program { get; }
    public ImmutableArray<FusedGroup> Groups { get; }
    public CudaCompileReport Report { get; }
    public GroupKernel KernelOf(FusedGroup g) => _kinds[g.Index];
    /// <summary>Host→device weight uploads so far (one per model unless the arena had to grow).</summary>
    public int WeightUploads { get; private set; }

    /// <summary>Runs on inputs given by name (the program's input names) and returns the outputs in order.</summary>
    public IReadOnlyList<Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs) =>
        Run([.. Program.Inputs.Select(b => inputs.TryGetValue(b.Name, out var t) ? t
            : throw new BridgeException(CudaDiagnosticIds.RunFailed, SourceLoc.Unknown.Instance, $"cuda model: no value for input {b.Name} (given: {string.Join(", ", inputs.Keys)})"))]);

    /// <summary>Runs on positional inputs.</summary>
    public IReadOnlyList<Tensor> Run(IReadOnlyList<Tensor> inputs)
    {
        var dims = Bind(inputs);
        var key = string.Join(",", dims.Values);
        if (_binding?.Key != key)
        {
            _binding?.Dispose();
            _binding = null;
            _binding = Binding.Create(this, key, v => dims.TryGetValue(v, out var x) ? x : throw new BridgeInternalError($"cuda: unbound dim {v.Name}"));
        }
        var b = _binding;
        EnsureArena(b.ArenaFloats);
        var arena = _arena!.View;
        var host = new Dictionary<int, Tensor>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var buf = Program.Inputs[i];
            host[buf.Id] = inputs[i];
            if (b.Offset.TryGetValue(buf.Id, out var off)) arena.SubView(off, inputs[i].Length).CopyFromCPU(_stream, inputs[i].Span<float>().ToArray());
        }
        try
        {
            foreach (var step in b.Steps) step(new RunState(arena, _stream, host, b.Dim));
            _stream.Synchronize();
        }
        catch (Exception e) when (e is not (BridgeException or BridgeInternalError))
        {
            throw new BridgeException(CudaDiagnosticIds.DeviceFailed, SourceLoc.Unknown.Instance, $"cuda: the device failed: {e.GetType().Name}: {e.Message}");
        }
        return [.. Program.Outputs.Select(o => Read(o, arena, host, b.Dim))];
    }

    /// <summary>A buffer's value on the host: constants and host-side values directly, arena buffers downloaded.</summary>
    internal Tensor Read(TBuffer b, ArrayView<float> arena, Dictionary<int, Tensor> host, Func<SymVar, long> dim)
    {
        if (b.IsConstant) return b.Value!;
        if (host.TryGetValue(b.Id, out var t)) return t;
        var shape = b.Shape.Select(d => d.Evaluate(dim)).ToArray();
        var n = shape.Aggregate(1L, (a, d) => a * d);
        var data = new float[n];
        if (n > 0)
        {
            _stream.Synchronize();
            arena.SubView(_binding!.Offset[b.Id], n).CopyToCPU(_stream, data);
            _stream.Synchronize();
        }
        return Tensor.FromArray(data, shape);
    }

    private void EnsureArena(long floats)
    {
        if (_arena is not null && _arena.Length >= floats) return;
        var next = _device.Accelerator.Allocate1D<float>(Math.Max(floats, 1));
        var w = _weights.Data.Length;
        if (w > 0)
        {
            if (_arena is null) { next.View.SubView(0, w).CopyFromCPU(_stream, _weights.Data); WeightUploads++; }
            else next.View.SubView(0, w).CopyFrom(_stream, _arena.View.SubView(0, w));
        }
        _stream.Synchronize();
        _arena?.Dispose();
        _arena = next;
    }

    /// <summary>Binds the symbolic dims from the input shapes (BRG6201 on a wrong count, dtype, rank, fixed dim or a conflict).</summary>
    private Dictionary<SymVar, long> Bind(IReadOnlyList<Tensor> inputs)
    {
        Exception Bad(string m) => new BridgeException(CudaDiagnosticIds.RunFailed, SourceLoc.Unknown.Instance, "cuda model: " + m);
        if (inputs.Count != Program.Inputs.Length) throw Bad($"{inputs.Count} inputs given, the model takes {Program.Inputs.Length}");
        var dims = new Dictionary<SymVar, long>();
        var from = new Dictionary<SymVar, string>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var b = Program.Inputs[i];
            var t = inputs[i];
            if (t.DType != b.DType) throw Bad($"input {b.Name} is {t.DType}, the model takes {b.DType}");
            if (t.Rank != b.Rank) throw Bad($"input {b.Name} has rank {t.Rank}, the model takes {b.Rank}");
            for (var k = 0; k < b.Rank; k++)
            {
                if (b.Shape[k] is SymVar v)
                {
                    if (dims.TryGetValue(v, out var have) && have != t.Shape[k])
                        throw Bad($"dim {v.Name} is {have} in {from[v]} but {t.Shape[k]} in {b.Name}");
                    dims[v] = t.Shape[k];
                    from[v] = b.Name;
                }
            }
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            var b = Program.Inputs[i];
            for (var k = 0; k < b.Rank; k++)
            {
                var want = b.Shape[k].Evaluate(v => dims.TryGetValue(v, out var x) ? x : throw Bad($"dim {v.Name} is not bound by any input"));
                if (want != inputs[i].Shape[k]) throw Bad($"input {b.Name} axis {k} is {inputs[i].Shape[k]}, the model takes {want}");
            }
        }
        return dims;
    }

    internal GpuDevice Device => _device;
    internal MemoryPlan Plan => _plan;
    internal WeightLayout Weights => _weights;
    internal CudaModel Self => this;

    public void Dispose()
    {
        _binding?.Dispose();
        _arena?.Dispose();
        _stream.Dispose();
    }
}

/// <summary>What a launch step sees: the arena, the stream, host-side values (non-float32 tensors, inputs), the bound dims.</summary>
internal sealed record RunState(ArrayView<float> Arena, AcceleratorStream Stream, Dictionary<int, Tensor> Host, Func<SymVar, long> Dim);

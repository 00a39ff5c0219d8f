using Bridge.Backends.Cpu.Lowering;
using Bridge.Backends.Cpu.Runtime;
using Bridge.Backends.Cuda.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Bridge.Backends.Cuda;

/// <summary>
/// A model at one set of bound dims: arena offsets of every float32 buffer (weights, inputs, planned slots, outputs), the
/// integer tape on the device, and the launch list (one kernel per group, host reference steps between).
/// </summary>
internal sealed class Binding : IDisposable
{
    private MemoryBuffer1D<int, Stride1D.Dense>? _tape;

    public required string Key { get; init; }
    public required Func<SymVar, long> Dim { get; init; }
    public required Dictionary<int, int> Offset { get; init; }
    public required long ArenaFloats { get; init; }
    public List<Action<RunState>> Steps { get; } = [];

    public static Binding Create(CudaModel m, string key, Func<SymVar, long> dim)
    {
        long[] ShapeOf(TBuffer b) => [.. b.Shape.Select(d => d.Evaluate(dim))];
        long Numel(TBuffer b) => ShapeOf(b).Aggregate(1L, (a, d) => a * d);
        var offset = new Dictionary<int, int>(m.Weights.Offset);
        long next = m.Weights.Data.Length;
        long Align(long x) => (x + 31) / 32 * 32;
        foreach (var b in m.Program.Inputs.Where(b => b.DType == DataType.Float32)) { next = Align(next); offset[b.Id] = Checked(next, m); next += Numel(b); }
        var slotBase = new long[m.Plan.SlotSizes.Length];
        for (var s = 0; s < slotBase.Length; s++)
        {
            next = Align(next);
            slotBase[s] = next;
            next += (m.Plan.SlotSizes[s].Max(x => x.Evaluate(dim)) + 3) / 4;
        }
        foreach (var g in m.Groups)
        {
            var o = g.Output;
            if (o.DType != DataType.Float32 || offset.ContainsKey(o.Id)) continue;
            if (m.Plan.SlotOf.TryGetValue(o.Id, out var slot)) offset[o.Id] = Checked(slotBase[slot], m);
            else { next = Align(next); offset[o.Id] = Checked(next, m); next += Numel(o); }
        }
        Checked(next, m);
        var binding = new Binding { Key = key, Dim = dim, Offset = offset, ArenaFloats = next };
        var tape = new Tape();
        var launches = new LaunchBuilder(m, binding, tape, ShapeOf);
        foreach (var g in m.Groups) launches.Add(g);
        var ints = tape.ToArray();
        if (ints.Length > 0)
        {
            binding._tape = m.Device.Accelerator.Allocate1D(ints);
        }
        launches.Finish(binding._tape?.View ?? default);
        return binding;
    }

    private static int Checked(long x, CudaModel m) => x < int.MaxValue ? (int)x
        : throw new BridgeException(CudaDiagnosticIds.TooLarge, SourceLoc.Unknown.Instance, $"cuda: {m.Program.Source} needs {x} floats of device memory at these dims; kernels index with 32 bits (at most 2^31)");

    public void Dispose() => _tape?.Dispose();
}

/// <summary>Turns each fused group into its launch at the bound dims (tape entries are written first; the tape view comes last).</summary>
internal sealed class LaunchBuilder(CudaModel m, Binding b, Tape tape, Func<TBuffer, long[]> shapeOf)
{
    private readonly List<Func<ArrayView<int>, Action<RunState>>> _pending = [];
    private GpuDevice D => m.Device;

    private int Base(TBuffer x) => b.Offset.TryGetValue(x.Id, out var o) ? o : throw new BridgeInternalError($"cuda: buffer {x.Name} has no device storage");
    private static int I(long x) => checked((int)x);
    private static long Prod(IEnumerable<long> xs) => xs.Aggregate(1L, (a, d) => a * d);

    public void Finish(ArrayView<int> tapeView)
    {
        foreach (var p in _pending) b.Steps.Add(p(tapeView));
    }

    private EpilogueParams Ep(FusedGroup g)
    {
        var ep = g.Epilogue;
        return new EpilogueParams
        {
            Bias = m.Weights.Bias.TryGetValue(g.Index, out var bo) ? bo : -1,
            Residual = ep.Residual is { } r ? Base(r) : -1,
            Act = ep.Act == "none" ? DeviceMath.Fn.None : DeviceMath.UnaryCode(ep.Act),
            Lo = (float)ep.Lo,
            Hi = (float)ep.Hi,
        };
    }

    public void Add(FusedGroup g)
    {
        var kind = m.KernelOf(g);
        var outShape = shapeOf(g.Output);
        var n = Prod(outShape);
        if (n == 0 && kind != GroupKernel.Reference) return;
        switch (kind)
        {
            case GroupKernel.Injective:
                {
                    var pos = tape.Expression(g.Root, g.Ops, Base, shapeOf);
                    var ob = Base(g.Output);
                    _pending.Add(t => s => D.Injective(s.Stream, I(n), s.Arena, t, pos, ob));
                    return;
                }
            case GroupKernel.Reduce:
                {
                    var red = g.Root;
                    var a = (ReduceAttrs)red.Attrs;
                    var x = red.Inputs[0];
                    var xs = shapeOf(x);
                    var members = g.Ops.Where(o => o != red).ToList();
                    // the prologue: the expression producing x inside the group, or a plain load
                    var pos = members.FirstOrDefault(o => o.Output.Id == x.Id) is { } prologue ? tape.Expression(prologue, members, Base, shapeOf)
                        : tape.Add(1, Tape.Load, Base(x), 0);
                    var st = Tape.Strides(xs);
                    var kept = Enumerable.Range(0, xs.Length).Where(k => !a.Axes.Contains(k)).ToArray();
                    var reduced = a.Axes.ToArray();
                    var desc = tape.Add([kept.Length, reduced.Length, .. kept.Select(k => I(xs[k])), .. kept.Select(k => I(st[k])),
                        .. reduced.Select(k => I(xs[k])), .. reduced.Select(k => I(st[k]))]);
                    var r = I(Prod(reduced.Select(k => xs[k])));
                    var fn = a.Fn switch { "sum" => 0, "mean" => 1, "max" => 2, _ => 3 };
                    var ob = Base(g.Output);
                    _pending.Add(t => s => D.Reduce(s.Stream, D.RowConfig(n), s.Arena, t, pos, desc, ob, I(n), r, fn));
                    return;
                }
            case GroupKernel.Matmul:
                AddMatmul(g);
                return;
            case GroupKernel.Conv2d:
            case GroupKernel.Depthwise:
                {
                    var a = g.Anchor!;
                    var c = (Conv2dAttrs)a.Attrs;
                    var xs = shapeOf(a.Inputs[0]);
                    var ws = shapeOf(a.Inputs[1]);
                    var os = shapeOf(a.Output);
                    var p = new ConvParams
                    {
                        N = I(xs[0]), C = I(xs[1]), H = I(xs[2]), W = I(xs[3]), Cout = I(ws[0]), OH = I(os[2]), OW = I(os[3]),
                        KH = I(ws[2]), KW = I(ws[3]), SH = I(c.StrideH), SW = I(c.StrideW), PT = I(c.PadT), PL = I(c.PadL),
                        DH = I(c.DilH), DW = I(c.DilW), Groups = I(c.Groups), In = Base(a.Inputs[0]), Weight = Base(a.Inputs[1]),
                        Out = Base(g.Output), Ep = Ep(g),
                    };
                    if (kind == GroupKernel.Depthwise) { _pending.Add(_ => s => D.Depthwise(s.Stream, I(n), s.Arena, p)); return; }
                    var tile = D.Tile;
                    var cols = xs[0] * os[2] * os[3];
                    var mg = ws[0] / c.Groups;
                    var cfg = new KernelConfig(new Index3D(I((cols + tile - 1) / tile), I((mg + tile - 1) / tile), I(c.Groups)), new Index3D(tile, tile, 1));
                    _pending.Add(_ => s => D.Conv2d(s.Stream, cfg, s.Arena, p));
                    return;
                }
            case GroupKernel.Pool:
                {
                    var op = g.Root;
                    var a = (Pool2dAttrs)op.Attrs;
                    var xs = shapeOf(op.Inputs[0]);
                    var p = new PoolParams
                    {
                        N = I(xs[0]), C = I(xs[1]), H = I(xs[2]), W = I(xs[3]), OH = I(outShape[2]), OW = I(outShape[3]), KH = I(a.KH), KW = I(a.KW),
                        SH = I(a.StrideH), SW = I(a.StrideW), PT = I(a.PadT), PL = I(a.PadL), PB = I(a.PadB), PR = I(a.PadR), DH = I(a.DilH), DW = I(a.DilW),
                        IncludePad = a.CountIncludePad ? 1 : 0, IsMax = op.Kind == OpKind.MaxPool2d ? 1 : 0, In = Base(op.Inputs[0]), Out = Base(g.Output),
                    };
                    _pending.Add(_ => s => D.Pool2d(s.Stream, I(n), s.Arena, p));
                    return;
                }
            case GroupKernel.Softmax:
                {
                    var cols = outShape.Length == 0 ? 1 : outShape[^1];
                    var rows = cols == 0 ? 0 : n / cols;
                    var (x, y, log) = (Base(g.Root.Inputs[0]), Base(g.Output), ((SoftmaxAttrs)g.Root.Attrs).Log ? 1 : 0);
                    _pending.Add(_ => s => D.Softmax(s.Stream, D.RowConfig(rows), s.Arena, x, y, I(rows), I(cols), log));
                    return;
                }
            case GroupKernel.LayerNorm:
                {
                    var cols = outShape[^1];
                    var rows = n / cols;
                    var op = g.Root;
                    var (x, ga, be, y, eps) = (Base(op.Inputs[0]), Base(op.Inputs[1]), Base(op.Inputs[2]), Base(g.Output), (float)((LayerNormAttrs)op.Attrs).Eps);
                    _pending.Add(_ => s => D.LayerNorm(s.Stream, D.RowConfig(rows), s.Arena, x, ga, be, y, I(rows), I(cols), eps));
                    return;
                }
            case GroupKernel.Concat:
                {
                    var axis = ((ConcatAttrs)g.Root.Attrs).Axis;
                    var inner = Prod(outShape.Skip(axis + 1));
                    var outSpan = outShape[axis] * inner;
                    var ob = Base(g.Output);
                    long start = 0;
                    foreach (var input in g.Root.Inputs)
                    {
                        var ins = shapeOf(input);
                        var cnt = Prod(ins);
                        var span = ins[axis] * inner;
                        var (src, off) = (Base(input), I(start * inner));
                        if (cnt > 0) _pending.Add(_ => s => D.CopyInto(s.Stream, I(cnt), s.Arena, src, ob, I(span), I(outSpan), off));
                        start += ins[axis];
                    }
                    return;
                }
            default:
                _pending.Add(_ => s => RunReference(g, s));
                return;
        }
    }

    private void AddMatmul(FusedGroup g)
    {
        var a = g.Anchor!;
        var trans = ((MatmulAttrs)a.Attrs).TransB;
        var As = shapeOf(a.Inputs[0]);
        var Bs = shapeOf(a.Inputs[1]);
        var Os = shapeOf(a.Output);
        long M = As[^2], K = As[^1], N = Os[^1];
        var batchShape = Os[..^2];
        var batches = Prod(batchShape);
        var aBase = Base(a.Inputs[0]);
        var bBase = Base(a.Inputs[1]);
        var table = new List<int>();
        if (Bs.Length == 2 && As.Length >= 2)
        {
            // B shared by every batch: fold A's batch into its rows
            M *= Prod(As[..^2]);
            batches = 1;
            table.AddRange([aBase, bBase]);
        }
        else
        {
            var aBatch = As[..^2];
            var bBatch = Bs[..^2];
            long[] BatchStrides(long[] shape, long mat)
            {
                var s = new long[batchShape.Length];
                var off = batchShape.Length - shape.Length;
                long acc = mat;
                for (var k = shape.Length - 1; k >= 0; k--) { s[k + off] = shape[k] == 1 ? 0 : acc; acc *= shape[k]; }
                return s;
            }
            var sa = BatchStrides(aBatch, M * K);
            var sb = BatchStrides(bBatch, K * N);
            for (long bi = 0; bi < batches; bi++)
            {
                long rem = bi, oa = 0, ob = 0;
                for (var k = batchShape.Length - 1; k >= 0; k--) { var c = rem % batchShape[k]; rem /= batchShape[k]; oa += c * sa[k]; ob += c * sb[k]; }
                table.Add(I(aBase + oa));
                table.Add(I(bBase + ob));
            }
        }
        var at = tape.Add([.. table]);
        var p = new MatmulParams { M = I(M), N = I(N), K = I(K), TransB = trans ? 1 : 0, BatchTable = at, Out = Base(g.Output), Ep = Ep(g) };
        var tile = D.Tile;
        var cfg = new KernelConfig(new Index3D(I((N + tile - 1) / tile), I((M + tile - 1) / tile), I(batches)), new Index3D(tile, tile, 1));
        _pending.Add(t => s => D.Matmul(s.Stream, cfg, s.Arena, t, p));
    }

    /// <summary>A group without a kernel: its ops' reference kernels on the host, inputs downloaded, the float32 result uploaded.</summary>
    private void RunReference(FusedGroup g, RunState s)
    {
        var local = new Dictionary<int, Tensor>();
        Tensor Read(TBuffer x) => local.TryGetValue(x.Id, out var t) ? t : m.Read(x, s.Arena, s.Host, s.Dim);
        foreach (var op in g.Ops) local[op.Output.Id] = ReferenceFallback.Run(op, [.. op.Inputs.Select(Read)], s.Dim);
        var result = local[g.Output.Id];
        var expect = g.Output.Shape.Select(d => d.Evaluate(s.Dim)).ToArray();
        if (!result.Shape.SequenceEqual(expect) || result.DType != g.Output.DType)
            throw new BridgeInternalError($"cuda fallback {g.Root.SourceOp} returned {result} where the program expects {Tensor.FormatShape([.. expect])} {g.Output.DType}");
        if (b.Offset.TryGetValue(g.Output.Id, out var off) && result.DType == DataType.Float32)
        {
            if (result.Length > 0) s.Arena.SubView(off, result.Length).CopyFromCPU(s.Stream, result.Span<float>().ToArray());
        }
        else s.Host[g.Output.Id] = result;
    }
}

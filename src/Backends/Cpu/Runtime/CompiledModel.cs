using System.Runtime.InteropServices;
using Bridge.Backends.Cpu.Codegen;
using Bridge.Backends.Cpu.Lowering;

namespace Bridge.Backends.Cpu.Runtime;

/// <summary>
/// A model compiled in this process: the shared library (cached path), the program and groups it came from, and the
/// fallback that runs groups without native code through the reference kernels (called back from the generated code).
/// </summary>
public sealed unsafe class CompiledModel : IDisposable
{
    private readonly GeneratedModule? _module;
    private readonly Dictionary<int, FusedGroup> _fallbacks;
    private NativeModel? _native;
    private GCHandle _self;
    private Exception? _fallbackError;

    internal CompiledModel(string library, TensorProgram program, ImmutableArray<FusedGroup> groups, GeneratedModule module, CompileReport report)
    {
        LibraryPath = library;
        Program = program;
        Groups = groups;
        _module = module;
        Report = report;
        _fallbacks = module.Fallbacks.ToDictionary(g => g.Index);
        Signature = CompiledSignature.Of(program);
        _cSource = module.CText;
    }

    /// <summary>A model from the compile cache (<see cref="ModelCache"/>): library, signature and report, no program (it has no fallback groups).</summary>
    internal CompiledModel(string library, CompiledSignature signature, CompileReport report, string cSource)
    {
        LibraryPath = library;
        Program = null;
        Groups = [];
        _module = null;
        Report = report;
        _fallbacks = [];
        Signature = signature;
        _cSource = cSource;
    }

    private readonly string _cSource;

    /// <summary>The cached shared library (what <c>bridge compile -o</c> copies).</summary>
    public string LibraryPath { get; }
    /// <summary>The lowered program; null for a model opened from the compile cache (<see cref="ModelCache"/>).</summary>
    public TensorProgram? Program { get; }
    public ImmutableArray<FusedGroup> Groups { get; }
    public CompileReport Report { get; }
    /// <summary>Inputs (names, dtypes, symbolic shapes) and symbolic dims: what callers need to feed the model.</summary>
    public CompiledSignature Signature { get; }
    /// <summary>The generated C (for <c>--emit-c</c> and tests).</summary>
    public string CSource => _cSource;

    private NativeModel Native()
    {
        if (_native is not null) return _native;
        _native = NativeModel.Open(LibraryPath);
        _self = GCHandle.Alloc(this);
        _native.SetFallback((IntPtr)(delegate* unmanaged<IntPtr, IntPtr, int, int>)&OnFallback, GCHandle.ToIntPtr(_self));
        return _native;
    }

    public void SetThreads(int n) => Native().SetThreads(n);

    /// <summary>Runs on inputs given by name (the program's input names) and returns the outputs in order.</summary>
    public IReadOnlyList<Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs)
    {
        var list = new List<Tensor>();
        foreach (var b in Signature.Inputs)
            list.Add(inputs.TryGetValue(b.Name, out var t) ? t
                : throw new BridgeException(CpuDiagnosticIds.RunFailed, SourceLoc.Unknown.Instance, $"compiled model: no value for input {b.Name} (given: {string.Join(", ", inputs.Keys)})"));
        return Run(list);
    }

    /// <summary>Runs on positional inputs.</summary>
    public IReadOnlyList<Tensor> Run(IReadOnlyList<Tensor> inputs)
    {
        _fallbackError = null;
        return Native().Run(inputs, msg => _fallbackError is { } e ? Rethrow(e) : new BridgeException(CpuDiagnosticIds.RunFailed, SourceLoc.Unknown.Instance, $"compiled model: {msg}"));
    }

    private static Exception Rethrow(Exception e) => e is BridgeException or BridgeInternalError ? e : new BridgeInternalError($"fallback failed: {e.GetType().Name}: {e.Message}");

    [UnmanagedCallersOnly]
    private static int OnFallback(IntPtr user, IntPtr m, int group)
    {
        var self = (CompiledModel)GCHandle.FromIntPtr(user).Target!;
        try
        {
            self.RunFallback(m, group);
            return 0;
        }
        catch (Exception e)
        {
            self._fallbackError = e;
            return 1;
        }
    }

    /// <summary>Runs a group's ops with their reference kernels: external inputs read from the model's buffers, the output written back.</summary>
    private void RunFallback(IntPtr m, int group)
    {
        var g = _fallbacks[group];
        var native = _native!;
        var module = _module ?? throw new BridgeInternalError("fallback group in a model opened from the compile cache");
        long Dim(SymVar v)
        {
            var i = module.Vars.IndexOf(v);
            return i >= 0 ? NativeModel.Dim(native, m, i) : throw new BridgeInternalError($"unbound dim {v.Name}");
        }
        var values = new Dictionary<int, Tensor>();
        Tensor Read(TBuffer b)
        {
            if (values.TryGetValue(b.Id, out var t)) return t;
            if (b.IsConstant) return values[b.Id] = b.Value!;
            var shape = b.Shape.Select(d => d.Evaluate(Dim)).ToArray();
            var bytes = shape.Aggregate(1L, (a, d) => a * d) * b.DType.ElementSize;
            var p = NativeModel.Buffer(native, m, module.BufferIndex[b.Id]);
            return values[b.Id] = Tensor.FromBytes(b.DType, shape, new ReadOnlySpan<byte>((void*)p, checked((int)bytes)).ToArray());
        }
        foreach (var op in g.Ops)
        {
            var ins = op.Inputs.Select(Read).ToList();
            values[op.Output.Id] = ReferenceFallback.Run(op, ins, Dim);
        }
        var result = values[g.Output.Id];
        var expect = g.Output.Shape.Select(d => d.Evaluate(Dim)).ToArray();
        if (!result.Shape.SequenceEqual(expect) || result.DType != g.Output.DType)
            throw new BridgeInternalError($"fallback {g.Root.SourceOp} returned {result} where the program expects {Tensor.FormatShape([.. expect])} {g.Output.DType}");
        var dst = NativeModel.Buffer(native, m, module.BufferIndex[g.Output.Id]);
        result.Bytes.CopyTo(new Span<byte>((void*)dst, result.Bytes.Length));
    }

    public void Dispose()
    {
        _native?.Dispose();
        _native = null;
        if (_self.IsAllocated) _self.Free();
    }
}

using System.Runtime.InteropServices;

namespace Bridge.Backends.Cpu.Runtime;

/// <summary>One input of a compiled model as its library declares it; -1 marks a symbolic dim.</summary>
public sealed record NativeInput(string Name, DataType DType, ImmutableArray<long> Dims);

/// <summary>
/// A compiled model library (<c>bridge_model.h</c>) loaded in this process: metadata, set input, run, get output. Used for
/// models compiled in-process and for <c>.so</c> files written by <c>bridge compile</c>. Not thread-safe: one run at a time.
/// </summary>
public sealed unsafe class NativeModel : IDisposable
{
    private readonly string _path;
    private IntPtr _m;
    private readonly delegate* unmanaged<IntPtr, void> _free;
    private readonly delegate* unmanaged<IntPtr, IntPtr> _error;
    private readonly delegate* unmanaged<IntPtr, int, void*, long*, int, int> _setInput;
    private readonly delegate* unmanaged<IntPtr, int> _run;
    private readonly delegate* unmanaged<IntPtr, int, void**, long*, int*, int> _getOutput;
    private readonly delegate* unmanaged<int, void> _threads;
    private readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr, void> _setFallback;
    private readonly delegate* unmanaged<IntPtr, int, IntPtr> _buffer;
    private readonly delegate* unmanaged<IntPtr, long*> _dims;

    public ImmutableArray<NativeInput> Inputs { get; }
    public ImmutableArray<(string Name, DataType DType)> Outputs { get; }
    /// <summary>The ops that run on reference kernels (comma-separated in the library), empty when none.</summary>
    public ImmutableArray<string> FallbackOps { get; }

    private NativeModel(string path)
    {
        _path = path;
        var lib = NativeBuild.Load(path);
        if (!NativeLibrary.TryGetExport(lib, "brg_model_create", out var create))
            throw new BridgeException(CpuDiagnosticIds.NotAModel, new SourceLoc.Text(path, 0, 0), "not a model compiled by bridge (no brg_model_create)");
        IntPtr E(string s) => NativeBuild.Export(lib, s, path);
        _free = (delegate* unmanaged<IntPtr, void>)E("brg_model_free");
        _error = (delegate* unmanaged<IntPtr, IntPtr>)E("brg_model_error");
        _setInput = (delegate* unmanaged<IntPtr, int, void*, long*, int, int>)E("brg_model_set_input");
        _run = (delegate* unmanaged<IntPtr, int>)E("brg_model_run");
        _getOutput = (delegate* unmanaged<IntPtr, int, void**, long*, int*, int>)E("brg_model_get_output");
        _threads = (delegate* unmanaged<int, void>)E("brg_model_set_num_threads");
        _setFallback = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, void>)E("brg_model_set_fallback");
        _buffer = (delegate* unmanaged<IntPtr, int, IntPtr>)E("brg_model_buffer");
        _dims = (delegate* unmanaged<IntPtr, long*>)E("brg_model_dims");
        var numIn = ((delegate* unmanaged<int>)E("brg_model_num_inputs"))();
        var numOut = ((delegate* unmanaged<int>)E("brg_model_num_outputs"))();
        var inName = (delegate* unmanaged<int, IntPtr>)E("brg_model_input_name");
        var inDType = (delegate* unmanaged<int, IntPtr>)E("brg_model_input_dtype");
        var inNDim = (delegate* unmanaged<int, int>)E("brg_model_input_ndim");
        var inDim = (delegate* unmanaged<int, int, long>)E("brg_model_input_dim");
        var outName = (delegate* unmanaged<int, IntPtr>)E("brg_model_output_name");
        var outDType = (delegate* unmanaged<int, IntPtr>)E("brg_model_output_dtype");
        Inputs = [.. Enumerable.Range(0, numIn).Select(i => new NativeInput(Str(inName(i)), DataType.Parse(Str(inDType(i))),
            [.. Enumerable.Range(0, inNDim(i)).Select(k => inDim(i, k))]))];
        Outputs = [.. Enumerable.Range(0, numOut).Select(i => (Str(outName(i)), DataType.Parse(Str(outDType(i)))))];
        var fb = Str(((delegate* unmanaged<IntPtr>)E("brg_model_fallback_ops"))());
        FallbackOps = fb.Length == 0 ? [] : [.. fb.Split(',')];
        _m = ((delegate* unmanaged<IntPtr>)create)();
        if (_m == IntPtr.Zero) throw new BridgeException(CpuDiagnosticIds.RunFailed, new SourceLoc.Text(path, 0, 0), "brg_model_create failed (out of memory)");
    }

    /// <summary>Loads a compiled model library (BRG6102 when it cannot be loaded, BRG6105 when it is not a Bridge model).</summary>
    public static NativeModel Open(string path) => new(path);

    private static string Str(IntPtr p) => Marshal.PtrToStringUTF8(p) ?? "";

    internal IntPtr Handle => _m;

    /// <summary>Sets the OpenMP thread count of the kernel library and the generated loops.</summary>
    public void SetThreads(int n) => _threads(n);

    internal void SetFallback(IntPtr fn, IntPtr user) => _setFallback(_m, fn, user);
    internal static IntPtr Buffer(NativeModel owner, IntPtr m, int index) => owner._buffer(m, index);
    internal static long Dim(NativeModel owner, IntPtr m, int i) => owner._dims(m)[i];

    /// <summary>Runs on positional inputs and returns the outputs (copied out of the model's storage).</summary>
    /// <param name="inputs">The inputs in the library's order.</param>
    /// <param name="onError">Turns a failed run into an exception (e.g. the fallback's own error); null = BRG6104 with the library's message.</param>
    public IReadOnlyList<Tensor> Run(IReadOnlyList<Tensor> inputs, Func<string, Exception>? onError = null)
    {
        ObjectDisposedException.ThrowIf(_m == IntPtr.Zero, this);
        if (inputs.Count != Inputs.Length) throw Fail($"takes {Inputs.Length} inputs ({string.Join(", ", Inputs.Select(i => i.Name))}), got {inputs.Count}");
        for (var i = 0; i < inputs.Count; i++)
        {
            var t = inputs[i];
            if (t.DType != Inputs[i].DType) throw Fail($"input {Inputs[i].Name} must be {Inputs[i].DType}, got {t.DType}");
            var shape = t.Shape.ToArray();
            int rc;
            fixed (byte* data = t.Bytes)
            fixed (long* s = shape)
                rc = _setInput(_m, i, data, s, shape.Length);
            if (rc != 0) throw Fail(Str(_error(_m)));
        }
        if (_run(_m) != 0)
        {
            var msg = Str(_error(_m));
            throw onError?.Invoke(msg) ?? Fail(msg);
        }
        var outs = new List<Tensor>();
        var dims = new long[8];
        for (var i = 0; i < Outputs.Length; i++)
        {
            void* data;
            int nd;
            fixed (long* s = dims)
                if (_getOutput(_m, i, &data, s, &nd) != 0) throw Fail(Str(_error(_m)));
            var shape = dims[..nd];
            var dt = Outputs[i].DType;
            var bytes = shape.Aggregate(1L, (a, d) => a * d) * dt.ElementSize;
            outs.Add(Tensor.FromBytes(dt, shape, new ReadOnlySpan<byte>(data, checked((int)bytes)).ToArray()));
        }
        return outs;
    }

    private BridgeException Fail(string message) => new(CpuDiagnosticIds.RunFailed, new SourceLoc.Text(_path, 0, 0), $"compiled model: {message}");

    public void Dispose()
    {
        if (_m != IntPtr.Zero) { _free(_m); _m = IntPtr.Zero; }
    }
}

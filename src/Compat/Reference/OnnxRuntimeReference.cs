using System.Diagnostics;
using Bridge.Compat.Inputs;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Bridge.Compat.Reference;

/// <summary>Options of <see cref="OnnxRuntimeReference"/>.</summary>
public sealed record OrtOptions
{
    /// <summary>Intra-op threads (0 = ORT's default). Benchmarks use 2.</summary>
    public int IntraOpThreads { get; init; }
    public int InterOpThreads { get; init; } = 1;
    public GraphOptimizationLevel Optimization { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;
    public static OrtOptions Default { get; } = new();
}

/// <summary>
/// ONNX Runtime (CPU) as the source-of-truth reference: runs a model file on named Core tensors and returns named Core
/// tensors. All ORT tensor dtypes Core can hold are mapped byte for byte (float16 and bfloat16 as their bit patterns, bool as one
/// byte). Errors from ORT become <see cref="BridgeException"/>s (IDs 6600–6602) naming the model.
/// </summary>
public sealed class OnnxRuntimeReference : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _path;

    public OnnxRuntimeReference(string modelPath, OrtOptions? options = null)
    {
        _path = modelPath;
        using var so = MakeOptions(options ?? OrtOptions.Default);
        _session = Guard(() => new InferenceSession(modelPath, so), CompatDiagnosticIds.OrtSessionFailed, "create an ONNX Runtime session");
    }

    /// <summary>A session on a model held in memory (e.g. one with every intermediate marked as an output); <paramref name="name"/> names it in diagnostics.</summary>
    public OnnxRuntimeReference(byte[] model, string name, OrtOptions? options = null)
    {
        _path = name;
        using var so = MakeOptions(options ?? OrtOptions.Default);
        _session = Guard(() => new InferenceSession(model, so), CompatDiagnosticIds.OrtSessionFailed, "create an ONNX Runtime session");
    }

    /// <summary>The outputs that are tensors (the only kind <see cref="Run"/> can return).</summary>
    public ImmutableArray<string> TensorOutputNames => [.. _session.OutputMetadata.Where(kv => kv.Value.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR).Select(kv => kv.Key)];

    /// <summary>The model's inputs as ORT reports them (dtype and symbolic dims), for <see cref="RandomInputs"/>.</summary>
    public ImmutableArray<InputSpec> Inputs => [.. _session.InputMetadata.Select(kv => Spec(kv.Key, kv.Value))];

    public ImmutableArray<string> OutputNames => [.. _session.OutputMetadata.Keys];

    /// <summary>Runs the model once; every declared input must be given. Returns all outputs (or <paramref name="outputs"/>) by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<string>? outputs = null)
    {
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var (name, meta) in _session.InputMetadata)
            {
                if (!inputs.TryGetValue(name, out var t))
                    throw new BridgeException(CompatDiagnosticIds.InputMismatch, Loc(name), $"no value given for model input '{name}'");
                var want = ToCore(meta.ElementDataType, name);
                if (t.DType != want)
                    throw new BridgeException(CompatDiagnosticIds.InputMismatch, Loc(name), $"input '{name}' is {t.DType}; the model wants {want}");
                names.Add(name);
                values.Add(ToOrt(t));
            }
            foreach (var k in inputs.Keys)
                if (!_session.InputMetadata.ContainsKey(k))
                    throw new BridgeException(CompatDiagnosticIds.InputMismatch, Loc(k), $"'{k}' is not an input of the model (inputs: {string.Join(", ", _session.InputMetadata.Keys)})");
            var outNames = outputs?.ToList() ?? [.. _session.OutputMetadata.Keys];
            using var runOptions = new RunOptions();
            using var results = Guard(() => _session.Run(runOptions, names, values, outNames), CompatDiagnosticIds.OrtRunFailed, "run");
            var dict = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            var i = 0;
            foreach (var v in results) dict[outNames[i]] = FromOrt(v, outNames[i++]);
            return dict;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>Creates and disposes sessions <paramref name="repeats"/> times; returns each creation time (for <c>bridge bench</c>).</summary>
    public static ImmutableArray<TimeSpan> MeasureSessionCreation(string modelPath, OrtOptions? options = null, int repeats = 1)
    {
        var b = ImmutableArray.CreateBuilder<TimeSpan>(repeats);
        using var so = MakeOptions(options ?? OrtOptions.Default);
        for (var i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            using var s = Guard(() => new InferenceSession(modelPath, so), CompatDiagnosticIds.OrtSessionFailed, "create an ONNX Runtime session", modelPath);
            b.Add(sw.Elapsed);
        }
        return b.MoveToImmutable();
    }

    /// <summary>One-shot convenience: load, run, dispose.</summary>
    public static IReadOnlyDictionary<string, Tensor> RunOnce(string modelPath, IReadOnlyDictionary<string, Tensor> inputs, OrtOptions? options = null)
    {
        using var r = new OnnxRuntimeReference(modelPath, options);
        return r.Run(inputs);
    }

    public void Dispose() => _session.Dispose();

    private static SessionOptions MakeOptions(OrtOptions o) => new()
    {
        IntraOpNumThreads = o.IntraOpThreads,
        InterOpNumThreads = o.InterOpThreads,
        GraphOptimizationLevel = o.Optimization,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
    };

    private InputSpec Spec(string name, NodeMetadata m)
    {
        if (m.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
            throw new BridgeException(CompatDiagnosticIds.OrtUnsupportedType, Loc(name), $"input '{name}' is a {m.OnnxValueType}; only tensors can be fed");
        var dims = m.Dimensions.Select((d, i) => d >= 0 ? InputDim.Fixed(d)
            : m.SymbolicDimensions.Length > i && !string.IsNullOrEmpty(m.SymbolicDimensions[i]) ? InputDim.Named(m.SymbolicDimensions[i]) : InputDim.Anonymous);
        return new InputSpec(name, ToCore(m.ElementDataType, name), [.. dims]);
    }

    private SourceLoc Loc(string name) => new SourceLoc.GraphNode(_path, "", name, "input");

    /// <summary>ORT element type → Core dtype; string and the float8/int4 families have no Core counterpart.</summary>
    internal DataType ToCore(TensorElementType t, string name) => t switch
    {
        TensorElementType.Float => DataType.Float32,
        TensorElementType.Double => DataType.Float64,
        TensorElementType.Float16 => DataType.Float16,
        TensorElementType.BFloat16 => DataType.BFloat16,
        TensorElementType.Int8 => DataType.Int8,
        TensorElementType.Int16 => DataType.Int16,
        TensorElementType.Int32 => DataType.Int32,
        TensorElementType.Int64 => DataType.Int64,
        TensorElementType.UInt8 => DataType.UInt8,
        TensorElementType.UInt16 => DataType.UInt16,
        TensorElementType.UInt32 => DataType.UInt32,
        TensorElementType.UInt64 => DataType.UInt64,
        TensorElementType.Bool => DataType.Bool,
        _ => throw new BridgeException(CompatDiagnosticIds.OrtUnsupportedType, Loc(name), $"'{name}' has ONNX Runtime element type {t}, which Bridge tensors cannot hold"),
    };

    internal static TensorElementType ToOrt(DataType t) =>
        t == DataType.Float32 ? TensorElementType.Float : t == DataType.Float64 ? TensorElementType.Double
        : t == DataType.Float16 ? TensorElementType.Float16 : t == DataType.BFloat16 ? TensorElementType.BFloat16
        : t == DataType.Int8 ? TensorElementType.Int8 : t == DataType.Int16 ? TensorElementType.Int16
        : t == DataType.Int32 ? TensorElementType.Int32 : t == DataType.Int64 ? TensorElementType.Int64
        : t == DataType.UInt8 ? TensorElementType.UInt8 : t == DataType.UInt16 ? TensorElementType.UInt16
        : t == DataType.UInt32 ? TensorElementType.UInt32 : t == DataType.UInt64 ? TensorElementType.UInt64
        : t == DataType.Bool ? TensorElementType.Bool
        : throw new BridgeException(CompatDiagnosticIds.OrtUnsupportedType, SourceLoc.Unknown.Instance, $"dtype {t} has no ONNX Runtime tensor type");

    /// <summary>A Core tensor copied into an ORT-allocated tensor (same little-endian bytes for every supported dtype).</summary>
    private static OrtValue ToOrt(Tensor t)
    {
        var v = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, ToOrt(t.DType), [.. t.Shape]);
        t.Bytes.CopyTo(v.GetTensorMutableRawData());
        return v;
    }

    private Tensor FromOrt(OrtValue v, string name)
    {
        if (!v.IsTensor)
            throw new BridgeException(CompatDiagnosticIds.OrtUnsupportedType, Loc(name), $"output '{name}' is a {v.OnnxType}; only tensor outputs are supported");
        var info = v.GetTensorTypeAndShape();
        var dtype = ToCore(info.ElementDataType, name);
        var bytes = v.GetTensorMutableRawData().ToArray();
        return Tensor.FromBytes(dtype, info.Shape, bytes);
    }

    private T Guard<T>(Func<T> f, DiagnosticId id, string what) => Guard(f, id, what, _path);

    private static T Guard<T>(Func<T> f, DiagnosticId id, string what, string path)
    {
        try { return f(); }
        catch (OnnxRuntimeException e)
        {
            throw new BridgeException(id, new SourceLoc.GraphNode(path, "", "", "onnxruntime"), $"ONNX Runtime failed to {what}: {e.Message}");
        }
    }
}

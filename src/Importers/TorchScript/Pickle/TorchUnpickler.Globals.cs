using System.Numerics;

namespace Bridge.Importers.TorchScript.Pickle;

public sealed partial class TorchUnpickler
{
    // Storage class name → element type. Complex and quantized storages are recognised so the error can name them.
    private static readonly Dictionary<string, DataType> s_storageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = DataType.Float32,
        ["DoubleStorage"] = DataType.Float64,
        ["HalfStorage"] = DataType.Float16,
        ["BFloat16Storage"] = DataType.BFloat16,
        ["LongStorage"] = DataType.Int64,
        ["IntStorage"] = DataType.Int32,
        ["ShortStorage"] = DataType.Int16,
        ["CharStorage"] = DataType.Int8,
        ["ByteStorage"] = DataType.UInt8,
        ["BoolStorage"] = DataType.Bool,
    };

    private static readonly HashSet<string> s_unsupportedStorageTypes =
    [
        "ComplexFloatStorage", "ComplexDoubleStorage", "ComplexHalfStorage", "QInt8Storage", "QUInt8Storage", "QInt32Storage",
        "QUInt4x2Storage", "QUInt2x4Storage", "UntypedStorage",
    ];

    private static readonly HashSet<string> s_torchDTypes =
    [
        "float32", "float", "float64", "double", "float16", "half", "bfloat16", "int64", "long", "int32", "int", "int16", "short",
        "int8", "uint8", "bool", "complex64", "complex128", "qint8", "quint8", "qint32",
    ];

    // The callables REDUCE/NEWOBJ may apply. Everything else is refused; nothing is ever looked up dynamically.
    private static readonly HashSet<string> s_callables =
    [
        "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_qtensor", "torch._utils._rebuild_sparse_tensor", "torch._utils._rebuild_tensor_v3",
        "collections.OrderedDict", "torch.jit._pickle.restore_type_tag", "torch.jit._pickle.build_intlist",
        "torch.jit._pickle.build_tensorlist", "torch.jit._pickle.build_doublelist", "torch.jit._pickle.build_boollist",
        "torch.jit._pickle.build_tensor_from_id", "torch.device", "builtins.set", "builtins.frozenset", "builtins.complex",
        "__builtin__.set", "__builtin__.frozenset", "__builtin__.complex",
        "_codecs.encode", // protocol-2 pickles spell bytes as _codecs.encode(latin-1 text, 'latin1'); pure, no side effects
    ];

    /// <summary>True for the globals this reader resolves; everything else is refused before anything happens.</summary>
    public static bool IsAllowedGlobal(string module, string name)
    {
        if (s_callables.Contains(module + "." + name)) return true;
        if (module == "torch" && (s_storageTypes.ContainsKey(name) || s_unsupportedStorageTypes.Contains(name) || s_torchDTypes.Contains(name)))
            return true;
        if (module == "torch" && name is "per_tensor_affine" or "per_channel_affine" or "per_channel_affine_float_qparams") return true;
        // TorchScript classes: qualified names under __torch__ only; they become inert records, never code.
        return (module == "__torch__" || module.StartsWith("__torch__.", StringComparison.Ordinal)) && IsIdentifierPath(module) && IsIdentifier(name);
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static bool IsIdentifierPath(string s) => s.Split('.').All(IsIdentifier);

    private object ResolveGlobal(string module, string name)
    {
        if (!IsAllowedGlobal(module, name))
            throw Error(TorchScriptDiagnosticIds.PickleRefusedGlobal, $"refusing to load global {module}.{name}: not on the TorchScript allow-list");
        if (module == "torch" && s_torchDTypes.Contains(name)) return new TorchDType(name);
        return new PyGlobal(module, name);
    }

    private object? Call(object? f, PyTuple args, string how)
    {
        if (f is not PyGlobal g)
            throw Error(TorchScriptDiagnosticIds.PickleRefusedCall, $"refusing {how} on a non-callable {Describe(f)}");
        switch (g.FullName)
        {
            case "torch._utils._rebuild_tensor_v2":
            case "torch._utils._rebuild_tensor":
                return RebuildTensor(args, g.Name);
            case "torch._utils._rebuild_parameter":
            {
                var t = args.Count >= 1 ? args[0] as TorchTensor : null;
                if (t is null) throw Error(TorchScriptDiagnosticIds.PickleMalformed, "_rebuild_parameter expects a tensor");
                t.IsParameter = true;
                return t;
            }
            case "torch._utils._rebuild_qtensor":
            case "torch._utils._rebuild_sparse_tensor":
            case "torch._utils._rebuild_tensor_v3":
            case "torch.jit._pickle.build_tensor_from_id":
                throw Error(TorchScriptDiagnosticIds.UnsupportedTensorKind, $"unsupported tensor kind: {g.FullName} (quantized, sparse, v3 or out-of-band tensors are not read)");
            case "collections.OrderedDict":
            {
                var d = new PyDict();
                if (args.Count == 1 && args[0] is PyList pairs)
                    foreach (var p in pairs.Items)
                        if (p is PyTuple { Count: 2 } kv) d.Set(CheckKey(kv[0]), kv[1]);
                        else throw Error(TorchScriptDiagnosticIds.PickleMalformed, "OrderedDict expects (key, value) pairs");
                else if (args.Count != 0) throw Error(TorchScriptDiagnosticIds.PickleMalformed, "OrderedDict expects no arguments or a list of pairs");
                return d;
            }
            case "torch.jit._pickle.restore_type_tag":
            {
                if (args.Count != 2 || args[1] is not string tag) throw Error(TorchScriptDiagnosticIds.PickleMalformed, "restore_type_tag expects (value, type string)");
                switch (args[0])
                {
                    case PyList l: l.ElementType = tag; break;
                    case PyDict d: d.TypeTag = tag; break;
                }
                return args[0];
            }
            case "torch.jit._pickle.build_intlist":
            case "torch.jit._pickle.build_tensorlist":
            case "torch.jit._pickle.build_doublelist":
            case "torch.jit._pickle.build_boollist":
            {
                if (args.Count != 1 || args[0] is not PyList l) throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"{g.Name} expects one list");
                l.ElementType = g.Name switch { "build_intlist" => "int", "build_doublelist" => "float", "build_boollist" => "bool", _ => "Tensor" };
                return l;
            }
            case "torch.device":
                if (args.Count is 1 or 2 && args[0] is string dev)
                    return new TorchDevice(args.Count == 2 && args[1] is long idx ? $"{dev}:{idx}" : dev);
                throw Error(TorchScriptDiagnosticIds.PickleMalformed, "torch.device expects a device string");
            case "builtins.set" or "__builtin__.set" or "builtins.frozenset" or "__builtin__.frozenset":
            {
                var s = new PySet(g.Name == "frozenset");
                if (args.Count == 1) foreach (var i in Iterate(args[0])) s.Add(i);
                else if (args.Count != 0) throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"{g.Name} expects at most one iterable");
                return s;
            }
            case "builtins.complex" or "__builtin__.complex":
                if (args.Count == 2 && ToDouble(args[0]) is double re && ToDouble(args[1]) is double im) return new Complex(re, im);
                throw Error(TorchScriptDiagnosticIds.PickleMalformed, "complex expects two numbers");
        }
        if (g.FullName == "_codecs.encode")
        {
            if (args.Count == 2 && args[0] is string text && args[1] is "latin1" or "latin-1")
                return text.All(ch => ch <= 0xFF) ? System.Text.Encoding.Latin1.GetBytes(text)
                    : throw Error(TorchScriptDiagnosticIds.PickleMalformed, "_codecs.encode: text is not latin-1");
            throw Error(TorchScriptDiagnosticIds.PickleRefusedCall, "refusing _codecs.encode with anything but (str, 'latin1')");
        }
        if (g.Module.StartsWith("__torch__", StringComparison.Ordinal))
            return new TsObject(g.FullName) { ReduceArgs = args }; // enums: GLOBAL + value + REDUCE; kept inert
        throw Error(TorchScriptDiagnosticIds.PickleRefusedCall, $"refusing {how} on {g.FullName}: not a whitelisted callable");
    }

    private IEnumerable<object?> Iterate(object? v) => v switch
    {
        PyList l => l.Items,
        PyTuple t => t.Items,
        PySet s => s.Items,
        _ => throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"expected an iterable, got {Describe(v)}"),
    };

    private static double? ToDouble(object? v) => v switch { double d => d, long l => l, _ => null };

    private TsObject NewObj(object? cls, PyTuple args)
    {
        // NEWOBJ is cls.__new__(cls, *args): only TorchScript classes, which become inert records.
        if (cls is PyGlobal g && g.Module.StartsWith("__torch__", StringComparison.Ordinal))
            return new TsObject(g.FullName) { ReduceArgs = args.Count == 0 ? null : args };
        throw Error(TorchScriptDiagnosticIds.PickleRefusedCall, $"refusing NEWOBJ on {Describe(cls)}: only __torch__ classes may be instantiated");
    }

    private void Build(object? target, object? state)
    {
        switch (target)
        {
            case TsObject o when o.State is null:
                o.State = state; // the loader would call __setstate__ with this; we keep it as data
                return;
            case PyDict d when state is PyDict s:
                foreach (var kv in s.Items) d.Set(kv.Key, kv.Value);
                return;
            default:
                throw Error(TorchScriptDiagnosticIds.PickleRefusedCall, $"refusing BUILD on {Describe(target)}");
        }
    }

    private TorchStorage PersistentLoad(object? pid)
    {
        // ('storage', torch.FloatStorage, key, location, numel); numel counts elements of the *storage*.
        if (pid is not PyTuple { Count: 5 } t || t[0] is not "storage")
            throw Error(TorchScriptDiagnosticIds.PickleBadPersistentId, $"unsupported persistent id {PyRepr.Of(pid)}");
        if (t[1] is not PyGlobal { Module: "torch" } st)
            throw Error(TorchScriptDiagnosticIds.PickleBadPersistentId, $"persistent id names no storage type: {PyRepr.Of(t[1])}");
        if (!s_storageTypes.TryGetValue(st.Name, out var dtype))
            throw Error(TorchScriptDiagnosticIds.UnsupportedStorageType, $"unsupported storage type torch.{st.Name}");
        var key = t[2] switch { string s => s, long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => null };
        if (key is null || key.Length == 0 || key.Contains('/') || key.Contains('\\') || key.Contains(".."))
            throw Error(TorchScriptDiagnosticIds.PickleBadPersistentId, $"bad storage key {PyRepr.Of(t[2])}");
        var location = t[3] as string ?? (t[3] as TorchDevice)?.Spec ?? "cpu";
        if (t[4] is not long numel || numel < 0)
            throw Error(TorchScriptDiagnosticIds.PickleBadPersistentId, $"bad storage size {PyRepr.Of(t[4])}");
        if (_storages.TryGetValue(key, out var known))
        {
            if (known.DType != dtype)
                throw Error(TorchScriptDiagnosticIds.StorageDtypeConflict, $"storage '{key}' is read as both {known.DType} and {dtype}");
            return known;
        }
        var bytes = _readStorage(key) ?? throw Error(TorchScriptDiagnosticIds.StorageMissing, $"storage record 'data/{key}' is missing from the archive");
        if (numel > bytes.LongLength / dtype.ElementSize)
            throw Error(TorchScriptDiagnosticIds.StorageTooSmall, $"storage '{key}' holds {bytes.LongLength} bytes but declares {numel} {dtype} elements");
        var storage = new TorchStorage(key, dtype, st.Name, location, numel, bytes);
        _storages[key] = storage;
        return storage;
    }

    private TorchTensor RebuildTensor(PyTuple args, string fn)
    {
        // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        var minArgs = fn == "_rebuild_tensor" ? 4 : 6;
        if (args.Count < minArgs || args.Count > 7)
            throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"{fn} expects {minArgs} arguments, got {args.Count}");
        if (args[0] is not TorchStorage storage) throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"{fn}: argument 1 is not a storage");
        if (args[1] is not long offset || offset < 0) throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"{fn}: bad storage offset {PyRepr.Of(args[1])}");
        var sizes = Longs(args[2], "size");
        var strides = Longs(args[3], "stride");
        if (sizes.Length != strides.Length)
            throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"{fn}: {sizes.Length} sizes but {strides.Length} strides");
        var requiresGrad = args.Count > 4 && args[4] is true;
        long count = 1, maxIndex = offset;
        foreach (var (s, st) in sizes.Zip(strides))
        {
            if (s < 0 || st < 0) throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"{fn}: negative size or stride");
            count = s == 0 || count == 0 ? 0 : (count > Tensor.MaxBytes / s ? throw Error(TorchScriptDiagnosticIds.TensorOutOfBounds, "tensor too large") : count * s);
            if (s > 0) maxIndex += (s - 1) * st;
        }
        if (count > 0 && (maxIndex >= storage.NumElements || maxIndex < 0))
            throw Error(TorchScriptDiagnosticIds.TensorOutOfBounds,
                $"tensor [{string.Join(", ", sizes)}] with strides [{string.Join(", ", strides)}] at offset {offset} reaches element {maxIndex} of storage '{storage.Key}' ({storage.NumElements} elements)");
        if (count * storage.DType.ElementSize > Tensor.MaxBytes)
            throw Error(TorchScriptDiagnosticIds.TensorOutOfBounds, "tensor exceeds the 2 GiB per-tensor limit");
        var value = Materialize(storage, offset, sizes, strides, count);
        return new TorchTensor(value, storage, offset, sizes, strides, requiresGrad);
    }

    private ImmutableArray<long> Longs(object? v, string what)
    {
        var items = v switch { PyTuple t => t.Items.AsEnumerable(), PyList l => l.Items, _ => null }
            ?? throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"tensor {what} is not a tuple");
        return [.. items.Select(i => i is long l ? l : throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"tensor {what} holds a non-integer"))];
    }

    /// <summary>Copies the (possibly strided, offset) view out of the storage into a fresh row-major tensor.</summary>
    private static Tensor Materialize(TorchStorage storage, long offset, ImmutableArray<long> sizes, ImmutableArray<long> strides, long count)
    {
        var es = storage.DType.ElementSize;
        var result = Tensor.Zeros(storage.DType, sizes.AsSpan());
        if (count == 0) return result;
        var dst = result.Bytes;
        var src = storage.Bytes.AsSpan();
        long expect = 1;
        var contiguous = true;
        for (var d = sizes.Length - 1; d >= 0; d--)
        {
            if (sizes[d] != 1 && strides[d] != expect) { contiguous = false; break; }
            expect *= sizes[d];
        }
        if (contiguous)
        {
            src.Slice((int)(offset * es), (int)(count * es)).CopyTo(dst);
            return result;
        }
        var rank = sizes.Length;
        var idx = new long[rank];
        for (long n = 0; n < count; n++)
        {
            long e = offset;
            for (var d = 0; d < rank; d++) e += idx[d] * strides[d];
            src.Slice((int)(e * es), es).CopyTo(dst.Slice((int)(n * es), es));
            for (var d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < sizes[d]) break;
                idx[d] = 0;
            }
        }
        return result;
    }
}

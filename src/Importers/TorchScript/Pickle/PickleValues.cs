
namespace Bridge.Importers.TorchScript.Pickle;

// The unpickler's value model. Python scalars map onto CLR values: None → null, bool, long (BigInteger when it does not fit),
// double, string (str), byte[] (bytes). Containers keep identity (memo sharing) and, for dicts, insertion order, which
// TorchScript relies on (slot order, ModuleDict order).

/// <summary>A Python tuple (immutable).</summary>
public sealed class PyTuple(ImmutableArray<object?> items)
{
    public ImmutableArray<object?> Items { get; } = items;
    public int Count => Items.Length;
    public object? this[int i] => Items[i];
    public override string ToString() => PyRepr.Of(this);
}

/// <summary>A Python list (mutable while unpickling, then left alone). <see cref="ElementType"/> comes from <c>restore_type_tag</c>/<c>build_*list</c>.</summary>
public sealed class PyList
{
    public List<object?> Items { get; } = [];
    public string? ElementType { get; set; }
    public int Count => Items.Count;
    public object? this[int i] => Items[i];
    public override string ToString() => PyRepr.Of(this);
}

/// <summary>A Python dict with insertion order kept (pickle <c>SETITEMS</c> order).</summary>
public sealed class PyDict
{
    private readonly List<KeyValuePair<object?, object?>> _items = [];
    public IReadOnlyList<KeyValuePair<object?, object?>> Items => _items;
    public string? TypeTag { get; set; }
    public int Count => _items.Count;

    /// <summary>Python semantics: an existing key keeps its position and gets the new value.</summary>
    public void Set(object? key, object? value)
    {
        for (var i = 0; i < _items.Count; i++)
            if (PyRepr.KeyEquals(_items[i].Key, key)) { _items[i] = new(key, value); return; }
        _items.Add(new(key, value));
    }

    public bool TryGet(object? key, out object? value)
    {
        foreach (var kv in _items)
            if (PyRepr.KeyEquals(kv.Key, key)) { value = kv.Value; return true; }
        value = null;
        return false;
    }

    public override string ToString() => PyRepr.Of(this);
}

/// <summary>A Python set or frozenset.</summary>
public sealed class PySet(bool frozen)
{
    public bool Frozen { get; } = frozen;
    public List<object?> Items { get; } = [];
    public void Add(object? v) { if (!Items.Exists(x => PyRepr.KeyEquals(x, v))) Items.Add(v); }
}

/// <summary>A whitelisted global reference (the result of GLOBAL/STACK_GLOBAL), e.g. <c>torch._utils._rebuild_tensor_v2</c>.</summary>
public sealed record PyGlobal(string Module, string Name)
{
    public string FullName => Module + "." + Name;
    public override string ToString() => FullName;
}

/// <summary>A <c>torch.device</c> value.</summary>
public sealed record TorchDevice(string Spec)
{
    public override string ToString() => $"device('{Spec}')";
}

/// <summary>A torch dtype global (<c>torch.float32</c>, ...), as it can appear in attributes.</summary>
public sealed record TorchDType(string Name)
{
    public override string ToString() => "torch." + Name;
}

/// <summary>
/// A TorchScript object (module or class instance) of class <see cref="QualifiedName"/> (<c>__torch__.…</c>, mangled names
/// kept). <see cref="State"/> is what BUILD handed over: normally an ordered attribute dict, or whatever a user
/// <c>__getstate__</c> returned.
/// </summary>
public sealed class TsObject(string qualifiedName)
{
    public string QualifiedName { get; } = qualifiedName;
    public object? State { get; set; }
    /// <summary>Arguments when the object was made by REDUCE on the class (enums: the value).</summary>
    public PyTuple? ReduceArgs { get; set; }
    public PyDict? Slots => State as PyDict;
    public override string ToString() => $"<{QualifiedName}>";
}

/// <summary>A storage described by a persistent id <c>('storage', torch.FloatStorage, key, location, numel)</c>.</summary>
public sealed record TorchStorage(string Key, DataType DType, string StorageType, string Location, long NumElements, byte[] Bytes);

/// <summary>
/// A tensor rebuilt by <c>_rebuild_tensor_v2</c>: the materialized contiguous <see cref="Value"/> plus what the archive said
/// (storage key, offset, sizes, strides) so that sharing and layout stay visible.
/// </summary>
public sealed class TorchTensor(Tensor value, TorchStorage storage, long storageOffset, ImmutableArray<long> sizes, ImmutableArray<long> strides, bool requiresGrad)
{
    public Tensor Value { get; } = value;
    public TorchStorage Storage { get; } = storage;
    public long StorageOffset { get; } = storageOffset;
    public ImmutableArray<long> Sizes { get; } = sizes;
    public ImmutableArray<long> Strides { get; } = strides;
    public bool RequiresGrad { get; } = requiresGrad;
    public bool IsParameter { get; set; }

    /// <summary>True when the strides are the row-major strides of the sizes (size-1 dims ignored).</summary>
    public bool IsContiguous
    {
        get
        {
            long expect = 1;
            for (var i = Sizes.Length - 1; i >= 0; i--)
            {
                if (Sizes[i] != 1 && Strides[i] != expect) return false;
                expect *= Sizes[i];
            }
            return true;
        }
    }

    public override string ToString() => $"Tensor[{string.Join(", ", Sizes)}; {Value.DType}]";
}

/// <summary>Python-like rendering and key equality of pickle values.</summary>
public static class PyRepr
{
    /// <summary>
    /// Python-like text, depth- and length-limited: pickles can build cyclic containers (a list appended to itself via the
    /// memo), which a naive recursive repr would follow forever.
    /// </summary>
    public static string Of(object? v) => Of(v, 0);

    private static string Of(object? v, int depth) => depth > 6 ? "..." : v switch
    {
        PyTuple t => "(" + Items(t.Items, depth) + (t.Count == 1 ? ",)" : ")"),
        PyList l => "[" + Items(l.Items, depth) + "]",
        PyDict d => "{" + string.Join(", ", d.Items.Take(8).Select(kv => Of(kv.Key, depth + 1) + ": " + Of(kv.Value, depth + 1))) + (d.Count > 8 ? ", ..." : "") + "}",
        null => "None",
        bool b => b ? "True" : "False",
        string s => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        byte[] bs => $"b<{bs.Length} bytes>",
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
    };

    private static string Items(IEnumerable<object?> items, int depth)
    {
        var list = items.Take(9).ToList();
        return string.Join(", ", list.Take(8).Select(i => Of(i, depth + 1))) + (list.Count > 8 ? ", ..." : "");
    }

    public static bool KeyEquals(object? a, object? b) => a switch
    {
        null => b is null,
        string s => b is string t && s == t,
        long x => b is long y ? x == y : b is bool bb && x == (bb ? 1 : 0),
        bool p => b is bool q ? p == q : b is long y2 && y2 == (p ? 1 : 0),
        double d => b is double e && d.Equals(e),
        PyTuple t1 => b is PyTuple t2 && t1.Count == t2.Count && t1.Items.Zip(t2.Items).All(z => KeyEquals(z.First, z.Second)),
        _ => ReferenceEquals(a, b) || Equals(a, b),
    };
}

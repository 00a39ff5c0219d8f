using System.Collections;
using Bridge.Ir.Ops;

namespace Bridge.Backends.Reference;

/// <summary>A kernel adapter: reads one call's typed attrs and argument values, calls the kernel, returns the result value.</summary>
public delegate Value KernelFn(KernelCall call);

/// <summary>
/// One op call as a kernel adapter sees it: the op, its typed attrs record, the evaluated arguments and the call's location.
/// Attribute accessors read the typed record through its reflected <see cref="AttrSchema"/> by TVM attribute name, so one adapter
/// serves a Relay and a Relax op whose attrs agree in name and meaning (their records differ in CLR types: Relay spells dtypes
/// as strings, Relax as <see cref="DataType"/>; both are accepted).
/// </summary>
public sealed class KernelCall(OpDef op, Attrs attrs, IReadOnlyList<Value> args, SourceLoc loc)
{
    public OpDef Op { get; } = op;
    public Attrs Attrs { get; } = attrs;
    public IReadOnlyList<Value> Args { get; } = args;
    public SourceLoc Loc { get; } = loc;
    /// <summary>The statically known output dtype when the interpreter has one (Relay checked type, Relax struct info).</summary>
    public DataType? OutDType { get; init; }
    /// <summary>The statically known output shape when fully static (used by ops such as Relay's <c>dyn.*</c> fallbacks).</summary>
    public long[]? OutShape { get; init; }

    public int Count => Args.Count;

    /// <summary>Argument <paramref name="i"/> as a tensor (0-d prim values are converted).</summary>
    public Tensor T(int i)
    {
        if (i >= Args.Count) throw Error($"needs argument {i}, got {Args.Count}");
        return Args[i] switch
        {
            TensorValue t => t.Tensor,
            PrimScalar p => p.DType.IsFloat ? Tensor.Scalar(p.DType, p.Float) : ScalarInt(p.DType, p.Int),
            ShapeValue s => Tensor.FromArray(s.Dims.ToArray(), s.Dims.Length),
            var v => throw Error($"argument {i} must be a tensor, got {v.Describe()}"),
        };
    }

    private static Tensor ScalarInt(DataType d, long v)
    {
        var t = Tensor.Zeros(d, ReadOnlySpan<long>.Empty);
        t.SetInt64(0, v);
        return t;
    }

    /// <summary>Argument <paramref name="i"/> as a tensor, or null when absent (optional trailing inputs).</summary>
    public Tensor? OptT(int i) => i < Args.Count && Args[i] is not TupleValue { Fields.Length: 0 } ? T(i) : null;

    /// <summary>Argument <paramref name="i"/> as a tuple's fields (a tensor list for concat/stack).</summary>
    public IReadOnlyList<Tensor> Tensors(int i) => Args[i] switch
    {
        TupleValue tv => [.. tv.Fields.Select((f, k) => f is TensorValue t ? t.Tensor : throw Error($"field {k} of argument {i} is {f.Describe()}, not a tensor"))],
        TensorValue t => [t.Tensor],
        var v => throw Error($"argument {i} must be a tuple of tensors, got {v.Describe()}"),
    };

    /// <summary>Argument <paramref name="i"/> as integers: a shape, a tuple of prim values or 0-d tensors, or a 1-D integer tensor.</summary>
    public long[] Ints(int i)
    {
        if (i >= Args.Count) throw Error($"needs argument {i}, got {Args.Count}");
        return IntsOf(Args[i], i);
    }

    private long[] IntsOf(Value v, int i) => v switch
    {
        ShapeValue s => [.. s.Dims],
        PrimScalar p => [p.Int],
        TupleValue tv => [.. tv.Fields.SelectMany(f => IntsOf(f, i))],
        TensorValue t when t.Tensor.Rank <= 1 => Enumerable.Range(0, (int)t.Tensor.Length).Select(k => t.Tensor.GetInt64(k)).ToArray(),
        _ => throw Error($"argument {i} must be a list of integers, got {v.Describe()}"),
    };

    /// <summary>Argument <paramref name="i"/> as one number (prim value or one-element tensor).</summary>
    public double Scalar(int i) => Args[i] switch
    {
        PrimScalar p => p.AsDouble,
        TensorValue t when t.Tensor.Length == 1 => t.Tensor.GetDouble(0),
        var v => throw Error($"argument {i} must be a scalar, got {v.Describe()}"),
    };

    // ---- attributes, by TVM name -------------------------------------------------------------------------------------

    public bool HasAttr(string name) => Attrs.Schema.TryGetField(name, out _);

    public object? Raw(string name) => Attrs.Schema.TryGetField(name, out var f) ? f.Property.GetValue(Attrs) : null;

    public long[]? Longs(string name) => ToLongs(Raw(name));

    public long[] Longs(string name, long[] dflt) => ToLongs(Raw(name)) ?? dflt;

    public long Long(string name, long dflt = 0) => Raw(name) switch
    {
        null => dflt,
        long l => l,
        int n => n,
        double d => (long)d,
        bool b => b ? 1 : 0,
        IEnumerable e when ToLongs(e) is { Length: 1 } one => one[0],
        var v => throw Error($"attribute {name}={v} is not an integer"),
    };

    public long? OptLong(string name) => Raw(name) is null ? null : Long(name);

    public double Double(string name, double dflt = 0) => Raw(name) switch
    {
        null => dflt,
        double d => d,
        float f => f,
        long l => l,
        int n => n,
        var v => throw Error($"attribute {name}={v} is not a number"),
    };

    public bool Bool(string name, bool dflt = false) => Raw(name) switch
    {
        null => dflt,
        bool b => b,
        long l => l != 0,
        var v => throw Error($"attribute {name}={v} is not a bool"),
    };

    public string Str(string name, string dflt = "") => Raw(name) switch
    {
        null => dflt,
        string s => s,
        var v => v.ToString() ?? dflt,
    };

    /// <summary>A dtype attribute; null when unset (<c>""</c>, <c>void</c> or None).</summary>
    public DataType? DType(string name) => Raw(name) switch
    {
        DataType d when !d.IsVoid => d,
        string s when s.Length > 0 && s != "void" => DataType.TryParse(s, out var d) ? d : throw Error($"unknown dtype '{s}' in {name}"),
        _ => null,
    };

    public static long[]? ToLongs(object? v) => v switch
    {
        null => null,
        long[] a => a,
        ValueArray<long> va => [.. va],
        ImmutableArray<long> ia => [.. ia],
        long l => [l],
        int n => [n],
        IEnumerable e and not string => e.Cast<object?>().SelectMany(x => ToLongs(x) ?? []).ToArray(),
        _ => null,
    };

    /// <summary>An error located at this call.</summary>
    public BridgeException Error(string message) =>
        new(InterpDiagnosticIds.KernelFailed, Loc, $"{Op.Name}: {message}");

    public static Value Of(Tensor t) => new TensorValue(t);

    public static Value Tuple(params Tensor[] ts) => new TupleValue([.. ts.Select(t => (Value)new TensorValue(t))]);
}

using System.Collections.Frozen;

namespace Bridge.Backends.Reference;

/// <summary>
/// The packed functions the Relax interpreter executes when a program calls them through <c>R.call_dps_packed</c>: a small
/// named registry of functions whose meaning is known (today TVM's <c>tvm.contrib.random.uniform</c> and
/// <c>tvm.contrib.random.normal</c>, which the ONNX→Relax emitter uses for the ONNX random ops). Any other symbol keeps the
/// interpreter's "calls lowered code" diagnostic.
/// <para>
/// TVM fills the destination with its thread-local <c>std::mt19937</c> engine, which a program cannot seed: its numbers are
/// not reproducible. Bridge draws from a <see cref="PackedRandomState"/> instead (Threefry, seeded per interpreter), so a run
/// is reproducible and the values follow the same distribution; they are not TVM's values and are never compared as such.
/// </para>
/// </summary>
public static class PackedFunctions
{
    /// <summary>
    /// A destination-passing packed function: the scalar arguments (prim values or 0-d tensors, in call order), the
    /// destination's concrete shape and dtype, and the interpreter's random state; returns the filled destination.
    /// </summary>
    public delegate Tensor DpsFn(IReadOnlyList<Value> args, long[] shape, DataType dtype, PackedRandomState random, SourceLoc loc);

    private static readonly FrozenDictionary<string, DpsFn> s_dps = new Dictionary<string, DpsFn>(StringComparer.Ordinal)
    {
        // src/runtime/contrib/random/random.cc: uniform(double low, double high, DLTensor* out), normal(double loc, double scale, out).
        ["tvm.contrib.random.uniform"] = (a, s, d, r, loc) => r.Uniform(Scalar(a, 0, "tvm.contrib.random.uniform", loc), Scalar(a, 1, "tvm.contrib.random.uniform", loc), s, d, loc),
        ["tvm.contrib.random.normal"] = (a, s, d, r, loc) => r.Normal(Scalar(a, 0, "tvm.contrib.random.normal", loc), Scalar(a, 1, "tvm.contrib.random.normal", loc), s, d, loc),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The names the interpreter executes.</summary>
    public static IReadOnlyCollection<string> Names => s_dps.Keys;

    /// <summary>The destination-passing function named <paramref name="symbol"/>, or null when it is not known.</summary>
    public static DpsFn? FindDps(string symbol) => s_dps.GetValueOrDefault(symbol);

    private static double Scalar(IReadOnlyList<Value> args, int i, string fn, SourceLoc loc)
    {
        if (args.Count != 2) throw new BridgeException(InterpDiagnosticIds.TypeError, loc, $"{fn} takes 2 scalar arguments before the destination, got {args.Count}");
        return args[i] switch
        {
            PrimScalar p => p.AsDouble,
            TensorValue { Tensor.Length: 1 } t => t.Tensor.GetDouble(0),
            var v => throw new BridgeException(InterpDiagnosticIds.TypeError, loc, $"{fn}: argument {i} must be a number, got {v.Describe()}"),
        };
    }
}

/// <summary>
/// The random stream of one interpreter's packed random calls: a Threefry state (<see cref="Threefry"/>) started from a seed
/// and advanced by every draw, so the n-th call of a run always gets the same numbers.
/// </summary>
public sealed class PackedRandomState(ulong seed)
{
    private Tensor _key = Threefry.KeyTensor(seed);

    /// <summary>Uniform in [low, high) like TVM's engine (which requires high &gt; low); floats other than 32/64-bit are refused.</summary>
    public Tensor Uniform(double low, double high, long[] shape, DataType dtype, SourceLoc loc)
    {
        if (!(high > low)) throw new BridgeException(InterpDiagnosticIds.KernelFailed, loc, $"tvm.contrib.random.uniform: high ({high}) must be bigger than low ({low})");
        var (next, v) = Threefry.Uniform(_key, low, high, shape, Float(dtype, "tvm.contrib.random.uniform", loc));
        _key = next;
        // float32 rounding of u·(high − low) + low can reach high; the engine's interval is half-open.
        if (v.DType == DataType.Float32)
        {
            var s = v.Span<float>();
            for (var i = 0; i < s.Length; i++) if (s[i] >= (float)high) s[i] = MathF.BitDecrement((float)high);
        }
        return v;
    }

    /// <summary>Normal with mean <paramref name="mean"/> and standard deviation <paramref name="scale"/>.</summary>
    public Tensor Normal(double mean, double scale, long[] shape, DataType dtype, SourceLoc loc)
    {
        var (next, v) = Threefry.Normal(_key, mean, scale, shape, Float(dtype, "tvm.contrib.random.normal", loc));
        _key = next;
        return v;
    }

    private static DataType Float(DataType d, string fn, SourceLoc loc) =>
        d == DataType.Float32 || d == DataType.Float64 ? d
        : throw new BridgeException(InterpDiagnosticIds.KernelFailed, loc, $"{fn}: TVM's random engine fills float32 tensors; {d} is not supported");
}

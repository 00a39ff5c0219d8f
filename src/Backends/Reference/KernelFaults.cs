using Bridge.Ir.Ops;

namespace Bridge.Backends.Reference;

/// <summary>
/// A deliberate fault in one op's reference kernel, for testing the tools that localise divergences (<c>check</c>'s per-node
/// comparison, <c>bridge reduce</c>, repro bundles): every float result of the op in one dialect gets <see cref="Delta"/> added.
/// Off unless a test sets it (<see cref="Inject"/>) or the process starts with <c>BRIDGE_TEST_PERTURB_KERNEL=dialect:op[:delta]</c>
/// (e.g. <c>relax:nn.relu:0.5</c>; a Relax op may be named with or without its <c>relax.</c> prefix); never set in production. Bundles record the variable when it is set so a rerun reproduces.
/// </summary>
public sealed record KernelFaults(Dialect Dialect, string Op, double Delta)
{
    public const string EnvironmentVariable = "BRIDGE_TEST_PERTURB_KERNEL";

    private static KernelFaults? s_active = FromEnvironment(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>The fault in effect, or null (the normal case).</summary>
    public static KernelFaults? Active => Volatile.Read(ref s_active);

    /// <summary>The <see cref="EnvironmentVariable"/> form of this fault.</summary>
    public override string ToString() => FormattableString.Invariant($"{Dialect.ToString().ToLowerInvariant()}:{Op}:{Delta:R}");

    /// <summary>Parses <c>dialect:op[:delta]</c> (delta defaults to 0.5); null for null/empty or a malformed value.</summary>
    public static KernelFaults? FromEnvironment(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3 || !Enum.TryParse<Dialect>(parts[0], true, out var d) || parts[1].Length == 0) return null;
        var delta = 0.5;
        if (parts.Length == 3 && !double.TryParse(parts[2], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out delta))
            return null;
        return new KernelFaults(d, parts[1], delta);
    }

    /// <summary>Sets <paramref name="fault"/> until the returned handle is disposed (tests only; not thread-safe across tests).</summary>
    public static IDisposable Inject(KernelFaults? fault)
    {
        var previous = Interlocked.Exchange(ref s_active, fault);
        return new Restore(previous);
    }

    private sealed class Restore(KernelFaults? previous) : IDisposable
    {
        public void Dispose() => Interlocked.Exchange(ref s_active, previous);
    }

    /// <summary>The kernel's result, perturbed when the active fault names this op.</summary>
    internal static Value Apply(KernelCall call, Value result)
    {
        var f = Active;
        if (f is null || call.Op.Dialect != f.Dialect) return result;
        // Relax ops are registered as relax.NAME; the fault may name either form.
        if (call.Op.Name != f.Op && !(f.Dialect == Dialect.Relax && call.Op.Name.Length == f.Op.Length + 6 && call.Op.Name.EndsWith(f.Op, StringComparison.Ordinal)
            && call.Op.Name.StartsWith("relax.", StringComparison.Ordinal))) return result;
        return Perturb(result, f.Delta);
    }

    private static Value Perturb(Value v, double delta) => v switch
    {
        TensorValue t when t.Tensor.DType.IsFloat => new TensorValue(Shifted(t.Tensor, delta)),
        TupleValue tv => new TupleValue([.. tv.Fields.Select(x => Perturb(x, delta))]),
        _ => v,
    };

    private static Tensor Shifted(Tensor t, double delta)
    {
        var r = t.Clone();
        for (long i = 0; i < t.Length; i++) r.SetDouble(i, t.GetDouble(i) + delta);
        return r;
    }
}

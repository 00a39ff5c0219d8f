using System.Runtime.CompilerServices;
using Bridge.Ir.Ops;

namespace Bridge.Backends.Reference;

/// <summary>
/// Attaches the reference kernels to the op registry: the <see cref="Kernel"/> facet of every Relay and Relax op that has a
/// kernel holds a thin adapter from that op's typed attrs record to the kernel's parameters (STYLE 3: one op list; the kernels
/// know nothing of IR). Registration runs from a module initializer and from <see cref="EnsureRegistered"/> (idempotent).
/// </summary>
public static partial class ReferenceKernels
{
    /// <summary>The reference kernel facet.</summary>
    public static readonly OpFacet<KernelFn> Kernel = new("reference.kernel");

    private static readonly object s_lock = new();
    private static bool s_done;
    private static readonly List<string> s_unresolved = [];

#pragma warning disable CA2255 // kernels must be attached before any interpreter looks an op's facet up (DEVELOPERS.md)
    [ModuleInitializer]
    internal static void Init() => EnsureRegistered();
#pragma warning restore CA2255

    /// <summary>Attaches every adapter (once). Safe to call from any thread.</summary>
    public static void EnsureRegistered()
    {
        lock (s_lock)
        {
            if (s_done) return;
            // Touch the IR op tables first (their own module initializer registers them; this forces the assembly to load).
            _ = OpRegistry.All(Dialect.Relay);
            RegisterShared();
            RegisterRelay();
            RegisterRelayDyn();
            RegisterRelax();
            RegisterIndexSearchSignal();
            RegisterQnn();
            RegisterStd();
            RegisterRandom();
            RegisterLegacy();
            if (s_unresolved.Count > 0)
                throw new Core.Diagnostics.BridgeInternalError($"kernel adapters name ops the IR does not declare: {string.Join(", ", s_unresolved)}");
            s_done = true;
        }
    }

    /// <summary>The kernel of <paramref name="op"/>, or null when the reference backend has none.</summary>
    public static KernelFn? Find(OpDef op)
    {
        EnsureRegistered();
        return op.Get(Kernel);
    }

    /// <summary>The ops of <paramref name="dialect"/> without a kernel (informational: the coverage report).</summary>
    public static IReadOnlyList<string> Missing(Dialect dialect)
    {
        EnsureRegistered();
        return [.. OpRegistry.All(dialect).Where(o => !o.Has(Kernel)).Select(o => o.Name)];
    }

    private static void Set(Dialect d, string name, KernelFn fn)
    {
        var full = d == Dialect.Relax && !name.StartsWith("relax.", StringComparison.Ordinal) ? "relax." + name : name;
        // A name the IR does not declare is a start-up error (EnsureRegistered throws with every such name), never a silent skip.
        if (OpRegistry.TryGet(d, full, out var op)) op.Set(Kernel, fn);
        else s_unresolved.Add($"{d}:{full}");
    }

    private static void Relay(string name, KernelFn fn) => Set(Dialect.Relay, name, fn);
    private static void Relax(string name, KernelFn fn) => Set(Dialect.Relax, name, fn);
    private static void Both(string name, KernelFn fn) { Relay(name, fn); Relax(name, fn); }

    private static Value V(Tensor t) => new TensorValue(t);
}

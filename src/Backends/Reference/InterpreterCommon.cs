using Bridge.Ir.Ops;

namespace Bridge.Backends.Reference;

/// <summary>One traced op result: where it came from (the call's <see cref="SourceLoc"/>), the op, and the value.</summary>
public sealed record TraceEvent(SourceLoc Loc, string Op, Value Value, int Sequence);

/// <summary>Options shared by both interpreters.</summary>
public sealed record InterpreterOptions
{
    /// <summary>Called after every op call with its result (for "first diverging op"); null = no tracing.</summary>
    public Action<TraceEvent>? Trace { get; init; }
    /// <summary>Checked before every op call; a cancelled token aborts the run with <see cref="InterpDiagnosticIds.Cancelled"/>.</summary>
    public CancellationToken Cancellation { get; init; }
    /// <summary>Drop intermediate values after their last use (default). Off only for debugging.</summary>
    public bool FreeIntermediates { get; init; } = true;
    /// <summary>Stack reserved for the interpreter thread: deep Relay graphs recurse once per nesting level.</summary>
    public int StackBytes { get; init; } = 512 * 1024 * 1024;

    public static InterpreterOptions Default { get; } = new();
}

/// <summary>Helpers shared by the Relay and Relax interpreters.</summary>
public static class InterpreterCommon
{
    /// <summary>
    /// Runs <paramref name="body"/> on a thread with a large stack (nested Relay graphs recurse once per level; resnet50 in graph
    /// form nests hundreds deep, generated chains tens of thousands), rethrowing its exception on the caller's thread.
    /// </summary>
    public static T OnBigStack<T>(Func<T> body, int stackBytes)
    {
        T result = default!;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try { result = body(); }
            catch (Exception ex) { error = ex; }
        }, stackBytes) { Name = "bridge-interpreter", IsBackground = true };
        t.Start();
        t.Join();
        if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        return result;
    }

    /// <summary>
    /// Calls <paramref name="kernel"/>, re-locating kernel errors (which carry no location) at the call. Before it runs, the result's
    /// static size (<paramref name="resultBytes"/>, 0 when unknown) and the values live are checked against the memory budget
    /// (<see cref="Core.Limits.MemoryBudget.CheckWorkingSet"/>), so activations beyond <c>--max-memory</c> end in BRG1102 at the op.
    /// </summary>
    public static Value Invoke(KernelFn kernel, KernelCall call, long resultBytes = 0)
    {
        Core.Limits.MemoryBudget.CheckWorkingSet(resultBytes, $"result of {call.Op.Name}", call.Loc);
        try
        {
            var result = kernel(call);
            return KernelFaults.Active is null ? result : KernelFaults.Apply(call, result);
        }
        catch (BridgeException ex) when (ex.Diagnostic.Loc is SourceLoc.Unknown)
        {
            throw new BridgeException(ex.Diagnostic with { Loc = call.Loc, Message = $"{call.Op.Name}: {ex.Diagnostic.Message}" }, ex);
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or InvalidCastException or OverflowException or OutOfMemoryException or InvalidOperationException)
        {
            throw new BridgeException(Diagnostic.Error(InterpDiagnosticIds.KernelFailed, call.Loc,
                $"{call.Op.Name} failed on {string.Join(", ", call.Args.Select(a => a.Describe()))}: {ex.Message}"), ex);
        }
    }

    /// <summary>Bytes of a Relax result whose struct info has static shapes (tensors and tuples of them); 0 when any dim is symbolic.</summary>
    public static long StaticBytes(Ir.Relax.StructInfo? info) => info switch
    {
        Ir.Relax.TensorSInfo { Shape: { } s, DType: { } dt } => Bytes(s, dt),
        Ir.Relax.TupleSInfo t => t.Fields.Sum(StaticBytes),
        _ => 0,
    };

    /// <summary>Bytes of a Relay result whose checked type has static shapes; 0 when any dim is symbolic.</summary>
    public static long StaticBytes(Ir.Relay.RelayType? type) => type switch
    {
        Ir.Relay.TensorType t => Bytes(t.Shape, t.DType),
        Ir.Relay.TupleType t => t.Fields.Sum(StaticBytes),
        _ => 0,
    };

    private static long Bytes(IEnumerable<Core.Shapes.SymExpr> shape, DataType dt)
    {
        double n = dt.ElementSize;
        foreach (var d in shape)
        {
            if (d.AsConst is not { } c) return 0;
            n *= Math.Max(0, c);
        }
        return n >= long.MaxValue ? long.MaxValue : (long)n;
    }

    /// <summary>The kernel of <paramref name="op"/> or a located "no kernel" error.</summary>
    public static KernelFn KernelOf(OpDef op, SourceLoc loc) =>
        ReferenceKernels.Find(op) ?? throw new BridgeException(InterpDiagnosticIds.NoKernel, loc, $"op {op.Name} has no reference kernel");

    /// <summary>All tensors of a value, depth-first (a tuple's fields in order).</summary>
    public static List<Tensor> Flatten(Value v)
    {
        var r = new List<Tensor>();
        void Go(Value x)
        {
            switch (x)
            {
                case TensorValue t: r.Add(t.Tensor); break;
                case TupleValue tv: foreach (var f in tv.Fields) Go(f); break;
                case ShapeValue s: r.Add(Tensor.FromArray(s.Dims.ToArray(), s.Dims.Length)); break;
                case PrimScalar p: r.Add(p.DType.IsFloat ? Tensor.Scalar(p.DType, p.Float) : Tensor.Scalar(DataType.Int64, p.Int)); break;
            }
        }
        Go(v);
        return r;
    }

    internal static bool Truthy(Value v, SourceLoc loc) => v switch
    {
        TensorValue t when t.Tensor.Length == 1 => t.Tensor.GetDouble(0) != 0,
        PrimScalar p => p.AsDouble != 0,
        _ => throw new BridgeException(InterpDiagnosticIds.TypeError, loc, $"if condition must be a scalar, got {v.Describe()}"),
    };
}

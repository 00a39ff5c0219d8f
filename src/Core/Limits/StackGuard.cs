using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Bridge.Core.Limits;

/// <summary>
/// Keeps recursion over input-shaped structures (nested expressions, reference chains) from overflowing the stack, the way
/// Roslyn's StackGuard does: every recursive reader and pass calls <see cref="Check"/> at each level, which refuses the input
/// with a located <see cref="CoreDiagnosticIds.NestingTooDeep"/> diagnostic when less than ~128 KiB of stack is left, instead
/// of letting the runtime kill the process. The CLI runs each verb on a thread with a <see cref="LargeStackBytes"/> stack, so
/// real models (expression depth in the tens of thousands) fit; readers also enforce a fixed <see cref="MaxNesting"/>.
/// </summary>
public static class StackGuard
{
    /// <summary>Stack of the thread the CLI runs a verb on (virtual reservation; pages are committed only when touched).</summary>
    public const int LargeStackBytes = 512 * 1024 * 1024;

    /// <summary>
    /// Deepest nesting (parenthesised expressions in text, reference chains in JSON graphs) a reader accepts; deeper input is
    /// refused with a located diagnostic before any pass sees it.
    /// </summary>
    public const int MaxNesting = 100_000;

    /// <summary>Throws <see cref="CoreDiagnosticIds.NestingTooDeep"/> at <paramref name="loc"/> when the stack is nearly exhausted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check(SourceLoc loc)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack()) throw TooDeep(loc);
    }

    /// <summary>As <see cref="Check(SourceLoc)"/>, with the location computed only when the check fails.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check<T>(T node, Func<T, SourceLoc> loc)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack()) throw TooDeep(loc(node));
    }

    /// <summary>Returns <paramref name="value"/> after <see cref="Check(SourceLoc)"/>: for expression-bodied recursive visitors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Guarded<T>(T value, SourceLoc loc)
    {
        Check(loc);
        return value;
    }

    /// <summary>The diagnostic for input nested deeper than the stack allows.</summary>
    public static BridgeException TooDeep(SourceLoc loc) =>
        new(CoreDiagnosticIds.NestingTooDeep, loc, "the input nests too deeply to process here (stack exhausted); "
            + $"inputs up to {MaxNesting:N0} levels are supported by the bridge CLI");

    /// <summary>The diagnostic for a reader's fixed nesting limit.</summary>
    public static BridgeException OverLimit(SourceLoc loc, long depth) =>
        new(CoreDiagnosticIds.NestingTooDeep, loc, $"nesting depth {depth:N0} exceeds the limit of {MaxNesting:N0}");

    /// <summary>Runs <paramref name="body"/> on a fresh thread with a <see cref="LargeStackBytes"/> stack and returns its result (exceptions are rethrown as they were).</summary>
    public static T RunWithLargeStack<T>(Func<T> body)
    {
        T result = default!;
        ExceptionDispatchInfo? error = null;
        var t = new Thread(() =>
        {
            try { result = body(); }
            catch (Exception e) { error = ExceptionDispatchInfo.Capture(e); }
        }, LargeStackBytes)
        { Name = "bridge-large-stack" };
        t.Start();
        t.Join();
        error?.Throw();
        return result;
    }
}

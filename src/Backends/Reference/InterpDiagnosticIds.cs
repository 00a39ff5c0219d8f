
namespace Bridge.Backends.Reference;

/// <summary>Diagnostics of the reference interpreters (range 6000–6299).</summary>
public static class InterpDiagnosticIds
{
    /// <summary>An op has no reference kernel.</summary>
    public static readonly DiagnosticId NoKernel = new(6000, "InterpNoKernel");
    /// <summary>A kernel failed on this call (wraps the kernel's own diagnostic with the call's location).</summary>
    public static readonly DiagnosticId KernelFailed = new(6001, "InterpKernelFailed");
    /// <summary>A function input is missing, or has the wrong dtype/rank/shape.</summary>
    public static readonly DiagnosticId BadInput = new(6002, "InterpBadInput");
    /// <summary>A symbolic variable was bound to two different values.</summary>
    public static readonly DiagnosticId SymVarConflict = new(6003, "InterpSymVarConflict");
    /// <summary>A run-time <c>match_cast</c> failed (shape, dtype, rank or kind).</summary>
    public static readonly DiagnosticId MatchCastFailed = new(6004, "InterpMatchCastFailed");
    /// <summary>A construct the interpreter does not execute (ADTs, refs, call_tir without a body, extern functions).</summary>
    public static readonly DiagnosticId Unsupported = new(6005, "InterpUnsupported");
    /// <summary>A value of the wrong kind reached a construct (a non-bool if condition, a call of a non-function, a bad tuple index).</summary>
    public static readonly DiagnosticId TypeError = new(6006, "InterpTypeError");
    /// <summary>The entry function is missing.</summary>
    public static readonly DiagnosticId NoEntry = new(6007, "InterpNoEntry");
    /// <summary>A variable is used before it has a value, or a constant has no value (types-only meta table without filling).</summary>
    public static readonly DiagnosticId Unbound = new(6008, "InterpUnbound");
    /// <summary>A symbolic dimension used by an expression has no value at run time.</summary>
    public static readonly DiagnosticId UnboundSymVar = new(6009, "InterpUnboundSymVar");
    /// <summary>The run was cancelled (timeout).</summary>
    public static readonly DiagnosticId Cancelled = new(6010, "InterpCancelled");
    /// <summary>A returned value does not match the function's declared return shape/dtype.</summary>
    public static readonly DiagnosticId ReturnMismatch = new(6011, "InterpReturnMismatch");
}

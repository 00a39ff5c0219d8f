
namespace Bridge.Compat.Check;

/// <summary>Diagnostics of <c>bridge check</c> / <c>bridge run</c> model handling (6620–6679 of the compat range).</summary>
public static class CheckDiagnosticIds
{
    /// <summary>The model's format is not one that can be run.</summary>
    public static readonly DiagnosticId UnsupportedModel = new(6620, "CheckUnsupportedModel");
    /// <summary>A path could not produce outputs (the error is attached).</summary>
    public static readonly DiagnosticId PathFailed = new(6621, "CheckPathFailed");
    /// <summary>Only one path ran: there is nothing to compare.</summary>
    public static readonly DiagnosticId NothingToCompare = new(6622, "CheckNothingToCompare");
    /// <summary>Two paths produced different numbers of outputs.</summary>
    public static readonly DiagnosticId OutputCountMismatch = new(6623, "CheckOutputCountMismatch");
    /// <summary>An output file could not be written.</summary>
    public static readonly DiagnosticId ReportFailed = new(6624, "CheckReportFailed");
    /// <summary>A path stopped on a bug in Bridge; the other paths are still run and compared, and the verb exits 3.</summary>
    public static readonly DiagnosticId PathInternalError = new(6640, "CheckPathInternalError");
    /// <summary><c>run --path</c> names a path the model does not have.</summary>
    public static readonly DiagnosticId UnknownPath = new(6641, "CheckUnknownPath");
}

using System.Reflection;

namespace Bridge.Core.Diagnostics;

/// <summary>
/// A stable diagnostic number (printed <c>BRG1001</c>) with a short name. Numbers are forever: a retired ID stays as a comment in the
/// table that declared it and is never reused. Each component declares its IDs as <c>static readonly DiagnosticId</c> fields of a
/// static class named <c>*DiagnosticIds</c> in its own number range (see docs/diagnostics.md); a test checks that no number is
/// declared twice across all assemblies.
/// </summary>
public readonly record struct DiagnosticId(int Code, string Name)
{
    public override string ToString() => $"BRG{Code:D4}";
}

/// <summary>Severity of a diagnostic.</summary>
public enum Severity { Info, Warning, Error }

/// <summary>One located message. <see cref="SourceLine"/> is the text line for text locations (rendered with a caret).</summary>
public sealed record Diagnostic(DiagnosticId Id, Severity Severity, string Message, SourceLoc Loc)
{
    /// <summary>The source line the location points into, when the input is text.</summary>
    public string? SourceLine { get; init; }

    /// <summary>Further located notes (e.g. each unsupported node of a list).</summary>
    public ImmutableArray<Diagnostic> Related { get; init; } = [];

    public static Diagnostic Error(DiagnosticId id, SourceLoc loc, string message) => new(id, Severity.Error, message, loc);
    public static Diagnostic Warning(DiagnosticId id, SourceLoc loc, string message) => new(id, Severity.Warning, message, loc);
    public static Diagnostic Info(DiagnosticId id, SourceLoc loc, string message) => new(id, Severity.Info, message, loc);

    /// <summary>One line: <c>file(line,col): error BRG1001: message</c>, then the source line and a caret for text input, then related notes.</summary>
    /// <remarks>Input echoed in the location, message or source line is cut to at most ~<see cref="MaxQuote"/> characters per
    /// piece, so a hostile file (a 4M-character op_type, a one-line 6 MB text) still renders as one short line.</remarks>
    public string Render()
    {
        var sev = Severity.ToString().ToLowerInvariant();
        var head = Loc is SourceLoc.Unknown ? $"{sev} {Id}: {Clip(Message, 2 * MaxQuote)}" : $"{Quote(Loc.ToString(), 2 * MaxQuote)}: {sev} {Id}: {Clip(Message, 2 * MaxQuote)}";
        var sb = new System.Text.StringBuilder(head);
        if (SourceLine is not null && Loc is SourceLoc.Text t)
        {
            // A window of the line around the caret.
            var col = Math.Clamp(t.Column - 1, 0, SourceLine.Length);
            var from = Math.Max(0, Math.Min(col - MaxQuote / 2, SourceLine.Length - MaxQuote));
            var line = SourceLine.Substring(from, Math.Min(MaxQuote, SourceLine.Length - from)).Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
            sb.Append('\n').Append("  ").Append(line).Append('\n').Append("  ").Append(' ', Math.Max(0, col - from)).Append('^');
        }
        foreach (var r in Related)
            sb.Append('\n').Append("  ").Append(r.Render().Replace("\n", "\n  ", StringComparison.Ordinal));
        return sb.ToString();
    }

    public override string ToString() => Render();

    /// <summary>How many characters of input a rendered piece quotes at most.</summary>
    public const int MaxQuote = 200;

    /// <summary>
    /// <paramref name="text"/> cut to <paramref name="max"/> characters (head and tail kept, the middle replaced by a count) with
    /// control characters made visible: for quoting names and values taken from input inside messages.
    /// </summary>
    public static string Quote(string? text, int max = MaxQuote)
    {
        var s = Clip(text, max);
        if (!s.Any(char.IsControl)) return s;
        var sb = new System.Text.StringBuilder(s.Length);
        foreach (var ch in s)
            sb.Append(ch == '\n' ? "\\n" : ch == '\t' ? "\\t" : ch == '\0' ? "\\0" : char.IsControl(ch) ? $"\\x{(int)ch:x2}" : ch.ToString());
        return sb.ToString();
    }

    /// <summary><paramref name="text"/> cut to about <paramref name="max"/> characters (head and tail kept, the middle replaced by a count).</summary>
    public static string Clip(string? text, int max = MaxQuote)
    {
        if (text is null) return "";
        if (text.Length <= max) return text;
        return string.Concat(text.AsSpan(0, max * 3 / 4), $"…[{text.Length - max:N0} chars]…", text.AsSpan(text.Length - max / 4));
    }
}

/// <summary>IDs owned by Core (range 1000–1999: files, tensors, shapes, CLI plumbing).</summary>
public static class CoreDiagnosticIds
{
    public static readonly DiagnosticId UnknownFormat = new(1001, "UnknownFormat");
    public static readonly DiagnosticId TruncatedFile = new(1002, "TruncatedFile");
    public static readonly DiagnosticId BadMagic = new(1003, "BadMagic");
    public static readonly DiagnosticId UnsupportedDType = new(1004, "UnsupportedDType");
    public static readonly DiagnosticId NpyFortranOrder = new(1005, "NpyFortranOrder");
    public static readonly DiagnosticId NpyObjectArray = new(1006, "NpyObjectArray");
    public static readonly DiagnosticId BadHeader = new(1007, "BadHeader");
    public static readonly DiagnosticId AbsurdShape = new(1008, "AbsurdShape");
    public static readonly DiagnosticId FileNotFound = new(1009, "FileNotFound");
    public static readonly DiagnosticId BadArgument = new(1010, "BadArgument");
    public static readonly DiagnosticId ShapeMismatchProven = new(1011, "ShapeMismatchProven");
    public static readonly DiagnosticId DivisionByZero = new(1012, "DivisionByZero");
    public static readonly DiagnosticId IoError = new(1013, "IoError");
    public static readonly DiagnosticId BadZip = new(1014, "BadZip");
    // 1101–1109: limits and confinement (docs/reliability.md).
    public static readonly DiagnosticId NestingTooDeep = new(1101, "NestingTooDeep");
    public static readonly DiagnosticId MemoryBudgetExceeded = new(1102, "MemoryBudgetExceeded");
    public static readonly DiagnosticId OutsideModelFolder = new(1103, "OutsideModelFolder");
    public static readonly DiagnosticId NotARegularFile = new(1104, "NotARegularFile");
    public static readonly DiagnosticId OutputIsDirectory = new(1105, "OutputIsDirectory");

    /// <summary>Every <see cref="DiagnosticId"/> declared by any loaded assembly's <c>*DiagnosticIds</c> classes.</summary>
    public static IEnumerable<(Type Owner, string Field, DiagnosticId Id)> AllDeclared(IEnumerable<Assembly> assemblies) =>
        from asm in assemblies
        from t in asm.GetTypes()
        where t.IsAbstract && t.IsSealed && t.Name.EndsWith("DiagnosticIds", StringComparison.Ordinal)
        from f in t.GetFields(BindingFlags.Public | BindingFlags.Static)
        where f.FieldType == typeof(DiagnosticId)
        select (t, f.Name, (DiagnosticId)f.GetValue(null)!);
}

/// <summary>Collects recoverable diagnostics (warnings, infos, and errors reported before a final throw).</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];
    private readonly Lock _lock = new();

    public void Add(Diagnostic d) { lock (_lock) _items.Add(d); }
    public void Report(DiagnosticId id, Severity sev, SourceLoc loc, string message) => Add(new Diagnostic(id, sev, message, loc));
    public IReadOnlyList<Diagnostic> Items { get { lock (_lock) return _items.ToArray(); } }
    public bool HasErrors { get { lock (_lock) return _items.Exists(d => d.Severity == Severity.Error); } }

    /// <summary>Throws a <see cref="BridgeException"/> carrying all errors when any was reported.</summary>
    public void ThrowIfErrors(string summary)
    {
        var errors = Items.Where(d => d.Severity == Severity.Error).ToImmutableArray();
        if (errors.Length == 1) throw new BridgeException(errors[0]);
        if (errors.Length > 1)
            throw new BridgeException(errors[0] with { Message = $"{summary} ({errors.Length} errors)", Related = errors });
    }
}

/// <summary>An error in the user's input (model, file, option). Carries a located <see cref="Diagnostic"/>; the CLI exits 2.</summary>
public class BridgeException : Exception
{
    public BridgeException(Diagnostic diagnostic) : base(diagnostic.Render(), null) => Diagnostic = diagnostic;
    public BridgeException(Diagnostic diagnostic, Exception inner) : base(diagnostic.Render(), inner) => Diagnostic = diagnostic;
    public BridgeException(DiagnosticId id, SourceLoc loc, string message) : this(Diagnostic.Error(id, loc, message)) { }
    public BridgeException() : this(CoreDiagnosticIds.BadArgument, SourceLoc.Unknown.Instance, "error") { }
    public BridgeException(string message) : this(CoreDiagnosticIds.BadArgument, SourceLoc.Unknown.Instance, message) { }
    public BridgeException(string message, Exception inner) : this(Diagnostic.Error(CoreDiagnosticIds.BadArgument, SourceLoc.Unknown.Instance, message), inner) { }

    public Diagnostic Diagnostic { get; }
}

/// <summary>A bug in Bridge itself (an invariant broke), never the user's input. Reports tell the two apart.</summary>
public sealed class BridgeInternalError : Exception
{
    public BridgeInternalError(string message) : base(message) { }
    public BridgeInternalError(string message, Exception inner) : base(message, inner) { }
    public BridgeInternalError() { }
}

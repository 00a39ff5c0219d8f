using System.Globalization;
using System.Text;

namespace Bridge.Ir.Relax.Script;

/// <summary>TVMScript diagnostics (3000–3299).</summary>
public static class RelaxScriptDiagnosticIds
{
    public static readonly DiagnosticId BadCharacter = new(3000, "BadCharacter");
    public static readonly DiagnosticId UnterminatedString = new(3001, "UnterminatedString");
    public static readonly DiagnosticId BadIndent = new(3002, "BadIndent");
    public static readonly DiagnosticId UnexpectedToken = new(3003, "UnexpectedToken");
    public static readonly DiagnosticId UndefinedName = new(3004, "UndefinedName");
    public static readonly DiagnosticId UnknownOp = new(3005, "UnknownOp");
    public static readonly DiagnosticId BadAnnotation = new(3006, "BadAnnotation");
    public static readonly DiagnosticId BadAttrValue = new(3007, "BadAttrValue");
    public static readonly DiagnosticId UnsupportedConstruct = new(3008, "UnsupportedConstruct");
    public static readonly DiagnosticId BadNumber = new(3009, "BadNumber");
    public static readonly DiagnosticId TooDeep = new(3010, "TooDeep");
    public static readonly DiagnosticId AnnotationMismatch = new(3011, "AnnotationMismatch");
    public static readonly DiagnosticId UnknownVersion = new(3012, "UnknownVersion");
    public static readonly DiagnosticId MetadataMissing = new(3013, "MetadataFileMissing");
}

internal enum Tk { Name, Int, Float, Str, Op, Newline, Indent, Dedent, Eof }

internal readonly record struct Token(Tk Kind, string Text, int Line, int Col)
{
    public override string ToString() => Kind switch { Tk.Newline => "end of line", Tk.Indent => "indent", Tk.Dedent => "dedent", Tk.Eof => "end of file", _ => $"'{Text}'" };
}

/// <summary>A Python-subset tokenizer: INDENT/DEDENT, implicit joining inside brackets, comments, strings with escapes.</summary>
internal static class Tokenizer
{
    private static readonly string[] s_ops = ["**", "//", "->", "==", "!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ",", ":", ".", "=", "@", "+", "-", "*", "/", "%", "<", ">", "|", "&", "~"];

    public static List<Token> Tokenize(string text, string path)
    {
        var toks = new List<Token>();
        var indents = new Stack<int>();
        indents.Push(0);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var depth = 0;
        for (var ln = 0; ln < lines.Length; ln++)
        {
            var line = lines[ln];
            var i = 0;
            if (depth == 0)
            {
                while (i < line.Length && (line[i] == ' ' || line[i] == '\t')) i++;
                if (i >= line.Length || line[i] == '#') continue;
                var ind = i;
                if (ind > indents.Peek()) { indents.Push(ind); toks.Add(new Token(Tk.Indent, "", ln + 1, 1)); }
                else
                {
                    while (ind < indents.Peek()) { indents.Pop(); toks.Add(new Token(Tk.Dedent, "", ln + 1, ind + 1)); }
                    if (ind != indents.Peek()) throw Err(path, ln, i, RelaxScriptDiagnosticIds.BadIndent, "inconsistent indentation", line);
                }
            }
            while (i < line.Length)
            {
                var c = line[i];
                if (c == ' ' || c == '\t') { i++; continue; }
                if (c == '#') break;
                if (c == '\\' && i == line.Length - 1) { i++; break; }
                var col = i + 1;
                if (char.IsLetter(c) || c == '_')
                {
                    var s = i;
                    while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] == '_')) i++;
                    toks.Add(new Token(Tk.Name, line[s..i], ln + 1, col));
                    continue;
                }
                if (char.IsDigit(c) || (c == '.' && i + 1 < line.Length && char.IsDigit(line[i + 1])))
                {
                    var s = i;
                    var isFloat = false;
                    while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] == '.' || line[i] == '_' ||
                           ((line[i] == '+' || line[i] == '-') && (line[i - 1] == 'e' || line[i - 1] == 'E'))))
                    {
                        if (line[i] is '.' or 'e' or 'E') isFloat = true;
                        i++;
                    }
                    var t = line[s..i].Replace("_", "", StringComparison.Ordinal);
                    if (isFloat ? !double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _) : !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                        throw Err(path, ln, s, RelaxScriptDiagnosticIds.BadNumber, $"bad number '{line[s..i]}'", line);
                    toks.Add(new Token(isFloat ? Tk.Float : Tk.Int, t, ln + 1, col));
                    continue;
                }
                if (c == '"' || c == '\'')
                {
                    // Triple-quoted strings may span lines.
                    if (i + 2 < line.Length && line[i + 1] == c && line[i + 2] == c)
                    {
                        var sb0 = new StringBuilder();
                        var q = new string(c, 3);
                        var rest = line[(i + 3)..];
                        var startLn = ln;
                        while (true)
                        {
                            var e = rest.IndexOf(q, StringComparison.Ordinal);
                            if (e >= 0) { sb0.Append(rest[..e]); i = (ln == startLn ? i + 3 : 0) + e + 3; if (ln != startLn) i = e + 3; break; }
                            sb0.Append(rest).Append('\n');
                            ln++;
                            if (ln >= lines.Length) throw Err(path, startLn, col - 1, RelaxScriptDiagnosticIds.UnterminatedString, "unterminated triple-quoted string", lines[startLn]);
                            line = lines[ln];
                            rest = line;
                        }
                        toks.Add(new Token(Tk.Str, sb0.ToString(), startLn + 1, col));
                        continue;
                    }
                    var sb = new StringBuilder();
                    i++;
                    var closed = false;
                    while (i < line.Length)
                    {
                        var ch = line[i];
                        if (ch == c) { closed = true; i++; break; }
                        if (ch == '\\' && i + 1 < line.Length)
                        {
                            var n = line[i + 1];
                            sb.Append(n switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => n });
                            i += 2;
                            continue;
                        }
                        sb.Append(ch);
                        i++;
                    }
                    if (!closed) throw Err(path, ln, col - 1, RelaxScriptDiagnosticIds.UnterminatedString, "unterminated string", line);
                    toks.Add(new Token(Tk.Str, sb.ToString(), ln + 1, col));
                    continue;
                }
                var op = s_ops.FirstOrDefault(o => string.CompareOrdinal(line, i, o, 0, o.Length) == 0);
                if (op is null) throw Err(path, ln, i, RelaxScriptDiagnosticIds.BadCharacter, $"unexpected character '{c}'", line);
                if (op is "(" or "[" or "{") depth++;
                if (op is ")" or "]" or "}") depth = Math.Max(0, depth - 1);
                toks.Add(new Token(Tk.Op, op, ln + 1, col));
                i += op.Length;
            }
            if (depth == 0 && toks.Count > 0 && toks[^1].Kind != Tk.Newline && toks[^1].Kind != Tk.Indent && toks[^1].Kind != Tk.Dedent)
                toks.Add(new Token(Tk.Newline, "", ln + 1, line.Length + 1));
        }
        if (toks.Count > 0 && toks[^1].Kind != Tk.Newline && toks[^1].Kind != Tk.Dedent) toks.Add(new Token(Tk.Newline, "", lines.Length, 1));
        while (indents.Count > 1) { indents.Pop(); toks.Add(new Token(Tk.Dedent, "", lines.Length, 1)); }
        toks.Add(new Token(Tk.Eof, "", lines.Length, 1));
        return toks;
    }

    internal static BridgeException Err(string path, int ln0, int col0, Core.Diagnostics.DiagnosticId id, string msg, string line) =>
        new(Diagnostic.Error(id, new SourceLoc.Text(path, ln0 + 1, col0 + 1), msg) with { SourceLine = line });
}

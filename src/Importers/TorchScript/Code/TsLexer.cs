using System.Globalization;
using System.Text;

namespace Bridge.Importers.TorchScript.Code;

/// <summary>Token kinds of the code lexer.</summary>
internal enum TsTok { Name, Int, Float, String, Op, Newline, Indent, Dedent, Eof }

/// <summary>A token with its text (operators and names), value (literals) and position.</summary>
internal readonly record struct TsToken(TsTok Kind, string Text, object? Value, TsPos Pos);

/// <summary>
/// An indentation-aware Python-subset tokenizer: INDENT/DEDENT from leading spaces, implicit line joining inside
/// brackets, comments, C-style string escapes. Every malformed input is a located <see cref="BridgeException"/>.
/// </summary>
internal static class TsLexer
{
    private static readonly string[] s_ops =
    [
        "**=", "//=", ">>=", "<<=", "->", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
        "+", "-", "*", "/", "%", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", "=", "@",
    ];

    public static List<TsToken> Lex(string src, string path)
    {
        var toks = new List<TsToken>();
        var indents = new Stack<int>();
        indents.Push(0);
        var depth = 0;
        int i = 0, line = 1, lineStart = 0;
        var atLineStart = true;
        TsPos P() => new(line, i - lineStart + 1);
        BridgeException Err(string msg) => new(TorchScriptDiagnosticIds.CodeSyntax, new SourceLoc.Text(path, line, i - lineStart + 1), msg);

        while (true)
        {
            if (atLineStart && depth == 0)
            {
                // measure indentation; blank and comment-only lines do not count
                var col = 0;
                var j = i;
                while (j < src.Length && (src[j] == ' ' || src[j] == '\t')) { col += src[j] == '\t' ? 8 - col % 8 : 1; j++; }
                if (j >= src.Length) { i = j; break; }
                if (src[j] == '\n' || src[j] == '\r' || src[j] == '#')
                {
                    while (j < src.Length && src[j] != '\n') j++;
                    i = j < src.Length ? j + 1 : j;
                    line++; lineStart = i;
                    if (j >= src.Length) break;
                    continue;
                }
                i = j;
                if (col > indents.Peek()) { indents.Push(col); toks.Add(new(TsTok.Indent, "", null, P())); }
                else
                {
                    while (col < indents.Peek()) { indents.Pop(); toks.Add(new(TsTok.Dedent, "", null, P())); }
                    if (col != indents.Peek())
                        throw new BridgeException(TorchScriptDiagnosticIds.CodeIndent, new SourceLoc.Text(path, line, col + 1), "inconsistent dedent");
                }
                atLineStart = false;
            }
            if (i >= src.Length) break;
            var c = src[i];
            if (c == ' ' || c == '\t' || c == '\r') { i++; continue; }
            if (c == '#') { while (i < src.Length && src[i] != '\n') i++; continue; }
            if (c == '\\' && i + 1 < src.Length && src[i + 1] == '\n') { i += 2; line++; lineStart = i; continue; }
            if (c == '\n')
            {
                if (depth == 0 && toks.Count > 0 && toks[^1].Kind != TsTok.Newline) toks.Add(new(TsTok.Newline, "", null, P()));
                i++; line++; lineStart = i;
                atLineStart = depth == 0; // implicit line joining inside brackets
                continue;
            }
            var pos = P();
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var s = i;
                while (i < src.Length && (char.IsAsciiLetterOrDigit(src[i]) || src[i] == '_')) i++;
                toks.Add(new(TsTok.Name, src[s..i], null, pos));
                continue;
            }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < src.Length && char.IsAsciiDigit(src[i + 1])))
            {
                var s = i;
                var isFloat = false;
                if (c == '0' && i + 1 < src.Length && (src[i + 1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B'))
                {
                    i += 2;
                    while (i < src.Length && char.IsAsciiHexDigit(src[i])) i++;
                    var radix = char.ToLowerInvariant(src[s + 1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
                    try { toks.Add(new(TsTok.Int, src[s..i], Convert.ToInt64(src[(s + 2)..i], radix), pos)); }
                    catch (Exception e) when (e is FormatException or OverflowException or ArgumentException) { throw Err($"bad integer literal '{src[s..i]}'"); }
                    continue;
                }
                while (i < src.Length && char.IsAsciiDigit(src[i])) i++;
                if (i < src.Length && src[i] == '.') { isFloat = true; i++; while (i < src.Length && char.IsAsciiDigit(src[i])) i++; }
                if (i < src.Length && (src[i] == 'e' || src[i] == 'E'))
                {
                    isFloat = true; i++;
                    if (i < src.Length && (src[i] == '+' || src[i] == '-')) i++;
                    if (i >= src.Length || !char.IsAsciiDigit(src[i])) throw Err("bad float exponent");
                    while (i < src.Length && char.IsAsciiDigit(src[i])) i++;
                }
                var text = src[s..i];
                if (isFloat)
                    toks.Add(new(TsTok.Float, text, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), pos));
                else if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                    toks.Add(new(TsTok.Int, text, v, pos));
                else throw Err($"integer literal '{text}' does not fit in 64 bits");
                continue;
            }
            if (c == '"' || c == '\'')
            {
                toks.Add(new(TsTok.String, "", LexString(src, ref i, Err), pos));
                continue;
            }
            var op = Array.Find(s_ops, o => string.CompareOrdinal(src, i, o, 0, o.Length) == 0);
            if (op is null) throw Err($"unexpected character '{c}'");
            if (op is "(" or "[" or "{") depth++;
            if (op is ")" or "]" or "}") { if (depth == 0) throw Err($"unbalanced '{op}'"); depth--; }
            i += op.Length;
            toks.Add(new(TsTok.Op, op, null, pos));
        }
        if (depth != 0) throw Err("file ends inside brackets");
        if (toks.Count > 0 && toks[^1].Kind != TsTok.Newline) toks.Add(new(TsTok.Newline, "", null, new(line, 1)));
        while (indents.Count > 1) { indents.Pop(); toks.Add(new(TsTok.Dedent, "", null, new(line, 1))); }
        toks.Add(new(TsTok.Eof, "", null, new(line, 1)));
        return toks;
    }

    private static string LexString(string src, ref int i, Func<string, BridgeException> err)
    {
        var q = src[i];
        var triple = i + 2 < src.Length && src[i + 1] == q && src[i + 2] == q;
        i += triple ? 3 : 1;
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= src.Length) throw err("unterminated string literal");
            var c = src[i];
            if (c == q && (!triple || (i + 2 < src.Length && src[i + 1] == q && src[i + 2] == q)))
            {
                i += triple ? 3 : 1;
                return sb.ToString();
            }
            if (c == '\n' && !triple) throw err("newline inside a string literal");
            if (c != '\\') { sb.Append(c); i++; continue; }
            if (i + 1 >= src.Length) throw err("unterminated escape");
            var e = src[i + 1];
            i += 2;
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0' when i >= src.Length || !char.IsAsciiDigit(src[i]): sb.Append('\0'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\\' or '\'' or '"': sb.Append(e); break;
                case '\n': break;
                case 'x' or 'u' or 'U':
                {
                    var n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + n > src.Length || !int.TryParse(src.AsSpan(i, n), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var cp) || cp > 0x10FFFF || cp < 0)
                        throw err($"bad \\{e} escape");
                    sb.Append(char.ConvertFromUtf32(cp is >= 0xD800 and <= 0xDFFF ? 0xFFFD : cp));
                    i += n;
                    break;
                }
                default:
                    if (e is >= '0' and <= '7')
                    {
                        var s = i - 1;
                        while (i < src.Length && i - s < 3 && src[i] is >= '0' and <= '7') i++;
                        sb.Append((char)Convert.ToInt32(src[s..i], 8));
                    }
                    else { sb.Append('\\').Append(e); }
                    break;
            }
        }
    }
}

using System.Globalization;
using System.Text;

namespace Bridge.Ir.Relay.Text;

internal enum Tok { Ident, Local, Global, Graph, Int, Float, String, Meta, Attr, Punct, Eof }

internal readonly record struct Token(Tok Kind, string Text, int Line, int Col, int Pos)
{
    // Int: value in Text; Float: Text is the literal; Meta: Text = key, Index in MetaIndex.
    public int MetaIndex { get; init; }
    /// <summary>Offset just past the token.</summary>
    public int End { get; init; }
    public override string ToString() => Kind == Tok.Eof ? "end of input" : $"'{Text}'";
}

/// <summary>
/// Tokenizer of the Relay text format (tokenizer.h, with Bridge's permissive names): nested block comments, numbers with
/// suffixes, <c>%</c>/<c>@</c> names, <c>meta[key][i]</c>, <c>#[...]</c> attributes. Stops at <c>#[metadata]</c>.
/// </summary>
internal sealed class RelayLexer
{
    private readonly string _s;
    private readonly string _path;
    private int _pos, _line = 1, _lineStart;

    public RelayLexer(string text, string path) { _s = text; _path = path; }

    /// <summary>Offset just after the <c>#[metadata]</c> line (the JSON), or -1.</summary>
    public int MetadataOffset { get; private set; } = -1;
    public int MetadataLine { get; private set; }
    /// <summary><c>/* ty=... */</c> comments: start, end offsets and the type text.</summary>
    public List<(int Start, int End, string Type)> TypeComments { get; } = [];

    public BridgeException Error(int line, int col, string msg, Core.Diagnostics.DiagnosticId? id = null) =>
        new(new Diagnostic(id ?? RelayTextDiagnosticIds.Lex, Severity.Error, msg, new SourceLoc.Text(_path, line, col)) { SourceLine = LineText(line) });

    public string LineText(int line)
    {
        var p = 0;
        for (var l = 1; l < line && p >= 0; l++) { p = _s.IndexOf('\n', p); if (p >= 0) p++; }
        if (p < 0 || p > _s.Length) return "";
        var e = _s.IndexOf('\n', p);
        return (e < 0 ? _s[p..] : _s[p..e]).TrimEnd('\r');
    }

    public List<Token> Run()
    {
        var toks = new List<Token>(_s.Length / 4 + 16);
        while (true)
        {
            var t = Next(toks.Count > 0 ? toks[^1] : default);
            toks.Add(t);
            if (t.Kind == Tok.Eof) return toks;
        }
    }

    private char Cur => _pos < _s.Length ? _s[_pos] : '\0';
    private char At(int k) => _pos + k < _s.Length ? _s[_pos + k] : '\0';

    private void SkipTrivia()
    {
        while (_pos < _s.Length)
        {
            var c = _s[_pos];
            if (c == '\n') { _pos++; _line++; _lineStart = _pos; }
            else if (c is ' ' or '\t') _pos++;
            else if (c == '\r')
            {
                if (At(1) != '\n') throw Error(_line, _pos - _lineStart + 1, "a carriage return must be followed by a line feed");
                _pos++;
            }
            else if (c == '/' && At(1) == '/') { while (_pos < _s.Length && _s[_pos] != '\n') _pos++; }
            else if (c == '/' && At(1) == '*')
            {
                int sl = _line, sc = _pos - _lineStart + 1, depth = 0, cs = _pos;
                do
                {
                    if (_pos >= _s.Length) throw Error(sl, sc, "unterminated block comment");
                    if (_s[_pos] == '/' && At(1) == '*') { depth++; _pos += 2; }
                    else if (_s[_pos] == '*' && At(1) == '/') { depth--; _pos += 2; }
                    else { if (_s[_pos] == '\n') { _line++; _lineStart = _pos + 1; } _pos++; }
                } while (depth > 0);
                // Printer annotations "/* ty=T span=... */" are kept aside (types are re-inferred; tests cross-check).
                var body = _s.AsSpan(cs + 2, _pos - cs - 4).Trim();
                if (body.StartsWith("ty="))
                {
                    var ty = body[3..].ToString();
                    var sp = ty.IndexOf(" span=", StringComparison.Ordinal);
                    TypeComments.Add((cs, _pos, sp >= 0 ? ty[..sp].Trim() : ty));
                }
            }
            else break;
        }
    }

    private static bool IsIdStart(char c) => char.IsAsciiLetter(c) || c == '_';
    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '/';

    private Token Next(Token prev)
    {
        SkipTrivia();
        int line = _line, col = _pos - _lineStart + 1, start = _pos;
        Token Mk(Tok k, string text) => new(k, text, line, col, start) { End = _pos };
        if (_pos >= _s.Length) return Mk(Tok.Eof, "");
        var c = _s[_pos];
        // Legacy 0.0.4 header line.
        if (c == 'v' && string.CompareOrdinal(_s, _pos, "v0.0.4", 0, 6) == 0 && col == 1)
        {
            _pos += 6;
            return Mk(Tok.Attr, "version=v0.0.4");
        }
        if (c == '#' && At(1) == '[')
        {
            var end = _s.IndexOf(']', _pos);
            if (end < 0) throw Error(line, col, "unterminated #[...] attribute");
            var body = _s[(_pos + 2)..end].Trim();
            _pos = end + 1;
            if (body == "metadata")
            {
                MetadataOffset = _pos;
                MetadataLine = line;
                _pos = _s.Length;
                return Mk(Tok.Eof, "");
            }
            return Mk(Tok.Attr, body);
        }
        if (c == 'm' && string.CompareOrdinal(_s, _pos, "meta[", 0, 5) == 0)
        {
            var close = _s.IndexOf(']', _pos + 5);
            if (close < 0 || At(close - _pos + 1) != '[') throw Error(line, col, "malformed meta[...] reference");
            var key = _s[(_pos + 5)..close];
            var close2 = _s.IndexOf(']', close + 2);
            if (close2 < 0 || !int.TryParse(_s.AsSpan(close + 2, close2 - close - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var idx))
                throw Error(line, col, "malformed meta[...] index");
            _pos = close2 + 1;
            return Mk(Tok.Meta, key) with { MetaIndex = idx };
        }
        if (c is '%' or '@')
        {
            _pos++;
            if (c == '%' && char.IsAsciiDigit(Cur))
            {
                var ds = _pos;
                while (char.IsAsciiDigit(Cur)) _pos++;
                if (!IsIdChar(Cur)) return Mk(Tok.Graph, _s[ds.._pos]);
                _pos = ds;
            }
            var ns = _pos;
            // Permissive names (trap 2): letters, digits, _ / . and "::"; a trailing ".N" may be a projection (parser decides).
            while (true)
            {
                var ch = Cur;
                if (IsIdChar(ch) || ch == '-' && _pos > ns && IsIdChar(At(1)) && !char.IsAsciiDigit(At(1))) _pos++;
                else if (ch == '.' && _pos > ns && IsIdChar(At(1))) _pos++;
                else if (ch == ':' && At(1) == ':' && _pos > ns) _pos += 2;
                else break;
            }
            if (_pos == ns) throw Error(line, col, $"expected a name after '{c}'");
            return Mk(c == '%' ? Tok.Local : Tok.Global, _s[ns.._pos]);
        }
        if (c == '"')
        {
            var sb = new StringBuilder();
            _pos++;
            while (true)
            {
                if (_pos >= _s.Length) throw Error(line, col, "unterminated string literal");
                var ch = _s[_pos++];
                if (ch == '"') break;
                if (ch == '\n') { _line++; _lineStart = _pos; }
                if (ch == '\\' && _pos < _s.Length)
                {
                    // The printer escapes; TVM's lexer does not decode (trap 5). We decode the printer's escapes.
                    var e = _s[_pos++];
                    switch (e)
                    {
                        case 'n': sb.Append('\n'); break;
                        case 't': sb.Append('\t'); break;
                        case 'r': sb.Append('\r'); break;
                        case 'x' when _pos + 2 <= _s.Length && byte.TryParse(_s.AsSpan(_pos, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hb):
                            sb.Append((char)hb); _pos += 2; break;
                        default: sb.Append(e); break;
                    }
                }
                else sb.Append(ch);
            }
            return Mk(Tok.String, sb.ToString());
        }
        if (c == '-' && string.CompareOrdinal(_s, _pos, "-inff", 0, 5) == 0 && !IsIdChar(At(5))) { _pos += 5; return Mk(Tok.Float, "-inff"); }
        var afterDot = prev.Kind == Tok.Punct && prev.Text == "." && prev.Pos + 1 == start;
        if (char.IsAsciiDigit(c) || c == '-' && (char.IsAsciiDigit(At(1)) || At(1) == '-' && !afterDot))
        {
            if (afterDot)
            {
                while (char.IsAsciiDigit(Cur)) _pos++;
                return Mk(Tok.Int, _s[start.._pos]);
            }
            return LexNumber(line, col, start);
        }
        if (IsIdStart(c))
        {
            while (IsIdChar(Cur)) _pos++;
            var id = _s[start.._pos];
            if (id == "match" && Cur == '?') { _pos++; return Mk(Tok.Ident, "match?"); }
            return Mk(Tok.Ident, id);
        }
        if ("()[]{},.;:=+-*/<>!?".Contains(c))
        {
            _pos++;
            if ((c is '<' or '>' or '=' or '!') && Cur == '=') { _pos++; return Mk(Tok.Punct, c + "="); }
            if (c == '-' && Cur == '>') { _pos++; return Mk(Tok.Punct, "->"); }
            if (c == '=' && Cur == '>') { _pos++; return Mk(Tok.Punct, "=>"); }
            return Mk(Tok.Punct, c.ToString());
        }
        throw Error(line, col, $"unexpected character '{(char.IsControl(c) ? $"\\x{(int)c:X2}" : c.ToString())}'");
    }

    private Token LexNumber(int line, int col, int start)
    {
        var neg = false;
        while (Cur == '-') { neg = !neg; _pos++; }
        var ns = _pos;
        while (char.IsAsciiDigit(Cur) || Cur == '.' || (Cur is 'e' or 'E') && _pos > ns || (Cur is '+' or '-') && _pos > ns && _s[_pos - 1] is 'e' or 'E') _pos++;
        var num = _s[ns.._pos];
        var text = (neg ? "-" : "") + num;
        if (Cur is 'f' or 'i')
        {
            var kind = Cur;
            _pos++;
            var ws = _pos;
            while (char.IsAsciiDigit(Cur)) _pos++;
            var width = _pos > ws ? _s[ws.._pos] : "";
            return new Token(kind == 'f' ? Tok.Float : Tok.Int, text + kind + width, line, col, start) { End = _pos };
        }
        if (IsIdChar(Cur)) throw Error(line, col, $"malformed number '{_s[start..(_pos + 1)]}'", RelayTextDiagnosticIds.BadLiteral);
        return new Token(num.Contains('.') || num.Contains('e') || num.Contains('E') ? Tok.Float : Tok.Int, text, line, col, start) { End = _pos };
    }
}

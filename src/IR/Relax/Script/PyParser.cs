using System.Globalization;

namespace Bridge.Ir.Relax.Script;

/// <summary>Recursive-descent parser of the Python subset TVMScript uses. Nesting depth is bounded (no stack overflow).</summary>
internal sealed class PyParser
{
    private const int MaxDepth = 200;
    private readonly List<Token> _t;
    private readonly string _path;
    private readonly string[] _lines;
    private int _p;
    private int _depth;

    public PyParser(List<Token> tokens, string path, string[] lines) { _t = tokens; _path = path; _lines = lines; }

    private Token Cur => _t[_p];
    private SourceLoc Loc(Token t) => new SourceLoc.Text(_path, t.Line, t.Col);

    private BridgeException Error(Token t, string msg, Core.Diagnostics.DiagnosticId? id = null) =>
        new(Diagnostic.Error(id ?? RelaxScriptDiagnosticIds.UnexpectedToken, Loc(t), msg) with
        { SourceLine = t.Line - 1 < _lines.Length && t.Line >= 1 ? _lines[t.Line - 1] : null });

    private bool IsOp(string s) => Cur.Kind == Tk.Op && Cur.Text == s;
    private bool IsName(string s) => Cur.Kind == Tk.Name && Cur.Text == s;

    private Token Expect(string op)
    {
        if (!IsOp(op)) throw Error(Cur, $"expected '{op}' but found {Cur}");
        return _t[_p++];
    }

    private Token ExpectKind(Tk k, string what)
    {
        if (Cur.Kind != k) throw Error(Cur, $"expected {what} but found {Cur}");
        return _t[_p++];
    }

    public ImmutableArray<PyStmt> ParseFile()
    {
        var list = ImmutableArray.CreateBuilder<PyStmt>();
        while (Cur.Kind == Tk.Newline) _p++;
        while (Cur.Kind != Tk.Eof)
        {
            if (Cur.Kind == Tk.Indent) throw Error(Cur, "unexpected indent", RelaxScriptDiagnosticIds.BadIndent);
            list.Add(Statement());
            while (Cur.Kind == Tk.Newline) _p++;
        }
        return list.ToImmutable();
    }

    private ImmutableArray<PyStmt> Block()
    {
        Expect(":");
        if (Cur.Kind != Tk.Newline)
        {
            var s = Simple();
            return [s];
        }
        _p++;
        ExpectKind(Tk.Indent, "an indented block");
        var list = ImmutableArray.CreateBuilder<PyStmt>();
        while (Cur.Kind != Tk.Dedent && Cur.Kind != Tk.Eof)
        {
            list.Add(Statement());
            while (Cur.Kind == Tk.Newline) _p++;
        }
        if (Cur.Kind == Tk.Dedent) _p++;
        return list.ToImmutable();
    }

    private PyStmt Statement()
    {
        if (++_depth > MaxDepth) throw Error(Cur, "nesting too deep", RelaxScriptDiagnosticIds.TooDeep);
        try
        {
            var start = Cur;
            if (IsOp("@") || IsName("def") || IsName("class"))
            {
                var decos = ImmutableArray.CreateBuilder<PyExpr>();
                while (IsOp("@")) { _p++; decos.Add(Expr()); ExpectKind(Tk.Newline, "end of line after decorator"); }
                if (IsName("class"))
                {
                    _p++;
                    var name = ExpectKind(Tk.Name, "class name").Text;
                    if (IsOp("(")) { _p++; while (!IsOp(")")) { if (Cur.Kind == Tk.Eof) throw Error(Cur, "unterminated class bases"); _p++; } _p++; }
                    return new PyClass(decos.ToImmutable(), name, Block(), Loc(start));
                }
                if (!IsName("def")) throw Error(Cur, $"expected 'def' or 'class' after decorator but found {Cur}");
                _p++;
                var fname = ExpectKind(Tk.Name, "function name").Text;
                var tps = ImmutableArray.CreateBuilder<string>();
                if (IsOp("["))
                {
                    _p++;
                    while (!IsOp("]")) { tps.Add(ExpectKind(Tk.Name, "type parameter").Text); if (IsOp(",")) _p++; else break; }
                    Expect("]");
                }
                Expect("(");
                var ps = ImmutableArray.CreateBuilder<(string, PyExpr?, SourceLoc)>();
                while (!IsOp(")"))
                {
                    var pt = ExpectKind(Tk.Name, "parameter name");
                    PyExpr? ann = null;
                    if (IsOp(":")) { _p++; ann = Expr(); }
                    ps.Add((pt.Text, ann, Loc(pt)));
                    if (IsOp(",")) _p++; else break;
                }
                Expect(")");
                PyExpr? ret = null;
                if (IsOp("->")) { _p++; ret = Expr(); }
                return new PyDef(decos.ToImmutable(), fname, ps.ToImmutable(), ret, Block(), tps.ToImmutable(), Loc(start));
            }
            if (IsName("import") || IsName("from"))
            {
                // `import tvm`, `from tvm.script import relax as R`: TVMScript as users save it. The dialect fixes what I, R and
                // T mean, so the statement carries nothing the reader needs.
                while (Cur.Kind != Tk.Newline && Cur.Kind != Tk.Eof) _p++;
                return new PyPass(Loc(start));
            }
            if (IsName("with"))
            {
                _p++;
                var item = Expr();
                return new PyWith(item, Block(), Loc(start));
            }
            if (IsName("if"))
            {
                _p++;
                var cond = Expr();
                var then = Block();
                var els = ImmutableArray<PyStmt>.Empty;
                if (IsName("else")) { _p++; els = Block(); }
                else if (IsName("elif")) throw Error(Cur, "'elif' is not supported in Relax; nest an if inside else", RelaxScriptDiagnosticIds.UnsupportedConstruct);
                return new PyIf(cond, then, els, Loc(start));
            }
            var s = Simple();
            return s;
        }
        finally { _depth--; }
    }

    private PyStmt Simple()
    {
        var start = Cur;
        PyStmt s;
        if (IsName("return"))
        {
            _p++;
            s = new PyReturn(Cur.Kind == Tk.Newline ? null : TupleOrExpr(), Loc(start));
        }
        else if (IsName("pass")) { _p++; s = new PyPass(Loc(start)); }
        else
        {
            var e = TupleOrExpr();
            if (IsOp(":"))
            {
                _p++;
                var ann = Expr();
                PyExpr? val = null;
                if (IsOp("=")) { _p++; val = TupleOrExpr(); }
                s = new PyAssign(e, ann, val, Loc(start));
            }
            else if (IsOp("=")) { _p++; s = new PyAssign(e, null, TupleOrExpr(), Loc(start)); }
            else s = new PyExprStmt(e, Loc(start));
        }
        if (Cur.Kind != Tk.Newline && Cur.Kind != Tk.Eof && Cur.Kind != Tk.Dedent) throw Error(Cur, $"expected end of line but found {Cur}");
        if (Cur.Kind == Tk.Newline) _p++;
        return s;
    }

    /// <summary>An expression list without brackets (<c>return a, b</c>, <c>x = a, b</c>) is a tuple.</summary>
    private PyExpr TupleOrExpr()
    {
        var start = Cur;
        var e = Expr();
        if (!IsOp(",")) return e;
        var items = ImmutableArray.CreateBuilder<PyExpr>();
        items.Add(e);
        while (IsOp(","))
        {
            _p++;
            if (Cur.Kind is Tk.Newline or Tk.Eof || IsOp("=") || IsOp(":")) break;
            items.Add(Expr());
        }
        return new PyTuple(items.ToImmutable(), Loc(start));
    }

    public PyExpr Expr()
    {
        if (++_depth > MaxDepth) throw Error(Cur, "expression nested too deeply", RelaxScriptDiagnosticIds.TooDeep);
        try { return Additive(); }
        finally { _depth--; }
    }

    private PyExpr Additive()
    {
        var a = Term();
        while (IsOp("+") || IsOp("-"))
        {
            var op = _t[_p++];
            a = new PyBin(op.Text, a, Term(), Loc(op));
        }
        return a;
    }

    private PyExpr Term()
    {
        var a = Unary();
        while (IsOp("*") || IsOp("//") || IsOp("%") || IsOp("/"))
        {
            var op = _t[_p++];
            a = new PyBin(op.Text, a, Unary(), Loc(op));
        }
        return a;
    }

    private PyExpr Unary()
    {
        if (IsOp("-")) { var t = _t[_p++]; return new PyNeg(Unary(), Loc(t)); }
        if (IsOp("+")) { _p++; return Unary(); }
        return Postfix();
    }

    private PyExpr Postfix()
    {
        var e = Atom();
        while (true)
        {
            if (IsOp("."))
            {
                _p++;
                var n = ExpectKind(Tk.Name, "attribute name");
                e = new PyAttr(e, n.Text, Loc(n));
            }
            else if (IsOp("("))
            {
                var open = _t[_p++];
                var args = ImmutableArray.CreateBuilder<PyExpr>();
                var kws = ImmutableArray.CreateBuilder<(string, PyExpr)>();
                while (!IsOp(")"))
                {
                    if (Cur.Kind == Tk.Name && _t[_p + 1].Kind == Tk.Op && _t[_p + 1].Text == "=")
                    {
                        var k = _t[_p].Text;
                        _p += 2;
                        kws.Add((k, Expr()));
                    }
                    else
                    {
                        if (IsOp("*")) _p++; // *args splat: treat the list as positional
                        if (kws.Count > 0) throw Error(Cur, "positional argument after keyword argument");
                        args.Add(Expr());
                    }
                    if (IsOp(",")) _p++;
                    else break;
                }
                Expect(")");
                e = new PyCall(e, args.ToImmutable(), kws.ToImmutable(), e.Loc is SourceLoc.Text ? e.Loc : Loc(open));
            }
            else if (IsOp("["))
            {
                var open = _t[_p++];
                var idx = TupleOrExpr();
                Expect("]");
                e = new PySubscript(e, idx, Loc(open));
            }
            else return e;
        }
    }

    private PyExpr Atom()
    {
        var t = Cur;
        switch (t.Kind)
        {
            case Tk.Name:
                _p++;
                return t.Text is "True" or "False" or "None" ? new PyConst(t.Text, Loc(t)) : new PyName(t.Text, Loc(t));
            case Tk.Int:
                _p++;
                return new PyInt(long.Parse(t.Text, CultureInfo.InvariantCulture), Loc(t));
            case Tk.Float:
                _p++;
                return new PyFloat(double.Parse(t.Text, CultureInfo.InvariantCulture), Loc(t));
            case Tk.Str:
                _p++;
                var s = t.Text;
                while (Cur.Kind == Tk.Str) s += _t[_p++].Text; // implicit concatenation
                return new PyStr(s, Loc(t));
            case Tk.Op when t.Text == "(":
            {
                _p++;
                var items = ImmutableArray.CreateBuilder<PyExpr>();
                var trailingComma = false;
                while (!IsOp(")"))
                {
                    items.Add(Expr());
                    trailingComma = false;
                    if (IsOp(",")) { _p++; trailingComma = true; }
                    else break;
                }
                Expect(")");
                return items.Count == 1 && !trailingComma ? items[0] : new PyTuple(items.ToImmutable(), Loc(t));
            }
            case Tk.Op when t.Text == "[":
            {
                _p++;
                var items = ImmutableArray.CreateBuilder<PyExpr>();
                while (!IsOp("]")) { items.Add(Expr()); if (IsOp(",")) _p++; else break; }
                Expect("]");
                return new PyList(items.ToImmutable(), Loc(t));
            }
            case Tk.Op when t.Text == "{":
            {
                _p++;
                var items = ImmutableArray.CreateBuilder<(PyExpr, PyExpr)>();
                while (!IsOp("}"))
                {
                    var k = Expr();
                    Expect(":");
                    items.Add((k, Expr()));
                    if (IsOp(",")) _p++; else break;
                }
                Expect("}");
                return new PyDict(items.ToImmutable(), Loc(t));
            }
            default:
                throw Error(t, $"unexpected {t}");
        }
    }
}

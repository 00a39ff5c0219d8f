
namespace Bridge.Importers.TorchScript.Code;

/// <summary>
/// Recursive-descent parser for the PythonPrint subset (spec frontends.md §3.6): file-level classes and defs, class bodies
/// with <c>__parameters__</c>/<c>__buffers__</c>/annotations, statements and Python expression precedence. Nesting is
/// capped so hostile input cannot overflow the stack.
/// </summary>
public sealed class TsParser
{
    private const int MaxDepth = 200;
    private readonly List<TsToken> _toks;
    private readonly string _path;
    private int _p;
    private int _depth;

    private TsParser(List<TsToken> toks, string path)
    {
        _toks = toks;
        _path = path;
    }

    /// <summary>Parses one code file; <paramref name="path"/> is used for locations.</summary>
    public static TsCodeFile ParseFile(string source, string path)
    {
        var p = new TsParser(TsLexer.Lex(source, path), path);
        return p.File();
    }

    /// <summary>Parses a single expression (tests, type strings such as <c>List[int]</c>).</summary>
    public static TsExpr ParseExpression(string source, string path = "<expr>")
    {
        var p = new TsParser(TsLexer.Lex(source, path), path);
        var e = p.ExprList();
        if (p.Cur.Kind == TsTok.Newline) p._p++;
        if (p.Cur.Kind != TsTok.Eof) throw p.Err("unexpected text after the expression");
        return e;
    }

    private TsToken Cur => _toks[_p];
    private BridgeException Err(string msg) => Err(Cur.Pos, msg);
    private BridgeException Err(TsPos pos, string msg) =>
        new(TorchScriptDiagnosticIds.CodeSyntax, new SourceLoc.Text(_path, pos.Line, pos.Column), msg);

    private static string Describe(TsToken t) => t.Kind switch
    {
        TsTok.Newline => "end of line", TsTok.Indent => "indent", TsTok.Dedent => "dedent", TsTok.Eof => "end of file",
        TsTok.String => "a string", _ => $"'{t.Text}'",
    };

    private bool IsOp(string op) => Cur.Kind == TsTok.Op && Cur.Text == op;
    private bool IsName(string n) => Cur.Kind == TsTok.Name && Cur.Text == n;
    private bool AcceptOp(string op) { if (!IsOp(op)) return false; _p++; return true; }
    private bool AcceptName(string n) { if (!IsName(n)) return false; _p++; return true; }
    private void ExpectOp(string op) { if (!AcceptOp(op)) throw Err($"expected '{op}' but found {Describe(Cur)}"); }
    private void Expect(TsTok k, string what) { if (Cur.Kind != k) throw Err($"expected {what} but found {Describe(Cur)}"); _p++; }
    private string Ident()
    {
        if (Cur.Kind != TsTok.Name) throw Err($"expected a name but found {Describe(Cur)}");
        return _toks[_p++].Text;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth) throw Err("nesting too deep");
    }

    // ---- file, classes, defs -------------------------------------------------------------------------------------------

    private TsCodeFile File()
    {
        var classes = ImmutableArray.CreateBuilder<TsClassDef>();
        var fns = ImmutableArray.CreateBuilder<TsFunctionDef>();
        while (Cur.Kind != TsTok.Eof)
        {
            if (Cur.Kind == TsTok.Newline) { _p++; continue; }
            if (IsName("class")) classes.Add(Class());
            else if (IsName("def")) fns.Add(Def());
            else if (IsName("import") || IsName("from")) SkipLine();                    // legacy import lines
            else if (IsName("op_version_set")) SkipLine();                             // legacy header
            else throw Err($"expected 'class' or 'def' at file level but found {Describe(Cur)}");
        }
        return new TsCodeFile(_path, classes.ToImmutable(), fns.ToImmutable());
    }

    private void SkipLine()
    {
        while (Cur.Kind is not (TsTok.Newline or TsTok.Eof)) _p++;
        if (Cur.Kind == TsTok.Newline) _p++;
    }

    private TsClassDef Class()
    {
        var pos = Cur.Pos;
        _p++;
        var name = Ident();
        var bases = ImmutableArray<TsExpr>.Empty;
        if (AcceptOp("("))
        {
            var b = ImmutableArray.CreateBuilder<TsExpr>();
            while (!IsOp(")")) { b.Add(Expr()); if (!AcceptOp(",")) break; }
            ExpectOp(")");
            bases = b.ToImmutable();
        }
        ExpectOp(":");
        var body = Block();
        var parameters = ImmutableArray<string>.Empty;
        var buffers = ImmutableArray<string>.Empty;
        var slots = ImmutableArray.CreateBuilder<(string, TsExpr)>();
        var methods = ImmutableArray.CreateBuilder<TsFunctionDef>();
        foreach (var s in body)
        {
            switch (s)
            {
                case TsDefStmt d: methods.Add(d.Function); break;
                case TsAssign { Targets: [TsName { Id: "__parameters__" }], Value: TsList l }: parameters = Strings(l); break;
                case TsAssign { Targets: [TsName { Id: "__buffers__" }], Value: TsList l }: buffers = Strings(l); break;
                case TsAssign { Targets: [TsName { Id: "__annotations__" }] }: break;
                // non-identifier slot names: __annotations__["0"] = T
                case TsAssign { Targets: [TsSubscript { Target: TsName { Id: "__annotations__" }, Index: TsConst { Value: string key } }], Value: { } t }:
                    slots.Add((key, t));
                    break;
                case TsAssign { Targets: [TsName n], Annotation: { } ann }:
                    if (!n.Id.StartsWith("__", StringComparison.Ordinal)) slots.Add((n.Id, ann));
                    break;
            }
        }
        return new TsClassDef(name, bases, body, pos) { Parameters = parameters, Buffers = buffers, Slots = slots.ToImmutable(), Methods = methods.ToImmutable() };
    }

    private ImmutableArray<string> Strings(TsList l) =>
        [.. l.Items.Select(i => i is TsConst { Value: string s } ? s : throw Err(i.Pos, "expected a string in the name list"))];

    private TsFunctionDef Def()
    {
        var pos = Cur.Pos;
        _p++;
        var name = Ident();
        ExpectOp("(");
        var ps = ImmutableArray.CreateBuilder<TsParam>();
        while (!IsOp(")"))
        {
            if (AcceptOp("*")) { if (!AcceptOp(",")) break; continue; } // keyword-only marker
            var pn = Ident();
            TsExpr? type = null, def = null;
            if (AcceptOp(":")) type = Expr();
            if (AcceptOp("=")) def = Expr();
            ps.Add(new TsParam(pn, type, def));
            if (!AcceptOp(",")) break;
        }
        ExpectOp(")");
        TsExpr? ret = null;
        if (AcceptOp("->")) ret = Expr();
        ExpectOp(":");
        return new TsFunctionDef(name, ps.ToImmutable(), ret, Block(), pos);
    }

    private ImmutableArray<TsStmt> Block()
    {
        Enter();
        var b = ImmutableArray.CreateBuilder<TsStmt>();
        if (Cur.Kind != TsTok.Newline)
        {
            b.Add(SimpleStatement()); // one-line body: `def f(self): pass`
            _depth--;
            return b.ToImmutable();
        }
        _p++;
        Expect(TsTok.Indent, "an indented block");
        while (Cur.Kind != TsTok.Dedent)
        {
            if (Cur.Kind == TsTok.Eof) throw Err("file ends inside a block");
            if (Cur.Kind == TsTok.Newline) { _p++; continue; }
            b.Add(Statement());
        }
        _p++;
        _depth--;
        return b.ToImmutable();
    }

    // ---- statements ------------------------------------------------------------------------------------------------------

    private TsStmt Statement()
    {
        var pos = Cur.Pos;
        if (IsName("def")) return new TsDefStmt(Def(), pos);
        if (IsName("class")) throw Err("nested classes are not part of the serialized-code subset");
        if (AcceptName("if")) return If(pos);
        if (AcceptName("for"))
        {
            var target = TargetList();
            if (!AcceptName("in")) throw Err($"expected 'in' but found {Describe(Cur)}");
            var iter = ExprList();
            ExpectOp(":");
            return new TsFor(target, iter, Block(), pos);
        }
        if (AcceptName("while"))
        {
            var c = Expr();
            ExpectOp(":");
            return new TsWhile(c, Block(), pos);
        }
        if (AcceptName("with"))
        {
            var ctx = Expr();
            TsExpr? alias = AcceptName("as") ? Expr() : null;
            ExpectOp(":");
            return new TsWith(ctx, alias, Block(), pos);
        }
        return SimpleStatement();
    }

    private TsIf If(TsPos pos)
    {
        var cond = Expr();
        ExpectOp(":");
        var then = Block();
        var els = ImmutableArray<TsStmt>.Empty;
        while (Cur.Kind == TsTok.Newline) _p++;
        if (IsName("elif")) { var p2 = Cur.Pos; _p++; els = [If(p2)]; }
        else if (AcceptName("else")) { ExpectOp(":"); els = Block(); }
        return new TsIf(cond, then, els, pos);
    }

    private TsExpr TargetList()
    {
        var pos = Cur.Pos;
        var first = Postfix();
        if (!IsOp(",")) return first;
        var items = ImmutableArray.CreateBuilder<TsExpr>();
        items.Add(first);
        while (AcceptOp(",")) { if (IsName("in")) break; items.Add(Postfix()); }
        return new TsTuple(items.ToImmutable(), pos);
    }

    private TsStmt SimpleStatement()
    {
        var pos = Cur.Pos;
        TsStmt s;
        if (AcceptName("pass")) s = new TsSimple("pass", pos);
        else if (AcceptName("break")) s = new TsSimple("break", pos);
        else if (AcceptName("continue")) s = new TsSimple("continue", pos);
        else if (AcceptName("return")) s = new TsReturn(Cur.Kind == TsTok.Newline ? null : ExprList(), pos);
        else if (AcceptName("raise")) s = new TsRaise(Cur.Kind == TsTok.Newline ? null : Expr(), pos);
        else if (AcceptName("assert")) { var c = Expr(); s = new TsAssert(c, AcceptOp(",") ? Expr() : null, pos); }
        else s = AssignOrExpr(pos);
        if (Cur.Kind != TsTok.Newline && Cur.Kind != TsTok.Eof && Cur.Kind != TsTok.Dedent)
            throw Err($"expected end of line but found {Describe(Cur)}");
        if (Cur.Kind == TsTok.Newline) _p++;
        return s;
    }

    private TsStmt AssignOrExpr(TsPos pos)
    {
        // `a, b, = e` (unpack, trailing comma), `x : T = e`, `x : T`, `x = e`, `x += e`, bare expression.
        var targets = ImmutableArray.CreateBuilder<TsExpr>();
        var first = Expr();
        targets.Add(first);
        var unpack = false;
        while (AcceptOp(","))
        {
            unpack = true;
            if (IsOp("=") || Cur.Kind == TsTok.Newline) break;
            targets.Add(Expr());
        }
        if (!unpack && AcceptOp(":"))
        {
            var ann = Expr();
            return new TsAssign([first], false, ann, AcceptOp("=") ? ExprList() : null, pos);
        }
        if (AcceptOp("="))
        {
            var value = ExprList();
            while (AcceptOp("=")) value = ExprList(); // chained assignment keeps the last value; rare in printed code
            return new TsAssign(targets.ToImmutable(), unpack, null, value, pos);
        }
        foreach (var aug in new[] { "+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>=" })
            if (!unpack && AcceptOp(aug)) return new TsAugAssign(first, aug[..^1], ExprList(), pos);
        return new TsExprStmt(unpack ? new TsTuple(targets.ToImmutable(), pos) : first, pos);
    }

    // ---- expressions -----------------------------------------------------------------------------------------------------

    /// <summary>An expression or a bare tuple <c>a, b</c>.</summary>
    private TsExpr ExprList()
    {
        var pos = Cur.Pos;
        var first = Expr();
        if (!IsOp(",")) return first;
        var items = ImmutableArray.CreateBuilder<TsExpr>();
        items.Add(first);
        while (AcceptOp(","))
        {
            if (Cur.Kind is TsTok.Newline or TsTok.Eof || IsOp("=") || IsOp(")")) break;
            items.Add(Expr());
        }
        return new TsTuple(items.ToImmutable(), pos);
    }

    private TsExpr Expr()
    {
        Enter();
        var pos = Cur.Pos;
        var e = Or();
        if (AcceptName("if"))
        {
            var c = Or();
            if (!AcceptName("else")) throw Err($"expected 'else' but found {Describe(Cur)}");
            e = new TsConditional(c, e, Expr(), pos);
        }
        _depth--;
        return e;
    }

    private TsExpr Or()
    {
        var saved = _depth;
        var e = And();
        while (IsName("or")) { var pos = Cur.Pos; _p++; Enter(); e = new TsBinary("or", e, And(), pos); }
        _depth = saved;
        return e;
    }

    private TsExpr And()
    {
        var saved = _depth;
        var e = Not();
        while (IsName("and")) { var pos = Cur.Pos; _p++; Enter(); e = new TsBinary("and", e, Not(), pos); }
        _depth = saved;
        return e;
    }

    private TsExpr Not()
    {
        if (!IsName("not")) return Comparison();
        var pos = Cur.Pos;
        _p++;
        Enter();
        var e = new TsUnary("not", Not(), pos);
        _depth--;
        return e;
    }

    private static readonly string[] s_cmp = ["==", "!=", "<=", ">=", "<", ">"];

    private TsExpr Comparison()
    {
        var saved = _depth;
        var e = Binary(0);
        while (true)
        {
            var pos = Cur.Pos;
            string? op = null;
            if (Cur.Kind == TsTok.Op && Array.IndexOf(s_cmp, Cur.Text) >= 0) { op = Cur.Text; _p++; }
            else if (AcceptName("in")) op = "in";
            else if (IsName("is")) { _p++; op = AcceptName("not") ? "is_not" : "is"; }
            else if (IsName("not") && _toks[_p + 1] is { Kind: TsTok.Name, Text: "in" }) { _p += 2; op = "not_in"; }
            if (op is null) { _depth = saved; return e; }
            Enter();
            e = new TsBinary(op, e, Binary(0), pos);
        }
    }

    // Binary precedence levels, loosest first: | ^ & shifts additive multiplicative.
    private static readonly string[][] s_levels = [["|"], ["^"], ["&"], ["<<", ">>"], ["+", "-"], ["*", "/", "//", "%", "@"]];

    private TsExpr Binary(int level)
    {
        if (level == s_levels.Length) return Unary();
        // Left-associative chains nest to the left: each link counts towards the depth cap, so a 100k-term sum
        // cannot produce a tree that later recursive walks (visitors, ToString) would overflow on.
        var saved = _depth;
        var e = Binary(level + 1);
        while (Cur.Kind == TsTok.Op && Array.IndexOf(s_levels[level], Cur.Text) >= 0)
        {
            var pos = Cur.Pos;
            var op = _toks[_p++].Text;
            Enter();
            e = new TsBinary(op, e, Binary(level + 1), pos);
        }
        _depth = saved;
        return e;
    }

    private TsExpr Unary()
    {
        if (Cur.Kind == TsTok.Op && Cur.Text is "-" or "+" or "~")
        {
            var pos = Cur.Pos;
            var op = _toks[_p++].Text;
            Enter();
            var e = new TsUnary(op, Unary(), pos);
            _depth--;
            return e;
        }
        return Power();
    }

    private TsExpr Power()
    {
        var e = Postfix();
        if (IsOp("**")) { var pos = Cur.Pos; _p++; Enter(); e = new TsBinary("**", e, Unary(), pos); _depth--; }
        return e;
    }

    private TsExpr Postfix()
    {
        var saved = _depth;
        var e = Atom();
        while (true)
        {
            var pos = Cur.Pos;
            if (AcceptOp(".")) { Enter(); e = new TsAttribute(e, Ident(), pos); }
            else if (AcceptOp("(")) { Enter(); e = CallRest(e, pos); }
            else if (AcceptOp("[")) { Enter(); var idx = SubscriptIndex(); ExpectOp("]"); e = new TsSubscript(e, idx, pos); }
            else { _depth = saved; return e; }
        }
    }

    private TsCall CallRest(TsExpr fn, TsPos pos)
    {
        Enter();
        var args = ImmutableArray.CreateBuilder<TsExpr>();
        var kws = ImmutableArray.CreateBuilder<TsKeyword>();
        while (!IsOp(")"))
        {
            if (Cur.Kind == TsTok.Name && _toks[_p + 1] is { Kind: TsTok.Op, Text: "=" })
            {
                var n = Ident();
                _p++;
                kws.Add(new TsKeyword(n, Expr()));
            }
            else
            {
                if (kws.Count > 0) throw Err("positional argument after a keyword argument");
                args.Add(Expr());
            }
            if (!AcceptOp(",")) break;
        }
        ExpectOp(")");
        _depth--;
        return new TsCall(fn, args.ToImmutable(), kws.ToImmutable(), pos);
    }

    private TsExpr SubscriptIndex()
    {
        var pos = Cur.Pos;
        var items = ImmutableArray.CreateBuilder<TsExpr>();
        var tuple = false;
        while (true)
        {
            items.Add(SliceItem());
            if (!AcceptOp(",")) break;
            tuple = true;
            if (IsOp("]")) break;
        }
        return tuple ? new TsTuple(items.ToImmutable(), pos) : items[0];
    }

    private TsExpr SliceItem()
    {
        var pos = Cur.Pos;
        TsExpr? lo = IsOp(":") ? null : Expr();
        if (!AcceptOp(":")) return lo ?? throw Err("empty subscript");
        TsExpr? hi = IsOp(":") || IsOp("]") || IsOp(",") ? null : Expr();
        TsExpr? step = null;
        if (AcceptOp(":")) step = IsOp("]") || IsOp(",") ? null : Expr();
        return new TsSlice(lo, hi, step, pos);
    }

    private TsExpr Atom()
    {
        var t = Cur;
        switch (t.Kind)
        {
            case TsTok.Int:
            case TsTok.Float:
                _p++;
                return new TsConst(t.Value, t.Pos);
            case TsTok.String:
            {
                _p++;
                var s = (string)t.Value!;
                while (Cur.Kind == TsTok.String) s += (string)_toks[_p++].Value!; // implicit concatenation
                return new TsConst(s, t.Pos);
            }
            case TsTok.Name:
                _p++;
                return t.Text switch
                {
                    "None" => new TsConst(null, t.Pos),
                    "True" => new TsConst(true, t.Pos),
                    "False" => new TsConst(false, t.Pos),
                    _ => new TsName(t.Text, t.Pos),
                };
            case TsTok.Op when t.Text == "(":
            {
                _p++;
                Enter();
                if (AcceptOp(")")) { _depth--; return new TsTuple([], t.Pos); }
                var first = Expr();
                if (AcceptOp(")")) { _depth--; return first; }
                var items = ImmutableArray.CreateBuilder<TsExpr>();
                items.Add(first);
                while (AcceptOp(",")) { if (IsOp(")")) break; items.Add(Expr()); }
                ExpectOp(")");
                _depth--;
                return new TsTuple(items.ToImmutable(), t.Pos);
            }
            case TsTok.Op when t.Text == "[":
            {
                _p++;
                Enter();
                var items = ImmutableArray.CreateBuilder<TsExpr>();
                while (!IsOp("]")) { items.Add(Expr()); if (!AcceptOp(",")) break; }
                ExpectOp("]");
                _depth--;
                return new TsList(items.ToImmutable(), t.Pos);
            }
            case TsTok.Op when t.Text == "{":
            {
                _p++;
                Enter();
                var items = ImmutableArray.CreateBuilder<(TsExpr, TsExpr)>();
                while (!IsOp("}"))
                {
                    var k = Expr();
                    ExpectOp(":");
                    items.Add((k, Expr()));
                    if (!AcceptOp(",")) break;
                }
                ExpectOp("}");
                _depth--;
                return new TsDict(items.ToImmutable(), t.Pos);
            }
            default:
                throw Err($"expected an expression but found {Describe(t)}");
        }
    }
}

using System.Globalization;
using Bridge.Core.Limits;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relay;

namespace Bridge.Ir.Relay.Text;

// The Relay text parser: expressions (blocks, let, calls, atoms, match, patterns, local names). See RelayTextReader.cs.
internal sealed partial class Parser
{
    // ---------- expressions ----------
    /// <summary>
    /// A ';'-separated run of let / graph bindings / statements ending in one expression. Iterative so that long let and
    /// graph-binding chains (resnet50, 10k-node modules) use constant stack depth.
    /// </summary>
    private Expr ParseBlockBody()
    {
        var frames = new List<(Var Var, Expr Value, SourceLoc Loc)>();
        var pushed = 0;
        Expr result;
        while (true)
        {
            if (IsKw("let"))
            {
                var lt = Advance();
                var n = Expect(Tok.Local, "a variable after 'let'");
                RelayType? ty = AcceptP(":") ? ParseType() : null;
                var v = new Var(n.Text, ty, Loc(n));
                // Bound before the value is parsed so a let-bound closure may call itself.
                _scopes.Add(new Dictionary<string, Var>(StringComparer.Ordinal) { [n.Text] = v });
                pushed++;
                ExpectP("=");
                var value = ParseStmt();
                ExpectP(";");
                frames.Add((v, value, Loc(lt)));
                continue;
            }
            if (Cur.Kind == Tok.Graph && IsP(Peek(), "="))
            {
                var g = Advance();
                Advance();
                var value = ParseStmt();
                var num = long.Parse(g.Text, CultureInfo.InvariantCulture);
                if (!_graph.TryAdd(num, value)) throw Err(g, $"graph temporary %{g.Text} is bound twice", RelayTextDiagnosticIds.DuplicateTemp);
                ExpectP(";");
                continue;
            }
            var st = Cur;
            var e = ParseStmt();
            if (AcceptP(";"))
            {
                if (IsP("}") || IsP(")") || IsP(",") || Cur.Kind == Tok.Eof) { result = e; break; }
                frames.Add((new Var("", null, Loc(st)), e, Loc(st)));
                continue;
            }
            result = e;
            break;
        }
        for (var k = 0; k < pushed; k++) _scopes.RemoveAt(_scopes.Count - 1);
        for (var k = frames.Count - 1; k >= 0; k--) result = new Let(frames[k].Var, frames[k].Value, result, frames[k].Loc);
        return result;
    }

    private Expr ParseStmt()
    {
        if (IsKw("match") || IsKw("match?")) return ParseMatch();
        if (IsKw("let")) return ParseBlockBody();
        return ParseBinop();
    }

    private static readonly Dictionary<string, (int Prec, string Op)> s_binops = new()
    {
        ["*"] = (12, "multiply"), ["/"] = (12, "divide"), ["+"] = (10, "add"), ["-"] = (10, "subtract"),
        ["<"] = (8, "less"), [">"] = (8, "greater"), ["<="] = (8, "less_equal"), [">="] = (8, "greater_equal"),
        ["=="] = (7, "equal"), ["!="] = (7, "not_equal"),
    };

    private Expr ParseBinop()
    {
        // Shunting-yard: all operators are left-associative.
        var operands = new Stack<Expr>();
        var ops = new Stack<(int Prec, string Op, Token Tok)>();
        operands.Push(ParseCall());
        while (Cur.Kind == Tok.Punct && s_binops.TryGetValue(Cur.Text, out var info))
        {
            var t = Advance();
            while (ops.Count > 0 && ops.Peek().Prec >= info.Prec) Reduce(operands, ops.Pop());
            ops.Push((info.Prec, info.Op, t));
            operands.Push(ParseCall());
        }
        while (ops.Count > 0) Reduce(operands, ops.Pop());
        return operands.Pop();

        void Reduce(Stack<Expr> xs, (int Prec, string Op, Token Tok) o)
        {
            var r = xs.Pop(); var l = xs.Pop();
            xs.Push(new Call(new OpRef(RelayOps.Find(o.Op)!, Loc(o.Tok)), [l, r], NoAttrs.Instance, [], Loc(o.Tok)));
        }
    }

    private Expr ParseCall()
    {
        var e = ParseAtom();
        while (true)
        {
            if (IsP("("))
            {
                var open = Advance();
                e = ParseCallArgs(e, open);
            }
            else if (IsP(".") && Peek().Kind == Tok.Int)
            {
                Advance();
                var it = Advance();
                e = new TupleGetItem(e, ParseIndex(it), Loc(it));
            }
            else return NoteType(e);
        }
    }

    private int ParseIndex(Token t) =>
        int.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw Err(t, $"bad tuple index {t}");

    private Expr ParseCallArgs(Expr callee, Token open)
    {
        var args = ImmutableArray.CreateBuilder<Expr>();
        List<KeyValuePair<string, object?>>? attrPairs = null;
        object? metaAttrs = null;
        while (!IsP(")"))
        {
            if (Cur.Kind == Tok.Ident && IsAttrStart()) { attrPairs = ParseAttrPairs(")"); break; }
            if (Cur.Kind == Tok.Meta && Cur.Text.StartsWith("relay.attrs.", StringComparison.Ordinal))
            {
                var m = Advance();
                metaAttrs = LookupMetaObject(m);
                AcceptP(",");
                continue;
            }
            args.Add(ParseStmt());
            if (!AcceptP(",")) break;
        }
        ExpectP(")");
        Attrs attrs = NoAttrs.Instance;
        if (callee is OpRef op)
        {
            if (metaAttrs is Attrs ma) attrs = ma;
            else attrs = BuildOpAttrs(op.Op, attrPairs ?? [], open);
            var n = args.Count;
            if (n < op.Op.MinArgs || n > op.Op.MaxArgs)
            {
                // Version quirk: nn.pad had one input (pad_value attr) in ≤ 0.7; handled in BuildOpAttrs via a second arg.
                if (!(op.Op.Name == "nn.pad" && n == 1 && _padValue is not null))
                    throw Err(open, $"operator {op.Op.Name} takes {Arity(op.Op)} arguments but {n} were given", RelayTextDiagnosticIds.BadArity);
            }
            if (op.Op.Name == "nn.pad" && n == 1 && _padValue is not null) { args.Add(_padValue); _padValue = null; }
        }
        else if (attrPairs is { Count: > 0 }) attrs = new DictAttrs(AttrValues.FreezeAll(attrPairs));
        else if (metaAttrs is Attrs ma2) attrs = ma2;
        return new Call(callee, args.ToImmutable(), attrs, [], Loc(open));
    }

    private static string Arity(OpDef op) => op.MinArgs == op.MaxArgs ? op.MinArgs.ToString(CultureInfo.InvariantCulture)
        : op.MaxArgs == int.MaxValue ? $"at least {op.MinArgs}" : $"{op.MinArgs}–{op.MaxArgs}";


    private Expr ParseAtom()
    {
        var t = Cur;
        Deeper(t);
        switch (t.Kind)
        {
            case Tok.Int: Advance(); return ParseIntLiteral(t);
            case Tok.Float: Advance(); return ParseFloatLiteral(t);
            case Tok.Local: Advance(); return ResolveLocal(t);
            case Tok.Global: Advance(); return GetGlobal(t.Text);
            case Tok.Graph:
                {
                    Advance();
                    if (!long.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var num)) throw Err(t, $"graph temporary %{Diagnostic.Quote(t.Text)} is not a valid number");
                    return _graph.TryGetValue(num, out var g) ? g : throw Err(t, $"graph temporary %{t.Text} is used before it is bound", RelayTextDiagnosticIds.UnknownVar);
                }
            case Tok.Meta:
                {
                    Advance();
                    var o = LookupMetaObject(t);
                    // Constants from the meta table are shared between uses (TVM's table holds one node per entry).
                    return o is Constant c ? c : throw Err(t, $"meta[{t.Text}][{t.MetaIndex}] is not an expression", RelayTextDiagnosticIds.MissingMeta);
                }
            case Tok.Punct when t.Text == "(":
                {
                    Advance();
                    if (AcceptP(")")) return new Tuple([], Loc(t));
                    var first = ParseBlockBody();
                    if (AcceptP(")")) return first;
                    var fs = ImmutableArray.CreateBuilder<Expr>();
                    fs.Add(first);
                    while (AcceptP(","))
                    {
                        if (IsP(")")) break;
                        fs.Add(ParseBlockBody());
                    }
                    ExpectP(")");
                    return new Tuple(fs.ToImmutable(), Loc(t));
                }
            case Tok.Punct when t.Text == "{":
                {
                    Advance();
                    _scopes.Add(new(StringComparer.Ordinal));
                    var e = ParseBlockBody();
                    _scopes.RemoveAt(_scopes.Count - 1);
                    ExpectP("}");
                    return e;
                }
            case Tok.Ident:
                switch (t.Text)
                {
                    case "True" or "False": Advance(); return new Constant(Tensor.Scalar(DataType.Bool, t.Text == "True" ? 1 : 0), Loc(t));
                    case "inff": Advance(); return new Constant(Tensor.Scalar(DataType.Float32, double.PositiveInfinity), Loc(t));
                    case "fn": Advance(); return ParseFunctionRest(t, false);
                    case "if":
                        {
                            Advance();
                            ExpectP("(");
                            var c = ParseBlockBody();
                            ExpectP(")");
                            var th = ParseBraced();
                            if (!IsKw("else")) throw Err(Cur, "expected 'else'");
                            Advance();
                            var el = ParseBraced();
                            return new If(c, th, el, Loc(t));
                        }
                    case "ref": { Advance(); ExpectP("("); var v = ParseBlockBody(); ExpectP(")"); return new RefCreate(v, Loc(t)); }
                    case "ref_read": { Advance(); ExpectP("("); var v = ParseBlockBody(); ExpectP(")"); return new RefRead(v, Loc(t)); }
                    case "ref_write":
                        {
                            Advance(); ExpectP("(");
                            var r = ParseBlockBody(); ExpectP(",");
                            var v = ParseBlockBody(); ExpectP(")");
                            return new RefWrite(r, v, Loc(t));
                        }
                    case "match" or "match?": return ParseMatch();
                    case "let" or "def" or "type" or "else" or "extern" or "free_var":
                        throw Err(t, $"unexpected keyword '{t.Text}'");
                }
                {
                    Advance();
                    var name = t.Text;
                    while (IsP(".") && Peek().Kind == Tok.Ident) { Advance(); name += "." + Advance().Text; }
                    // Constructors are shared nodes: a use refers to the definition itself.
                    if (_ctors.TryGetValue(name, out var ctor))
                        return ctor.Inputs.Length == 0 && !IsP("(") ? new Call(ctor, [], NoAttrs.Instance, [], Loc(t)) : ctor;
                    var op = RelayOps.Find(name) ?? throw Err(t, $"unknown operator '{name}'{PreludeHint(name)}", RelayTextDiagnosticIds.UnknownOp);
                    return new OpRef(op, Loc(t));
                }
            default:
                throw Err(t, $"expected an expression but found {t}");
        }
    }

    private Expr ParseBraced()
    {
        ExpectP("{");
        _scopes.Add(new(StringComparer.Ordinal));
        var e = ParseBlockBody();
        _scopes.RemoveAt(_scopes.Count - 1);
        ExpectP("}");
        return e;
    }

    private Expr ParseMatch()
    {
        var t = Advance();
        var complete = t.Text == "match";
        var data = ParseCall();
        ExpectP("{");
        var clauses = ImmutableArray.CreateBuilder<Clause>();
        while (!IsP("}"))
        {
            _scopes.Add(new(StringComparer.Ordinal));
            var p = ParsePattern();
            ExpectP("=>");
            Expr rhs;
            if (IsP("{"))
            {
                // `{ ... }` right-hand side; a following infix/call continues it as an expression only if not followed by , or }.
                rhs = ParseBraced();
            }
            else rhs = ParseBlockBody();
            _scopes.RemoveAt(_scopes.Count - 1);
            clauses.Add(new Clause(p, rhs));
            if (!AcceptP(",")) break;
        }
        ExpectP("}");
        return new Match(data, clauses.ToImmutable(), complete, Loc(t));
    }

    private Pattern ParsePattern()
    {
        var t = Cur;
        if (t.Kind == Tok.Ident && t.Text == "_") { Advance(); return PatternWildcard.Instance; }
        if (t.Kind == Tok.Local)
        {
            Advance();
            RelayType? ty = AcceptP(":") ? ParseType() : null;
            var v = new Var(t.Text, ty, Loc(t));
            _scopes[^1][t.Text] = v;
            return new PatternVar(v);
        }
        if (t.Kind == Tok.Ident)
        {
            Advance();
            if (!_ctors.TryGetValue(t.Text, out var c)) throw Err(t, $"unknown constructor '{t.Text}' in pattern", RelayTextDiagnosticIds.UnknownVar);
            var ps = ImmutableArray.CreateBuilder<Pattern>();
            if (AcceptP("("))
            {
                while (!IsP(")")) { ps.Add(ParsePattern()); if (!AcceptP(",")) break; }
                ExpectP(")");
            }
            return new PatternConstructor(c, ps.ToImmutable());
        }
        if (IsP("("))
        {
            Advance();
            var ps = ImmutableArray.CreateBuilder<Pattern>();
            while (!IsP(")")) { ps.Add(ParsePattern()); if (!AcceptP(",")) break; }
            ExpectP(")");
            return new PatternTuple(ps.ToImmutable());
        }
        throw Err(t, $"expected a pattern but found {t}");
    }

    private Var? LookupLocal(string name)
    {
        for (var k = _scopes.Count - 1; k >= 0; k--) if (_scopes[k].TryGetValue(name, out var v)) return v;
        return _free.TryGetValue(name, out var fv) ? fv : null;
    }

    /// <summary>Trap 2: <c>%a.1</c> is a name if such a variable is in scope, else projection <c>.1</c> of <c>%a</c>.</summary>
    private Expr ResolveLocal(Token t)
    {
        var name = t.Text;
        if (LookupLocal(name) is { } v) return v;
        var projections = new List<int>();
        while (true)
        {
            var dot = name.LastIndexOf('.');
            if (dot <= 0 || !int.TryParse(name.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var idx)) break;
            projections.Insert(0, idx);
            name = name[..dot];
            if (LookupLocal(name) is { } b)
            {
                Expr e = b;
                foreach (var p in projections) e = new TupleGetItem(e, p, Loc(t));
                return e;
            }
        }
        throw Err(t, $"unknown variable %{t.Text}", RelayTextDiagnosticIds.UnknownVar);
    }
}

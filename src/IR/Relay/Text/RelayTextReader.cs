using System.Collections.Immutable;
using System.Globalization;
using Bridge.Core.Collections;
using Bridge.Core.Diagnostics;
using Bridge.Core.Limits;
using Bridge.Core.Shapes;
using Bridge.Core.Tensors;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relay;

namespace Bridge.Ir.Relay.Text;

/// <summary>Options of <see cref="RelayTextReader"/>.</summary>
public sealed record RelayTextOptions
{
    /// <summary>Module whose globals, types and constructors the text may refer to (TVM's init_module).</summary>
    public IRModule? InitialModule { get; init; }
    /// <summary>External meta table, appended after the file's own <c>#[metadata]</c> entries.</summary>
    public MetaTable? ExternalMeta { get; init; }
    /// <summary>TVM version that printed the text ("0.7", "0.19"…), for defaults that changed; null = 0.19.</summary>
    public string? RelayVersion { get; init; }
    /// <summary>Require the <c>#[version = "0.0.5"]</c> header (TVM's relay.parse does; str(mod) output lacks it).</summary>
    public bool RequireVersion { get; init; }
}

/// <summary>Reads the Relay text format (spec §1): modules (<see cref="ParseModule"/>) and expressions (<see cref="ParseExpr"/>).</summary>
public static class RelayTextReader
{
    public static IRModule ParseModule(string text, string path = "<text>", RelayTextOptions? options = null) =>
        Guarded(new Parser(text, path, options ?? new()), p => p.ParseModule());

    /// <summary>Parses an expression file (optional header, <c>free_var</c> lines, one expression). Free vars are returned too.</summary>
    public static Expr ParseExpr(string text, string path = "<text>", RelayTextOptions? options = null) =>
        Guarded(new Parser(text, path, options ?? new()), p => p.ParseExprFile());

    /// <summary>
    /// Runs a parse, turning what .NET throws for out-of-range or malformed literals the parser did not pre-check into a
    /// located syntax error at the current token: input never causes an internal error (docs/reliability.md).
    /// </summary>
    private static T Guarded<T>(Parser p, Func<Parser, T> parse)
    {
        try { return parse(p); }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw p.Malformed(e);
        }
    }

    /// <summary>
    /// Parses a module and returns the printer's <c>/* ty=... */</c> comments with the expression each follows (for
    /// cross-checking inferred types; the comments are never data).
    /// </summary>
    public static IRModule ParseModuleWithTypeComments(string text, string path, RelayTextOptions? options, out IReadOnlyList<(Expr Expr, string Type)> comments)
    {
        var p = new Parser(text, path, options ?? new());
        var m = Guarded(p, q => q.ParseModule());
        comments = p.TypeCommentsFound;
        return m;
    }

    /// <summary>Parses a type (<c>Tensor[(1, 3), float32]</c>).</summary>
    public static RelayType ParseType(string text, string path = "<type>") => Guarded(new Parser(text, path, new()), p => p.ParseTypeOnly());
}

internal sealed class Parser
{
    private readonly RelayLexer _lex;
    private readonly List<Token> _t;
    private readonly string _path;
    private readonly string _text;
    private readonly RelayTextOptions _opt;
    private int _i;
    private readonly IRModule _mod;
    private readonly Dictionary<string, GlobalVar> _globals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GlobalTypeVar> _typeGlobals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Constructor> _ctors = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Expr> _graph = [];
    private readonly List<Dictionary<string, Var>> _scopes = [];
    private readonly Dictionary<string, Var> _free = new(StringComparer.Ordinal);
    private readonly List<Dictionary<string, TypeVar>> _typeScopes = [];
    private readonly Dictionary<string, SymVar> _symVars = new(StringComparer.Ordinal);
    private MetaTable _meta = new();
    private readonly Dictionary<int, Constant> _unresolvedMeta = [];
    private int _tyComment;
    private bool _legacy; // v0.0.4 (TVM 0.6 ANTLR grammar): "(T)" in type position is a parenthesised type
    internal List<(Expr Expr, string Type)> TypeCommentsFound { get; } = [];

    /// <summary>Attaches a <c>/* ty= */</c> comment lying between the last consumed token and the current one to <paramref name="e"/>.</summary>
    private Expr NoteType(Expr e)
    {
        var tcs = _lex.TypeComments;
        if (_i == 0 || _tyComment >= tcs.Count) return e;
        var prevEnd = _t[_i - 1].End;
        while (_tyComment < tcs.Count && tcs[_tyComment].Start < prevEnd) _tyComment++;
        if (_tyComment < tcs.Count && tcs[_tyComment].End <= Cur.Pos)
        {
            TypeCommentsFound.Add((e, tcs[_tyComment].Type));
            _tyComment++;
        }
        return e;
    }
    private bool _metaLoaded;

    public Parser(string text, string path, RelayTextOptions opt)
    {
        _text = text;
        _path = path;
        _opt = opt;
        RelayOps.EnsureRegistered();
        _lex = new RelayLexer(text, path);
        _t = _lex.Run();
        _mod = opt.InitialModule?.Clone() ?? new IRModule();
        foreach (var (gv, _) in _mod.Functions) _globals[gv.Name] = gv;
        foreach (var td in _mod.TypeDefinitions)
        {
            _typeGlobals[td.Header.Name] = td.Header;
            foreach (var c in td.Constructors) _ctors[c.Name] = c;
        }
    }

    // ---------- token helpers ----------
    private Token Cur => _t[_i];
    private Token Peek(int k = 1) => _t[Math.Min(_i + k, _t.Count - 1)];
    private bool IsP(string p) => Cur.Kind == Tok.Punct && Cur.Text == p;
    private bool IsP(Token t, string p) => t.Kind == Tok.Punct && t.Text == p;
    private bool IsKw(string k) => Cur.Kind == Tok.Ident && Cur.Text == k;
    private bool AcceptP(string p) { if (!IsP(p)) return false; _i++; return true; }
    private Token Advance() { var t = _t[_i]; if (_i < _t.Count - 1) _i++; return t; }
    private SourceLoc Loc(Token t) => new SourceLoc.Text(_path, t.Line, t.Col);
    private SourceLoc Loc() => Loc(Cur);

    internal BridgeException Malformed(Exception e) => Err(Cur, $"malformed input: {e.Message}", RelayTextDiagnosticIds.Syntax);

    /// <summary>Refuses nesting the stack cannot follow (3,000 parentheses) with a located diagnostic, never a crash (docs/reliability.md).</summary>
    private void Deeper(Token t)
    {
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw Err(t, StackGuard.TooDeep(SourceLoc.Unknown.Instance).Diagnostic.Message, CoreDiagnosticIds.NestingTooDeep);
    }

    private BridgeException Err(Token t, string msg, DiagnosticId? id = null) =>
        new(new Diagnostic(id ?? RelayTextDiagnosticIds.Syntax, Severity.Error, msg, Loc(t)) { SourceLine = _lex.LineText(t.Line) });

    private Token ExpectP(string p)
    {
        if (!IsP(p)) throw Err(Cur, $"expected '{p}' but found {Cur}");
        return Advance();
    }

    private Token Expect(Tok k, string what)
    {
        if (Cur.Kind != k) throw Err(Cur, $"expected {what} but found {Cur}");
        return Advance();
    }

    // ---------- top level ----------
    private void Header()
    {
        if (Cur.Kind == Tok.Attr)
        {
            var a = Advance();
            var body = a.Text.Replace(" ", "", StringComparison.Ordinal);
            _legacy = body == "version=v0.0.4";
            if (body != "version=\"0.0.5\"" && !_legacy)
                throw Err(a, $"unsupported version attribute #[{a.Text}] (expected #[version = \"0.0.5\"])", RelayTextDiagnosticIds.Version);
        }
        else if (_opt.RequireVersion) throw Err(Cur, "missing #[version = \"0.0.5\"] header", RelayTextDiagnosticIds.Version);
        LoadMeta();
    }

    private void LoadMeta()
    {
        if (_metaLoaded) return;
        _metaLoaded = true;
        if (_lex.MetadataOffset >= 0)
            _meta = MetaTable.FromSaveJson(_text[_lex.MetadataOffset..], _path, _lex.MetadataLine);
        if (_opt.ExternalMeta is not null) _meta.Append(_opt.ExternalMeta);
    }

    /// <summary>Constructors of TVM's Relay prelude (prelude.rly): std files such as nat.rly use them without defining them,
    /// because TVM parsed them with the prelude as the initial module.</summary>
    private static readonly HashSet<string> s_preludeCtors = new(StringComparer.Ordinal) { "Cons", "Nil", "Some", "None", "Rose", "Z", "S" };

    private string PreludeHint(string name) =>
        s_preludeCtors.Contains(name) && _opt.InitialModule is null
            ? $" ('{name}' is a constructor of TVM's Relay prelude: this file expects prelude.rly as its initial module, as IRModule.import_from_std gave it)"
            : "";

    public IRModule ParseModule()
    {
        Header();
        // Pre-declare globals so forward references resolve to the same GlobalVar.
        for (var k = 0; k + 1 < _t.Count; k++)
            if (_t[k].Kind == Tok.Ident && _t[k].Text == "def" && _t[k + 1].Kind == Tok.Global) GetGlobal(_t[k + 1].Text);
        var defined = new HashSet<string>(StringComparer.Ordinal);
        while (Cur.Kind != Tok.Eof)
        {
            if (IsKw("def"))
            {
                Advance();
                var nameTok = Expect(Tok.Global, "a global name");
                if (!defined.Add(nameTok.Text)) throw Err(nameTok, $"global @{nameTok.Text} is defined twice", RelayTextDiagnosticIds.DuplicateGlobal);
                var gv = GetGlobal(nameTok.Text);
                var f = ParseFunctionRest(nameTok, isDef: true);
                _mod.Add(gv, f);
            }
            else if (IsKw("type")) { Advance(); ParseTypeDef(false); }
            else if (IsKw("extern")) { Advance(); if (!IsKw("type")) throw Err(Cur, "expected 'type' after 'extern'"); Advance(); ParseTypeDef(true); }
            else throw Err(Cur, $"expected a definition ('def', 'type' or 'extern type') but found {Cur}");
        }
        // Globals used but not defined here (PrimFuncs of lowered modules, externs) stay unbound GlobalVars;
        // type inference treats them as externals whose type comes from context.
        _mod.Meta = _meta;
        return _mod;
    }

    public Expr ParseExprFile()
    {
        Header();
        while (IsKw("free_var"))
        {
            Advance();
            var n = Expect(Tok.Local, "a variable");
            RelayType? ty = AcceptP(":") ? ParseType() : null;
            _free[n.Text] = new Var(n.Text, ty, Loc(n));
            AcceptP(";");
        }
        var e = ParseBlockBody();
        if (Cur.Kind != Tok.Eof) throw Err(Cur, $"unexpected {Cur} after the expression");
        return e;
    }

    public RelayType ParseTypeOnly()
    {
        var t = ParseType();
        if (Cur.Kind != Tok.Eof) throw Err(Cur, $"unexpected {Cur} after the type");
        return t;
    }

    private GlobalVar GetGlobal(string name)
    {
        if (!_globals.TryGetValue(name, out var gv)) _globals[name] = gv = new GlobalVar(name);
        return gv;
    }

    private GlobalTypeVar GetTypeGlobal(string name)
    {
        if (!_typeGlobals.TryGetValue(name, out var g)) _typeGlobals[name] = g = new GlobalTypeVar(name);
        return g;
    }

    private void ParseTypeDef(bool isExtern)
    {
        var nameTok = Expect(Tok.Ident, "a type name");
        var header = GetTypeGlobal(nameTok.Text);
        var tps = ParseTypeParams();
        _typeScopes.Add(tps.ToDictionary(t => t.Name, StringComparer.Ordinal));
        var ctors = ImmutableArray.CreateBuilder<Constructor>();
        if (!isExtern && AcceptP("{"))
        {
            while (!IsP("}"))
            {
                var ct = Expect(Tok.Ident, "a constructor name");
                var inputs = ImmutableArray.CreateBuilder<RelayType>();
                if (AcceptP("("))
                {
                    while (!IsP(")")) { inputs.Add(ParseType()); if (!AcceptP(",")) break; }
                    ExpectP(")");
                }
                if (_ctors.ContainsKey(ct.Text)) throw Err(ct, $"constructor {ct.Text} is defined twice", RelayTextDiagnosticIds.DuplicateGlobal);
                var c = new Constructor(ct.Text, inputs.ToImmutable(), header, Loc(ct)) { Tag = ctors.Count };
                _ctors[ct.Text] = c;
                ctors.Add(c);
                if (!AcceptP(",")) break;
            }
            ExpectP("}");
        }
        _typeScopes.RemoveAt(_typeScopes.Count - 1);
        _mod.AddType(new TypeData(header, tps, ctors.ToImmutable()) { IsExtern = isExtern });
    }

    private ImmutableArray<TypeVar> ParseTypeParams()
    {
        if (!IsP("[")) return [];
        Advance();
        var b = ImmutableArray.CreateBuilder<TypeVar>();
        while (!IsP("]")) { b.Add(new TypeVar(Expect(Tok.Ident, "a type parameter").Text)); if (!AcceptP(",")) break; }
        ExpectP("]");
        return b.ToImmutable();
    }

    // ---------- functions ----------
    private Function ParseFunctionRest(Token start, bool isDef)
    {
        var tps = ParseTypeParams();
        _typeScopes.Add(tps.ToDictionary(t => t.Name, StringComparer.Ordinal));
        ExpectP("(");
        var ps = ImmutableArray.CreateBuilder<Var>();
        var attrs = new List<KeyValuePair<string, object?>>();
        while (!IsP(")"))
        {
            if (Cur.Kind == Tok.Ident && IsP(Peek(), "=")) { attrs.AddRange(ParseAttrPairs(")")); break; }
            var n = Expect(Tok.Local, "a parameter");
            var ann = ImmutableDictionary<string, object?>.Empty;
            if (AcceptP("{"))
            {
                foreach (var kv in ParseAttrPairs("}")) ann = ann.SetItem(kv.Key, AttrValues.Freeze(kv.Value));
                ExpectP("}");
            }
            RelayType? ty = AcceptP(":") ? ParseType() : null;
            ps.Add(new Var(n.Text, ty, Loc(n)) { Annotations = ann });
            if (!AcceptP(",")) break;
        }
        ExpectP(")");
        RelayType? ret = AcceptP("->") ? ParseType() : null;
        var scope = new Dictionary<string, Var>(StringComparer.Ordinal);
        foreach (var p in ps) scope[p.Name] = p;
        _scopes.Add(scope);
        ExpectP("{");
        var body = ParseBlockBody();
        ExpectP("}");
        _scopes.RemoveAt(_scopes.Count - 1);
        _typeScopes.RemoveAt(_typeScopes.Count - 1);
        return new Function(ps.ToImmutable(), body, ret, tps, new DictAttrs(AttrValues.FreezeAll(attrs)), Loc(start));
    }

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

    private Expr? _padValue;

    private bool IsAttrStart()
    {
        var k = _i;
        while (_t[k].Kind == Tok.Ident && IsP(_t[k + 1], ".") && _t[k + 2].Kind == Tok.Ident) k += 2;
        return _t[k].Kind == Tok.Ident && IsP(_t[k + 1], "=") && !IsP(_t[k + 1], "==");
    }

    private List<KeyValuePair<string, object?>> ParseAttrPairs(string close)
    {
        var list = new List<KeyValuePair<string, object?>>();
        while (!IsP(close) && Cur.Kind == Tok.Ident)
        {
            var name = Advance().Text;
            while (IsP(".") && Peek().Kind == Tok.Ident) { Advance(); name += "." + Advance().Text; }
            ExpectP("=");
            list.Add(new(name, ParseAttrValue()));
            if (!AcceptP(",")) break;
        }
        return list;
    }

    /// <summary>Attribute value: long, double, bool, string, null, List, MetaRef/Constant, or an Expr.</summary>
    private object? ParseAttrValue()
    {
        var t = Cur;
        switch (t.Kind)
        {
            case Tok.Int: Advance(); return (long)ParseIntLiteral(t).Value!.GetInt64(0);
            case Tok.Float:
                {
                    Advance();
                    var c = ParseFloatLiteral(t);
                    return c.Value!.GetDouble(0);
                }
            case Tok.String: Advance(); return t.Text;
            case Tok.Meta: Advance(); return LookupMetaObject(t);
            case Tok.Ident when t.Text is "True" or "False": Advance(); return t.Text == "True";
            case Tok.Ident when t.Text is "None" or "nullptr": Advance(); return null;
            case Tok.Punct when t.Text == "[":
                {
                    Advance();
                    var l = new List<object?>();
                    while (!IsP("]")) { l.Add(ParseAttrValue()); if (!AcceptP(",")) break; }
                    ExpectP("]");
                    return l;
                }
            case Tok.Punct when t.Text == "(" && Peek().Kind != Tok.Punct:
                {
                    var save = _i;
                    Advance();
                    var v = ParseAttrValue();
                    if (AcceptP(")")) return v;
                    _i = save;
                    return ParseCall();
                }
            default: return ParseCall();
        }
    }

    private object LookupMetaObject(Token t)
    {
        LoadMeta();
        if (_meta.TryGet(t.Text, t.MetaIndex, out var v)) return v;
        if (t.Text == "relay.Constant")
        {
            // Shared per index, like a table entry; its type may still come from context (type inference decides).
            if (!_unresolvedMeta.TryGetValue(t.MetaIndex, out var k)) _unresolvedMeta[t.MetaIndex] = k = Constant.UnresolvedMeta(t.MetaIndex, Loc(t));
            return k;
        }
        if (t.Text.StartsWith("relay.attrs.", StringComparison.Ordinal))
            throw Err(t, $"meta[{t.Text}][{t.MetaIndex}] is not in the metadata table (the file has no #[metadata] entry for it; supply an external meta table)", RelayTextDiagnosticIds.MissingMeta);
        return new MetaRef(t.Text, t.MetaIndex);
    }

    private Attrs BuildOpAttrs(OpDef op, List<KeyValuePair<string, object?>> pairs, Token at)
    {
        var schema = op.Schema;
        if (op.AttrsType == typeof(NoAttrs))
            return pairs.Count == 0 ? NoAttrs.Instance : new DictAttrs(AttrValues.FreezeAll(pairs));
        var converted = new List<KeyValuePair<string, object?>>();
        foreach (var (k, v) in pairs)
        {
            if (op.Name == "nn.pad" && k == "pad_value")
            {
                _padValue = new Constant(Tensor.Scalar(DataType.Float32, v is long l ? l : v is double d ? d : 0), Loc(at));
                continue;
            }
            if (!schema.TryGetField(k, out var f))
                throw Err(at, $"operator {op.Name} has no attribute '{k}' ({schema.Type.Name} fields: {string.Join(", ", schema.Fields.Select(x => x.Name))})", RelayTextDiagnosticIds.UnknownAttr);
            try { converted.Add(new(k, AttrValues.Coerce(v, f))); }
            catch (FormatException ex) { throw Err(at, $"attribute {k} of {op.Name}: {ex.Message}", RelayTextDiagnosticIds.BadAttrValue); }
        }
        var result = schema.Create(converted, out _);
        return ApplyVersionDefaults(op, result, pairs);
    }

    /// <summary>
    /// Defaults that changed between TVM releases (spec §5.3, trap 1). The text only says "0.0.5", so the caller's
    /// <see cref="RelayTextOptions.RelayVersion"/> hint decides; without a hint the 0.19 meaning is used.
    /// </summary>
    private Attrs ApplyVersionDefaults(OpDef op, Attrs attrs, List<KeyValuePair<string, object?>> given)
    {
        var minor = ParseMinor(_opt.RelayVersion);
        bool Given(string k) => given.Any(p => p.Key == k);
        // nn.batch_matmul had no attrs and always computed x·yᵀ up to 0.7.
        if (op.Name is "nn.batch_matmul" && minor is <= 7 && attrs is BatchMatmulAttrs bm && !Given("transpose_b"))
            return bm with { TransposeB = true };
        // Transposed convs were labelled OI* up to 0.11 although the kernels always read IO* weights.
        if (minor is <= 11 && !Given("kernel_layout"))
        {
            switch (attrs)
            {
                case Conv1DTransposeAttrs c1: return c1 with { KernelLayout = "IOW" };
                case Conv2DTransposeAttrs c2: return c2 with { KernelLayout = "IOHW" };
                case Conv3DTransposeAttrs c3: return c3 with { KernelLayout = "IODHW" };
            }
        }
        return attrs;
    }

    private static int? ParseMinor(string? v)
    {
        if (string.IsNullOrEmpty(v)) return null;
        var parts = v.Split('.');
        return parts.Length >= 2 && int.TryParse(parts[1], out var m) ? m : null;
    }

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

    // ---------- literals ----------
    private Constant ParseIntLiteral(Token t)
    {
        var text = t.Text;
        var width = 0;
        var ipos = text.IndexOf('i');
        if (ipos >= 0)
        {
            width = text.Length > ipos + 1 ? int.Parse(text.AsSpan(ipos + 1), CultureInfo.InvariantCulture) : 32;
            text = text[..ipos];
        }
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            if (text.Contains('.') || text.Contains('e') || text.Contains('E')) throw Err(t, $"integer literal {t.Text} has a fractional part", RelayTextDiagnosticIds.BadLiteral);
            throw Err(t, $"integer literal {t.Text} is out of range", RelayTextDiagnosticIds.BadLiteral);
        }
        DataType dt;
        if (width == 0) dt = v is >= int.MinValue and <= int.MaxValue ? DataType.Int32 : DataType.Int64;
        else
        {
            dt = width switch { 8 => DataType.Int8, 16 => DataType.Int16, 32 => DataType.Int32, 64 => DataType.Int64, _ => throw Err(t, $"unsupported integer width i{width}", RelayTextDiagnosticIds.BadLiteral) };
            var max = width == 64 ? long.MaxValue : (1L << (width - 1)) - 1;
            var min = width == 64 ? long.MinValue : -(1L << (width - 1));
            if (v > max || v < min) throw Err(t, $"literal {t.Text} does not fit in {dt}", RelayTextDiagnosticIds.BadLiteral);
        }
        var tensor = Tensor.Zeros(dt);
        tensor.SetInt64(0, v);
        return new Constant(tensor, Loc(t));
    }

    private Constant ParseFloatLiteral(Token t)
    {
        var text = t.Text;
        int width;
        if (text is "-inff" or "inff") return new Constant(Tensor.Scalar(DataType.Float32, text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity), Loc(t));
        var fpos = text.IndexOf('f');
        if (fpos >= 0)
        {
            width = text.Length > fpos + 1 ? int.Parse(text.AsSpan(fpos + 1), CultureInfo.InvariantCulture) : 32;
            text = text[..fpos];
        }
        else width = 64; // trap 4: a bare decimal (0.7 printer's float64) reads as float64
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            throw Err(t, $"malformed float literal {t.Text}", RelayTextDiagnosticIds.BadLiteral);
        var dt = width switch { 16 => DataType.Float16, 32 => DataType.Float32, 64 => DataType.Float64, _ => throw Err(t, $"unsupported float width f{width}", RelayTextDiagnosticIds.BadLiteral) };
        var limit = width == 16 ? 65504.0 : width == 32 ? float.MaxValue : double.MaxValue;
        if (double.IsFinite(v) && Math.Abs(v) > limit) throw Err(t, $"literal {t.Text} does not fit in {dt}", RelayTextDiagnosticIds.BadLiteral);
        return new Constant(Tensor.Scalar(dt, v), Loc(t));
    }

    // ---------- types ----------
    private RelayType ParseType()
    {
        var t = Cur;
        Deeper(t);
        if (IsP("("))
        {
            Advance();
            var fs = ImmutableArray.CreateBuilder<RelayType>();
            var trailingComma = false;
            while (!IsP(")")) { fs.Add(ParseType()); trailingComma = AcceptP(","); if (!trailingComma) break; }
            ExpectP(")");
            if (_legacy && fs.Count == 1 && !trailingComma) return fs[0];
            return new TupleType(fs.ToImmutable()); // trap 10: "(T)" is a 1-tuple in 0.0.5
        }
        if (t.Kind == Tok.Meta) { Advance(); throw Err(t, $"meta[{t.Text}][{t.MetaIndex}] in type position is not supported", RelayTextDiagnosticIds.MissingMeta); }
        if (t.Kind != Tok.Ident) throw Err(t, $"expected a type but found {t}");
        switch (t.Text)
        {
            case "_": Advance(); return new IncompleteType();
            case "fn":
                {
                    Advance();
                    var tps = ParseTypeParams();
                    _typeScopes.Add(tps.ToDictionary(x => x.Name, StringComparer.Ordinal));
                    ExpectP("(");
                    var args = ImmutableArray.CreateBuilder<RelayType>();
                    while (!IsP(")")) { args.Add(ParseType()); if (!AcceptP(",")) break; }
                    ExpectP(")");
                    ExpectP("->");
                    var ret = ParseType();
                    _typeScopes.RemoveAt(_typeScopes.Count - 1);
                    return new FuncType(args.ToImmutable(), ret, tps);
                }
            case "ref" when IsP(Peek(), "("):
                {
                    Advance(); Advance();
                    var inner = ParseType();
                    ExpectP(")");
                    return new RelayRefType(inner);
                }
            case "Tensor" when IsP(Peek(), "["):
                {
                    Advance(); Advance();
                    var dims = ImmutableArray.CreateBuilder<SymExpr>();
                    if (AcceptP("("))
                    {
                        while (!IsP(")")) { dims.Add(ParseDim()); if (!AcceptP(",")) break; }
                        ExpectP(")");
                    }
                    else dims.Add(ParseDim());
                    ExpectP(",");
                    var dtTok = Expect(Tok.Ident, "a dtype");
                    var dt = ParseDType(dtTok) ?? throw Err(dtTok, $"unknown dtype '{dtTok.Text}'");
                    ExpectP("]");
                    return new TensorType(dims.ToImmutable(), dt);
                }
        }
        Advance();
        for (var k = _typeScopes.Count - 1; k >= 0; k--)
            if (_typeScopes[k].TryGetValue(t.Text, out var tv)) return tv;
        if (!_typeGlobals.ContainsKey(t.Text) && ParseDType(t) is { } sdt) return TensorType.Scalar(sdt);
        var g = GetTypeGlobal(t.Text);
        var targs = ImmutableArray.CreateBuilder<RelayType>();
        if (AcceptP("["))
        {
            while (!IsP("]")) { targs.Add(ParseType()); if (!AcceptP(",")) break; }
            ExpectP("]");
        }
        return new TypeCall(g, targs.ToImmutable());
    }

    private static DataType? ParseDType(Token t) => t.Text switch
    {
        "int" => DataType.Int32,
        "float" => DataType.Float32,
        "uint" => DataType.UInt32,
        _ => DataType.TryParse(t.Text, out var d) ? d : null,
    };

    private SymExpr ParseDim()
    {
        var t = Cur;
        if (AcceptP("?")) return SymVar.Any();
        if (t.Kind == Tok.Int) { Advance(); return ParseIntLiteral(t).Value!.GetInt64(0); }
        if (t.Kind == Tok.Meta)
        {
            Advance();
            var key = $"meta[{t.Text}][{t.MetaIndex}]";
            if (!_symVars.TryGetValue(key, out var sv)) _symVars[key] = sv = new SymVar($"{t.Text.Split('.')[^1]}{t.MetaIndex}");
            return sv;
        }
        throw Err(t, $"expected a dimension but found {t}");
    }
}

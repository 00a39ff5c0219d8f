using System.Globalization;
using Bridge.Core.Limits;
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

internal sealed partial class Parser
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
}

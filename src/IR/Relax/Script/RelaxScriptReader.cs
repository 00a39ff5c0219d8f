using System.Text;
using System.Text.RegularExpressions;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;

namespace Bridge.Ir.Relax.Script;

/// <summary>Options of the TVMScript reader.</summary>
public sealed record RelaxReaderOptions
{
    /// <summary>The TVM version whose printer wrote the text, when known (only changes the meaning of an omitted
    /// <c>R.Callable</c> purity: v0.19's printer omits it exactly when the function is impure).</summary>
    public RelaxVersion? SourceVersion { get; init; }
    /// <summary>Where <c>metadata["relax.expr.Constant"][i]</c> finds its constants when the text has no metadata section (TVM's
    /// default <c>script()</c>): see <see cref="RelaxMetadataFile.ReaderOptions"/>. Null: such a reference is an error.</summary>
    public Func<SourceLoc, IReadOnlyList<Constant>>? ExternalMetadata { get; init; }
}

/// <summary>
/// Reads Relax TVMScript as printed by TVM v0.19 … main (and the parser conveniences of §1.10) into Relax IR.
/// Every error is a <see cref="BridgeException"/> with line:column.
/// </summary>
public sealed partial class RelaxScriptReader
{
    private readonly string _path;
    private readonly string[] _lines;
    private readonly RelaxReaderOptions _opt;
    private readonly Stack<Dictionary<string, object>> _scopes = new();
    private readonly HashSet<string> _moduleNames = new(StringComparer.Ordinal);
    private string? _moduleName;
    private bool _fragment;

    private RelaxScriptReader(string path, string text, RelaxReaderOptions? opt)
    {
        _path = path;
        _lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        _opt = opt ?? new RelaxReaderOptions();
    }

    /// <summary>Parses a module (<c>@I.ir_module class ...</c>) or a stand-alone <c>@R.function</c> (wrapped in a module).</summary>
    public static IRModule Parse(string text, string path, RelaxReaderOptions? options = null)
    {
        var r = new RelaxScriptReader(path, text, options);
        return r.ParseModule(r.ParseTree(text));
    }

    /// <summary>Parses a printer fragment: symbolic declarations, free-var annotations, bindings and a final expression.</summary>
    public static RelaxFragment ParseFragment(string text, string path, RelaxReaderOptions? options = null)
    {
        var r = new RelaxScriptReader(path, text, options) { _fragment = true };
        return r.Fragment(r.ParseTree(text));
    }

    /// <summary>Parses a one-line struct-info repr (<c>R.Tensor((1, a, 3), dtype="float32")</c>); free names become symbolic vars.</summary>
    public static StructInfo ParseStructInfo(string text, string path, RelaxReaderOptions? options = null)
    {
        var r = new RelaxScriptReader(path, text, options) { _fragment = true };
        var tree = r.ParseTree(text);
        r._scopes.Push([]);
        StructInfo? last = null;
        foreach (var s in tree)
        {
            if (s is PyAssign { Value: PyCall c, Target: PyName n } && IsDotted(c.Func, "T", "int64") && c.Args.IsEmpty) { r.Bind(n.Id, new SymVar(n.Id)); continue; }
            if (s is PyExprStmt e) last = r.SInfo(e.Value, signature: true);
            else throw r.Err(s.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "expected a struct-info expression");
        }
        return last ?? throw r.Err(new SourceLoc.Text(path, 1, 1), RelaxScriptDiagnosticIds.UnexpectedToken, "empty struct-info text");
    }

    private ImmutableArray<PyStmt> ParseTree(string text)
    {
        // TIR PrimFuncs are carried verbatim: cut their line ranges out before tokenizing.
        var lines = (string[])_lines.Clone();
        CutMetadata(lines);
        var prims = new List<(int Line, PyPrimFunc F)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var tl = lines[i].TrimStart();
            if (!tl.StartsWith("@T.prim_func", StringComparison.Ordinal)) continue;
            var ind = lines[i].Length - tl.Length;
            var j = i + 1;
            while (j < lines.Length && lines[j].TrimStart().StartsWith('@')) j++;
            if (j >= lines.Length) throw Err(new SourceLoc.Text(_path, i + 1, ind + 1), RelaxScriptDiagnosticIds.UnexpectedToken, "@T.prim_func without a def");
            var m = DefName().Match(lines[j]);
            if (!m.Success) throw Err(new SourceLoc.Text(_path, j + 1, 1), RelaxScriptDiagnosticIds.UnexpectedToken, "expected 'def name(' after @T.prim_func");
            var k = j + 1;
            while (k < lines.Length && (lines[k].Trim().Length == 0 || lines[k].Length - lines[k].TrimStart().Length > ind)) k++;
            while (k > j + 1 && lines[k - 1].Trim().Length == 0) k--;
            var body = string.Join("\n", lines[i..k].Select(l => l.Length >= ind ? l[ind..] : l.TrimStart()));
            prims.Add((i, new PyPrimFunc(m.Groups[1].Value, body, new SourceLoc.Text(_path, i + 1, ind + 1))));
            for (var q = i; q < k; q++) lines[q] = "";
            i = k - 1;
        }
        var toks = Tokenizer.Tokenize(string.Join("\n", lines), _path);
        var stmts = new PyParser(toks, _path, _lines).ParseFile();
        if (prims.Count == 0) return stmts;
        // Re-insert the PrimFuncs into the class body they came from, in line order.
        return [.. stmts.Select(s => s is PyClass c ? c with { Body = Merge(c.Body, prims) } : s)];
    }

    /// <summary>The constants of the file's metadata section (<c>metadata["relax.expr.Constant"][i]</c>), or null without one.</summary>
    private IReadOnlyList<Constant>? _metadata;

    /// <summary>
    /// TVM's <c>show_meta=True</c> section, <c>metadata = tvm.ir.load_json("""…""")</c> (a Python string holding a save_json Map): read
    /// its constants and blank its lines so the Python parser sees only the module (line numbers stay as in the file).
    /// </summary>
    private void CutMetadata(string[] lines)
    {
        const string Head = "metadata = tvm.ir.load_json(\"\"\"";
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith(Head, StringComparison.Ordinal)) continue;
            var sb = new StringBuilder();
            var j = i;
            var rest = lines[i][Head.Length..];
            while (true)
            {
                var end = rest.IndexOf("\"\"\")", StringComparison.Ordinal);
                if (end >= 0) { sb.Append(rest.AsSpan(0, end)); break; }
                sb.Append(rest).Append('\n');
                if (++j >= lines.Length) throw Err(new SourceLoc.Text(_path, i + 1, 1), RelaxScriptDiagnosticIds.UnexpectedToken, "metadata section without its closing \"\"\")");
                rest = lines[j];
            }
            _metadata = Json.RelaxJsonReader.ReadMetadata(PyUnescape(sb.ToString()), _path);
            for (var q = i; q <= j; q++) lines[q] = "";
            return;
        }
    }

    private static string PyUnescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal)) return s;
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 == s.Length) { sb.Append(s[i]); continue; }
            var c = s[++i];
            switch (c)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case '"' or '\'' or '\\': sb.Append(c); break;
                default: sb.Append('\\').Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary><c>metadata["relax.expr.Constant"][i]</c>.</summary>
    internal Constant MetadataConstant(PyExpr key, PyInt index, SourceLoc loc)
    {
        if (_metadata is null && _opt.ExternalMetadata is { } external) _metadata = external(loc);
        if (_metadata is null) throw Err(loc, RelaxScriptDiagnosticIds.UnsupportedConstruct, "metadata[...] used, but the file has no metadata section (metadata = tvm.ir.load_json(...))");
        if (key is not PyStr { Value: "relax.expr.Constant" }) throw Err(key.Loc, RelaxScriptDiagnosticIds.UnsupportedConstruct, "only metadata[\"relax.expr.Constant\"] is supported");
        if (index.Value < 0 || index.Value >= _metadata.Count)
            throw Err(index.Loc, RelaxScriptDiagnosticIds.UnsupportedConstruct, $"metadata[\"relax.expr.Constant\"][{index.Value}]: the metadata section holds {_metadata.Count} constants");
        return _metadata[(int)index.Value];
    }

    private static ImmutableArray<PyStmt> Merge(ImmutableArray<PyStmt> body, List<(int Line, PyPrimFunc F)> prims)
    {
        var all = body.Select(s => (Line: ((SourceLoc.Text)s.Loc).Line - 1, S: s)).Concat(prims.Select(p => (p.Line, S: (PyStmt)p.F)));
        return [.. all.OrderBy(x => x.Line).Select(x => x.S)];
    }

    [GeneratedRegex(@"^\s*def\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(")]
    private static partial Regex DefName();

    internal BridgeException Err(SourceLoc loc, DiagnosticId id, string msg)
    {
        var d = Diagnostic.Error(id, loc, msg);
        if (loc is SourceLoc.Text t && t.Line >= 1 && t.Line <= _lines.Length) d = d with { SourceLine = _lines[t.Line - 1] };
        return new BridgeException(d);
    }

    private static bool IsDotted(PyExpr e, string a, string b) => e is PyAttr { Obj: PyName n, Name: var m } && n.Id == a && m == b;

    private static string? Dotted(PyExpr e) => e switch
    {
        PyName n => n.Id,
        PyAttr a => Dotted(a.Obj) is { } p ? p + "." + a.Name : null,
        _ => null,
    };

    private void Bind(string name, object v) => _scopes.Peek()[name] = v;

    private object? Lookup(string name)
    {
        foreach (var s in _scopes) if (s.TryGetValue(name, out var v)) return v;
        return null;
    }

    // ---------------------------------------------------------------- module level

    private IRModule ParseModule(ImmutableArray<PyStmt> stmts)
    {
        var real = stmts.Where(s => s is not PyPass).ToList();
        if (real.Count == 1 && real[0] is PyClass cls) return Module(cls);
        if (real.Count == 1 && real[0] is PyDef def)
        {
            _scopes.Push([]);
            var f = Function(def, topLevel: true);
            _scopes.Pop();
            return new IRModule("Module", [new ModuleEntry(new GlobalVar(def.Name, def.Loc), f)], def.Loc) { IsStandaloneFunction = true };
        }
        var first = real.FirstOrDefault();
        throw Err(first?.Loc ?? new SourceLoc.Text(_path, 1, 1), RelaxScriptDiagnosticIds.UnexpectedToken,
            "expected one '@I.ir_module class' or one '@R.function def' at top level");
    }

    private IRModule Module(PyClass cls)
    {
        if (!cls.Decorators.Any(d => Dotted(d is PyCall c ? c.Func : d) is "I.ir_module" or "tvm.script.ir_module" or "ir_module"))
            throw Err(cls.Loc, RelaxScriptDiagnosticIds.UnsupportedConstruct, $"class {cls.Name} is not decorated with @I.ir_module");
        _moduleName = cls.Name;
        _scopes.Push([]);
        PrepassSignatures(cls.Body);
        foreach (var s in cls.Body)
        {
            var n = s switch { PyDef d => d.Name, PyPrimFunc p => p.Name, PyAssign { Target: PyName t } => t.Id, _ => null };
            if (n is null) continue;
            if (!_moduleNames.Add(n)) throw Err(s.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, $"'{n}' is defined twice in module {cls.Name}");
        }
        var entries = ImmutableArray.CreateBuilder<ModuleEntry>();
        foreach (var s in cls.Body)
        {
            switch (s)
            {
                case PyPrimFunc p: entries.Add(new ModuleEntry(new GlobalVar(p.Name, p.Loc), new PrimFuncText(p.Name, p.Text, p.Loc))); break;
                case PyDef d:
                    _scopes.Push([]);
                    entries.Add(new ModuleEntry(new GlobalVar(d.Name, d.Loc), Function(d, topLevel: true)));
                    _scopes.Pop();
                    break;
                case PyAssign { Target: PyName t, Value: PyCall c } when Dotted(c.Func) == "R.ExternFunc":
                    entries.Add(new ModuleEntry(new GlobalVar(t.Id, t.Loc), ExternFuncCall(c)));
                    break;
                case PyExprStmt { Value: PyCall c } when Dotted(c.Func) is "I.module_attrs" or "I.module_global_infos":
                    throw Err(s.Loc, RelaxScriptDiagnosticIds.UnsupportedConstruct, $"{Dotted(c.Func)} is not supported yet");
                case PyPass: break;
                default: throw Err(s.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "expected a function definition in the module body");
            }
        }
        _scopes.Pop();
        return new IRModule(cls.Name, entries.ToImmutable(), cls.Loc);
    }

    private ExternFunc ExternFuncCall(PyCall c)
    {
        if (c.Args.Length < 1 || c.Args[0] is not PyStr s) throw Err(c.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "R.ExternFunc expects a string name");
        var ty = c.Args.Length > 1 ? SInfo(c.Args[1], signature: true) : null;
        return new ExternFunc(s.Value, ty, c.Loc) { Info = ty ?? FuncSInfo.Opaque() };
    }

    private static bool DecoratorKw(PyDef d, string kw) =>
        d.Decorators.Any(x => x is PyCall c && c.Kwargs.Any(k => k.Name == kw && k.Value is PyConst { Id: "True" }));

    private static bool DecoratorKwFalse(PyDef d, string kw) =>
        d.Decorators.Any(x => x is PyCall c && c.Kwargs.Any(k => k.Name == kw && k.Value is PyConst { Id: "False" }));
}

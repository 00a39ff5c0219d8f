using System.Globalization;
using System.Text;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relay;

namespace Bridge.Ir.Relay.Text;

/// <summary>
/// Prints Relay in TVM's graph-normal-form layout (spec §1.7): atoms inline, other shared or non-tail expressions bound
/// to module-wide numbered <c>%N</c> temporaries, 2-space indentation, <c>/* ty=... */</c> when types are known.
/// </summary>
public sealed class RelayTextWriter
{
    private readonly Dictionary<Expr, string> _memo = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, string> _varNames = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private readonly Dictionary<Expr, int> _uses = new(ReferenceEqualityComparer.Instance);
    private readonly List<List<string>> _scopes = [];
    private int _temp;

    /// <summary>Print <c>/* ty=... */</c> annotations for nodes with a checked type.</summary>
    public bool ShowTypes { get; init; } = true;

    public static string PrintModule(IRModule mod, bool showTypes = true) => new RelayTextWriter { ShowTypes = showTypes }.Module(mod);
    public static string PrintExpr(Expr e, bool showTypes = true) => new RelayTextWriter { ShowTypes = showTypes }.ExprFile(e);
    public static string PrintType(RelayType t) => Type(t);
    internal static string PrintInline(Expr e) => new RelayTextWriter { ShowTypes = false }.Body(e);

    private string Module(IRModule mod)
    {
        var sb = new StringBuilder("#[version = \"0.0.5\"]\n");
        foreach (var (_, f) in mod.Functions) CountUses(f);
        PlanMeta(mod.Functions.Select(f => (Expr)f.Func));
        // 0.9+ printers sort type definitions and functions alphabetically.
        foreach (var td in mod.TypeDefinitions.OrderBy(t => t.Header.Name, StringComparer.Ordinal))
        {
            sb.Append(td.IsExtern ? "extern type " : "type ").Append(td.Header.Name);
            if (td.TypeParams.Length > 0) sb.Append('[').Append(string.Join(", ", td.TypeParams.Select(p => p.Name))).Append(']');
            if (!td.IsExtern)
            {
                sb.Append(" {\n");
                foreach (var c in td.Constructors)
                {
                    sb.Append("  ").Append(c.Name);
                    if (c.Inputs.Length > 0) sb.Append('(').Append(string.Join(", ", c.Inputs.Select(Type))).Append(')');
                    sb.Append(",\n");
                }
                sb.Append('}');
            }
            sb.Append("\n\n");
        }
        foreach (var (gv, f) in mod.Functions.OrderBy(p => p.Var.Name, StringComparer.Ordinal))
            sb.Append("def @").Append(gv.Name).Append(FunctionText(f)).Append("\n\n");
        var text = sb.ToString().TrimEnd('\n') + "\n";
        return _metaOrder.Count > 0 ? text + "\n#[metadata]\n" + Json.RelayJsonWriter.WriteMetadata(_metaOrder) + "\n" : text;
    }

    // Constants printed by reference get fresh indices in print order and a #[metadata] section, when every such
    // constant has a value. With types-only (external) constants the original indices are kept and no section is written.
    private readonly List<Constant> _metaOrder = [];
    private readonly Dictionary<Constant, int> _metaIndex = new(ReferenceEqualityComparer.Instance);
    private bool _emitMeta;

    private void PlanMeta(IEnumerable<Expr> roots)
    {
        var refs = new List<Constant>();
        foreach (var r in roots) RelayVisit.PreOrder(r, e => { if (e is Constant k && !IsInlineScalar(k)) refs.Add(k); });
        _emitMeta = refs.Count > 0 && refs.All(k => k.Value is not null);
    }

    private string ExprFile(Expr e)
    {
        CountUses(e);
        var sb = new StringBuilder("#[version = \"0.0.5\"]\n");
        foreach (var fv in FreeVars(e))
            sb.Append("free_var ").Append(VarDecl(fv)).Append(";\n");
        sb.Append(Body(e));
        return sb.Append('\n').ToString();
    }

    private static List<Var> FreeVars(Expr root)
    {
        var bound = new HashSet<Var>(ReferenceEqualityComparer.Instance);
        var free = new List<Var>();
        var seen = new HashSet<Var>(ReferenceEqualityComparer.Instance);
        RelayVisit.PreOrder(root, e =>
        {
            switch (e)
            {
                case Function f: foreach (var p in f.Params) bound.Add(p); break;
                case Let l: bound.Add(l.Var); break;
                case Match m: foreach (var c in m.Clauses) foreach (var v in RelayVisit.PatternVars(c.Lhs)) bound.Add(v); break;
            }
        });
        RelayVisit.PreOrder(root, e => { if (e is Var v && !bound.Contains(v) && seen.Add(v)) free.Add(v); });
        return free;
    }

    private void CountUses(Expr root) => RelayVisit.PreOrder(root, e =>
    {
        foreach (var c in RelayVisit.Children(e)) _uses[c] = _uses.GetValueOrDefault(c) + 1;
    });

    private static bool IsAtomic(Expr e) => e is Var or GlobalVar or OpRef or Constructor or Constant;

    /// <summary>Prints a scope body (let chains iteratively) and returns its lines including the result expression.</summary>
    private string Body(Expr body)
    {
        _scopes.Add([]);
        var e = body;
        while (e is Let l)
        {
            var value = Print(l.Value, tryInline: true);
            _scopes[^1].Add($"let {VarDecl(l.Var)} = {value};");
            e = l.Body;
        }
        var result = Print(e, tryInline: true);
        var lines = _scopes[^1];
        _scopes.RemoveAt(_scopes.Count - 1);
        lines.Add(result);
        return string.Join("\n", lines);
    }

    private static string Indent(string block) => string.Join("\n", block.Split('\n').Select(l => l.Length == 0 ? l : "  " + l));

    private string Print(Expr e, bool tryInline)
    {
        Bridge.Core.Limits.StackGuard.Check(e.Loc); // deep input: a located diagnostic, not a crash
        if (IsAtomic(e)) return Atom(e);
        if (_memo.TryGetValue(e, out var name)) return name;
        // Hoist sub-expressions first, iteratively in TVM's visiting order, so deep chains do not recurse.
        if (_scopes.Count > 0) PrehoistChildren(e);
        var text = NodeText(e);
        if (ShowTypes && e.CheckedType is { } ty && e is Call or Tuple or TupleGetItem) text += $" /* ty={Type(ty)} */";
        if ((tryInline && _uses.GetValueOrDefault(e) <= 1) || _scopes.Count == 0) return text;
        var temp = "%" + (_temp++).ToString(CultureInfo.InvariantCulture);
        _scopes[^1].Add($"{temp} = {text};");
        _memo[e] = temp;
        return temp;
    }

    private void PrehoistChildren(Expr root)
    {
        var stack = new Stack<(Expr E, bool Expanded)>();
        foreach (var c in HoistedChildren(root).Reverse()) stack.Push((c, false));
        while (stack.Count > 0)
        {
            var (e, expanded) = stack.Pop();
            if (IsAtomic(e) || _memo.ContainsKey(e)) continue;
            if (expanded) { Print(e, tryInline: false); continue; }
            stack.Push((e, true));
            foreach (var c in HoistedChildren(e).Reverse()) stack.Push((c, false));
        }
    }

    /// <summary>Children printed with try_inline=false in the current scope (not those inside nested scopes).</summary>
    private static IEnumerable<Expr> HoistedChildren(Expr e) => e switch
    {
        Call c => [.. c.Args, c.Callee], // TVM's printer visits the arguments before the callee
        Tuple t => t.Fields,
        TupleGetItem g => [g.TupleValue],
        RefCreate r => [r.Value],
        RefRead r => [r.Ref],
        RefWrite r => [r.Ref, r.Value],
        If i => [i.Cond],
        Match m => [m.Data],
        _ => [],
    };

    private string Atom(Expr e) => e switch
    {
        Var v => VarName(v),
        GlobalVar g => "@" + g.Name,
        OpRef o => o.Name,
        Constructor c => c.Name,
        Constant k => ConstantText(k),
        _ => throw new Core.Diagnostics.BridgeInternalError("not an atom"),
    };

    private static bool IsInlineScalar(Constant k) =>
        k.Value is { } v && k.IsScalar && (v.DType == DataType.Bool || v.DType == DataType.Int32 || v.DType == DataType.Int64 || v.DType == DataType.Int16
                                            || v.DType == DataType.Float32 || v.DType == DataType.Float64 || v.DType == DataType.Float16);

    private string ConstantText(Constant k)
    {
        if (!IsInlineScalar(k) && _emitMeta)
        {
            if (!_metaIndex.TryGetValue(k, out var mi)) { mi = _metaIndex[k] = _metaOrder.Count; _metaOrder.Add(k); }
            return $"meta[relay.Constant][{mi}]";
        }
        if (k.Value is { } v && k.IsScalar)
        {
            var dt = v.DType;
            if (dt == DataType.Bool) return v.GetInt64(0) != 0 ? "True" : "False";
            if (dt == DataType.Int32) return v.GetInt64(0).ToString(CultureInfo.InvariantCulture);
            if (dt == DataType.Int64) return v.GetInt64(0).ToString(CultureInfo.InvariantCulture) + "i64";
            if (dt == DataType.Int16) return v.GetInt64(0).ToString(CultureInfo.InvariantCulture) + "i16";
            if (dt == DataType.Float32) return AttrValues.FormatDouble(v.GetDouble(0)) + "f";
            if (dt == DataType.Float64) return AttrValues.FormatDouble(v.GetDouble(0)) + "f64";
            if (dt == DataType.Float16) return AttrValues.FormatDouble(v.GetDouble(0)) + "f16";
        }
        return $"meta[relay.Constant][{k.MetaIndex ?? 0}]";
    }

    private string VarName(Var v)
    {
        if (_varNames.TryGetValue(v, out var n)) return n;
        var baseName = v.Name.Length > 0 && char.IsAsciiLetter(v.Name[0]) ? v.Name : "v" + v.Name;
        var name = baseName;
        for (var k = 1; !_usedNames.Add(name); k++) name = baseName + k.ToString(CultureInfo.InvariantCulture);
        return _varNames[v] = "%" + name;
    }

    private string VarDecl(Var v)
    {
        var s = VarName(v);
        if (v.Annotations.Count > 0) s += " {" + string.Join(", ", v.Annotations.Select(a => $"{a.Key}={AttrValues.Format(a.Value)}")) + "}";
        return v.TypeAnnotation is { } t ? $"{s}: {Type(t)}" : s;
    }

    private string NodeText(Expr e)
    {
        switch (e)
        {
            case Call { Callee: Constructor { Inputs.Length: 0 } k, Args.Length: 0 }:
                return k.Name; // TVM prints a 0-arity constructor call as the bare name
            case Call c:
                {
                    var parts = c.Args.Select(a => Print(a, false)).ToList();
                    var callee = Print(c.Callee, false);
                    parts.AddRange(AttrTexts(c.Attrs));
                    return $"{callee}({string.Join(", ", parts)})";
                }
            case Tuple t:
                {
                    var fs = t.Fields.Select(f => Print(f, false)).ToList();
                    return fs.Count == 1 ? $"({fs[0]},)" : $"({string.Join(", ", fs)})";
                }
            case TupleGetItem g: return $"{Print(g.TupleValue, false)}.{g.Index}";
            case RefCreate r: return $"ref({Print(r.Value, false)})";
            case RefRead r: return $"ref_read({Print(r.Ref, false)})";
            case RefWrite r: return $"ref_write({Print(r.Ref, false)}, {Print(r.Value, false)})";
            case Function f: return "fn " + FunctionText(f);
            case If i:
                {
                    var c = Print(i.Cond, false);
                    return $"if ({c}) {{\n{Indent(Body(i.Then))}\n}} else {{\n{Indent(Body(i.Else))}\n}}";
                }
            case Match m:
                {
                    var d = Print(m.Data, false);
                    var sb = new StringBuilder(m.Complete ? "match (" : "match? (").Append(d).Append(") {\n");
                    foreach (var cl in m.Clauses)
                        sb.Append("  ").Append(PatternText(cl.Lhs)).Append(" => {\n").Append(Indent(Indent(Body(cl.Rhs)))).Append("\n  },\n");
                    return sb.Append('}').ToString();
                }
            case Let l:
                return "(" + Body(l).Replace("\n", " ", StringComparison.Ordinal) + ")";
            default: throw new Core.Diagnostics.BridgeInternalError($"cannot print {e.GetType().Name}");
        }
    }

    private string PatternText(Pattern p) => p switch
    {
        PatternWildcard => "_",
        PatternVar v => VarDecl(v.Var),
        PatternConstructor c => c.Patterns.Length == 0 ? c.Constructor.Name : $"{c.Constructor.Name}({string.Join(", ", c.Patterns.Select(PatternText))})",
        PatternTuple t => $"({string.Join(", ", t.Patterns.Select(PatternText))})",
        _ => "_",
    };

    private string FunctionText(Function f)
    {
        var sb = new StringBuilder();
        if (f.TypeParams.Length > 0) sb.Append('[').Append(string.Join(", ", f.TypeParams.Select(p => p.Name))).Append(']');
        var parts = f.Params.Select(VarDecl).ToList();
        parts.AddRange(f.Attrs.Entries.Select(a => $"{a.Key}={AttrValues.Format(a.Value)}"));
        sb.Append('(').Append(string.Join(", ", parts)).Append(')');
        if (f.RetType is { } rt) sb.Append(" -> ").Append(Type(rt));
        sb.Append(" {\n").Append(Indent(Body(f.Body))).Append("\n}");
        return sb.ToString();
    }

    /// <summary>Attrs as TVM prints them: non-default fields plus fields without a default, in declaration order.</summary>
    private static IEnumerable<string> AttrTexts(Attrs attrs)
    {
        switch (attrs)
        {
            case NoAttrs: yield break;
            case DictAttrs d:
                foreach (var (k, v) in d.Entries) yield return $"{k}={AttrValues.Format(v)}";
                yield break;
        }
        foreach (var (f, v) in attrs.Schema.All(attrs))
            if (RelayOps.IsRequired(f) || !AttrValues.Equal(v, f.Default)) yield return $"{f.Name}={AttrValues.Format(v)}";
    }

    private static string Type(RelayType t) => t switch
    {
        TensorType tt when tt.Rank == 0 => tt.DType.ToString(),
        TensorType tt => $"Tensor[({string.Join(", ", tt.Shape.Select(Dim))}), {tt.DType}]",
        TupleType tu => tu.Fields.Length == 1 ? $"({Type(tu.Fields[0])},)" : $"({string.Join(", ", tu.Fields.Select(Type))})",
        FuncType ft => (ft.TypeParams.Length > 0 ? $"fn [{string.Join(", ", ft.TypeParams.Select(p => p.Name))}](" : "fn (")
                       + string.Join(", ", ft.ArgTypes.Select(Type)) + ") -> " + Type(ft.RetType),
        TypeVar tv => tv.Name,
        GlobalTypeVar g => g.Name,
        TypeCall tc => tc.Args.Length == 0 ? Type(tc.Func) : $"{Type(tc.Func)}[{string.Join(", ", tc.Args.Select(Type))}]",
        IncompleteType => "_",
        RelayRefType r => $"ref({Type(r.ValueType)})",
        _ => "?",
    };

    private static string Dim(SymExpr d) => d is SymVar { IsAny: true } ? "?" : d.ToString();
}

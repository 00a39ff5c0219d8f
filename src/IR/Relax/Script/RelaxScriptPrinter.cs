using System.Globalization;
using System.Reflection;
using System.Text;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;

namespace Bridge.Ir.Relax.Script;

/// <summary>Prints Relax IR as the chosen TVM version's <c>mod.script()</c> does (4-space indentation).</summary>
public sealed class RelaxScriptPrinter
{
    private readonly RelaxPrinterOptions _o;
    private readonly RelaxVersion _v;
    private readonly Dictionary<object, string> _names = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal) { "I", "T", "R", "cls", "metadata" };
    private readonly HashSet<SymVar> _declared = [];
    private readonly List<Constant> _meta = [];
    private readonly Dictionary<Constant, int> _metaIndex = new(ReferenceEqualityComparer.Instance);
    private HashSet<SymVar> _signatureVars = [];
    private bool _usesT;
    private string? _module;

    private RelaxScriptPrinter(RelaxPrinterOptions? o) { _o = o ?? new RelaxPrinterOptions(); _v = _o.TargetVersion; }

    /// <summary>Prints a module (or, for a module read from a stand-alone <c>@R.function</c>, that function).</summary>
    public static string Print(IRModule m, RelaxPrinterOptions? options = null)
    {
        if (m.IsStandaloneFunction && m.Entries.Length == 1 && m.Entries[0].Function is { } f) return PrintFunction(f, m.Entries[0].Name, options);
        var p = new RelaxScriptPrinter(options);
        var text = p.Module(m);
        return p.MetadataSection() + text;
    }

    public static string PrintFunction(Function f, string name, RelaxPrinterOptions? options = null)
    {
        var p = new RelaxScriptPrinter(options);
        var body = new StringBuilder();
        p.Func(body, f, name, 0, topLevel: true);
        return p.MetadataSection() + p.Header(module: false) + body;
    }

    /// <summary>
    /// TVM's <c>show_meta=True</c> section: <c>metadata = tvm.ir.load_json("""…""")</c> holding a save_json Map
    /// <c>{"relax.expr.Constant": [...]}</c> of the target version's era, quotes escaped as TVM prints them; empty without metadata.
    /// </summary>
    private string MetadataSection() => _meta.Count == 0 ? ""
        : "metadata = tvm.ir.load_json(\"\"\"" + Json.RelaxJsonWriter.WriteMetadata(_meta, _v).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"\"\")\n";

    public static string PrintFragment(RelaxFragment f, RelaxPrinterOptions? options = null) => new RelaxScriptPrinter(options).Fragment(f);

    /// <summary>Prints a struct info on one line (symbolic dims unquoted).</summary>
    public static string PrintStructInfo(StructInfo s, RelaxPrinterOptions? options = null) => new RelaxScriptPrinter(options).SInfo(s);

    private string Header(bool module)
    {
        var sb = new StringBuilder();
        if (module) sb.Append("# from tvm.script import ir as I\n");
        if (_usesT)
        {
            sb.Append(_v.Minor >= 24 && !_v.IsPortable ? "# from tvm.script import tirx as T\n" : "# from tvm.script import tir as T\n");
            if (_v.Minor >= 25 && !_v.IsPortable) sb.Append("# from tvm.tirx.layout import Axis\n");
        }
        sb.Append("# from tvm.script import relax as R\n\n");
        return sb.ToString();
    }

    private string Module(IRModule m)
    {
        _module = m.Name.Length > 0 ? "Module" : "Module";
        var body = new StringBuilder();
        body.Append("@I.ir_module\nclass Module:\n");
        // TVM order: PrimFuncs, ExternFuncs, Relax functions, each by name; main last.
        var ordered = m.Entries.OrderBy(e => e.PrimFunc is not null ? 0 : e.Extern is not null ? 1 : 2)
            .ThenBy(e => e.Name == "main" ? 1 : 0).ThenBy(e => e.Name, StringComparer.Ordinal).ToList();
        foreach (var e in ordered) _used.Add(e.Name);
        foreach (var e in ordered)
        {
            switch (e.Value)
            {
                case PrimFuncText p:
                    _usesT = true;
                    foreach (var l in p.Text.Split('\n')) body.Append(l.Length == 0 ? "" : "    " + l).Append('\n');
                    body.Append('\n');
                    break;
                case ExternFunc x:
                    body.Append("    ").Append(e.Name).Append(" = ").Append(ExternText(x)).Append('\n');
                    break;
                case Function f:
                    Func(body, f, e.Name, 1, topLevel: true);
                    break;
            }
        }
        return Header(module: true) + body;
    }

    private string ExternText(ExternFunc x) =>
        x.Type is { } t && _v.Minor >= 24 && !_v.IsPortable ? $"R.ExternFunc({Str(x.GlobalSymbol)}, {SInfo(t)})" : $"R.ExternFunc({Str(x.GlobalSymbol)})";

    private static string Ind(int n) => new(' ', 4 * n);

    private string Name(object key, string hint)
    {
        if (_names.TryGetValue(key, out var n)) return n;
        var clean = new string(hint.Select(ch => char.IsLetterOrDigit(ch) || ch == '_' ? ch : '_').ToArray());
        if (clean.Length == 0 || char.IsDigit(clean[0])) clean = "v" + clean;
        var name = clean;
        for (var i = 1; _used.Contains(name); i++) name = $"{clean}_{i}";
        _used.Add(name);
        _names[key] = name;
        return name;
    }

    private void Func(StringBuilder sb, Function f, string name, int ind, bool topLevel)
    {
        // TVM's printer defines a function's params, bindings and symbolic vars in the function's frame and frees their names when
        // the frame exits: names are unique within a function (nested ones included) and restart in the next one.
        var usedBefore = new HashSet<string>(_used, StringComparer.Ordinal);
        var namesBefore = new Dictionary<object, string>(_names, ReferenceEqualityComparer.Instance);
        var declaredBefore = new HashSet<SymVar>(_declared);
        try { FuncInScope(sb, f, name, ind, topLevel); }
        finally
        {
            _used.Clear(); _used.UnionWith(usedBefore);
            _names.Clear(); foreach (var kv in namesBefore) _names[kv.Key] = kv.Value;
            _declared.Clear(); _declared.UnionWith(declaredBefore);
        }
    }

    private void FuncInScope(StringBuilder sb, Function f, string name, int ind, bool topLevel)
    {
        var deco = new List<string>();
        if (!f.IsPure) deco.Add("pure=False");
        if (topLevel && f.IsPrivate) deco.Add("private=True");
        sb.Append(Ind(ind)).Append(deco.Count == 0 ? "@R.function" : $"@R.function({string.Join(", ", deco)})").Append('\n');
        // Signature symbolic vars: v0.19–v0.25 visit the return annotation first, v0.26+ the parameters first.
        var sig = new List<SymVar>();
        var retFirst = !_v.TypeEra;
        if (retFirst) f.RetInfo.CollectSymVars(sig);
        foreach (var p in f.Params) p.Info.CollectSymVars(sig);
        if (!retFirst) f.RetInfo.CollectSymVars(sig);
        var savedSig = _signatureVars;
        _signatureVars = [.. savedSig, .. sig.Where(v => !_declared.Contains(v))];
        var ps = string.Join(", ", f.Params.Select(p => $"{Name(p, p.Name)}: {SInfo(p.Info ?? StructInfo.Object, quote: true)}"));
        var ret = f.RetInfo is { } r ? " -> " + SInfo(r, quote: true) : "";
        sb.Append(Ind(ind)).Append("def ").Append(name).Append('(').Append(ps).Append(')').Append(ret).Append(":\n");
        var inner = ind + 1;
        foreach (var v in sig) Declare(sb, v, inner);
        var attrs = f.Attrs.Where(a => !(a.Key == "global_symbol" && topLevel && a.Value as string == name)).ToList();
        if (attrs.Count > 0) sb.Append(Ind(inner)).Append("R.func_attr({").Append(string.Join(", ", attrs.Select(a => $"{Str(a.Key)}: {AttrObj(a.Value)}"))).Append("})\n");
        if (_module is not null && _o.ModuleAlias.Length > 0 && ReferencesGlobal(f.Body)) sb.Append(Ind(inner)).Append(_o.ModuleAlias).Append(" = Module\n");
        Seq(sb, f.Body, inner, isFunctionBody: true);
        sb.Append('\n');
        _signatureVars = savedSig;
    }

    private static bool ReferencesGlobal(Expr e) => Bridge.Core.Limits.StackGuard.Guarded(e, e.Loc) switch // deep input: BRG1101, not a crash
    {
        GlobalVar => true,
        Call c => ReferencesGlobal(c.Callee) || c.Args.Any(ReferencesGlobal),
        TupleExpr t => t.Fields.Any(ReferencesGlobal),
        TupleGetItem g => ReferencesGlobal(g.Tuple),
        SeqExpr s => s.Blocks.Any(b => b.Bindings.Any(x => ReferencesGlobal(x.Value))) || ReferencesGlobal(s.Body),
        If i => ReferencesGlobal(i.Cond) || ReferencesGlobal(i.Then) || ReferencesGlobal(i.Else),
        _ => false,
    };

    private void Declare(StringBuilder sb, SymVar v, int ind)
    {
        if (!_declared.Add(v)) return;
        _usesT = true;
        sb.Append(Ind(ind)).Append(Name(v, v.Name)).Append(" = T.int64()\n");
    }

    private void DeclareUsed(StringBuilder sb, IEnumerable<SymVar> vs, int ind) { foreach (var v in vs) Declare(sb, v, ind); }

    private void Seq(StringBuilder sb, SeqExpr s, int ind, bool isFunctionBody)
    {
        foreach (var b in s.Blocks) Block(sb, b, ind);
        DeclareUsed(sb, SymVarsOf(s.Body), ind);
        if (isFunctionBody) sb.Append(Ind(ind)).Append("return ").Append(E(s.Body)).Append('\n');
    }

    private void Block(StringBuilder sb, BindingBlock b, int ind)
    {
        if (b.IsDataflow)
        {
            sb.Append(Ind(ind)).Append("with R.dataflow():\n");
            foreach (var x in b.Bindings) Bind(sb, x, ind + 1);
            var outs = b.Bindings.Where(x => x.Var is not DataflowVar).Select(x => Name(x.Var, x.Var.Name));
            sb.Append(Ind(ind + 1)).Append("R.output(").Append(string.Join(", ", outs)).Append(")\n");
        }
        else foreach (var x in b.Bindings) Bind(sb, x, ind);
    }

    private List<SymVar> SymVarsOf(Expr e)
    {
        var l = new List<SymVar>();
        void Walk(Expr x)
        {
            Bridge.Core.Limits.StackGuard.Check(x.Loc); // deep input: BRG1101, not a crash
            switch (x)
            {
                case PrimValue { IntValue: { } iv }: foreach (var v in iv.FreeVars()) if (!l.Contains(v)) l.Add(v); break;
                case ShapeExpr s: foreach (var d in s.Values) foreach (var v in d.FreeVars()) if (!l.Contains(v)) l.Add(v); break;
                case Call c: Walk(c.Callee); foreach (var a in c.Args) Walk(a); foreach (var si in c.SInfoArgs) si.CollectSymVars(l); break;
                case TupleExpr t: foreach (var f in t.Fields) Walk(f); break;
                case TupleGetItem g: Walk(g.Tuple); break;
            }
        }
        Walk(e);
        return l;
    }

    private void Bind(StringBuilder sb, Binding b, int ind)
    {
        var used = SymVarsOf(b.Value);
        if (b is MatchCast mc) mc.Target.CollectSymVars(used);
        else if (b.Var.Info is { } vi && b.Value is not Function) vi.CollectSymVars(used);
        DeclareUsed(sb, used, ind);
        if (b.Value is Function f)
        {
            sb.Append(Ind(ind)).Append("# from tvm.script import relax as R\n\n");
            Func(sb, f, Name(b.Var, b.Var.Name), ind, topLevel: false);
            return;
        }
        if (b.Value is If i)
        {
            var name = Name(b.Var, b.Var.Name);
            sb.Append(Ind(ind)).Append("if ").Append(E(i.Cond)).Append(":\n");
            Branch(sb, i.Then, ind + 1, name, b.Var.Info);
            sb.Append(Ind(ind)).Append("else:\n");
            Branch(sb, i.Else, ind + 1, name, b.Var.Info);
            return;
        }
        var isVoid = b.Var.Info is TupleSInfo { Fields.Length: 0 } && b.Value is Call;
        if (isVoid && b.Var.Name == "_") { sb.Append(Ind(ind)).Append(E(b.Value)).Append('\n'); return; }
        var lhs = Name(b.Var, b.Var.Name);
        var val = b is MatchCast m ? $"R.match_cast({E(m.Value)}, {SInfo(m.Target)})" : E(b.Value, rhs: true);
        sb.Append(Ind(ind)).Append(lhs);
        if (b.Var.Info is { } info && !HideAnnotation(b, info) && (_o.ShowAllStructInfo || !Inferable(b, info))) sb.Append(": ").Append(SInfo(info));
        sb.Append(" = ").Append(val).Append('\n');
    }

    private static bool HideAnnotation(Binding b, StructInfo info) =>
        b.Value is Call { Op.Name: "relax.call_tir" or "relax.call_dps_packed" or "relax.call_tir_inplace" } c
        && RelaxStructuralEqual.Infos(info, c.SInfoArgs.Length == 1 ? c.SInfoArgs[0] : new TupleSInfo(new ValueArray<StructInfo>(c.SInfoArgs)));

    /// <summary>
    /// TVM's <c>StructInfoAsAnn</c> with <c>show_all_struct_info=False</c>: the annotation is left out when the struct info inferred from
    /// the right-hand side equals the variable's (op call through its rule, tuple, tuple item, variable); a match_cast never has one.
    /// </summary>
    private static bool Inferable(Binding b, StructInfo info)
    {
        if (b is MatchCast) return true;
        StructInfo? inferred = b.Value switch
        {
            Call { Op: not null } c => InferOrNull(c),
            TupleExpr t when t.Fields.All(f => f.Info is not null) => new TupleSInfo(new ValueArray<StructInfo>(t.Fields.Select(f => f.Info!))),
            TupleGetItem g => g.Tuple.Info is TupleSInfo ts && g.Index < ts.Fields.Length ? ts.Fields[g.Index] : null,
            Var v => v.Info,
            _ => null,
        };
        return inferred is not null && RelaxStructuralEqual.Infos(inferred, info);
    }

    private static StructInfo? InferOrNull(Call c)
    {
        try { return Infer.Call(c); }
        catch (Bridge.Core.Diagnostics.BridgeException) { return null; }
    }

    private void Branch(StringBuilder sb, SeqExpr s, int ind, string name, StructInfo? info)
    {
        foreach (var b in s.Blocks) Block(sb, b, ind);
        if (info is TupleSInfo { Fields.Length: 0 } && name == "_") { sb.Append(Ind(ind)).Append(E(s.Body)).Append('\n'); return; }
        sb.Append(Ind(ind)).Append(name);
        if (info is not null) sb.Append(": ").Append(SInfo(info));
        sb.Append(" = ").Append(E(s.Body, rhs: true)).Append('\n');
    }

    private string Fragment(RelaxFragment f)
    {
        var sb = new StringBuilder();
        if (f.StructInfo is { } si)
        {
            var vs = si.SymVars();
            foreach (var v in vs) Declare(sb, v, 0);
            return sb.Append(SInfo(si)).Append('\n').ToString();
        }
        foreach (var v in FreeVarsInOrder(f))
        {
            if (v is Var rv)
            {
                DeclareUsed(sb, rv.Info.SymVars(), 0);
                sb.Append(Name(rv, rv.Name)).Append(": ").Append(SInfo(rv.Info ?? StructInfo.Object)).Append('\n');
            }
            else Declare(sb, (SymVar)v, 0);
        }
        foreach (var b in f.Blocks) Block(sb, b, 0);
        if (f.Result is { } r) sb.Append(r is PrimValue pv && f.Blocks.IsEmpty && f.FreeVars.IsEmpty ? PrimFull(pv) : E(r)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Free vars (and directly used symbolic vars) in first-use order.</summary>
    private List<object> FreeVarsInOrder(RelaxFragment f)
    {
        var free = new HashSet<Var>(f.FreeVars, ReferenceEqualityComparer.Instance);
        var order = new List<object>();
        void Walk(Expr e)
        {
            Bridge.Core.Limits.StackGuard.Check(e.Loc);
            switch (e)
            {
                case Var v when free.Contains(v) && !order.Contains(v): order.Add(v); break;
                case PrimValue { IntValue: { } iv }: foreach (var s in iv.FreeVars()) if (!order.Contains(s)) order.Add(s); break;
                case Call c: Walk(c.Callee); foreach (var a in c.Args) Walk(a); break;
                case TupleExpr t: foreach (var x in t.Fields) Walk(x); break;
                case TupleGetItem g: Walk(g.Tuple); break;
            }
        }
        foreach (var b in f.Blocks) foreach (var x in b.Bindings) Walk(x.Value);
        if (f.Result is { } r) Walk(r);
        foreach (var v in f.FreeVars) if (!order.Contains(v)) order.Add(v);
        return order;
    }

    // ---------------------------------------------------------------- expressions

    private string E(Expr e, bool rhs = false)
    {
        Bridge.Core.Limits.StackGuard.Check(e.Loc); // deep input: a located diagnostic, not a crash
        switch (e)
        {
            case Var v: return Name(v, v.Name);
            case GlobalVar g: return _module is null ? g.Name : (_o.ModuleAlias.Length > 0 ? _o.ModuleAlias : _module) + "." + g.Name;
            case TupleExpr t:
                if (t.Fields.Length == 0) return "R.tuple()";
                if (t.Fields.Length == 1) return $"({E(t.Fields[0])},)";
                var inner = string.Join(", ", t.Fields.Select(x => E(x)));
                return rhs ? inner : $"({inner})";
            case TupleGetItem g: return $"{E(g.Tuple)}[{g.Index}]";
            case ShapeExpr s: return $"R.shape([{string.Join(", ", s.Values.Select(Dim))}])";
            case PrimValue p:
                if (_v.TypeEra) return p.IntValue is { } iv ? Dim(iv) : $"T.{p.DType}({Float(p.FloatValue)})";
                return p.IntValue is { } iv2 ? $"R.prim_value({Dim(iv2)})" : $"R.prim_value(T.{p.DType}({Float(p.FloatValue)}))";
            case StringImm s: return $"R.str({Str(s.Value)})";
            case DataTypeImm d: return $"R.dtype({Str(d.Value.ToString())})";
            case Constant c: return ConstText(c);
            case ExternFunc x: return ExternText(x);
            case Call c: return CallText(c);
            case OpRef o: return "R." + o.Op.Name[6..];
            default: return $"<unprintable {e.GetType().Name}>";
        }
    }

    private string PrimFull(PrimValue p) => p.IntValue is { } iv ? $"T.{p.DType}({Dim(iv)})" : $"T.{p.DType}({Float(p.FloatValue)})";

    private string ConstText(Constant c)
    {
        var t = c.Data;
        string V(long i) => t.DType.IsBool ? (t.GetDouble(i) != 0 ? "True" : "False") : t.DType.IsFloat ? Float(t.GetDouble(i)) : t.GetInt64(i).ToString(CultureInfo.InvariantCulture);
        if (t.Rank == 0) return $"R.const({V(0)}, {Str(t.DType.ToString())})";
        if (_o.MetadataThreshold is { } limit && t.Length > limit)
        {
            // TVM's show_meta=True form: the constant lives in the metadata section printed before the module.
            if (!_metaIndex.TryGetValue(c, out var mi)) { mi = _metaIndex[c] = _meta.Count; _meta.Add(c); }
            return $"metadata[\"relax.expr.Constant\"][{mi}]";
        }
        // Not TVM's metadata form: an inline nested list, which every parser accepts (§1.7 option b).
        var sb = new StringBuilder();
        long k = 0;
        void Nest(int d)
        {
            sb.Append('[');
            for (var i = 0; i < t.Shape[d]; i++)
            {
                if (i > 0) sb.Append(", ");
                if (d == t.Rank - 1) sb.Append(V(k++));
                else Nest(d + 1);
            }
            sb.Append(']');
        }
        Nest(0);
        return $"R.const({sb}, {Str(t.DType.ToString())})";
    }

    private string CallText(Call c)
    {
        if (c.Op is not { } op) return $"{E(c.Callee)}({string.Join(", ", c.Args.Select(a => E(a)))})";
        var n = op.Name[6..];
        var outKw = _v.TypeEra ? "out_ty" : "out_sinfo";
        string Out() => c.SInfoArgs.Length == 1 ? SInfo(c.SInfoArgs[0]) : "[" + string.Join(", ", c.SInfoArgs.Select(x => SInfo(x))) + "]";
        string Callee(Expr x) => x is ExternFunc ef ? Str(ef.GlobalSymbol) : E(x);
        switch (n)
        {
            case "call_tir" or "call_tir_inplace" or "call_dps_packed":
            {
                // ≤ v0.25 (and portable) pass symbolic args of call_tir as tir_vars=R.shape([...]); v0.26+ inside the tuple.
                var argTuple = c.Args[1];
                string? tirVars = c.Args.Length > 2 ? E(c.Args[2]) : null;
                if (!_v.TypeEra && n != "call_dps_packed" && argTuple is TupleExpr at)
                {
                    var k = at.Fields.Length;
                    while (k > 0 && at.Fields[k - 1] is PrimValue { IntValue: { } }) k--;
                    if (k < at.Fields.Length)
                    {
                        tirVars = $"R.shape([{string.Join(", ", at.Fields.Skip(k).Select(f => Dim(((PrimValue)f).IntValue!)))}])";
                        argTuple = new TupleExpr(at.Fields[..k], at.Loc);
                    }
                }
                var parts = new List<string> { Callee(c.Args[0]), ArgTuple(argTuple) };
                if (c.SInfoArgs.Length > 0) parts.Add($"{outKw}={Out()}");
                if (c.Attrs is InplaceAttrs ia) parts.Add($"inplace_indices=[{string.Join(", ", ia.InplaceIndices)}]");
                if (tirVars is not null) parts.Add($"tir_vars={tirVars}");
                return $"R.{n}({string.Join(", ", parts)})";
            }
            case "call_pure_packed" or "call_packed" or "call_inplace_packed":
            {
                var parts = new List<string> { Callee(c.Args[0]) };
                parts.AddRange(c.Args.Skip(1).Select(a => E(a)));
                if (c.Attrs is InplaceAttrs ia) parts.Add($"inplace_indices=[{string.Join(", ", ia.InplaceIndices)}]");
                if (c.SInfoArgs.Length > 0) parts.Add($"{(_v.TypeEra ? "ty_args" : "sinfo_args")}=({string.Join(", ", c.SInfoArgs.Select(x => SInfo(x)))}{(c.SInfoArgs.Length == 1 ? "," : "")})");
                return $"R.{n}({string.Join(", ", parts)})";
            }
            case "print": return $"R.print({string.Join("", c.Args.Skip(1).Select(a => E(a) + ", "))}format={E(c.Args[0])})";
            case "assert_op": return $"R.assert_op({E(c.Args[0])}, {string.Join("", c.Args.Skip(2).Select(a => E(a) + ", "))}format={E(c.Args[1])})";
        }
        var args = c.Args.Select(a => a is TupleExpr t ? $"({string.Join(", ", t.Fields.Select(x => E(x)))}{(t.Fields.Length == 1 ? "," : "")})" : E(a)).ToList();
        foreach (var (f, v) in c.Attrs.Schema.All(c.Attrs))
        {
            if (f.Name.StartsWith("__", StringComparison.Ordinal)) continue;
            if (f.Property.GetCustomAttribute<RelaxSinceAttribute>() is { } since && _v.Minor < since.Minor && !_v.IsPortable) continue;
            if (v is null && f.ClrType.IsValueType && Nullable.GetUnderlyingType(f.ClrType) == typeof(DataType))
            {
                if (_v.IsPortable) continue;
                args.Add($"{f.Name}={(_v.TypeEra ? "None" : "\"void\"")}");
                continue;
            }
            if (c.Attrs is SplitAttrs sa && f.Name == "indices_or_sections" && sa.IsSections) { args.Add($"{f.Name}={sa.IndicesOrSections[0]}"); continue; }
            args.Add($"{f.Name}={AttrObj(v)}");
        }
        return $"R.{n}({string.Join(", ", args)})";
    }

    private string ArgTuple(Expr e) => e is TupleExpr t ? $"({string.Join(", ", t.Fields.Select(x => E(x)))}{(t.Fields.Length == 1 ? "," : "")})" : E(e);

    private string AttrObj(object? v) => v switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => Float(d),
        string s => Str(s),
        DataType dt => Str(dt.ToString()),
        ValueArray<long> a => "[" + string.Join(", ", a) + "]",
        ValueArray<double> a => "[" + string.Join(", ", a.Select(Float)) + "]",
        System.Collections.Immutable.ImmutableArray<KeyValuePair<string, object>> m => "{" + string.Join(", ", m.Select(kv => $"{Str(kv.Key)}: {AttrObj(kv.Value)}")) + "}",
        System.Collections.Immutable.ImmutableArray<object> a => "[" + string.Join(", ", a.Select(AttrObj)) + "]",
        _ => v.ToString() ?? "None",
    };

    /// <summary>TVM's float literal: integral values with one decimal, else 17 significant digits; inf/nan quoted.</summary>
    public static string Float(double d)
    {
        if (double.IsNaN(d)) return "\"nan\"";
        if (double.IsInfinity(d)) return d > 0 ? "\"inf\"" : "\"-inf\"";
        if (d == Math.Floor(d) && Math.Abs(d) < 1e16) return (d == 0 && double.IsNegative(d) ? "-0" : d.ToString("F0", CultureInfo.InvariantCulture)) + ".0";
        var s = d.ToString("G17", CultureInfo.InvariantCulture);
        var e = s.IndexOf('E');
        if (e < 0) return s;
        var mant = s[..e];
        var exp = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
        return $"{mant}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):D2}";
    }

    public static string Str(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var ch in s)
            sb.Append(ch switch { '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", '\t' => "\\t", '\r' => "\\r", _ => ch.ToString() });
        return sb.Append('"').ToString();
    }

    private string Dim(SymExpr d) => d.ToString();

    // ---------------------------------------------------------------- struct info

    private string SInfo(StructInfo s, bool quote = false)
    {
        string D(SymExpr d)
        {
            var txt = Dim(d);
            if (!d.IsConst()) _usesT = true;
            return quote && !d.IsConst() && d.FreeVars().Any(_signatureVars.Contains) ? Str(txt) : txt;
        }
        switch (s)
        {
            case ObjectSInfo: return _v.TypeEra ? "R.Any" : "R.Object";
            case PrimSInfo p:
                if (_v.TypeEra) { _usesT = true; return $"T.{p.DType}"; }
                return p.Value is { } pv && !pv.IsConst() ? $"R.Prim(value={Dim(pv)})" : $"R.Prim({Str(p.DType.ToString())})";
            case ShapeSInfo sh:
                return sh.Values is { } v ? $"R.Shape([{string.Join(", ", v.Select(D))}])" : $"R.Shape(ndim={sh.NDim})";
            case TensorSInfo t:
            {
                var parts = new List<string>();
                if (t.Shape is { } shp) parts.Add(shp.Length == 1 ? $"({D(shp[0])},)" : $"({string.Join(", ", shp.Select(D))})");
                var dt = t.DType is { } x ? $"dtype={Str(x.ToString())}" : null;
                var nd = t.Shape is null && t.NDim >= 0 ? $"ndim={t.NDim}" : null;
                if (_v.Minor == 19 && !_v.IsPortable) { if (nd is not null) parts.Add(nd); if (dt is not null) parts.Add(dt); }
                else { if (dt is not null) parts.Add(dt); if (nd is not null) parts.Add(nd); }
                if (t.VDevice is { } vd) parts.Add($"vdevice={Str(vd)}");
                return parts.Count == 0 ? "R.Tensor" : $"R.Tensor({string.Join(", ", parts)})";
            }
            case TupleSInfo tu: return tu.Fields.Length == 0 ? "R.Tuple" : $"R.Tuple({string.Join(", ", tu.Fields.Select(f => SInfo(f, quote)))})";
            case FuncSInfo f:
                if (f.IsPackedFunc) return "R.PackedFunc";
                if (f.Params is not { } ps)
                {
                    var kw = new List<string>();
                    if (f.Ret is not ObjectSInfo) kw.Add($"ret={SInfo(f.Ret, quote)}");
                    if (f.Purity) kw.Add("purity=True");
                    return kw.Count == 0 ? "R.Callable" : $"R.Callable({string.Join(", ", kw)})";
                }
                var pl = $"({string.Join(", ", ps.Select(p => SInfo(p, quote)))}{(ps.Length == 1 ? "," : "")})";
                var pure = _v.Minor == 19 && !_v.IsPortable ? (f.Purity ? ", True" : "") : f.Purity ? ", True" : ", False";
                return $"R.Callable({pl}, {SInfo(f.Ret, quote)}{pure})";
            default: return "R.Object";
        }
    }
}

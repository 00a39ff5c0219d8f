using Bridge.Importers.TorchScript;
using Bridge.Importers.TorchScript.Code;
using Bridge.Importers.TorchScript.Pickle;
using Bridge.Ir.Ops.Relax;
using Bridge.Ir.Relax;

namespace Bridge.Translators.TorchToRelax;

/// <summary>
/// Translates the <c>forward</c> of a traced TorchScript module into a Relax <c>main</c>: submodule calls
/// <c>(m).forward(...)</c> are inlined, <c>self.x</c>/<c>getattr(self, "0")</c> resolve against the module tree,
/// parameters and buffers become constants, and each <c>torch.X</c> call maps onto Relax ops through the BlockBuilder.
/// Straight-line (traced) code only: control flow is reported as unsupported. Before anything is emitted, every op the
/// forward reaches is checked and all unsupported ones are reported in one diagnostic with counts.
/// </summary>
public sealed partial class TorchToRelaxTranslator
{
    private readonly TorchScriptArchive _archive;
    private readonly BlockBuilder _bb = new();
    private readonly Dictionary<TorchTensor, Constant> _consts = new(ReferenceEqualityComparer.Instance);
    private int _inlineDepth;

    private TorchToRelaxTranslator(TorchScriptArchive archive) => _archive = archive;

    /// <summary>
    /// Translates <paramref name="archive"/>'s root forward. <paramref name="inputs"/> gives each forward input's struct info
    /// (traced archives record no shapes); use a <see cref="SymVar"/> dim for a dynamic batch.
    /// </summary>
    public static IRModule Translate(TorchScriptArchive archive, IReadOnlyList<TensorSInfo> inputs)
    {
        var t = new TorchToRelaxTranslator(archive);
        return t.Run(inputs);
    }

    /// <summary>The aten ops this translator maps (<c>aten::X</c> names).</summary>
    public static IReadOnlyCollection<string> SupportedOps => s_converters.Keys;

    private SourceLoc Loc(TsPos p) => new SourceLoc.Text(_archive.Path, p.Line, p.Column);

    private IRModule Run(IReadOnlyList<TensorSInfo> inputs)
    {
        var root = _archive.Root;
        var fwd = root.Forward ?? throw new BridgeException(TorchToRelaxDiagnosticIds.UnknownName, _archive.EntryLoc("data.pkl"),
            $"root module {root.QualifiedName} has no forward in code/");
        CheckSupported(root);
        var ps = fwd.Params.Skip(1).ToList();
        if (ps.Count != inputs.Count)
            throw new BridgeException(TorchToRelaxDiagnosticIds.InputCount, Loc(fwd.Pos), $"forward takes {ps.Count} inputs, {inputs.Count} struct infos given");
        var vars = ps.Select((p, i) => new Var(p.Name, inputs[i])).ToArray();
        _bb.BeginFunction("main", vars);
        _bb.BeginDataflowBlock();
        var env = new Dictionary<string, object?>(StringComparer.Ordinal) { ["self"] = root };
        for (var i = 0; i < vars.Length; i++) env[ps[i].Name] = vars[i];
        var result = Exec(fwd, env);
        var outExpr = result switch
        {
            Expr e => e,
            List<object?> l => new TupleExpr([.. l.Select(x => x as Expr ?? throw new BridgeException(TorchToRelaxDiagnosticIds.UnsupportedConstruct, Loc(fwd.Pos), "forward returns a non-tensor"))]),
            _ => throw new BridgeException(TorchToRelaxDiagnosticIds.UnsupportedConstruct, Loc(fwd.Pos), "forward returns a non-tensor"),
        };
        var gv = _bb.EmitOutput(outExpr, "gv");
        _bb.EndBlock();
        _bb.EndFunction(gv);
        return _bb.GetModule();
    }

    // ---- pre-pass: all unsupported ops at once ---------------------------------------------------------------------------

    private void CheckSupported(TsModule root)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var first = new Dictionary<string, TsPos>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in root.Descendants())
        {
            if (m.Class is null || !seen.Add(m.QualifiedName)) continue; // each class once; forward, forward1, ... all count
            foreach (var (op, pos) in m.Class.Methods.SelectMany(f => Calls(f.Body)))
                if (!s_converters.ContainsKey(op))
                {
                    counts[op] = counts.GetValueOrDefault(op) + 1;
                    first.TryAdd(op, pos);
                }
        }
        if (counts.Count == 0) return;
        var list = string.Join(", ", counts.Select(kv => $"{kv.Key} x{kv.Value}"));
        throw new BridgeException(TorchToRelaxDiagnosticIds.UnsupportedOps, Loc(first[counts.Keys.First()]),
            $"{counts.Count} unsupported op(s) in forward: {list}");
    }

    private static IEnumerable<(string Op, TsPos Pos)> Calls(IEnumerable<TsStmt> body)
    {
        foreach (var s in body)
        {
            var exprs = s switch
            {
                TsAssign a when a.Value is not null => [a.Value],
                TsReturn { Value: { } v } => [v],
                TsExprStmt e => [e.Value],
                _ => Array.Empty<TsExpr>(),
            };
            foreach (var e in exprs)
                foreach (var c in CallsIn(e)) yield return c;
        }
    }

    private static IEnumerable<(string, TsPos)> CallsIn(TsExpr e)
    {
        switch (e)
        {
            case TsCall c:
                if (TorchScriptSummary.OpName(c.Function) is { } op) yield return (op, c.Pos);
                foreach (var a in c.Args.Concat(c.Keywords.Select(k => k.Value)).Append(c.Function))
                    foreach (var x in CallsIn(a)) yield return x;
                break;
            case TsTuple t: foreach (var i in t.Items) foreach (var x in CallsIn(i)) yield return x; break;
            case TsList l: foreach (var i in l.Items) foreach (var x in CallsIn(i)) yield return x; break;
            case TsAttribute a: foreach (var x in CallsIn(a.Target)) yield return x; break;
            case TsSubscript s: foreach (var x in CallsIn(s.Target)) yield return x; break;
        }
    }

    // ---- interpreter -------------------------------------------------------------------------------------------------------

    private object? Exec(TsFunctionDef f, Dictionary<string, object?> env)
    {
        if (++_inlineDepth > 200)
            throw new BridgeException(TorchToRelaxDiagnosticIds.UnsupportedConstruct, Loc(f.Pos), "module calls nest deeper than 200 (recursion?)");
        try
        {
            foreach (var s in f.Body)
            {
                switch (s)
                {
                    case TsAssign { Targets: [TsName n], Unpack: false, Value: { } v }:
                        env[n.Id] = Eval(v, env);
                        break;
                    case TsAssign { Unpack: true, Value: { } v } a:
                    {
                        var val = Eval(v, env);
                        var items = val switch
                        {
                            List<object?> l => l,
                            Expr e when e.Info is TupleSInfo ts => [.. Enumerable.Range(0, ts.Fields.Length).Select(i => (object?)_bb.Emit(new TupleGetItem(e, i)))],
                            _ => throw new BridgeException(TorchToRelaxDiagnosticIds.UnsupportedConstruct, Loc(a.Pos), "cannot unpack this value"),
                        };
                        if (items.Count != a.Targets.Length)
                            throw new BridgeException(TorchToRelaxDiagnosticIds.BadArguments, Loc(a.Pos), $"unpacking {items.Count} values into {a.Targets.Length} names");
                        for (var i = 0; i < items.Count; i++)
                            env[a.Targets[i] is TsName tn ? tn.Id : throw new BridgeException(TorchToRelaxDiagnosticIds.UnsupportedConstruct, Loc(a.Pos), "unpack target is not a name")] = items[i];
                        break;
                    }
                    case TsReturn r:
                        return r.Value is null ? null : Eval(r.Value, env);
                    default:
                        throw new BridgeException(TorchToRelaxDiagnosticIds.UnsupportedConstruct, Loc(s.Pos),
                            $"statement {s.GetType().Name[2..]} is not supported (only traced, straight-line forward code is translated)");
                }
            }
            return null;
        }
        finally { _inlineDepth--; }
    }

    private object? Eval(TsExpr e, Dictionary<string, object?> env)
    {
        switch (e)
        {
            case TsConst c: return c.Value;
            case TsName n:
                return env.TryGetValue(n.Id, out var v) ? v
                    : throw new BridgeException(TorchToRelaxDiagnosticIds.UnknownName, Loc(n.Pos), $"unknown name '{n.Id}'");
            case TsList l: return l.Items.Select(i => Eval(i, env)).ToList();
            case TsTuple t: return t.Items.Select(i => Eval(i, env)).ToList();
            case TsUnary { Op: "-" } u:
                return Eval(u.Operand, env) switch
                {
                    long x => (object)(-x), // cast: a bare long/double switch would widen every arm to double
                    double d => -d,
                    _ => throw new BridgeException(TorchToRelaxDiagnosticIds.UnsupportedConstruct, Loc(u.Pos), "unary minus on a non-number"),
                };
            case TsAttribute { Target: var target, Name: var name } a:
            {
                if (target is TsName { Id: "CONSTANTS" } && name.StartsWith('c') && int.TryParse(name.AsSpan(1), out var ci) && ci < _archive.Constants.Count)
                    return Value(_archive.Constants[ci], a.Pos);
                if (Eval(target, env) is TsModule m) return Member(m, name, a.Pos);
                throw new BridgeException(TorchToRelaxDiagnosticIds.UnsupportedConstruct, Loc(a.Pos), $"attribute '{name}' of a non-module value");
            }
            case TsCall { Function: TsName { Id: "getattr" }, Args: [var obj, TsConst { Value: string attr }] } g:
                return Eval(obj, env) is TsModule gm ? Member(gm, attr, g.Pos)
                    : throw new BridgeException(TorchToRelaxDiagnosticIds.UnsupportedConstruct, Loc(g.Pos), "getattr on a non-module");
            case TsCall { Function: TsAttribute { Name: var mname, Target: var recv } } call
                when TorchScriptSummary.OpName(call.Function) is null && Eval(recv, env) is TsModule sub:
            {
                // (m).forward(...) and the forward1/forward2... copies tracing makes for modules called more than once
                var f = sub.Class?.Method(mname) ?? throw new BridgeException(TorchToRelaxDiagnosticIds.UnknownName, Loc(call.Pos), $"module {sub.QualifiedName} has no method {mname}");
                var inner = new Dictionary<string, object?>(StringComparer.Ordinal) { ["self"] = sub };
                var ps = f.Params.Skip(1).ToList();
                if (call.Args.Length > ps.Count)
                    throw new BridgeException(TorchToRelaxDiagnosticIds.BadArguments, Loc(call.Pos), $"{sub.TypeName}.{mname} takes {ps.Count} arguments");
                for (var i = 0; i < ps.Count; i++)
                    inner[ps[i].Name] = i < call.Args.Length ? Eval(call.Args[i], env) : ps[i].Default is { } d ? Eval(d, inner) : null;
                return Exec(f, inner);
            }
            case TsCall call when TorchScriptSummary.OpName(call.Function) is { } op:
            {
                var args = call.Args.Select(a => Eval(a, env)).ToList();
                var kw = call.Keywords.ToDictionary(k => k.Name, k => Eval(k.Value, env), StringComparer.Ordinal);
                if (!s_converters.TryGetValue(op, out var conv))
                    throw new BridgeException(TorchToRelaxDiagnosticIds.UnsupportedOps, Loc(call.Pos), $"unsupported op {op}");
                return conv(this, new OpArgs(op, args, kw, Loc(call.Pos)));
            }
            default:
                throw new BridgeException(TorchToRelaxDiagnosticIds.UnsupportedConstruct, Loc(e.Pos), $"expression {e.GetType().Name[2..]} is not supported");
        }
    }

    private object? Member(TsModule m, string name, TsPos pos)
    {
        foreach (var (n, t) in m.Parameters) if (n == name) return Const(t);
        foreach (var (n, t) in m.Buffers) if (n == name) return Const(t);
        foreach (var (n, s) in m.Submodules) if (n == name) return s;
        foreach (var (n, v) in m.Attributes) if (n == name) return Value(v, pos);
        throw new BridgeException(TorchToRelaxDiagnosticIds.UnknownName, Loc(pos), $"module {m.TypeName} ('{m.Path}') has no member '{name}'");
    }

    private object? Value(object? v, TsPos pos) => v switch
    {
        TorchTensor t => Const(t),
        null or long or double or bool or string => v,
        PyList l => l.Items.Select(i => Value(i, pos)).ToList(),
        PyTuple t => t.Items.Select(i => Value(i, pos)).ToList(),
        _ => throw new BridgeException(TorchToRelaxDiagnosticIds.UnsupportedConstruct, Loc(pos), $"value {PyRepr.Of(v)} is not supported"),
    };

    private Constant Const(TorchTensor t)
    {
        if (!_consts.TryGetValue(t, out var c)) _consts[t] = c = new Constant(t.Value);
        return c;
    }
}

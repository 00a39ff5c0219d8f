using Bridge.Importers.TorchScript;
using Bridge.Importers.TorchScript.Code;
using Bridge.Importers.TorchScript.Pickle;
using static Bridge.Translators.Torch.OnnxGraphBuilder;

namespace Bridge.Translators.Torch;

/// <summary>A module-level function of the serialized code (<c>__torch__.a.b.f</c>).</summary>
internal sealed record TsFunctionRef(TsFunctionDef Def);

/// <summary>A Python tuple value during evaluation.</summary>
internal sealed record PyTupleValue(ImmutableArray<object?> Items);

/// <summary>
/// Partial evaluator of serialized TorchScript code. Python-level values (ints, floats, bools, strings, None, lists, tuples,
/// dicts, devices, dtypes, modules) are computed at translation time, tensors become values of the ONNX-form graph that is the
/// canonical aten layer. A branch or loop whose condition or trip count is a tensor becomes an ONNX <c>If</c> / <c>Loop</c>
/// (and from there Relay <c>if</c>/let-rec and Relax <c>If</c>/recursion); conditions known at translation time
/// (<c>torch.__is__(self.downsample, None)</c>, shape checks) are decided here.
/// </summary>
internal sealed partial class TorchScriptEvaluator
{
    private enum Flow { Normal, Return, Break, Continue }

    private sealed class Env(Dictionary<string, object?> vars)
    {
        public Dictionary<string, object?> Vars { get; } = vars;
        public object? Returned { get; set; }
        public Env Copy() => new(new Dictionary<string, object?>(Vars, StringComparer.Ordinal));
    }

    private readonly TorchScriptArchive _archive;
    private readonly OnnxGraphBuilder _g;
    private int _depth;

    public TorchScriptEvaluator(TorchScriptArchive archive, OnnxGraphBuilder g) { _archive = archive; _g = g; }

    internal OnnxGraphBuilder Graph => _g;
    internal string ArchivePath => _archive.Path;

    public SourceLoc Loc(TsPos p) => new SourceLoc.Text(_archive.Path, p.Line, p.Column);

    internal BridgeException Error(DiagnosticId id, TsPos pos, string message) => new(id, Loc(pos), message);

    /// <summary>Runs <paramref name="f"/> of <paramref name="self"/> with the given argument values; returns what it returns.</summary>
    public object? Call(TsFunctionDef f, TsModule? self, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?>? kwargs, TsPos callPos)
    {
        if (++_depth > 200) throw Error(TorchDiagnosticIds.UnsupportedConstruct, callPos, $"calls nest deeper than 200 ({f.Name}: recursion?)");
        try
        {
            var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
            var ps = f.Params;
            var k = 0;
            if (self is not null && ps.Length > 0 && ps[0].Name == "self") { vars["self"] = self; k = 1; }
            var free = ps.Length - k;
            if (args.Count > free) throw Error(TorchDiagnosticIds.BadArguments, callPos, $"{f.Name} takes {free} arguments, {args.Count} given");
            for (var i = 0; i < free; i++)
            {
                var p = ps[k + i];
                if (i < args.Count) vars[p.Name] = args[i];
                else if (kwargs is not null && kwargs.TryGetValue(p.Name, out var kv)) vars[p.Name] = kv;
                else if (p.Default is { } d) vars[p.Name] = Eval(d, new Env(vars));
                else throw Error(TorchDiagnosticIds.BadArguments, callPos, $"{f.Name}: missing argument '{p.Name}'");
            }
            var env = new Env(vars);
            var flow = Exec(f.Body, env);
            return flow == Flow.Return ? env.Returned : null;
        }
        finally { _depth--; }
    }

    // ---- statements ------------------------------------------------------------------------------------------------------

    private Flow Exec(IEnumerable<TsStmt> body, Env env)
    {
        foreach (var s in body)
        {
            var f = Exec(s, env);
            if (f != Flow.Normal) return f;
        }
        return Flow.Normal;
    }

    private Flow Exec(TsStmt s, Env env)
    {
        switch (s)
        {
            case TsAssign { Value: null }:
                return Flow.Normal; // bare annotation
            case TsAssign { Value: { } av } a:
                {
                    var v = Eval(av, env);
                    if (!a.Unpack && a.Targets.Length == 1) Assign(a.Targets[0], v, env, a.Pos);
                    else
                    {
                        var items = Items(v, a.Pos);
                        if (items.Count != a.Targets.Length)
                            throw Error(TorchDiagnosticIds.BadArguments, a.Pos, $"unpacking {items.Count} values into {a.Targets.Length} names");
                        for (var i = 0; i < items.Count; i++) Assign(a.Targets[i], items[i], env, a.Pos);
                    }
                    return Flow.Normal;
                }
            case TsAugAssign a:
                {
                    var op = a.Op.TrimEnd('=');
                    Assign(a.Target, Binary(op, Eval(a.Target, env), Eval(a.Value, env), a.Pos), env, a.Pos);
                    return Flow.Normal;
                }
            case TsExprStmt e:
                Eval(e.Value, env);
                return Flow.Normal;
            case TsReturn r:
                env.Returned = r.Value is null ? null : Eval(r.Value, env);
                return Flow.Return;
            case TsSimple { Keyword: "pass" }:
                return Flow.Normal;
            case TsSimple { Keyword: "break" }:
                return Flow.Break;
            case TsSimple { Keyword: "continue" }:
                return Flow.Continue;
            case TsRaise r:
                throw Error(TorchDiagnosticIds.Raised, r.Pos, "the model raises on this path: " + (r.Value is null ? "raise" : Describe(Eval(r.Value, env))));
            case TsAssert a:
                {
                    var c = Eval(a.Condition, env);
                    if (c is TensorRef) return Flow.Normal; // a data-dependent assert is not checked at translation
                    if (!Truthy(c, a.Pos)) throw Error(TorchDiagnosticIds.Raised, a.Pos, "assertion fails for these input shapes" + (a.Message is null ? "" : ": " + Describe(Eval(a.Message, env))));
                    return Flow.Normal;
                }
            case TsIf i:
                {
                    var c = Eval(i.Condition, env);
                    if (c is TensorRef t) { DynamicIf(t, i, env); return Flow.Normal; }
                    return Exec(Truthy(c, i.Pos) ? i.Then : i.Else, env);
                }
            case TsFor f:
                return For(f, env);
            case TsWhile w:
                return While(w, env);
            case TsWith w:
                return Exec(w.Body, env);
            case TsDefStmt d:
                env.Vars[d.Function.Name] = new TsFunctionRef(d.Function);
                return Flow.Normal;
            default:
                throw Error(TorchDiagnosticIds.UnsupportedConstruct, s.Pos, $"statement {s.GetType().Name[2..]} is not supported");
        }
    }

    private void Assign(TsExpr target, object? v, Env env, TsPos pos)
    {
        switch (target)
        {
            case TsName n: env.Vars[n.Id] = v; break;
            case TsSubscript { Target: var t, Index: var ix }:
                {
                    var container = Eval(t, env);
                    var key = Eval(ix, env);
                    switch (container)
                    {
                        case List<object?> l when key is long k: l[(int)(k < 0 ? k + l.Count : k)] = v; break;
                        case Dictionary<object, object?> d when key is not null: d[key] = v; break;
                        default: throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, "item assignment on this value is not supported");
                    }
                    break;
                }
            case TsTuple tt:
                {
                    var items = Items(v, pos);
                    for (var i = 0; i < tt.Items.Length; i++) Assign(tt.Items[i], items[i], env, pos);
                    break;
                }
            default:
                throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, "assignment target is not supported");
        }
    }

    internal IReadOnlyList<object?> Items(object? v, TsPos pos) => v switch
    {
        PyTupleValue t => t.Items,
        List<object?> l => l,
        _ => throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, $"cannot unpack {Describe(v)}"),
    };

    // ---- control flow ----------------------------------------------------------------------------------------------------

    private Flow For(TsFor f, Env env)
    {
        var it = Eval(f.Iterable, env);
        if (it is RangeValue { Count: TensorRef n }) { DynamicLoop(f.Target, n, null, f.Body, env, f.Pos); return Flow.Normal; }
        IEnumerable<object?> seq = it switch
        {
            RangeValue { Count: long c } r => LongRange(r.Start, c, r.Step),
            List<object?> l => [.. l],
            PyTupleValue t => t.Items,
            TsModule m => m.Submodules.Select(s => (object?)s.Module),
            _ => throw Error(TorchDiagnosticIds.UnsupportedConstruct, f.Pos, $"cannot iterate over {Describe(it)}"),
        };
        var iters = 0;
        foreach (var x in seq)
        {
            if (++iters > 100_000) throw Error(TorchDiagnosticIds.UnsupportedConstruct, f.Pos, "loop runs more than 100000 iterations at translation time");
            Assign(f.Target, x, env, f.Pos);
            var fl = Exec(f.Body, env);
            if (fl == Flow.Break) break;
            if (fl == Flow.Return) return fl;
        }
        return Flow.Normal;
    }

    private static IEnumerable<object?> LongRange(long start, long count, long step)
    {
        for (long i = 0; i < count; i++) yield return start + i * step;
    }

    private Flow While(TsWhile w, Env env)
    {
        for (var n = 0; ; n++)
        {
            var c = Eval(w.Condition, env);
            if (c is TensorRef t) { DynamicLoop(null, null, (t, w.Condition), w.Body, env, w.Pos); return Flow.Normal; }
            if (!Truthy(c, w.Pos)) return Flow.Normal;
            if (n > 100_000) throw Error(TorchDiagnosticIds.UnsupportedConstruct, w.Pos, "while loop runs more than 100000 iterations at translation time");
            var fl = Exec(w.Body, env);
            if (fl == Flow.Break) return Flow.Normal;
            if (fl == Flow.Return) return fl;
        }
    }

    /// <summary>Names a block may bind (assignment targets, loop targets), in order of first appearance.</summary>
    private static List<string> AssignedNames(IEnumerable<TsStmt> body)
    {
        var r = new List<string>();
        void Target(TsExpr e)
        {
            if (e is TsName n && !r.Contains(n.Id)) r.Add(n.Id);
            else if (e is TsTuple t) foreach (var x in t.Items) Target(x);
        }
        void Walk(IEnumerable<TsStmt> ss)
        {
            foreach (var s in ss)
                switch (s)
                {
                    case TsAssign { Value: not null } a: foreach (var t in a.Targets) Target(t); break;
                    case TsAugAssign a: Target(a.Target); break;
                    case TsIf i: Walk(i.Then); Walk(i.Else); break;
                    case TsFor f: Target(f.Target); Walk(f.Body); break;
                    case TsWhile w: Walk(w.Body); break;
                    case TsWith w: Walk(w.Body); break;
                }
        }
        Walk(body);
        return r;
    }

    /// <summary>A data-dependent <c>if</c>: both branches become ONNX subgraphs; names either branch rebinds become the If's outputs.</summary>
    private void DynamicIf(TensorRef cond, TsIf i, Env env)
    {
        cond = ToBoolScalar(cond);
        var names = AssignedNames(i.Then.Concat(i.Else)).Union(InplaceTargets(i.Then.Concat(i.Else))).ToList();
        var thenEnv = env.Copy();
        var elseEnv = env.Copy();
        var saved = SnapshotLatest();
        var thenG = _g.BeginSubgraph("then");
        var thenRaised = RunBranch(i.Then, thenEnv, i.Pos);
        _g.EndSubgraph();
        RestoreLatest(SnapshotOf(saved));
        var elseG = _g.BeginSubgraph("else");
        var elseRaised = RunBranch(i.Else, elseEnv, i.Pos);
        _g.EndSubgraph();
        RestoreLatest(saved);
        if (thenRaised is not null && elseRaised is not null) throw thenRaised;
        if (thenRaised is not null || elseRaised is not null)
        {
            // A check on run-time sizes (symbolic dims) whose failing side raises: the model's own checks are assumed to pass,
            // as torch's exporters do, so the side that does not raise runs unconditionally.
            if (Exec(thenRaised is null ? i.Then : i.Else, env) != Flow.Normal) throw Error(TorchDiagnosticIds.UnsupportedConstruct, i.Pos, "return/break/continue inside a data-dependent branch is not supported");
            return;
        }
        var outs = new List<(string Name, TensorRef Then, TensorRef Else)>();
        foreach (var n in names)
        {
            if (!thenEnv.Vars.TryGetValue(n, out var tv) || !elseEnv.Vars.TryGetValue(n, out var ev)) continue; // bound on one side only: not visible after
            if (ReferenceEquals(tv, ev) || (tv is not TensorRef && ev is not TensorRef && Equals(tv, ev))) { env.Vars[n] = tv; continue; }
            if (tv is TsModule || ev is TsModule || tv is List<object?> || ev is List<object?> || tv is PyTupleValue || ev is PyTupleValue)
            {
                if (tv is PyTupleValue || tv is List<object?>) throw Error(TorchDiagnosticIds.UnsupportedConstruct, i.Pos, $"'{n}' is a tuple/list that differs between data-dependent branches");
                throw Error(TorchDiagnosticIds.UnsupportedConstruct, i.Pos, $"'{n}' differs between data-dependent branches and is not a tensor or number");
            }
            outs.Add((n, Materialize(tv, ev, thenG), Materialize(ev, tv, elseG)));
        }
        foreach (var (n, t, e) in outs)
        {
            if (!t.Shape.SequenceEqual(e.Shape) || t.DType != e.DType)
                throw Error(TorchDiagnosticIds.UnsupportedConstruct, i.Pos, $"'{n}' is {t} in one branch and {e} in the other; branches must agree on shape and dtype");
            thenG.Output.Add(_g.Info(t.Name, t.Shape, t.DType));
            elseG.Output.Add(_g.Info(e.Name, e.Shape, e.DType));
        }
        if (outs.Count == 0) return; // nothing observable (e.g. both branches only raise-check)
        var res = _g.NodeMulti("If", [cond.Name], [.. outs.Select(o => (o.Then.Shape, o.Then.DType))], A("then_branch", thenG), A("else_branch", elseG));
        for (var k = 0; k < outs.Count; k++) env.Vars[outs[k].Name] = res[k];
    }

    /// <summary>Runs one side of a data-dependent <c>if</c>; returns the error when that side raises (<c>raise</c>, a failed check).</summary>
    private BridgeException? RunBranch(ImmutableArray<TsStmt> body, Env env, TsPos pos)
    {
        try
        {
            if (Exec(body, env) != Flow.Normal) throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, "return/break/continue inside a data-dependent branch is not supported");
            return null;
        }
        catch (BridgeException ex) when (ex.Diagnostic.Id == TorchDiagnosticIds.Raised) { return ex; }
    }

    /// <summary>A branch/body result as a fresh output of <paramref name="graph"/> (an Identity, so outer names are not outputs themselves).</summary>
    private TensorRef Materialize(object? v, object? other, Bridge.Importers.Onnx.Proto.GraphProto graph)
    {
        var like = other as TensorRef;
        var t = v as TensorRef ?? ScalarConst(v, like?.DType, TsPosZero);
        var name = _g.Fresh("out");
        var node = new Bridge.Importers.Onnx.Proto.NodeProto { OpType = "Identity", Name = _g.Fresh("Identity") };
        node.Input.Add(t.Name);
        node.Output.Add(name);
        graph.Node.Add(node);
        return t with { Name = name };
    }

    private static readonly TsPos TsPosZero = new(1, 1);

    /// <summary>
    /// A loop with a tensor trip count (<c>for i in range(n)</c>, n from a tensor) or a tensor condition (<c>while</c>) becomes an
    /// ONNX Loop: names the body rebinds that exist before the loop are loop-carried.
    /// </summary>
    private void DynamicLoop(TsExpr? target, TensorRef? trip, (TensorRef First, TsExpr Expr)? cond, ImmutableArray<TsStmt> body, Env env, TsPos pos)
    {
        var carried = AssignedNames(body).Union(InplaceTargets(body)).Where(n => env.Vars.TryGetValue(n, out var v) && (v is TensorRef || IsNumber(v))).ToList();
        var before = carried.Select(n => env.Vars[n] as TensorRef ?? ScalarConst(env.Vars[n], null, pos)).ToList();
        var g = _g.BeginSubgraph("loop");
        var iter = new TensorRef(_g.Fresh("iter"), [], DataType.Int64);
        var condIn = new TensorRef(_g.Fresh("cond"), [], DataType.Bool);
        g.Input.Add(_g.Info(iter.Name, iter.Shape, iter.DType));
        g.Input.Add(_g.Info(condIn.Name, condIn.Shape, condIn.DType));
        var inner = env.Copy();
        for (var k = 0; k < carried.Count; k++)
        {
            var p = before[k] with { Name = _g.Fresh(carried[k]) };
            g.Input.Add(_g.Info(p.Name, p.Shape, p.DType));
            inner.Vars[carried[k]] = p;
        }
        if (target is not null) Assign(target, iter, inner, pos);
        var saved = SnapshotLatest();
        if (Exec(body, inner) != Flow.Normal) throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, "return/break/continue inside a data-dependent loop is not supported");
        TensorRef condOut = cond is { } c ? ToBoolScalar(Eval(c.Expr, inner) as TensorRef ?? ScalarConst(Truthy(Eval(c.Expr, inner), pos), DataType.Bool, pos))
            : _g.Node("Identity", [condIn], [], DataType.Bool);
        _g.EndSubgraph();
        RestoreLatest(saved);
        var outCond = Materialize(condOut, null, g);
        g.Output.Add(_g.Info(outCond.Name, [], DataType.Bool));
        for (var k = 0; k < carried.Count; k++)
        {
            var o = Materialize(inner.Vars[carried[k]], before[k], g);
            if (!o.Shape.SequenceEqual(before[k].Shape) || o.DType != before[k].DType)
                throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, $"loop-carried '{carried[k]}' changes from {before[k]} to {o}; a loop must keep shapes");
            g.Output.Add(_g.Info(o.Name, o.Shape, o.DType));
        }
        var m = trip is null ? "" : Cast(Reshape0(trip), DataType.Int64).Name;
        var c0 = cond is { } cc ? ToBoolScalar(cc.First).Name : "";
        var res = _g.NodeMulti("Loop", [m, c0, .. before.Select(b => b.Name)], [.. before.Select(b => (b.Shape, b.DType))], A("body", g));
        for (var k = 0; k < carried.Count; k++) env.Vars[carried[k]] = res[k];
    }

    private TensorRef Reshape0(TensorRef t)
    {
        if (t.Rank == 0) return t;
        if (_g.KnownScalar(t) is { } k) return _g.Const(k.Reshape(), null, "folded");
        return _g.Node("Reshape", [t, _g.Ints()], [], t.DType);
    }

    internal TensorRef ToBoolScalar(TensorRef t) => Cast(Reshape0(t), DataType.Bool);

    internal TensorRef Cast(TensorRef t, DataType to)
    {
        if (t.DType == to) return t;
        if (_g.KnownScalar(t) is { } k)
        {
            var r = Tensor.Zeros(to, [.. t.Shape]);
            var v = k.GetDouble(0);
            r.SetDouble(0, to.IsBool ? (v != 0 ? 1 : 0) : to.IsFloat ? v : Math.Truncate(v));
            return _g.Const(r, null, "folded");
        }
        return _g.Node("Cast", [t], t.Shape, to, A("to", Bridge.Importers.Onnx.OnnxDTypes.CodeOf(to)));
    }

    /// <summary>A one-element tensor whose value is known at translation as a Python number (int for integer dtypes), else the tensor.</summary>
    internal object Scalarize(TensorRef t, bool asFloat)
    {
        if (_g.KnownScalar(t) is not { } k) return t;
        var v = k.GetDouble(0);
        return asFloat ? v : (object)(long)Math.Truncate(v);
    }

    internal TensorRef ScalarConst(object? v, DataType? like, TsPos pos) => v switch
    {
        bool b => _g.Scalar(DataType.Bool, b ? 1 : 0),
        long l => _g.Scalar(like is { IsFloat: true } ? like.Value : DataType.Int64, l),
        double d => _g.Scalar(like is { IsFloat: true } ? like.Value : DataType.Float32, d),
        TensorRef t => t,
        _ => throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, $"{Describe(v)} is not a tensor or number"),
    };

    internal static bool IsNumber(object? v) => v is long or double or bool;

    internal bool Truthy(object? c, TsPos pos) => c switch
    {
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        null => false,
        string s => s.Length > 0,
        List<object?> l => l.Count > 0,
        PyTupleValue t => t.Items.Length > 0,
        _ => throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, $"cannot use {Describe(c)} as a condition"),
    };

    internal static string Describe(object? v) => v switch
    {
        null => "None",
        string s => $"'{s}'",
        TensorRef t => $"tensor {Tensor.FormatShape(t.Shape)} {t.DType}",
        TsModule m => $"module {m.TypeName}",
        TorchDevice d => d.Spec,
        List<object?> l => "[" + string.Join(", ", l.Select(Describe)) + "]",
        PyTupleValue t => "(" + string.Join(", ", t.Items.Select(Describe)) + ")",
        bool b => b ? "True" : "False",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "?",
    };
}

/// <summary><c>range(start, start + count*step, step)</c>; <see cref="Count"/> is a long or, for a data-dependent loop, a tensor.</summary>
internal sealed record RangeValue(long Start, object Count, long Step);

using System.Runtime.CompilerServices;
using Bridge.Ir.Relax;

namespace Bridge.Backends.Reference;

/// <summary>
/// Reference interpreter of Relax: binding blocks and dataflow blocks, <c>SeqExpr</c>, if/else, tuples, shapes and prim values,
/// calls of other module functions and of inner functions (closures), and op calls through the registry's kernel facet.
/// <para>
/// Symbolic variables are bound per function activation from the parameters' struct info and from <c>match_cast</c>, checked
/// at run time against the actual values: a conflict names the variable, both values and where each came from.
/// <c>call_tir</c>/packed calls and extern functions are reported as unsupported (the reference executes graph-level ops only).
/// </para>
/// <para>
/// Memory: each <see cref="SeqExpr"/> gets a last-use table (binding index → vars last read there, nested branches included);
/// values are dropped right after their last reader, so resnet50 runs in the live set. Functions holding closures keep
/// everything (a closure may read any outer var later).
/// </para>
/// </summary>
public sealed class RelaxInterpreter
{
    private readonly IRModule _module;
    private readonly InterpreterOptions _options;
    private readonly ConditionalWeakTable<SeqExpr, LastUse> _lastUse = new();
    private readonly ConditionalWeakTable<Function, object> _hasClosures = new();
    /// <summary>The stream of the known random packed functions (<see cref="PackedFunctions"/>): seed 0, one per interpreter.</summary>
    private readonly PackedRandomState _packedRandom = new(0);
    private int _sequence;

    /// <summary>
    /// Results of pure op calls whose arguments are all constants (a weight's permute_dims, a constant reshape), kept per
    /// immutable call node across runs: what TVM's FoldConstant would have folded is computed once, not on every run.
    /// </summary>
    private static readonly ConditionalWeakTable<Call, Value> s_folded = new();

    public RelaxInterpreter(IRModule module, InterpreterOptions? options = null)
    {
        _module = module;
        _options = options ?? InterpreterOptions.Default;
        ReferenceKernels.EnsureRegistered();
    }

    /// <summary>Runs module function <paramref name="entry"/> on positional arguments.</summary>
    public Value Run(string entry, IReadOnlyList<Value> args)
    {
        var fn = FindFunction(entry, SourceLoc.Unknown.Instance);
        return InterpreterCommon.OnBigStack(() => CallFunction(fn, entry, args, null), _options.StackBytes);
    }

    /// <summary>Runs <paramref name="entry"/> with tensor inputs given by parameter name.</summary>
    public Value Run(IReadOnlyDictionary<string, Tensor> inputs, string entry = "main")
    {
        var fn = FindFunction(entry, SourceLoc.Unknown.Instance);
        var args = new List<Value>();
        foreach (var p in fn.Params)
        {
            if (!inputs.TryGetValue(p.Name, out var t))
                throw new BridgeException(InterpDiagnosticIds.BadInput, p.Loc, $"no value for input {p.Name} (given: {string.Join(", ", inputs.Keys)})");
            args.Add(new TensorValue(t));
        }
        return Run(entry, args);
    }

    private Function FindFunction(string name, SourceLoc loc) =>
        _module.Find(name) switch
        {
            { Function: { } f } => f,
            { Extern: { } x } => throw new BridgeException(InterpDiagnosticIds.Unsupported, x.Loc, $"{name} is an extern function ({x.GlobalSymbol}); the reference interpreter cannot call it"),
            { PrimFunc: { } p } => throw new BridgeException(InterpDiagnosticIds.Unsupported, p.Loc, $"{name} is a TIR PrimFunc; the reference interpreter does not execute TIR"),
            _ => throw new BridgeException(InterpDiagnosticIds.NoEntry, loc,
                $"the module has no function {name} (functions: {string.Join(", ", _module.Functions.Select(f => f.Var.Name))})"),
        };

    // ---- activations ---------------------------------------------------------------------------------------------------

    private sealed class Activation(string function, Dictionary<Var, Value>? captured)
    {
        public readonly string Function = function;
        public readonly Dictionary<Var, Value> Vars = captured is null ? new(ReferenceEqualityComparer.Instance) : new(captured, ReferenceEqualityComparer.Instance);
        public readonly Dictionary<SymVar, (long Value, string Origin)> Sym = [];
        public bool Free;
    }

    private Value CallFunction(Function fn, string name, IReadOnlyList<Value> args, Activation? outer)
    {
        if (args.Count != fn.Params.Length)
            throw new BridgeException(InterpDiagnosticIds.BadInput, fn.Loc, $"{name} takes {fn.Params.Length} arguments, got {args.Count}");
        var act = new Activation(name, outer?.Vars);
        if (outer is not null) foreach (var kv in outer.Sym) act.Sym[kv.Key] = kv.Value;
        act.Free = _options.FreeIntermediates && !HasClosures(fn);
        for (var i = 0; i < args.Count; i++)
        {
            var p = fn.Params[i];
            if (p.Info is { } si) Match(args[i], si, act, p.Loc, $"parameter {p.Name} of {name}", InterpDiagnosticIds.BadInput);
            act.Vars[p] = args[i];
        }
        return EvalSeq(fn.Body, act);
    }

    private bool HasClosures(Function fn) => _hasClosures.GetValue(fn, static f =>
    {
        var found = false;
        void Scan(Expr e)
        {
            if (found) return;
            switch (e)
            {
                case Function: found = true; break;
                case SeqExpr s:
                    foreach (var b in s.Blocks) foreach (var x in b.Bindings) Scan(x.Value);
                    Scan(s.Body); break;
                case If i: Scan(i.Cond); Scan(i.Then); Scan(i.Else); break;
                case Call c: Scan(c.Callee); foreach (var a in c.Args) Scan(a); break;
                case TupleExpr t: foreach (var a in t.Fields) Scan(a); break;
                case TupleGetItem g: Scan(g.Tuple); break;
            }
        }
        Scan(f.Body);
        return found;
    }) is true;

    // ---- last use ------------------------------------------------------------------------------------------------------

    private sealed class LastUse
    {
        /// <summary>For binding k (flattened over blocks), the vars whose last read is there.</summary>
        public readonly List<Var>[] After;
        public LastUse(int n) { After = new List<Var>[n]; for (var i = 0; i < n; i++) After[i] = []; }
    }

    private LastUse LastUseOf(SeqExpr seq) => _lastUse.GetValue(seq, static s =>
    {
        var bindings = s.Blocks.SelectMany(b => b.Bindings).ToList();
        var lu = new LastUse(bindings.Count);
        var last = new Dictionary<Var, int>(ReferenceEqualityComparer.Instance);
        for (var k = 0; k < bindings.Count; k++)
            foreach (var v in FreeVars(bindings[k].Value)) last[v] = k;
        var keep = new HashSet<Var>(FreeVars(s.Body), ReferenceEqualityComparer.Instance);
        foreach (var (v, k) in last) if (!keep.Contains(v)) lu.After[k].Add(v);
        return lu;
    });

    private static IEnumerable<Var> FreeVars(Expr root)
    {
        var stack = new Stack<Expr>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case Var v: yield return v; break;
                case Call c: stack.Push(c.Callee); foreach (var a in c.Args) stack.Push(a); break;
                case TupleExpr t: foreach (var a in t.Fields) stack.Push(a); break;
                case TupleGetItem g: stack.Push(g.Tuple); break;
                case If i: stack.Push(i.Cond); stack.Push(i.Then); stack.Push(i.Else); break;
                case SeqExpr s:
                    foreach (var b in s.Blocks) foreach (var x in b.Bindings) stack.Push(x.Value);
                    stack.Push(s.Body); break;
            }
        }
    }

    // ---- evaluation ----------------------------------------------------------------------------------------------------

    private Value EvalSeq(SeqExpr seq, Activation act)
    {
        var lu = act.Free ? LastUseOf(seq) : null;
        var k = 0;
        foreach (var block in seq.Blocks)
        {
            foreach (var b in block.Bindings)
            {
                var v = Eval(b.Value, act);
                if (b is MatchCast mc) Match(v, mc.Target, act, mc.Loc, $"match_cast of {mc.Var.Name}", InterpDiagnosticIds.MatchCastFailed);
                act.Vars[b.Var] = v;
                if (_options.Trace is { } trace)
                {
                    var loc = b.Value.Loc is SourceLoc.Unknown ? b.Loc : b.Value.Loc;
                    var op = b.Value is Call { Op: { } o } ? o.Name : b.Value.GetType().Name;
                    trace(new TraceEvent(loc, op, v, _sequence++));
                }
                if (lu is not null) foreach (var dead in lu.After[k]) act.Vars.Remove(dead);
                k++;
            }
        }
        return Eval(seq.Body, act);
    }

    private Value Eval(Expr e, Activation act)
    {
        Bridge.Core.Limits.StackGuard.Check(e.Loc); // deep input: a located diagnostic, not a crash
        switch (e)
        {
            case Var v:
                return act.Vars.TryGetValue(v, out var val) ? val
                    : throw new BridgeException(InterpDiagnosticIds.Unbound, v.Loc, $"{v.Name} has no value here (in {act.Function})");
            case Constant c: return new TensorValue(c.Data);
            case Call call: return EvalCall(call, act);
            case TupleExpr t:
                {
                    var b = ImmutableArray.CreateBuilder<Value>(t.Fields.Length);
                    foreach (var x in t.Fields) b.Add(Eval(x, act));
                    return new TupleValue(b.MoveToImmutable());
                }
            case TupleGetItem g:
                {
                    var tv = Eval(g.Tuple, act);
                    return tv is TupleValue tup && g.Index >= 0 && g.Index < tup.Fields.Length ? tup.Fields[g.Index]
                        : throw new BridgeException(InterpDiagnosticIds.TypeError, g.Loc, $"cannot take field {g.Index} of {tv.Describe()}");
                }
            case ShapeExpr s: return new ShapeValue([.. s.Values.Select(x => EvalSym(x, act, s.Loc))]);
            case PrimValue p:
                return p.IntValue is { } iv ? new PrimScalar(p.DType, EvalSym(iv, act, p.Loc), EvalSym(iv, act, p.Loc)) : new PrimScalar(p.DType, (long)p.FloatValue, p.FloatValue);
            case StringImm s: return new StringValue(s.Value);
            case DataTypeImm d: return new DTypeValue(d.Value);
            case If i:
                return InterpreterCommon.Truthy(Eval(i.Cond, act), i.Loc) ? EvalSeq(i.Then, act) : EvalSeq(i.Else, act);
            case SeqExpr s: return EvalSeq(s, act);
            case GlobalVar g:
                {
                    var fn = FindFunction(g.Name, g.Loc);
                    return new ClosureValue(g.Name, args => CallFunction(fn, g.Name, args, null));
                }
            case Function fn:
                {
                    var outer = act;
                    return new ClosureValue("closure", args => CallFunction(fn, "closure", args, outer));
                }
            case ExternFunc x:
                throw new BridgeException(InterpDiagnosticIds.Unsupported, x.Loc, $"extern function {x.GlobalSymbol} cannot be called by the reference interpreter");
            case OpRef o:
                throw new BridgeException(InterpDiagnosticIds.Unsupported, o.Loc, $"op {o.Op.Name} used as a value is not supported");
            default:
                throw new BridgeInternalError($"unknown Relax node {e.GetType().Name}");
        }
    }

    private Value EvalCall(Call call, Activation act)
    {
        if (call.Op is { } op)
        {
            if (op.Name is "relax.call_dps_packed" && call.Args is [ExternFunc { GlobalSymbol: var sym }, _]
                && PackedFunctions.FindDps(sym) is { } dps)
                return CallKnownDps(call, sym, dps, act);
            if (op.Name is "relax.call_tir" or "relax.call_tir_inplace" or "relax.call_dps_packed" or "relax.call_pure_packed" or "relax.call_packed"
                or "relax.call_inplace_packed" or "relax.call_builtin_with_ctx")
            {
                var target = call.Args.Length > 0 ? call.Args[0] switch { GlobalVar g => g.Name, ExternFunc x => x.GlobalSymbol, StringImm s => s.Value, var a => a.GetType().Name } : "?";
                throw new BridgeException(InterpDiagnosticIds.Unsupported, call.Loc,
                    $"{op.Name}({target}) calls lowered code (TIR/packed functions), which the reference interpreter does not execute");
            }
            if (op.Name is "relax.invoke_closure")
            {
                var clo = Eval(call.Args[0], act);
                var cargs = Eval(call.Args[1], act);
                return clo is ClosureValue cv && cargs is TupleValue tv ? cv.Invoke(tv.Fields)
                    : throw new BridgeException(InterpDiagnosticIds.TypeError, call.Loc, $"invoke_closure of {clo.Describe()}");
            }
            if (s_folded.TryGetValue(call, out var folded)) return folded;
            var args = new Value[call.Args.Length];
            for (var i = 0; i < args.Length; i++) args[i] = Eval(call.Args[i], act);
            _options.Cancellation.ThrowIfCancellationRequested();
            var kernel = InterpreterCommon.KernelOf(op, call.Loc);
            var kc = new KernelCall(op, call.Attrs, args, call.Loc) { OutDType = (call.Info as TensorSInfo)?.DType };
            var result = InterpreterCommon.Invoke(kernel, kc, InterpreterCommon.StaticBytes(call.Info));
            if (op.IsPure && result is TensorValue && call.Args.All(a => a is Constant)) s_folded.AddOrUpdate(call, result);
            return result;
        }
        var callee = call.Callee is GlobalVar gv ? null : Eval(call.Callee, act);
        var vals = new Value[call.Args.Length];
        for (var i = 0; i < vals.Length; i++) vals[i] = Eval(call.Args[i], act);
        if (call.Callee is GlobalVar g2)
        {
            var fn = FindFunction(g2.Name, call.Loc);
            return CallFunction(fn, g2.Name, vals, null);
        }
        return callee is ClosureValue c ? c.Invoke(vals)
            : throw new BridgeException(InterpDiagnosticIds.TypeError, call.Loc, $"cannot call {callee!.Describe()}");
    }

    /// <summary>
    /// <c>R.call_dps_packed</c> of a packed function the interpreter knows: the destination is allocated from the call's
    /// out_sinfo (symbolic dims evaluated in the activation) and filled by the function.
    /// </summary>
    private Value CallKnownDps(Call call, string symbol, PackedFunctions.DpsFn fn, Activation act)
    {
        if (call.Info is not TensorSInfo { Shape: { } shape, DType: { } dt })
            throw new BridgeException(InterpDiagnosticIds.Unsupported, call.Loc, $"R.call_dps_packed({symbol}) must have one tensor out_sinfo with a known shape, has {call.Info}");
        var args = Eval(call.Args[1], act) is TupleValue tv ? tv.Fields : throw new BridgeException(InterpDiagnosticIds.TypeError, call.Loc, $"R.call_dps_packed({symbol}): the arguments must be a tuple");
        _options.Cancellation.ThrowIfCancellationRequested();
        var dims = shape.Items.Select(d => EvalSym(d, act, call.Loc)).ToArray();
        return new TensorValue(fn(args, dims, dt, _packedRandom, call.Loc));
    }

    private static long EvalSym(SymExpr e, Activation act, SourceLoc loc)
    {
        if (e.IsConst(out var c)) return c;
        return e.Evaluate(v => act.Sym.TryGetValue(v, out var b) ? b.Value
            : throw new BridgeException(InterpDiagnosticIds.UnboundSymVar, loc, $"symbolic variable {v.Name} has no value at run time (in {act.Function}; bound: {Bound(act)})"));
    }

    private static string Bound(Activation act) => act.Sym.Count == 0 ? "none" : string.Join(", ", act.Sym.Select(kv => $"{kv.Key.Name}={kv.Value.Value}"));

    // ---- struct info matching (params and match_cast) -------------------------------------------------------------------

    /// <summary>
    /// Checks <paramref name="v"/> against <paramref name="si"/>, binding bare symbolic vars on first sight (TVM's MatchCast
    /// semantics: bare vars bind, compound expressions are checked once every var is bound).
    /// </summary>
    private static void Match(Value v, StructInfo si, Activation act, SourceLoc loc, string what, DiagnosticId failId)
    {
        var deferred = new List<(SymExpr Expr, long Actual, string Where)>();
        MatchCore(v, si, act, loc, what, failId, deferred, "");
        foreach (var (expr, actual, where) in deferred)
        {
            var missing = expr.FreeVars().Where(x => !act.Sym.ContainsKey(x)).ToList();
            if (missing.Count > 0)
                throw new BridgeException(failId, loc, $"{what}: {where} is {expr}, whose variables {string.Join(", ", missing.Select(m => m.Name))} are not bound (actual value {actual})");
            var expected = expr.Evaluate(x => act.Sym[x].Value);
            if (expected != actual)
                throw new BridgeException(failId, loc, $"{what}: {where} must be {expr} = {expected} ({Bound(act)}), got {actual}");
        }
    }

    private static void MatchCore(Value v, StructInfo si, Activation act, SourceLoc loc, string what, DiagnosticId failId,
        List<(SymExpr, long, string)> deferred, string path)
    {
        string At(string s) => path.Length == 0 ? s : $"{path} {s}";
        switch (si)
        {
            case ObjectSInfo: return;
            case TensorSInfo ts:
                {
                    if (v is not TensorValue tv) throw new BridgeException(failId, loc, $"{what}: expected a tensor{(path.Length > 0 ? " at " + path : "")}, got {v.Describe()}");
                    var t = tv.Tensor;
                    if (ts.DType is { } d && !d.IsVoid && d != t.DType)
                        throw new BridgeException(failId, loc, $"{what}: {At("dtype")} must be {d}, got {t.DType}");
                    if (!ts.IsUnknownNDim && ts.NDim != t.Rank)
                        throw new BridgeException(failId, loc, $"{what}: {At("rank")} must be {ts.NDim}, got {t.Rank} {Tensor.FormatShape(t.Shape)}");
                    if (ts.Shape is { } shape)
                    {
                        if (shape.Count != t.Rank)
                            throw new BridgeException(failId, loc, $"{what}: {At("shape")} must be ({string.Join(", ", shape)}), got {Tensor.FormatShape(t.Shape)}");
                        for (var i = 0; i < shape.Count; i++) MatchDim(shape[i], t.Shape[i], act, loc, what, failId, deferred, At($"dim {i}"), Tensor.FormatShape(t.Shape));
                    }
                    return;
                }
            case ShapeSInfo ss:
                {
                    if (v is not ShapeValue sv) throw new BridgeException(failId, loc, $"{what}: expected a shape, got {v.Describe()}");
                    if (ss.NDim >= 0 && ss.NDim != sv.Dims.Length)
                        throw new BridgeException(failId, loc, $"{what}: shape must have {ss.NDim} dims, got {sv.Describe()}");
                    if (ss.Values is { } vals)
                        for (var i = 0; i < vals.Count && i < sv.Dims.Length; i++) MatchDim(vals[i], sv.Dims[i], act, loc, what, failId, deferred, At($"shape value {i}"), sv.Describe());
                    return;
                }
            case PrimSInfo ps:
                {
                    if (v is not PrimScalar p)
                    {
                        if (v is TensorValue { Tensor.Rank: 0 }) return;
                        throw new BridgeException(failId, loc, $"{what}: expected a {ps.DType} prim value, got {v.Describe()}");
                    }
                    if (ps.Value is { } e) MatchDim(e, p.Int, act, loc, what, failId, deferred, At("value"), p.Describe());
                    return;
                }
            case TupleSInfo tup:
                {
                    if (v is not TupleValue tv || tv.Fields.Length != tup.Fields.Count)
                        throw new BridgeException(failId, loc, $"{what}: expected a tuple of {tup.Fields.Count}, got {v.Describe()}");
                    for (var i = 0; i < tup.Fields.Count; i++) MatchCore(tv.Fields[i], tup.Fields[i], act, loc, what, failId, deferred, At($"field {i}"));
                    return;
                }
            case FuncSInfo:
                if (v is not ClosureValue) throw new BridgeException(failId, loc, $"{what}: expected a function, got {v.Describe()}");
                return;
        }
    }

    private static void MatchDim(SymExpr e, long actual, Activation act, SourceLoc loc, string what, DiagnosticId failId,
        List<(SymExpr, long, string)> deferred, string where, string whole)
    {
        if (e.IsConst(out var c))
        {
            if (c != actual) throw new BridgeException(failId, loc, $"{what}: {where} must be {c}, got {actual} (value {whole})");
            return;
        }
        if (e is SymVar sv)
        {
            if (act.Sym.TryGetValue(sv, out var bound))
            {
                if (bound.Value != actual)
                    throw new BridgeException(InterpDiagnosticIds.SymVarConflict, loc,
                        $"{what}: symbolic variable {sv.Name} is {bound.Value} (from {bound.Origin}) but {where} is {actual} (value {whole})");
                return;
            }
            act.Sym[sv] = (actual, $"{what} {where}");
            return;
        }
        deferred.Add((e, actual, where));
    }
}

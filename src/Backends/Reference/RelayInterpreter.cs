using System.Runtime.CompilerServices;
using Bridge.Ir.Relay;
using RTuple = Bridge.Ir.Relay.Tuple;

namespace Bridge.Backends.Reference;

/// <summary>
/// Reference interpreter of Relay: let, if, tuples, closures (with captured environments, recursive let-bound closures), calls
/// of globals (recursion included), constants and op calls through the registry's <see cref="ReferenceKernels.Kernel"/> facet.
/// ADTs (constructors, match) and references are reported as unsupported with the construct's location.
/// <para>
/// Graph-form text (<c>%0 = ...; %1 = f(%0)</c>) shares sub-expressions: a node is evaluated once per function activation and
/// its value is kept only while unconsumed parents remain (use counts per function body, computed once), so memory follows
/// the live set, not the model size. Let-bound variables are dropped after their last syntactic use when the function holds
/// no closures (a closure may capture them). Nesting depth is handled by running on a thread with a large stack.
/// </para>
/// </summary>
public sealed class RelayInterpreter
{
    private readonly IRModule _module;
    private readonly InterpreterOptions _options;
    private readonly ConditionalWeakTable<Expr, UseCounts> _counts = new();
    private int _sequence;

    /// <summary>Results of pure op calls on constants only, per immutable call node across runs (see RelaxInterpreter).</summary>
    private static readonly ConditionalWeakTable<Call, Value> s_folded = new();

    public RelayInterpreter(IRModule module, InterpreterOptions? options = null)
    {
        _module = module;
        _options = options ?? InterpreterOptions.Default;
        ReferenceKernels.EnsureRegistered();
    }

    /// <summary>Runs global <paramref name="entry"/> on positional arguments.</summary>
    public Value Run(string entry, IReadOnlyList<Value> args)
    {
        var fn = _module.Lookup(entry) ?? throw new BridgeException(InterpDiagnosticIds.NoEntry, SourceLoc.Unknown.Instance,
            $"the module has no function @{entry} (functions: {string.Join(", ", _module.Functions.Select(f => "@" + f.Var.Name))})");
        CheckArgs(entry, fn, args);
        return InterpreterCommon.OnBigStack(() => CallFunction(fn, args, null), _options.StackBytes);
    }

    /// <summary>Runs <paramref name="entry"/> with inputs given by parameter name (without the <c>%</c>).</summary>
    public Value Run(IReadOnlyDictionary<string, Tensor> inputs, string entry = "main")
    {
        var fn = _module.Lookup(entry) ?? throw new BridgeException(InterpDiagnosticIds.NoEntry, SourceLoc.Unknown.Instance, $"the module has no function @{entry}");
        var args = new List<Value>();
        foreach (var p in fn.Params)
        {
            if (!inputs.TryGetValue(p.Name, out var t))
                throw new BridgeException(InterpDiagnosticIds.BadInput, p.Loc, $"no value for input %{p.Name} (given: {string.Join(", ", inputs.Keys)})");
            args.Add(new TensorValue(t));
        }
        return Run(entry, args);
    }

    /// <summary>The input signature of <paramref name="entry"/>: parameter names and their annotated types.</summary>
    public static IReadOnlyList<(string Name, RelayType? Type)> Signature(IRModule module, string entry = "main") =>
        module.Lookup(entry) is { } f ? [.. f.Params.Select(p => (p.Name, p.TypeAnnotation))] : [];

    private static void CheckArgs(string entry, Function fn, IReadOnlyList<Value> args)
    {
        if (args.Count != fn.Params.Length)
            throw new BridgeException(InterpDiagnosticIds.BadInput, fn.Loc, $"@{entry} takes {fn.Params.Length} arguments, got {args.Count}");
        var dims = new Dictionary<Core.Shapes.SymVar, long>();
        for (var i = 0; i < args.Count; i++)
        {
            if (fn.Params[i].TypeAnnotation is not TensorType tt || args[i] is not TensorValue tv) continue;
            var t = tv.Tensor;
            var p = fn.Params[i];
            if (tt.DType != t.DType && !tt.DType.IsVoid)
                throw new BridgeException(InterpDiagnosticIds.BadInput, p.Loc, $"input %{p.Name} must be {tt.DType}, got {t.DType}");
            if (tt.Shape.Length != t.Rank)
                throw new BridgeException(InterpDiagnosticIds.BadInput, p.Loc, $"input %{p.Name} must have rank {tt.Shape.Length} ({tt}), got {Tensor.FormatShape(t.Shape)}");
            for (var d = 0; d < t.Rank; d++)
            {
                var e = tt.Shape[d];
                if (e.IsConst(out var c) && c != t.Shape[d])
                    throw new BridgeException(InterpDiagnosticIds.BadInput, p.Loc, $"input %{p.Name} dim {d} must be {c}, got {Tensor.FormatShape(t.Shape)}");
                if (e is Core.Shapes.SymVar v && !v.IsAny)
                {
                    if (dims.TryGetValue(v, out var prev) && prev != t.Shape[d])
                        throw new BridgeException(InterpDiagnosticIds.SymVarConflict, p.Loc, $"symbolic dim {v.Name} is {prev} from an earlier input but {t.Shape[d]} in %{p.Name}");
                    dims[v] = t.Shape[d];
                }
            }
        }
    }

    // ---- activation frames ---------------------------------------------------------------------------------------------

    private sealed class Env(Env? parent)
    {
        public readonly Dictionary<Var, Value> Vars = new(ReferenceEqualityComparer.Instance);
        public readonly Env? Parent = parent;

        public bool TryGet(Var v, out Value value)
        {
            for (var e = this; e is not null; e = e.Parent)
                if (e.Vars.TryGetValue(v, out value!)) return true;
            value = null!;
            return false;
        }
    }

    /// <summary>Static use counts of one function body (edges from distinct parents; nested functions not entered).</summary>
    private sealed class UseCounts
    {
        public readonly Dictionary<Expr, int> Nodes = new(ReferenceEqualityComparer.Instance);
        public bool HasClosures;
    }

    private sealed class Frame(Env env, UseCounts counts, bool free)
    {
        public readonly Env Env = env;
        public readonly UseCounts Counts = counts;
        public readonly bool Free = free;
        public readonly Dictionary<Expr, Value> Memo = new(ReferenceEqualityComparer.Instance);
        public readonly Dictionary<Expr, int> Remaining = new(ReferenceEqualityComparer.Instance);
    }

    private UseCounts CountsOf(Function fn) => _counts.GetValue(fn, static fe =>
    {
        var f = (Function)fe;
        var u = new UseCounts();
        var seen = new HashSet<Expr>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Expr>();
        stack.Push(f.Body);
        u.Nodes[f.Body] = 1;
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            if (!seen.Add(e)) continue;
            if (e is Function) { u.HasClosures = true; continue; }
            // A let's bound var is a binding site, not a use.
            foreach (var c in e is Let let ? [let.Value, let.Body] : RelayVisit.Children(e))
            {
                u.Nodes[c] = u.Nodes.TryGetValue(c, out var n) ? n + 1 : 1;
                stack.Push(c);
            }
        }
        return u;
    });

    private Value CallFunction(Function fn, IReadOnlyList<Value> args, Env? captured)
    {
        if (args.Count != fn.Params.Length)
            throw new BridgeException(InterpDiagnosticIds.TypeError, fn.Loc, $"function takes {fn.Params.Length} arguments, got {args.Count}");
        var env = new Env(captured);
        for (var i = 0; i < args.Count; i++) env.Vars[fn.Params[i]] = args[i];
        var counts = CountsOf(fn);
        var frame = new Frame(env, counts, _options.FreeIntermediates);
        return Eval(fn.Body, frame);
    }

    // ---- evaluation ----------------------------------------------------------------------------------------------------

    private Value Eval(Expr e, Frame f)
    {
        Bridge.Core.Limits.StackGuard.Check(e.Loc); // deep input: a located diagnostic, not a crash
        // Shared nodes (more than one parent edge) are memoized until their last consumer has read them.
        var shared = e is not Var and not Constant and not GlobalVar && f.Counts.Nodes.TryGetValue(e, out var uses) && uses > 1;
        if (shared && f.Memo.TryGetValue(e, out var hit))
        {
            Consume(e, f);
            return hit;
        }
        var v = EvalCore(e, f);
        if (shared)
        {
            f.Memo[e] = v;
            f.Remaining[e] = f.Counts.Nodes[e] - 1;
        }
        return v;
    }

    private static void Consume(Expr e, Frame f)
    {
        if (!f.Free) return;
        if (f.Remaining.TryGetValue(e, out var left))
        {
            if (left <= 1) { f.Remaining.Remove(e); f.Memo.Remove(e); }
            else f.Remaining[e] = left - 1;
        }
    }

    private Value EvalCore(Expr e, Frame f)
    {
        switch (e)
        {
            case Var v:
                {
                    if (!f.Env.TryGet(v, out var val))
                        throw new BridgeException(InterpDiagnosticIds.Unbound, v.Loc, $"%{v.Name} has no value here");
                    if (f.Free && !f.Counts.HasClosures && f.Env.Vars.ContainsKey(v)) ReleaseVar(v, f);
                    return val;
                }
            case Constant c:
                return c.Value is { } value ? new TensorValue(value)
                    : throw new BridgeException(InterpDiagnosticIds.Unbound, c.Loc,
                        $"constant {(c.MetaIndex is { } mi ? $"meta[relay.Constant][{mi}] " : "")}({c.Type}) has a type but no value; give --params/--meta values or let `bridge run` fill it with seeded random values");
            case GlobalVar g:
                {
                    var fn = _module.Lookup(g) ?? _module.Lookup(g.Name)
                        ?? throw new BridgeException(InterpDiagnosticIds.Unbound, g.Loc, $"@{g.Name} is not defined in the module");
                    return new ClosureValue("@" + g.Name, args => CallFunction(fn, args, null));
                }
            case Function fn:
                {
                    var env = f.Env;
                    return new ClosureValue("closure", args => CallFunction(fn, args, env));
                }
            case Call call:
                return EvalCall(call, f);
            case RTuple t:
                {
                    var fields = ImmutableArray.CreateBuilder<Value>(t.Fields.Length);
                    foreach (var x in t.Fields) fields.Add(Eval(x, f));
                    return new TupleValue(fields.MoveToImmutable());
                }
            case TupleGetItem g:
                {
                    var tv = Eval(g.TupleValue, f);
                    if (tv is not TupleValue tup || g.Index < 0 || g.Index >= tup.Fields.Length)
                        throw new BridgeException(InterpDiagnosticIds.TypeError, g.Loc, $"cannot take field {g.Index} of {tv.Describe()}");
                    return tup.Fields[g.Index];
                }
            case Let:
                {
                    // Let chains are iterated, not recursed: ANF modules nest one Let per binding.
                    Expr cur = e;
                    while (cur is Let l)
                    {
                        f.Env.Vars[l.Var] = Eval(l.Value, f);
                        cur = l.Body;
                    }
                    return Eval(cur, f);
                }
            case If i:
                return InterpreterCommon.Truthy(Eval(i.Cond, f), i.Loc) ? Eval(i.Then, f) : Eval(i.Else, f);
            case OpRef o:
                throw new BridgeException(InterpDiagnosticIds.Unsupported, o.Loc, $"op {o.Name} used as a value (not called) is not supported");
            case Constructor or Match:
                throw new BridgeException(InterpDiagnosticIds.Unsupported, e.Loc, "algebraic data types (constructors, match) are not supported by the reference interpreter");
            case RefCreate or RefRead or RefWrite:
                throw new BridgeException(InterpDiagnosticIds.Unsupported, e.Loc, "references (ref, ref_read, ref_write) are not supported by the reference interpreter");
            default:
                throw new BridgeInternalError($"unknown Relay node {e.GetType().Name}");
        }
    }

    private static void ReleaseVar(Var v, Frame f)
    {
        // Each syntactic reference of a let-bound/param var is one parent edge; drop the value at the last one.
        if (!f.Counts.Nodes.TryGetValue(v, out var total)) return;
        var left = f.Remaining.TryGetValue(v, out var r) ? r : total;
        if (left <= 1) { f.Remaining.Remove(v); f.Env.Vars.Remove(v); }
        else f.Remaining[v] = left - 1;
    }

    private Value EvalCall(Call call, Frame f)
    {
        if (call.Callee is OpRef opRef)
        {
            var constant = opRef.Op.IsPure && call.Args.All(a => a is Constant);
            if (constant && s_folded.TryGetValue(call, out var folded))
            {
                _options.Trace?.Invoke(new TraceEvent(call.Loc, opRef.Op.Name, folded, _sequence++));
                return folded;
            }
            var args = new Value[call.Args.Length];
            for (var i = 0; i < args.Length; i++) args[i] = Eval(call.Args[i], f);
            _options.Cancellation.ThrowIfCancellationRequested();
            var kernel = InterpreterCommon.KernelOf(opRef.Op, call.Loc);
            var kc = new KernelCall(opRef.Op, call.Attrs, args, call.Loc) { OutDType = (call.CheckedType as TensorType)?.DType };
            var result = InterpreterCommon.Invoke(kernel, kc, InterpreterCommon.StaticBytes(call.CheckedType));
            if (constant && result is TensorValue) s_folded.AddOrUpdate(call, result);
            _options.Trace?.Invoke(new TraceEvent(call.Loc, opRef.Op.Name, result, _sequence++));
            return result;
        }
        if (call.Callee is Constructor)
            throw new BridgeException(InterpDiagnosticIds.Unsupported, call.Loc, "algebraic data types (constructors, match) are not supported by the reference interpreter");
        var callee = Eval(call.Callee, f);
        var vals = new Value[call.Args.Length];
        for (var i = 0; i < vals.Length; i++) vals[i] = Eval(call.Args[i], f);
        if (callee is not ClosureValue cv)
            throw new BridgeException(InterpDiagnosticIds.TypeError, call.Loc, $"cannot call {callee.Describe()}");
        return cv.Invoke(vals);
    }
}

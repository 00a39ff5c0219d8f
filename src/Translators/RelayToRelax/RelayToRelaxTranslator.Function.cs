using System.Globalization;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;
using static Bridge.Ir.Relax.StructInfoExt;
using Relax = Bridge.Ir.Relax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Translators.RelayToRelax;

public sealed partial class RelayToRelaxTranslator
{
    /// <summary>A let-bound Relay closure lifted to a private global: calls pass the captured values first.</summary>
    private sealed record Closure(string GlobalName, ImmutableArray<Relax.Expr> Captured, Func<Relax.FuncSInfo> Signature);

    /// <summary>Translation state of one Relax function: the emitter, Relay→Relax value maps and the symbolic-dim map.</summary>
    internal sealed partial class FnState
    {
        private readonly RelayToRelaxTranslator _t;
        private readonly string _fn;
        private readonly bool _isEntry;
        private readonly RelaxEmitter _em;
        /// <summary>Relay <c>Any</c> dims (and other Relay dim vars) → the Relax dim they stand for in this function.</summary>
        private readonly Dictionary<SymVar, SymExpr> _anyMap = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<string, SymVar> _symByName = new(StringComparer.Ordinal);
        private readonly HashSet<string> _symNames = new(StringComparer.Ordinal);
        private readonly Dictionary<Relay.Var, Relax.Expr> _env = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<Relay.Var, Closure> _closures = new(ReferenceEqualityComparer.Instance);
        private readonly List<Dictionary<Relay.Expr, Relax.Expr>> _memo = [new(ReferenceEqualityComparer.Instance)];
        private readonly List<Relax.Var> _params = [];
        private readonly List<Relax.Var> _liftedConstParams = [];
        private readonly Dictionary<Relay.Constant, Relax.Var> _constParams = new(ReferenceEqualityComparer.Instance);
        private Relay.Function? _relayFn;
        private Relax.FuncSInfo? _frozen;
        private int _bindingIndex;

        public FnState(RelayToRelaxTranslator t, string fn, bool isEntry)
        {
            _t = t;
            _fn = fn;
            _isEntry = isEntry;
            _em = new RelaxEmitter(t._globalNames);
        }

        internal RelayToRelaxTranslator Translator => _t;
        internal RelaxEmitter Emitter => _em;
        internal int RelayMinor => _t._relayMinor;

        // ------------------------------------------------------------ struct info from Relay types

        private SymVar NewSym(string hint)
        {
            var baseName = RelaxEmitter.Sanitize(hint);
            var name = baseName;
            for (var i = 1; !_symNames.Add(name) || _t._globalNames.Contains(name); i++) name = $"{baseName}_{i}";
            var v = new SymVar(name);
            _t.Stats.SymbolicVars.Add(_isEntry ? name : $"{_fn}.{name}");
            return v;
        }

        /// <summary>The Relax dim of a Relay dim in this function, or null when it is an Any not seen yet.</summary>
        internal SymExpr? MapDim(SymExpr d)
        {
            if (d.IsConst()) return d;
            if (d is SymVar v) return _anyMap.GetValueOrDefault(v);
            foreach (var fv in d.FreeVars()) if (!_anyMap.ContainsKey(fv)) return null;
            return d.Substitute(_anyMap);
        }

        /// <summary>
        /// Struct info of a Relay type. With <paramref name="defineNew"/>, unseen Any dims get new named vars
        /// (<paramref name="baseName"/>_dimK, or the names of <paramref name="spec"/>); otherwise such tensors keep only their rank.
        /// </summary>
        internal Relax.StructInfo ToSInfo(Relay.RelayType t, string baseName, bool defineNew, IReadOnlyList<string>? spec = null, SourceLoc? loc = null)
        {
            switch (t)
            {
                case Relay.TensorType tt:
                {
                    if (spec is not null && spec.Count != tt.Rank)
                        throw new BridgeException(RelayToRelaxDiagnosticIds.BadShapeOption, loc ?? SourceLoc.Unknown.Instance,
                            $"--shape {baseName}: {spec.Count} dims given but the input has rank {tt.Rank} ({t})");
                    var dims = new SymExpr[tt.Rank];
                    for (var i = 0; i < tt.Rank; i++)
                    {
                        var d = tt.Shape[i];
                        var s = spec?[i];
                        if (d.IsConst(out var c))
                        {
                            if (s is not null && s != "?" && s != "_" && !(long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var sc) && sc == c))
                                throw new BridgeException(RelayToRelaxDiagnosticIds.BadShapeOption, loc ?? SourceLoc.Unknown.Instance,
                                    $"--shape {baseName}: dim {i} is static {c} in the model, cannot be '{s}'");
                            dims[i] = d;
                            continue;
                        }
                        if (MapDim(d) is { } m) { dims[i] = m; continue; }
                        if (!defineNew) return new Relax.TensorSInfo(null, tt.DType, tt.Rank);
                        SymExpr nd;
                        if (s is not null && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var fixedDim)) nd = fixedDim;
                        else if (s is not null && s != "?" && s != "_")
                        {
                            if (!IsIdentifier(s))
                                throw new BridgeException(RelayToRelaxDiagnosticIds.BadShapeOption, loc ?? SourceLoc.Unknown.Instance, $"--shape {baseName}: '{s}' is neither an integer nor an identifier");
                            if (!_symByName.TryGetValue(s, out var named))
                            {
                                named = NewSym(s);
                                if (named.Name != s)
                                    throw new BridgeException(RelayToRelaxDiagnosticIds.BadShapeOption, loc ?? SourceLoc.Unknown.Instance, $"--shape {baseName}: '{s}' clashes with another name in @{_fn}");
                                _symByName[s] = named;
                            }
                            nd = named;
                        }
                        else nd = NewSym($"{baseName}_dim{i}");
                        if (d is SymVar dv) _anyMap[dv] = nd;
                        dims[i] = nd;
                    }
                    return Relax.TensorSInfo.Of(tt.DType, dims);
                }
                case Relay.TupleType tup:
                    return new Relax.TupleSInfo(new ValueArray<Relax.StructInfo>(tup.Fields.Select((f, i) => ToSInfo(f, $"{baseName}_{i}", defineNew, null, loc))));
                case Relay.FuncType ft:
                    return new Relax.FuncSInfo(new ValueArray<Relax.StructInfo>(ft.ArgTypes.Select(a => ToSInfo(a, baseName, false, null, loc))),
                        ToSInfo(ft.RetType, baseName, false, null, loc), true);
                default:
                    throw new BridgeException(RelayToRelaxDiagnosticIds.Untyped, loc ?? SourceLoc.Unknown.Instance, $"type {t} has no Relax struct info");
            }
        }

        private static bool IsIdentifier(string s) => s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

        internal Relax.StructInfo SInfoOfParam(Relay.Var p, Relay.RelayType t)
        {
            IReadOnlyList<string>? spec = null;
            if (_isEntry && _t._opt.Shapes.TryGetValue(p.Name, out var s)) spec = s;
            return ToSInfo(t, p.Name, defineNew: true, spec, p.Loc);
        }

        /// <summary>The signature recursive callers see while this function is still being translated.</summary>
        internal Relax.FuncSInfo FreezeSignature()
        {
            if (_frozen is not null) return _frozen;
            var ps = _params.Select(p => p.Info!).ToList();
            var ret = ToSInfo(RetTypeOf(_relayFn!), "ret", defineNew: false);
            var inScope = new HashSet<SymVar>(ps.SelectMany(p => p.SymVars()));
            _frozen = new Relax.FuncSInfo(new ValueArray<Relax.StructInfo>(ps), ret.EraseToWellDefined(inScope), true);
            return _frozen;
        }

        // ------------------------------------------------------------ functions

        /// <summary>
        /// Translates <paramref name="fn"/>; <paramref name="captured"/> are free vars of a lifted closure, passed first.
        /// <paramref name="publicName"/> null makes a private function.
        /// </summary>
        internal Relax.Function TranslateFunction(Relay.Function fn, string? publicName, IReadOnlyList<Relay.Var> captured,
            Relay.Var? selfVar = null, string? selfGlobal = null)
        {
            _relayFn = fn;
            var usedParamNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in captured.Concat(fn.Params))
            {
                var ty = TypeOf(p);
                if (_isEntry && _t._opt.BindParams && _t._opt.Params.TryGetValue(p.Name, out var value))
                {
                    _env[p] = BoundConstant(value, ty, p);
                    continue;
                }
                var v = new Relax.Var(_em.FreshName(p.Name), SInfoOfParam(p, ty), p.Loc);
                if (_isEntry && _t._opt.Params.TryGetValue(p.Name, out var weight)) _t.Stats.WeightValues[v.Name] = weight;
                _params.Add(v);
                _env[p] = v;
            }
            if (_isEntry)
                foreach (var name in _t._opt.Shapes.Keys)
                    if (!fn.Params.Any(p => p.Name == name))
                        throw new BridgeException(RelayToRelaxDiagnosticIds.BadShapeOption, fn.Loc, $"--shape {name}: @{_fn} has no parameter %{name} (parameters: {string.Join(", ", fn.Params.Select(p => "%" + p.Name))})");
            if (selfVar is not null)
                _closures[selfVar] = new Closure(selfGlobal!, [.. _params.Take(captured.Count)], FreezeSignature);

            var result = Visit(fn.Body, "gv");
            if (result is Relax.TupleExpr or Relax.Call)
                result = _em.Emit(result, result.Info!, "gv", LocOf(fn.Body));
            var allParams = _params.Concat(_liftedConstParams).ToList();
            var inScope = new HashSet<SymVar>(allParams.SelectMany(p => p.Info.SymVars()));
            Relax.StructInfo retInfo;
            if (_frozen is { } fz)
            {
                retInfo = fz.Ret;
                switch (Relax.StructInfoExt.CheckAnnotation(fz.Ret, result.Info ?? Relax.StructInfo.Object))
                {
                    case Tri.Disproven:
                        throw new BridgeException(RelayToRelaxDiagnosticIds.TypeDisagreement, fn.Loc, $"@{_fn}: body struct info {Print(result.Info)} contradicts the recursive signature {Print(fz.Ret)}");
                    case Tri.Unknown:
                        _t.Stats.MatchCasts++;
                        result = _em.EmitMatchCast(result, fz.Ret, "gv", LocOf(fn.Body));
                        break;
                }
            }
            else retInfo = (result.Info ?? Relax.StructInfo.Object).EraseToWellDefined(inScope);
            var seq = _em.Finish(result);
            var attrs = new List<KeyValuePair<string, object>>();
            if (publicName is not null) attrs.Add(new("global_symbol", publicName));
            if (_isEntry && _liftedConstParams.Count > 0)
            {
                attrs.Add(new("num_input", (long)_params.Count));
                _t.Stats.LiftedConstants = _liftedConstParams.Count;
            }
            return new Relax.Function([.. allParams], seq, retInfo, true, [.. attrs], fn.Loc);
        }

        private static string Print(Relax.StructInfo? s) => s is null ? "?" : Ir.Relax.Script.RelaxScriptPrinter.PrintStructInfo(s);

        // ------------------------------------------------------------ expressions

        internal SourceLoc LocOf(Relay.Expr e) =>
            e.Loc is SourceLoc.Unknown ? new SourceLoc.Binding(_t._opt.SourcePath, _fn, _bindingIndex) : e.Loc;

        private bool TryMemo(Relay.Expr e, out Relax.Expr r)
        {
            for (var i = _memo.Count - 1; i >= 0; i--)
                if (_memo[i].TryGetValue(e, out r!)) return true;
            r = null!;
            return false;
        }

        /// <summary>Translates a Relay expression to a Relax leaf (var, constant, tuple of leaves, global).</summary>
        internal Relax.Expr Visit(Relay.Expr e, string? hint = null)
        {
            Bridge.Core.Limits.StackGuard.Check(e.Loc); // deep input: a located diagnostic, not a crash
            if (TryMemo(e, out var r)) return r;
            if (e is Relay.Call or Relay.Tuple or Relay.TupleGetItem)
            {
                // Graph-bound chains are deep (10k nodes): translate children first, iteratively, in post-order. The walk
                // stops at let/if/function nodes, whose parts are scoped and translated when their parent is.
                foreach (var n in PostOrder(e, this))
                    if (!TryMemo(n, out _)) _memo[^1][n] = VisitNode(n, ReferenceEquals(n, e) ? hint : null);
                TryMemo(e, out r);
                return r;
            }
            r = VisitNode(e, hint);
            _memo[^1][e] = r;
            return r;
        }

        private static List<Relay.Expr> PostOrder(Relay.Expr root, FnState st)
        {
            var order = new List<Relay.Expr>();
            var seen = new HashSet<Relay.Expr>(ReferenceEqualityComparer.Instance);
            var stack = new Stack<(Relay.Expr E, bool Expanded)>();
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (e, expanded) = stack.Pop();
                if (expanded) { order.Add(e); continue; }
                if (!seen.Add(e)) continue;
                stack.Push((e, true));
                IEnumerable<Relay.Expr> kids = e switch
                {
                    Relay.Call c => c.Callee is Relay.Call or Relay.Tuple or Relay.TupleGetItem ? c.Args.Prepend(c.Callee) : c.Args,
                    Relay.Tuple t => t.Fields,
                    Relay.TupleGetItem g => [g.TupleValue],
                    _ => [],
                };
                foreach (var k in kids.Reverse())
                    if (k is Relay.Call or Relay.Tuple or Relay.TupleGetItem && !seen.Contains(k) && !st.TryMemo(k, out _)) stack.Push((k, false));
            }
            return order;
        }

        private Relax.Expr VisitNode(Relay.Expr e, string? hint)
        {
            switch (e)
            {
                case Relay.Var v:
                    if (_env.TryGetValue(v, out var val)) return val;
                    if (_closures.TryGetValue(v, out var clo))
                    {
                        if (clo.Captured.Length == 0) return new Relax.GlobalVar(clo.GlobalName, v.Loc) { Info = clo.Signature() };
                        throw Unsupported(v.Loc, $"closure %{v.Name} captures {clo.Captured.Length} value(s) and is used as a value (only calls of closures are supported)");
                    }
                    throw new BridgeException(RelayToRelaxDiagnosticIds.Untyped, v.Loc, $"%{v.Name} is not bound in @{_fn}");
                case Relay.GlobalVar g:
                    return new Relax.GlobalVar(g.Name, g.Loc) { Info = _t.SignatureOf(g, LocOf(g)) };
                case Relay.Constant c:
                    return TranslateConstant(c);
                case Relay.Tuple tup:
                {
                    var fields = tup.Fields.Select(f => Visit(f)).ToImmutableArray();
                    return new Relax.TupleExpr(fields, tup.Loc) { Info = new Relax.TupleSInfo(new ValueArray<Relax.StructInfo>(fields.Select(f => f.Info ?? Relax.StructInfo.Object))) };
                }
                case Relay.TupleGetItem g:
                {
                    var tv = Visit(g.TupleValue);
                    if (tv is Relax.TupleExpr te) return te.Fields[g.Index];
                    var fi = tv.Info is Relax.TupleSInfo ts && g.Index < ts.Fields.Length ? ts.Fields[g.Index] : Relax.StructInfo.Object;
                    var bound = Bind(new Relax.TupleGetItem(tv, g.Index, g.Loc) { Info = fi }, hint, g);
                    return Reconcile(bound, TypeOf(g), g, hint);
                }
                case Relay.Let:
                {
                    Relay.Expr cur = e;
                    while (cur is Relay.Let l)
                    {
                        if (l.Value is Relay.Function lf) LiftClosure(l.Var, lf);
                        else _env[l.Var] = Visit(l.Value, l.Var.Name);
                        cur = l.Body;
                    }
                    return Visit(cur, hint);
                }
                case Relay.If iff:
                    return TranslateIf(iff, hint);
                case Relay.Call call:
                    return TranslateCall(call, hint);
                case Relay.Function f:
                {
                    var free = FreeVars(f, null);
                    if (free.Count > 0)
                        throw Unsupported(f.Loc, $"a closure capturing {string.Join(", ", free.Select(x => "%" + x.Name))} is used as a value (only let-bound closures that are called are supported)");
                    var name = LiftFunction(f, [], null, "lifted");
                    return new Relax.GlobalVar(name, f.Loc) { Info = _t._liftedSigs[name] };
                }
                default:
                    throw Unsupported(e.Loc, $"{e.GetType().Name} has no Relax form");
            }
        }

        internal static BridgeException Unsupported(SourceLoc loc, string what) => UnsupportedList([(loc, what)]);

        /// <summary>Binds a value (not an if) in the current block and advances the binding counter.</summary>
        internal Relax.Var Bind(Relax.Expr value, string? hint, Relay.Expr origin)
        {
            var v = _em.Emit(value, value.Info ?? Relax.StructInfo.Object, hint ?? "lv", LocOf(origin), plainOnly: value is Relax.If);
            _bindingIndex++;
            return v;
        }

        private Relax.Expr TranslateIf(Relay.If iff, string? hint)
        {
            var cond = Visit(iff.Cond);
            Relax.SeqExpr Branch(Relay.Expr b)
            {
                _em.BeginScope();
                _memo.Add(new(ReferenceEqualityComparer.Instance));
                var r = Visit(b, "br");
                if (r is Relax.Call or Relax.TupleExpr) r = _em.Emit(r, r.Info!, "br", LocOf(b));
                _memo.RemoveAt(_memo.Count - 1);
                return _em.EndScope(r);
            }
            var th = Branch(iff.Then);
            var el = Branch(iff.Else);
            var info = SInfoJoin.Lca(th.Info, el.Info);
            var bound = Bind(new Relax.If(cond, th, el, iff.Loc) { Info = info }, hint, iff);
            return Reconcile(bound, TypeOf(iff), iff, hint);
        }

        private Relax.Expr TranslateCall(Relay.Call call, string? hint)
        {
            switch (call.Callee)
            {
                case Relay.OpRef op:
                {
                    if (!s_table.TryGetValue(op.Name, out var conv))
                        throw Unsupported(call.Loc, $"op {op.Name}: {UnsupportedReason(op.Name)}");
                    var cx = new OpCall(this, call, hint);
                    var res = conv(cx);
                    _t.Stats.OpsByKind[op.Name] = _t.Stats.OpsByKind.GetValueOrDefault(op.Name) + 1;
                    if (res is Relax.Call rc)
                    {
                        var bound = Bind(rc, hint, call);
                        return Reconcile(bound, TypeOf(call), call, hint);
                    }
                    if (res is Relax.Var rv && cx.Emitted) return Reconcile(rv, TypeOf(call), call, hint);
                    return res;
                }
                case Relay.GlobalVar g:
                {
                    var args = call.Args.Select(a => Visit(a)).ToImmutableArray();
                    var callee = new Relax.GlobalVar(g.Name, g.Loc) { Info = _t.SignatureOf(g, LocOf(call)) };
                    return CallAndBind(callee, args, call, hint);
                }
                case Relay.Var v when _closures.TryGetValue(v, out var clo):
                {
                    var args = clo.Captured.AddRange(call.Args.Select(a => Visit(a)));
                    var callee = new Relax.GlobalVar(clo.GlobalName, v.Loc) { Info = clo.Signature() };
                    return CallAndBind(callee, args, call, hint);
                }
                case Relay.Function f:
                {
                    // Direct call of a function literal (fused "Primitive" functions, eta-expansions): inline it.
                    if (f.Params.Length != call.Args.Length)
                        throw new BridgeException(RelayToRelaxDiagnosticIds.TypeDisagreement, call.Loc, $"function literal takes {f.Params.Length} arguments, called with {call.Args.Length}");
                    var args = call.Args.Select(a => Visit(a)).ToList();
                    for (var i = 0; i < args.Count; i++) _env[f.Params[i]] = args[i];
                    _memo.Add(new(ReferenceEqualityComparer.Instance));
                    var r = Visit(f.Body, hint);
                    _memo.RemoveAt(_memo.Count - 1);
                    return r;
                }
                case Relay.Constructor c:
                    throw Unsupported(call.Loc, $"constructor {c.Name} (ADT value)");
                default:
                {
                    var callee = Visit(call.Callee);
                    var args = call.Args.Select(a => Visit(a)).ToImmutableArray();
                    return CallAndBind(callee, args, call, hint);
                }
            }
        }

        internal Relax.Expr CallGlobal(Relay.GlobalVar g, ImmutableArray<Relax.Expr> args, Relay.Call origin, string? hint) =>
            CallAndBind(new Relax.GlobalVar(g.Name, g.Loc) { Info = _t.SignatureOf(g, LocOf(origin)) }, args, origin, hint);

        private Relax.Expr CallAndBind(Relax.Expr callee, ImmutableArray<Relax.Expr> args, Relay.Call call, string? hint)
        {
            var rc = new Relax.Call(callee, args, NoAttrs.Instance, [], call.Loc);
            var info = Infer.Call(rc, new InferContext(LocOf(call)));
            var bound = Bind(new Relax.Call(callee, args, NoAttrs.Instance, [], call.Loc) { Info = info }, hint, call);
            return Reconcile(bound, TypeOf(call), call, hint);
        }

        // ------------------------------------------------------------ closures

        private static List<Relay.Var> FreeVars(Relay.Function f, Relay.Var? self)
        {
            var bound = new HashSet<Relay.Var>(ReferenceEqualityComparer.Instance);
            var free = new List<Relay.Var>();
            var seen = new HashSet<Relay.Expr>(ReferenceEqualityComparer.Instance);
            var stack = new Stack<Relay.Expr>();
            foreach (var p in f.Params) bound.Add(p);
            stack.Push(f.Body);
            // Binders first: every let var and nested function parameter inside f is bound.
            Relay.RelayVisit.PreOrder(f.Body, e =>
            {
                if (e is Relay.Let l) bound.Add(l.Var);
                if (e is Relay.Function nf) foreach (var p in nf.Params) bound.Add(p);
            });
            while (stack.Count > 0)
            {
                var e = stack.Pop();
                if (!seen.Add(e)) continue;
                if (e is Relay.Var v && !bound.Contains(v) && !ReferenceEquals(v, self) && !free.Contains(v)) free.Add(v);
                foreach (var k in Relay.RelayVisit.Children(e)) stack.Push(k);
            }
            return free;
        }

        private void LiftClosure(Relay.Var letVar, Relay.Function f)
        {
            var free = FreeVars(f, letVar);
            foreach (var v in free)
                if (_closures.ContainsKey(v))
                    throw Unsupported(f.Loc, $"closure %{letVar.Name} refers to another closure %{v.Name}");
            var captured = free.Select(v => Visit(v)).ToImmutableArray();
            var name = _t.FreshGlobalName($"{_fn}_{letVar.Name}");
            _closures[letVar] = new Closure(name, captured, () => _t._liftedSigs.TryGetValue(name, out var s) ? s : _t._liftedStates[name].FreezeSignature());
            LiftFunction(f, free, letVar, name, fixedName: true);
        }

        /// <summary>Translates a closure/function literal into a private global; returns its name.</summary>
        private string LiftFunction(Relay.Function f, IReadOnlyList<Relay.Var> captured, Relay.Var? self, string hint, bool fixedName = false)
        {
            var name = fixedName ? hint : _t.FreshGlobalName($"{_fn}_{hint}");
            var st = new FnState(_t, name, isEntry: false);
            _t._liftedStates[name] = st;
            var fn = st.TranslateFunction(f, publicName: null, captured, self, name);
            _t._liftedSigs[name] = fn.Signature;
            _t._lifted.Add(new Relax.ModuleEntry(new Relax.GlobalVar(name, f.Loc), fn));
            return name;
        }
    }

    private readonly Dictionary<string, Relax.FuncSInfo> _liftedSigs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FnState> _liftedStates = new(StringComparer.Ordinal);
}

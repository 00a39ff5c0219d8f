
namespace Bridge.Ir.Relax;

/// <summary>
/// Relax well-formedness (after TVM's <c>well_formed.cc</c>). Invariants; diagnostic code = 3700 + N:
///  1. Every Relax var is defined (parameter or earlier binding in scope) before it is used.
///  2. Every var is defined once (no var object bound twice, no repeated parameter).
///  3. DataflowVars are bound only inside dataflow blocks and are not used outside the block that binds them.
///  4. Every symbolic var in struct info, shapes or prim values is defined by the function's parameter struct info, by a
///     match_cast target, or by an enclosing function.
///  5. Pure functions and dataflow blocks call no impure op (unless the function has attr "relax.force_pure").
///  6. Every binding var and every parameter has struct info.
///  7. No If inside a dataflow block.
///  8. Every referenced global var names a definition of the module.
///  9. global_symbol values are unique in the module.
/// 10. The declared return struct info is not provably incompatible with the body's.
/// </summary>
public static class RelaxWellFormed
{
    /// <summary>IDs 3701–3710 (3700 + invariant number).</summary>
    public static class WellFormedDiagnosticIds
    {
        public static readonly DiagnosticId UseBeforeDef = new(3701, "UseBeforeDef");
        public static readonly DiagnosticId DefinedTwice = new(3702, "DefinedTwice");
        public static readonly DiagnosticId DataflowVarEscapes = new(3703, "DataflowVarEscapes");
        public static readonly DiagnosticId UnboundSymVar = new(3704, "UnboundSymVar");
        public static readonly DiagnosticId ImpureInPure = new(3705, "ImpureInPure");
        public static readonly DiagnosticId MissingStructInfo = new(3706, "MissingStructInfo");
        public static readonly DiagnosticId IfInDataflow = new(3707, "IfInDataflow");
        public static readonly DiagnosticId UnknownGlobal = new(3708, "UnknownGlobal");
        public static readonly DiagnosticId DuplicateGlobalSymbol = new(3709, "DuplicateGlobalSymbol");
        public static readonly DiagnosticId ReturnMismatch = new(3710, "ReturnMismatch");
    }

    /// <summary>All violations, in module order (empty when well formed).</summary>
    public static IReadOnlyList<Diagnostic> Check(IRModule m)
    {
        var c = new Checker(m);
        var symbols = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in m.Entries)
        {
            if (e.Function is not { } f) continue;
            if (f.GlobalSymbol is { } gs)
            {
                if (symbols.TryGetValue(gs, out var other))
                    c.Report(9, f.Loc, $"global_symbol '{gs}' is used by both @{other} and @{e.Name}");
                else symbols[gs] = e.Name;
            }
            c.Function(f, e.Name, [], []);
        }
        return c.Diags;
    }

    /// <summary>Throws the first violation (with all of them as related notes).</summary>
    public static void ThrowIfInvalid(IRModule m)
    {
        var d = Check(m);
        if (d.Count == 0) return;
        throw new BridgeException(d[0] with { Related = [.. d.Skip(1)] });
    }

    private sealed class Checker(IRModule m)
    {
        public readonly List<Diagnostic> Diags = [];
        private readonly HashSet<Var> _everDefined = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<string> _globals = [.. m.Entries.Select(e => e.Name)];
        private string _fn = "";
        private bool _pure;

        public void Report(int n, SourceLoc loc, string msg)
        {
            var id = typeof(WellFormedDiagnosticIds).GetFields().Select(f => (DiagnosticId)f.GetValue(null)!).First(i => i.Code == 3700 + n);
            Diags.Add(Diagnostic.Error(id, loc is SourceLoc.Unknown ? new SourceLoc.Binding("<module>", _fn, -1) : loc, $"invariant {n}: {msg}"));
        }

        public void Function(Function f, string name, HashSet<Var> outerVars, HashSet<SymVar> outerSyms)
        {
            var savedFn = _fn;
            var savedPure = _pure;
            _fn = name;
            _pure = f.IsPure && !f.Attrs.Any(a => a.Key == "relax.force_pure" && a.Value is true);
            var vars = new HashSet<Var>(outerVars, ReferenceEqualityComparer.Instance);
            var syms = new HashSet<SymVar>(outerSyms);
            foreach (var p in f.Params)
            {
                if (p.Info is null) Report(6, p.Loc, $"parameter '{p.Name}' of @{name} has no struct info");
                foreach (var s in p.Info.SymVars()) syms.Add(s);
            }
            foreach (var p in f.Params) Define(p, vars, dataflow: false);
            Seq(f.Body, vars, syms, null);
            if (f.RetInfo is { } ret && f.Body.Info is { } bi && StructInfoExt.CheckAnnotation(ret, bi) == Tri.Disproven)
                Report(10, f.Loc, $"@{name}: return struct info is incompatible with the body");
            _fn = savedFn;
            _pure = savedPure;
        }

        private void Define(Var v, HashSet<Var> scope, bool dataflow)
        {
            if (!_everDefined.Add(v)) Report(2, v.Loc, $"var '{v.Name}' is defined more than once");
            if (v is DataflowVar && !dataflow) Report(3, v.Loc, $"DataflowVar '{v.Name}' is bound outside a dataflow block");
            scope.Add(v);
        }

        private void Seq(SeqExpr s, HashSet<Var> vars, HashSet<SymVar> syms, HashSet<Var>? unused)
        {
            foreach (var b in s.Blocks)
            {
                var local = new HashSet<Var>(ReferenceEqualityComparer.Instance);
                foreach (var x in b.Bindings)
                {
                    if (x.Value is If && b.IsDataflow) Report(7, x.Loc, "If inside a dataflow block");
                    Use(x.Value, vars, syms, b.IsDataflow);
                    if (x is MatchCast mc) foreach (var sv in mc.Target.SymVars()) syms.Add(sv);
                    if (x.Var.Info is null) Report(6, x.Loc, $"binding of '{x.Var.Name}' has no struct info");
                    else CheckSyms(x.Var.Info.SymVars(), syms, x.Loc, x.Var.Name);
                    Define(x.Var, vars, b.IsDataflow);
                    if (x.Var is DataflowVar) local.Add(x.Var);
                }
                // Dataflow vars leave scope at the end of their block.
                foreach (var v in local) vars.Remove(v);
            }
            Use(s.Body, vars, syms, false);
        }

        private void CheckSyms(IEnumerable<SymVar> used, HashSet<SymVar> syms, SourceLoc loc, string what)
        {
            foreach (var v in used)
                if (!syms.Contains(v) && !v.IsAny) Report(4, loc, $"symbolic var '{v.Name}' used by '{what}' is not defined by a parameter or match_cast");
        }

        private void Use(Expr e, HashSet<Var> vars, HashSet<SymVar> syms, bool inDataflow)
        {
            Bridge.Core.Limits.StackGuard.Check(e.Loc); // deep input: a located diagnostic, not a crash
            // Iterative over tuple/call trees is unnecessary: normalized IR is shallow (ANF); recursion depth = nesting depth.
            switch (e)
            {
                case Var v:
                    if (!vars.Contains(v))
                    {
                        if (v is DataflowVar && _everDefined.Contains(v)) Report(3, v.Loc, $"DataflowVar '{v.Name}' is used outside its dataflow block");
                        else Report(1, v.Loc, $"var '{v.Name}' is used before it is defined");
                    }
                    break;
                case GlobalVar g:
                    if (!_globals.Contains(g.Name)) Report(8, g.Loc, $"@{g.Name} is not defined in the module");
                    break;
                case Call c:
                    if (c.Op is { IsPure: false } op && (_pure || inDataflow)) Report(5, c.Loc, $"impure op {op.Name} in a pure {(inDataflow ? "dataflow block" : "function")}");
                    Use(c.Callee, vars, syms, inDataflow);
                    foreach (var a in c.Args) Use(a, vars, syms, inDataflow);
                    foreach (var si in c.SInfoArgs) CheckSyms(si.SymVars(), syms, c.Loc, c.Op?.Name ?? "call");
                    break;
                case TupleExpr t: foreach (var f in t.Fields) Use(f, vars, syms, inDataflow); break;
                case TupleGetItem g: Use(g.Tuple, vars, syms, inDataflow); break;
                case ShapeExpr s: CheckSyms(s.Values.SelectMany(x => x.FreeVars()), syms, s.Loc, "R.shape"); break;
                case PrimValue { IntValue: { } iv } p: CheckSyms(iv.FreeVars(), syms, p.Loc, "prim value"); break;
                case If i:
                    Use(i.Cond, vars, syms, inDataflow);
                    Seq(i.Then, new HashSet<Var>(vars, ReferenceEqualityComparer.Instance), [.. syms], null);
                    Seq(i.Else, new HashSet<Var>(vars, ReferenceEqualityComparer.Instance), [.. syms], null);
                    break;
                case SeqExpr s: Seq(s, new HashSet<Var>(vars, ReferenceEqualityComparer.Instance), [.. syms], null); break;
                case Function f: Function(f, _fn + ".<local>", vars, syms); break;
            }
        }
    }
}

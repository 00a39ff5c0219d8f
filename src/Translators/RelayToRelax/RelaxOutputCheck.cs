using Bridge.Ir.Relax;

namespace Bridge.Translators.RelayToRelax;

/// <summary>
/// Well-formedness check of the translator's output (the Relax engineer's checker is not available yet): every var is
/// defined before use and in scope, dataflow vars do not escape their block, if-expressions are outside dataflow blocks,
/// symbolic vars are defined (parameter annotations or match_cast) before they are used, global calls name module functions.
/// A violation is a translator bug, reported as <see cref="RelayToRelaxDiagnosticIds.MalformedOutput"/> with the binding.
/// </summary>
public static class RelaxOutputCheck
{
    /// <summary>Throws on the first violation.</summary>
    public static void Check(IRModule module)
    {
        var globals = module.Entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (gv, f) in module.Functions) new Walker(gv.Name, globals).Function(f);
    }

    private sealed class Walker(string fn, HashSet<string> globals)
    {
        private readonly HashSet<Var> _vars = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<SymVar> _syms = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<DataflowVar> _dfInScope = new(ReferenceEqualityComparer.Instance);

        private BridgeException Bad(SourceLoc loc, string msg) =>
            new(RelayToRelaxDiagnosticIds.MalformedOutput, loc, $"translator produced ill-formed Relax in @{fn}: {msg}");

        public void Function(Function f)
        {
            foreach (var p in f.Params)
            {
                if (p is DataflowVar) throw Bad(p.Loc, $"parameter {p.Name} is a dataflow var");
                if (p.Info is null) throw Bad(p.Loc, $"parameter {p.Name} has no struct info");
                foreach (var s in p.Info.SymVars()) _syms.Add(s);
                _vars.Add(p);
            }
            Seq(f.Body, inDataflow: false);
            if (f.RetInfo is { } r) Syms(r, f.Loc, "return struct info");
        }

        private void Syms(StructInfo? s, SourceLoc loc, string what)
        {
            foreach (var v in s.SymVars())
                if (!_syms.Contains(v)) throw Bad(loc, $"symbolic var {v.Name} is used in {what} before it is defined");
        }

        private void Seq(SeqExpr s, bool inDataflow)
        {
            foreach (var b in s.Blocks)
            {
                _dfInScope.Clear();
                foreach (var x in b.Bindings)
                {
                    if (x.Value is If && b.IsDataflow) throw Bad(x.Loc, $"if bound to {x.Var.Name} inside a dataflow block");
                    Use(x.Value, x.Loc);
                    if (x is MatchCast mc) foreach (var v in mc.Target.SymVars()) _syms.Add(v);
                    else Syms(x.Var.Info, x.Loc, $"the struct info of {x.Var.Name}");
                    if (x.Var is DataflowVar dv)
                    {
                        if (!b.IsDataflow) throw Bad(x.Loc, $"dataflow var {dv.Name} bound outside a dataflow block");
                        _dfInScope.Add(dv);
                    }
                    if (!_vars.Add(x.Var)) throw Bad(x.Loc, $"{x.Var.Name} is bound twice");
                }
                _dfInScope.Clear();
            }
            Use(s.Body, s.Loc);
        }

        private void Use(Expr e, SourceLoc loc)
        {
            switch (e)
            {
                case DataflowVar dv:
                    if (!_dfInScope.Contains(dv)) throw Bad(loc, $"dataflow var {dv.Name} used outside its block");
                    break;
                case Var v:
                    if (!_vars.Contains(v)) throw Bad(loc, $"{v.Name} is used before it is defined");
                    break;
                case GlobalVar g:
                    if (!globals.Contains(g.Name)) throw Bad(loc, $"call of unknown global {g.Name}");
                    break;
                case Call c:
                    Use(c.Callee, loc);
                    foreach (var a in c.Args) Use(a, loc);
                    break;
                case TupleExpr t: foreach (var f in t.Fields) Use(f, loc); break;
                case TupleGetItem g: Use(g.Tuple, loc); break;
                case ShapeExpr s:
                    foreach (var d in s.Values) foreach (var v in d.FreeVars())
                        if (!_syms.Contains(v)) throw Bad(loc, $"symbolic var {v.Name} used in a shape before it is defined");
                    break;
                case If i:
                    Use(i.Cond, loc);
                    Branch(i.Then);
                    Branch(i.Else);
                    break;
            }
        }

        private void Branch(SeqExpr s)
        {
            var saved = new HashSet<Var>(_vars, ReferenceEqualityComparer.Instance);
            var savedSyms = new HashSet<SymVar>(_syms, ReferenceEqualityComparer.Instance);
            Seq(s, inDataflow: false);
            _vars.Clear();
            _vars.UnionWith(saved);
            _syms.Clear();
            _syms.UnionWith(savedSyms);
        }
    }
}

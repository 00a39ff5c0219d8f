using Bridge.Ir.Relax;

namespace Bridge.Translators.RelayToRelax;

/// <summary>
/// A small block builder for one Relax function: emits bindings with unique names into dataflow blocks (top level) or plain
/// blocks (if-branches, and around <c>If</c> bindings, which may not live in a dataflow block), and finally decides which
/// dataflow-block vars are outputs (used outside their block) and which become <see cref="DataflowVar"/>s.
/// </summary>
internal sealed class RelaxEmitter
{
    private sealed class Scope
    {
        public readonly List<BindingBlock> Blocks = [];
        public readonly List<Binding> Current = [];
        public bool CurrentIsDataflow;
        public bool AllowDataflow;
    }

    private readonly List<Scope> _scopes = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _next = new(StringComparer.Ordinal);

    public RelaxEmitter(IEnumerable<string> reservedNames)
    {
        foreach (var n in reservedNames) _names.Add(n);
        _scopes.Add(new Scope { AllowDataflow = true, CurrentIsDataflow = true });
    }

    private Scope Top => _scopes[^1];

    /// <summary>A fresh, unique, identifier-safe name derived from <paramref name="hint"/> (lv, lv1, lv2, …).</summary>
    public string FreshName(string hint)
    {
        var clean = Sanitize(hint);
        if (_names.Add(clean)) return clean;
        // Per-hint counter: lv1, lv2, … without rescanning (10k-node modules).
        for (var i = _next.GetValueOrDefault(clean, 1); ; i++)
        {
            var n = clean + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (_names.Add(n))
            {
                _next[clean] = i + 1;
                return n;
            }
        }
    }

    /// <summary>Letters, digits and '_' only, not starting with a digit, not a TVMScript reserved name.</summary>
    public static string Sanitize(string hint)
    {
        var s = new string(hint.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray());
        if (s.Length == 0) s = "v";
        if (char.IsDigit(s[0])) s = "v" + s;
        if (s is "R" or "T" or "I" or "cls" or "metadata" or "Module" or "return" or "if" or "else" or "def" or "with" or "in"
            or "for" or "and" or "or" or "not" or "is" or "None" or "True" or "False" or "lambda" or "pass" or "class" or "import")
            s += "_";
        return s;
    }

    /// <summary>Binds <paramref name="value"/> to a new var with struct info <paramref name="info"/>.</summary>
    public Var Emit(Expr value, StructInfo info, string hint, SourceLoc loc, bool plainOnly = false)
    {
        var v = new Var(FreshName(hint), info, loc);
        Add(new VarBinding(v, value, loc), plainOnly);
        return v;
    }

    /// <summary>Binds <c>R.match_cast(value, target)</c>; the new var has struct info <paramref name="target"/>.</summary>
    public Var EmitMatchCast(Expr value, StructInfo target, string hint, SourceLoc loc)
    {
        var v = new Var(FreshName(hint), target, loc);
        Add(new MatchCast(v, value, target, loc), false);
        return v;
    }

    private void Add(Binding b, bool plainOnly)
    {
        var s = Top;
        var wantDataflow = s.AllowDataflow && !plainOnly;
        if (s.CurrentIsDataflow != wantDataflow)
        {
            Flush(s);
            s.CurrentIsDataflow = wantDataflow;
        }
        s.Current.Add(b);
    }

    private static void Flush(Scope s)
    {
        if (s.Current.Count == 0) return;
        ImmutableArray<Binding> bs = [.. s.Current];
        s.Blocks.Add(s.CurrentIsDataflow ? new DataflowBlock(bs) : new BindingBlock(bs));
        s.Current.Clear();
    }

    /// <summary>Opens an if-branch scope (plain blocks only).</summary>
    public void BeginScope() => _scopes.Add(new Scope { AllowDataflow = false, CurrentIsDataflow = false });

    /// <summary>Closes the innermost scope and returns its blocks with <paramref name="result"/> as a sequence expression.</summary>
    public SeqExpr EndScope(Expr result)
    {
        var s = Top;
        Flush(s);
        _scopes.RemoveAt(_scopes.Count - 1);
        return new SeqExpr([.. s.Blocks], result, result.Loc) { Info = result.Info };
    }

    /// <summary>
    /// Closes the function scope: vars bound in a dataflow block and used only there become <see cref="DataflowVar"/>s;
    /// the others stay <see cref="Var"/>s (the block's <c>R.output</c>).
    /// </summary>
    public SeqExpr Finish(Expr result)
    {
        if (_scopes.Count != 1) throw new BridgeInternalError("RelaxEmitter.Finish with open if-branch scopes");
        var s = Top;
        Flush(s);
        var blocks = s.Blocks;
        // Block index of every use; uses nested in If branches count for the block holding the If.
        var usedIn = new Dictionary<Var, HashSet<int>>(ReferenceEqualityComparer.Instance);
        for (var k = 0; k < blocks.Count; k++)
            foreach (var b in blocks[k].Bindings) CollectUses(b.Value, k, usedIn);
        CollectUses(result, blocks.Count, usedIn);
        var map = new Dictionary<Var, Var>(ReferenceEqualityComparer.Instance);
        for (var k = 0; k < blocks.Count; k++)
        {
            if (!blocks[k].IsDataflow) continue;
            foreach (var b in blocks[k].Bindings)
            {
                var escapes = usedIn.TryGetValue(b.Var, out var ks) && ks.Any(i => i != k);
                if (!escapes) map[b.Var] = new DataflowVar(b.Var.Name, b.Var.Info, b.Var.Loc);
            }
        }
        if (map.Count == 0) return new SeqExpr([.. blocks], result, result.Loc) { Info = result.Info };
        var sub = new VarSubstituter(map);
        var newBlocks = blocks.Select(sub.Block).ToImmutableArray();
        var body = sub.Expr(result);
        return new SeqExpr(newBlocks, body, result.Loc) { Info = result.Info };
    }

    private static void CollectUses(Expr e, int k, Dictionary<Var, HashSet<int>> usedIn)
    {
        switch (e)
        {
            case Var v:
                if (!usedIn.TryGetValue(v, out var s)) usedIn[v] = s = [];
                s.Add(k);
                break;
            case Call c:
                CollectUses(c.Callee, k, usedIn);
                foreach (var a in c.Args) CollectUses(a, k, usedIn);
                break;
            case TupleExpr t: foreach (var f in t.Fields) CollectUses(f, k, usedIn); break;
            case TupleGetItem g: CollectUses(g.Tuple, k, usedIn); break;
            case If i:
                CollectUses(i.Cond, k, usedIn);
                CollectUses(i.Then, k, usedIn);
                CollectUses(i.Else, k, usedIn);
                break;
            case SeqExpr sq:
                foreach (var b in sq.Blocks) foreach (var x in b.Bindings) CollectUses(x.Value, k, usedIn);
                CollectUses(sq.Body, k, usedIn);
                break;
        }
    }
}

/// <summary>Replaces vars (by identity) throughout expressions, rebuilding only what changes.</summary>
internal sealed class VarSubstituter(IReadOnlyDictionary<Var, Var> map)
{
    public BindingBlock Block(BindingBlock b)
    {
        var bs = b.Bindings.Select(Binding).ToImmutableArray();
        return b.IsDataflow ? new DataflowBlock(bs, b.Loc) : new BindingBlock(bs, b.Loc);
    }

    private Binding Binding(Binding b)
    {
        var v = map.TryGetValue(b.Var, out var nv) ? nv : b.Var;
        var value = Expr(b.Value);
        return b is MatchCast mc ? new MatchCast(v, value, mc.Target, mc.Loc) : new VarBinding(v, value, b.Loc);
    }

    public Expr Expr(Expr e)
    {
        switch (e)
        {
            case Var v: return map.TryGetValue(v, out var nv) ? nv : v;
            case Call c:
                var args = c.Args.Select(Expr).ToImmutableArray();
                return c.Update(Expr(c.Callee), args.SequenceEqual(c.Args) ? c.Args : args);
            case TupleExpr t:
                var fs = t.Fields.Select(Expr).ToImmutableArray();
                return fs.SequenceEqual(t.Fields) ? t : t.Update(fs);
            case TupleGetItem g: return g.Update(Expr(g.Tuple));
            case If i: return new If(Expr(i.Cond), Seq(i.Then), Seq(i.Else), i.Loc) { Info = i.Info };
            case SeqExpr s: return Seq(s);
            default: return e;
        }
    }

    private SeqExpr Seq(SeqExpr s) => new([.. s.Blocks.Select(Block)], Expr(s.Body), s.Loc) { Info = s.Info };
}

/// <summary>Struct-info helpers of the translator: least common ancestor (for if/else joins).</summary>
internal static class SInfoJoin
{
    /// <summary>The most precise struct info both <paramref name="a"/> and <paramref name="b"/> satisfy.</summary>
    public static StructInfo Lca(StructInfo? a, StructInfo? b)
    {
        if (a is null || b is null) return StructInfo.Object;
        switch (a, b)
        {
            case (TensorSInfo x, TensorSInfo y):
                var dt = x.DType == y.DType ? x.DType : null;
                var nd = x.NDim == y.NDim ? x.NDim : -1;
                if (x.Shape is { } sx && y.Shape is { } sy && sx.Length == sy.Length &&
                    sx.Zip(sy).All(p => SymExpr.ProveEqual(p.First, p.Second) == Tri.Proven))
                    return new TensorSInfo(sx, dt);
                return new TensorSInfo(null, dt, nd);
            case (TupleSInfo x, TupleSInfo y) when x.Fields.Length == y.Fields.Length:
                return new TupleSInfo(new ValueArray<StructInfo>(x.Fields.Zip(y.Fields).Select(p => Lca(p.First, p.Second))));
            case (ShapeSInfo x, ShapeSInfo y):
                return x == y ? x : new ShapeSInfo(null, x.NDim == y.NDim ? x.NDim : -1);
            case (PrimSInfo x, PrimSInfo y) when x.DType == y.DType:
                return x == y ? x : new PrimSInfo(x.DType);
            case (FuncSInfo x, FuncSInfo y):
                return x == y ? x : FuncSInfo.Opaque(x.Purity && y.Purity);
            default:
                return StructInfo.Object;
        }
    }
}

using Bridge.Importers.TorchScript;
using Bridge.Importers.TorchScript.Code;

namespace Bridge.Translators.Torch;

/// <summary>
/// Functionalisation of in-place aten ops (<c>add_</c>, <c>masked_fill_</c>, <c>copy_</c>, <c>index_put_</c>, …), as TVM's
/// <c>from_pytorch</c> and <c>torch.func.functionalize</c> do: the op's out-of-place form computes the new value, and every name
/// that held the mutated tensor is rebound to it. A mutated view made by <c>select</c>/<c>slice</c> (step 1) is written back into
/// its base (the base is rebuilt as the concatenation of the parts before, the new part and the parts after, recursively up a
/// chain of views), so <c>y[:, 0] = v</c> (serialized as <c>torch.copy_(torch.select(y, 1, 0), v)</c>) updates <c>y</c>. Reads
/// of a name go through the latest value, so aliases in other functions' frames and in lists see the update too. Mutations of a
/// tensor inside a data-dependent branch or loop become outputs of the If / carried values of the Loop (see
/// <see cref="InplaceTargets"/>); the alias map is restored around each branch so one branch's writes never leak into the other.
/// </summary>
internal sealed partial class TorchScriptEvaluator
{
    /// <summary>How a view was made: a select/slice along <see cref="Dim"/>, or (<see cref="Kind"/>) a reshape or a permutation of its base.</summary>
    private sealed record ViewOf(TensorRef Base, int Dim, long Start, long End, long Step, bool IsSelect)
    {
        public TensorRef? View { get; init; }
        public AliasKind Kind { get; init; } = AliasKind.Slice;
        public long[]? Perm { get; init; }
    }

    internal enum AliasKind { Slice, Reshape, Permute }

    private readonly Dictionary<string, ViewOf> _views = new(StringComparer.Ordinal);
    private Dictionary<string, TensorRef> _latest = new(StringComparer.Ordinal);

    /// <summary>Records that <paramref name="view"/> is <c>base.select(dim, start)</c> or <c>base[start:end:step]</c> along <paramref name="dim"/>.</summary>
    internal void RecordView(TensorRef view, TensorRef @base, int dim, long start, long end, long step, bool isSelect)
    {
        if (view.Name != @base.Name && !_rewriting) _views[view.Name] = new ViewOf(@base, dim, start, end, step, isSelect) { View = view };
    }

    /// <summary>
    /// Records that <paramref name="view"/> aliases <paramref name="base"/> through a reshape (<c>view</c>, <c>unsqueeze</c>, …) or,
    /// with <paramref name="perm"/>, a permutation (<c>t</c>, <c>transpose</c>, <c>permute</c>): an in-place write into the view
    /// is written back into the base by the inverse reshape or permutation.
    /// </summary>
    internal void RecordAlias(TensorRef view, TensorRef @base, long[]? perm)
    {
        if (view.Name == @base.Name || _rewriting) return;
        _views[view.Name] = new ViewOf(@base, 0, 0, 0, 1, false) { View = view, Kind = perm is null ? AliasKind.Reshape : AliasKind.Permute, Perm = perm };
    }

    /// <summary>
    /// False when torch's strides for <paramref name="t"/> are not those of a contiguous tensor (a permuted view, a select/slice
    /// on an inner dim): there <c>reshape</c>/<c>flatten</c> copy instead of aliasing.
    /// </summary>
    internal bool IsContiguous(TensorRef t) => !_views.TryGetValue(t.Name, out var v) || v.Kind switch
    {
        AliasKind.Permute => v.Perm!.Select((p, i) => p == i || v.Base.Shape[(int)p] == 1).All(b => b),
        AliasKind.Reshape => IsContiguous(v.Base),
        _ => (v.Dim == 0 || v.Base.Shape.Take(v.Dim).All(d => d == 1)) && v.Step == 1 && IsContiguous(v.Base),
    };

    /// <summary>The latest value of a tensor that in-place ops have replaced; anything else unchanged.</summary>
    internal object? Latest(object? v)
    {
        for (var hops = 0; v is TensorRef t && _latest.TryGetValue(t.Name, out var n) && hops < 1_000_000; hops++) v = n;
        return v;
    }

    internal static bool IsInplace(string op) => op.EndsWith('_') && !op.EndsWith("__", StringComparison.Ordinal);

    /// <summary>After an in-place op: rebinds <paramref name="self"/> (and its view bases) to <paramref name="result"/>; returns the value.</summary>
    private object? Functionalise(string op, object? self, object? result, Env env, TsPos pos)
    {
        if (!IsInplace(op) || self is not TensorRef s || result is not TensorRef r) return result;
        if (r.Name == s.Name) return r;
        if (!r.Shape.SequenceEqual(s.Shape))
            throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, $"{op} would change its tensor from {s} to {r} (in-place ops keep the shape)");
        if (r.DType != s.DType) r = Cast(r, s.DType);
        Replace(s, r, pos);
        foreach (var k in env.Vars.Keys.ToList())
            if (env.Vars[k] is TensorRef) env.Vars[k] = Latest(env.Vars[k]);
        return r;
    }

    /// <summary>True while a write is propagated: the views computed for it are not themselves recorded as views.</summary>
    private bool _rewriting;

    private void Replace(TensorRef old, TensorRef now, TsPos pos, string? from = null)
    {
        var outer = _rewriting;
        _rewriting = true;
        try { ReplaceCore(old, now, pos, from); }
        finally { _rewriting = outer; }
    }

    /// <summary>
    /// Other views of <paramref name="old"/> (not <paramref name="from"/>, the view being written back) see the write: their latest
    /// value is taken again from <paramref name="now"/>, recursively for views of views.
    /// </summary>
    private void RefreshViews(TensorRef old, TensorRef now, string? from, int depth = 0)
    {
        if (depth > 64) return;
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, v) in _views.ToList())
        {
            if (name == from || v.View is null || v.Kind == AliasKind.Slice && v.Step != 1 || ((TensorRef)Latest(v.Base)!).Name != old.Name) continue;
            var cur = (TensorRef)Latest(v.View)!;
            if (cur.Name == now.Name || cur.Name == old.Name || from is not null && cur.Name == ((TensorRef)Latest(_views[from].View)!).Name || !done.Add(cur.Name)) continue;
            var derived = v.Kind switch
            {
                AliasKind.Reshape => Aten.Reshape(this, now, cur.Shape),
                AliasKind.Permute => Aten.Transpose(this, now, v.Perm!),
                _ when v.IsSelect => Aten.Reshape(this, Aten.SliceAlong(this, now, v.Dim, v.Start, v.End), cur.Shape),
                _ => Aten.SliceAlong(this, now, v.Dim, v.Start, v.End),
            };
            RefreshViews(cur, derived, null, depth + 1);
            _latest[cur.Name] = derived;
        }
    }

    private void ReplaceCore(TensorRef old, TensorRef now, TsPos pos, string? from)
    {
        RefreshViews(old, now, from);
        _latest[old.Name] = now;
        if (!_views.TryGetValue(old.Name, out var v)) return;
        _views[now.Name] = v with { View = now }; // a second write into the same view is written back too
        if (v.Kind != AliasKind.Slice)
        {
            var b = (TensorRef)Latest(v.Base)!;
            var back = v.Kind == AliasKind.Reshape ? Aten.Reshape(this, now, b.Shape)
                : Aten.Transpose(this, now, [.. Enumerable.Range(0, v.Perm!.Length).Select(i => (long)Array.IndexOf(v.Perm, (long)i))]);
            ReplaceCore(b, back, pos, old.Name);
            return;
        }
        if (v.Step != 1) throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, "writing through a strided slice (step > 1) is not supported");
        var baseNow = (TensorRef)Latest(v.Base)!;
        var n = baseNow.Shape[v.Dim];
        var part = v.IsSelect ? Aten.Reshape(this, now, baseNow.Shape.SetItem(v.Dim, 1)) : now;
        var parts = new List<TensorRef>();
        if (v.Start > 0) parts.Add(Aten.SliceAlong(this, baseNow, v.Dim, 0, v.Start));
        parts.Add(part);
        if (v.End < n) parts.Add(Aten.SliceAlong(this, baseNow, v.Dim, v.End, n));
        var merged = parts.Count == 1 ? Aten.Reshape(this, parts[0], baseNow.Shape)
            : _g.Node("Concat", parts, baseNow.Shape, baseNow.DType, OnnxGraphBuilder.A("axis", (long)v.Dim));
        ReplaceCore(baseNow, merged, pos, old.Name);
    }

    /// <summary>Saves the alias map before a data-dependent region; <see cref="RestoreLatest"/> puts it back.</summary>
    private Dictionary<string, TensorRef> SnapshotLatest() => new(_latest, StringComparer.Ordinal);

    private static Dictionary<string, TensorRef> SnapshotOf(Dictionary<string, TensorRef> saved) => new(saved, StringComparer.Ordinal);

    private void RestoreLatest(Dictionary<string, TensorRef> saved) => _latest = saved;

    /// <summary>
    /// Names of tensors a block mutates in place: the first argument of <c>torch.X_(name, …)</c> / <c>name.X_(…)</c>, looking
    /// through views (<c>torch.copy_(torch.select(name, …), v)</c> mutates <c>name</c>). They are outputs of a data-dependent If
    /// and carried values of a Loop, like names the block assigns.
    /// </summary>
    private static IEnumerable<string> InplaceTargets(IEnumerable<TsStmt> body)
    {
        var r = new List<string>();
        void Root(TsExpr e)
        {
            while (true)
            {
                switch (e)
                {
                    case TsName n:
                        if (!r.Contains(n.Id)) r.Add(n.Id);
                        return;
                    case TsCall { Args.Length: > 0 } c when TorchScriptSummary.OpName(c.Function) is not null:
                        e = c.Args[0];
                        continue;
                    case TsCall { Function: TsAttribute a }:
                        e = a.Target;
                        continue;
                    case TsSubscript s:
                        e = s.Target;
                        continue;
                    default:
                        return;
                }
            }
        }
        void Expr(TsExpr? e)
        {
            if (e is null) return;
            switch (e)
            {
                case TsCall c:
                    if (TorchScriptSummary.OpName(c.Function) is { } op && IsInplace(op) && c.Args.Length > 0) Root(c.Args[0]);
                    else if (c.Function is TsAttribute { Name: var m, Target: var recv } && IsInplace(m)) Root(recv);
                    Expr(c.Function);
                    foreach (var a in c.Args) Expr(a);
                    foreach (var k in c.Keywords) Expr(k.Value);
                    break;
                case TsAttribute a: Expr(a.Target); break;
                case TsSubscript s: Expr(s.Target); Expr(s.Index); break;
                case TsTuple t: foreach (var x in t.Items) Expr(x); break;
                case TsList l: foreach (var x in l.Items) Expr(x); break;
                case TsBinary b: Expr(b.Left); Expr(b.Right); break;
                case TsUnary u: Expr(u.Operand); break;
                case TsConditional c: Expr(c.Condition); Expr(c.Then); Expr(c.Else); break;
            }
        }
        void Walk(IEnumerable<TsStmt> ss)
        {
            foreach (var s in ss)
                switch (s)
                {
                    case TsAssign a: Expr(a.Value); break;
                    case TsAugAssign a: Expr(a.Value); break;
                    case TsExprStmt x: Expr(x.Value); break;
                    case TsIf i: Expr(i.Condition); Walk(i.Then); Walk(i.Else); break;
                    case TsFor f: Expr(f.Iterable); Walk(f.Body); break;
                    case TsWhile w: Expr(w.Condition); Walk(w.Body); break;
                    case TsWith w: Walk(w.Body); break;
                    case TsReturn ret: Expr(ret.Value); break;
                }
        }
        Walk(body);
        return r;
    }
}

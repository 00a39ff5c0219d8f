
namespace Bridge.Core.Shapes;

/// <summary>
/// The canonical polynomial form: <c>constant + Σ coeff·monomial</c>, each monomial a sorted multiset of atoms, terms sorted,
/// no zero coefficients. Invariant kept by <see cref="Canonical"/>: a polynomial that is exactly one atom with coefficient 1 is
/// represented by the atom itself, so structural equality never has to compare a <see cref="Poly"/> with an atom.
/// </summary>
public sealed class Poly : SymExpr
{
    private static readonly Poly[] s_small = Enumerable.Range(-16, 81).Select(i => new Poly(i, [])).ToArray();
    private readonly int _hash;

    private Poly(long constant, ImmutableArray<Term> terms)
    {
        ConstantTerm = constant;
        Terms = terms;
        var h = new HashCode();
        h.Add(constant);
        foreach (var t in terms) { h.Add(t.Coeff); foreach (var a in t.Atoms) h.Add(a.GetHashCode()); }
        _hash = h.ToHashCode();
    }

    /// <summary>One term: <c>Coeff · Π Atoms</c> (atoms sorted, repeated for powers).</summary>
    public readonly record struct Term(long Coeff, ImmutableArray<SymExpr> Atoms);

    public long ConstantTerm { get; }
    public ImmutableArray<Term> Terms { get; }
    public bool IsConstant => Terms.IsEmpty;

    internal static Poly Constant(long v) => v is >= -16 and <= 64 ? s_small[v + 16] : new Poly(v, []);

    internal static Poly Of(SymExpr e) => e switch
    {
        Poly p => p,
        _ => new Poly(0, [new Term(1, [e])]),
    };

    internal SymExpr Canonical() =>
        ConstantTerm == 0 && Terms.Length == 1 && Terms[0].Coeff == 1 && Terms[0].Atoms.Length == 1 ? Terms[0].Atoms[0] : this;

    internal static Poly Add(Poly a, Poly b, long sign)
    {
        var map = new List<Term>(a.Terms.Length + b.Terms.Length);
        map.AddRange(a.Terms);
        foreach (var t in b.Terms) map.Add(t with { Coeff = checked(t.Coeff * sign) });
        return Build(checked(a.ConstantTerm + sign * b.ConstantTerm), map);
    }

    internal static Poly Scale(Poly a, long k)
    {
        if (k == 0) return Constant(0);
        return Build(checked(a.ConstantTerm * k), a.Terms.Select(t => t with { Coeff = checked(t.Coeff * k) }).ToList());
    }

    internal static Poly Multiply(Poly a, Poly b)
    {
        var terms = new List<Term>();
        // (c1 + Σ t1)(c2 + Σ t2)
        foreach (var t in a.Terms) terms.Add(t with { Coeff = checked(t.Coeff * b.ConstantTerm) });
        foreach (var t in b.Terms) terms.Add(t with { Coeff = checked(t.Coeff * a.ConstantTerm) });
        foreach (var x in a.Terms)
            foreach (var y in b.Terms)
                terms.Add(new Term(checked(x.Coeff * y.Coeff), SortAtoms(x.Atoms.AddRange(y.Atoms))));
        return Build(checked(a.ConstantTerm * b.ConstantTerm), terms);
    }

    private static ImmutableArray<SymExpr> SortAtoms(ImmutableArray<SymExpr> atoms) => atoms.Sort(Order.Instance);

    /// <summary>Merges equal monomials, drops zeros and sorts.</summary>
    internal static Poly Build(long constant, List<Term> terms)
    {
        terms.Sort((x, y) => Order.CompareMonomials(x.Atoms, y.Atoms));
        var merged = ImmutableArray.CreateBuilder<Term>(terms.Count);
        foreach (var t in terms)
        {
            if (merged.Count > 0 && Order.CompareMonomials(merged[^1].Atoms, t.Atoms) == 0)
                merged[^1] = merged[^1] with { Coeff = checked(merged[^1].Coeff + t.Coeff) };
            else
                merged.Add(t);
        }
        merged.RemoveAll(t => t.Coeff == 0);
        if (merged.Count == 0) return Constant(constant);
        return new Poly(constant, merged.ToImmutable());
    }

    /// <summary>The gcd of every coefficient (constant included); 0 for the zero polynomial.</summary>
    internal long ContentGcd(bool includeConstant)
    {
        long g = includeConstant ? Math.Abs(ConstantTerm) : 0;
        foreach (var t in Terms) g = Gcd(g, Math.Abs(t.Coeff));
        return g;
    }

    internal static long Gcd(long a, long b) { while (b != 0) (a, b) = (b, a % b); return a; }

    public override long Evaluate(Func<SymVar, long> env)
    {
        long s = ConstantTerm;
        foreach (var t in Terms)
        {
            long m = t.Coeff;
            foreach (var a in t.Atoms) m = unchecked(m * a.Evaluate(env));
            s = unchecked(s + m);
        }
        return s;
    }

    public override SymExpr Substitute(Func<SymVar, SymExpr?> map)
    {
        var changed = false;
        SymExpr acc = ConstantTerm;
        foreach (var t in Terms)
        {
            SymExpr m = t.Coeff;
            foreach (var a in t.Atoms)
            {
                var s = a.Substitute(map);
                changed |= !ReferenceEquals(s, a);
                m *= s;
            }
            acc += m;
        }
        return changed ? acc : this;
    }

    internal override void CollectVars(List<SymVar> into)
    {
        foreach (var t in Terms) foreach (var a in t.Atoms) a.CollectVars(into);
    }

    public override bool Equals(SymExpr? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is not Poly o || o._hash != _hash || o.ConstantTerm != ConstantTerm || o.Terms.Length != Terms.Length) return false;
        for (var i = 0; i < Terms.Length; i++)
        {
            if (Terms[i].Coeff != o.Terms[i].Coeff || Order.CompareMonomials(Terms[i].Atoms, o.Terms[i].Atoms) != 0) return false;
        }
        return true;
    }

    public override int GetHashCode() => _hash;
    internal override int KindRank => -1;

    /// <summary>A total order on canonical expressions (atoms first by kind, vars by name then creation).</summary>
    internal sealed class Order : IComparer<SymExpr>
    {
        public static readonly Order Instance = new();

        public int Compare(SymExpr? x, SymExpr? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            var k = x.KindRank.CompareTo(y.KindRank);
            if (k != 0) return k;
            switch (x)
            {
                case SymVar vx:
                    var vy = (SymVar)y;
                    var n = string.CompareOrdinal(vx.Name, vy.Name);
                    return n != 0 ? n : vx.Id.CompareTo(vy.Id);
                case SymBinary bx:
                    var by = (SymBinary)y;
                    var c = Compare(bx.A, by.A);
                    return c != 0 ? c : Compare(bx.B, by.B);
                case Poly px:
                    var py = (Poly)y;
                    var t = px.Terms.Length.CompareTo(py.Terms.Length);
                    if (t != 0) return t;
                    for (var i = 0; i < px.Terms.Length; i++)
                    {
                        var m = CompareMonomials(px.Terms[i].Atoms, py.Terms[i].Atoms);
                        if (m != 0) return m;
                        var cc = px.Terms[i].Coeff.CompareTo(py.Terms[i].Coeff);
                        if (cc != 0) return cc;
                    }
                    return px.ConstantTerm.CompareTo(py.ConstantTerm);
                default:
                    return 0;
            }
        }

        internal static int CompareMonomials(ImmutableArray<SymExpr> a, ImmutableArray<SymExpr> b)
        {
            var l = a.Length.CompareTo(b.Length);
            if (l != 0) return l;
            for (var i = 0; i < a.Length; i++)
            {
                var c = Instance.Compare(a[i], b[i]);
                if (c != 0) return c;
            }
            return 0;
        }
    }
}

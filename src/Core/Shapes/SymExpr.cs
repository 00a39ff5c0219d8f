using System.Text;

namespace Bridge.Core.Shapes;

/// <summary>Three-valued answer of a symbolic comparison (TVM's <c>CanProve</c>, made explicit).</summary>
public enum Tri { Proven, Disproven, Unknown }

/// <summary>
/// An int64 symbolic shape expression, always kept in canonical form: a polynomial (sum of integer-coefficient monomials) over
/// atoms, where an atom is a <see cref="SymVar"/> or a floordiv/floormod/min/max node whose operands are canonical themselves.
/// Build expressions with the operators and <see cref="FloorDiv"/>, <see cref="FloorMod"/>, <see cref="Min"/>, <see cref="Max"/>;
/// every constructor simplifies, so <c>n*2 + n</c> is the same value as <c>3*n</c> and <c>(n*4) floordiv 2</c> is <c>n*2</c>.
/// Equality (<see cref="Equals(object)"/>) is structural on the canonical form, with variables compared by identity.
/// </summary>
public abstract partial class SymExpr : IEquatable<SymExpr>
{
    private protected SymExpr() { }

    public static implicit operator SymExpr(long value) => Poly.Constant(value);
    public static implicit operator SymExpr(int value) => Poly.Constant(value);

    public static SymExpr Const(long value) => Poly.Constant(value);

    public static SymExpr operator +(SymExpr a, SymExpr b) => Poly.Add(Poly.Of(a), Poly.Of(b), 1).Canonical();
    public static SymExpr operator -(SymExpr a, SymExpr b) => Poly.Add(Poly.Of(a), Poly.Of(b), -1).Canonical();
    public static SymExpr operator -(SymExpr a) => Poly.Scale(Poly.Of(a), -1).Canonical();
    public static SymExpr operator *(SymExpr a, SymExpr b) => Poly.Multiply(Poly.Of(a), Poly.Of(b)).Canonical();

    /// <summary>Floor division (rounds toward negative infinity), as TVM's <c>floordiv</c>; division by a constant 0 throws.</summary>
    public static SymExpr FloorDiv(SymExpr a, SymExpr b) => Simplifier.FloorDiv(a, b);
    /// <summary>Floor modulo (result has the sign of the divisor), as TVM's <c>floormod</c>.</summary>
    public static SymExpr FloorMod(SymExpr a, SymExpr b) => Simplifier.FloorMod(a, b);
    public static SymExpr Min(SymExpr a, SymExpr b) => Simplifier.MinMax(a, b, isMin: true);
    public static SymExpr Max(SymExpr a, SymExpr b) => Simplifier.MinMax(a, b, isMin: false);

    /// <summary>True when the expression is a constant; <paramref name="value"/> receives it.</summary>
    public bool IsConst(out long value)
    {
        if (this is Poly p && p.IsConstant) { value = p.ConstantTerm; return true; }
        value = 0;
        return false;
    }

    public bool IsConst() => IsConst(out _);

    /// <summary>The constant value, or null when symbolic.</summary>
    public long? AsConst => IsConst(out var v) ? v : null;

    /// <summary>Evaluates with every variable given a value; throws <see cref="KeyNotFoundException"/> for an unbound var.</summary>
    public abstract long Evaluate(Func<SymVar, long> env);

    /// <summary>Replaces variables (those <paramref name="map"/> returns non-null for) and re-simplifies.</summary>
    public abstract SymExpr Substitute(Func<SymVar, SymExpr?> map);

    public SymExpr Substitute(IReadOnlyDictionary<SymVar, SymExpr> map) => Substitute(v => map.TryGetValue(v, out var e) ? e : null);

    /// <summary>The free variables, in first-occurrence order.</summary>
    public IReadOnlyList<SymVar> FreeVars()
    {
        var list = new List<SymVar>();
        CollectVars(list);
        return list;
    }

    internal abstract void CollectVars(List<SymVar> into);

    /// <summary>Prints in TVMScript syntax (<c>n * 2 + 1</c>, <c>n // 4</c>, <c>n % 4</c>, <c>T.min(a, b)</c>).</summary>
    public sealed override string ToString() => Printer.Print(this);

    public abstract bool Equals(SymExpr? other);
    public sealed override bool Equals(object? obj) => obj is SymExpr e && Equals(e);
    public abstract override int GetHashCode();

    public static bool operator ==(SymExpr? a, SymExpr? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(SymExpr? a, SymExpr? b) => !(a == b);

    /// <summary>Can it be shown that <c>a == b</c> for every value of the variables?</summary>
    public static Tri ProveEqual(SymExpr a, SymExpr b)
    {
        var d = a - b;
        if (d.IsConst(out var c)) return c == 0 ? Tri.Proven : Tri.Disproven;
        return Tri.Unknown;
    }

    /// <summary>Can it be shown that <c>a &lt; b</c>, assuming every shape variable is ≥ 0?</summary>
    public static Tri ProveLess(SymExpr a, SymExpr b) => Bounds.ProveNonNegative(b - a - 1);

    /// <summary>Can it be shown that <c>a &lt;= b</c>, assuming every shape variable is ≥ 0?</summary>
    public static Tri ProveLessOrEqual(SymExpr a, SymExpr b) => Bounds.ProveNonNegative(b - a);

    /// <summary>Order key for atoms; deterministic across runs for a given construction order.</summary>
    internal abstract int KindRank { get; }
}

/// <summary>
/// A named int64 shape variable (TVM's <c>tir.Var("n", "int64")</c>). Reference identity: two variables named <c>n</c> are
/// different variables; alpha-equivalence is the IR comparer's job.
/// </summary>
public sealed class SymVar : SymExpr
{
    private static long s_nextId;

    public SymVar(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Id = Interlocked.Increment(ref s_nextId);
    }

    /// <summary>
    /// A fresh unknown dimension: Relay's <c>Any</c> (printed <c>?</c>), ONNX's unnamed dim, a dynamic torch dim. Each call is a
    /// different variable; translators rename these into meaningful symbolic variables.
    /// </summary>
    public static SymVar Any() => new("?", isAny: true);

    private SymVar(string name, bool isAny) : this(name) => IsAny = isAny;

    public string Name { get; }
    /// <summary>True for a variable made by <see cref="Any"/>.</summary>
    public bool IsAny { get; }
    /// <summary>Creation order; used only to order distinct variables that share a name.</summary>
    public long Id { get; }

    public override long Evaluate(Func<SymVar, long> env) => env(this);
    public override SymExpr Substitute(Func<SymVar, SymExpr?> map) => map(this) ?? this;
    internal override void CollectVars(List<SymVar> into) { if (!into.Contains(this)) into.Add(this); }
    public override bool Equals(SymExpr? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => Id.GetHashCode();
    internal override int KindRank => 0;
}

/// <summary>The kinds of non-polynomial atom.</summary>
public enum SymOp { FloorDiv, FloorMod, Min, Max }

/// <summary>An atom that is not a variable: <c>floordiv</c>, <c>floormod</c>, <c>min</c> or <c>max</c> of two canonical expressions.</summary>
public sealed class SymBinary : SymExpr
{
    private readonly int _hash;

    internal SymBinary(SymOp op, SymExpr a, SymExpr b)
    {
        Op = op;
        A = a;
        B = b;
        _hash = HashCode.Combine(op, a.GetHashCode(), b.GetHashCode());
    }

    public SymOp Op { get; }
    public SymExpr A { get; }
    public SymExpr B { get; }

    public override long Evaluate(Func<SymVar, long> env)
    {
        var a = A.Evaluate(env);
        var b = B.Evaluate(env);
        return Op switch
        {
            SymOp.FloorDiv => b == 0 ? throw new DivideByZeroException($"floordiv by zero in {this}") : Simplifier.FloorDivInt(a, b),
            SymOp.FloorMod => b == 0 ? throw new DivideByZeroException($"floormod by zero in {this}") : Simplifier.FloorModInt(a, b),
            SymOp.Min => Math.Min(a, b),
            _ => Math.Max(a, b),
        };
    }

    public override SymExpr Substitute(Func<SymVar, SymExpr?> map)
    {
        var a = A.Substitute(map);
        var b = B.Substitute(map);
        if (ReferenceEquals(a, A) && ReferenceEquals(b, B)) return this;
        return Op switch
        {
            SymOp.FloorDiv => FloorDiv(a, b),
            SymOp.FloorMod => FloorMod(a, b),
            SymOp.Min => Min(a, b),
            _ => Max(a, b),
        };
    }

    internal override void CollectVars(List<SymVar> into) { A.CollectVars(into); B.CollectVars(into); }

    public override bool Equals(SymExpr? other)
    {
        if (ReferenceEquals(this, other)) return true;
        return other is SymBinary o && o.Op == Op && o._hash == _hash && o.A.Equals(A) && o.B.Equals(B);
    }

    public override int GetHashCode() => _hash;
    internal override int KindRank => 1 + (int)Op;
}

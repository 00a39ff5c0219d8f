
namespace Bridge.Core.Shapes;

/// <summary>Rules for the non-polynomial operators. Each rule is exact for all integer values of the variables.</summary>
internal static class Simplifier
{
    internal static long FloorDivInt(long a, long b)
    {
        var q = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
    }

    internal static long FloorModInt(long a, long b)
    {
        var r = a % b;
        return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
    }

    private static BridgeException DivZero(SymExpr a, string op) =>
        new(CoreDiagnosticIds.DivisionByZero, SourceLoc.Unknown.Instance, $"{op} of {a} by zero in a shape expression");

    internal static SymExpr FloorDiv(SymExpr a, SymExpr b)
    {
        if (b.IsConst(out var c))
        {
            if (c == 0) throw DivZero(a, "floordiv");
            if (c == 1) return a;
            if (a.IsConst(out var av)) return FloorDivInt(av, c);
            if (c > 0)
            {
                // a = c·Q + R with Q the terms whose coefficients c divides: floordiv(a, c) = Q + floordiv(R, c) exactly.
                var (q, r) = Split(Poly.Of(a), c);
                if (!q.IsConst(out var q0) || q0 != 0)
                    return q + FloorDiv(r, c);
                // floordiv(floordiv(x, c1), c2) = floordiv(x, c1·c2) for positive constants.
                if (a is SymBinary { Op: SymOp.FloorDiv } inner && inner.B.IsConst(out var c1) && c1 > 0)
                    return FloorDiv(inner.A, checked(c1 * c));
                // Common factor of R and c: floordiv(g·R', g·c') = floordiv(R', c').
                var g = Poly.Gcd(Poly.Of(r).ContentGcd(includeConstant: true), c);
                if (g > 1) return FloorDiv(Divide(Poly.Of(r), g), c / g);
            }
            return new SymBinary(SymOp.FloorDiv, a, b);
        }
        if (a.IsConst(out var z) && z == 0) return 0;
        if (a.Equals(b)) return new SymBinary(SymOp.FloorDiv, a, b); // x//x is 1 only for x != 0; keep it symbolic.
        return new SymBinary(SymOp.FloorDiv, a, b);
    }

    internal static SymExpr FloorMod(SymExpr a, SymExpr b)
    {
        if (b.IsConst(out var c))
        {
            if (c == 0) throw DivZero(a, "floormod");
            if (c is 1 or -1) return 0;
            if (a.IsConst(out var av)) return FloorModInt(av, c);
            if (c > 0)
            {
                // floormod(c·Q + R, c) = floormod(R, c).
                var (q, r) = Split(Poly.Of(a), c);
                if (!q.IsConst(out var q0) || q0 != 0) return FloorMod(r, c);
                // floormod(g·R', g·c') = g·floormod(R', c').
                var g = Poly.Gcd(Poly.Of(r).ContentGcd(includeConstant: true), c);
                if (g > 1) return FloorMod(Divide(Poly.Of(r), g), c / g) * g;
            }
            return new SymBinary(SymOp.FloorMod, a, b);
        }
        if (a.IsConst(out var z) && z == 0) return 0;
        return new SymBinary(SymOp.FloorMod, a, b);
    }

    internal static SymExpr MinMax(SymExpr a, SymExpr b, bool isMin)
    {
        if (a.IsConst(out var x) && b.IsConst(out var y)) return isMin ? Math.Min(x, y) : Math.Max(x, y);
        var d = a - b;
        if (d.IsConst(out var dv)) return (dv <= 0) == isMin ? a : b;
        // Shape variables are non-negative: min(n, 0) = 0, max(n, 0) = n, and likewise where a bound proves the order.
        var le = SymExpr.ProveLessOrEqual(a, b);
        if (le == Tri.Proven) return isMin ? a : b;
        var ge = SymExpr.ProveLessOrEqual(b, a);
        if (ge == Tri.Proven) return isMin ? b : a;
        // Commutative: order the operands so equal expressions get one form.
        if (Poly.Order.Instance.Compare(a, b) > 0) (a, b) = (b, a);
        return new SymBinary(isMin ? SymOp.Min : SymOp.Max, a, b);
    }

    /// <summary>Splits <paramref name="p"/> into <c>c·Q</c> (terms whose coefficients <paramref name="c"/> divides, returned as Q) and the rest R.</summary>
    private static (SymExpr Q, SymExpr R) Split(Poly p, long c)
    {
        var qTerms = new List<Poly.Term>();
        var rTerms = new List<Poly.Term>();
        foreach (var t in p.Terms)
        {
            if (t.Coeff % c == 0) qTerms.Add(t with { Coeff = t.Coeff / c });
            else rTerms.Add(t);
        }
        var qc = FloorDivInt(p.ConstantTerm, c);
        var rc = FloorModInt(p.ConstantTerm, c);
        return (Poly.Build(qc, qTerms).Canonical(), Poly.Build(rc, rTerms).Canonical());
    }

    private static SymExpr Divide(Poly p, long g) =>
        Poly.Build(p.ConstantTerm / g, p.Terms.Select(t => t with { Coeff = t.Coeff / g }).ToList()).Canonical();
}

/// <summary>Sign reasoning under the assumption that shape variables are non-negative.</summary>
internal static class Bounds
{
    internal static Tri ProveNonNegative(SymExpr e)
    {
        if (e.IsConst(out var c)) return c >= 0 ? Tri.Proven : Tri.Disproven;
        var p = Poly.Of(e);
        if (p.ConstantTerm >= 0 && p.Terms.All(t => t.Coeff > 0 && t.Atoms.All(IsNonNegative))) return Tri.Proven;
        if (p.ConstantTerm < 0 && p.Terms.All(t => t.Coeff < 0 && t.Atoms.All(IsNonNegative))) return Tri.Disproven;
        return Tri.Unknown;
    }

    private static bool IsNonNegative(SymExpr atom) => atom switch
    {
        SymVar => true,
        SymBinary { Op: SymOp.FloorDiv or SymOp.FloorMod } b => b.B.IsConst(out var c) && c > 0 && (b.Op == SymOp.FloorMod || ProveNonNegative(b.A) == Tri.Proven),
        SymBinary { Op: SymOp.Min } b => ProveNonNegative(b.A) == Tri.Proven && ProveNonNegative(b.B) == Tri.Proven,
        SymBinary { Op: SymOp.Max } b => ProveNonNegative(b.A) == Tri.Proven || ProveNonNegative(b.B) == Tri.Proven,
        _ => ProveNonNegative(atom) == Tri.Proven,
    };
}

/// <summary>TVMScript spelling of canonical expressions.</summary>
internal static class Printer
{
    internal static string Print(SymExpr e)
    {
        var sb = new System.Text.StringBuilder();
        Write(sb, e);
        return sb.ToString();
    }

    private static void Write(System.Text.StringBuilder sb, SymExpr e)
    {
        switch (e)
        {
            case SymVar v: sb.Append(v.Name); break;
            case SymBinary b:
                if (b.Op is SymOp.Min or SymOp.Max)
                {
                    sb.Append(b.Op == SymOp.Min ? "T.min(" : "T.max(");
                    Write(sb, b.A);
                    sb.Append(", ");
                    Write(sb, b.B);
                    sb.Append(')');
                }
                else
                {
                    WriteOperand(sb, b.A, leftOfDivision: true);
                    sb.Append(b.Op == SymOp.FloorDiv ? " // " : " % ");
                    WriteOperand(sb, b.B, leftOfDivision: false);
                }
                break;
            case Poly p:
                var first = true;
                // Print positive terms first (n - m * 2 rather than m * -2 + n); the order does not change the value.
                var ordered = p.Terms.Where(t => t.Coeff > 0).Concat(p.Terms.Where(t => t.Coeff < 0)).ToList();
                foreach (var t in ordered)
                {
                    var coeff = t.Coeff;
                    if (!first) { sb.Append(coeff < 0 ? " - " : " + "); coeff = Math.Abs(coeff); }
                    else if (coeff == -1) { sb.Append('-'); coeff = 1; }
                    // Python's unary minus binds tighter than // and %: -(x // 2) must keep its parentheses,
                    // since -x // 2 is (-x) // 2. (Found by the printer property test.)
                    var negatedDivision = t.Coeff == -1 && first && t.Atoms[0] is SymBinary { Op: SymOp.FloorDiv or SymOp.FloorMod };
                    for (var i = 0; i < t.Atoms.Length; i++)
                    {
                        if (i > 0) sb.Append(" * ");
                        WriteOperand(sb, t.Atoms[i], leftOfDivision: i == 0 && !negatedDivision);
                    }
                    if (coeff != 1) sb.Append(" * ").Append(coeff);
                    first = false;
                }
                if (first) sb.Append(p.ConstantTerm);
                else if (p.ConstantTerm != 0) sb.Append(p.ConstantTerm < 0 ? " - " : " + ").Append(Math.Abs(p.ConstantTerm));
                break;
        }
    }

    private static void WriteOperand(System.Text.StringBuilder sb, SymExpr e, bool leftOfDivision)
    {
        // Python: * // % share one precedence level, left-associative. A sum always needs parentheses; a product or
        // division only on the right of an operator.
        var needs = e switch
        {
            SymVar => false,
            SymBinary { Op: SymOp.Min or SymOp.Max } => false,
            SymBinary => !leftOfDivision,
            Poly p when p.IsConstant => p.ConstantTerm < 0,
            Poly p => p.Terms.Length > 1 || p.ConstantTerm != 0 || !leftOfDivision || p.Terms[0].Coeff < 0,
            _ => true,
        };
        if (needs) sb.Append('(');
        Write(sb, e);
        if (needs) sb.Append(')');
    }
}

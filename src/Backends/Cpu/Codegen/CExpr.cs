using System.Globalization;
using System.Text;

namespace Bridge.Backends.Cpu.Codegen;

/// <summary>C spellings of symbolic extents and float literals.</summary>
internal static class CExpr
{
    /// <summary>A symbolic extent as a C int64 expression; symbolic vars are run-time arguments <c>m->d[i]</c>.</summary>
    public static string Of(SymExpr e, IReadOnlyList<SymVar> vars)
    {
        if (e.IsConst(out var c)) return c.ToString(CultureInfo.InvariantCulture) + "LL";
        switch (e)
        {
            case SymVar v:
                var i = IndexOf(vars, v);
                return i >= 0 ? $"m->d[{i}]" : throw new InvalidOperationException($"symbolic var {v.Name} is not bound by the inputs");
            case SymBinary b:
                var x = Of(b.A, vars);
                var y = Of(b.B, vars);
                return b.Op switch
                {
                    SymOp.FloorDiv => $"brg_fdiv({x}, {y})",
                    SymOp.FloorMod => $"brg_fmod({x}, {y})",
                    SymOp.Min => $"brg_imin({x}, {y})",
                    _ => $"brg_imax({x}, {y})",
                };
            case Poly p:
                var sb = new StringBuilder("(");
                sb.Append(p.ConstantTerm.ToString(CultureInfo.InvariantCulture)).Append("LL");
                foreach (var t in p.Terms)
                {
                    sb.Append(" + ").Append(t.Coeff.ToString(CultureInfo.InvariantCulture)).Append("LL");
                    foreach (var a in t.Atoms) sb.Append(" * ").Append(Of(a, vars));
                }
                return sb.Append(')').ToString();
            default:
                throw new InvalidOperationException($"symbolic expression {e}");
        }
    }

    private static int IndexOf(IReadOnlyList<SymVar> vars, SymVar v)
    {
        for (var i = 0; i < vars.Count; i++) if (ReferenceEquals(vars[i], v)) return i;
        return -1;
    }

    public static string Float(double v)
    {
        if (double.IsPositiveInfinity(v) || v > float.MaxValue) return "INFINITY";
        if (double.IsNegativeInfinity(v) || v < -float.MaxValue) return "(-INFINITY)";
        if (double.IsNaN(v)) return "NAN";
        return ((float)v).ToString("R", CultureInfo.InvariantCulture) is var s && (s.Contains('.') || s.Contains('E')) ? s + "f" : s + ".0f";
    }

    public static string Product(IEnumerable<SymExpr> dims, IReadOnlyList<SymVar> vars) =>
        Of(dims.Aggregate((SymExpr)1, (a, d) => a * d), vars);
}

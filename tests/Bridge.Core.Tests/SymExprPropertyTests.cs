using System.Diagnostics;
using System.Globalization;

namespace Bridge.Core.Tests;

/// <summary>
/// Property tests for the symbolic simplifier: random expression trees (seeded) are built twice — once as a plain tree
/// evaluated by the naive evaluator below, once through the simplifying <see cref="SymExpr"/> constructors — and both are
/// evaluated for many non-negative variable assignments (shape variables are ≥ 0, which the simplifier's min/max rules assume).
/// Divisions by symbolic divisors are guarded: an assignment whose divisor is 0 in the naive tree is skipped.
/// </summary>
public class SymExprPropertyTests
{
    /// <summary>A naive expression tree, independent of the simplifier.</summary>
    internal abstract record Node;
    internal sealed record Var(int Index) : Node;
    internal sealed record Const(long Value) : Node;
    internal sealed record Bin(char Op, Node A, Node B) : Node; // + - * / (floordiv) % (floormod) m (min) M (max)
    internal sealed record Neg(Node A) : Node;

    private sealed class Skip : Exception;

    internal static long Eval(Node n, long[] env) => n switch
    {
        Var v => env[v.Index],
        Const c => c.Value,
        Neg x => checked(-Eval(x.A, env)),
        Bin b => Apply(b.Op, Eval(b.A, env), Eval(b.B, env)),
        _ => throw new UnreachableException(),
    };

    private static long Apply(char op, long a, long b)
    {
        checked
        {
            switch (op)
            {
                case '+': return a + b;
                case '-': return a - b;
                case '*': return a * b;
                case '/':
                    if (b == 0) throw new Skip();
                    return (long)Math.Floor((decimal)a / b);
                case '%':
                    if (b == 0) throw new Skip();
                    return a - b * (long)Math.Floor((decimal)a / b);
                case 'm': return Math.Min(a, b);
                default: return Math.Max(a, b);
            }
        }
    }

    internal static SymExpr Build(Node n, SymVar[] vars) => n switch
    {
        Var v => vars[v.Index],
        Const c => c.Value,
        Neg x => -Build(x.A, vars),
        Bin b => b.Op switch
        {
            '+' => Build(b.A, vars) + Build(b.B, vars),
            '-' => Build(b.A, vars) - Build(b.B, vars),
            '*' => Build(b.A, vars) * Build(b.B, vars),
            '/' => SymExpr.FloorDiv(Build(b.A, vars), Build(b.B, vars)),
            '%' => SymExpr.FloorMod(Build(b.A, vars), Build(b.B, vars)),
            'm' => SymExpr.Min(Build(b.A, vars), Build(b.B, vars)),
            _ => SymExpr.Max(Build(b.A, vars), Build(b.B, vars)),
        },
        _ => throw new UnreachableException(),
    };

    internal static Node Random(Random r, int depth, int nvars)
    {
        if (depth == 0 || r.Next(5) == 0)
            return r.Next(3) == 0 ? new Const(r.Next(-6, 13)) : new Var(r.Next(nvars));
        var k = r.Next(16);
        if (k == 0) return new Neg(Random(r, depth - 1, nvars));
        var op = "+++--**//%%mMm/%"[k];
        var a = Random(r, depth - 1, nvars);
        Node b;
        if (op is '/' or '%')
        {
            // Mostly constant divisors (positive, sometimes negative), sometimes symbolic ones (guarded at evaluation).
            b = r.Next(4) switch
            {
                0 => Random(r, depth - 1, nvars),
                1 => new Const(-r.Next(1, 7)),
                _ => new Const(r.Next(1, 9)),
            };
        }
        else b = Random(r, depth - 1, nvars);
        return new Bin(op, a, b);
    }

    private static long[] Assignment(Random r, int n) => Enumerable.Range(0, n).Select(_ => (long)(r.Next(4) == 0 ? r.Next(0, 3) : r.Next(0, 40))).ToArray();

    [Test]
    public void Simplified_Expressions_Evaluate_Like_The_Naive_Tree()
    {
        var r = new Random(20240229);
        var vars = new[] { new SymVar("a"), new SymVar("b"), new SymVar("c"), new SymVar("n") };
        int checkedExprs = 0, checkedPoints = 0, attempts = 0;
        while (checkedExprs < 12_000)
        {
            attempts++;
            Assert.That(attempts, Is.LessThan(40_000), "generator produced too few usable expressions");
            var tree = Random(r, r.Next(1, 6), vars.Length);
            SymExpr e;
            try { e = Build(tree, vars); }
            catch (OverflowException) { continue; }
            catch (Bridge.Core.Diagnostics.BridgeException ex) when (ex.Diagnostic.Id == Bridge.Core.Diagnostics.CoreDiagnosticIds.DivisionByZero)
            {
                // Only a constant-zero divisor may be rejected at construction: check the naive tree agrees it is always 0.
                Assert.That(HasConstZeroDivisor(tree, vars.Length, r), Is.True, $"spurious division-by-zero for {tree}");
                continue;
            }
            var used = 0;
            for (var k = 0; k < 12; k++)
            {
                var env = Assignment(r, vars.Length);
                long want;
                try { want = Eval(tree, env); }
                catch (Skip) { continue; }
                catch (OverflowException) { continue; }
                long got;
                try { got = e.Evaluate(v => env[Array.IndexOf(vars, v)]); }
                catch (DivideByZeroException)
                {
                    Assert.Fail($"simplified {e} divides by zero at [{string.Join(", ", env)}] but the tree {tree} does not");
                    return;
                }
                if (got != want)
                    Assert.Fail($"tree {tree}\nsimplified {e}\nat a,b,c,n = [{string.Join(", ", env)}]: naive {want}, simplified {got}");
                used++;
            }
            if (used > 0) { checkedExprs++; checkedPoints += used; }
        }
        Assert.That(checkedExprs, Is.GreaterThanOrEqualTo(10_000));
        TestContext.Out.WriteLine($"{checkedExprs} expressions, {checkedPoints} evaluations");
    }

    private static bool HasConstZeroDivisor(Node tree, int nvars, Random r)
    {
        // True when evaluating some divisor is 0 for every sampled assignment (it is a constant 0 after folding).
        bool Visit(Node n) => n switch
        {
            Bin b when b.Op is '/' or '%' => AlwaysZero(b.B) || Visit(b.A) || Visit(b.B),
            Bin b => Visit(b.A) || Visit(b.B),
            Neg x => Visit(x.A),
            _ => false,
        };
        bool AlwaysZero(Node d)
        {
            for (var k = 0; k < 20; k++)
            {
                try { if (Eval(d, Assignment(r, nvars)) != 0) return false; }
                catch (Skip) { }
                catch (OverflowException) { return false; }
            }
            return true;
        }
        return Visit(tree);
    }

    [Test]
    public void Substitution_Agrees_With_Evaluation_Of_The_Replacement()
    {
        var r = new Random(77);
        var vars = new[] { new SymVar("a"), new SymVar("b"), new SymVar("c") };
        var done = 0;
        while (done < 2000)
        {
            var e = TryBuild(Random(r, 4, 3), vars);
            var repl = TryBuild(Random(r, 2, 3), vars);
            if (e is null || repl is null) continue;
            // a := repl(a, b, c), evaluated where repl is non-negative (a shape variable stays a size).
            SymExpr s;
            try { s = e.Substitute(v => ReferenceEquals(v, vars[0]) ? repl : null); }
            catch (OverflowException) { continue; }
            catch (Bridge.Core.Diagnostics.BridgeException) { continue; }
            for (var k = 0; k < 6; k++)
            {
                var env = Assignment(r, 3);
                long rv;
                try { rv = repl.Evaluate(v => env[Array.IndexOf(vars, v)]); }
                catch (DivideByZeroException) { continue; }
                if (rv < 0) continue;
                var env2 = (long[])env.Clone();
                env2[0] = rv;
                long want;
                try { want = e.Evaluate(v => env2[Array.IndexOf(vars, v)]); }
                catch (DivideByZeroException) { continue; }
                catch (OverflowException) { continue; }
                var got = s.Evaluate(v => env[Array.IndexOf(vars, v)]);
                Assert.That(got, Is.EqualTo(want), $"{e} with a := {repl} gave {s} at [{string.Join(", ", env)}]");
            }
            done++;
        }
    }

    private static SymExpr? TryBuild(Node n, SymVar[] vars)
    {
        try { return Build(n, vars); }
        catch (OverflowException) { return null; }
        catch (Bridge.Core.Diagnostics.BridgeException) { return null; }
    }

    [Test]
    public void Substitution_Examples()
    {
        var n = new SymVar("n");
        var m = new SymVar("m");
        var e = SymExpr.FloorDiv(n * 4 + m, 2) + SymExpr.Max(n, 3);
        Assert.That(e.Substitute(new Dictionary<SymVar, SymExpr> { [n] = 5, [m] = 2 }).AsConst, Is.EqualTo(11 + 5));
        // Substituting n := 2·k makes the floordiv exact: (8k + m) // 2 = 4k + m // 2.
        var k = new SymVar("k");
        var s = SymExpr.FloorDiv(n * 4 + m, 2).Substitute(v => v == n ? k * 2 : null);
        Assert.That(s, Is.EqualTo(k * 4 + SymExpr.FloorDiv(m, 2)));
        Assert.That(s.ToString(), Is.EqualTo("k * 4 + m // 2"));
        // Unchanged when nothing is substituted: the same object comes back.
        Assert.That(ReferenceEquals(e.Substitute(v => null), e), Is.True);
        Assert.That(e.FreeVars(), Is.EquivalentTo(new[] { n, m }));
    }

    [TestCase("n * 2 + n", "n * 3")]
    [TestCase("-n + 1", "-n + 1")]
    [TestCase("n - b * 2", "n - b * 2")]
    [TestCase("(n + 1) * (n - 1)", "n * n - 1")]
    [TestCase("n // 2 * 2 + n % 2", null)]
    [TestCase("0 - n // 4", "-(n // 4)")]
    [TestCase("0 - n % 4 + b", "b - n % 4")]
    [TestCase("(n // 4) * -3", "n // 4 * -3")]
    [TestCase("b * (n + 1) // 2", "(b + b * n) // 2")]
    [TestCase("b // (n + 1)", "b // (n + 1)")]
    [TestCase("T.min(n, b) + T.max(b, n)", null)]
    public void Printer_Output_Is_TvmScript(string build, string? expected)
    {
        var n = new SymVar("n");
        var b = new SymVar("b");
        var e = MiniParser.Parse(build, name => name == "n" ? n : b);
        if (expected is not null) Assert.That(e.ToString(), Is.EqualTo(expected));
        var again = MiniParser.Parse(e.ToString(), name => name == "n" ? n : b);
        Assert.That(again, Is.EqualTo(e), e.ToString());
    }

    /// <summary>Printed text re-parsed with Python precedence (tiny parser below) evaluates to the same value.</summary>
    [Test]
    public void Printed_Text_Reevaluates_With_Python_Precedence()
    {
        var r = new Random(99);
        var vars = new[] { new SymVar("a"), new SymVar("b"), new SymVar("c"), new SymVar("n") };
        var done = 0;
        while (done < 3000)
        {
            var e = TryBuild(Random(r, 5, 4), vars);
            if (e is null) continue;
            var text = e.ToString();
            SymExpr parsed;
            parsed = MiniParser.ParseTree(text, out var tree);
            _ = parsed;
            for (var k = 0; k < 5; k++)
            {
                var env = Assignment(r, 4);
                long want;
                try { want = e.Evaluate(v => env[Array.IndexOf(vars, v)]); }
                catch (DivideByZeroException) { continue; }
                long got;
                try { got = Eval(tree, env); }
                catch (Skip) { Assert.Fail($"printed '{text}' divides by zero where {e} does not"); return; }
                catch (OverflowException) { continue; }
                Assert.That(got, Is.EqualTo(want), $"printed '{text}' at [{string.Join(", ", env)}]");
            }
            done++;
        }
    }

    /// <summary>The printed text is also valid Python with the same value (T.min/T.max bound to min/max).</summary>
    [Test]
    public void Printed_Text_Agrees_With_Python_Eval()
    {
        if (!PythonRefs.HasNumpy()) Assert.Ignore("python3 is not available");
        var r = new Random(5);
        var vars = new[] { new SymVar("a"), new SymVar("b"), new SymVar("c"), new SymVar("n") };
        var lines = new List<string>();
        var expected = new List<long>();
        while (lines.Count < 400)
        {
            var e = TryBuild(Random(r, 5, 4), vars);
            if (e is null) continue;
            var env = Assignment(r, 4);
            try { expected.Add(e.Evaluate(v => env[Array.IndexOf(vars, v)])); }
            catch (DivideByZeroException) { continue; }
            lines.Add($"{string.Join(",", env)}\t{e}");
        }
        var input = Path.Combine(Path.GetTempPath(), "bridge-symexpr-" + Guid.NewGuid().ToString("N") + ".tsv");
        File.WriteAllLines(input, lines);
        var (rc, output) = PythonRefs.Run("eval_exprs.py", input);
        File.Delete(input);
        Assert.That(rc, Is.EqualTo(0), output);
        var got = output.Trim().Split('\n').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToList();
        Assert.That(got, Has.Count.EqualTo(expected.Count));
        for (var i = 0; i < got.Count; i++) Assert.That(got[i], Is.EqualTo(expected[i]), lines[i]);
    }

    /// <summary>A tiny parser of the TVMScript subset the printer emits, with Python's precedence.</summary>
    internal static class MiniParser
    {
        private static readonly string[] s_names = ["a", "b", "c", "n"];

        public static SymExpr Parse(string text, Func<string, SymVar> var)
        {
            var p = new P(text);
            var node = p.Expr();
            if (p.Pos != text.Length) throw new FormatException($"trailing text at {p.Pos} in '{text}'");
            return Build(node, var);
        }

        private static SymExpr Build(Node n, Func<string, SymVar> var) => n switch
        {
            Var v => var(s_names[v.Index]),
            Const c => c.Value,
            Neg x => -Build(x.A, var),
            Bin b => b.Op switch
            {
                '+' => Build(b.A, var) + Build(b.B, var),
                '-' => Build(b.A, var) - Build(b.B, var),
                '*' => Build(b.A, var) * Build(b.B, var),
                '/' => SymExpr.FloorDiv(Build(b.A, var), Build(b.B, var)),
                '%' => SymExpr.FloorMod(Build(b.A, var), Build(b.B, var)),
                'm' => SymExpr.Min(Build(b.A, var), Build(b.B, var)),
                _ => SymExpr.Max(Build(b.A, var), Build(b.B, var)),
            },
            _ => throw new UnreachableException(),
        };

        public static SymExpr ParseTree(string text, out Node tree)
        {
            var p = new P(text);
            tree = p.Expr();
            if (p.Pos != text.Length) throw new FormatException($"trailing text at {p.Pos} in '{text}'");
            return SymExpr.Const(0);
        }

        private sealed class P(string s)
        {
            public int Pos;
            private void Ws() { while (Pos < s.Length && s[Pos] == ' ') Pos++; }
            private bool Eat(string t) { Ws(); if (string.CompareOrdinal(s, Pos, t, 0, t.Length) == 0) { Pos += t.Length; return true; } return false; }

            // expr := term (('+'|'-') term)*
            public Node Expr()
            {
                var l = Term();
                while (true)
                {
                    if (Eat("+")) l = new Bin('+', l, Term());
                    else if (Eat("-")) l = new Bin('-', l, Term());
                    else return l;
                }
            }

            // term := unary (('*'|'//'|'%') unary)*   — one precedence level, left-associative, as in Python
            private Node Term()
            {
                var l = Unary();
                while (true)
                {
                    if (Eat("//")) l = new Bin('/', l, Unary());
                    else if (Eat("*")) l = new Bin('*', l, Unary());
                    else if (Eat("%")) l = new Bin('%', l, Unary());
                    else return l;
                }
            }

            // Python's unary minus binds tighter than * // %.
            private Node Unary() => Eat("-") ? new Neg(Unary()) : Atom();

            private Node Atom()
            {
                Ws();
                if (Eat("(")) { var e = Expr(); if (!Eat(")")) throw new FormatException($"expected ')' at {Pos} in '{s}'"); return e; }
                if (Eat("T.min(") || Eat("T.max("))
                {
                    var op = s[Pos - 3] == 'i' ? 'm' : 'M';
                    var a = Expr();
                    if (!Eat(",")) throw new FormatException($"expected ',' at {Pos} in '{s}'");
                    var b = Expr();
                    if (!Eat(")")) throw new FormatException($"expected ')' at {Pos} in '{s}'");
                    return new Bin(op, a, b);
                }
                var st = Pos;
                while (Pos < s.Length && char.IsAsciiDigit(s[Pos])) Pos++;
                if (Pos > st) return new Const(long.Parse(s.AsSpan(st, Pos - st), CultureInfo.InvariantCulture));
                while (Pos < s.Length && char.IsAsciiLetter(s[Pos])) Pos++;
                var name = s[st..Pos];
                var i = Array.IndexOf(s_names, name);
                if (i < 0) throw new FormatException($"unexpected '{(st < s.Length ? s[st..] : "<end>")}' in '{s}'");
                return new Var(i);
            }
        }
    }
}

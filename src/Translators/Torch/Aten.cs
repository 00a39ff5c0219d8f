using System.Globalization;
using Bridge.Importers.TorchScript.Code;
using Bridge.Importers.TorchScript.Pickle;

namespace Bridge.Translators.Torch;

/// <summary>
/// The canonical aten layer: each <c>aten::</c>/<c>prim::</c> op is one rule that either folds at translation time (Python-level
/// values: sizes, dims, dtypes, formats, comparisons of ints) or emits ONNX-form nodes with their static result shape and dtype.
/// The ONNX-form graph is then lowered by the Relay and the Relax emitters alike, so every aten op has one definition for both
/// dialects. Argument defaults are those of the aten schema (written once per rule, by position and keyword name).
/// </summary>
internal static partial class Aten
{
    private delegate object? Rule(TorchScriptEvaluator ev, AtenCall c);

    private static readonly Dictionary<string, Rule> s_rules = new(StringComparer.Ordinal);

    static Aten()
    {
        RegisterPrim();
        RegisterElementwise();
        RegisterShape();
        RegisterViewAliases();
        RegisterNn();
        RegisterSortStatsIndex();
        RegisterIndexing();
        RegisterListFolds();
        RegisterLoss();
    }

    /// <summary>Every op the layer handles (<c>aten::X</c>, <c>prim::X</c>); in-place <c>X_</c> variants map to <c>X</c>.</summary>
    public static IReadOnlyCollection<string> Supported => s_rules.Keys;

    public static bool Handles(string op) => s_rules.ContainsKey(op) || (op.EndsWith('_') && !op.EndsWith("__", StringComparison.Ordinal) && s_rules.ContainsKey(op[..^1]));

    private static void R(Rule rule, params string[] names)
    {
        foreach (var n in names) s_rules[n.Contains("::", StringComparison.Ordinal) ? n : "aten::" + n] = rule;
    }

    public static object? Call(TorchScriptEvaluator ev, AtenCall c)
    {
        var outer = ev.Graph.CurrentPos;
        ev.Graph.CurrentPos = c.Pos;
        try
        {
            if (s_rules.TryGetValue(c.Op, out var r)) return r(ev, c);
            if (c.Op.EndsWith('_') && !c.Op.EndsWith("__", StringComparison.Ordinal) && s_rules.TryGetValue(c.Op[..^1], out r)) return r(ev, c with { Op = c.Op[..^1] });
        }
        finally { ev.Graph.CurrentPos = outer; }
        throw ev.Error(TorchDiagnosticIds.UnsupportedOp, c.Pos, $"{c.Op} is not supported by the aten layer");
    }

    // ---- arguments ---------------------------------------------------------------------------------------------------------

    private static readonly object s_missing = new();

    private static object? Arg(AtenCall c, int i, string name, object? dflt = null) =>
        i < c.Args.Count ? c.Args[i] : c.Kw.TryGetValue(name, out var v) ? v : dflt;

    private static bool Has(AtenCall c, int i, string name) => i < c.Args.Count || c.Kw.ContainsKey(name);

    private static BridgeException Bad(TorchScriptEvaluator ev, AtenCall c, string what) =>
        ev.Error(TorchDiagnosticIds.BadArguments, c.Pos, $"{c.Op}: {what}");

    private static TensorRef T(TorchScriptEvaluator ev, AtenCall c, int i, string name = "self", DataType? like = null) =>
        Arg(c, i, name, s_missing) switch
        {
            TensorRef t => t,
            long or double or bool => ev.ScalarConst(Arg(c, i, name), like, c.Pos),
            var x => throw Bad(ev, c, $"argument {name} is {TorchScriptEvaluator.Describe(x)}, not a tensor"),
        };

    private static TensorRef? OptT(TorchScriptEvaluator ev, AtenCall c, int i, string name) => Arg(c, i, name) is null ? null : T(ev, c, i, name);

    private static long L(TorchScriptEvaluator ev, AtenCall c, int i, string name, long? dflt = null) =>
        Arg(c, i, name, dflt) switch
        {
            long l => l,
            bool b => b ? 1 : 0,
            TensorRef t when ev.Graph.Rep(t) is { } rep && !t.DType.IsFloat => (long)rep, // a run-time size: its probe value (docs/torchscript.md "Symbolic dims")
            var x => throw Bad(ev, c, $"argument {name} is {TorchScriptEvaluator.Describe(x)}, not an int known at translation"),
        };

    private static double D(TorchScriptEvaluator ev, AtenCall c, int i, string name, double? dflt = null) =>
        Arg(c, i, name, dflt) switch
        {
            double d => d,
            long l => l,
            bool b => b ? 1 : 0,
            var x => throw Bad(ev, c, $"argument {name} is {TorchScriptEvaluator.Describe(x)}, not a number known at translation"),
        };

    private static bool B(TorchScriptEvaluator ev, AtenCall c, int i, string name, bool dflt = false) =>
        Arg(c, i, name, dflt) switch
        {
            bool b => b,
            long l => l != 0,
            null => dflt,
            var x => throw Bad(ev, c, $"argument {name} is {TorchScriptEvaluator.Describe(x)}, not a bool known at translation"),
        };

    private static long[] Ls(TorchScriptEvaluator ev, AtenCall c, int i, string name, long[]? dflt = null)
    {
        var v = Arg(c, i, name, dflt);
        return v switch
        {
            long[] a => a,
            long l => [l],
            List<object?> l => [.. l.Select(x => IntOrProbe(ev, x) ?? throw Bad(ev, c, $"{name} holds {TorchScriptEvaluator.Describe(x)}, not an int known at translation"))],
            PyTupleValue t => [.. t.Items.Select(x => IntOrProbe(ev, x) ?? throw Bad(ev, c, $"{name} holds {TorchScriptEvaluator.Describe(x)}"))],
            _ => throw Bad(ev, c, $"argument {name} is {TorchScriptEvaluator.Describe(v)}, not an int list"),
        };
    }

    /// <summary>An int, or a run-time size (a symbolic dim's scalar) as its probe value; null for anything else.</summary>
    private static long? IntOrProbe(TorchScriptEvaluator ev, object? x) =>
        x switch { long q => q, TensorRef t when !t.DType.IsFloat && ev.Graph.Rep(t) is { } r => (long)r, _ => null };

    /// <summary>A list of ints of <paramref name="n"/> entries (a single int is repeated, as aten's <c>int[2]</c> allows).</summary>
    private static long[] LsN(TorchScriptEvaluator ev, AtenCall c, int i, string name, int n, long[] dflt)
    {
        var v = Ls(ev, c, i, name, dflt);
        if (v.Length == 0) v = dflt;
        return v.Length == 1 && n > 1 ? [.. Enumerable.Repeat(v[0], n)] : v;
    }

    private static List<TensorRef> Tensors(TorchScriptEvaluator ev, AtenCall c, int i, string name) =>
        [.. ev.Items(Arg(c, i, name), c.Pos).Select(x => x as TensorRef ?? throw Bad(ev, c, $"{name} holds {TorchScriptEvaluator.Describe(x)}, not a tensor"))];

    private static int Axis(TorchScriptEvaluator ev, AtenCall c, long d, int rank)
    {
        var a = d < 0 ? d + rank : d;
        if (a < 0 || a >= Math.Max(rank, 1)) throw Bad(ev, c, $"dim {d} out of range for rank {rank}");
        return (int)a;
    }

    // ---- dtypes ------------------------------------------------------------------------------------------------------------

    /// <summary>c10::ScalarType codes as TorchScript writes <c>dtype=6</c>.</summary>
    public static int ScalarTypeOf(DataType d) =>
        d == DataType.UInt8 ? 0 : d == DataType.Int8 ? 1 : d == DataType.Int16 ? 2 : d == DataType.Int32 ? 3 : d == DataType.Int64 ? 4
        : d == DataType.Float16 ? 5 : d == DataType.Float32 ? 6 : d == DataType.Float64 ? 7 : d == DataType.Bool ? 11 : d == DataType.BFloat16 ? 15 : -1;

    private static DataType? DTypeOf(object? v) => v switch
    {
        long code => code switch
        {
            0 => DataType.UInt8, 1 => DataType.Int8, 2 => DataType.Int16, 3 => DataType.Int32, 4 => DataType.Int64, 5 => DataType.Float16,
            6 => DataType.Float32, 7 => DataType.Float64, 11 => DataType.Bool, 15 => DataType.BFloat16, _ => null,
        },
        TorchDType t => t.Name switch
        {
            "float32" or "float" => DataType.Float32, "float64" or "double" => DataType.Float64, "float16" or "half" => DataType.Float16,
            "int64" or "long" => DataType.Int64, "int32" or "int" => DataType.Int32, "bool" => DataType.Bool, "uint8" => DataType.UInt8, "int8" => DataType.Int8,
            _ => null,
        },
        _ => null,
    };

    private static DataType DTypeArg(TorchScriptEvaluator ev, AtenCall c, int i, string name, DataType dflt)
    {
        var v = Arg(c, i, name);
        if (v is null) return dflt;
        return DTypeOf(v) ?? throw Bad(ev, c, $"dtype {TorchScriptEvaluator.Describe(v)} is not supported");
    }

    /// <summary>torch's type promotion for two operands (a Python number does not promote a tensor of its category).</summary>
    private static DataType Promote(object? a, object? b)
    {
        static int Cat(DataType d) => d.IsFloat ? 2 : d == DataType.Bool ? 0 : 1;
        static int CatOf(object? v) => v switch { double => 2, long => 1, bool => 0, _ => -1 };
        if (a is TensorRef x && b is TensorRef y)
        {
            if (x.DType == y.DType) return x.DType;
            var (cx, cy) = (Cat(x.DType), Cat(y.DType));
            if (cx != cy) return cx > cy ? x.DType : y.DType;
            if (x.Rank == 0 && y.Rank > 0) return y.DType;
            if (y.Rank == 0 && x.Rank > 0) return x.DType;
            return x.DType.ElementSize >= y.DType.ElementSize ? x.DType : y.DType;
        }
        var (t, n) = a is TensorRef ta ? (ta, b) : ((TensorRef)b!, a);
        return CatOf(n) > Cat(t.DType) ? (CatOf(n) == 2 ? DataType.Float32 : DataType.Int64) : t.DType;
    }

    // ---- shapes ------------------------------------------------------------------------------------------------------------

    private static ImmutableArray<long> Broadcast(TorchScriptEvaluator ev, AtenCall c, ImmutableArray<long> a, ImmutableArray<long> b)
    {
        var n = Math.Max(a.Length, b.Length);
        var r = new long[n];
        for (var i = 0; i < n; i++)
        {
            var x = i - (n - a.Length) >= 0 ? a[i - (n - a.Length)] : 1;
            var y = i - (n - b.Length) >= 0 ? b[i - (n - b.Length)] : 1;
            if (x != y && x != 1 && y != 1) throw Bad(ev, c, $"shapes {Tensor.FormatShape(a)} and {Tensor.FormatShape(b)} do not broadcast");
            r[i] = x == 1 ? y : x;
        }
        return [.. r];
    }

    // ---- Python-level folding ------------------------------------------------------------------------------------------------

    /// <summary>A Python operator on values known at translation (ints, floats, bools, strings, lists, None).</summary>
    public static object? Fold(TorchScriptEvaluator ev, string op, object? l, object? r, TsPos pos)
    {
        switch (op)
        {
            case "is": return IsSame(l, r);
            case "is not": return !IsSame(l, r);
            case "==": return PyEquals(l, r);
            case "!=": return !PyEquals(l, r);
            case "in" when r is string hay && l is string needle: return hay.Contains(needle, StringComparison.Ordinal);
            case "not in" when r is string hay && l is string needle: return !hay.Contains(needle, StringComparison.Ordinal);
            case "in" when r is Dictionary<object, object?> d: return l is not null && d.ContainsKey(l);
            case "in": return ev.Items(r, pos).Any(x => PyEquals(x, l));
            case "not in": return !ev.Items(r, pos).Any(x => PyEquals(x, l));
        }
        if (op == "+" && l is string ls && r is string rs) return ls + rs;
        if (op == "+" && l is List<object?> ll && r is List<object?> rl) return ll.Concat(rl).ToList();
        if (op == "*" && l is List<object?> ml && r is long times) return Enumerable.Range(0, (int)Math.Max(0, times)).SelectMany(_ => ml).ToList();
        if (l is bool lb) l = lb ? 1L : 0L;
        if (r is bool rb) r = rb ? 1L : 0L;
        if (l is long a && r is long b)
            return op switch
            {
                "+" => a + b, "-" => a - b, "*" => a * b, "/" => (double)a / b,
                "//" => b == 0 ? throw ev.Error(TorchDiagnosticIds.Raised, pos, "integer division by zero") : FloorDiv(a, b),
                "%" => b == 0 ? throw ev.Error(TorchDiagnosticIds.Raised, pos, "integer modulo by zero") : a - b * FloorDiv(a, b),
                "**" => b >= 0 ? (object)(long)Math.Pow(a, b) : Math.Pow(a, b),
                "<" => a < b, "<=" => a <= b, ">" => a > b, ">=" => a >= b,
                "&" => a & b, "|" => a | b, "^" => a ^ b, "<<" => a << (int)b, ">>" => a >> (int)b,
                _ => throw ev.Error(TorchDiagnosticIds.UnsupportedConstruct, pos, $"operator {op} on ints"),
            };
        if (l is long or double && r is long or double)
        {
            var (x, y) = (Convert.ToDouble(l, CultureInfo.InvariantCulture), Convert.ToDouble(r, CultureInfo.InvariantCulture));
            return op switch
            {
                "+" => x + y, "-" => x - y, "*" => x * y, "/" => x / y, "//" => Math.Floor(x / y), "%" => x - y * Math.Floor(x / y), "**" => Math.Pow(x, y),
                "<" => x < y, "<=" => x <= y, ">" => x > y, ">=" => x >= y,
                _ => throw ev.Error(TorchDiagnosticIds.UnsupportedConstruct, pos, $"operator {op} on floats"),
            };
        }
        throw ev.Error(TorchDiagnosticIds.UnsupportedConstruct, pos, $"operator {op} on {TorchScriptEvaluator.Describe(l)} and {TorchScriptEvaluator.Describe(r)}");
    }

    private static long FloorDiv(long a, long b) => a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);

    private static bool IsSame(object? a, object? b) => a is null || b is null ? a is null && b is null : ReferenceEquals(a, b) || (a is not TensorRef && Equals(a, b));

    private static bool PyEquals(object? a, object? b)
    {
        if (a is bool ab) a = ab ? 1L : 0L;
        if (b is bool bb) b = bb ? 1L : 0L;
        if (a is long or double && b is long or double) return Convert.ToDouble(a, CultureInfo.InvariantCulture) == Convert.ToDouble(b, CultureInfo.InvariantCulture);
        var la = a is PyTupleValue ta ? ta.Items.ToList() : a as List<object?>;
        var lb = b is PyTupleValue tb ? tb.Items.ToList() : b as List<object?>;
        if (la is not null && lb is not null) return la.Count == lb.Count && la.Zip(lb).All(z => PyEquals(z.First, z.Second));
        return Equals(a, b);
    }
}

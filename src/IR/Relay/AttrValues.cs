using System.Collections;
using System.Globalization;
using Bridge.Ir.Ops;

namespace Bridge.Ir.Relay;

/// <summary>Conversion, comparison and printing of attribute values (parsed values → typed record fields and back).</summary>
public static class AttrValues
{
    /// <summary>Converts a parsed value (long, double, bool, string, null, List, MetaRef, Expr) to the field's CLR type.</summary>
    public static object? Coerce(object? v, AttrField f)
    {
        var t = Nullable.GetUnderlyingType(f.ClrType) ?? f.ClrType;
        if (v is null)
        {
            if (t == typeof(string)) return f.IsOptional ? null : "";
            if (f.IsOptional || !f.ClrType.IsValueType || Nullable.GetUnderlyingType(f.ClrType) is not null) return null;
            throw new FormatException("None is not allowed here");
        }
        if (t == typeof(long)) return v switch { long l => l, bool b => b ? 1L : 0L, double d when d == Math.Floor(d) => (long)d, _ => throw Bad(v, "an integer") };
        if (t == typeof(double)) return v switch { long l => (double)l, double d => d, _ => throw Bad(v, "a number") };
        if (t == typeof(bool)) return v switch { bool b => b, long l => l != 0, _ => throw Bad(v, "a boolean") };
        if (t == typeof(string))
        {
            var str = v as string ?? throw Bad(v, "a string");
            // DataType fields are strings; "" means unset. Reject what no TVM dtype parser accepts.
            if (f.Name.EndsWith("dtype", StringComparison.Ordinal) && str.Length > 0 && !Core.Tensors.DataType.TryParse(str, out _))
                throw new FormatException($"'{str}' is not a dtype");
            return str;
        }
        if (t == typeof(ValueArray<long>)) return v switch
        {
            List<object?> l => new ValueArray<long>(l.Select(x => x is long n ? n : x is double d && d == Math.Floor(d) ? (long)d : throw Bad(x, "an integer"))),
            long n => new ValueArray<long>([n]),
            _ => throw Bad(v, "an integer array"),
        };
        if (t == typeof(ValueArray<double>)) return v switch
        {
            List<object?> l => new ValueArray<double>(l.Select(x => x is long n ? n : x is double d ? d : throw Bad(x, "a number"))),
            _ => throw Bad(v, "a number array"),
        };
        if (t == typeof(ValueArray<ValueArray<long>>)) return v switch
        {
            List<object?> l => new ValueArray<ValueArray<long>>(l.Select(x => x is List<object?> inner
                ? new ValueArray<long>(inner.Select(y => y is long n ? n : throw Bad(y, "an integer"))) : throw Bad(x, "an array"))),
            _ => throw Bad(v, "a nested integer array"),
        };
        return Freeze(v);
    }

    /// <summary>Turns parsed lists into value-equal arrays (for object-typed fields and DictAttrs).</summary>
    public static object? Freeze(object? v) => v is List<object?> l ? new ValueArray<object?>(l.Select(Freeze)) : v;

    public static System.Collections.Immutable.ImmutableArray<KeyValuePair<string, object?>> FreezeAll(IEnumerable<KeyValuePair<string, object?>> pairs) =>
        [.. pairs.Select(p => new KeyValuePair<string, object?>(p.Key, Freeze(p.Value)))];

    private static FormatException Bad(object? v, string what) => new($"expected {what} but got {Format(v)}");

    public static bool Equal(object? a, object? b) => a is Expr || b is Expr ? ReferenceEquals(a, b) : Equals(a, b);

    /// <summary>Prints a value the way TVM's text printer does (ints plain, doubles %g + f, bools True/False, strings quoted).</summary>
    public static string Format(object? v) => v switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d) + "f",
        string s => Quote(s),
        MetaRef m => m.ToString(),
        Constant c when c.MetaIndex is { } mi => $"meta[relay.Constant][{mi}]",
        IEnumerable e when v is not string => FormatSequence(e.Cast<object?>().ToList()),
        Expr => Text.RelayTextWriter.PrintInline((Expr)v),
        _ when IsPair(v) => FormatPair(v),
        _ => v.ToString() ?? "",
    };

    // A map attribute (TVM StrMap, read as key/value pairs) prints as {"key": value, …}, never as a .NET type name.
    private static string FormatSequence(List<object?> items) =>
        items.Count > 0 && items.All(i => i is not null && IsPair(i))
            ? "{" + string.Join(", ", items.Select(i => FormatPair(i!))) + "}"
            : "[" + string.Join(", ", items.Select(Format)) + "]";

    private static bool IsPair(object v) => v.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(KeyValuePair<,>);

    private static string FormatPair(object kv)
    {
        var t = kv.GetType();
        var key = t.GetProperty("Key")!.GetValue(kv);
        return $"{(key is string s ? Quote(s) : Format(key))}: {Format(t.GetProperty("Value")!.GetValue(kv))}";
    }

    /// <summary>C++ ostream default formatting (6 significant digits, %g style).</summary>
    public static string FormatDouble(double d)
    {
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        if (double.IsNaN(d)) return "nan";
        if (d == 0) return d.ToString(CultureInfo.InvariantCulture) == "-0" ? "-0" : "0";
        var exp = (int)Math.Floor(Math.Log10(Math.Abs(d)));
        var r = double.Parse(d.ToString("E5", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        exp = (int)Math.Floor(Math.Log10(Math.Abs(r)));
        if (exp < -4 || exp >= 6)
        {
            var mant = r / Math.Pow(10, exp);
            var ms = Math.Round(mant, 5).ToString("0.#####", CultureInfo.InvariantCulture);
            return ms + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        var decimals = Math.Max(0, 5 - exp);
        return Math.Round(r, decimals).ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture);
    }

    public static string Quote(string s)
    {
        var sb = new System.Text.StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < 0x20 || c > 0x7e) sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c & 0xff:X2}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}

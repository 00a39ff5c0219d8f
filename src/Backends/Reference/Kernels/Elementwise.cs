using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>Elementwise unary ops. Parameterised ones (leaky_relu, elu, hard_sigmoid, …) read <see cref="UnaryParams"/>.</summary>
public enum UnaryOp
{
    Exp, Log, Log2, Log10, Log1p, Expm1, Sqrt, Rsqrt, Sigmoid, Tanh, Erf, GeluErf, GeluTanh, Relu, LeakyRelu, Elu, Selu, Softplus,
    Silu, HardSigmoid, HardSwish, Mish, Abs, Neg, Sign, Floor, Ceil, Round, Trunc, Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh,
    Asinh, Acosh, Atanh, Square, Reciprocal, IsNan, IsInf, IsFinite, LogicalNot, BitwiseNot,
}

/// <summary>Elementwise binary ops with numpy broadcasting.</summary>
public enum BinaryOp
{
    Add, Subtract, Multiply, Divide, FloorDivide, FloorMod, TruncDivide, TruncMod, Power, Maximum, Minimum, Atan2,
    Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual, LogicalAnd, LogicalOr, LogicalXor,
    BitwiseAnd, BitwiseOr, BitwiseXor, LeftShift, RightShift,
}

/// <summary>Parameters of the parameterised unary ops (defaults are TVM's/PyTorch's).</summary>
public sealed record UnaryParams(double Alpha = 0.01, double Beta = 0.5)
{
    public static readonly UnaryParams Default = new();
}

/// <summary>
/// Elementwise kernels. Float16/bfloat16 compute in float32 and round once on store; float32 in float32 (MathF, libm-grade, not
/// correctly rounded: up to ~1 ulp from numpy for transcendental functions); float64 in double; integers and bool in int64 with C
/// wrap-around on store. Integer <see cref="BinaryOp.Divide"/> truncates (TVM/C semantics); division by zero in integers is an error.
/// </summary>
public static class Elementwise
{
    /// <summary>Applies a unary op. isnan/isinf/isfinite/logical_not return bool; everything else keeps the dtype.</summary>
    public static Tensor Unary(UnaryOp op, Tensor x, UnaryParams? p = null)
    {
        p ??= UnaryParams.Default;
        var shape = x.Shape.ToArray();
        var name = op.ToString();
        if (op is UnaryOp.IsNan or UnaryOp.IsInf or UnaryOp.IsFinite or UnaryOp.LogicalNot)
        {
            var r = new long[x.Length];
            if (x.DType.IsFloat)
            {
                var d = ToDouble(x);
                for (var i = 0; i < d.Length; i++)
                    r[i] = (op switch { UnaryOp.IsNan => double.IsNaN(d[i]), UnaryOp.IsInf => double.IsInfinity(d[i]), UnaryOp.IsFinite => double.IsFinite(d[i]), _ => d[i] == 0 }) ? 1 : 0;
            }
            else
            {
                var l = ToLong(x);
                for (var i = 0; i < l.Length; i++) r[i] = op switch { UnaryOp.IsFinite => 1, UnaryOp.LogicalNot => l[i] == 0 ? 1 : 0, _ => 0 };
            }
            return FromLong(DataType.Bool, shape, r);
        }
        switch (FamilyOf(x.DType))
        {
            case Family.F32:
            {
                if (op == UnaryOp.BitwiseNot) throw Fail(KernelDiagnosticIds.UnsupportedDType, name, $"not defined for {x.DType}");
                if (x.DType == DataType.Float32 && op is UnaryOp.Exp or UnaryOp.Tanh or UnaryOp.Abs or UnaryOp.Neg or UnaryOp.Relu)
                {
                    // Copy-free: read the input buffer, write the output once.
                    var y = Tensor.Uninitialized(DataType.Float32, shape);
                    var src = x.ReadOnlySpan<float>();
                    var dst = y.Span<float>();
                    switch (op)
                    {
                        case UnaryOp.Exp: TensorPrimitives.Exp(src, dst); break;
                        case UnaryOp.Tanh: TensorPrimitives.Tanh(src, dst); break;
                        case UnaryOp.Abs: TensorPrimitives.Abs(src, dst); break;
                        case UnaryOp.Neg: TensorPrimitives.Negate(src, dst); break;
                        // IEEE maximum: NaN stays NaN and -0 becomes +0, as the scalar rule below.
                        default: TensorPrimitives.Max(src, 0f, dst); break;
                    }
                    return y;
                }
                var v = ToFloat(x);
                switch (op)
                {
                    case UnaryOp.Exp: TensorPrimitives.Exp(v, v); break;
                    case UnaryOp.Tanh: TensorPrimitives.Tanh(v, v); break;
                    case UnaryOp.Abs: TensorPrimitives.Abs(v, v); break;
                    case UnaryOp.Neg: TensorPrimitives.Negate(v, v); break;
                    case UnaryOp.Relu: for (var i = 0; i < v.Length; i++) v[i] = v[i] > 0 ? v[i] : float.IsNaN(v[i]) ? v[i] : 0f; break;
                    default:
                        var (a, b) = ((float)p.Alpha, (float)p.Beta);
                        for (var i = 0; i < v.Length; i++) v[i] = (float)F64(op, v[i], a, b, single: true);
                        break;
                }
                return FromFloat(x.DType, shape, v);
            }
            case Family.F64:
            {
                if (op == UnaryOp.BitwiseNot) throw Fail(KernelDiagnosticIds.UnsupportedDType, name, $"not defined for {x.DType}");
                var v = ToDouble(x);
                for (var i = 0; i < v.Length; i++) v[i] = F64(op, v[i], p.Alpha, p.Beta, single: false);
                return FromDouble(x.DType, shape, v);
            }
            default:
            {
                var v = ToLong(x);
                var uns = x.DType.IsUInt;
                for (var i = 0; i < v.Length; i++)
                {
                    var a = v[i];
                    v[i] = op switch
                    {
                        UnaryOp.Abs => uns || a >= 0 ? a : unchecked(-a),
                        UnaryOp.Neg => unchecked(-a),
                        UnaryOp.Sign => uns ? (a != 0 ? 1 : 0) : Math.Sign(a),
                        UnaryOp.Relu => uns ? a : Math.Max(a, 0),
                        UnaryOp.Square => unchecked(a * a),
                        UnaryOp.Floor or UnaryOp.Ceil or UnaryOp.Round or UnaryOp.Trunc => a,
                        UnaryOp.BitwiseNot => x.DType.IsBool ? (a == 0 ? 1 : 0) : ~a,
                        _ => throw Fail(KernelDiagnosticIds.UnsupportedDType, name, $"not defined for {x.DType} (cast to a float type first)"),
                    };
                }
                return FromLong(x.DType, shape, v);
            }
        }
    }

    /// <summary>The scalar function in double (for float32 the caller rounds; <paramref name="single"/> picks float32 libm where it differs).</summary>
    private static double F64(UnaryOp op, double x, double alpha, double beta, bool single) => op switch
    {
        UnaryOp.Exp => single ? MathF.Exp((float)x) : Math.Exp(x),
        UnaryOp.Log => single ? MathF.Log((float)x) : Math.Log(x),
        UnaryOp.Log2 => Math.Log2(x),
        UnaryOp.Log10 => Math.Log10(x),
        UnaryOp.Log1p => Log1p(x),
        UnaryOp.Expm1 => Expm1(x),
        UnaryOp.Sqrt => Math.Sqrt(x),
        UnaryOp.Rsqrt => 1 / Math.Sqrt(x),
        UnaryOp.Sigmoid => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x)),
        UnaryOp.Tanh => Math.Tanh(x),
        UnaryOp.Erf => SpecialFunctions.Erf(x),
        UnaryOp.GeluErf => 0.5 * x * (1 + SpecialFunctions.Erf(x / Math.Sqrt(2))),
        UnaryOp.GeluTanh => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        UnaryOp.Relu => x > 0 || double.IsNaN(x) ? x : 0,
        UnaryOp.LeakyRelu => x >= 0 || double.IsNaN(x) ? x : alpha * x,
        UnaryOp.Elu => x > 0 || double.IsNaN(x) ? x : alpha * Expm1(x),
        UnaryOp.Selu => 1.0507009873554804934193349852946 * (x > 0 || double.IsNaN(x) ? x : 1.6732632423543772848170429916717 * Expm1(x)),
        UnaryOp.Softplus => Math.Max(x, 0) + Log1p(Math.Exp(-Math.Abs(x))) + (double.IsNaN(x) ? x : 0),
        UnaryOp.Silu => x * (x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x))),
        UnaryOp.HardSigmoid => double.IsNaN(x) ? x : Math.Clamp(alpha * x + beta, 0, 1),
        UnaryOp.HardSwish => double.IsNaN(x) ? x : x * Math.Clamp(x + 3, 0, 6) / 6,
        UnaryOp.Mish => x * Math.Tanh(Math.Max(x, 0) + Log1p(Math.Exp(-Math.Abs(x)))),
        UnaryOp.Abs => Math.Abs(x),
        UnaryOp.Neg => -x,
        UnaryOp.Sign => double.IsNaN(x) ? x : Math.Sign(x),
        UnaryOp.Floor => Math.Floor(x),
        UnaryOp.Ceil => Math.Ceiling(x),
        UnaryOp.Round => Math.Round(x, MidpointRounding.ToEven),
        UnaryOp.Trunc => Math.Truncate(x),
        UnaryOp.Sin => Math.Sin(x),
        UnaryOp.Cos => Math.Cos(x),
        UnaryOp.Tan => Math.Tan(x),
        UnaryOp.Asin => Math.Asin(x),
        UnaryOp.Acos => Math.Acos(x),
        UnaryOp.Atan => Math.Atan(x),
        UnaryOp.Sinh => Math.Sinh(x),
        UnaryOp.Cosh => Math.Cosh(x),
        UnaryOp.Asinh => Math.Asinh(x),
        UnaryOp.Acosh => Math.Acosh(x),
        UnaryOp.Atanh => Math.Atanh(x),
        UnaryOp.Square => x * x,
        UnaryOp.Reciprocal => 1 / x,
        _ => throw new Core.Diagnostics.BridgeInternalError($"unary {op}"),
    };

    // log(1+x) without cancellation (Goldberg's trick): the rounding error of u = 1+x is divided back out.
    private static double Log1p(double x)
    {
        var u = 1 + x;
        return u == 1 ? x : double.IsInfinity(u) ? u : Math.Log(u) * x / (u - 1);
    }

    // exp(x)-1 without cancellation (Kahan): u = e^x, then (u-1)·x/log(u).
    private static double Expm1(double x)
    {
        var u = Math.Exp(x);
        if (u == 1) return x;
        var um1 = u - 1;
        return um1 == -1 ? -1 : double.IsInfinity(u) ? u : um1 * x / Math.Log(u);
    }

    /// <summary>Applies a binary op with numpy broadcasting. Both operands must have one dtype; comparisons and logical ops return bool.</summary>
    public static Tensor Binary(BinaryOp op, Tensor a, Tensor b)
    {
        var name = op.ToString();
        if (a.DType != b.DType) throw Fail(KernelDiagnosticIds.UnsupportedDType, name, $"operands have different dtypes {a.DType} {Fmt(a.Shape)} and {b.DType} {Fmt(b.Shape)}");
        var outShape = BroadcastShapes(name, a.Shape, b.Shape);
        var n = Product(outShape);
        var same = a.Shape.SequenceEqual(b.Shape);
        var boolOut = op is >= BinaryOp.Equal and <= BinaryOp.LogicalXor;
        var t = a.DType;
        if (op >= BinaryOp.BitwiseAnd && !t.IsIntegral) throw Fail(KernelDiagnosticIds.UnsupportedDType, name, $"not defined for {t}");
        if (t == DataType.Float32 && FastFloat32.Supports(op)) return FastFloat32.Binary(op, a, b, outShape);
        long[]? oa = same ? null : OffsetsOf(outShape, BroadcastStrides(a.Shape, outShape));
        long[]? ob = same ? null : OffsetsOf(outShape, BroadcastStrides(b.Shape, outShape));

        if (op is BinaryOp.LogicalAnd or BinaryOp.LogicalOr or BinaryOp.LogicalXor)
        {
            var da = ToDouble(a); var db = ToDouble(b);
            var r = new long[n];
            for (long i = 0; i < n; i++)
            {
                bool x = da[oa?[i] ?? i] != 0, y = db[ob?[i] ?? i] != 0;
                r[i] = (op switch { BinaryOp.LogicalAnd => x && y, BinaryOp.LogicalOr => x || y, _ => x ^ y }) ? 1 : 0;
            }
            return FromLong(DataType.Bool, outShape, r);
        }

        switch (FamilyOf(t))
        {
            case Family.F32:
            {
                var fa = ToFloat(a); var fb = ToFloat(b);
                if (same && !boolOut && op is BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide)
                {
                    var r0 = new float[n];
                    switch (op)
                    {
                        case BinaryOp.Add: TensorPrimitives.Add(fa, fb, r0); break;
                        case BinaryOp.Subtract: TensorPrimitives.Subtract(fa, fb, r0); break;
                        case BinaryOp.Multiply: TensorPrimitives.Multiply(fa, fb, r0); break;
                        default: TensorPrimitives.Divide(fa, fb, r0); break;
                    }
                    return FromFloat(t, outShape, r0);
                }
                if (boolOut)
                {
                    var rb = new long[n];
                    for (long i = 0; i < n; i++) rb[i] = Compare(op, fa[oa?[i] ?? i], fb[ob?[i] ?? i]) ? 1 : 0;
                    return FromLong(DataType.Bool, outShape, rb);
                }
                var r = new float[n];
                for (long i = 0; i < n; i++) r[i] = (float)FloatOp(op, fa[oa?[i] ?? i], fb[ob?[i] ?? i], single: true);
                return FromFloat(t, outShape, r);
            }
            case Family.F64:
            {
                var da = ToDouble(a); var db = ToDouble(b);
                if (boolOut)
                {
                    var rb = new long[n];
                    for (long i = 0; i < n; i++) rb[i] = Compare(op, da[oa?[i] ?? i], db[ob?[i] ?? i]) ? 1 : 0;
                    return FromLong(DataType.Bool, outShape, rb);
                }
                var r = new double[n];
                for (long i = 0; i < n; i++) r[i] = FloatOp(op, da[oa?[i] ?? i], db[ob?[i] ?? i], single: false);
                return FromDouble(t, outShape, r);
            }
            default:
            {
                var la = ToLong(a); var lb = ToLong(b);
                var r = new long[n];
                var u64 = t == DataType.UInt64;
                var bits = t.IsBool ? 1 : t.Bits;
                for (long i = 0; i < n; i++)
                {
                    long x = la[oa?[i] ?? i], y = lb[ob?[i] ?? i];
                    r[i] = boolOut ? (u64 ? Compare(op, (ulong)x, (ulong)y) : Compare(op, x, y)) ? 1 : 0 : IntOp(op, x, y, u64, t.IsUInt, bits, name);
                }
                return FromLong(boolOut ? DataType.Bool : t, outShape, r);
            }
        }
    }

    private static bool Compare<T>(BinaryOp op, T x, T y) where T : System.Numerics.INumber<T> => op switch
    {
        BinaryOp.Equal => x == y,
        BinaryOp.NotEqual => x != y,
        BinaryOp.Less => x < y,
        BinaryOp.LessEqual => x <= y,
        BinaryOp.Greater => x > y,
        _ => x >= y,
    };

    private static double FloatOp(BinaryOp op, double x, double y, bool single)
    {
        switch (op)
        {
            case BinaryOp.Add: return x + y;
            case BinaryOp.Subtract: return x - y;
            case BinaryOp.Multiply: return x * y;
            case BinaryOp.Divide: return single ? (float)x / (float)y : x / y;
            case BinaryOp.FloorDivide: return DivMod(x, y).Div;
            case BinaryOp.FloorMod: return DivMod(x, y).Mod;
            case BinaryOp.TruncDivide: return Math.Truncate(single ? (float)x / (float)y : x / y);
            case BinaryOp.TruncMod: return x % y;
            case BinaryOp.Power: return single ? MathF.Pow((float)x, (float)y) : Math.Pow(x, y);
            // numpy maximum/minimum: NaN in either operand propagates.
            case BinaryOp.Maximum: return double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Max(x, y);
            case BinaryOp.Minimum: return double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Min(x, y);
            case BinaryOp.Atan2: return Math.Atan2(x, y);
            default: throw Fail(KernelDiagnosticIds.UnsupportedDType, op.ToString(), "not defined for floating-point operands");
        }
    }

    /// <summary>numpy's npy_divmod: floor division and the matching modulo (sign of the divisor), exact for representable cases.</summary>
    internal static (double Div, double Mod) DivMod(double a, double b)
    {
        if (b == 0) return (a / b, double.NaN);
        var mod = a % b;
        var div = (a - mod) / b;
        if (mod != 0)
        {
            if (b < 0 != mod < 0) { mod += b; div -= 1; }
        }
        else mod = Math.CopySign(0, b);
        double fd;
        if (div != 0)
        {
            fd = Math.Floor(div);
            if (div - fd > 0.5) fd += 1;
        }
        else fd = Math.CopySign(0, a / b);
        return (fd, mod);
    }

    private static long IntOp(BinaryOp op, long x, long y, bool u64, bool uns, int bits, string name)
    {
        unchecked
        {
            switch (op)
            {
                case BinaryOp.Add: return x + y;
                case BinaryOp.Subtract: return x - y;
                case BinaryOp.Multiply: return x * y;
                case BinaryOp.Maximum: return u64 ? (long)Math.Max((ulong)x, (ulong)y) : Math.Max(x, y);
                case BinaryOp.Minimum: return u64 ? (long)Math.Min((ulong)x, (ulong)y) : Math.Min(x, y);
                case BinaryOp.BitwiseAnd: return x & y;
                case BinaryOp.BitwiseOr: return x | y;
                case BinaryOp.BitwiseXor: return x ^ y;
                case BinaryOp.LeftShift: return y < 0 || y >= 64 ? 0 : x << (int)y;
                case BinaryOp.RightShift:
                    if (uns) return y < 0 || y >= 64 ? 0 : (long)((ulong)x >> (int)y);
                    return y < 0 || y >= 64 ? (x < 0 ? -1 : 0) : x >> (int)y;
                case BinaryOp.Power:
                {
                    if (y < 0) return x == 1 ? 1 : x == -1 ? ((y & 1) == 0 ? 1 : -1) : 0;
                    long r = 1, bse = x;
                    var e = (ulong)y;
                    while (e != 0) { if ((e & 1) != 0) r *= bse; bse *= bse; e >>= 1; }
                    return r;
                }
                case BinaryOp.Atan2:
                    throw Fail(KernelDiagnosticIds.UnsupportedDType, name, "not defined for integer operands");
            }
            if (y == 0) throw Fail(KernelDiagnosticIds.DivisionByZero, name, $"integer division by zero ({x} / 0)");
            if (u64)
            {
                ulong ux = (ulong)x, uy = (ulong)y;
                return op is BinaryOp.Divide or BinaryOp.FloorDivide or BinaryOp.TruncDivide ? (long)(ux / uy) : (long)(ux % uy);
            }
            if (x == long.MinValue && y == -1) return op is BinaryOp.TruncMod or BinaryOp.FloorMod ? 0 : long.MinValue;
            var q = x / y;
            var m = x % y;
            return op switch
            {
                BinaryOp.Divide or BinaryOp.TruncDivide => q,
                BinaryOp.TruncMod => m,
                BinaryOp.FloorDivide => m != 0 && (m < 0 != y < 0) ? q - 1 : q,
                _ => m != 0 && (m < 0 != y < 0) ? m + y : m,
            };
        }
    }

    /// <summary>numpy.where with three-way broadcasting; x and y must share a dtype (copied bit-exactly).</summary>
    public static Tensor Where(Tensor cond, Tensor x, Tensor y)
    {
        const string op = "where";
        if (x.DType != y.DType) throw Fail(KernelDiagnosticIds.UnsupportedDType, op, $"branches have dtypes {x.DType} and {y.DType}");
        var s = BroadcastShapes(op, BroadcastShapes(op, cond.Shape, x.Shape).ToImmutableArray(), y.Shape);
        var oc = OffsetsOf(s, BroadcastStrides(cond.Shape, s));
        var ox = OffsetsOf(s, BroadcastStrides(x.Shape, s));
        var oy = OffsetsOf(s, BroadcastStrides(y.Shape, s));
        var c = ToDouble(cond);
        var both = Manipulate.Concat([x.Reshape(x.Length), y.Reshape(y.Length)], 0);
        var map = new long[oc.Length];
        for (var i = 0; i < map.Length; i++) map[i] = c[oc[i]] != 0 ? ox[i] : x.Length + oy[i];
        return GatherFlat(both, s, map);
    }

    /// <summary>clip(x, lo, hi) in the dtype's family; NaN stays NaN.</summary>
    public static Tensor Clip(Tensor x, double lo, double hi)
    {
        var shape = x.Shape.ToArray();
        switch (FamilyOf(x.DType))
        {
            case Family.F32:
            {
                var v = ToFloat(x);
                var (l, h) = ((float)lo, (float)hi);
                for (var i = 0; i < v.Length; i++) v[i] = float.IsNaN(v[i]) ? v[i] : Math.Min(Math.Max(v[i], l), h);
                return FromFloat(x.DType, shape, v);
            }
            case Family.F64:
            {
                var v = ToDouble(x);
                for (var i = 0; i < v.Length; i++) v[i] = double.IsNaN(v[i]) ? v[i] : Math.Min(Math.Max(v[i], lo), hi);
                return FromDouble(x.DType, shape, v);
            }
            default:
            {
                var v = ToDouble(x);
                for (var i = 0; i < v.Length; i++) v[i] = Math.Min(Math.Max(v[i], Math.Ceiling(lo)), Math.Floor(hi));
                return x.DType == DataType.Int64 || x.DType == DataType.UInt64 ? ClipLong(x, lo, hi) : FromDouble(x.DType, shape, v);
            }
        }

        static Tensor ClipLong(Tensor x, double lo, double hi)
        {
            var v = ToLong(x);
            var l = lo <= -9.2e18 ? long.MinValue : (long)Math.Ceiling(lo);
            var h = hi >= 9.2e18 ? long.MaxValue : (long)Math.Floor(hi);
            for (var i = 0; i < v.Length; i++) v[i] = Math.Min(Math.Max(v[i], l), h);
            return FromLong(x.DType, [.. x.Shape], v);
        }
    }

    /// <summary>prelu: x where x ≥ 0, alpha[c]·x otherwise, with alpha a 1-d tensor along <paramref name="axis"/> (or of one element).</summary>
    public static Tensor Prelu(Tensor x, Tensor alpha, long axis = 1)
    {
        const string op = "prelu";
        var a = Axis(op, axis, x.Rank);
        if (alpha.Length != 1 && (alpha.Rank != 1 || alpha.Shape[0] != x.Shape[a]))
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"alpha {Fmt(alpha.Shape)} does not match axis {a} of {Fmt(x.Shape)}");
        var shape = Enumerable.Repeat(1L, x.Rank).ToArray();
        if (alpha.Length != 1) shape[a] = x.Shape[a];
        var al = alpha.Reshape(shape);
        var neg = Binary(BinaryOp.Multiply, x, Manipulate.Cast(al, x.DType));
        var zero = Manipulate.Full([], 0, x.DType);
        return Where(Binary(BinaryOp.Less, x, zero), neg, x);
    }
}

/// <summary>Special functions .NET lacks.</summary>
public static class SpecialFunctions
{
    /// <summary>The error function to ~1e-15 relative: a Maclaurin series below |x| = 3, a continued fraction for erfc above.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        var ax = Math.Abs(x);
        if (ax < 3)
        {
            double sum = 0, term = x;
            for (var n = 0; n < 200; n++)
            {
                var t = term / (2 * n + 1);
                sum += t;
                if (Math.Abs(t) < 1e-17 * Math.Abs(sum)) break;
                term *= -x * x / (n + 1);
            }
            return 2 / Math.Sqrt(Math.PI) * sum;
        }
        if (ax > 6) return Math.Sign(x);
        // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated from the tail.
        var f = ax;
        for (var k = 80; k >= 1; k--) f = ax + k / 2.0 / f;
        var erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f;
        return Math.Sign(x) * (1 - erfc);
    }
}

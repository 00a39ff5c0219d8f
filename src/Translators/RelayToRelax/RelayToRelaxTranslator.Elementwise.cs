using Bridge.Core.Tensors;
using Bridge.Ir.Ops.Relax;
using Relax = Bridge.Ir.Relax;

namespace Bridge.Translators.RelayToRelax;

// Elementwise unary/binary ops, where, clip, cast (spec relay-formats §5.2.1–5.2.2, relax-target §2.3).
public sealed partial class RelayToRelaxTranslator
{
    /// <summary>Relay unary ops with a Relax op of the same meaning (Relay name → Relax name).</summary>
    private static readonly (string Relay, string Relax)[] s_unary =
    [
        ("abs", "abs"), ("acos", "acos"), ("acosh", "acosh"), ("asin", "asin"), ("asinh", "asinh"), ("atan", "atan"), ("atanh", "atanh"),
        ("ceil", "ceil"), ("cos", "cos"), ("cosh", "cosh"), ("erf", "erf"), ("exp", "exp"), ("floor", "floor"), ("isfinite", "isfinite"),
        ("isinf", "isinf"), ("isnan", "isnan"), ("log", "log"), ("logical_not", "logical_not"), ("bitwise_not", "bitwise_not"),
        ("negative", "negative"), ("round", "round"), ("rsqrt", "rsqrt"), ("sigmoid", "sigmoid"), ("sign", "sign"), ("sin", "sin"),
        ("sinh", "sinh"), ("sqrt", "sqrt"), ("tan", "tan"), ("tanh", "tanh"), ("trunc", "trunc"), ("nn.relu", "nn.relu"),
        // FastMath approximations: the exact op computes the value they approximate.
        ("fast_exp", "exp"), ("fast_tanh", "tanh"), ("fast_erf", "erf"),
    ];

    /// <summary>Relay binary broadcast ops → Relax. Relay's trunc_* on ints are C division/remainder, as Relax divide/mod.</summary>
    private static readonly (string Relay, string Relax)[] s_binary =
    [
        ("add", "add"), ("subtract", "subtract"), ("multiply", "multiply"), ("divide", "divide"), ("floor_divide", "floor_divide"),
        ("trunc_divide", "divide"), ("mod", "mod"), ("floor_mod", "floor_mod"), ("trunc_mod", "mod"), ("power", "power"),
        ("maximum", "maximum"), ("minimum", "minimum"), ("equal", "equal"), ("not_equal", "not_equal"), ("less", "less"),
        ("less_equal", "less_equal"), ("greater", "greater"), ("greater_equal", "greater_equal"), ("logical_and", "logical_and"),
        ("logical_or", "logical_or"), ("logical_xor", "logical_xor"), ("bitwise_and", "bitwise_and"), ("bitwise_or", "bitwise_or"),
        ("bitwise_xor", "bitwise_xor"), ("left_shift", "left_shift"), ("right_shift", "right_shift"),
    ];

    private static void RegisterElementwise(Dictionary<string, OpConverter> t)
    {
        foreach (var (relay, relax) in s_unary) t[relay] = c => c.Op(relax, c.Arg(0));
        foreach (var (relay, relax) in s_binary) t[relay] = c => c.Op(relax, c.Arg(0), c.Arg(1));
        // log10/log2: no Relax op; log(x) / log(base) in the input dtype.
        t["log10"] = c => c.Op("divide", c.Emit("log", c.Arg(0)), OpCall.Scalar(Math.Log(10), c.TT(0).DType));
        t["log2"] = c => c.Op("divide", c.Emit("log", c.Arg(0)), OpCall.Scalar(Math.Log(2), c.TT(0).DType));
        t["where"] = c => c.Op("where", c.Arg(0), c.Arg(1), c.Arg(2));
        t["clip"] = Clip;
        t["cast"] = c => CastTo(c, c.Arg(0), OpCall.DT(c.A<Ir.Ops.Relay.CastAttrs>().Dtype) ?? throw c.Fail("cast without dtype"));
        t["cast_like"] = c => CastTo(c, c.Arg(0), c.TT(1).DType);
        t["copy"] = c => c.Arg(0);
        NoTranslation("bit reinterpretation has no Relax op", "reinterpret");
    }

    private static Relax.Expr CastTo(OpCall c, Relax.Expr x, DataType dt) =>
        c.TT(0).DType == dt ? x : c.Op("astype", new AstypeAttrs { Dtype = dt }, x);

    /// <summary>
    /// <c>clip(a_min, a_max)</c> → <c>R.clip(x, min, max)</c> with prim-value bounds in the tensor's dtype. Infinite bounds
    /// (<c>-inff</c>) become the dtype's finite extreme (TVMScript has no inf literal); integer bounds are clamped to the dtype.
    /// </summary>
    private static Relax.Expr Clip(OpCall c)
    {
        var a = c.A<Ir.Ops.Relay.ClipAttrs>();
        var dt = c.TT(0).DType;
        double lo = a.AMin ?? double.NegativeInfinity, hi = a.AMax ?? double.PositiveInfinity;
        Relax.PrimValue Bound(double v)
        {
            if (dt.IsFloat)
            {
                var max = dt.Bits == 16 ? 65504.0 : dt.Bits == 32 ? float.MaxValue : double.MaxValue;
                var f = double.IsPositiveInfinity(v) ? max : double.IsNegativeInfinity(v) ? -max : v;
                return new Relax.PrimValue(dt, null, f) { Info = new Relax.PrimSInfo(dt) };
            }
            var (min, mx) = IntRange(dt);
            var iv = (long)Math.Clamp(Math.Round(v), min, mx);
            return OpCall.Int(iv);
        }
        return c.Op("clip", c.Arg(0), Bound(lo), Bound(hi));
    }

    private static (double Min, double Max) IntRange(DataType dt)
    {
        if (dt == DataType.Bool) return (0, 1);
        var bits = Math.Min(dt.Bits, 63);
        return dt.Code == Bridge.Core.Tensors.TypeCode.UInt ? (0, Math.Pow(2, bits) - 1) : (-Math.Pow(2, bits - 1), Math.Pow(2, bits - 1) - 1);
    }
}

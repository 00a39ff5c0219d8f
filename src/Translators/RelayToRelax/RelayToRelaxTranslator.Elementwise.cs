using Bridge.Ir.Ops.Relax;
using Bridge.Ir.Ops.Spec;
using Relax = Bridge.Ir.Relax;
using E = Bridge.Ir.Ops.Spec.ElementwiseSpec;

namespace Bridge.Translators.RelayToRelax;

// Elementwise unary/binary ops, where, clip, cast (spec relay-formats §5.2.1–5.2.2, relax-target §2.3).
public sealed partial class RelayToRelaxTranslator
{
    private static void RegisterElementwise(Dictionary<string, OpConverter> t)
    {
        // One-for-one rows of the elementwise spec (Relay's trunc_* and fast_* included: see ElementwiseSpec).
        foreach (var row in ElementwiseSpec.All)
        {
            if (row is not { RelayName: { } relay, RelaxTarget: { } relax }) continue;
            t[relay] = row.Arity == 1 ? c => c.Op(relax, c.Arg(0)) : c => c.Op(relax, c.Arg(0), c.Arg(1));
        }
        // log10/log2: no Relax op; log(x) / log(base) in the input dtype.
        t["log10"] = c => c.Op(E.Divide, c.Emit(E.Log, c.Arg(0)), OpCall.Scalar(Math.Log(10), c.TT(0).DType));
        t["log2"] = c => c.Op(E.Divide, c.Emit(E.Log, c.Arg(0)), OpCall.Scalar(Math.Log(2), c.TT(0).DType));
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

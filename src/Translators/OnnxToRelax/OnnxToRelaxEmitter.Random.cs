using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Ops;
using Bridge.Ir.Relax;
using Bridge.Translators.Onnx;
using Bridge.Ir.Ops.Relax;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

// ONNX random ops → Relax. Relax has no random operator and TVM's Relax ONNX frontend maps none of these ops, so the draws
// are calls TVM's runtime executes: R.call_dps_packed("tvm.contrib.random.uniform", (low, high), out_sinfo=…) and
// "tvm.contrib.random.normal" (mean, scale) (src/runtime/contrib/random/random.cc: (double, double, DLTensor* out)). TVM's
// engine fills float32 only and seeds itself, so other float dtypes are cast from a float32 draw, and the ONNX seed cannot
// be passed (Relax output is not reproducible on TVM). Multinomial is built from one uniform draw with Relax ops.
// The shared reading (attributes, seeds, Bernoulli) is OnnxEmitterBase.Random.cs.
public sealed partial class OnnxToRelaxEmitter
{
    /// <summary>The packed functions the Relax draws call.</summary>
    public const string UniformPackedFunction = "tvm.contrib.random.uniform", NormalPackedFunction = "tvm.contrib.random.normal";

    private static PrimValue F32(double v) => new(DataType.Float32, null, (float)v) { Info = new PrimSInfo(DataType.Float32) };

    protected override Expr EmitRandomDraw(CanonicalNode n, RandomDraw d)
    {
        var fn = d.Distribution == RandomDistribution.Uniform ? UniformPackedFunction : NormalPackedFunction;
        var def = OpRegistry.Find(Bridge.Ir.Ops.Dialect.Relax, "relax.call_dps_packed") ?? throw new Core.Diagnostics.BridgeInternalError("relax.call_dps_packed is not registered");
        var callee = new ExternFunc(fn, null, n.Loc) { Info = FuncSInfo.Opaque() };
        var args = RelaxEmitBuilder.Tuple([F32(d.P0), F32(d.P1)]);
        var outInfo = new TensorSInfo(new ValueArray<SymExpr>(d.Shape), DataType.Float32);
        var tmp = new Call(new OpRef(def, n.Loc), [callee, args], NoAttrs.Instance, [outInfo], n.Loc);
        var call = new Call(tmp.Callee, tmp.Args, tmp.Attrs, tmp.SInfoArgs, n.Loc) { Info = Infer.Call(tmp, new InferContext(n.Loc)) };
        Expr v = _b.Emit(call, "lv", n.Loc);
        if (d.DType != DataType.Float32) v = Op(n, "astype", new RA.AstypeAttrs { Dtype = d.DType }, v);
        return v;
    }

    /// <summary>
    /// p = softmax(x, -1) (ONNX's input is unnormalised log-probabilities), cdf = cumsum(p, -1), one uniform u per sample
    /// ([batch, samples]); the sample is the number of classes whose cdf is below u (the first index with cdf ≥ u), clamped to
    /// classes − 1 against a last cdf rounded below 1, cast to the dtype.
    /// </summary>
    protected override Expr EmitMultinomial(CanonicalNode n, Expr logits, ImmutableArray<SymExpr> shape, long sampleSize, DataType dtype, ulong seed)
    {
        var classes = shape[1].AsConst ?? throw Unsupported(n, $"a symbolic class count {shape[1]} (the index clamp needs it)");
        var dt = DTypeOf(logits) ?? DataType.Float32;
        var cdf = Op(n, "cumsum", new RA.ScanopAttrs { Axis = -1 }, Op(n, "nn.softmax", new RA.SoftmaxAttrs { Axis = -1 }, logits));
        var u = EmitRandomDraw(n, new(RandomDistribution.Uniform, 0, 1, [shape[0], sampleSize], dt, seed));
        var below = Op(n, "less", null, Op(n, "expand_dims", new RA.ExpandDimsAttrs { Axis = [1] }, cdf), Op(n, "expand_dims", new RA.ExpandDimsAttrs { Axis = [2] }, u));
        var count = Op(n, "sum", new RA.StatisticalAttrs { Axis = [2] }, Op(n, "astype", new RA.AstypeAttrs { Dtype = DataType.Int64 }, below));
        var idx = Op(n, "minimum", null, count, RelaxEmitBuilder.Const(Tensor.Scalar(DataType.Int64, classes - 1)));
        return dtype == DataType.Int64 ? idx : Op(n, "astype", new RA.AstypeAttrs { Dtype = dtype }, idx);
    }
}

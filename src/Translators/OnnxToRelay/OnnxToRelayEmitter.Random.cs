using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relay;
using Bridge.Translators.Onnx;
using R = Bridge.Ir.Ops.Relay;

namespace Bridge.Translators.OnnxToRelay;

// ONNX random ops → Relay as relay.frontend.from_onnx (v0.19) emitted them: a constant key relay.random.threefry_key(seed)
// feeding random.uniform / random.normal / random.multinomial, whose value is field 1 of the (new key, values) tuple.
// The shared reading (attributes, seeds, Bernoulli) is OnnxEmitterBase.Random.cs.
public sealed partial class OnnxToRelayEmitter
{
    /// <summary>
    /// The constant <c>relay.random.threefry_key(seed)</c> makes: the seed's 32 little-endian bytes as four uint64 words, then
    /// path 0, counter 0 and path position 1 &lt;&lt; 63 (<c>[seed, 0, 0, 0, 0, 0, 0, 0, 1 &lt;&lt; 63, 0]</c>).
    /// </summary>
    public static Tensor ThreefryKey(ulong seed) => Tensor.FromArray<ulong>(DataType.UInt64, [seed, 0, 0, 0, 0, 0, 0, 0, 1UL << 63, 0], 10);

    private long[] StaticShape(CanonicalNode n, ImmutableArray<SymExpr> shape) =>
        [.. shape.Select(d => d.AsConst ?? throw Unsupported(n, $"a random output of symbolic shape [{string.Join(", ", shape)}] (Relay's random ops take a static out_shape)"))];

    private static void CheckFloat(OnnxToRelayEmitter e, CanonicalNode n, DataType dt)
    {
        // from_onnx: assert dtype in ["float32", "float64"], "Only float random value generation is currently supported."
        if (dt != DataType.Float32 && dt != DataType.Float64) throw e.Unsupported(n, $"random values of dtype {dt} (TVM's Relay random ops generate float32 and float64 only)");
    }

    protected override Expr EmitRandomDraw(CanonicalNode n, RandomDraw d)
    {
        CheckFloat(this, n, d.DType);
        var shape = StaticShape(n, d.Shape);
        var key = Const(ThreefryKey(d.Seed));
        var p0 = Const(Tensor.Scalar(d.DType, d.P0));
        var p1 = Const(Tensor.Scalar(d.DType, d.P1));
        var call = d.Distribution == RandomDistribution.Uniform
            ? Op(n, "random.uniform", new R.UniformAttrs { OutShape = VA(shape), OutDtype = DT(d.DType) }, key, p0, p1)
            : Op(n, "random.normal", new R.NormalAttrs { OutShape = VA(shape), OutDtype = DT(d.DType) }, key, p0, p1);
        return Item(call, 1);
    }

    /// <summary>
    /// random.multinomial(key, softmax(x), sample_size), cast to the dtype. ONNX's input holds unnormalised log-probabilities
    /// while the op samples from (clipped, normalised) probabilities, so they go through nn.softmax first (docs: where this
    /// departs from TVM's converter).
    /// </summary>
    protected override Expr EmitMultinomial(CanonicalNode n, Expr logits, ImmutableArray<SymExpr> shape, long sampleSize, DataType dtype, ulong seed)
    {
        var probs = Op(n, "nn.softmax", new R.SoftmaxAttrs { Axis = -1 }, logits);
        var call = Op(n, "random.multinomial", new R.MultinomialAttrs { NumSamples = sampleSize }, Const(ThreefryKey(seed)), probs);
        return Op(n, "cast", new R.CastAttrs { Dtype = DT(dtype) }, Item(call, 1));
    }
}

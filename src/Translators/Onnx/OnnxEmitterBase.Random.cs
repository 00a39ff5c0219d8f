using System.Collections.Frozen;
using System.Text;
using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// The ONNX random ops, read once for both dialects: RandomUniform/RandomNormal(-Like) become one draw of the dialect
/// (<see cref="EmitRandomDraw"/>: Relay's Threefry ops, Relax's <c>tvm.contrib.random.*</c> packed calls); Bernoulli is
/// <c>cast(less(uniform(shape(p)), p), dtype)</c> written here on top of that draw (as TVM's Relay frontend); Multinomial is
/// the dialect's own construction (<see cref="EmitMultinomial"/>). The attributes, dtypes, shapes and seeds are checked
/// here. docs/onnx-translation.md "Random ops".
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>The canonical kinds handled here (the shared rule table routes them to <see cref="EmitRandomNode"/>).</summary>
    public static readonly FrozenSet<string> RandomKinds = FrozenSet.ToFrozenSet(
        ["RandomUniform", "RandomUniformLike", "RandomNormal", "RandomNormalLike", "Bernoulli", "Multinomial"], StringComparer.Ordinal);

    /// <summary>The distribution of one draw.</summary>
    protected enum RandomDistribution { Uniform, Normal }

    /// <summary>
    /// One draw of <paramref name="Shape"/> values of <paramref name="DType"/>: uniform in [P0, P1) (low, high) or normal with
    /// mean P0 and standard deviation P1; <paramref name="Seed"/> is the ONNX seed (or the derived one).
    /// </summary>
    protected sealed record RandomDraw(RandomDistribution Distribution, double P0, double P1, ImmutableArray<SymExpr> Shape, DataType DType, ulong Seed);

    /// <summary>The dialect's draw: an expression of the values.</summary>
    protected abstract TExpr EmitRandomDraw(CanonicalNode n, RandomDraw d);

    /// <summary>
    /// The dialect's Multinomial: <paramref name="sampleSize"/> class indices per row of the (batch, classes) unnormalised
    /// log-probabilities <paramref name="logits"/>, as <paramref name="dtype"/> (int32 or int64).
    /// </summary>
    protected abstract TExpr EmitMultinomial(CanonicalNode n, TExpr logits, ImmutableArray<SymExpr> shape, long sampleSize, DataType dtype, ulong seed);

    /// <summary>
    /// The seed of a node without a <c>seed</c> attribute. TVM drew one with <c>np.random.randint(1e6)</c> at import, so its
    /// output changed from import to import; Bridge derives it from the node (FNV-1a 64 of the node name, or of its first
    /// output when unnamed, modulo 10⁶: TVM's range) so a conversion is reproducible.
    /// </summary>
    public static ulong DerivedRandomSeed(string nodeName)
    {
        var h = 0xcbf29ce484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(nodeName)) { h ^= b; h *= 0x100000001b3UL; }
        return h % 1_000_000;
    }

    private ulong RandomSeed(CanonicalNode n, float? seed)
    {
        if (seed is not { } s) return DerivedRandomSeed(n.Source.Name.Length > 0 ? n.Source.Name : n.Outputs.FirstOrDefault() ?? "");
        // TVM: int(seed) (truncation), then seed.to_bytes(32, …), which rejects negative values.
        if (!float.IsFinite(s) || s < 0)
            throw BadValue(n, $"seed {s} is not a non-negative finite number (TVM's threefry_key takes int(seed) ≥ 0)");
        return (ulong)Math.Truncate(s);
    }

    private DataType RandomDType(CanonicalNode n, long code)
    {
        var dt = OnnxDTypes.ToCore((int)code) ?? throw BadValue(n, $"unknown dtype code {code}");
        return dt.IsFloat ? dt : throw Unsupported(n, $"random values of dtype {dt} (ONNX allows float16, float, double)");
    }

    private static ImmutableArray<SymExpr> Dims(IEnumerable<long> shape) => [.. shape.Select(d => (SymExpr)d)];

    /// <summary>Emits one random node (its output bound with <see cref="Set"/>).</summary>
    private void EmitRandomNode(CanonicalNode n)
    {
        var output = n.Outputs[0];
        switch (n.Kind)
        {
            case "RandomUniform":
            {
                var a = n.AttrsAs<RandomUniformAttrs>();
                if (a.Shape.Any(d => d < 0)) throw new BridgeException(OnnxTranslateDiagnosticIds.BadValue, n.Loc, $"node '{n.Source.Name}' (RandomUniform): negative dim in shape [{string.Join(", ", a.Shape)}]");
                Set(output, EmitRandomDraw(n, new(RandomDistribution.Uniform, a.Low, a.High, Dims(a.Shape), RandomDType(n, a.Dtype), RandomSeed(n, a.Seed))));
                break;
            }
            case "RandomNormal":
            {
                var a = n.AttrsAs<RandomNormalAttrs>();
                if (a.Shape.Any(d => d < 0)) throw new BridgeException(OnnxTranslateDiagnosticIds.BadValue, n.Loc, $"node '{n.Source.Name}' (RandomNormal): negative dim in shape [{string.Join(", ", a.Shape)}]");
                Set(output, EmitRandomDraw(n, new(RandomDistribution.Normal, a.Mean, a.Scale, Dims(a.Shape), RandomDType(n, a.Dtype), RandomSeed(n, a.Seed))));
                break;
            }
            case "RandomUniformLike":
            {
                var a = n.AttrsAs<RandomUniformLikeAttrs>();
                var dt = a.Dtype is { } code ? RandomDType(n, code) : LikeDType(n);
                Set(output, EmitRandomDraw(n, new(RandomDistribution.Uniform, a.Low, a.High, RequireShape(n, 0), dt, RandomSeed(n, a.Seed))));
                break;
            }
            case "RandomNormalLike":
            {
                var a = n.AttrsAs<RandomNormalLikeAttrs>();
                var dt = a.Dtype is { } code ? RandomDType(n, code) : LikeDType(n);
                Set(output, EmitRandomDraw(n, new(RandomDistribution.Normal, a.Mean, a.Scale, RequireShape(n, 0), dt, RandomSeed(n, a.Seed))));
                break;
            }
            case "Bernoulli":
            {
                var a = n.AttrsAs<BernoulliAttrs>();
                var inDt = DTypeOfValue(n, 0);
                if (!inDt.IsFloat) throw Unsupported(n, $"probabilities of dtype {inDt}");
                var outDt = a.Dtype is { } code
                    ? OnnxDTypes.ToCore((int)code) ?? throw new BridgeException(OnnxTranslateDiagnosticIds.BadValue, n.Loc, $"node '{n.Source.Name}' (Bernoulli): unknown dtype code {code}")
                    : inDt;
                // TVM: cast(less(uniform(key, shape(p), dtype(p)), p), dtype), through the dialect's own Less and Cast rules.
                var u = TempName(n);
                Set(u, EmitRandomDraw(n, new(RandomDistribution.Uniform, 0, 1, RequireShape(n, 0), inDt, RandomSeed(n, a.Seed))));
                var less = TempName(n);
                EmitNode(Synthetic(n, "Less", new OnnxNoAttrs(), [new CanonicalInput(u, null), n.Input(0)], [less]));
                EmitNode(Synthetic(n, "Cast", new CastAttrs { To = OnnxDTypes.CodeOf(outDt), ToType = outDt }, [new CanonicalInput(less, null)], [output]));
                break;
            }
            case "Multinomial":
            {
                var a = n.AttrsAs<MultinomialAttrs>();
                var shape = RequireShape(n, 0);
                if (shape.Length != 2) throw Unsupported(n, $"input of rank {shape.Length} (ONNX: [batch_size, class_size])");
                if (!DTypeOfValue(n, 0).IsFloat) throw Unsupported(n, $"input of dtype {DTypeOfValue(n, 0)}");
                var dt = OnnxDTypes.ToCore((int)a.Dtype);
                if (dt != DataType.Int32 && dt != DataType.Int64) throw Unsupported(n, $"output dtype code {a.Dtype} (ONNX allows int32, int64)");
                if (a.SampleSize < 1) throw new BridgeException(OnnxTranslateDiagnosticIds.BadValue, n.Loc, $"node '{n.Source.Name}' (Multinomial): sample_size {a.SampleSize} must be positive");
                Set(output, EmitMultinomial(n, X(n, 0), shape, a.SampleSize, dt!.Value, RandomSeed(n, a.Seed)));
                break;
            }
            default:
                throw new BridgeInternalError($"{n.Kind} is not a random op");
        }
    }

    private DataType LikeDType(CanonicalNode n)
    {
        var dt = DTypeOfValue(n, 0);
        return dt.IsFloat ? dt : throw Unsupported(n, $"values of the input's dtype {dt} (set the dtype attribute to a float type)");
    }
}

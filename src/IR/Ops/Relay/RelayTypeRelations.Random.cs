using Bridge.Ir.Relay;

namespace Bridge.Ir.Ops.Relay;

// Type relations of Relay's random ops (TVM v0.19 src/relay/op/random/kernel.cc): the key is a uint64[10] Threefry state,
// every op returns (new key(s), values).
internal static partial class RelayTypeRelations
{
    private static readonly TensorType s_threefryKey = new([10], DataType.UInt64);

    private static void RandomOps()
    {
        Rel("random.threefry_generate", (a, at, c) =>
        {
            Key(a, c);
            var shape = ((ThreefryGenerateAttrs)at).OutShape ?? throw c.Fail("out_shape is required");
            return new TupleType([s_threefryKey, Shaped(shape, DataType.UInt64)]);
        });
        Rel("random.threefry_split", (a, _, c) => { Key(a, c); return new TupleType([s_threefryKey, s_threefryKey]); });
        Rel(["random.uniform", "random.normal"], (a, at, c) =>
        {
            Key(a, c);
            var (shape, dtype) = at switch
            {
                UniformAttrs u => (u.OutShape, u.OutDtype),
                NormalAttrs n => (n.OutShape, n.OutDtype),
                _ => throw c.Fail("unexpected attrs"),
            };
            if (shape is null) throw c.Fail("out_shape is required");
            var dt = Dt(dtype, DataType.Float32);
            if (dt != DataType.Float32 && dt != DataType.Float64) throw c.Fail($"only float32 and float64 values are generated, got {dt}");
            // low/high (mean/scale) are scalars of the output dtype (UniformRel/NormalRel assign them TensorType({}, dtype)).
            for (var i = 1; i <= 2; i++)
                if (T(a, i, c) is var s && (s.Rank != 0 || s.DType != dt)) throw c.Fail($"argument {i} must be a {dt} scalar, got {s}");
            return new TupleType([s_threefryKey, Shaped(shape, dt)]);
        });
        Rel("random.multinomial", (a, at, c) =>
        {
            Key(a, c);
            var p = T(a, 1, c);
            if (p.Rank < 1) throw c.Fail($"probabilities must have at least one axis, got {p}");
            var n = ((MultinomialAttrs)at).NumSamples;
            return new TupleType([s_threefryKey, new TensorType([.. p.Shape.Take(p.Rank - 1), (SymExpr)n], DataType.Int32)]);
        });
    }

    private static TensorType Shaped(IEnumerable<long> shape, DataType dt) => new([.. shape.Select(d => (SymExpr)d)], dt);

    private static void Key(IReadOnlyList<RelayType> a, RelationContext c)
    {
        var k = T(a, 0, c);
        if (k.DType != DataType.UInt64 || k.Rank != 1 || k.Shape[0].AsConst != 10) throw c.Fail($"the key must be a uint64[10] Threefry state, got {k}");
    }
}

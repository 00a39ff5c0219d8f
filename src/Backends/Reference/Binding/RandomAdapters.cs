
namespace Bridge.Backends.Reference;

// Relay's random.* ops (TVM v0.19 src/relay/op/random/kernel.cc) on the Threefry kernel (Kernels/Random.cs). Each returns
// (new key, values), as the ops' type relations say.
public static partial class ReferenceKernels
{
    private static void RegisterRandom()
    {
        Relay("random.threefry_generate", c =>
        {
            var (key, bits) = Threefry.GenerateTensor(c.T(0), c.Longs("out_shape") ?? throw c.Error("out_shape is required"));
            return KernelCall.Tuple(key, bits);
        });
        Relay("random.threefry_split", c =>
        {
            var (l, r) = Threefry.SplitTensor(c.T(0));
            return KernelCall.Tuple(l, r);
        });
        Relay("random.uniform", c =>
        {
            var (key, v) = Threefry.Uniform(c.T(0), c.Scalar(1), c.Scalar(2), c.Longs("out_shape") ?? throw c.Error("out_shape is required"),
                c.DType("out_dtype") ?? DataType.Float32);
            return KernelCall.Tuple(key, v);
        });
        Relay("random.normal", c =>
        {
            var (key, v) = Threefry.Normal(c.T(0), c.Scalar(1), c.Scalar(2), c.Longs("out_shape") ?? throw c.Error("out_shape is required"),
                c.DType("out_dtype") ?? DataType.Float32);
            return KernelCall.Tuple(key, v);
        });
        Relay("random.multinomial", c =>
        {
            var (key, idx) = Threefry.Multinomial(c.T(0), c.T(1), c.Long("num_samples", 1));
            return KernelCall.Tuple(key, idx);
        });
    }
}

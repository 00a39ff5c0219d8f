namespace Bridge.Backends.Reference;

// Adapters for the Relay ops the ONNX NonMaxSuppression / Unique converters emit (the Relax forms are in StdAdapters).
public static partial class ReferenceKernels
{
    private static void RegisterLegacy()
    {
        Relay("unique", c =>
        {
            var x = c.T(0);
            if (x.Rank != 1) throw c.Error($"unique takes 1-D data, got rank {x.Rank}");
            return KernelCall.Tuple(Unique.ApplyRelay(x, c.Bool("sorted", true), c.Bool("return_counts")));
        });
    }
}

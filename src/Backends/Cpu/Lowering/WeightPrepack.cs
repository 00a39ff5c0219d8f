
namespace Bridge.Backends.Cpu.Lowering;

/// <summary>One group's weight in the layout its kernel reads, computed at compile time.</summary>
/// <param name="Floats">The packed weight (<c>brg_conv2d_pack_w</c> or <c>brg_gemm_pack_b</c> output).</param>
/// <param name="Weight">The constant it was packed from.</param>
/// <param name="Algorithm">The conv algorithm the layout belongs to (<c>brg_conv2d_algorithm</c>), or <c>gemm</c>.</param>
public sealed record PackedWeight(float[] Floats, TBuffer Weight, string Algorithm);

/// <summary>
/// Weight pre-packing at compile time: the packed layout of every conv weight (per the algorithm <c>brg_conv2d</c> picks
/// for the shape: GEMM A panels, Winograd-transformed panels, depthwise copy) and of every constant matmul weight (GEMM B
/// panels) is computed once by the kernel library during <c>compile</c> and embedded in the model instead of the raw
/// weight, so the first run packs nothing. A conv is pre-packed when its channels and spatial sizes are static; the batch
/// may be symbolic, because the algorithm choice and the packed layout do not depend on it (the generated code still
/// checks the packed size at run time and packs at run time if it ever differs).
/// </summary>
public static class WeightPrepack
{
    /// <summary>Packed weights by group index, for the groups that can be pre-packed.</summary>
    public static ImmutableDictionary<int, PackedWeight> Run(ImmutableArray<FusedGroup> groups)
    {
        var result = ImmutableDictionary.CreateBuilder<int, PackedWeight>();
        foreach (var g in groups)
        {
            if (g.Anchor is not { } a) continue;
            if (g.Kind == GroupKind.Conv2d && ConvParams(a) is { } p && a.Inputs[1].Value is { DType: var dt } w && dt == DataType.Float32)
            {
                var floats = NativeKernels.ConvPackWeights(p, w.Span<float>().ToArray());
                result[g.Index] = new PackedWeight(floats, a.Inputs[1], NativeKernels.ConvAlgorithm(p));
            }
            else if (g.Kind == GroupKind.Matmul && a.Inputs[1] is { IsConstant: true, Rank: 2, Value: { } bw } b && bw.DType == DataType.Float32 && b.IsStatic)
            {
                var t = ((MatmulAttrs)a.Attrs).TransB;
                long k = b.Shape[t ? 1 : 0].AsConst!.Value, n = b.Shape[t ? 0 : 1].AsConst!.Value;
                result[g.Index] = new PackedWeight(NativeKernels.PackB(k, n, bw.Span<float>().ToArray(), t ? k : n, t), b, "gemm");
            }
        }
        return result.ToImmutable();
    }

    /// <summary>
    /// The kernel parameters of a conv whose weight is a static float constant and whose input channels and spatial
    /// sizes are static (batch 1 stands for a symbolic batch), else null.
    /// </summary>
    public static NativeConv2dParams? ConvParams(TOp conv)
    {
        var (x, w, y) = (conv.Inputs[0], conv.Inputs[1], conv.Output);
        if (x.Rank != 4 || w.Rank != 4 || y.Rank != 4 || !w.IsConstant || !w.IsStatic) return null;
        if (x.Shape.Skip(1).Any(d => !d.IsConst()) || y.Shape.Skip(2).Any(d => !d.IsConst())) return null;
        var c = (Conv2dAttrs)conv.Attrs;
        long D(int i, ImmutableArray<Core.Shapes.SymExpr> s) => s[i].AsConst!.Value;
        return new NativeConv2dParams(x.Shape[0].AsConst ?? 1, D(1, x.Shape), D(2, x.Shape), D(3, x.Shape), D(0, w.Shape), D(2, w.Shape),
            D(3, w.Shape), c.StrideH, c.StrideW, c.PadT, c.PadL, c.PadB, c.PadR, c.DilH, c.DilW, c.Groups, D(2, y.Shape), D(3, y.Shape));
    }
}

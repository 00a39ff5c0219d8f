using System.Text.Json;
using Bridge.Backends.Reference;

using static Bridge.Backends.Tests.Reference.GoldenSet;

namespace Bridge.Backends.Tests.Reference;

/// <summary>
/// Numeric tests of every kernel against numpy/torch outputs written by golden/gen_goldens.py (raw little-endian arrays plus a
/// JSON index). Each case names the op and its kernel-level attrs; <see cref="Run"/> is the thin adapter from those attrs.
/// </summary>
[TestFixture]
public sealed class GoldenTests
{
    private static readonly Lazy<GoldenSet> s_data = new(() => GoldenSet.Load("goldens"));

    public static IEnumerable<string> CaseNames() => s_data.Value.Names;

    [Test]
    public void Goldens_are_present_and_cover_the_kernel_families()
    {
        var ops = s_data.Value.Cases.Select(c => c.GetProperty("op").GetString()).ToHashSet();
        Assert.That(s_data.Value.Cases, Has.Length.GreaterThan(100));
        foreach (var op in new[] { "conv", "conv_transpose", "pool", "adaptive_pool", "batch_norm", "layer_norm", "softmax", "unary", "binary", "reduce", "take", "resize", "einsum", "topk" })
            Assert.That(ops, Does.Contain(op));
    }

    [TestCaseSource(nameof(CaseNames))]
    public void Kernel_matches_reference(string name)
    {
        s_data.Value.Check(name, Run);
    }


    private static Tensor[] Run(string op, JsonElement a, Tensor[] x)
    {
        switch (op)
        {
            case "conv":
            case "conv_transpose":
            {
                var p = new ConvParams(L(a, "strides"), L(a, "padding"), L(a, "dilation"), (int)I(a, "groups", 1),
                    S(a, "data_layout", "NCHW"), S(a, "kernel_layout", op == "conv" ? "OIHW" : "IOHW"),
                    OutDType: a.TryGetProperty("out_dtype", out var od) ? T(od.GetString()!) : null) { OutputPadding = OptL(a, "output_padding") };
                return [op == "conv" ? Conv.Forward(x[0], x[1], p) : Conv.Transpose(x[0], x[1], p)];
            }
            case "pool":
            {
                var kind = Enum.Parse<PoolKind>(S(a, "kind", "max"), ignoreCase: true);
                var p = new PoolParams(L(a, "pool_size"), OptL(a, "strides"), OptL(a, "padding"), OptL(a, "dilation"), S(a, "layout", "NCHW"),
                    B(a, "ceil_mode"), B(a, "count_include_pad")) { P = D(a, "p", 2) };
                return [Pool.Window(kind, x[0], p)];
            }
            case "adaptive_pool":
                return [Pool.Adaptive(Enum.Parse<PoolKind>(S(a, "kind", "max"), ignoreCase: true), x[0], L(a, "output_size"), S(a, "layout", "NCHW"))];
            case "batch_norm": return [Norm.BatchNorm(x[0], x[1], x[2], x[3], x[4], I(a, "axis", 1), D(a, "epsilon", 1e-5))];
            case "layer_norm": return [Norm.LayerNorm(x[0], x[1], x[2], L(a, "axes"), D(a, "epsilon", 1e-5))];
            case "group_norm": return [Norm.GroupNorm(x[0], x[1], x[2], (int)I(a, "num_groups", 1), 1, D(a, "epsilon", 1e-5))];
            case "instance_norm": return [Norm.InstanceNorm(x[0], x[1], x[2], 1, D(a, "epsilon", 1e-5))];
            case "rms_norm": return [Norm.RmsNorm(x[0], x[1], L(a, "axes"), D(a, "epsilon", 1e-5))];
            case "l2_normalize": return [Norm.L2Normalize(x[0], D(a, "eps", 0), OptL(a, "axes"))];
            case "lrn": return [Norm.Lrn(x[0], (int)I(a, "size", 5), I(a, "axis", 1), D(a, "bias", 2), D(a, "alpha", 1e-4), D(a, "beta", 0.75))];
            case "softmax": return [Reduce.Softmax(x[0], I(a, "axis", -1))];
            case "log_softmax": return [Reduce.Softmax(x[0], I(a, "axis", -1), log: true)];
            case "unary":
                return [Elementwise.Unary(Enum.Parse<UnaryOp>(S(a, "fn", "").Replace("_", "", StringComparison.Ordinal), ignoreCase: true), x[0], new UnaryParams(D(a, "alpha", 0.01), D(a, "beta", 0.5)))];
            case "binary":
                return [Elementwise.Binary(Enum.Parse<BinaryOp>(S(a, "fn", "").Replace("_", "", StringComparison.Ordinal), ignoreCase: true), x[0], x[1])];
            case "where": return [Elementwise.Where(x[0], x[1], x[2])];
            case "clip": return [Elementwise.Clip(x[0], D(a, "a_min", 0), D(a, "a_max", 0))];
            case "prelu": return [Elementwise.Prelu(x[0], x[1], I(a, "axis", 1))];
            case "reduce":
            {
                var fn = Enum.Parse<ReduceOp>(S(a, "fn", "").Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
                return [Reduce.Apply(fn, x[0], new ReduceParams(OptL(a, "axes"), B(a, "keepdims"), B(a, "exclude"), B(a, "unbiased")))];
            }
            case "cumsum": return [Reduce.Cumulative(x[0], I(a, "axis", 0), false, B(a, "exclusive"), B(a, "reverse"))];
            case "cumprod": return [Reduce.Cumulative(x[0], I(a, "axis", 0), true, B(a, "exclusive"), B(a, "reverse"))];
            case "sort": return [Reduce.Sort(x[0], I(a, "axis", -1))];
            case "argsort": return [Reduce.ArgSort(x[0], I(a, "axis", -1))];
            case "topk":
            {
                var (v, i) = Reduce.TopK(x[0], I(a, "k", 1), I(a, "axis", -1), B(a, "largest"));
                return [v, i];
            }
            case "transpose": return [Manipulate.Transpose(x[0], OptL(a, "axes"))];
            case "strided_slice": return [Manipulate.StridedSlice(x[0], L(a, "begin"), L(a, "end"), OptL(a, "strides"), OptL(a, "axes"))];
            case "concat": return [Manipulate.Concat(x, I(a, "axis", 0))];
            case "stack": return [Manipulate.Stack(x, I(a, "axis", 0))];
            case "split":
                return a.TryGetProperty("sections", out var sec) ? Manipulate.Split(x[0], sec.GetInt32(), I(a, "axis", 0)) : Manipulate.SplitAt(x[0], L(a, "indices"), I(a, "axis", 0));
            case "take":
                return [Manipulate.Take(x[0], x[1], a.TryGetProperty("axis", out var ax) ? ax.GetInt64() : null, (int)I(a, "batch_dims", 0), Enum.Parse<Manipulate.TakeMode>(S(a, "mode", "clip"), true))];
            case "gather": return [Manipulate.GatherElements(x[0], x[1], I(a, "axis", 0))];
            case "gather_nd": return [Manipulate.GatherNd(x[0], x[1], (int)I(a, "batch_dims", 0))];
            case "scatter_elements": return [Manipulate.ScatterElements(x[0], x[1], x[2], I(a, "axis", 0), Enum.Parse<ScatterReduction>(S(a, "reduction", "none"), true))];
            case "scatter_nd": return [Manipulate.ScatterNd(x[0], x[1], x[2], Enum.Parse<ScatterReduction>(S(a, "reduction", "none"), true))];
            case "pad": return [Manipulate.Pad(x[0], L(a, "pad_width"), Enum.Parse<PadMode>(S(a, "mode", "constant"), true), D(a, "value", 0))];
            case "tile": return [Manipulate.Tile(x[0], L(a, "reps"))];
            case "repeat": return [Manipulate.Repeat(x[0], I(a, "repeats", 1), I(a, "axis", 0))];
            case "reverse": return [Manipulate.Reverse(x[0], I(a, "axis", 0))];
            case "one_hot": return [Manipulate.OneHot(x[0], I(a, "depth", 1), I(a, "axis", -1), T(S(a, "dtype", "float32")), D(a, "on_value", 1), D(a, "off_value", 0))];
            case "layout_transform": return [Manipulate.LayoutTransform(x[0], S(a, "src", ""), S(a, "dst", ""))];
            case "depth_to_space": return [Manipulate.DepthToSpace(x[0], (int)I(a, "block", 1), S(a, "layout", "NCHW"), S(a, "mode", "DCR"))];
            case "space_to_depth": return [Manipulate.SpaceToDepth(x[0], (int)I(a, "block", 1), S(a, "layout", "NCHW"))];
            case "cast": return [Manipulate.Cast(x[0], T(S(a, "dtype", "")))];
            case "arange": return [Manipulate.Arange(D(a, "start", 0), D(a, "stop", 0), D(a, "step", 1), T(S(a, "dtype", "float32")))];
            case "broadcast_to": return [Manipulate.BroadcastTo(x[0], L(a, "shape"))];
            case "matmul": return [Linalg.Matmul(x[0], x[1])];
            case "batch_matmul": return [Linalg.BatchMatmul(x[0], x[1], B(a, "transpose_a"), B(a, "transpose_b"))];
            case "dense": return [Linalg.Dense(x[0], x[1])];
            case "einsum": return [Linalg.Einsum(S(a, "equation", ""), x)];
            case "resize":
                return [Resize.Apply(x[0], new ResizeParams(L(a, "size"), S(a, "layout", "NCHW"), S(a, "method", "linear"), S(a, "coordinate_transformation_mode", "half_pixel"),
                    S(a, "rounding_method", "round"), D(a, "cubic_alpha", -0.5), B(a, "cubic_exclude")))];
            case "roi_align":
                return [Vision.RoiAlign(x[0], x[1], new RoiAlignParams(L(a, "pooled_size"), D(a, "spatial_scale", 1), (int)I(a, "sample_ratio", -1), Aligned: B(a, "aligned")))];
            default: throw new ArgumentException($"no adapter for golden op '{op}'");
        }
    }
}

/// <summary>Tensor comparison with numpy's allclose rule (|a−e| ≤ atol + rtol·|e|); NaN matches only NaN, infinities must be equal.</summary>
internal static class TensorAssert
{
    public static void Close(Tensor actual, Tensor expected, double rtol, double atol, string what)
    {
        Assert.That(actual.DType, Is.EqualTo(expected.DType), $"{what}: dtype");
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), $"{what}: shape");
        var exact = rtol == 0 && atol == 0 && expected.DType.IsIntegral;
        for (long i = 0; i < expected.Length; i++)
        {
            if (exact)
            {
                if (actual.GetInt64(i) != expected.GetInt64(i))
                    Assert.Fail($"{what}: element {i}: got {actual.GetInt64(i)}, expected {expected.GetInt64(i)}");
                continue;
            }
            double g = actual.GetDouble(i), e = expected.GetDouble(i);
            if (double.IsNaN(e) || double.IsNaN(g))
            {
                if (!(double.IsNaN(e) && double.IsNaN(g))) Assert.Fail($"{what}: element {i}: got {g}, expected {e}");
                continue;
            }
            if (double.IsInfinity(e) || double.IsInfinity(g))
            {
                if (g != e) Assert.Fail($"{what}: element {i}: got {g}, expected {e}");
                continue;
            }
            if (Math.Abs(g - e) > atol + rtol * Math.Abs(e))
                Assert.Fail($"{what}: element {i}: got {g:R}, expected {e:R} (|diff| {Math.Abs(g - e):E3})");
        }
    }
}

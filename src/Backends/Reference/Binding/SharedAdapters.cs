using Bridge.Ir.Ops.Spec;
using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

// Adapters whose op name and attribute names agree between Relay (`name`) and Relax (`relax.name`).
public static partial class ReferenceKernels
{
    private static void RegisterShared()
    {
        RegisterElementwiseSpec();
        RegisterReductionSpec();
        RegisterPoolingSpec();
        Both("where", c => V(Elementwise.Where(c.T(0), c.T(1), c.T(2))));

        // Convolutions: Relay and Relax attrs share names; Relay's out_layout "" means "same as data". The pools are spec rows.
        foreach (var nd in new[] { 1, 2, 3 })
        {
            Both($"nn.conv{nd}d", c => V(Conv.Forward(c.T(0), c.T(1), ConvOf(c))));
            Both($"nn.conv{nd}d_transpose", c => V(Conv.Transpose(c.T(0), c.T(1), ConvOf(c) with { OutputPadding = c.Longs("output_padding") })));
        }
        // The softmax spec rows: the axis through the typed view (its default, -1, lives in the attrs records).
        foreach (var row in SoftmaxSpec.All)
        {
            var log = row.Log;
            KernelFn fn = c => V(Reduce.Softmax(c.T(0), (c.Attrs as ISoftmaxAttrs ?? (ISoftmaxAttrs)c.Op.Schema.Defaults).Axis, log));
            if (row.RelayName is not null) row.Relay.Set(Kernel, fn);
            if (row.RelaxName is not null) row.Relax.Set(Kernel, fn);
        }
        Both("nn.prelu", c => V(Elementwise.Prelu(c.T(0), c.T(1), c.Long("axis", 1))));
        Both("nn.batch_flatten", c => { var x = c.T(0); return V(Manipulate.Reshape(x, [x.Shape[0], -1])); });
        Both("nn.instance_norm", c => V(Norm.InstanceNorm(c.T(0), Gamma(c, 1), Beta(c, 2), c.HasAttr("channel_axis") ? c.Long("channel_axis", 1) : c.Long("axis", 1), c.Double("epsilon", 1e-5))));

        Both("clip", c => c.Count >= 3 ? V(Elementwise.Clip(c.T(0), c.Scalar(1), c.Scalar(2))) : V(Elementwise.Clip(c.T(0), c.Double("a_min"), c.Double("a_max"))));
        Both("take", c => V(Manipulate.Take(c.T(0), c.T(1), c.OptLong("axis"), (int)c.Long("batch_dims"), TakeModeOf(c.Str("mode", "clip")))));
        Both("scatter_elements", c => V(Manipulate.ScatterElements(c.T(0), c.T(1), c.T(2), c.Long("axis"), ScatterOf(c, c.Str("reduction", "update")))));
        Both("one_hot", c =>
        {
            var on = c.T(1); var off = c.T(2);
            var dt = c.DType("dtype") ?? on.DType;
            return V(Manipulate.OneHot(c.T(0), c.Long("depth", 1), c.Long("axis", -1), dt, on.GetDouble(0), off.GetDouble(0)));
        });
        Both("image.resize2d", c => V(ResizeOf(c, 2)));
        Relay("image.resize1d", c => V(ResizeOf(c, 1)));
        Relay("image.resize3d", c => V(ResizeOf(c, 3)));
        Both("nn.dropout", c => { var x = c.T(0); return KernelCall.Tuple(x, Manipulate.Full([.. x.Shape], 1, x.DType)); });
        Both("einsum", c => V(Linalg.Einsum(c.Str("equation", c.Str("subscripts")), c.Tensors(0))));
    }

    internal static ConvParams ConvOf(KernelCall c)
    {
        var outLayout = c.Str("out_layout");
        return new ConvParams(c.Longs("strides", [1]), c.Longs("padding", [0]), c.Longs("dilation", [1]), (int)c.Long("groups", 1),
            c.Str("data_layout", "NCHW"), c.Str("kernel_layout", "OIHW"), outLayout.Length == 0 ? null : outLayout, c.DType("out_dtype"));
    }

    private static Tensor? Gamma(KernelCall c, int i) => c.Bool("scale", true) && i < c.Count ? c.T(i) : null;
    private static Tensor? Beta(KernelCall c, int i) => c.Bool("center", true) && i < c.Count ? c.T(i) : null;

    private static Manipulate.TakeMode TakeModeOf(string mode) => mode switch
    {
        "wrap" => Manipulate.TakeMode.Wrap,
        "fast" => Manipulate.TakeMode.Fast,
        _ => Manipulate.TakeMode.Clip,
    };

    private static ScatterReduction ScatterOf(KernelCall c, string r) => r switch
    {
        "update" or "" or "none" => ScatterReduction.None,
        "add" => ScatterReduction.Add,
        "mul" => ScatterReduction.Mul,
        "min" => ScatterReduction.Min,
        "max" => ScatterReduction.Max,
        _ => throw c.Error($"unsupported scatter reduction '{r}'"),
    };

    private static Tensor ResizeOf(KernelCall c, int nd)
    {
        var x = c.T(0);
        var size = c.Count > 1 ? c.Ints(1) : c.Longs("size") ?? throw c.Error("size is required");
        var layout = c.Str("layout", nd switch { 1 => "NCW", 2 => "NCHW", _ => "NCDHW" });
        var roi = c.Raw("roi") is System.Collections.IEnumerable e and not string ? e.Cast<object>().Select(Convert.ToDouble).ToArray() : null;
        var p = new ResizeParams(size, layout, c.Str("method", "linear"), c.Str("coordinate_transformation_mode", "half_pixel"),
            c.Str("rounding_method", "round"), c.Double("cubic_alpha", -0.5), c.Long("cubic_exclude") != 0, c.Double("extrapolation_value"), roi);
        var r = Resize.Apply(x, p);
        var od = c.DType("out_dtype");
        return od is { } d && d != r.DType ? Manipulate.Cast(r, d) : r;
    }

    /// <summary>Sum of <paramref name="x"/> down to <paramref name="shape"/> (the inverse of broadcasting).</summary>
    internal static Tensor CollapseSum(Tensor x, long[] shape)
    {
        var lead = x.Rank - shape.Length;
        var axes = new List<long>();
        for (var i = 0; i < x.Rank; i++)
            if (i < lead || (shape[i - lead] == 1 && x.Shape[i] != 1)) axes.Add(i);
        var r = axes.Count == 0 ? x : Reduce.Apply(ReduceOp.Sum, x, new ReduceParams([.. axes], KeepDims: true));
        return Manipulate.Reshape(r, shape);
    }

    /// <summary>Lower (tril) or upper (triu) triangle of the last two dims, diagonal offset <paramref name="k"/>; the rest zero.</summary>
    internal static Tensor Triangle(Tensor x, long k, bool upper)
    {
        if (x.Rank < 2) throw Fail(KernelDiagnosticIds.RankMismatch, upper ? "triu" : "tril", $"needs rank >= 2, got {Fmt(x.Shape)}");
        var r = x.Clone();
        long rows = x.Shape[^2], cols = x.Shape[^1];
        for (long i = 0; i < r.Length; i++)
        {
            var col = i % cols;
            var row = i / cols % rows;
            var keep = upper ? col - row >= k : col - row <= k;
            if (!keep) r.SetDouble(i, 0);
        }
        return r;
    }
}

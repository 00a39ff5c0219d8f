using Bridge.Ir.Relax.Script;
using Bridge.Translators.RelayToRelax;
using Relax = Bridge.Ir.Relax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Translators.Tests;

/// <summary>
/// One test per op-table entry: a one-op Relay function converts, the output re-parses, and the struct info of the result
/// equals the Relay checked type (static dims equal, same dtype, same tuple structure).
/// </summary>
[TestFixture]
public class OpTableTests
{
    private const string F4 = "Tensor[(2, 3, 4, 5), float32]";
    private const string F2 = "Tensor[(4, 6), float32]";
    private const string I2 = "Tensor[(4, 6), int32]";
    private const string B2 = "Tensor[(4, 6), bool]";

    /// <summary>(op, call text using %a %b %c…, parameter types).</summary>
    public static readonly (string Op, string Call, string[] Types)[] Cases =
    [
        .. new[] { "abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos", "cosh", "erf", "exp", "floor", "log", "log10", "log2",
            "negative", "round", "rsqrt", "sigmoid", "sign", "sin", "sinh", "sqrt", "tan", "tanh", "trunc", "nn.relu", "fast_exp", "fast_tanh", "fast_erf", "copy",
            "isfinite", "isinf", "isnan", "zeros_like", "ones_like" }
            .Select(o => (o, $"{o}(%a)", new[] { F2 })),
        ("logical_not", "logical_not(%a)", [B2]),
        ("bitwise_not", "bitwise_not(%a)", [I2]),
        .. new[] { "add", "subtract", "multiply", "divide", "floor_divide", "trunc_divide", "mod", "floor_mod", "trunc_mod", "power", "maximum", "minimum",
            "equal", "not_equal", "less", "less_equal", "greater", "greater_equal" }
            .Select(o => (o, $"{o}(%a, %b)", new[] { F2, "Tensor[(6), float32]" })),
        .. new[] { "logical_and", "logical_or", "logical_xor" }.Select(o => (o, $"{o}(%a, %b)", new[] { B2, B2 })),
        .. new[] { "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift" }.Select(o => (o, $"{o}(%a, %b)", new[] { I2, I2 })),
        ("where", "where(%a, %b, %c)", [B2, F2, F2]),
        ("clip", "clip(%a, a_min=0f, a_max=6f)", [F2]),
        ("cast", "cast(%a, dtype=\"int32\")", [F2]),
        ("cast_like", "cast_like(%a, %b)", [F2, I2]),
        ("nn.conv1d", "nn.conv1d(%a, %b, padding=[1])", ["Tensor[(1, 3, 10), float32]", "Tensor[(4, 3, 3), float32]"]),
        ("nn.conv2d", "nn.conv2d(%a, %b, strides=[2, 2], padding=[1, 1])", ["Tensor[(1, 3, 9, 9), float32]", "Tensor[(8, 3, 3, 3), float32]"]),
        ("nn.conv3d", "nn.conv3d(%a, %b, padding=[1])", ["Tensor[(1, 2, 4, 4, 4), float32]", "Tensor[(3, 2, 3, 3, 3), float32]"]),
        ("nn.conv1d_transpose", "nn.conv1d_transpose(%a, %b, strides=[2])", ["Tensor[(1, 4, 5), float32]", "Tensor[(4, 2, 3), float32]"]),
        ("nn.conv2d_transpose", "nn.conv2d_transpose(%a, %b, strides=[2, 2], padding=[1, 1])", ["Tensor[(1, 4, 5, 5), float32]", "Tensor[(4, 2, 3, 3), float32]"]),
        ("nn.conv3d_transpose", "nn.conv3d_transpose(%a, %b)", ["Tensor[(1, 4, 3, 3, 3), float32]", "Tensor[(4, 2, 2, 2, 2), float32]"]),
        ("nn.dense", "nn.dense(%a, %b, units=8)", [F2, "Tensor[(8, 6), float32]"]),
        ("nn.matmul", "nn.matmul(%a, %b, units=None, transpose_b=True)", [F2, "Tensor[(8, 6), float32]"]),
        ("nn.batch_matmul", "nn.batch_matmul(%a, %b, transpose_b=True)", ["Tensor[(2, 3, 4), float32]", "Tensor[(2, 5, 4), float32]"]),
        ("nn.bias_add", "nn.bias_add(%a, %b)", [F4, "Tensor[(3), float32]"]),
        ("nn.batch_norm", "nn.batch_norm(%a, %b, %b, %b, %b)", [F4, "Tensor[(3), float32]"]),
        ("nn.layer_norm", "nn.layer_norm(%a, %b, %b)", [F4, "Tensor[(5), float32]"]),
        ("nn.group_norm", "nn.group_norm(%a, %b, %b, num_groups=3)", [F4, "Tensor[(3), float32]"]),
        ("nn.instance_norm", "nn.instance_norm(%a, %b, %b)", [F4, "Tensor[(3), float32]"]),
        ("nn.l2_normalize", "nn.l2_normalize(%a, eps=1e-12f, axis=1)", [F2]),
        ("nn.softmax", "nn.softmax(%a, axis=1)", [F2]),
        ("nn.fast_softmax", "nn.fast_softmax(%a)", [F2]),
        ("nn.log_softmax", "nn.log_softmax(%a)", [F2]),
        ("nn.leaky_relu", "nn.leaky_relu(%a, alpha=0.1f)", [F2]),
        ("nn.prelu", "nn.prelu(%a, %b)", [F4, "Tensor[(3), float32]"]),
        ("nn.dropout", "nn.dropout(%a, rate=0.2f)", [F2]),
        ("nn.max_pool1d", "nn.max_pool1d(%a, pool_size=[2], strides=[2])", ["Tensor[(1, 3, 10), float32]"]),
        ("nn.max_pool2d", "nn.max_pool2d(%a, pool_size=[3, 3], strides=[2, 2], padding=[1, 1], ceil_mode=True)", ["Tensor[(1, 4, 112, 112), float32]"]),
        ("nn.max_pool3d", "nn.max_pool3d(%a, pool_size=[2, 2, 2], strides=[2, 2, 2])", ["Tensor[(1, 2, 4, 4, 4), float32]"]),
        ("nn.avg_pool1d", "nn.avg_pool1d(%a, pool_size=[3], padding=[1], count_include_pad=True)", ["Tensor[(1, 3, 10), float32]"]),
        ("nn.avg_pool2d", "nn.avg_pool2d(%a, pool_size=[3, 3], strides=[1, 1], padding=[1, 1, 1, 1])", ["Tensor[(1, 4, 8, 8), float32]"]),
        ("nn.avg_pool3d", "nn.avg_pool3d(%a, pool_size=[2, 2, 2])", ["Tensor[(1, 2, 4, 4, 4), float32]"]),
        ("nn.global_avg_pool2d", "nn.global_avg_pool2d(%a)", [F4]),
        ("nn.global_max_pool2d", "nn.global_max_pool2d(%a)", [F4]),
        ("nn.adaptive_avg_pool1d", "nn.adaptive_avg_pool1d(%a, output_size=[2])", ["Tensor[(1, 3, 10), float32]"]),
        ("nn.adaptive_avg_pool2d", "nn.adaptive_avg_pool2d(%a, output_size=[2, 2])", [F4]),
        ("nn.adaptive_avg_pool3d", "nn.adaptive_avg_pool3d(%a, output_size=[1, 2, 2])", ["Tensor[(1, 2, 4, 4, 4), float32]"]),
        ("nn.adaptive_max_pool1d", "nn.adaptive_max_pool1d(%a, output_size=[1])", ["Tensor[(1, 3, 10), float32]"]),
        ("nn.adaptive_max_pool2d", "nn.adaptive_max_pool2d(%a, output_size=[1, 1])", [F4]),
        ("nn.adaptive_max_pool3d", "nn.adaptive_max_pool3d(%a, output_size=[1, 1, 1])", ["Tensor[(1, 2, 4, 4, 4), float32]"]),
        ("nn.pad", "nn.pad(%a, 0f, pad_width=[[0, 0], [1, 2]])", [F2]),
        ("nn.mirror_pad", "nn.mirror_pad(%a, mode=\"REFLECT\", pad_width=[[0, 0], [1, 1]])", [F2]),
        ("nn.batch_flatten", "nn.batch_flatten(%a)", [F4]),
        ("nn.depth_to_space", "nn.depth_to_space(%a, block_size=2)", ["Tensor[(1, 8, 3, 3), float32]"]),
        ("nn.space_to_depth", "nn.space_to_depth(%a, block_size=2)", ["Tensor[(1, 2, 4, 4), float32]"]),
        ("nn.cross_entropy_with_logits", "nn.cross_entropy_with_logits(%a, %b)", [F2, F2]),
        ("nn.upsampling", "nn.upsampling(%a, scale_h=2f, scale_w=2f)", [F4]),
        ("image.resize2d", "image.resize2d(%a, size=[8, 10], method=\"linear\")", [F4]),
        ("reshape", "reshape(%a, newshape=[0, -1])", [F4]),
        ("contrib_reverse_reshape", "contrib_reverse_reshape(%a, newshape=[-1, 0])", [F4]),
        ("reshape_like", "reshape_like(%a, %b)", [F4, "Tensor[(6, 20), float32]"]),
        ("squeeze", "squeeze(%a, axis=[0])", ["Tensor[(1, 6), float32]"]),
        ("expand_dims", "expand_dims(%a, axis=1, num_newaxis=2)", [F2]),
        ("transpose", "transpose(%a, axes=[0, 2, 3, 1])", [F4]),
        ("concatenate", "concatenate((%a, %b), axis=1)", [F2, F2]),
        ("stack", "stack((%a, %b), axis=1)", [F2, F2]),
        ("split", "split(%a, indices_or_sections=[1, 4], axis=1)", [F2]),
        ("strided_slice", "strided_slice(%a, begin=[1, 0], end=[3, 4], strides=[1, 2], axes=None)", [F2]),
        ("take", "take(%a, %b, axis=1)", [F2, "Tensor[(3), int32]"]),
        ("gather", "gather(%a, %b, axis=1)", [F2, "Tensor[(4, 2), int64]"]),
        ("gather_nd", "gather_nd(%a, %b)", [F2, "Tensor[(2, 3), int64]"]),
        ("scatter_elements", "scatter_elements(%a, %b, %c, axis=1)", [F2, "Tensor[(4, 2), int64]", "Tensor[(4, 2), float32]"]),
        ("scatter_nd", "scatter_nd(%a, %b, %c)", [F2, "Tensor[(2, 3), int64]", "Tensor[(3), float32]"]),
        ("broadcast_to", "broadcast_to(%a, shape=[4, 6])", ["Tensor[(1, 6), float32]"]),
        ("broadcast_to_like", "broadcast_to_like(%a, %b)", ["Tensor[(1, 6), float32]", F2]),
        ("tile", "tile(%a, reps=[2, 1])", [F2]),
        ("repeat", "repeat(%a, repeats=2, axis=0)", [F2]),
        ("reverse", "reverse(%a, axis=1)", [F2]),
        ("layout_transform", "layout_transform(%a, src_layout=\"NCHW\", dst_layout=\"NHWC\")", [F4]),
        ("slice_like", "slice_like(%a, %b, axes=None)", [F2, "Tensor[(2, 3), float32]"]),
        ("trilu", "trilu(%a, 0, upper=True)", [F2]),
        ("full", "full(1f, shape=[2, 3], dtype=\"float32\")", []),
        ("full_like", "full_like(%a, 1f)", [F2]),
        ("zeros", "zeros(shape=[2, 3], dtype=\"float32\")", []),
        ("ones", "ones(shape=[2, 3], dtype=\"int32\")", []),
        ("arange", "arange(0f, 10f, 2f, start=meta[relay.Constant][0], stop=meta[relay.Constant][0], step=meta[relay.Constant][0], dtype=\"float32\")", []),
        ("one_hot", "one_hot(%a, 1f, 0f, depth=5, axis=-1, dtype=\"float32\")", ["Tensor[(4), int32]"]),
        ("shape_of", "shape_of(%a)", [F4]),
        .. new[] { "sum", "mean", "max", "min", "prod" }.Select(o => (o, $"{o}(%a, axis=[1], keepdims=True)", new[] { F4 })),
        ("all", "all(%a, axis=[1])", [B2]),
        ("any", "any(%a)", [B2]),
        ("argmax", "argmax(%a, axis=[1])", [F2]),
        ("argmin", "argmin(%a, axis=[0], keepdims=True)", [F2]),
        ("variance", "variance(%a, %b, axis=[1], unbiased=True)", [F2, "Tensor[(4, 1), float32]"]),
        ("cumsum", "cumsum(%a, axis=1)", [F2]),
        ("cumprod", "cumprod(%a, axis=0)", [F2]),
        ("topk", "topk(%a, k=2)", [F2]),
        ("argsort", "argsort(%a, axis=1)", [F2]),
        ("sort", "sort(%a, axis=1)", [F2]),
        ("argwhere", "argwhere(%a)", [B2]),
        ("on_device", "on_device(%a, constrain_result=True)", [F2]),
        ("device_copy", "device_copy(%a, src_virtual_device=meta[VirtualDevice][0], dst_virtual_device=meta[VirtualDevice][0])", [F2]),
        ("annotation.stop_fusion", "annotation.stop_fusion(%a)", [F2]),
        ("annotation.checkpoint", "annotation.checkpoint(%a)", [F2]),
        ("qnn.quantize", "qnn.quantize(%a, 0.5f, 3, out_dtype=\"int8\")", [F2]),
        ("qnn.dequantize", "qnn.dequantize(%a, 0.5f, 3, out_dtype=\"float32\")", ["Tensor[(4, 6), int8]"]),
        ("qnn.requantize", "qnn.requantize(%a, 0.5f, 0, 0.25f, 1, out_dtype=\"int8\")", [I2]),
        ("qnn.conv2d", "qnn.conv2d(%a, %b, 1, 2, 0.5f, 0.5f, padding=[1, 1], out_dtype=\"int32\")", ["Tensor[(1, 3, 5, 5), int8]", "Tensor[(4, 3, 3, 3), int8]"]),
        ("qnn.dense", "qnn.dense(%a, %b, 1, 2, 0.5f, 0.5f, units=8, out_dtype=\"int32\")", ["Tensor[(4, 6), int8]", "Tensor[(8, 6), int8]"]),
        ("qnn.batch_matmul", "qnn.batch_matmul(%a, %b, 1, 2, 0.5f, 0.5f, transpose_b=True, out_dtype=\"int32\")", ["Tensor[(2, 3, 4), int8]", "Tensor[(2, 5, 4), int8]"]),
        .. new[] { "qnn.add", "qnn.subtract", "qnn.mul" }.Select(o => (o, $"{o}(%a, %b, 0.5f, 1, 0.5f, 1, 0.25f, 2)", new[] { "Tensor[(4, 6), int8]", "Tensor[(4, 6), int8]" })),
        ("qnn.concatenate", "qnn.concatenate((%a, %b), (0.5f, 0.5f), (1, 1), 0.5f, 1, axis=1)", ["Tensor[(4, 6), int8]", "Tensor[(4, 6), int8]"]),
        .. new[] { "qnn.sigmoid", "qnn.tanh", "qnn.exp", "qnn.sqrt", "qnn.rsqrt", "qnn.erf", "qnn.hardswish", "qnn.log", "qnn.abs", "qnn.softmax", "qnn.leaky_relu" }
            .Select(o => (o, $"{o}(%a, 0.5f, 1, 0.25f, 2)", new[] { "Tensor[(4, 6), int8]" })),
        ("qnn.avg_pool2d", "qnn.avg_pool2d(%a, 0.5f, 1, 0.5f, 1, pool_size=[2, 2])", ["Tensor[(1, 3, 4, 4), int8]"]),
        ("call_lowered", "call_lowered(@f, (%a,))", [F2]),
        ("collapse_sum_like", "collapse_sum_like(%a, %b)", [F2, "Tensor[(6), float32]"]),
        ("einsum", "einsum((%a, %b), equation=\"ij,jk->ik\")", [F2, "Tensor[(6, 3), float32]"]),
    ];

    public static IEnumerable<TestCaseData> Data() => Cases.Select(c => new TestCaseData(c.Op, c.Call, c.Types).SetName($"Op({c.Op}: {c.Call.Split('(')[0]})"));

    internal static string Module(string call, string[] types)
    {
        var ps = string.Join(", ", types.Select((t, i) => $"%{(char)('a' + i)}: {t}"));
        var extra = call.Contains("@f", StringComparison.Ordinal) ? "def @f(%x: Tensor[(4, 6), float32]) { nn.relu(%x) }\n" : "";
        return $"#[version = \"0.0.5\"]\n{extra}def @main({ps}) {{\n  {call}\n}}\n";
    }

    internal static (Relax.IRModule Module, string Text, Relay.IRModule Relay) Convert(string text, TranslatorOptions? opt = null)
    {
        var meta = Relay.MetaTable.FromTensors([("relay.Constant.0", Core.Tensors.Tensor.Scalar(Core.Tensors.DataType.Float32, 0))]);
        var relay = Relay.Text.RelayTextReader.ParseModule(text, "<op>", new Relay.Text.RelayTextOptions { ExternalMeta = meta });
        Relay.RelayTypeInference.InferModule(relay);
        var (m, _) = RelayToRelaxTranslator.Translate(relay, opt);
        RelaxOutputCheck.Check(m);
        Ir.Relax.RelaxWellFormed.ThrowIfInvalid(m);
        return (m, RelaxScriptPrinter.Print(m), relay);
    }

    /// <summary>Ops whose Relay type relation Bridge lacks: the module cannot be type-checked, so the test pins that error.</summary>
    private static readonly HashSet<string> s_noRelayRelation = ["nn.cross_entropy_with_logits", "slice_like"];

    [TestCaseSource(nameof(Data))]
    public void Op(string op, string call, string[] types)
    {
        if (s_noRelayRelation.Contains(op))
        {
            var ex = Assert.Throws<Core.Diagnostics.BridgeException>(() => Convert(Module(call, types)))!;
            Assert.That(ex.Diagnostic.Message, Does.Contain("no type relation"));
            return;
        }
        var (m, text, relay) = Convert(Module(call, types));
        var reparsed = RelaxScriptReader.Parse(text, "<op>.py");
        RelaxOutputCheck.Check(reparsed);
        var relayRet = ((Relay.FuncType)relay.Lookup("main")!.CheckedType!).RetType;
        var main = reparsed.Functions.First(f => f.Var.Name == "main").Function;
        CorpusConversionTests.AssertMatches(main.RetInfo!, relayRet, op);
        Assert.That(text, Does.Not.Contain("call_tir"));
        Assert.That(m.Functions.Any(f => f.Var.Name == "main"), Is.True);
    }

    [Test]
    public void EveryTableEntryHasACase()
    {
        var covered = Cases.Select(c => c.Op).ToHashSet();
        var missing = RelayToRelaxTranslator.SupportedOps.Where(o => !covered.Contains(o)).OrderBy(o => o).ToList();
        Assert.That(missing, Is.Empty, "table entries without a test case");
    }

    [Test]
    public void EveryRelayOpIsTranslatedOrHasAReason()
    {
        Relay.Text.RelayTextReader.ParseType("float32");
        foreach (var op in Ir.Ops.OpRegistry.All(Ir.Ops.Dialect.Relay))
        {
            if (RelayToRelaxTranslator.SupportedOps.Contains(op.Name)) continue;
            Assert.That(RelayToRelaxTranslator.UnsupportedReason(op.Name), Is.Not.EqualTo("no Relax translation for this op"), $"{op.Name} has neither an entry nor a stated reason");
        }
    }
}

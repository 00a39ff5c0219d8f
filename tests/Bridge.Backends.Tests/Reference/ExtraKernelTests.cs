using System.Text.Json;
using Bridge.Backends.Reference;
using Bridge.Ir.Relax.Script;
using Bridge.Ir.Relay.Text;

using static Bridge.Backends.Tests.Reference.GoldenSet;

namespace Bridge.Backends.Tests.Reference;

/// <summary>
/// Numeric tests of the issue-6 kernels against numpy/torch outputs written by golden/gen_extra_goldens.py (same layout as
/// goldens.json), their error diagnostics, and runs through the Relay/Relax interpreters from text to prove each binding reads
/// its attrs.
/// </summary>
[TestFixture]
public sealed class ExtraKernelTests
{
    private static readonly Lazy<GoldenSet> s_data = new(() => GoldenSet.Load("extra_goldens"));

    public static IEnumerable<string> CaseNames() => s_data.Value.Names;

    [Test]
    public void Every_issue6_kernel_has_goldens()
    {
        var ops = s_data.Value.Cases.Select(c => c.GetProperty("op").GetString()).ToHashSet();
        foreach (var op in new[] { "slice_like", "sequence_mask", "meshgrid", "argwhere", "searchsorted", "bucketize", "adv_index", "matrix_set_diag",
                     "space_to_batch_nd", "batch_to_space_nd", "upsampling3d", "crop_and_resize", "get_valid_counts", "median", "dft", "stft", "deformable_conv2d" })
            Assert.That(ops, Does.Contain(op));
    }

    [Test]
    public void Issue6_ops_are_bound()
    {
        foreach (var op in new[] { "slice_like", "sequence_mask", "meshgrid", "argwhere", "searchsorted", "adv_index", "matrix_set_diag", "nn.space_to_batch_nd",
                     "nn.batch_to_space_nd", "nn.upsampling3d", "image.crop_and_resize", "vision.get_valid_counts", "dft", "stft", "nn.deformable_conv2d" })
            Assert.That(ReferenceKernels.Find(Ir.Ops.OpRegistry.Find(Ir.Ops.Dialect.Relay, op)!), Is.Not.Null, op);
        foreach (var op in new[] { "relax.bucketize", "relax.median" })
            Assert.That(ReferenceKernels.Find(Ir.Ops.OpRegistry.Find(Ir.Ops.Dialect.Relax, op)!), Is.Not.Null, op);
        Assert.That(ReferenceKernels.Missing(Ir.Ops.Dialect.Relay), Has.None.EqualTo("slice_like").And.None.EqualTo("stft"));
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
            case "slice_like": return [SliceIndex.SliceLike(x[0], x[1].Shape, OptL(a, "axes"))];
            case "sequence_mask": return [SliceIndex.SequenceMask(x[0], x[1], D(a, "mask_value"), I(a, "axis"))];
            case "meshgrid": return SliceIndex.Meshgrid(x, S(a, "indexing", "ij"));
            case "argwhere": return [SliceIndex.ArgWhere(x[0], DataType.Int32)];
            case "searchsorted": return [Search.SearchSorted(x[0], x[1], B(a, "right"), DataType.Parse(S(a, "dtype", "int32")))];
            case "bucketize": return [Search.SearchSorted(x[1], x[0], B(a, "right"), B(a, "out_int32") ? DataType.Int32 : DataType.Int64)];
            case "adv_index": return [SliceIndex.AdvIndex(x[0], x[1..])];
            case "matrix_set_diag":
                return [SliceIndex.MatrixSetDiag(x[0], x[1], I(a, "k1"), I(a, "k2"), B(a, "super_diag_right_align", true), B(a, "sub_diag_right_align"))];
            case "space_to_batch_nd": return [SpaceBatch.SpaceToBatchNd(x[0], L(a, "block_shape"), Pairs(a, "paddings"), D(a, "pad_value"))];
            case "batch_to_space_nd": return [SpaceBatch.BatchToSpaceNd(x[0], L(a, "block_shape"), Pairs(a, "crops"))];
            case "upsampling3d":
            {
                // Through the Relay binding: that is where upsampling3d's size and rounding rules live.
                var attrs = new Ir.Ops.Relay.UpSampling3DAttrs
                {
                    ScaleD = D(a, "scale_d"), ScaleH = D(a, "scale_h"), ScaleW = D(a, "scale_w"), Layout = S(a, "layout", "NCDHW"),
                    Method = S(a, "method", "nearest_neighbor"), CoordinateTransformationMode = S(a, "coordinate_transformation_mode", "half_pixel"),
                };
                return [Call(Ir.Ops.Dialect.Relay, "nn.upsampling3d", attrs, x).AsTensor()];
            }
            case "crop_and_resize":
                return [CropResize.CropAndResize(x[0], x[1], x[2], L(a, "crop_size"), S(a, "layout", "NCHW"), S(a, "method", "bilinear"), D(a, "extrapolation_value"))];
            case "get_valid_counts":
            {
                var (cnt, boxes, idx) = Vision.GetValidCounts(x[0], D(a, "score_threshold"), I(a, "id_index"), I(a, "score_index", 1));
                return [cnt, boxes, idx];
            }
            case "median":
                if (OptL(a, "axis") is [var ax]) { var (mv, mi) = Median.ApplyWithIndices(x[0], ax, B(a, "keepdims")); return [mv, mi]; }
                return [Median.Apply(x[0], null, B(a, "keepdims"))];
            case "median_values": return [Median.Apply(x[0], OptL(a, "axis"), B(a, "keepdims"))];
            case "dft": { var (re, im) = Signal.Dft(x[0], x[1], B(a, "inverse")); return [re, im]; }
            case "stft":
                return [Signal.Stft(x[0], x[1], I(a, "n_fft"), I(a, "hop_length"), I(a, "win_length"), B(a, "normalized"), B(a, "onesided", true))];
            case "deformable_conv2d":
                return [DeformableConv.Forward(x[0], x[1], x[2], L(a, "strides"), L(a, "padding"), L(a, "dilation"), (int)I(a, "deformable_groups", 1),
                    (int)I(a, "groups", 1), S(a, "data_layout", "NCHW"), S(a, "kernel_layout", "OIHW"))];
            default: throw new ArgumentException($"no runner for op '{op}'");
        }
    }

    private static Value Call(Ir.Ops.Dialect d, string name, Ir.Ops.Attrs attrs, params Tensor[] args)
    {
        var op = Ir.Ops.OpRegistry.Find(d, name)!;
        var fn = ReferenceKernels.Find(op) ?? throw new AssertionException($"{name} has no kernel");
        return fn(new KernelCall(op, attrs, [.. args.Select(t => (Value)new TensorValue(t))], SourceLoc.Unknown.Instance));
    }

    // ---- hand values --------------------------------------------------------------------------------------------------

    [Test]
    public void MatrixSetDiag_tf_documentation_example()
    {
        // tf.linalg.set_diag docs, "the band" example with k = (-1, 2) and the default align RIGHT_LEFT: input zeros 2x3x4 ... here one
        // batch: diagonals [[0,9,1],[6,5,8],[1,2,3],[4,5,0]] (rows k = 2, 1, 0, -1) on a 3x4 matrix of 7s.
        var input = Tensor.FromArray(Enumerable.Repeat(7, 12).ToArray(), 3, 4);
        var diag = Tensor.FromArray(new[] { 0, 9, 1, 6, 5, 8, 1, 2, 3, 4, 5, 0 }, 4, 3);
        var r = SliceIndex.MatrixSetDiag(input, diag, -1, 2, superDiagRightAlign: true, subDiagRightAlign: false);
        Assert.That(r.Span<int>().ToArray(), Is.EqualTo(new[] { 1, 6, 9, 7, 4, 2, 5, 1, 7, 5, 3, 8 }));
    }

    [Test]
    public void SpaceToBatch_tf_documentation_example()
    {
        // tf.space_to_batch_nd docs example (2): x = [[[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]] (NHWC), block [2, 2], no pads.
        var x = Tensor.FromArray(Enumerable.Range(1, 12).Select(i => (float)i).ToArray(), 1, 2, 2, 3);
        var y = SpaceBatch.SpaceToBatchNd(x, [2, 2], [[0, 0], [0, 0]]);
        Assert.That(y.Shape, Is.EqualTo(new long[] { 4, 1, 1, 3 }));
        Assert.That(y.Span<float>().ToArray(), Is.EqualTo(Enumerable.Range(1, 12).Select(i => (float)i).ToArray()));
        var back = SpaceBatch.BatchToSpaceNd(y, [2, 2], [[0, 0], [0, 0]]);
        Assert.That(back.Span<float>().ToArray(), Is.EqualTo(x.Span<float>().ToArray()));
    }

    // ---- errors -------------------------------------------------------------------------------------------------------

    private static void Fails(TestDelegate d, Core.Diagnostics.DiagnosticId id, string text)
    {
        var ex = Assert.Throws<BridgeException>(d);
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(id));
        Assert.That(ex.Message, Does.Contain(text));
    }

    [Test]
    public void Bad_inputs_are_diagnosed()
    {
        var x = Tensor.Zeros(DataType.Float32, 3, 4);
        Fails(() => SliceIndex.SliceLike(x, [5, 4], null), KernelDiagnosticIds.ShapeMismatch, "exceeds");
        Fails(() => SliceIndex.SequenceMask(x, Tensor.Zeros(DataType.Int32, 2), 0, 0), KernelDiagnosticIds.ShapeMismatch, "valid_length");
        Fails(() => SliceIndex.SequenceMask(Tensor.Zeros(DataType.Float32, 2, 2, 2), Tensor.Zeros(DataType.Int32, 2), 0, 2), KernelDiagnosticIds.BadAxis, "0 or 1");
        Fails(() => SliceIndex.Meshgrid([x], "ij"), KernelDiagnosticIds.RankMismatch, "1-D");
        Fails(() => SliceIndex.AdvIndex(x, [Tensor.FromArray(new long[] { 3 }, 1)]), KernelDiagnosticIds.IndexOutOfRange, "index 3");
        Fails(() => SliceIndex.AdvIndex(x, [Tensor.Zeros(DataType.Bool, 3)]), KernelDiagnosticIds.UnsupportedDType, "bool");
        Fails(() => SliceIndex.MatrixSetDiag(x, Tensor.Zeros(DataType.Float32, 2), 0, 0, true, false), KernelDiagnosticIds.ShapeMismatch, "diagonal");
        Fails(() => SliceIndex.MatrixSetDiag(x, Tensor.Zeros(DataType.Float32, 3), 1, 0, true, false), KernelDiagnosticIds.BadParameter, "k1");
        Fails(() => Search.SearchSorted(Tensor.Zeros(DataType.Float32, 2, 5), Tensor.Zeros(DataType.Float32, 3, 1), false, DataType.Int32), KernelDiagnosticIds.ShapeMismatch, "agree");
        Fails(() => SpaceBatch.SpaceToBatchNd(Tensor.Zeros(DataType.Float32, 1, 5, 2), [2], [[0, 0]]), KernelDiagnosticIds.ShapeMismatch, "multiple of block");
        Fails(() => SpaceBatch.BatchToSpaceNd(Tensor.Zeros(DataType.Float32, 3, 2), [2], [[0, 0]]), KernelDiagnosticIds.ShapeMismatch, "prod(block_shape)");
        Fails(() => CropResize.CropAndResize(Tensor.Zeros(DataType.Float32, 1, 1, 4, 4), Tensor.Zeros(DataType.Float32, 1, 4), Tensor.FromArray(new[] { 1 }, 1), [2, 2]),
            KernelDiagnosticIds.IndexOutOfRange, "box_indices[0]");
        Fails(() => CropResize.CropAndResize(Tensor.Zeros(DataType.Float32, 1, 1, 4, 4), Tensor.Zeros(DataType.Float32, 1, 4), Tensor.FromArray(new[] { 0 }, 1), [2, 2], method: "bicubic"),
            KernelDiagnosticIds.UnsupportedMode, "bicubic");
        Fails(() => Vision.GetValidCounts(Tensor.Zeros(DataType.Float32, 1, 2, 6), 0, 0, 6), KernelDiagnosticIds.BadParameter, "score_index");
        Fails(() => Median.Apply(Tensor.Zeros(DataType.Float32, 2, 0), [1]), KernelDiagnosticIds.ShapeMismatch, "empty");
        Fails(() => Signal.Dft(x, Tensor.Zeros(DataType.Float32, 3, 5), false), KernelDiagnosticIds.ShapeMismatch, "differ");
        Fails(() => Signal.Stft(Tensor.Zeros(DataType.Float32, 4), Tensor.Zeros(DataType.Float32, 8), 8, 2, 8, false, true), KernelDiagnosticIds.ShapeMismatch, "shorter than n_fft");
    }

    // ---- bindings through the interpreters ----------------------------------------------------------------------------

    private static Value Relay(string body, string parameters, params Tensor[] args) =>
        new RelayInterpreter(RelayTextReader.ParseModule($"#[version = \"0.0.5\"]\ndef @main({parameters}) {{ {body} }}", "<extra>"))
            .Run("main", [.. args.Select(a => (Value)new TensorValue(a))]);

    private static Tensor Seq(DataType dt, params long[] shape)
    {
        var t = Tensor.Zeros(dt, shape);
        for (long i = 0; i < t.Length; i++) t.SetDouble(i, (i * 7 % 11) - 3.25);
        return t;
    }

    private static void Same(Value got, params Tensor[] want)
    {
        var fields = InterpreterCommon.Flatten(got).ToArray();
        Assert.That(fields, Has.Length.EqualTo(want.Length));
        for (var i = 0; i < want.Length; i++) TensorAssert.Close(fields[i], want[i], 0, 0, $"output {i}");
    }

    [Test]
    public void Relay_bindings_read_their_attrs()
    {
        var x = Seq(DataType.Float32, 3, 4, 5);
        Same(Relay("slice_like(%x, %y, axes=[-1, 1])", "%x: Tensor[(3, 4, 5), float32], %y: Tensor[(2, 3, 1), float32]", x, Tensor.Zeros(DataType.Float32, 2, 3, 1)),
            SliceIndex.SliceLike(x, [3, 3, 1], null));
        var vl = Tensor.FromArray(new[] { 1, 3, 0, 5 }, 4);
        Same(Relay("sequence_mask(%x, %v, mask_value=-2f, axis=1)", "%x: Tensor[(4, 5, 3), float32], %v: Tensor[(4), int32]", Seq(DataType.Float32, 4, 5, 3), vl),
            SliceIndex.SequenceMask(Seq(DataType.Float32, 4, 5, 3), vl, -2, 1));
        Tensor a = Seq(DataType.Float32, 3), b = Seq(DataType.Float32, 2);
        Same(Relay("meshgrid((%a, %b), indexing=\"xy\")", "%a: Tensor[(3), float32], %b: Tensor[(2), float32]", a, b), SliceIndex.Meshgrid([a, b], "xy"));
        var cond = Tensor.FromArray(new[] { 0f, 1f, 0f, 2f }, 2, 2);
        Same(Relay("argwhere(%c)", "%c: Tensor[(2, 2), float32]", cond), Tensor.FromArray(new[] { 0, 1, 1, 1 }, 2, 2));
        var sorted = Tensor.FromArray(new[] { 1f, 2f, 2f, 4f }, 4);
        var vals = Tensor.FromArray(new[] { 2f, 0f, 5f }, 3);
        Same(Relay("searchsorted(%s, %v, right=True, dtype=\"int64\")", "%s: Tensor[(4), float32], %v: Tensor[(3), float32]", sorted, vals),
            Tensor.FromArray(new long[] { 3, 0, 4 }, 3));
        var idx = Tensor.FromArray(new long[] { 2, -1 }, 2);
        Same(Relay("adv_index((%x, %i))", "%x: Tensor[(3, 4, 5), float32], %i: Tensor[(2), int64]", x, idx), SliceIndex.AdvIndex(x, [idx]));
        var m = Seq(DataType.Float32, 4, 5);
        var d = Seq(DataType.Float32, 4, 4);
        Same(Relay("matrix_set_diag(%m, %d, k1=-1, k2=2, super_diag_right_align=False, sub_diag_right_align=True)", "%m: Tensor[(4, 5), float32], %d: Tensor[(4, 4), float32]", m, d),
            SliceIndex.MatrixSetDiag(m, d, -1, 2, false, true));
        var img = Seq(DataType.Float32, 2, 3, 5, 4);
        Same(Relay("nn.space_to_batch_nd(%x, block_shape=[2, 3], paddings=[[1, 0], [0, 1]], pad_value=9f)", "%x: Tensor[(2, 3, 5, 4), float32]", img),
            SpaceBatch.SpaceToBatchNd(img, [2, 3], [[1, 0], [0, 1]], 9));
        var bt = Seq(DataType.Float32, 12, 2, 3, 2);
        Same(Relay("nn.batch_to_space_nd(%x, block_shape=[2, 3], crops=[[1, 0], [2, 1]])", "%x: Tensor[(12, 2, 3, 2), float32]", bt),
            SpaceBatch.BatchToSpaceNd(bt, [2, 3], [[1, 0], [2, 1]]));
        var vol = Seq(DataType.Float32, 1, 2, 2, 3, 2);
        Same(Relay("nn.upsampling3d(%x, scale_d=2f, scale_h=1.5f, scale_w=2f, layout=\"NCDHW\", method=\"trilinear\", coordinate_transformation_mode=\"align_corners\")",
                "%x: Tensor[(1, 2, 2, 3, 2), float32]", vol),
            Resize.Apply(vol, new ResizeParams([4, 4, 4], "NCDHW", "linear", "align_corners", "round")));
        var boxes = Tensor.FromArray(new[] { 0.1f, 0.2f, 0.9f, 1.2f }, 1, 4);
        var bidx = Tensor.FromArray(new[] { 1 }, 1);
        Same(Relay("image.crop_and_resize(%x, %b, %i, crop_size=[3, 2], layout=\"NHWC\", method=\"nearest_neighbor\", extrapolation_value=-5f)",
                "%x: Tensor[(2, 3, 5, 4), float32], %b: Tensor[(1, 4), float32], %i: Tensor[(1), int32]", img, boxes, bidx),
            CropResize.CropAndResize(img, boxes, bidx, [3, 2], "NHWC", "nearest_neighbor", -5));
        var det = Seq(DataType.Float32, 1, 4, 6);
        var (cnt, outBoxes, outIdx) = Vision.GetValidCounts(det, 0.5, -1, 2);
        Same(Relay("vision.get_valid_counts(%d, 0.5f, id_index=-1, score_index=2)", "%d: Tensor[(1, 4, 6), float32]", det), cnt, outBoxes, outIdx);
        Tensor re = Seq(DataType.Float32, 2, 6), im = Seq(DataType.Float32, 2, 6);
        var (yr, yi) = Signal.Dft(re, im, inverse: true);
        Same(Relay("dft(%r, %i, inverse=True)", "%r: Tensor[(2, 6), float32], %i: Tensor[(2, 6), float32]", re, im), yr, yi);
        var sig = Seq(DataType.Float32, 2, 20);
        var win = Seq(DataType.Float32, 8);
        Same(Relay("stft(%x, %w, n_fft=8, hop_length=3, win_length=6, normalized=True, onesided=False)", "%x: Tensor[(2, 20), float32], %w: Tensor[(8), float32]", sig, win),
            Signal.Stft(sig, win, 8, 3, 6, true, false));
        Tensor dx = Seq(DataType.Float32, 2, 4, 6, 5), doff = Seq(DataType.Float32, 2, 12, 3, 3), dw = Seq(DataType.Float32, 4, 2, 3, 2);
        Same(Relay("nn.deformable_conv2d(%x, %o, %w, strides=[2, 2], padding=[1, 1], dilation=[1, 2], deformable_groups=1, groups=2, channels=4, kernel_size=[3, 2])",
                "%x: Tensor[(2, 4, 6, 5), float32], %o: Tensor[(2, 12, 3, 3), float32], %w: Tensor[(4, 2, 3, 2), float32]", dx, doff, dw),
            DeformableConv.Forward(dx, doff, dw, [2, 2], [1, 1], [1, 2], 1, 2));
    }

    [Test]
    public void Relax_bindings_read_their_attrs()
    {
        const string text = """
            @I.ir_module
            class Module:
                @R.function
                def main(x: R.Tensor((2, 3), dtype="float32"), b: R.Tensor((4,), dtype="float32")):
                    y = R.bucketize(x, b, out_int32=True, right=True)
                    z = R.median(x, axis=[0], keepdims=True)
                    w = R.median(x)
                    return (y, z, w)
            """;
        var x = Tensor.FromArray(new[] { 1f, 2.5f, 4f, -1f, 9f, 3f }, 2, 3);
        var b = Tensor.FromArray(new[] { 1f, 2f, 3f, 4f }, 4);
        var v = new RelaxInterpreter(RelaxScriptReader.Parse(text, "<extra>")).Run("main", [new TensorValue(x), new TensorValue(b)]);
        // median over axis 0 of [[1, 2.5, 4], [-1, 9, 3]]: lower median of two = the smaller; indices 1, 0, 1. All six: 2.5.
        Same(v, Tensor.FromArray(new[] { 1, 2, 4, 0, 4, 3 }, 2, 3), Tensor.FromArray(new[] { -1f, 2.5f, 3f }, 1, 3),
            Tensor.FromArray(new long[] { 1, 0, 1 }, 1, 3), Tensor.Scalar(DataType.Float32, 2.5));
    }

    [Test]
    public void Relax_meshgrid_infers_and_runs_both_indexings()
    {
        const string text = """
            @I.ir_module
            class Module:
                @R.function
                def main(a: R.Tensor((2,), dtype="float32"), b: R.Tensor((3,), dtype="float32")):
                    ij = R.meshgrid((a, b), indexing="ij")
                    xy = R.meshgrid((a, b), indexing="xy")
                    return (ij[0], ij[1], xy[0])
            """;
        var m = RelaxScriptReader.Parse(text, "<meshgrid>");
        var a = Tensor.FromArray(new[] { 1f, 2f }, 2);
        var b = Tensor.FromArray(new[] { 5f, 6f, 7f }, 3);
        var v = new RelaxInterpreter(m).Run("main", [new TensorValue(a), new TensorValue(b)]);
        // numpy.meshgrid(a, b, indexing="ij"): shapes (2, 3); "xy": (3, 2) with a varying along columns.
        Same(v, Tensor.FromArray(new[] { 1f, 1f, 1f, 2f, 2f, 2f }, 2, 3), Tensor.FromArray(new[] { 5f, 6f, 7f, 5f, 6f, 7f }, 2, 3),
            Tensor.FromArray(new[] { 1f, 2f, 1f, 2f, 1f, 2f }, 3, 2));
    }
}

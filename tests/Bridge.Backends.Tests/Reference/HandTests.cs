using Bridge.Backends.Reference;

namespace Bridge.Backends.Tests.Reference;

/// <summary>Small hand-computed cases, dtype policy checks, and the error contract (BridgeException with a 63xx ID naming op and shapes).</summary>
[TestFixture]
public sealed class HandTests
{
    private static float[] F(Tensor t) => t.ReadOnlySpan<float>().ToArray();

    [Test]
    public void Conv2d_by_hand()
    {
        // 1×1×3×3 input 1..9, 2×2 kernel of ones, stride 1, no padding: window sums.
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 1, 1, 3, 3);
        var w = Tensor.FromArray(new float[] { 1, 1, 1, 1 }, 1, 1, 2, 2);
        var y = Conv.Forward(x, w, new ConvParams([1, 1], [0, 0], [1, 1]));
        Assert.That(y.Shape, Is.EqualTo(new long[] { 1, 1, 2, 2 }));
        Assert.That(F(y), Is.EqualTo(new float[] { 12, 16, 24, 28 }));
        // Asymmetric padding (top 1, left 0, bottom 0, right 1) shifts the windows up and right.
        var yp = Conv.Forward(x, w, new ConvParams([1, 1], [1, 0, 0, 1], [1, 1]));
        Assert.That(yp.Shape, Is.EqualTo(new long[] { 1, 1, 3, 3 }));
        Assert.That(F(yp), Is.EqualTo(new float[] { 3, 5, 3, 12, 16, 9, 24, 28, 15 }));
    }

    [Test]
    public void Conv_weight_packing_cache_is_keyed_by_geometry_and_bit_identical()
    {
        var rng = new Random(9);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var w = Tensor.FromArray(R(4 * 2 * 3 * 3), 4, 2, 3, 3);
        var x2 = Tensor.FromArray(R(2 * 6 * 6), 1, 2, 6, 6);
        var x4 = Tensor.FromArray(R(4 * 6 * 6), 1, 4, 6, 6);
        var p1 = new ConvParams([1, 1], [1, 1], [1, 1]);
        var p2 = new ConvParams([1, 1], [1, 1], [1, 1], Groups: 2);
        var first = F(Conv.Forward(x2, w, p1));
        var again = F(Conv.Forward(x2, w, p1));               // cached packing
        var grouped = F(Conv.Forward(x4, w, p2));             // same weight tensor, other geometry: repacked
        var fresh = F(Conv.Forward(x4, w.Clone(), p2));        // never cached
        Assert.That(again, Is.EqualTo(first));
        Assert.That(grouped, Is.EqualTo(fresh));
        Assert.That(F(Conv.Forward(x2, w, p1)), Is.EqualTo(first));
    }

    [Test]
    public void Conv2d_float16_is_computed_in_float32_and_rounded_once()
    {
        var x = Tensor.FromArray<Half>(DataType.Float16, [(Half)1, (Half)2, (Half)3, (Half)4], 1, 1, 2, 2);
        var w = Tensor.FromArray<Half>(DataType.Float16, [(Half)0.5, (Half)0.25, (Half)0.125, (Half)2], 1, 1, 2, 2);
        var y = Conv.Forward(x, w, new ConvParams([1, 1], [0, 0], [1, 1]));
        Assert.That(y.DType, Is.EqualTo(DataType.Float16));
        Assert.That((double)y.ReadOnlySpan<Half>()[0], Is.EqualTo(0.5 + 0.5 + 0.375 + 8));
    }

    [Test]
    public void MaxPool_ceil_mode_tvm_and_pytorch_output_sizes()
    {
        // I=6, k=2, s=2, pad 1 each side, ceil: TVM gives (6+2-2+1)/2+1 = 4; PyTorch drops the window starting in the right pad → 4 too.
        // I=5, k=2, s=2, pad 0 right 1 (asymmetric): TVM ceil((5+1-2)/2)+1 = 3.
        var x = Tensor.FromArray(new float[] { 1, 5, 2, 4, 3 }, 1, 1, 5);
        var y = Pool.Window(PoolKind.Max, x, new PoolParams([2], [2], [0, 0], Layout: "NCW", CeilMode: true));
        Assert.That(F(y), Is.EqualTo(new float[] { 5, 4, 3 }));
        var clamped = Pool.Window(PoolKind.Max, x, new PoolParams([3], [2], [1, 1], Layout: "NCW", CeilMode: true) { ClampCeilWindows = true });
        Assert.That(F(clamped), Is.EqualTo(new float[] { 5, 5, 4 }));
    }

    [Test]
    public void AvgPool_count_include_pad_by_hand()
    {
        var x = Tensor.FromArray(new float[] { 2, 4, 6, 8 }, 1, 1, 2, 2);
        var inc = Pool.Window(PoolKind.Avg, x, new PoolParams([2, 2], [2, 2], [1, 1], CountIncludePad: true));
        var exc = Pool.Window(PoolKind.Avg, x, new PoolParams([2, 2], [2, 2], [1, 1], CountIncludePad: false));
        Assert.That(F(inc), Is.EqualTo(new float[] { 0.5f, 1, 1.5f, 2 }));
        Assert.That(F(exc), Is.EqualTo(new float[] { 2, 4, 6, 8 }));
    }

    [Test]
    public void Softmax_is_stable_for_huge_logits()
    {
        var y = Reduce.Softmax(Tensor.FromArray(new float[] { 1000, 1000, -1000 }, 3), 0);
        Assert.That(F(y), Is.EqualTo(new float[] { 0.5f, 0.5f, 0 }));
        var l = Reduce.Apply(ReduceOp.LogSumExp, Tensor.FromArray(new float[] { 1000, 1000 }, 2));
        Assert.That(l.ReadOnlySpan<float>()[0], Is.EqualTo(1000 + MathF.Log(2)).Within(1e-3));
    }

    [Test]
    public void Float32_sum_accumulates_in_double()
    {
        // 1e8 + 1 + 1 + ... in float32 would stay at 1e8; double accumulation keeps the ones.
        var v = new float[1001];
        v[0] = 1e8f;
        for (var i = 1; i < v.Length; i++) v[i] = 1;
        var s = Reduce.Apply(ReduceOp.Sum, Tensor.FromArray(v, v.Length));
        Assert.That(s.ReadOnlySpan<float>()[0], Is.EqualTo(1e8f + 1000f));
    }

    [Test]
    public void Integer_ops_wrap_and_divide_by_zero_is_an_error()
    {
        var a = Tensor.FromArray(new[] { int.MaxValue }, 1);
        Assert.That(Elementwise.Binary(BinaryOp.Add, a, Tensor.FromArray(new[] { 1 }, 1)).ReadOnlySpan<int>()[0], Is.EqualTo(int.MinValue));
        var ex = Assert.Throws<BridgeException>(() => Elementwise.Binary(BinaryOp.FloorMod, a, Tensor.FromArray(new[] { 0 }, 1)));
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(KernelDiagnosticIds.DivisionByZero));
    }

    [Test]
    public void Int64_data_movement_is_bit_exact()
    {
        var big = Tensor.FromArray(new[] { (1L << 62) + 1, -(1L << 60) - 3, long.MinValue, long.MaxValue }, 2, 2);
        var t = Manipulate.Transpose(big);
        Assert.That(t.ReadOnlySpan<long>().ToArray(), Is.EqualTo(new[] { (1L << 62) + 1, long.MinValue, -(1L << 60) - 3, long.MaxValue }));
        var taken = Manipulate.Take(big, Tensor.FromArray(new[] { 3L, 0L }, 2), null);
        Assert.That(taken.ReadOnlySpan<long>().ToArray(), Is.EqualTo(new[] { long.MaxValue, (1L << 62) + 1 }));
    }

    [Test]
    public void Cast_float_to_int_truncates_and_nan_becomes_zero()
    {
        var y = Manipulate.Cast(Tensor.FromArray(new[] { -1.9f, 1.9f, float.NaN, 300f }, 4), DataType.UInt8);
        Assert.That(y.ReadOnlySpan<byte>().ToArray(), Is.EqualTo(new byte[] { 255, 1, 0, 44 }));
    }

    [Test]
    public void Bfloat16_rounds_to_nearest_even()
    {
        var x = Tensor.FromArray(new[] { 1f, 2f }, 2);
        var y = Elementwise.Binary(BinaryOp.Add, Manipulate.Cast(x, DataType.BFloat16), Manipulate.Cast(Tensor.FromArray(new[] { 1f / 256, 3f / 256 }, 2), DataType.BFloat16));
        // 1 + 1/256 is a tie between 1 and 1+1/128 → even (1); 2 + 3/256 rounds to 2 + 1/64 (the nearest bf16).
        Assert.That(y.ToDoubleArray(), Is.EqualTo(new[] { 1.0, 2 + 1.0 / 64 }));
    }

    [Test]
    public void Sort_puts_nan_last_ascending_and_first_descending()
    {
        var x = Tensor.FromArray(new[] { 2f, float.NaN, -1f, float.PositiveInfinity }, 4);
        Assert.That(F(Reduce.Sort(x)), Is.EqualTo(new[] { -1f, 2f, float.PositiveInfinity, float.NaN }));
        Assert.That(F(Reduce.Sort(x, descending: true)), Is.EqualTo(new[] { float.NaN, float.PositiveInfinity, 2f, -1f }));
    }

    [Test]
    public void Nms_by_hand()
    {
        // Three boxes: 0 and 1 overlap with IoU 0.81 > 0.5, box 2 is apart. Scores 0.9, 0.8, 0.7 → keep 0 and 2.
        var boxes = Tensor.FromArray(new float[] { 0, 0, 10, 10, 1, 1, 10, 10, 20, 20, 30, 30 }, 1, 3, 4);
        var scores = Tensor.FromArray(new float[] { 0.9f, 0.8f, 0.7f }, 1, 1, 3);
        var sel = Vision.NonMaxSuppression(boxes, scores, 10, 0.5, 0.0);
        Assert.That(sel.ReadOnlySpan<long>().ToArray(), Is.EqualTo(new long[] { 0, 0, 0, 0, 0, 2 }));
        var one = Vision.NonMaxSuppression(boxes, scores, 1, 0.5, 0.0);
        Assert.That(one.Shape, Is.EqualTo(new long[] { 1, 3 }));
        var none = Vision.NonMaxSuppression(boxes, scores, 10, 0.5, 0.95);
        Assert.That(none.Shape, Is.EqualTo(new long[] { 0, 3 }));
    }

    [Test]
    public void Resize_nearest_rounding_modes()
    {
        var x = Tensor.FromArray(new float[] { 10, 20, 30, 40 }, 1, 1, 4);
        // asymmetric, 4 → 8: source coords 0, .5, 1, 1.5, …; round half to even picks 0,0,1,2,2,2,3,4→3.
        var r = Resize.Apply(x, new ResizeParams([8], "NCW", "nearest_neighbor", "asymmetric", "round"));
        Assert.That(F(r), Is.EqualTo(new float[] { 10, 10, 20, 30, 30, 30, 40, 40 }));
        var c = Resize.Apply(x, new ResizeParams([8], "NCW", "nearest_neighbor", "asymmetric", "round_prefer_ceil"));
        Assert.That(F(c), Is.EqualTo(new float[] { 10, 20, 20, 30, 30, 40, 40, 40 }));
    }

    [Test]
    public void Gemm_matches_naive_on_ragged_shapes_and_transposes()
    {
        var rng = new Random(5);
        foreach (var (m, n, k) in new[] { (1, 1, 1), (9, 33, 7), (17, 65, 300), (130, 40, 520) })
        foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            var a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            var b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            var c = Enumerable.Range(0, m * n).Select(_ => 1f).ToArray();
            Gemm.Sgemm(m, n, k, a, 0, ta ? m : k, ta, b, 0, tb ? k : n, tb, c, 0, n, accumulate: true);
            for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                double s = 1;
                for (var p = 0; p < k; p++) s += (double)a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j];
                Assert.That(c[i * n + j], Is.EqualTo(s).Within(1e-4 * Math.Sqrt(k) + 1e-5), $"{m}x{n}x{k} ta={ta} tb={tb} at ({i},{j})");
            }
        }
    }

    [Test]
    public void Empty_dims_flow_through()
    {
        var e = Tensor.Zeros(DataType.Float32, 0, 4);
        Assert.That(Reduce.Softmax(e, 1).Shape, Is.EqualTo(new long[] { 0, 4 }));
        Assert.That(Manipulate.Transpose(e).Shape, Is.EqualTo(new long[] { 4, 0 }));
        Assert.That(Linalg.Matmul(e, Tensor.Zeros(DataType.Float32, 4, 3)).Shape, Is.EqualTo(new long[] { 0, 3 }));
        var s = Linalg.Matmul(Tensor.Zeros(DataType.Float32, 2, 0), Tensor.Zeros(DataType.Float32, 0, 3));
        Assert.That(F(s), Is.EqualTo(new float[6]));
        Assert.That(Manipulate.Concat([e, Tensor.Zeros(DataType.Float32, 2, 4)], 0).Shape, Is.EqualTo(new long[] { 2, 4 }));
    }

    private static void AssertError(TestDelegate f, DiagnosticId id, params string[] mentions)
    {
        var ex = Assert.Throws<BridgeException>(f);
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(id), ex.Message);
        foreach (var m in mentions) Assert.That(ex.Diagnostic.Message, Does.Contain(m));
    }

    [Test]
    public void Bad_inputs_throw_kernel_diagnostics_naming_op_and_shapes()
    {
        var a = Tensor.Zeros(DataType.Float32, 2, 3);
        var b = Tensor.Zeros(DataType.Float32, 4, 3);
        AssertError(() => Elementwise.Binary(BinaryOp.Add, a, b), KernelDiagnosticIds.ShapeMismatch, "Add", "(2, 3)", "(4, 3)");
        AssertError(() => Linalg.Matmul(a, b), KernelDiagnosticIds.ShapeMismatch, "matmul", "(2, 3)", "(4, 3)");
        AssertError(() => Reduce.Apply(ReduceOp.Sum, a, new ReduceParams([2])), KernelDiagnosticIds.BadAxis, "axis 2");
        AssertError(() => Conv.Forward(a, b, new ConvParams([1, 1], [0], [1])), KernelDiagnosticIds.RankMismatch, "conv", "(2, 3)");
        AssertError(() => Conv.Forward(Tensor.Zeros(DataType.Float32, 1, 3, 5, 5), Tensor.Zeros(DataType.Float32, 4, 2, 3, 3), new ConvParams([1, 1], [0], [1])),
            KernelDiagnosticIds.ShapeMismatch, "conv", "(4, 2, 3, 3)", "(1, 3, 5, 5)");
        AssertError(() => Conv.Forward(Tensor.Zeros(DataType.Float32, 1, 3, 5, 5), Tensor.Zeros(DataType.Float32, 4, 3, 3, 3), new ConvParams([1, 1], [0], [1], KernelLayout: "OIHW8o")),
            KernelDiagnosticIds.UnsupportedMode, "OIHW8o");
        AssertError(() => Manipulate.Reshape(a, [4, -1]), KernelDiagnosticIds.ShapeMismatch, "reshape", "(2, 3)");
        AssertError(() => Manipulate.Take(a, Tensor.FromArray(new[] { 5L }, 1), 1, 0, Manipulate.TakeMode.Fast), KernelDiagnosticIds.IndexOutOfRange, "index 5");
        AssertError(() => Resize.Apply(Tensor.Zeros(DataType.Float32, 1, 1, 2, 2), new ResizeParams([4, 4], Method: "lanczos")), KernelDiagnosticIds.UnsupportedMode, "lanczos");
        AssertError(() => Manipulate.Pad(a, [0, 0, 3, 0], PadMode.Reflect), KernelDiagnosticIds.BadParameter, "reflect");
        AssertError(() => Elementwise.Unary(UnaryOp.Exp, Tensor.Zeros(DataType.Int32, 2)), KernelDiagnosticIds.UnsupportedDType, "int32");
    }

    [Test]
    public void Every_unary_and_binary_op_runs_or_rejects_the_dtype_with_a_diagnostic()
    {
        var dtypes = new[] { DataType.Float32, DataType.Float64, DataType.Float16, DataType.Int32, DataType.UInt8, DataType.Int64, DataType.Bool };
        foreach (var dt in dtypes)
        {
            var x = Manipulate.Cast(Tensor.FromArray(new[] { 1.0, 2.0, 3.0 }, 3), dt);
            foreach (var op in Enum.GetValues<UnaryOp>())
            {
                try { Assert.That(Elementwise.Unary(op, x).Shape, Is.EqualTo(new long[] { 3 }), $"{op} {dt}"); }
                catch (BridgeException e) { Assert.That(e.Diagnostic.Id, Is.EqualTo(KernelDiagnosticIds.UnsupportedDType), $"{op} {dt}: {e.Message}"); }
            }
            foreach (var op in Enum.GetValues<BinaryOp>())
            {
                try { Assert.That(Elementwise.Binary(op, x, x).Shape, Is.EqualTo(new long[] { 3 }), $"{op} {dt}"); }
                catch (BridgeException e) { Assert.That(e.Diagnostic.Id, Is.EqualTo(KernelDiagnosticIds.UnsupportedDType), $"{op} {dt}: {e.Message}"); }
            }
            foreach (var op in Enum.GetValues<ReduceOp>())
                Assert.That(Reduce.Apply(op, x).Shape, Is.Empty, $"{op} {dt}");
        }
    }

    [Test]
    public void Kernel_diagnostic_ids_are_unique_and_in_range()
    {
        var ids = CoreDiagnosticIds.AllDeclared([typeof(KernelDiagnosticIds).Assembly]).Where(d => d.Owner == typeof(KernelDiagnosticIds)).ToList();
        Assert.That(ids, Is.Not.Empty);
        Assert.That(ids.Select(i => i.Id.Code).Distinct().Count(), Is.EqualTo(ids.Count));
        Assert.That(ids.All(i => i.Id.Code is >= 6300 and <= 6599), Is.True);
    }

    [Test]
    public void Resize_nearest_with_empty_rounding_floors_except_under_align_corners()
    {
        // Width 4 → 6, asymmetric: source x = 0, .67, 1.33, 2, 2.67, 3.33.
        var x = Tensor.FromArray([10f, 20f, 30f, 40f], 1, 1, 1, 4);
        float[] Run(string mode, string rounding) =>
            Resize.Apply(x, new ResizeParams([1, 6], Method: "nearest_neighbor", CoordinateTransformationMode: mode, RoundingMethod: rounding)).Span<float>().ToArray();
        Assert.That(Run("asymmetric", ""), Is.EqualTo(new[] { 10f, 10f, 20f, 30f, 30f, 40f }));
        Assert.That(Run("asymmetric", "round"), Is.EqualTo(new[] { 10f, 20f, 20f, 30f, 40f, 40f }));
        // align_corners: x = i·3/5 = 0, .6, 1.2, 1.8, 2.4, 3 → rounded.
        Assert.That(Run("align_corners", ""), Is.EqualTo(new[] { 10f, 20f, 20f, 30f, 30f, 40f }));
    }

    /// <summary>
    /// The float32 broadcast-run planner against the generic float64 path (an independent implementation: per-element offsets),
    /// rounded to float32 — exact for these ops. Shapes cover scalar runs on either side, middle broadcasts and unit dims.
    /// </summary>
    [TestCase(new long[] { 1, 4, 3, 5 }, new long[] { 4, 1, 1 })]
    [TestCase(new long[] { 4, 1, 1 }, new long[] { 1, 4, 3, 5 })]
    [TestCase(new long[] { 2, 3, 1 }, new long[] { 1, 3, 4 })]
    [TestCase(new long[] { 3, 1, 5 }, new long[] { 1, 2, 1 })]
    [TestCase(new long[] { 1 }, new long[] { 2, 3 })]
    [TestCase(new long[] { 6 }, new long[] { 6 })]
    [TestCase(new long[] { 2, 0, 3 }, new long[] { 1, 3 })]
    public void Float32_broadcast_runs_match_the_generic_path(long[] sa, long[] sb)
    {
        var rng = new Random(7);
        Tensor Make(long[] s) => Tensor.FromArray(Enumerable.Range(0, (int)s.Aggregate(1L, (p, d) => p * d)).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray(), s);
        var a = Make(sa);
        var b = Make(sb);
        foreach (var op in new[] { BinaryOp.Add, BinaryOp.Subtract, BinaryOp.Multiply, BinaryOp.Divide, BinaryOp.Maximum, BinaryOp.Minimum })
        {
            var fast = Elementwise.Binary(op, a, b);
            var slow = Elementwise.Binary(op, Manipulate.Cast(a, DataType.Float64), Manipulate.Cast(b, DataType.Float64));
            Assert.That(fast.Shape, Is.EqualTo(slow.Shape), op.ToString());
            Assert.That(fast.Span<float>().ToArray(), Is.EqualTo(slow.Span<double>().ToArray().Select(v => (float)v).ToArray()), op.ToString());
        }
    }

    /// <summary>The unpacked 1-row path (a dense layer at batch 1) is bit-identical to the packed GEMM's row, both B layouts, K over KC.</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void Gemm_single_row_path_is_bit_identical_to_the_packed_path(bool transB)
    {
        const int n = 37, k = 600;
        var rng = new Random(3);
        var a = Enumerable.Range(0, 2 * k).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var two = new float[2 * n];
        Gemm.Sgemm(2, n, k, a, 0, k, false, b, 0, transB ? k : n, transB, two, 0, n, false);
        var one = new float[n];
        Gemm.Sgemm(1, n, k, a, 0, k, false, b, 0, transB ? k : n, transB, one, 0, n, false);
        Assert.That(one, Is.EqualTo(two.Take(n).ToArray()));
        // Accumulate form: C += A·B on top of the previous result.
        Gemm.Sgemm(1, n, k, a, 0, k, false, b, 0, transB ? k : n, transB, one, 0, n, true);
        Gemm.Sgemm(2, n, k, a, 0, k, false, b, 0, transB ? k : n, transB, two, 0, n, true);
        Assert.That(one, Is.EqualTo(two.Take(n).ToArray()));
    }
}

using Bridge.Core.Shapes;
using Bridge.Core.Tensors;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relay;
using R = Bridge.Ir.Ops.Relay;

namespace Bridge.Translators.OnnxToRelay;

// com.microsoft contrib ops of exported / ORT-optimised transformers (ContribOperators.md semantics), decomposed into Relay ops:
// the GELU family, bias/skip adds, skip (simplified) layer norms, embed layer norm, FusedMatMul, BiasSoftmax, rotary
// embeddings and the attention ops (Attention, QAttention, MultiHeadAttention) as batch_matmul → masked softmax → batch_matmul.
public sealed partial class OnnxToRelayEmitter
{
    private static void AddContribRules(Dictionary<string, Rule> t)
    {
        // ai.onnx Gelu-20 (approximate attr) and com.microsoft Gelu (erf form) share the canonical kind.
        t["Gelu"] = (e, n) => e.Out(n, n.Attrs is GeluAttrs { Approximate: "tanh" } ? e.GeluTanh(n, e.X(n, 0)) : e.GeluErf(n, e.X(n, 0)));
        t["BiasGelu"] = (e, n) => e.Out(n, e.GeluErf(n, e.Op(n, "add", null, e.X(n, 0), e.X(n, 1))));
        t["FastGelu"] = (e, n) =>
        {
            var x = e.X(n, 0);
            if (n.Input(1).IsPresent) x = e.Op(n, "add", null, x, e.X(n, 1));
            e.Out(n, e.GeluTanh(n, x));
        };
        t["QuickGelu"] = (e, n) =>
        {
            var x = e.X(n, 0);
            e.Out(n, e.Op(n, "multiply", null, x, e.Op(n, "sigmoid", null, e.Op(n, "multiply", null, x, e.ScalarLike(n, 0, n.AttrsAs<QuickGeluAttrs>().Alpha)))));
        };
        t["BiasAdd"] = (e, n) => e.Out(n, e.Op(n, "add", null, e.Op(n, "add", null, e.X(n, 0), e.X(n, 1)), e.X(n, 2)));
        t["BiasSoftmax"] = (e, n) =>
        {
            var a = n.AttrsAs<BiasSoftmaxAttrs>();
            var s = e.RequireShape(n, 0);
            var ax = (int)NormAxis(a.Axis, s.Length);
            var y = e.Op(n, "add", null, e.X(n, 0), e.X(n, 1));
            if (ax == s.Length - 1) { e.Out(n, e.Op(n, "nn.softmax", new R.SoftmaxAttrs { Axis = -1 }, y)); return; }
            // Softmax over the flattened suffix from axis.
            var flat = e.Reshape(n, y, [Prod(s.Take(ax)), Prod(s.Skip(ax))]);
            e.Out(n, e.Reshape(n, e.Op(n, "nn.softmax", new R.SoftmaxAttrs { Axis = -1 }, flat), s));
        };
        t["FusedMatMul"] = (e, n) =>
        {
            var a = n.AttrsAs<FusedMatMulAttrs>();
            if (a.TransBatchA || a.TransBatchB) throw e.Unsupported(n, "transBatchA / transBatchB");
            var sa = e.RequireShape(n, 0).ToList();
            var sb = e.RequireShape(n, 1).ToList();
            if (sa.Count < 2 || sb.Count < 2) throw e.Unsupported(n, "1-D operands");
            Expr A = e.X(n, 0), B = e.X(n, 1);
            if (a.TransA) { A = e.SwapLast(n, A, sa.Count); (sa[^1], sa[^2]) = (sa[^2], sa[^1]); }
            if (a.TransB) { B = e.SwapLast(n, B, sb.Count); (sb[^1], sb[^2]) = (sb[^2], sb[^1]); }
            var y = e.MatMulExprs(n, A, B, sa, sb);
            e.Out(n, a.Alpha == 1 ? y : e.Op(n, "multiply", null, y, e.ScalarLike(n, 0, a.Alpha)));
        };
        t["SkipLayerNormalization"] = (e, n) => e.SkipNorm(n, simplified: false);
        t["SkipSimplifiedLayerNormalization"] = (e, n) => e.SkipNorm(n, simplified: true);
        t["EmbedLayerNormalization"] = (e, n) => e.EmbedLayerNorm(n);
        t["RotaryEmbedding"] = (e, n) => e.Rotary(n);
        t["Attention"] = (e, n) =>
        {
            var a = n.AttrsAs<MsAttentionAttrs>();
            if (a.DoRotary) throw e.Unsupported(n, "do_rotary=1");
            var proj = e.MatMulExprs(n, e.X(n, 0), e.X(n, 1), e.RequireShape(n, 0), e.RequireShape(n, 1));
            if (n.Input(2).IsPresent) proj = e.Op(n, "add", null, proj, e.X(n, 2));
            e.AttentionFromProjection(n, proj, a.NumHeads, a.QkvHiddenSizes, a.Scale, a.Unidirectional, a.MaskFilterValue, 3, 4, 5);
        };
        t["QAttention"] = (e, n) =>
        {
            var a = n.AttrsAs<QAttentionAttrs>();
            if (a.DoRotary) throw e.Unsupported(n, "do_rotary=1");
            // int32 input·weight (zero points subtracted), then · input_scale·weight_scale + bias, as ORT's QAttention.
            var acc = e.QMatMul(n, 0, 1, e.ZeroPoint(n, 6, e.DTypeOfValue(n, 0)), e.ZeroPoint(n, 7, e.DTypeOfValue(n, 1)), e.X(n, 3), e.X(n, 4));
            var proj = e.IntToFloat(n, acc, e.Op(n, "multiply", null, e.X(n, 3), e.X(n, 4)), e.X(n, 2));
            e.AttentionFromProjection(n, proj, a.NumHeads, a.QkvHiddenSizes, a.Scale, a.Unidirectional, a.MaskFilterValue, 5, 8, -1);
        };
        t["MultiHeadAttention"] = (e, n) =>
        {
            var a = n.AttrsAs<MultiHeadAttentionAttrs>();
            if (!n.Input(1).IsPresent || !n.Input(2).IsPresent) throw e.Unsupported(n, "packed QKV / packed KV (key or value absent)");
            if (n.Input(6).IsPresent != n.Input(7).IsPresent) throw e.Unsupported(n, "only one of past_key / past_value");
            var sq = e.RequireShape(n, 0);
            var sk = e.RequireShape(n, 1);
            var sv = e.RequireShape(n, 2);
            if (sq.Length != 3 || sk.Length != 3 || sv.Length != 3) throw e.Unsupported(n, "query/key/value that are not 3-D (B, S, D)");
            Expr q = e.X(n, 0), k = e.X(n, 1), v = e.X(n, 2);
            if (n.Input(3).IsPresent)
            {
                var (dq, dk, dv) = (C(e, n, sq[2]), C(e, n, sk[2]), C(e, n, sv[2]));
                var bias = e.X(n, 3);
                q = e.Op(n, "add", null, q, e.Slice1(n, bias, 0, dq));
                k = e.Op(n, "add", null, k, e.Slice1(n, bias, dq, dq + dk));
                v = e.Op(n, "add", null, v, e.Slice1(n, bias, dq + dk, dq + dk + dv));
            }
            var mask = e.KeyMask(n, 4, sq[0], sq[1], sk[1], a.MaskFilterValue, "key_padding_mask");
            mask = e.AddAttentionBias(n, mask, 5);
            // past_key / past_value: (B, N, P, h), prepended to this step's keys and values; present_* return the concatenation.
            (Expr, Expr, SymExpr)? past = n.Input(6).IsPresent ? (e.X(n, 6), e.X(n, 7), e.RequireShape(n, 6)[2]) : null;
            var (o, k4, v4) = e.AttentionCore(n, q, k, v, sq[0], sq[1], sk[1], a.NumHeads, C(e, n, sq[2]), C(e, n, sv[2]), a.Scale, a.Unidirectional, a.MaskFilterValue, mask, past);
            e.Out(n, o, 0);
            e.Out(n, k4, 1);
            e.Out(n, v4, 2);
        };
    }

    private static long C(OnnxToRelayEmitter e, CanonicalNode n, SymExpr d) => d.AsConst ?? throw e.Unsupported(n, $"symbolic hidden dim {d}");

    private Expr GeluErf(CanonicalNode n, Expr x)
    {
        var dt = DTypeOf(x) ?? DataType.Float32;
        Expr S(double v) => Const(Tensor.Scalar(dt, v));
        var cdf = Op(n, "add", null, S(1), Op(n, "erf", null, Op(n, "multiply", null, x, S(0.7071067811865476))));
        return Op(n, "multiply", null, Op(n, "multiply", null, x, S(0.5)), cdf);
    }

    private Expr GeluTanh(CanonicalNode n, Expr x)
    {
        var dt = DTypeOf(x) ?? DataType.Float32;
        Expr S(double v) => Const(Tensor.Scalar(dt, v));
        var cube = Op(n, "multiply", null, Op(n, "multiply", null, x, x), x);
        var inner = Op(n, "multiply", null, S(0.7978845608028654), Op(n, "add", null, x, Op(n, "multiply", null, S(0.044715), cube)));
        return Op(n, "multiply", null, Op(n, "multiply", null, x, S(0.5)), Op(n, "add", null, S(1), Op(n, "tanh", null, inner)));
    }

    private Expr SwapLast(CanonicalNode n, Expr x, int rank) =>
        Op(n, "transpose", new R.TransposeAttrs { Axes = VA([.. Enumerable.Range(0, rank - 2).Select(i => (long)i), rank - 1, rank - 2]) }, x);

    /// <summary>Float MatMul of two expressions (the rules of <see cref="MatMul"/>: dense for a 2-D B, batch_matmul for equal ranks).</summary>
    private Expr MatMulExprs(CanonicalNode n, Expr a, Expr b, IReadOnlyList<SymExpr> sa, IReadOnlyList<SymExpr> sb)
    {
        if (sb.Count == 2 && sa.Count >= 2)
        {
            var bt = SwapLast(n, b, 2);
            var a2 = sa.Count == 2 ? a : Reshape(n, a, [Prod(sa.Take(sa.Count - 1)), sa[^1]]);
            var y = Op(n, "nn.dense", new R.DenseAttrs(), a2, bt);
            return sa.Count == 2 ? y : Reshape(n, y, [.. sa.Take(sa.Count - 1), sb[1]]);
        }
        if (sa.Count == sb.Count && sa.Count >= 3)
        {
            var lead = sa.Take(sa.Count - 2).ToList();
            var a3 = sa.Count == 3 ? a : Reshape(n, a, [Prod(lead), sa[^2], sa[^1]]);
            var b3 = sb.Count == 3 ? b : Reshape(n, b, [Prod(sb.Take(sb.Count - 2)), sb[^2], sb[^1]]);
            var y = Op(n, "nn.batch_matmul", new R.BatchMatmulAttrs { TransposeA = false, TransposeB = false }, a3, b3);
            return sa.Count == 3 ? y : Reshape(n, y, [.. lead, sa[^2], sb[^1]]);
        }
        throw Unsupported(n, $"MatMul of ranks {sa.Count} and {sb.Count}");
    }

    /// <summary>x[..., begin:end] on the last axis.</summary>
    private Expr SliceLast(CanonicalNode n, Expr x, long begin, long end, long step = 1)
    {
        var r = ShapeOf(x)?.Length ?? throw Unsupported(n, "unknown rank");
        return Op(n, "strided_slice", new R.StridedSliceAttrs { Begin = VA([begin]), End = VA([end]), Strides = VA([step]), Axes = VA([r - 1]) }, x);
    }

    private Expr Slice1(CanonicalNode n, Expr x, long begin, long end) => SliceLast(n, x, begin, end);

    private void SkipNorm(CanonicalNode n, bool simplified)
    {
        var eps = n.AttrsAs<MsEpsilonAttrs>().Epsilon;
        var biasInput = simplified ? 3 : 4;
        var s = Op(n, "add", null, X(n, 0), X(n, 1));
        if (n.Input(biasInput).IsPresent) s = Op(n, "add", null, s, X(n, biasInput));
        // RMS normalisation has no mean: ORT leaves that output unset, so it is rejected rather than guessed.
        if (simplified && n.Outputs.Length > 1 && n.Outputs[1].Length > 0) throw Unsupported(n, "the mean output of a simplified (RMS) layer norm");
        if (n.Outputs.Skip(1).Take(2).Any(o => o.Length > 0))
        {
            // mean and inv_std_var over the last axis, kept as size-1 dims (the shape ORT gives them).
            var keep = new R.ReduceAttrs { Axis = VA([-1]), Keepdims = true };
            var mean = Op(n, "mean", keep, s);
            var d = Op(n, "subtract", null, s, mean);
            var sq = simplified ? Op(n, "multiply", null, s, s) : Op(n, "multiply", null, d, d);
            Out(n, mean, 1);
            Out(n, Op(n, "rsqrt", null, Op(n, "add", null, Op(n, "mean", keep, sq), ScalarLike(n, 0, eps))), 2);
        }
        Expr y;
        if (simplified)
        {
            var ms = Op(n, "mean", new R.ReduceAttrs { Axis = VA([-1]), Keepdims = true }, Op(n, "multiply", null, s, s));
            y = Op(n, "multiply", null, Op(n, "multiply", null, s, Op(n, "rsqrt", null, Op(n, "add", null, ms, ScalarLike(n, 0, eps)))), X(n, 2));
        }
        else
        {
            var beta = n.Input(3).IsPresent ? X(n, 3) : Op(n, "zeros_like", null, X(n, 2));
            y = Op(n, "nn.layer_norm", new R.LayerNormAttrs { Axis = -1, Epsilon = eps }, s, X(n, 2), beta);
        }
        Out(n, y, 0);
        Out(n, s, 3);
    }

    private void EmbedLayerNorm(CanonicalNode n)
    {
        var a = n.AttrsAs<EmbedLayerNormalizationAttrs>();
        var ids = RequireShape(n, 0);
        if (ids.Length != 2) throw Unsupported(n, "input_ids that are not 2-D (batch, sequence)");
        Expr Take(Expr table, Expr idx) => Op(n, "take", new R.TakeAttrs { Axis = 0, Mode = "clip" }, table, idx);
        var sum = Take(X(n, 2), X(n, 0));
        Expr pos;
        if (n.Input(8).IsPresent) pos = Take(X(n, 3), X(n, 8));
        else
        {
            var seq = ids[1].AsConst ?? throw Unsupported(n, "a symbolic sequence length without position_ids");
            pos = Take(X(n, 3), Const(Tensor.FromArray([.. Enumerable.Range(0, (int)seq)], seq)));
        }
        sum = Op(n, "add", null, sum, pos);
        if (n.Input(1).IsPresent && n.Input(4).IsPresent) sum = Op(n, "add", null, sum, Take(X(n, 4), X(n, 1)));
        Out(n, Op(n, "nn.layer_norm", new R.LayerNormAttrs { Axis = -1, Epsilon = a.Epsilon }, sum, X(n, 5), X(n, 6)), 0);
        // mask_index: the number of 1s per row of mask (zeros without a mask), as ORT.
        var ones = n.Input(7).IsPresent
            ? Op(n, "cast", new R.CastAttrs { Dtype = "int32" }, Op(n, "equal", null, X(n, 7), Const(Tensor.Scalar(DTypeOfValue(n, 7), 1))))
            : Op(n, "zeros_like", null, Op(n, "cast", new R.CastAttrs { Dtype = "int32" }, X(n, 0)));
        Out(n, Op(n, "sum", new R.ReduceAttrs { Axis = VA([1]) }, ones), 1);
        Out(n, sum, 2);
    }

    private void Rotary(CanonicalNode n)
    {
        var a = n.AttrsAs<RotaryEmbeddingAttrs>();
        if (a.IsPackedBatching) throw Unsupported(n, "is_packed_batching=1");
        var s = RequireShape(n, 0);
        var cs = RequireShape(n, 2);
        var half = C(this, n, cs[1]);
        var rot = a.RotaryEmbeddingDim > 0 ? a.RotaryEmbeddingDim : 2 * half;
        if (rot != 2 * half) throw Unsupported(n, $"rotary_embedding_dim {rot} does not match the cache width {half}");
        Expr x = X(n, 0);
        SymExpr b, seq; long heads, hs;
        if (s.Length == 3)
        {
            var hidden = C(this, n, s[2]);
            hs = a.NumHeads > 0 ? hidden / a.NumHeads : rot;
            heads = hidden / hs;
            (b, seq) = (s[0], s[1]);
            x = Reshape(n, x, [b, seq, heads, hs]);
        }
        else if (s.Length == 4)
        {
            // (batch, num_heads, sequence, head_size) → (batch, sequence, num_heads, head_size).
            (b, heads, seq, hs) = (s[0], C(this, n, s[1]), s[2], C(this, n, s[3]));
            x = Op(n, "transpose", new R.TransposeAttrs { Axes = VA([0, 2, 1, 3]) }, x);
        }
        else throw Unsupported(n, $"input of rank {s.Length}");
        // Positions: position_ids (batch, seq), or one offset added to 0..seq-1.
        Expr pid;
        var ps = RequireShape(n, 1);
        if (ps.Length == 2) pid = X(n, 1);
        else
        {
            var sl = seq.AsConst ?? throw Unsupported(n, "a symbolic sequence length with a position offset");
            var ar = Const(Tensor.FromArray([.. Enumerable.Range(0, (int)sl).Select(i => (long)i)], 1, sl));
            pid = Op(n, "add", null, ar, Op(n, "cast", new R.CastAttrs { Dtype = "int64" }, X(n, 1)));
        }
        Expr Gather(int cache) => Op(n, "expand_dims", new R.ExpandDimsAttrs { Axis = 2, NumNewaxis = 1 }, Op(n, "take", new R.TakeAttrs { Axis = 0, Mode = "clip" }, X(n, cache), pid));
        var cos = Gather(2);
        var sin = Gather(3);
        Expr x1, x2;
        if (a.Interleaved) { x1 = SliceLast(n, x, 0, rot, 2); x2 = SliceLast(n, x, 1, rot, 2); }
        else { x1 = SliceLast(n, x, 0, half); x2 = SliceLast(n, x, half, rot); }
        var o1 = Op(n, "subtract", null, Op(n, "multiply", null, x1, cos), Op(n, "multiply", null, x2, sin));
        var o2 = Op(n, "add", null, Op(n, "multiply", null, x2, cos), Op(n, "multiply", null, x1, sin));
        Expr rotated = a.Interleaved
            ? Reshape(n, Op(n, "stack", new R.StackAttrs { Axis = 4 }, Tup([o1, o2])), [b, seq, heads, rot])
            : Op(n, "concatenate", new R.ConcatenateAttrs { Axis = 3 }, Tup([o1, o2]));
        if (rot < hs) rotated = Op(n, "concatenate", new R.ConcatenateAttrs { Axis = 3 }, Tup([rotated, SliceLast(n, x, rot, hs)]));
        Out(n, s.Length == 3 ? Reshape(n, rotated, [b, seq, heads * hs]) : Op(n, "transpose", new R.TransposeAttrs { Axes = VA([0, 2, 1, 3]) }, rotated));
    }

    /// <summary>Attention / QAttention after the input projection: split Q, K, V and run the core with the mask inputs.</summary>
    private void AttentionFromProjection(CanonicalNode n, Expr proj, long heads, Core.Collections.ValueArray<long>? qkvSizes, float scale, bool causal, float filter,
        int maskInput, int pastInput, int biasInput)
    {
        if (n.Input(6).IsPresent && n.Kind == "Attention") throw Unsupported(n, "past_sequence_length (shared past/present buffers)");
        if (n.Outputs.Length > 1 && n.Outputs[1].Length > 0 && !(pastInput >= 0 && n.Input(pastInput).IsPresent)) throw Unsupported(n, "the present output without a past input");
        var s = RequireShape(n, 0);
        if (s.Length != 3) throw Unsupported(n, "input that is not 3-D (batch, sequence, hidden)");
        var total = C(this, n, ShapeOf(proj)!.Value[^1]);
        var (dq, dk, dv) = qkvSizes is { Count: 3 } q ? (q[0], q[1], q[2]) : (total / 3, total / 3, total / 3);
        var qe = SliceLast(n, proj, 0, dq);
        var ke = SliceLast(n, proj, dq, dq + dk);
        var ve = SliceLast(n, proj, dq + dk, dq + dk + dv);
        var mask = KeyMask(n, maskInput, s[0], s[1], s[1], filter, "mask_index");
        if (biasInput >= 0) mask = AddAttentionBias(n, mask, biasInput);
        // past: (2, B, N, P, h), keys then values; present = the same with this step appended, (2, B, N, P + S, h).
        (Expr, Expr, SymExpr)? past = null;
        if (pastInput >= 0 && n.Input(pastInput).IsPresent)
        {
            var pv = X(n, pastInput);
            Expr Half(long i) => Op(n, "take", new R.TakeAttrs { Axis = 0, Mode = "clip" }, pv, Const(Tensor.Scalar(DataType.Int64, i)));
            past = (Half(0), Half(1), RequireShape(n, pastInput)[3]);
        }
        var (o, k4, v4) = AttentionCore(n, qe, ke, ve, s[0], s[1], s[1], heads, dq, dv, scale, causal, filter, mask, past);
        Out(n, o, 0);
        if (past is not null) Out(n, Op(n, "stack", new R.StackAttrs { Axis = 0 }, Tup([k4, v4])), 1);
    }

    /// <summary>An additive mask (float32, broadcastable to (B, N, S, L)) from a key mask input, or null when absent.</summary>
    private Expr? KeyMask(CanonicalNode n, int input, SymExpr b, SymExpr s, SymExpr l, float filter, string what)
    {
        if (!n.Input(input).IsPresent) return null;
        var ms = RequireShape(n, input);
        var m = X(n, input);
        // The mask is in the dtype of the scores (the query's: float32, or float16 in half-precision exports).
        var fdt = DTypeOfValue(n, 0);
        if (!fdt.IsFloat) fdt = DataType.Float32;
        var f = Const(Tensor.Scalar(fdt, filter));
        Expr Masked(Expr cond) => Op(n, "multiply", null, Op(n, "cast", new R.CastAttrs { Dtype = DT(fdt) }, cond), f);
        var zero = Const(Tensor.Scalar(DTypeOfValue(n, input), 0));
        switch (ms.Length)
        {
            case 2: // (B, L) raw mask: 0 masks a key
                return Reshape(n, Masked(Op(n, "less_equal", null, m, zero)), [ms[0], 1, 1, ms[1]]);
            case 3: // (B, S, L) raw mask
                return Reshape(n, Masked(Op(n, "less_equal", null, m, zero)), [ms[0], 1, ms[1], ms[2]]);
            case 1 when !(ms[0].AsConst is { } m0 && b.AsConst is { } b0 && m0 != b0):
            {
                // (B) key lengths (right padding): key j of batch i is masked when j >= len[i].
                var len = l.AsConst ?? throw Unsupported(n, $"a 1-D {what} with a symbolic key length");
                var ar = Const(Tensor.FromArray([.. Enumerable.Range(0, (int)len)], 1, len));
                var ends = Reshape(n, Op(n, "cast", new R.CastAttrs { Dtype = "int32" }, m), [ms[0], 1]);
                return Reshape(n, Masked(Op(n, "greater_equal", null, ar, ends)), [ms[0], 1, 1, l]);
            }
            default:
                throw Unsupported(n, $"{what} of shape [{string.Join(", ", ms)}] (supported: (B), (B, L), (B, S, L))");
        }
    }

    private Expr? AddAttentionBias(CanonicalNode n, Expr? mask, int input)
    {
        if (!n.Input(input).IsPresent) return mask;
        var b = X(n, input);
        return mask is null ? b : Op(n, "add", null, mask, b);
    }

    /// <summary>
    /// softmax(Q·Kᵀ·scale + mask (+ causal)) · V per head: Q (B, S, N·hq), K (B, L, N·hq), V (B, L, N·hv) → (B, S, N·hv), with
    /// optional past keys/values (B, N, P, h) prepended. Also returns all keys and values as (B, N, P + L, h) (the present).
    /// Masked positions get <paramref name="filter"/> added (ORT's mask_filter_value), as ORT does; the causal mask lets query
    /// i see keys up to P + i.
    /// </summary>
    private (Expr Out, Expr K, Expr V) AttentionCore(CanonicalNode n, Expr q, Expr k, Expr v, SymExpr b, SymExpr s, SymExpr l, long heads, long dq, long dv,
        float scale, bool causal, float filter, Expr? mask, (Expr K, Expr V, SymExpr P)? past)
    {
        if (heads <= 0 || dq % heads != 0 || dv % heads != 0) throw Unsupported(n, $"num_heads {heads} does not divide hidden sizes {dq} / {dv}");
        long hq = dq / heads, hv = dv / heads;
        var perm = new R.TransposeAttrs { Axes = VA([0, 2, 1, 3]) };
        Expr Heads(Expr x, SymExpr len, long h) => Reshape(n, Op(n, "transpose", perm, Reshape(n, x, [b, len, heads, h])), [b * heads, len, h]);
        var q3 = Heads(q, s, hq);
        var k3 = Heads(k, l, hq);
        var v3 = Heads(v, l, hv);
        var t = l;
        if (past is { } pk)
        {
            k3 = Op(n, "concatenate", new R.ConcatenateAttrs { Axis = 1 }, Tup([Reshape(n, pk.K, [b * heads, pk.P, hq]), k3]));
            v3 = Op(n, "concatenate", new R.ConcatenateAttrs { Axis = 1 }, Tup([Reshape(n, pk.V, [b * heads, pk.P, hv]), v3]));
            t = pk.P + l;
        }
        var sc = scale != 0 ? scale : 1.0 / Math.Sqrt(hq);
        var dt = DTypeOf(q) ?? DataType.Float32;
        Expr scores = Op(n, "multiply", null, Op(n, "nn.batch_matmul", new R.BatchMatmulAttrs { TransposeB = true }, q3, k3), Const(Tensor.Scalar(dt, sc)));
        if (mask is not null || causal)
        {
            scores = Reshape(n, scores, [b, heads, s, t]);
            if (mask is not null) scores = Op(n, "add", null, scores, mask);
            if (causal)
            {
                long S = s.AsConst ?? throw Unsupported(n, "unidirectional with a symbolic sequence length");
                var T = t.AsConst ?? throw Unsupported(n, "unidirectional with a symbolic total length");
                var c = Tensor.Zeros(dt, S, T);
                for (long i = 0; i < S; i++) for (long j = T - S + i + 1; j < T; j++) c.SetDouble(i * T + j, filter);
                scores = Op(n, "add", null, scores, Const(c));
            }
            scores = Reshape(n, scores, [b * heads, s, t]);
        }
        var p = Op(n, "nn.softmax", new R.SoftmaxAttrs { Axis = -1 }, scores);
        var o = Op(n, "nn.batch_matmul", new R.BatchMatmulAttrs { TransposeB = false }, p, v3);
        var o4 = Op(n, "transpose", perm, Reshape(n, o, [b, heads, s, hv]));
        return (Reshape(n, o4, [b, s, heads * hv]), Reshape(n, k3, [b, heads, t, hq]), Reshape(n, v3, [b, heads, t, hv]));
    }
}

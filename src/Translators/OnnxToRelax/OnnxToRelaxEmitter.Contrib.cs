using Bridge.Core.Collections;
using Bridge.Core.Shapes;
using Bridge.Core.Tensors;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relax;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

// com.microsoft contrib ops of exported / ORT-optimised transformers (ContribOperators.md semantics) in Relax: the GELU family
// on R.nn.gelu / R.nn.gelu_tanh, skip layer norms on R.nn.layer_norm / R.nn.rms_norm, FusedMatMul, BiasSoftmax, embed layer
// norm, rotary embeddings, and the attention ops as matmul → masked softmax → matmul over (B, N, S, H) heads.
public sealed partial class OnnxToRelaxEmitter
{
    private static void AddContribRules(Dictionary<string, Rule> t)
    {
        // ai.onnx Gelu-20 (approximate attr) and com.microsoft Gelu (erf form, no attrs) share the canonical kind.
        t["Gelu"] = (e, n) => e.Out(n, e.Op(n, n.Attrs is GeluAttrs { Approximate: "tanh" } ? "nn.gelu_tanh" : "nn.gelu", null, e.X(n, 0)));
        t["BiasGelu"] = (e, n) => e.Out(n, e.Op(n, "nn.gelu", null, e.Op(n, "add", null, e.X(n, 0), e.X(n, 1))));
        t["FastGelu"] = (e, n) =>
        {
            Expr x = e.X(n, 0);
            if (n.Input(1).IsPresent) x = e.Op(n, "add", null, x, e.X(n, 1));
            e.Out(n, e.Op(n, "nn.gelu_tanh", null, x));
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
            if (ax == s.Length - 1) { e.Out(n, e.Op(n, "nn.softmax", new RA.SoftmaxAttrs { Axis = -1 }, y)); return; }
            // Softmax over the flattened suffix from axis.
            var flat = e.Reshape(n, y, [Prod(s.Take(ax)), Prod(s.Skip(ax))]);
            e.Out(n, e.Reshape(n, e.Op(n, "nn.softmax", new RA.SoftmaxAttrs { Axis = -1 }, flat), s));
        };
        t["FusedMatMul"] = (e, n) =>
        {
            var a = n.AttrsAs<FusedMatMulAttrs>();
            if (a.TransBatchA || a.TransBatchB) throw e.Unsupported(n, "transBatchA / transBatchB");
            Expr A = e.X(n, 0), B = e.X(n, 1);
            if (a.TransA) A = e.SwapLast(n, A, e.Rank(n, 0));
            if (a.TransB) B = e.SwapLast(n, B, e.Rank(n, 1));
            Expr y = e.Op(n, "matmul", null, A, B);
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
            Expr proj = e.Op(n, "matmul", null, e.X(n, 0), e.X(n, 1));
            if (n.Input(2).IsPresent) proj = e.Op(n, "add", null, proj, e.X(n, 2));
            e.AttentionFromProjection(n, proj, a.NumHeads, a.QkvHiddenSizes, a.Scale, a.Unidirectional, a.MaskFilterValue, 3, 4, 5);
        };
        t["QAttention"] = (e, n) =>
        {
            var a = n.AttrsAs<QAttentionAttrs>();
            if (a.DoRotary) throw e.Unsupported(n, "do_rotary=1");
            // int32 input·weight (zero points subtracted), then · input_scale·weight_scale + bias, as ORT's QAttention.
            var acc = e.QMatMul(n, e.X(n, 0), e.X(n, 1), e.OptX(n, 6), e.OptX(n, 7));
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
            var (dq, dk, dv) = (e.C(n, sq[2]), e.C(n, sk[2]), e.C(n, sv[2]));
            if (n.Input(3).IsPresent)
            {
                var bias = e.X(n, 3);
                q = e.Op(n, "add", null, q, e.SliceLast(n, bias, 0, dq));
                k = e.Op(n, "add", null, k, e.SliceLast(n, bias, dq, dq + dk));
                v = e.Op(n, "add", null, v, e.SliceLast(n, bias, dq + dk, dq + dk + dv));
            }
            var mask = e.KeyMask(n, 4, sq[0], sq[1], sk[1], a.MaskFilterValue, "key_padding_mask");
            mask = e.AddAttentionBias(n, mask, 5);
            // past_key / past_value: (B, N, P, h), prepended to this step's keys and values; present_* return the concatenation.
            (Expr, Expr, SymExpr)? past = n.Input(6).IsPresent ? (e.X(n, 6), e.X(n, 7), e.RequireShape(n, 6)[2]) : null;
            var (o, k4, v4) = e.AttentionCore(n, q, k, v, sq[0], sq[1], sk[1], a.NumHeads, dq, dv, a.Scale, a.Unidirectional, a.MaskFilterValue, mask, past);
            e.Out(n, o, 0);
            e.Out(n, k4, 1);
            e.Out(n, v4, 2);
        };
    }

    private long C(CanonicalNode n, SymExpr d) => d.AsConst ?? throw Unsupported(n, $"symbolic hidden dim {d}");

    private Expr SwapLast(CanonicalNode n, Expr x, int rank) =>
        Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([.. Enumerable.Range(0, rank - 2).Select(i => (long)i), rank - 1, rank - 2]) }, x);

    /// <summary>x[..., begin:end:step] on the last axis.</summary>
    private Expr SliceLast(CanonicalNode n, Expr x, long begin, long end, long step = 1)
    {
        var r = ShapeOf(x)?.Length ?? throw Unsupported(n, "unknown rank");
        Expr T(long v) => RelaxEmitBuilder.Tuple([PrimValue.Int64(v)]);
        return Op(n, "strided_slice", new RA.StridedSliceAttrs(), x, T(r - 1), T(begin), T(end), T(step));
    }

    private void SkipNorm(CanonicalNode n, bool simplified)
    {
        var eps = n.AttrsAs<MsEpsilonAttrs>().Epsilon;
        var biasInput = simplified ? 3 : 4;
        Expr s = Op(n, "add", null, X(n, 0), X(n, 1));
        if (n.Input(biasInput).IsPresent) s = Op(n, "add", null, s, X(n, biasInput));
        // RMS normalisation has no mean: ORT leaves that output unset, so it is rejected rather than guessed.
        if (simplified && n.Outputs.Length > 1 && n.Outputs[1].Length > 0) throw Unsupported(n, "the mean output of a simplified (RMS) layer norm");
        if (n.Outputs.Skip(1).Take(2).Any(o => o.Length > 0))
        {
            // mean and inv_std_var over the last axis, kept as size-1 dims (the shape ORT gives them).
            var keep = new RA.StatisticalAttrs { Axis = VA([-1]), Keepdims = true };
            var mean = Op(n, "mean", keep, s);
            var d = Op(n, "subtract", null, s, mean);
            var sq = simplified ? Op(n, "multiply", null, s, s) : Op(n, "multiply", null, d, d);
            Out(n, mean, 1);
            Out(n, Op(n, "rsqrt", null, Op(n, "add", null, Op(n, "mean", keep, sq), ScalarLike(n, 0, eps))), 2);
        }
        Expr y;
        if (simplified) y = Op(n, "nn.rms_norm", new RA.RmsNormAttrs { Axes = VA([-1]), Epsilon = eps }, s, X(n, 2));
        else
        {
            var beta = n.Input(3).IsPresent ? X(n, 3) : Op(n, "zeros_like", null, X(n, 2));
            y = Op(n, "nn.layer_norm", new RA.LayerNormAttrs { Axes = VA([-1]), Epsilon = eps }, s, X(n, 2), beta);
        }
        Out(n, y, 0);
        Out(n, s, 3);
    }

    private void EmbedLayerNorm(CanonicalNode n)
    {
        var a = n.AttrsAs<EmbedLayerNormalizationAttrs>();
        var ids = RequireShape(n, 0);
        if (ids.Length != 2) throw Unsupported(n, "input_ids that are not 2-D (batch, sequence)");
        Expr Take(Expr table, Expr idx) => Op(n, "take", new RA.TakeAttrs { Axis = 0 }, table, idx);
        var sum = Take(X(n, 2), X(n, 0));
        Expr pos = n.Input(8).IsPresent ? Take(X(n, 3), X(n, 8))
            : Take(X(n, 3), Op(n, "arange", new RA.InitAttrs { Dtype = DataType.Int64 }, PrimValue.Int64(0), PrimValue.Int64(ids[1]), PrimValue.Int64(1)));
        sum = Op(n, "add", null, sum, pos);
        if (n.Input(1).IsPresent && n.Input(4).IsPresent) sum = Op(n, "add", null, sum, Take(X(n, 4), X(n, 1)));
        Out(n, Op(n, "nn.layer_norm", new RA.LayerNormAttrs { Axes = VA([-1]), Epsilon = a.Epsilon }, sum, X(n, 5), X(n, 6)), 0);
        // mask_index: the number of 1s per row of mask (zeros without a mask), as ORT.
        var i32 = new RA.AstypeAttrs { Dtype = DataType.Int32 };
        var ones = n.Input(7).IsPresent
            ? Op(n, "astype", i32, Op(n, "equal", null, X(n, 7), Scalar(DTypeOfValue(n, 7), 1)))
            : Op(n, "zeros_like", null, Op(n, "astype", i32, X(n, 0)));
        Out(n, Op(n, "sum", new RA.StatisticalAttrs { Axis = VA([1]) }, ones), 1);
        Out(n, sum, 2);
    }

    private void Rotary(CanonicalNode n)
    {
        var a = n.AttrsAs<RotaryEmbeddingAttrs>();
        if (a.IsPackedBatching) throw Unsupported(n, "is_packed_batching=1");
        var s = RequireShape(n, 0);
        var cs = RequireShape(n, 2);
        var half = C(n, cs[1]);
        var rot = a.RotaryEmbeddingDim > 0 ? a.RotaryEmbeddingDim : 2 * half;
        if (rot != 2 * half) throw Unsupported(n, $"rotary_embedding_dim {rot} does not match the cache width {half}");
        Expr x = X(n, 0);
        SymExpr b, seq; long heads, hs;
        var perm = new RA.PermuteDimsAttrs { Axes = VA([0, 2, 1, 3]) };
        if (s.Length == 3)
        {
            var hidden = C(n, s[2]);
            hs = a.NumHeads > 0 ? hidden / a.NumHeads : rot;
            heads = hidden / hs;
            (b, seq) = (s[0], s[1]);
            x = Reshape(n, x, [b, seq, heads, hs]);
        }
        else if (s.Length == 4)
        {
            // (batch, num_heads, sequence, head_size) → (batch, sequence, num_heads, head_size).
            (b, heads, seq, hs) = (s[0], C(n, s[1]), s[2], C(n, s[3]));
            x = Op(n, "permute_dims", perm, x);
        }
        else throw Unsupported(n, $"input of rank {s.Length}");
        // Positions: position_ids (batch, seq), or one offset added to 0..seq-1.
        Expr pid;
        if (RequireShape(n, 1).Length == 2) pid = X(n, 1);
        else
        {
            var ar = Op(n, "arange", new RA.InitAttrs { Dtype = DataType.Int64 }, PrimValue.Int64(0), PrimValue.Int64(seq), PrimValue.Int64(1));
            pid = Op(n, "add", null, Reshape(n, ar, [1, seq]), Op(n, "astype", new RA.AstypeAttrs { Dtype = DataType.Int64 }, X(n, 1)));
        }
        Expr Gather(int cache) => Op(n, "expand_dims", new RA.ExpandDimsAttrs { Axis = VA([2]) }, Op(n, "take", new RA.TakeAttrs { Axis = 0 }, X(n, cache), pid));
        var cos = Gather(2);
        var sin = Gather(3);
        Expr x1, x2;
        if (a.Interleaved) { x1 = SliceLast(n, x, 0, rot, 2); x2 = SliceLast(n, x, 1, rot, 2); }
        else { x1 = SliceLast(n, x, 0, half); x2 = SliceLast(n, x, half, rot); }
        var o1 = Op(n, "subtract", null, Op(n, "multiply", null, x1, cos), Op(n, "multiply", null, x2, sin));
        var o2 = Op(n, "add", null, Op(n, "multiply", null, x2, cos), Op(n, "multiply", null, x1, sin));
        Expr rotated = a.Interleaved
            ? Reshape(n, Op(n, "stack", new RA.StackAttrs { Axis = 4 }, RelaxEmitBuilder.Tuple([o1, o2])), [b, seq, heads, rot])
            : Op(n, "concat", new RA.ConcatAttrs { Axis = 3 }, RelaxEmitBuilder.Tuple([o1, o2]));
        if (rot < hs) rotated = Op(n, "concat", new RA.ConcatAttrs { Axis = 3 }, RelaxEmitBuilder.Tuple([rotated, SliceLast(n, x, rot, hs)]));
        Out(n, s.Length == 3 ? Reshape(n, rotated, [b, seq, heads * hs]) : Op(n, "permute_dims", perm, rotated));
    }

    /// <summary>Attention / QAttention after the input projection: split Q, K, V and run the core with the mask inputs.</summary>
    private void AttentionFromProjection(CanonicalNode n, Expr proj, long heads, ValueArray<long>? qkvSizes, float scale, bool causal, float filter,
        int maskInput, int pastInput, int biasInput)
    {
        if (n.Input(6).IsPresent && n.Kind == "Attention") throw Unsupported(n, "past_sequence_length (shared past/present buffers)");
        if (n.Outputs.Length > 1 && n.Outputs[1].Length > 0 && !(pastInput >= 0 && n.Input(pastInput).IsPresent)) throw Unsupported(n, "the present output without a past input");
        var s = RequireShape(n, 0);
        if (s.Length != 3) throw Unsupported(n, "input that is not 3-D (batch, sequence, hidden)");
        var total = C(n, ShapeOf(proj)!.Value[^1]);
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
            Expr Half(long i) => Op(n, "take", new RA.TakeAttrs { Axis = 0 }, pv, RelaxEmitBuilder.Const(Tensor.Scalar(DataType.Int64, i)));
            past = (Half(0), Half(1), RequireShape(n, pastInput)[3]);
        }
        var (o, k4, v4) = AttentionCore(n, qe, ke, ve, s[0], s[1], s[1], heads, dq, dv, scale, causal, filter, mask, past);
        Out(n, o, 0);
        if (past is not null) Out(n, Op(n, "stack", new RA.StackAttrs { Axis = 0 }, RelaxEmitBuilder.Tuple([k4, v4])), 1);
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
        var f = Scalar(fdt, filter);
        Expr Masked(Expr cond) => Op(n, "multiply", null, Op(n, "astype", new RA.AstypeAttrs { Dtype = fdt }, cond), f);
        var zero = Scalar(DTypeOfValue(n, input), 0);
        switch (ms.Length)
        {
            case 2: // (B, L) raw mask: 0 masks a key
                return Reshape(n, Masked(Op(n, "less_equal", null, m, zero)), [ms[0], 1, 1, ms[1]]);
            case 3: // (B, S, L) raw mask
                return Reshape(n, Masked(Op(n, "less_equal", null, m, zero)), [ms[0], 1, ms[1], ms[2]]);
            case 1 when !(ms[0].AsConst is { } m0 && b.AsConst is { } b0 && m0 != b0):
            {
                // (B) key lengths (right padding): key j of batch i is masked when j >= len[i].
                var ar = Reshape(n, Op(n, "arange", new RA.InitAttrs { Dtype = DataType.Int32 }, PrimValue.Int64(0), PrimValue.Int64(l), PrimValue.Int64(1)), [1, l]);
                var ends = Reshape(n, Op(n, "astype", new RA.AstypeAttrs { Dtype = DataType.Int32 }, m), [ms[0], 1]);
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
        var perm = new RA.PermuteDimsAttrs { Axes = VA([0, 2, 1, 3]) };
        Expr Heads(Expr x, SymExpr len, long h) => Op(n, "permute_dims", perm, Reshape(n, x, [b, len, heads, h]));
        var q4 = Heads(q, s, hq);
        var k4 = Heads(k, l, hq);
        var v4 = Heads(v, l, hv);
        var t = l;
        if (past is { } pk)
        {
            k4 = Op(n, "concat", new RA.ConcatAttrs { Axis = 2 }, RelaxEmitBuilder.Tuple([pk.K, k4]));
            v4 = Op(n, "concat", new RA.ConcatAttrs { Axis = 2 }, RelaxEmitBuilder.Tuple([pk.V, v4]));
            t = pk.P + l;
        }
        var kt = Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([0, 1, 3, 2]) }, k4);
        var sc = scale != 0 ? scale : 1.0 / Math.Sqrt(hq);
        var dt = DTypeOf(q) ?? DataType.Float32;
        Expr scores = Op(n, "multiply", null, Op(n, "matmul", null, q4, kt), Scalar(dt, sc));
        if (mask is not null) scores = Op(n, "add", null, scores, mask);
        if (causal)
        {
            long S = s.AsConst ?? throw Unsupported(n, "unidirectional with a symbolic sequence length");
            var T = t.AsConst ?? throw Unsupported(n, "unidirectional with a symbolic total length");
            var c = Tensor.Zeros(dt, S, T);
            for (long i = 0; i < S; i++) for (long j = T - S + i + 1; j < T; j++) c.SetDouble(i * T + j, filter);
            scores = Op(n, "add", null, scores, RelaxEmitBuilder.Const(c));
        }
        var p = Op(n, "nn.softmax", new RA.SoftmaxAttrs { Axis = -1 }, scores);
        var o = Op(n, "permute_dims", perm, Op(n, "matmul", null, p, v4));
        return (Reshape(n, o, [b, s, heads * hv]), k4, v4);
    }
}

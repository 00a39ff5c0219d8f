using Bridge.Importers.Onnx.Proto;
using static Bridge.Translators.Torch.OnnxGraphBuilder;

namespace Bridge.Translators.Torch;

/// <summary>
/// <c>aten::lstm</c>, <c>aten::gru</c> and <c>aten::rnn_tanh/relu</c> as one ONNX LSTM/GRU/RNN per layer (both directions in one
/// node; torch gate order i,f,g,o reordered to ONNX's i,o,f,c; r,z,n to z,r,h with <c>linear_before_reset</c>), one argument
/// parser and weight stacking for all three.
/// </summary>
internal static partial class Aten
{
    /// <summary><c>aten::lstm</c>: ONNX LSTM (gates i,f,g,o → i,o,f,c), hx = [h0, c0]; returns (output, h_n, c_n).</summary>
    private static object Lstm(TorchScriptEvaluator ev, AtenCall c) =>
        Recurrent(ev, c, "LSTM", 4, w => Reorder(ev, w));

    /// <summary><c>aten::gru</c>: ONNX GRU (gates r,z,n → z,r,h; torch resets after the recurrent matmul: linear_before_reset=1).</summary>
    private static object Gru(TorchScriptEvaluator ev, AtenCall c) =>
        Recurrent(ev, c, "GRU", 3, w => ReorderGru(ev, w), A("linear_before_reset", 1L));

    /// <summary><c>aten::rnn_tanh</c> / <c>rnn_relu</c>: ONNX RNN with that activation per direction.</summary>
    private static object SimpleRnn(TorchScriptEvaluator ev, AtenCall c, string act) =>
        Recurrent(ev, c, "RNN", 1, w => w, Strings("activations", B(ev, c, 7, "bidirectional") ? [act, act] : [act]));

    /// <summary>
    /// lstm/gru/rnn_tanh/rnn_relu(input, hx, params[], has_biases, num_layers, dropout, train, bidirectional, batch_first) as one
    /// ONNX <paramref name="op"/> per layer (both directions in one node). LSTM's hx is the list [h0, c0] and it also returns the
    /// cell state: (output, h_n, c_n); the others take h0 alone and return (output, h_n).
    /// </summary>
    private static object Recurrent(TorchScriptEvaluator ev, AtenCall c, string op, int gates, Func<TensorRef, TensorRef> reorder, params AttributeProto[] extra)
    {
        var x = T(ev, c, 0);
        TensorRef h0;
        TensorRef? c0 = null;
        if (op == "LSTM")
        {
            if (Arg(c, 1, "hx") is TensorRef) throw Bad(ev, c, "packed-sequence LSTM is not supported");
            var hx = Tensors(ev, c, 1, "hx");
            (h0, c0) = (hx[0], hx[1]); // (layers*dirs, N, H)
        }
        else h0 = Arg(c, 1, "hx") as TensorRef ?? throw Bad(ev, c, $"packed-sequence {op} is not supported");
        var ps = Tensors(ev, c, 2, "params");
        var hasB = B(ev, c, 3, "has_biases", true);
        var layers = (int)L(ev, c, 4, "num_layers");
        var bidir = B(ev, c, 7, "bidirectional");
        var batchFirst = B(ev, c, 8, "batch_first");
        var g = ev.Graph;
        var seq = batchFirst ? Transpose(ev, x, [1, 0, 2]) : x; // (T, N, I)
        var dirs = bidir ? 2 : 1;
        var per = hasB ? 4 : 2;
        if (ps.Count != layers * dirs * per) throw Bad(ev, c, $"{ps.Count} weights for {layers} layer(s) x {dirs} direction(s)");
        var hidden = h0.Shape[2];
        var (tLen, n) = (seq.Shape[0], seq.Shape[1]);
        var hs = new List<TensorRef>();
        var cs = new List<TensorRef>();
        for (var l = 0; l < layers; l++)
        {
            var ws = new List<TensorRef>();
            var rs = new List<TensorRef>();
            var bs = new List<TensorRef>();
            for (var d = 0; d < dirs; d++)
            {
                var k = (l * dirs + d) * per;
                ws.Add(reorder(ps[k]));
                rs.Add(reorder(ps[k + 1]));
                bs.Add(hasB ? Concat(ev, c, [reorder(ps[k + 2]), reorder(ps[k + 3])], 0) : Full(ev, [2 * gates * hidden], 0.0, x.DType));
            }
            var w = Concat(ev, c, [.. ws.Select(t => Reshape(ev, t, [1, .. t.Shape]))], 0);
            var r = Concat(ev, c, [.. rs.Select(t => Reshape(ev, t, [1, .. t.Shape]))], 0);
            var b = Concat(ev, c, [.. bs.Select(t => Reshape(ev, t, [1, .. t.Shape]))], 0);
            List<string> inputs = [seq.Name, w.Name, r.Name, b.Name, "", Slice(ev, h0, 0, l * dirs, (l + 1) * dirs).Name];
            List<(System.Collections.Immutable.ImmutableArray<long>, DataType)> types = [([tLen, dirs, n, hidden], x.DType), ([dirs, n, hidden], x.DType)];
            if (c0 is not null)
            {
                inputs.Add(Slice(ev, c0, 0, l * dirs, (l + 1) * dirs).Name);
                types.Add(([dirs, n, hidden], x.DType));
            }
            var outs = g.NodeMulti(op, inputs, types, [A("hidden_size", hidden), A("direction", bidir ? "bidirectional" : "forward"), .. extra]);
            hs.Add(outs[1]);
            if (c0 is not null) cs.Add(outs[2]);
            // (T, dirs, N, H) -> (T, N, dirs*H)
            seq = Reshape(ev, Transpose(ev, outs[0], [0, 2, 1, 3]), [tLen, n, dirs * hidden]);
        }
        var output = batchFirst ? Transpose(ev, seq, [1, 0, 2]) : seq;
        return c0 is null ? new PyTupleValue([output, Concat(ev, c, hs, 0)]) : new PyTupleValue([output, Concat(ev, c, hs, 0), Concat(ev, c, cs, 0)]);
    }

    /// <summary>(3H, …) gates r,z,n (torch) → z,r,h (ONNX).</summary>
    private static TensorRef ReorderGru(TorchScriptEvaluator ev, TensorRef w)
    {
        var h = w.Shape[0] / 3;
        var parts = (List<object?>)SplitSizes(ev, w, 0, [h, h, h]);
        return ev.Graph.Node("Concat", [(TensorRef)parts[1]!, (TensorRef)parts[0]!, (TensorRef)parts[2]!], w.Shape, w.DType, A("axis", 0L));
    }

    /// <summary>(4H, …) gates i,f,g,o → i,o,f,g (ONNX's i,o,f,c).</summary>
    private static TensorRef Reorder(TorchScriptEvaluator ev, TensorRef w)
    {
        var h = w.Shape[0] / 4;
        var parts = (List<object?>)SplitSizes(ev, w, 0, [h, h, h, h]);
        var (i, f, gg, o) = ((TensorRef)parts[0]!, (TensorRef)parts[1]!, (TensorRef)parts[2]!, (TensorRef)parts[3]!);
        return ev.Graph.Node("Concat", [i, o, f, gg], w.Shape, w.DType, A("axis", 0L));
    }
}

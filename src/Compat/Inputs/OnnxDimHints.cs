using System.Globalization;
using Bridge.Importers.Onnx;

namespace Bridge.Compat.Inputs;

/// <summary>
/// Lower bounds an ONNX model puts on its symbolic input dims, so default inputs fit its windows: an input axis followed (through
/// shape-preserving ops: activations, casts, normalisations, elementwise arithmetic) by a chain of Conv / MaxPool / AveragePool /
/// LpPool nodes must be large enough for every window on the chain (walked backwards: <c>in ≥ (out−1)·stride + (k−1)·dilation + 1 −
/// pads</c>, starting from out = 1); the signal axis of STFT must hold one frame. Keys are dim names, or <c>input:axis</c> for
/// anonymous dims (<see cref="DimDefaults.AnonymousKey"/>). Only the main graph is walked; a hint only raises a default.
/// </summary>
public static class OnnxDimHints
{
    private sealed record Window(long Extent, long Stride, long Pads);

    /// <summary>One tracked axis: the input dim it comes from and the windows applied to it since.</summary>
    private sealed record Track(string Key, ImmutableList<Window> Chain);

    private static readonly HashSet<string> s_preserving = new(StringComparer.Ordinal)
    {
        "Identity", "Cast", "Relu", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Elu", "Selu", "Celu", "Gelu",
        "Softplus", "Neg", "Abs", "Exp", "Log", "Sqrt", "Reciprocal", "Clip", "Erf", "Floor", "Ceil", "Round", "Sin", "Cos",
        "BatchNormalization", "InstanceNormalization", "Dropout", "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Where",
        "QuantizeLinear", "DequantizeLinear", "Mish", "Swish", "Sign",
    };

    /// <summary>Minimum sizes by dim key, each with a one-line reason naming the node.</summary>
    public static IReadOnlyDictionary<string, (long Min, string Why)> Of(OnnxModel model)
    {
        var g = model.Graph;
        var tracks = new Dictionary<string, Track?[]>(StringComparer.Ordinal);
        foreach (var i in g.Inputs)
        {
            if (g.Initializers.ContainsKey(i.Name) || i.Type.Shape is not { } shape) continue;
            var t = new Track?[shape.Length];
            for (var a = 0; a < shape.Length; a++)
                if (!(shape[a].Value is { } v && v > 0))
                    t[a] = new Track(shape[a].Param is { Length: > 0 } p ? p : DimDefaults.AnonymousKey(i.Name, a), []);
            tracks[i.Name] = t;
        }
        var mins = new Dictionary<string, (long Min, string Why)>(StringComparer.Ordinal);
        void Need(string key, long min, string why)
        {
            if (min > 1 && (!mins.TryGetValue(key, out var m) || m.Min < min)) mins[key] = (min, why);
        }
        foreach (var n in g.Nodes)
        {
            if (n.Inputs.Length == 0 || !tracks.TryGetValue(n.Inputs[0], out var src)) continue;
            if (s_preserving.Contains(n.OpType))
            {
                foreach (var o in n.Outputs.Take(1)) tracks[o] = src;
                continue;
            }
            if (n.OpType is "Conv" or "MaxPool" or "AveragePool" or "LpPool" && Windows(n, g, src.Length - 2) is { } wins)
            {
                var outT = new Track?[src.Length];
                outT[0] = src[0];
                for (var a = 0; a < wins.Length && a + 2 < src.Length; a++)
                {
                    if (src[a + 2] is not { } tr) continue;
                    var chain = tr.Chain.Add(wins[a]);
                    Need(tr.Key, Required(chain), $"{n.OpType} '{n.Name}' window {wins[a].Extent} on axis {a + 2}");
                    outT[a + 2] = tr with { Chain = chain };
                }
                foreach (var o in n.Outputs.Take(1)) tracks[o] = outT;
                continue;
            }
            if (n.OpType == "STFT" && src.Length >= 2 && src[1] is { } sig)
            {
                var frame = n.Inputs.Length > 3 && n.Inputs[3].Length > 0 && g.ConstantOf(n.Inputs[3]) is { Length: 1 } fl ? fl.GetInt64(0)
                    : n.Inputs.Length > 2 && n.Inputs[2].Length > 0 && g.TypeOf(n.Inputs[2])?.Shape is { Length: 1 } ws && ws[0].Value is { } wl ? wl : 0;
                if (frame > 0) Need(sig.Key, Required(sig.Chain.Add(new Window(frame, 1, 0))), $"STFT '{n.Name}' frame length {frame}");
            }
        }
        return mins;
    }

    /// <summary>The smallest input size for which every window of the chain yields at least one output element.</summary>
    private static long Required(ImmutableList<Window> chain)
    {
        long need = 1;
        for (var i = chain.Count - 1; i >= 0; i--)
            need = Math.Max(1, (need - 1) * chain[i].Stride + chain[i].Extent - chain[i].Pads);
        return need;
    }

    /// <summary>The per-spatial-axis windows of a conv or pool node, or null when its kernel is not known statically.</summary>
    private static Window[]? Windows(OnnxNode n, OnnxGraph g, int spatial)
    {
        if (spatial <= 0) return null;
        long[]? kernel = n.Attributes.TryGetValue("kernel_shape", out var ks) ? [.. ks.Ints] : null;
        if (kernel is null && n.OpType == "Conv" && n.Inputs.Length > 1 && g.TypeOf(n.Inputs[1])?.Shape is { } ws && ws.Length == spatial + 2
            && ws.Skip(2).All(d => d.Value is > 0))
            kernel = [.. ws.Skip(2).Select(d => d.Value!.Value)];
        if (kernel is null || kernel.Length != spatial) return null;
        var strides = Ints(n, "strides", spatial, 1);
        var dil = Ints(n, "dilations", spatial, 1);
        var pads = Ints(n, "pads", 2 * spatial, 0);
        var same = n.Attributes.TryGetValue("auto_pad", out var ap) && ap.S is "SAME_UPPER" or "SAME_LOWER";
        var w = new Window[spatial];
        for (var a = 0; a < spatial; a++)
            w[a] = same ? new Window(1, strides[a], 0) : new Window((kernel[a] - 1) * dil[a] + 1, strides[a], pads[a] + pads[a + spatial]);
        return w;
    }

    private static long[] Ints(OnnxNode n, string name, int count, long fill) =>
        n.Attributes.TryGetValue(name, out var a) && a.Ints.Length == count ? [.. a.Ints] : [.. Enumerable.Repeat(fill, count)];

    /// <summary>For messages: a hint as <c>key ≥ min (why)</c>.</summary>
    public static string Describe(string key, (long Min, string Why) hint) => $"{key} >= {hint.Min.ToString(CultureInfo.InvariantCulture)} ({hint.Why})";
}

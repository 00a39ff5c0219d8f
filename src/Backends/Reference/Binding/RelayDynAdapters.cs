using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

// Relay dyn.* adapters: the operand a static op takes as an attribute (shape, reps, k, size...) is a run-time tensor here
// (TVM src/relay/op/dyn/); the attributes that remain (dtype, layout, modes) are read as for the static op.
public static partial class ReferenceKernels
{
    private static void RegisterRelayDyn()
    {
        Relay("dyn.reshape", c =>
        {
            var x = c.T(0);
            var ns = c.Ints(1);
            // allowzero: a 0 is a zero-sized dim, not "copy the input dim" (only −1 keeps its meaning).
            if (c.Bool("allowzero") && ns.Contains(0))
            {
                var known = ns.Where(v => v != -1).Aggregate(1L, (p, v) => p * v);
                var shape = ns.Select(v => v == -1 ? (known == 0 ? 0 : x.Length / known) : v).ToArray();
                return V(Manipulate.Reshape(x, shape));
            }
            return V(Manipulate.Reshape(x, RelayNewShape(c, [.. x.Shape], ns, false)));
        });
        Relay("dyn.broadcast_to", c => V(Manipulate.BroadcastTo(c.T(0), c.Ints(1))));
        Relay("dyn.full", c => V(Manipulate.Full(c.Ints(1), c.T(0), DTypeOr(c, "dtype", c.T(0).DType))));
        Relay("dyn.zeros", c => V(Manipulate.Full(c.Ints(0), 0, DTypeOr(c, "dtype", DataType.Float32))));
        Relay("dyn.ones", c => V(Manipulate.Full(c.Ints(0), 1, DTypeOr(c, "dtype", DataType.Float32))));
        Relay("dyn.tile", c => V(Manipulate.Tile(c.T(0), c.Ints(1))));
        Relay("dyn.squeeze", c => V(Manipulate.Squeeze(c.T(0), c.Ints(1))));
        Relay("dyn.expand_dims", c => V(Manipulate.ExpandDims(c.T(0), c.Ints(1) is [var a] ? a : throw c.Error("axis must have one element"),
            (int)c.Long("num_newaxis", 1))));
        Relay("dyn.strided_slice", c =>
        {
            var x = c.T(0);
            var begin = c.Ints(1);
            var end = c.Ints(2);
            var strides = c.Count > 3 ? c.Ints(3) : null;
            if (c.Str("slice_mode", "end") == "size")
            {
                // size mode: end = begin + size; a negative size runs to the end of the axis; strides are ignored (TVM).
                for (var i = 0; i < end.Length; i++)
                {
                    var b = i < begin.Length ? begin[i] : 0;
                    end[i] = end[i] < 0 ? x.Shape[i] : (b < 0 ? b + x.Shape[i] : b) + end[i];
                }
                strides = null;
            }
            return V(Manipulate.StridedSlice(x, begin, end, strides, null));
        });
        Relay("dyn.topk", c =>
        {
            var k = c.Ints(1) is [var kv] ? kv : throw c.Error("k must have one element");
            var (vals, idx) = Reduce.TopK(c.T(0), k, c.Long("axis", -1), !c.Bool("is_ascend"), DTypeOr(c, "dtype", DataType.Int32));
            return c.Str("ret_type", "both") switch { "values" => V(vals), "indices" => V(idx), _ => KernelCall.Tuple(vals, idx) };
        });
        Relay("dyn.one_hot", c =>
        {
            var on = c.T(1); var off = c.T(2);
            var depth = c.Ints(3) is [var d] ? d : throw c.Error("depth must have one element");
            return V(Manipulate.OneHot(c.T(0), depth, c.Long("axis", -1), c.DType("dtype") ?? on.DType, on.GetDouble(0), off.GetDouble(0)));
        });
        Relay("dyn.nn.pad", c =>
        {
            var x = c.T(0);
            var pw = c.T(1);
            if (pw.Rank != 2 || pw.Shape[0] != x.Rank || pw.Shape[1] != 2) throw c.Error($"pad_width must be [{x.Rank}, 2], got [{string.Join(", ", pw.Shape)}]");
            var widths = Enumerable.Range(0, (int)pw.Length).Select(i => pw.GetInt64(i)).ToArray();
            var mode = c.Str("pad_mode", "constant") switch
            {
                "constant" => PadMode.Constant,
                "edge" => PadMode.Edge,
                "reflect" => PadMode.Reflect,
                var m => throw c.Error($"unsupported pad_mode '{m}'"),
            };
            return V(Manipulate.Pad(x, widths, mode, c.Count > 2 ? c.Scalar(2) : 0));
        });
        Relay("dyn.nn.upsampling", c =>
        {
            var x = c.T(0);
            var layout = c.Str("layout", "NCHW");
            long h = x.Shape[layout.IndexOf('H')], w = x.Shape[layout.IndexOf('W')];
            var size = new[] { (long)Math.Floor(h * c.Scalar(1)), (long)Math.Floor(w * c.Scalar(2)) };
            var method = c.Str("method", "nearest_neighbor");
            var p = new ResizeParams(size, layout, method == "bilinear" ? "linear" : method == "bicubic" ? "cubic" : "nearest_neighbor",
                c.Bool("align_corners") ? "align_corners" : "asymmetric", "floor");
            return V(Resize.Apply(x, p));
        });
        // dyn.image.resize2d(data, size, roi): ResizeOf reads the size from argument 1.
        Relay("dyn.image.resize2d", c => V(ResizeOf(c, 2)));
    }
}

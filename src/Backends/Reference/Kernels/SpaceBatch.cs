using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>
/// TF-style space_to_batch_nd / batch_to_space_nd (topi nn/space_to_batch_nd.py, batch_to_space_nd.py): data is
/// [batch, spatial_1..spatial_M, remaining...] with M = block_shape length. Elements move as raw bytes (every dtype exact).
/// </summary>
public static class SpaceBatch
{
    /// <summary>
    /// Pads the M spatial dims by <paramref name="paddings"/> (M pairs [before, after]) with <paramref name="padValue"/>, then moves
    /// each block_shape tile position into the batch: output [batch·prod(block), padded_i / block_i..., remaining...], output batch
    /// index = ravel(tile position) · batch + b.
    /// </summary>
    public static Tensor SpaceToBatchNd(Tensor data, long[] blockShape, long[][] paddings, double padValue = 0)
    {
        const string op = "space_to_batch_nd";
        var m = Check(op, data, blockShape);
        if (paddings.Length != m || paddings.Any(p => p.Length != 2 || p[0] < 0 || p[1] < 0))
            throw Fail(KernelDiagnosticIds.BadParameter, op, $"paddings must be {m} non-negative [before, after] pairs");
        var batch = data.Shape[0];
        var outShape = data.Shape.ToArray();
        for (var i = 0; i < m; i++)
        {
            var padded = data.Shape[i + 1] + paddings[i][0] + paddings[i][1];
            if (padded % blockShape[i] != 0)
                throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"padded spatial dim {i} ({padded}) is not a multiple of block {blockShape[i]}");
            outShape[i + 1] = padded / blockShape[i];
        }
        outShape[0] = batch * Product(blockShape);
        var ds = data.Strides();
        var oc = new long[outShape.Length];
        var tile = new long[m];
        var map = new long[Product(outShape)];
        for (long o = 0; o < map.Length; o++)
        {
            Manipulate.Unravel(o, outShape, oc);
            Manipulate.Unravel(oc[0] / batch, blockShape, tile);
            long off = oc[0] % batch * ds[0];
            var pad = false;
            for (var i = 0; i < m && !pad; i++)
            {
                var s = oc[i + 1] * blockShape[i] + tile[i] - paddings[i][0];
                if (s < 0 || s >= data.Shape[i + 1]) pad = true;
                off += s * ds[i + 1];
            }
            for (var d = m + 1; d < outShape.Length; d++) off += oc[d] * ds[d];
            map[o] = pad ? -1 : off;
        }
        return GatherFlat(data, outShape, map, Tensor.Scalar(data.DType, padValue));
    }

    /// <summary>
    /// Inverse of <see cref="SpaceToBatchNd"/>: input batch = ravel(tile position) · (batch / prod(block)) + b, spatial i grows by
    /// block_i, then <paramref name="crops"/> (M pairs [start, end]) are cut off.
    /// </summary>
    public static Tensor BatchToSpaceNd(Tensor data, long[] blockShape, long[][] crops)
    {
        const string op = "batch_to_space_nd";
        var m = Check(op, data, blockShape);
        if (crops.Length != m || crops.Any(p => p.Length != 2 || p[0] < 0 || p[1] < 0))
            throw Fail(KernelDiagnosticIds.BadParameter, op, $"crops must be {m} non-negative [start, end] pairs");
        var prod = Product(blockShape);
        if (data.Shape[0] % prod != 0)
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"batch {data.Shape[0]} is not a multiple of prod(block_shape) = {prod}");
        var batch = data.Shape[0] / prod;
        var outShape = data.Shape.ToArray();
        outShape[0] = batch;
        for (var i = 0; i < m; i++)
        {
            outShape[i + 1] = data.Shape[i + 1] * blockShape[i] - crops[i][0] - crops[i][1];
            if (outShape[i + 1] < 0)
                throw Fail(KernelDiagnosticIds.BadParameter, op, $"crops [{crops[i][0]}, {crops[i][1]}] exceed spatial dim {i} ({data.Shape[i + 1] * blockShape[i]})");
        }
        var ds = data.Strides();
        var oc = new long[outShape.Length];
        var map = new long[Product(outShape)];
        for (long o = 0; o < map.Length; o++)
        {
            Manipulate.Unravel(o, outShape, oc);
            long tile = 0, off = 0;
            for (var i = 0; i < m; i++)
            {
                var p = oc[i + 1] + crops[i][0];
                tile = tile * blockShape[i] + p % blockShape[i];
                off += p / blockShape[i] * ds[i + 1];
            }
            off += (tile * batch + oc[0]) * ds[0];
            for (var d = m + 1; d < outShape.Length; d++) off += oc[d] * ds[d];
            map[o] = off;
        }
        return GatherFlat(data, outShape, map);
    }

    private static int Check(string op, Tensor data, long[] blockShape)
    {
        var m = blockShape.Length;
        if (m < 1 || data.Rank < m + 1)
            throw Fail(KernelDiagnosticIds.RankMismatch, op, $"data {Fmt(data.Shape)} needs rank >= {m + 1} for block_shape [{string.Join(", ", blockShape)}]");
        if (blockShape.Any(b => b < 1)) throw Fail(KernelDiagnosticIds.BadParameter, op, $"block_shape [{string.Join(", ", blockShape)}] must be positive");
        return m;
    }
}

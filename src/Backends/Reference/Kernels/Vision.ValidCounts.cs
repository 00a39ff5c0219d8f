using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

public static partial class Vision
{
    /// <summary>
    /// vision.get_valid_counts (topi vision/nms.py hybrid_get_valid_counts): data is [batch, num_anchors, K]. An anchor is valid when
    /// data[.., score_index] &gt; <paramref name="scoreThreshold"/> and (id_index &lt; 0 or data[.., id_index] &gt;= 0). Returns
    /// valid_count int32 [batch], the valid rows moved to the front in their original order with the rest filled with −1
    /// ([batch, num_anchors, K], data dtype), and their original indices int32 [batch, num_anchors] (−1 after the valid ones).
    /// </summary>
    public static (Tensor ValidCount, Tensor Out, Tensor Indices) GetValidCounts(Tensor data, double scoreThreshold, long idIndex = 0, long scoreIndex = 1)
    {
        const string op = "vision.get_valid_counts";
        RequireRank(op, "data", data, 3);
        var (nb, na, k) = (data.Shape[0], data.Shape[1], data.Shape[2]);
        if (scoreIndex < 0 || scoreIndex >= k || idIndex >= k)
            throw Fail(KernelDiagnosticIds.BadParameter, op, $"score_index {scoreIndex} / id_index {idIndex} outside the {k} box fields");
        var x = ToDouble(data);
        var count = new long[nb];
        var map = new long[nb * na * k];
        var idx = new long[nb * na];
        Array.Fill(map, -1);
        Array.Fill(idx, -1);
        for (long b = 0; b < nb; b++)
            for (long j = 0; j < na; j++)
            {
                var row = (b * na + j) * k;
                if (!(x[row + scoreIndex] > scoreThreshold && (idIndex < 0 || x[row + idIndex] >= 0))) continue;
                var dst = (b * na + count[b]) * k;
                for (long f = 0; f < k; f++) map[dst + f] = row + f;
                idx[b * na + count[b]] = j;
                count[b]++;
            }
        return (FromLong(DataType.Int32, [nb], count), GatherFlat(data, [nb, na, k], map, Tensor.Scalar(data.DType, -1)),
            FromLong(DataType.Int32, [nb, na], idx));
    }
}

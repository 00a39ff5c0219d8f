using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>Detection kernels.</summary>
public static partial class Vision
{
    /// <summary>
    /// ONNX NonMaxSuppression: boxes [B, N, 4], scores [B, C, N] → int64 [K, 3] rows (batch, class, box), per (batch, class) in
    /// descending score order (ties by lower box index). A box is a candidate when score &gt; <paramref name="scoreThreshold"/> and
    /// is dropped when its IoU with an already selected box is &gt; <paramref name="iouThreshold"/>. centerPointBox 0: [y1, x1, y2, x2]
    /// (corners in any order); 1: [xc, yc, w, h].
    /// </summary>
    public static Tensor NonMaxSuppression(Tensor boxes, Tensor scores, long maxOutputPerClass, double iouThreshold, double scoreThreshold = double.NegativeInfinity, int centerPointBox = 0)
    {
        const string op = "non_max_suppression";
        RequireRank(op, "boxes", boxes, 3);
        RequireRank(op, "scores", scores, 3);
        if (boxes.Shape[2] != 4 || boxes.Shape[0] != scores.Shape[0] || boxes.Shape[1] != scores.Shape[2])
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"boxes {Fmt(boxes.Shape)} and scores {Fmt(scores.Shape)} do not fit ([B, N, 4] and [B, C, N])");
        var (nb, nbox, ncls) = (boxes.Shape[0], boxes.Shape[1], scores.Shape[1]);
        var bx = ToDouble(boxes);
        var sc = ToDouble(scores);
        var rows = new List<long>();
        for (long b = 0; b < nb; b++)
        for (long c = 0; c < ncls; c++)
        {
            var cand = new List<long>();
            for (long i = 0; i < nbox; i++) if (sc[(b * ncls + c) * nbox + i] > scoreThreshold) cand.Add(i);
            cand.Sort((i, j) => { var r = sc[(b * ncls + c) * nbox + j].CompareTo(sc[(b * ncls + c) * nbox + i]); return r != 0 ? r : i.CompareTo(j); });
            var sel = new List<long>();
            foreach (var i in cand)
            {
                if (sel.Count >= maxOutputPerClass) break;
                var keep = true;
                foreach (var j in sel) if (Iou(Box(b, i), Box(b, j)) > iouThreshold) { keep = false; break; }
                if (!keep) continue;
                sel.Add(i);
                rows.AddRange([b, c, i]);
            }
        }
        return FromLong(DataType.Int64, [rows.Count / 3, 3], rows.ToArray());

        (double Y1, double X1, double Y2, double X2) Box(long b, long i)
        {
            var o = (b * nbox + i) * 4;
            if (centerPointBox == 1)
            {
                var (xc, yc, w, h) = (bx[o], bx[o + 1], bx[o + 2], bx[o + 3]);
                return (yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2);
            }
            return (Math.Min(bx[o], bx[o + 2]), Math.Min(bx[o + 1], bx[o + 3]), Math.Max(bx[o], bx[o + 2]), Math.Max(bx[o + 1], bx[o + 3]));
        }

        static double Iou((double Y1, double X1, double Y2, double X2) a, (double Y1, double X1, double Y2, double X2) b)
        {
            var ih = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
            var iw = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1);
            if (ih <= 0 || iw <= 0) return 0;
            var inter = ih * iw;
            var uni = (a.Y2 - a.Y1) * (a.X2 - a.X1) + (b.Y2 - b.Y1) * (b.X2 - b.X1) - inter;
            return uni <= 0 ? 0 : inter / uni;
        }
    }
}

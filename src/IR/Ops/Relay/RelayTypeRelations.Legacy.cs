using Bridge.Ir.Relay;

namespace Bridge.Ir.Ops.Relay;

// Type relations of the ops the ONNX NonMaxSuppression / Unique / DFT converters of relay.frontend.from_onnx emit
// (TVM v0.19 src/relay/op/vision/nms.cc AllClassNMSRel, src/relay/op/algorithm/unique.cc UniqueRel, src/relay/op/signal/dft.cc).
internal static partial class RelayTypeRelations
{
    private static void LegacyOnnxOps()
    {
        Rel("vision.all_class_non_max_suppression", (a, at, c) =>
        {
            var boxes = T(a, 0, c);
            var scores = T(a, 1, c);
            if (boxes.Rank != 3) throw c.Fail($"boxes must be [batch, num_boxes, 4], got rank {boxes.Rank}");
            if (scores.Rank != 3) throw c.Fail($"scores must be [batch, num_classes, num_boxes], got rank {scores.Rank}");
            var (batch, classes, num) = (boxes.Shape[0], scores.Shape[1], boxes.Shape[1]);
            if (((AllClassNonMaximumSuppressionAttrs)at).OutputFormat == "onnx")
            {
                // Rows padded to batch·classes·boxes (Any when any of them is); the second field counts the valid rows.
                var rows = D(() => batch * classes * num, batch, classes, num);
                return new TupleType([new TensorType([rows, 3], DataType.Int64), new TensorType([1], DataType.Int64)]);
            }
            var per = D(() => classes * num, classes, num);
            return new TupleType([new TensorType([batch, per, 2], DataType.Int64), new TensorType([batch, per], scores.DType), new TensorType([batch], DataType.Int64)]);
        });
        Rel("unique", (a, at, c) =>
        {
            // 1-D data: unique values padded to the input length, first indices, inverse indices, [num_unique] (all int32), and
            // with return_counts the padded counts.
            var d = T(a, 0, c);
            if (d.Rank != 1) throw c.Fail($"unique takes 1-D data, got rank {d.Rank}");
            var i32 = DataType.Int32;
            List<RelayType> fields = [d, WithShape(d, d.Shape, i32), WithShape(d, d.Shape, i32), new TensorType([1], i32)];
            if (((UniqueAttrs)at).ReturnCounts) fields.Add(WithShape(d, d.Shape, i32));
            return new TupleType([.. fields]);
        });
        Rel("dft", (a, _, c) =>
        {
            var re = T(a, 0, c);
            var im = T(a, 1, c);
            if (re.Rank != im.Rank || re.DType != im.DType) throw c.Fail($"re_data {re} and im_data {im} differ");
            if (re.Rank < 1) throw c.Fail("the signal must have rank >= 1");
            return new TupleType([re, WithShape(re, re.Shape)]);
        });
    }
}

using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// The legacy and non-standard ops TVM's frontends matched (caffe2 FC / SpatialBN, torch.onnx ATen fallbacks, TVM's own
/// AllClassNMS) and the shared shell of DFT, written once for both dialects as synthetic canonical nodes that each dialect's
/// rule table emits (as <c>OnnxEmitterBase.Sequences.cs</c> does). Only DFT's transform itself differs: Relay has a <c>dft</c>
/// op, Relax gets the matmul lowering of <see cref="DftByMatmul"/>.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    // ---------------------------------------------------------------- synthetic-node helpers

    /// <summary>A value name as a synthetic node input.</summary>
    protected static CanonicalInput Ref(string name) => new(name, null);

    /// <summary>A constant as a synthetic node input.</summary>
    protected static CanonicalInput Lit(Tensor t) => new("", t);

    protected static CanonicalInput LitInts(params long[] v) => Lit(Tensor.FromArray(v, v.Length));

    protected static CanonicalInput LitScalar(DataType dt, double v) => Lit(Tensor.Scalar(dt, v));

    /// <summary>Emits one synthetic node of <paramref name="kind"/> (a default-domain op) and returns its single output.</summary>
    protected CanonicalInput Emit(CanonicalNode n, string kind, Attrs attrs, params CanonicalInput[] inputs)
    {
        var o = TempName(n);
        EmitNode(Synthetic(n, kind, attrs, inputs, [o]));
        return Ref(o);
    }

    protected CanonicalInput Emit(CanonicalNode n, string kind, params CanonicalInput[] inputs) => Emit(n, kind, new OnnxNoAttrs(), inputs);

    /// <summary>Binds output <paramref name="i"/> of <paramref name="n"/> to an emitted value (or a constant).</summary>
    protected void BindOutput(CanonicalNode n, int i, CanonicalInput v)
    {
        if (i >= n.Outputs.Length || n.Outputs[i].Length == 0) return;
        if (v.Constant is { } c && v.Name.Length == 0) SetConst(n.Outputs[i], c);
        else CurrentSlots[n.Outputs[i]] = Find(v.Name, out _) ?? throw new BridgeInternalError($"synthetic value {v.Name} was not bound");
    }

    private CanonicalInput Cast(CanonicalNode n, CanonicalInput x, DataType from, DataType to) =>
        from == to ? x : Emit(n, "Cast", new CastAttrs { To = OnnxDTypes.CodeOf(to), ToType = to }, x);

    private CanonicalInput Unsqueeze(CanonicalNode n, CanonicalInput x, long axis) => Emit(n, "Unsqueeze", new AxesAttrs(), x, LitInts(axis));

    private CanonicalInput Squeeze(CanonicalNode n, CanonicalInput x, long axis) => Emit(n, "Squeeze", new AxesAttrs(), x, LitInts(axis));

    private CanonicalInput SliceAxis(CanonicalNode n, CanonicalInput x, long axis, long start, long end) =>
        Emit(n, "Slice", new SliceAttrs(), x, LitInts(start), LitInts(end), LitInts(axis), LitInts(1));

    private int RankOf(CanonicalNode n, CanonicalInput v) => (ShapeOfValue(v, n) ?? throw Unsupported(n, $"'{v}' has unknown rank")).Length;

    // ---------------------------------------------------------------- caffe2 FC / SpatialBN, TVM AllClassNMS

    /// <summary>
    /// caffe2 FC: Y = flatten(X, axis) · flatten(W, axis_w)ᵀ (+ b) as a Gemm with transB (Relay: nn.dense + add, as TVM's
    /// AttrCvt("dense")), reshaped to X.dims[:axis] + [N] when axis ≠ 1. TVM ignored axis/axis_w; they are honoured here.
    /// </summary>
    protected void EmitFc(CanonicalNode n)
    {
        var a = n.AttrsAs<FcAttrs>();
        var xs = RequireShape(n, 0);
        var ws = RequireShape(n, 1);
        var ax = a.Axis < 0 ? a.Axis + xs.Length : a.Axis;
        var aw = a.AxisW < 0 ? a.AxisW + ws.Length : a.AxisW;
        if (ax < 1 || ax >= xs.Length || aw < 1 || aw >= ws.Length) throw Unsupported(n, $"axis {a.Axis} / axis_w {a.AxisW} for ranks {xs.Length} / {ws.Length}");
        var x = xs.Length == 2 && ax == 1 ? n.Input(0) : Emit(n, "Flatten", new FlattenAttrs { Axis = ax }, n.Input(0));
        var w = ws.Length == 2 && aw == 1 ? n.Input(1) : Emit(n, "Flatten", new FlattenAttrs { Axis = aw }, n.Input(1));
        var y = n.Input(2).IsPresent ? Emit(n, "Gemm", new GemmAttrs { TransB = true }, x, w, n.Input(2)) : Emit(n, "Gemm", new GemmAttrs { TransB = true }, x, w);
        if (ax != 1)
        {
            var lead = xs.Take((int)ax).Select(d => d.AsConst ?? throw Unsupported(n, "a symbolic leading dim with axis > 1")).ToList();
            var units = ws.Take((int)aw).Aggregate(1L, (p, d) => p * (d.AsConst ?? throw Unsupported(n, "a symbolic weight dim")));
            y = Emit(n, "Reshape", new ReshapeAttrs(), y, LitInts([.. lead, units]));
        }
        BindOutput(n, 0, y);
    }

    /// <summary>
    /// caffe2 SpatialBN → the BatchNormalization lowering with the running statistics (TVM: BatchNorm's converter, ignoring
    /// is_test and momentum; so is_test=0 still uses the given mean/var). NHWC order and the training outputs are refused.
    /// </summary>
    protected void EmitSpatialBn(CanonicalNode n)
    {
        var a = n.AttrsAs<SpatialBnAttrs>();
        if (a.Order != "NCHW") throw Unsupported(n, $"order '{a.Order}' (the channel axis must be 1)");
        if (n.Outputs.Skip(1).Any(o => o.Length > 0)) throw Unsupported(n, "training mode (running statistics outputs)");
        var y = Emit(n, "BatchNormalization", new BatchNormalizationAttrs { Epsilon = a.Epsilon, Momentum = a.Momentum },
            n.Input(0), n.Input(1), n.Input(2), n.Input(3), n.Input(4));
        BindOutput(n, 0, y);
    }

    /// <summary>
    /// The dialect's vision.all_class_non_max_suppression (output_format "onnx") on corner boxes: the selected
    /// [batch, class, box] rows padded to batch·classes·boxes, and their count ([1] int64).
    /// </summary>
    protected abstract (TExpr Selected, TExpr Count) AllClassNmsCall(CanonicalNode n, CanonicalInput boxes, CanonicalInput scores,
        CanonicalInput maxOut, CanonicalInput iou, CanonicalInput score);

    /// <summary>
    /// center_point_box=1 boxes [xc, yc, w, h] (last axis) as the corners [y1, x1, y2, x2] TVM's NMS kernels take (TVM split
    /// the last axis in four; these are the same values from four slices).
    /// </summary>
    protected CanonicalInput CornerBoxes(CanonicalNode n, CanonicalInput boxes)
    {
        var dt = DTypeOfValue(boxes, n);
        CanonicalInput Col(long i) => SliceAxis(n, boxes, 2, i, i + 1);
        var half = LitScalar(dt, 2);
        CanonicalInput xc = Col(0), yc = Col(1), hw = Emit(n, "Div", Col(2), half), hh = Emit(n, "Div", Col(3), half);
        return Emit(n, "Concat", new ConcatAttrs { Axis = 2 }, Emit(n, "Sub", yc, hh), Emit(n, "Sub", xc, hw), Emit(n, "Add", yc, hh), Emit(n, "Add", xc, hw));
    }

    /// <summary>
    /// TVM's AllClassNMS (Relax frontend): center_point_box=1 boxes become corners [y1, x1, y2, x2], then
    /// all_class_non_max_suppression, whose two results are the node's two outputs (unsliced, unlike NonMaxSuppression).
    /// Absent inputs take TVM's defaults for this op: max_output_boxes_per_class 0, iou_threshold 0.5, score_threshold 0.
    /// TVM read non-constant thresholds only from its params (else the default); here they are run-time operands.
    /// </summary>
    protected void EmitAllClassNms(CanonicalNode n)
    {
        var boxes = n.AttrsAs<AllClassNmsAttrs>().CenterPointBox != 0 ? CornerBoxes(n, n.Input(0)) : n.Input(0);
        CanonicalInput Opt(int i, DataType dt, double dflt) => n.Input(i).IsPresent ? n.Input(i) : LitScalar(dt, dflt);
        var (sel, count) = AllClassNmsCall(n, boxes, n.Input(1), Opt(2, DataType.Int64, 0), Opt(3, DataType.Float32, 0.5), Opt(4, DataType.Float32, 0));
        BindOutput(n, 0, Hold(n, sel));
        BindOutput(n, 1, Hold(n, count));
    }

    // ---------------------------------------------------------------- ATen (org.pytorch.aten)

    /// <summary>The aten operators TVM's Relay frontend dispatched (ATen._op_dispatch, v0.19).</summary>
    public static readonly IReadOnlyList<string> AtenOperators = ["size", "arange", "index_put", "reshape", "embedding_bag"];

    /// <summary>torch.onnx's ATen fallback node, dispatched on its <c>operator</c> attribute as TVM's Relay frontend did.</summary>
    protected void EmitAten(CanonicalNode n)
    {
        var a = n.AttrsAs<AtenAttrs>();
        switch (a.Operator)
        {
            case "size":
            {
                // aten::size(self, dim) → the dim's extent as an int64 scalar. TVM took the last dim whatever `dim` said; a
                // constant dim input is honoured here (equal for the usual dim = -1).
                var r = RankOf(n, n.Input(0));
                var dim = n.Input(1).IsPresent ? (ConstInts(n.Input(1)) is [var d] ? d : throw Unsupported(n, "aten::size with a dim that is not a constant scalar")) : -1;
                if (dim < -r || dim >= r) throw new BridgeException(OnnxTranslateDiagnosticIds.BadValue, n.Loc, $"node '{n.Source.Name}' (ATen size): dim {dim} out of range for rank {r}");
                var shape = Emit(n, "Shape", new ShapeAttrs(), n.Input(0));
                BindOutput(n, 0, Emit(n, "Gather", new AxisAttrs(), shape, LitScalar(DataType.Int64, dim < 0 ? dim + r : dim)));
                break;
            }
            case "arange":
            {
                // aten::arange(start, end, step) in int64 (TVM: _op.arange(inputs[0..2], dtype="int64")).
                if (n.Inputs.Length < 3) throw Unsupported(n, "aten::arange without explicit start, end and step inputs");
                var parts = Enumerable.Range(0, 3).Select(i => Cast(n, n.Input(i), DTypeOfValue(n, i), DataType.Int64)).ToArray();
                BindOutput(n, 0, Emit(n, "Range", parts));
                break;
            }
            case "reshape":
                BindOutput(n, 0, Emit(n, "Reshape", new ReshapeAttrs(), n.Input(0), n.Input(1)));
                break;
            case "index_put":
                EmitIndexPut(n);
                break;
            case "embedding_bag":
                EmitEmbeddingBag(n, a);
                break;
            default:
                throw Unsupported(n, $"aten operator '{a.Operator}' (TVM's frontend mapped {string.Join(", ", AtenOperators)})");
        }
    }

    /// <summary>
    /// aten::index_put(self, indices..., values, accumulate) with one index tensor per dim of self → ScatterND over the stacked
    /// [m, rank] coordinates (accumulate: reduction add), as TVM's scatter_nd of the stacked indices. Values of rank ≠ 1 take
    /// TVM's "unfolding": the flattened indices are combined as an outer product (index i repeated by the sizes after it and
    /// tiled by the sizes before it) and the values flattened, i.e. self[ix_(i0, i1, …)] = values.
    /// </summary>
    private void EmitIndexPut(CanonicalNode n)
    {
        if (n.Inputs.Length < 4) throw Unsupported(n, "aten::index_put needs self, at least one index, values and accumulate");
        var acc = ConstInts(n.Inputs[^1]) is [var av] ? av != 0 : throw Unsupported(n, "aten::index_put with an accumulate flag that is not a constant");
        var values = n.Inputs[^2];
        var idx = n.Inputs.Skip(1).Take(n.Inputs.Length - 3).Select(i => Cast(n, i, DTypeOfValue(i, n), DataType.Int64)).ToArray();
        var r = RankOf(n, n.Input(0));
        if (idx.Length != r) throw Unsupported(n, $"aten::index_put with {idx.Length} index tensors for rank {r} (whole-slice puts)");
        if (RankOf(n, values) != 1)
        {
            var sizes = idx.Select(i => (ShapeOfValue(i, n) ?? throw Unsupported(n, "an index of unknown rank"))
                .Aggregate(1L, (p, d) => p * (d.AsConst ?? throw Unsupported(n, "aten::index_put unfolding over a symbolic index length")))).ToArray();
            var unfolded = new CanonicalInput[idx.Length];
            for (var i = 0; i < idx.Length; i++)
            {
                long tile = sizes.Take(i).Aggregate(1L, (p, d) => p * d), repeat = sizes.Skip(i + 1).Aggregate(1L, (p, d) => p * d);
                var flat = Emit(n, "Reshape", new ReshapeAttrs(), idx[i], LitInts(-1));
                if (tile > 1) flat = Emit(n, "Tile", flat, LitInts(tile));
                // repeat(x, k) of a vector: each entry k times = reshape(expand(x[:, None], [len, k]), [-1]).
                if (repeat > 1) flat = Emit(n, "Reshape", new ReshapeAttrs(), Emit(n, "Expand", Unsqueeze(n, flat, -1), LitInts(tile * sizes[i], repeat)), LitInts(-1));
                unfolded[i] = flat;
            }
            idx = unfolded;
            values = Emit(n, "Reshape", new ReshapeAttrs(), values, LitInts(-1));
        }
        else if (idx.Any(i => RankOf(n, i) != 1)) throw Unsupported(n, "aten::index_put with 1-D values and indices that are not 1-D");
        var cols = idx.Select(i => Unsqueeze(n, i, -1)).ToArray();
        var coords = cols.Length == 1 ? cols[0] : Emit(n, "Concat", new ConcatAttrs { Axis = -1 }, cols);
        BindOutput(n, 0, Emit(n, "ScatterND", new ScatterNdAttrs { Reduction = acc ? "add" : "none" }, n.Input(0), coords, values));
    }

    /// <summary>
    /// aten::embedding_bag(weight, indices, offsets, …) as TVM did: the indices reshaped to [bags, -1] (bags of equal size),
    /// gathered from the weight and reduced over the bag by mode (0 sum, 1 mean, 2 max). Constant offsets must describe equal
    /// bags (checked); outputs 1–3 (offset2bag, bag_size, max_indices) are float32 zeros, as TVM filled them.
    /// </summary>
    private void EmitEmbeddingBag(CanonicalNode n, AtenAttrs a)
    {
        if (n.Inputs.Length < 3) throw Unsupported(n, "aten::embedding_bag without weight, indices and offsets");
        // TVM ignored both; they change the result, so they are refused rather than dropped.
        if (n.Input(3).IsPresent) throw Unsupported(n, "embedding_bag with per_sample_weights");
        if (a.PaddingIdx >= 0) throw Unsupported(n, "embedding_bag with a padding_idx");
        var mode = a.Mode switch { 0 => "ReduceSum", 1 => "ReduceMean", 2 => "ReduceMax", var m => throw Unsupported(n, $"embedding_bag mode {m}") };
        var idxShape = RequireShape(n, 1);
        var offShape = RequireShape(n, 2);
        if (idxShape.Length != 1 || offShape.Length != 1) throw Unsupported(n, "embedding_bag with indices or offsets that are not 1-D");
        var bags = (offShape[0].AsConst ?? throw Unsupported(n, "embedding_bag with a symbolic number of offsets")) - (a.IncludeLastOffset ? 1 : 0);
        if (idxShape[0].AsConst is { } len && ConstInts(n.Input(2)) is { } offs)
        {
            if (bags <= 0 || len % bags != 0 || Enumerable.Range(0, (int)bags).Any(i => offs[i] != i * (len / bags)) || a.IncludeLastOffset && offs[^1] != len)
                throw Unsupported(n, $"embedding_bag with bags of unequal size (offsets [{string.Join(", ", offs)}] over {len} indices)");
        }
        var idx = Emit(n, "Reshape", new ReshapeAttrs(), Cast(n, n.Input(1), DTypeOfValue(n, 1), DataType.Int64), LitInts(bags, -1));
        var rows = Emit(n, "Gather", new AxisAttrs(), n.Input(0), idx);
        BindOutput(n, 0, Emit(n, mode, new ReduceAttrs { Keepdims = false }, rows, LitInts(1)));
        for (var i = 1; i < 4; i++) BindOutput(n, i, LitScalar(DataType.Float32, 0));
    }

    // ---------------------------------------------------------------- DFT

    /// <summary>
    /// The dialect's transform of a signal along its last axis: real part, imaginary part (absent for a real signal) of
    /// length <c>length</c> in, the first <c>outLength</c> frequencies out (both parts).
    /// </summary>
    protected delegate (CanonicalInput Re, CanonicalInput Im) DftCore(CanonicalNode n, CanonicalInput re, CanonicalInput? im, long length, bool inverse, long outLength);

    /// <summary>
    /// DFT-17/20 (axis an input after canonicalisation; DFT-20's default −2): the signal axis is cropped/zero-padded to
    /// dft_length, swapped with the last signal axis, split into real/imaginary parts, transformed by <paramref name="core"/>,
    /// and merged and swapped back (TVM Relay's DFT converter, which however read only DFT-17's axis attribute). onesided keeps
    /// the first ⌊n/2⌋+1 frequencies; onesided with inverse is refused (the spec leaves the input layout open).
    /// </summary>
    protected void EmitDft(CanonicalNode n, DftCore core)
    {
        var a = n.AttrsAs<DftAttrs>();
        var s = RequireShape(n, 0);
        var r = s.Length;
        if (r < 2 || s[^1].AsConst is not (1 or 2)) throw Unsupported(n, "an input whose last dim is not 1 (real) or 2 (complex)");
        var complex = s[^1].AsConst == 2;
        var axis = n.Input(2).IsPresent ? (ConstInts(n.Input(2)) is [var av] ? av : throw Unsupported(n, "an axis that is not a constant scalar")) : -2;
        if (axis < 0) axis += r;
        if (axis < 0 || axis > r - 2) throw new BridgeException(OnnxTranslateDiagnosticIds.BadValue, n.Loc, $"node '{n.Source.Name}' (DFT): axis out of range for rank {r}");
        var len = s[(int)axis].AsConst ?? throw Unsupported(n, "a symbolic signal length");
        var length = n.Input(1).IsPresent ? (ConstInts(n.Input(1)) is [var dl] ? dl : throw Unsupported(n, "a dft_length that is not a constant scalar")) : len;
        if (length < 1) throw new BridgeException(OnnxTranslateDiagnosticIds.BadValue, n.Loc, $"node '{n.Source.Name}' (DFT): dft_length {length} must be positive");
        if (a.Onesided && a.Inverse) throw Unsupported(n, "onesided with inverse");
        var x = n.Input(0);
        if (length < len) x = SliceAxis(n, x, axis, 0, length);
        else if (length > len)
        {
            var pads = new long[2 * r];
            pads[r + axis] = length - len;
            x = Emit(n, "Pad", new PadAttrs(), x, LitInts(pads));
        }
        // Swap the signal axis with the last signal axis (r − 2): the transform runs over the innermost signal dim.
        var perm = Enumerable.Range(0, r).Select(i => (long)i).ToArray();
        (perm[axis], perm[r - 2]) = (perm[r - 2], perm[axis]);
        var swap = axis != r - 2;
        if (swap) x = Emit(n, "Transpose", new TransposeAttrs { Perm = new(perm) }, x);
        var re = Squeeze(n, complex ? SliceAxis(n, x, r - 1, 0, 1) : x, r - 1);
        CanonicalInput? im = complex ? Squeeze(n, SliceAxis(n, x, r - 1, 1, 2), r - 1) : null;
        var outLen = a.Onesided ? length / 2 + 1 : length;
        var (yr, yi) = core(n, re, im, length, a.Inverse, outLen);
        var y = Emit(n, "Concat", new ConcatAttrs { Axis = -1 }, Unsqueeze(n, yr, -1), Unsqueeze(n, yi, -1));
        if (swap) y = Emit(n, "Transpose", new TransposeAttrs { Perm = new(perm) }, y);
        BindOutput(n, 0, y);
    }

    /// <summary>The first <paramref name="count"/> entries of the last axis of a value.</summary>
    protected CanonicalInput TakeLeading(CanonicalNode n, CanonicalInput x, long count) => SliceAxis(n, x, RankOf(n, x) - 1, 0, count);

    /// <summary>Binds a dialect expression to a fresh internal name, so synthetic nodes can read it.</summary>
    protected CanonicalInput Hold(CanonicalNode n, TExpr e)
    {
        var name = TempName(n);
        Set(name, e);
        return Ref(name);
    }

    /// <summary>
    /// The DFT as two constant matrices over a static length L: with θ[t, k] = ∓2π·(t·k mod L)/L (− forward, + inverse),
    /// C = cos θ and S = sin θ (scaled by 1/L for the inverse) of shape [L, K]: Re = xr·C − xi·S, Im = xr·S + xi·C.
    /// The twiddle index t·k is reduced mod L before the angle so long signals keep accurate angles.
    /// </summary>
    protected (CanonicalInput Re, CanonicalInput Im) DftByMatmul(CanonicalNode n, CanonicalInput re, CanonicalInput? im, long length, bool inverse, long outLength)
    {
        var dt = DTypeOfValue(n, 0);
        var c = Tensor.Zeros(dt, length, outLength);
        var sn = Tensor.Zeros(dt, length, outLength);
        var sign = inverse ? 1.0 : -1.0;
        var scale = inverse ? 1.0 / length : 1.0;
        for (long t = 0; t < length; t++)
            for (long k = 0; k < outLength; k++)
            {
                var theta = sign * 2 * Math.PI * (t * k % length) / length;
                c.SetDouble(t * outLength + k, Math.Cos(theta) * scale);
                sn.SetDouble(t * outLength + k, Math.Sin(theta) * scale);
            }
        var rc = Emit(n, "MatMul", re, Lit(c));
        var rs = Emit(n, "MatMul", re, Lit(sn));
        if (im is not { } xi) return (rc, rs);
        var ic = Emit(n, "MatMul", xi, Lit(c));
        var isn = Emit(n, "MatMul", xi, Lit(sn));
        return (Emit(n, "Sub", rc, isn), Emit(n, "Add", rs, ic));
    }
}

using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// Standard ai.onnx ops that neither of TVM's ONNX frontends mapped (CenterCropPad, STFT, MelWeightMatrix, SequenceMap, Col2Im,
/// DeformConv), written once for both dialects: as synthetic canonical nodes (Pad, Slice, Gather, Reshape, Mul, DFT,
/// ConvTranspose, GatherElements, MatMul …) that each dialect's rule table emits, as an import-time constant, or as a body
/// graph unrolled over a static sequence.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    private static void AddMoreRules(Dictionary<string, SharedRule> t)
    {
        t["CenterCropPad"] = (e, n) => e.EmitCenterCropPad(n);
        t["STFT"] = (e, n) => e.EmitStft(n);
        t["MelWeightMatrix"] = (e, n) => e.EmitMelWeightMatrix(n);
        t["SequenceMap"] = (e, n) => e.EmitSequenceMap(n);
        t["Col2Im"] = (e, n) => e.EmitCol2Im(n);
        t["DeformConv"] = (e, n) => e.EmitDeformConv(n);
    }

    // ---------------------------------------------------------------- CenterCropPad

    /// <summary>
    /// CenterCropPad-18: each axis in <c>axes</c> (default all) is centre-cropped or zero-padded to the constant target
    /// <c>shape</c>. As the ONNX reference (and the op's function body ORT runs): a difference d is split with ⌊d/2⌋ before
    /// and d − ⌊d/2⌋ after, so an odd crop drops the extra element at the end and an odd pad adds it at the end. Emitted as
    /// one constant Pad over the growing axes and one Slice over the shrinking ones. A symbolic dim on a listed axis is
    /// BRG4301 (whether it is cropped or padded, and by how much, must be known at import).
    /// </summary>
    private void EmitCenterCropPad(CanonicalNode n)
    {
        var s = RequireShape(n, 0);
        var r = s.Length;
        var target = ConstInts(n.Input(1)) ?? throw Unsupported(n, "a target shape that is not a constant");
        var attrAxes = n.AttrsAs<CenterCropPadAttrs>().Axes;
        var axes = attrAxes.Count == 0 ? Enumerable.Range(0, r).Select(i => (long)i).ToArray() : [.. attrAxes.Select(a => NormAxis(a, r))];
        if (axes.Any(a => a < 0 || a >= r)) throw BadValue(n, $"axes [{string.Join(", ", attrAxes)}] out of range for rank {r}");
        if (axes.Distinct().Count() != axes.Length) throw BadValue(n, $"repeated axes [{string.Join(", ", attrAxes)}]");
        if (target.Length != axes.Length) throw BadValue(n, $"shape has {target.Length} entries for {axes.Length} axes");
        var pads = new long[2 * r];
        var padded = false;
        List<long> cropAxes = [], cropStarts = [], cropEnds = [];
        for (var i = 0; i < axes.Length; i++)
        {
            var ax = (int)axes[i];
            var want = target[i];
            if (want < 0) throw BadValue(n, $"negative target size {want} for axis {ax}");
            var dim = s[ax].AsConst ?? throw Unsupported(n, $"a symbolic input dim on axis {ax} (the crop/pad amount must be known)");
            if (want > dim)
            {
                var d = want - dim;
                pads[ax] = d / 2;
                pads[r + ax] = d - d / 2;
                padded = true;
            }
            else if (want < dim)
            {
                var start = (dim - want) / 2;
                cropAxes.Add(ax);
                cropStarts.Add(start);
                cropEnds.Add(start + want);
            }
        }
        var x = n.Input(0);
        if (padded) x = Emit(n, "Pad", new PadAttrs(), x, LitInts(pads));
        if (cropAxes.Count > 0) x = Emit(n, "Slice", new SliceAttrs(), x, LitInts([.. cropStarts]), LitInts([.. cropEnds]), LitInts([.. cropAxes]));
        else if (!padded) x = Emit(n, "Identity", x);
        BindOutput(n, 0, x);
    }

    // ---------------------------------------------------------------- STFT

    /// <summary>
    /// STFT-17 on a signal [batch, length, 1 | 2] with a static length and constant frame_step / frame_length: the frames are
    /// one Gather along the signal axis with the constant index matrix [frames, frame_length] (frames = ⌊(length −
    /// frame_length)/frame_step⌋ + 1), multiplied by the window (reshaped [frame_length, 1]), then the DFT of the dialect
    /// (the shell of <see cref="EmitDft"/>: Relay <c>dft</c>, Relax <see cref="DftByMatmul"/>) along the frame axis, keeping
    /// ⌊frame_length/2⌋ + 1 bins when onesided. Output [batch, frames, bins, 2]. onesided with a complex signal is BRG4301
    /// (the spec defines onesided for real signals only).
    /// </summary>
    private void EmitStft(CanonicalNode n)
    {
        var a = n.AttrsAs<StftAttrs>();
        var s = RequireShape(n, 0);
        if (s.Length != 3 || s[2].AsConst is not (1 or 2)) throw Unsupported(n, "a signal that is not [batch, length, 1 | 2]");
        var complex = s[2].AsConst == 2;
        if (complex && a.Onesided) throw Unsupported(n, "onesided with a complex signal");
        var len = s[1].AsConst ?? throw Unsupported(n, "a symbolic signal length");
        var step = ConstInts(n.Input(1)) is [var st] ? st : throw Unsupported(n, "a frame_step that is not a constant scalar");
        long? winLen = null;
        if (n.Input(2).IsPresent)
        {
            var ws = RequireShape(n, 2);
            if (ws.Length != 1) throw BadValue(n, "the window must be 1-D");
            winLen = ws[0].AsConst ?? throw Unsupported(n, "a window of symbolic length");
        }
        long? given = null;
        if (n.Input(3).IsPresent) given = ConstInts(n.Input(3)) is [var fl] ? fl : throw Unsupported(n, "a frame_length that is not a constant scalar");
        var frameLen = given ?? winLen ?? throw BadValue(n, "neither a window nor a frame_length is given");
        if (given is { } g && winLen is { } w && g != w) throw BadValue(n, $"frame_length {g} differs from the window length {w}");
        if (step < 1) throw BadValue(n, $"frame_step {step} must be positive");
        if (frameLen < 1 || frameLen > len) throw BadValue(n, $"frame_length {frameLen} must be in [1, {len}]");
        var frames = (len - frameLen) / step + 1;
        var idx = new long[frames * frameLen];
        for (long f = 0; f < frames; f++)
            for (long k = 0; k < frameLen; k++) idx[f * frameLen + k] = f * step + k;
        // [batch, frames, frame_length, 1 | 2]
        var x = Emit(n, "Gather", new AxisAttrs { Axis = 1 }, n.Input(0), Lit(Tensor.FromArray(idx, frames, frameLen)));
        if (n.Input(2).IsPresent)
            x = Emit(n, "Mul", x, Emit(n, "Reshape", new ReshapeAttrs(), n.Input(2), LitInts(frameLen, 1)));
        var y = Emit(n, "DFT", new DftAttrs { Axis = 2, Onesided = a.Onesided }, x, new CanonicalInput("", null), LitScalar(DataType.Int64, 2));
        BindOutput(n, 0, y);
    }

    // ---------------------------------------------------------------- MelWeightMatrix

    /// <summary>
    /// MelWeightMatrix-17 computed at import (all five inputs must be constants, else BRG4301) exactly as ONNX Runtime's
    /// kernel and the ONNX reference do: N + 2 points equally spaced on mel(f) = 2595·log10(1 + f/700) between the edges
    /// (step (high − low)/(N + 2), not N + 1), each mapped to bin ⌊(dft_length + 1)·hz / sample_rate⌋; triangle i rises
    /// from point i to i + 1 (a single 1 where they coincide) and falls to point i + 2. Computed in double; integer output
    /// types keep only the exact 1s (ORT divides in the output type). Edges mapping outside [0, bins) are BRG4304, as ORT
    /// refuses them.
    /// </summary>
    private void EmitMelWeightMatrix(CanonicalNode n)
    {
        long Int(int i, string what) => ConstInts(n.Input(i)) is [var v] ? v : throw Unsupported(n, $"{what} that is not a constant scalar");
        double Float(int i, string what) => ConstOf(n.Input(i)) is { Length: 1 } t ? (float)t.GetDouble(0) : throw Unsupported(n, $"{what} that is not a constant scalar");
        var mels = Int(0, "a num_mel_bins");
        var dftLen = Int(1, "a dft_length");
        var rate = Int(2, "a sample_rate");
        var lowHz = Float(3, "a lower_edge_hertz");
        var highHz = Float(4, "an upper_edge_hertz");
        var code = n.AttrsAs<MelWeightMatrixAttrs>().OutputDatatype;
        var dt = OnnxDTypes.ToCore((int)code) ?? throw Unsupported(n, $"output_datatype {code}");
        if (mels < 1 || dftLen < 1 || rate < 1) throw BadValue(n, $"num_mel_bins {mels}, dft_length {dftLen} and sample_rate {rate} must be positive");
        var bins = dftLen / 2 + 1;
        foreach (var hz in new[] { lowHz, highHz })
        {
            var at = Math.Floor((dftLen + 1) * hz / rate);
            if (at < 0 || at >= bins) throw BadValue(n, $"edge {hz} Hz maps to bin {at}, outside [0, {bins}) for dft_length {dftLen} and sample_rate {rate}");
        }
        static double Mel(double hz) => 2595 * Math.Log10(1 + hz / 700);
        double lowMel = Mel(lowHz), highMel = Mel(highHz);
        var step = (highMel - lowMel) / (mels + 2);
        var points = new long[mels + 2];
        for (var i = 0; i < points.Length; i++)
        {
            var hz = 700 * (Math.Pow(10, (lowMel + step * i) / 2595) - 1);
            points[i] = (long)Math.Floor((dftLen + 1) * hz / rate);
        }
        var integral = !dt.IsFloat;
        var m = Tensor.Zeros(dt, bins, mels);
        void Put(long j, long i, long num, long den)
        {
            if (j < 0 || j >= bins) throw BadValue(n, $"mel triangle {i} reaches bin {j}, outside [0, {bins})");
            m.SetDouble(j * mels + i, integral ? num / den : (double)num / den);
        }
        for (long i = 0; i < mels; i++)
        {
            long lo = points[i], mid = points[i + 1], hi = points[i + 2];
            if (mid == lo) Put(mid, i, 1, 1);
            else for (var j = lo; j <= mid; j++) Put(j, i, j - lo, mid - lo);
            if (hi > mid) for (var j = mid; j < hi; j++) Put(j, i, hi - j, hi - mid);
        }
        BindOutput(n, 0, Lit(m));
    }

    // ---------------------------------------------------------------- SequenceMap

    /// <summary>
    /// SequenceMap-17 over a static sequence: the body is emitted once per element (as Scan is unrolled) with the element
    /// bound to its first input and, for each additional input, the element of a sequence (of equal length) or the tensor
    /// itself; each body output collects into an output sequence.
    /// </summary>
    private void EmitSequenceMap(CanonicalNode n)
    {
        var body = n.AttrsAs<SequenceMapAttrs>().Body!;
        if (body.Inputs.Length != n.Inputs.Length) throw BadValue(n, $"the body takes {body.Inputs.Length} inputs for {n.Inputs.Length} node inputs");
        var seqs = new List<string>?[n.Inputs.Length];
        var count = SequenceOf(n, 0).Count;
        for (var i = 0; i < n.Inputs.Length; i++)
        {
            if (!n.Input(i).IsPresent) throw BadValue(n, $"input {i} is absent");
            if (i == 0 || n.Input(i).Name.Length > 0 && Find(n.Input(i).Name, out _) is { Seq: not null })
            {
                seqs[i] = SequenceOf(n, i);
                if (seqs[i]!.Count != count) throw BadValue(n, $"input sequence {i} has {seqs[i]!.Count} elements, input 0 has {count}");
            }
        }
        var tensors = Enumerable.Range(0, n.Inputs.Length).Select(i => seqs[i] is null ? Alias(n, n.Input(i)) : "").ToArray();
        var collected = body.Outputs.Select(_ => new List<Slot>()).ToList();
        for (var k = 0; k < count; k++)
        {
            // The element slots are read in the outer scope, then bound under the body's input names in the body's scope.
            var slots = Enumerable.Range(0, n.Inputs.Length).Select(i => Find(seqs[i] is { } s ? s[k] : tensors[i], out _)
                ?? throw new BridgeInternalError($"sequence element of input {i} is not bound")).ToList();
            PushScope();
            try
            {
                for (var i = 0; i < slots.Count; i++) CurrentSlots[body.Inputs[i].Name] = slots[i];
                foreach (var (name, tv) in body.Initializers) SetConst(name, tv);
                EmitNodes(Canonicalize(body));
                for (var o = 0; o < body.Outputs.Length; o++)
                    collected[o].Add(Find(body.Outputs[o].Name, out _) ?? throw new BridgeException(OnnxTranslateDiagnosticIds.UndefinedValue, n.Loc,
                        $"node '{n.Source.Name}' (SequenceMap): the body output '{body.Outputs[o].Name}' is never defined"));
            }
            finally { PopScope(); }
        }
        for (var o = 0; o < body.Outputs.Length && o < n.Outputs.Length; o++)
        {
            var names = collected[o].Select(slot => { var t = TempName(n); CurrentSlots[t] = slot; return t; }).ToList();
            SetSeq(n.Outputs[o], names);
        }
    }

    // ---------------------------------------------------------------- Col2Im

    /// <summary>
    /// Col2Im-18 (input [N, C·∏block, L], constant image_shape and block_shape) as the transposed convolution it is: the
    /// columns reshaped to [N, C·K, b1, b2, …] (bᵢ = ⌊(imageᵢ + padsᵢ − dilᵢ·(blockᵢ − 1) − 1)/strideᵢ⌋ + 1, ∏bᵢ = L) go
    /// through ConvTranspose with group C and the constant 0/1 kernel W[c·K + k, 0, p] = [p = k] (K = ∏block, k the
    /// row-major offset inside the block), so each column entry is added at (block position·stride − pad + offset·dil) and
    /// overlaps sum, exactly; output_padding absorbs the image rows no block reaches. 1-D to 3-D images (the
    /// convolutions of both dialects).
    /// </summary>
    private void EmitCol2Im(CanonicalNode n)
    {
        var a = n.AttrsAs<Col2ImAttrs>();
        var s = RequireShape(n, 0);
        if (s.Length != 3) throw BadValue(n, "the input must be [N, C·∏block_shape, L]");
        var image = ConstInts(n.Input(1)) ?? throw Unsupported(n, "an image_shape that is not a constant");
        var block = ConstInts(n.Input(2)) ?? throw Unsupported(n, "a block_shape that is not a constant");
        var r = image.Length;
        if (block.Length != r) throw BadValue(n, $"image_shape has {r} dims, block_shape {block.Length}");
        if (r is < 1 or > 3) throw Unsupported(n, $"a {r}-D image");
        long At(ValueArray<long> v, int i, long dflt, string what) => v.Count == 0 ? dflt : v.Count == (what == "pads" ? 2 * r : r) ? v[i] : throw BadValue(n, $"{what} has {v.Count} entries for {r} image dims");
        var strides = Enumerable.Range(0, r).Select(i => At(a.Strides, i, 1, "strides")).ToArray();
        var dils = Enumerable.Range(0, r).Select(i => At(a.Dilations, i, 1, "dilations")).ToArray();
        var pads = Enumerable.Range(0, 2 * r).Select(i => At(a.Pads, i, 0, "pads")).ToArray();
        if (block.Any(b => b < 1) || strides.Any(v => v < 1) || dils.Any(v => v < 1) || pads.Any(p => p < 0) || image.Any(d => d < 1))
            throw BadValue(n, "block_shape, strides, dilations and image_shape must be positive, pads non-negative");
        var k = block.Aggregate(1L, (p, b) => p * b);
        var ck = s[1].AsConst ?? throw Unsupported(n, "a symbolic channel dim (C·∏block_shape)");
        if (ck % k != 0) throw BadValue(n, $"dim 1 ({ck}) is not a multiple of ∏block_shape = {k}");
        var c = ck / k;
        var blocks = new long[r];
        var outPad = new long[r];
        for (var i = 0; i < r; i++)
        {
            var span = image[i] + pads[i] + pads[r + i] - dils[i] * (block[i] - 1) - 1;
            if (span < 0) throw BadValue(n, $"the block does not fit image dim {i}");
            blocks[i] = span / strides[i] + 1;
            outPad[i] = span % strides[i];
        }
        var l = blocks.Aggregate(1L, (p, b) => p * b);
        if (s[2].AsConst is { } len && len != l) throw BadValue(n, $"L = {len}, but the image, block, pads, strides and dilations give {l} blocks");
        var w = Tensor.Zeros(DTypeOfValue(n, 0), [ck, 1, .. block]);
        for (long ch = 0; ch < c; ch++)
            for (long off = 0; off < k; off++) w.SetDouble((ch * k + off) * k + off, 1);
        var x = Emit(n, "Reshape", new ReshapeAttrs(), n.Input(0), LitInts([0, ck, .. blocks]));
        var attrs = new ConvTransposeAttrs
        {
            Group = c, KernelShape = new(block), Strides = new(strides), Dilations = new(dils), Pads = new(pads), OutputPadding = new(outPad),
            ResolvedKernel = new([.. block.Select(b => (SymExpr)b)]), ResolvedStrides = new(strides), ResolvedDilations = new(dils),
            ExplicitPads = new([.. pads.Select(p => (SymExpr)p)]),
        };
        BindOutput(n, 0, Emit(n, "ConvTranspose", attrs, x, Lit(w)));
    }

    // ---------------------------------------------------------------- DeformConv

    /// <summary>
    /// DeformConv-19 (2-D) decomposed exactly into ops both dialects have (Relay's <c>nn.deformable_conv2d</c> is not used: topi
    /// samples a point in (−1, 0) as zero where ONNX, like torchvision, fades the in-range corner in; Relax has no op). For
    /// offset group g, kernel tap k and output position p the sample point is (p_y·s − pad_top + k_y·d + Δy, p_x·s − pad_left +
    /// k_x·d + Δx), Δ = offset[n, (g·K + k)·2 + {0, 1}, p]; its bilinear value sums the four corners (⌊y⌋ or ⌊y⌋ + 1, ⌊x⌋ or
    /// ⌊x⌋ + 1) with weights (1 − ly or ly)·(1 − lx or lx), a corner outside the image weighing 0 (ONNX reference). The corners
    /// are GatherElements over the flattened image of the group's channels, the result is scaled by the mask, and the columns
    /// [N, C·K, P] meet the weights [oC, C/group·K] in one MatMul per group; bias added per channel. Static C, H, W.
    /// </summary>
    private void EmitDeformConv(CanonicalNode n)
    {
        var a = n.AttrsAs<DeformConvAttrs>();
        var xs = RequireShape(n, 0);
        var ws = RequireShape(n, 1);
        if (xs.Length != 4 || ws.Length != 4 || a.ResolvedKernel.Count != 2) throw Unsupported(n, "a convolution that is not 2-D");
        long Static(Core.Shapes.SymExpr d, string what) => d.AsConst ?? throw Unsupported(n, $"a symbolic {what}");
        long c = Static(xs[1], "channel dim"), h = Static(xs[2], "height"), wd = Static(xs[3], "width");
        long oc = Static(ws[0], "output channel dim"), cinG = Static(ws[1], "weight input channel dim");
        long kh = Static(a.ResolvedKernel[0], "kernel"), kw = Static(a.ResolvedKernel[1], "kernel");
        var pads = a.ExplicitPads.Select(p => Static(p, "pad")).ToArray();
        var st = a.ResolvedStrides;
        var dl = a.ResolvedDilations;
        long grp = a.Group, og = a.OffsetGroup;
        if (grp < 1 || og < 1 || c % grp != 0 || oc % grp != 0 || c / grp != cinG || c % og != 0)
            throw BadValue(n, $"X {c} channels, W [{oc}, {cinG}, …] do not fit group={grp}, offset_group={og}");
        var oh = (h + pads[0] + pads[2] - dl[0] * (kh - 1) - 1) / st[0] + 1;
        var ow = (wd + pads[1] + pads[3] - dl[1] * (kw - 1) - 1) / st[1] + 1;
        if (oh < 1 || ow < 1) throw BadValue(n, "the kernel does not fit the padded input");
        long k = kh * kw, pn = oh * ow, cg = c / og;
        var os = RequireShape(n, 2);
        if (os.Length != 4 || os[1].AsConst is { } oc1 && oc1 != og * 2 * k || os[2].AsConst is { } o2 && o2 != oh || os[3].AsConst is { } o3 && o3 != ow)
            throw BadValue(n, $"offset must be [N, {og * 2 * k}, {oh}, {ow}]");
        var dt = DTypeOfValue(n, 0);
        var i64 = DataType.Int64;
        // Sample coordinates [N, G, K, P].
        var off = Emit(n, "Reshape", new ReshapeAttrs(), n.Input(2), LitInts(0, og, k, 2, pn));
        CanonicalInput Part(long i) => Squeeze(n, SliceAxis(n, off, 3, i, i + 1), 3);
        var by = Tensor.Zeros(dt, 1, 1, k, pn);
        var bx = Tensor.Zeros(dt, 1, 1, k, pn);
        for (long t = 0; t < k; t++)
            for (long p = 0; p < pn; p++)
            {
                by.SetDouble(t * pn + p, p / ow * st[0] - pads[0] + t / kw * dl[0]);
                bx.SetDouble(t * pn + p, p % ow * st[1] - pads[1] + t % kw * dl[1]);
            }
        var py = Emit(n, "Add", Part(0), Lit(by));
        var px = Emit(n, "Add", Part(1), Lit(bx));
        CanonicalInput y0 = Emit(n, "Floor", py), x0 = Emit(n, "Floor", px);
        CanonicalInput ly = Emit(n, "Sub", py, y0), lx = Emit(n, "Sub", px, x0);
        var one = LitScalar(dt, 1);
        CanonicalInput hy = Emit(n, "Sub", one, ly), hx = Emit(n, "Sub", one, lx);
        var y0i = Emit(n, "Cast", new CastAttrs { To = OnnxDTypes.CodeOf(i64), ToType = i64 }, y0);
        var x0i = Emit(n, "Cast", new CastAttrs { To = OnnxDTypes.CodeOf(i64), ToType = i64 }, x0);
        var y1i = Emit(n, "Add", y0i, LitScalar(i64, 1));
        var x1i = Emit(n, "Add", x0i, LitScalar(i64, 1));
        CanonicalInput InRange(CanonicalInput v, long hi) => Emit(n, "And", Emit(n, "GreaterOrEqual", v, LitScalar(i64, 0)), Emit(n, "LessOrEqual", v, LitScalar(i64, hi)));
        CanonicalInput Clamp(CanonicalInput v, long hi) => Emit(n, "Min", Emit(n, "Max", v, LitScalar(i64, 0)), LitScalar(i64, hi));
        // The image of each offset group's channels, flattened: [N, G, C/G, H·W].
        var img = Emit(n, "Reshape", new ReshapeAttrs(), n.Input(0), LitInts(0, og, cg, h * wd));
        CanonicalInput? acc = null;
        foreach (var (yi, wy) in new[] { (y0i, hy), (y1i, ly) })
            foreach (var (xi, wx) in new[] { (x0i, hx), (x1i, lx) })
            {
                var valid = Emit(n, "And", InRange(yi, h - 1), InRange(xi, wd - 1));
                var wt = Emit(n, "Where", valid, Emit(n, "Mul", wy, wx), LitScalar(dt, 0));
                var idx = Emit(n, "Add", Emit(n, "Mul", Clamp(yi, h - 1), LitScalar(i64, wd)), Clamp(xi, wd - 1));
                idx = Emit(n, "Expand", Emit(n, "Reshape", new ReshapeAttrs(), idx, LitInts(0, og, 1, k * pn)), LitInts(1, 1, cg, 1));
                var v = Emit(n, "Mul", Emit(n, "GatherElements", new AxisAttrs { Axis = 3 }, img, idx), Emit(n, "Reshape", new ReshapeAttrs(), wt, LitInts(0, og, 1, k * pn)));
                acc = acc is null ? v : Emit(n, "Add", acc, v);
            }
        if (n.Input(4).IsPresent) acc = Emit(n, "Mul", acc!, Emit(n, "Reshape", new ReshapeAttrs(), n.Input(4), LitInts(0, og, 1, k * pn)));
        // Columns [N, P, C·K] (channel-major, then kernel tap, as W's [C/group, kH, kW] flattens), one MatMul per group.
        var cols = Emit(n, "Transpose", new TransposeAttrs { Perm = new([0, 2, 1]) }, Emit(n, "Reshape", new ReshapeAttrs(), acc!, LitInts(0, c * k, pn)));
        var wmat = Emit(n, "Reshape", new ReshapeAttrs(), n.Input(1), LitInts(oc, cinG * k));
        var ocg = oc / grp;
        var outs = new List<CanonicalInput>();
        for (long g = 0; g < grp; g++)
        {
            var colsG = grp == 1 ? cols : SliceAxis(n, cols, 2, g * cinG * k, (g + 1) * cinG * k);
            var wG = grp == 1 ? wmat : SliceAxis(n, wmat, 0, g * ocg, (g + 1) * ocg);
            outs.Add(Emit(n, "MatMul", colsG, Emit(n, "Transpose", new TransposeAttrs { Perm = new([1, 0]) }, wG)));
        }
        var yv = outs.Count == 1 ? outs[0] : Emit(n, "Concat", new ConcatAttrs { Axis = 2 }, [.. outs]);
        yv = Emit(n, "Reshape", new ReshapeAttrs(), Emit(n, "Transpose", new TransposeAttrs { Perm = new([0, 2, 1]) }, yv), LitInts(0, oc, oh, ow));
        if (n.Input(3).IsPresent) yv = Emit(n, "Add", yv, Emit(n, "Reshape", new ReshapeAttrs(), n.Input(3), LitInts(oc, 1, 1)));
        BindOutput(n, 0, yv);
    }
}

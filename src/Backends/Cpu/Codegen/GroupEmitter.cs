using System.Text;
using Bridge.Backends.Cpu.Lowering;

namespace Bridge.Backends.Cpu.Codegen;

/// <summary>
/// Writes one C function per fused group: loops for injective and reduction groups (<c>#pragma omp parallel for</c> on the
/// outer loop), calls into <c>bridge_cpu.h</c> for convolution, matmul, pooling, softmax and layer norm, and a call back into
/// the managed runtime for a fallback group. Every function returns 0, or 1 with <c>m->err</c> set.
/// </summary>
// prepacked: the compile-time packed weight of a conv/matmul group (WeightPrepack): a C pointer and the conv algorithm it
// was packed for.
internal sealed class GroupEmitter(IReadOnlyList<SymVar> vars, Func<TBuffer, string> pointer, Func<TBuffer, float[]?, string> perChannel,
    Func<FusedGroup, (string Ptr, string Algorithm)?>? prepacked = null)
{
    private string Dim(SymExpr d) => CExpr.Of(d, vars);
    private StringBuilder _pre = new();

    /// <summary>Appends <c>static int g{index}(brg_model* m)</c>; returns false when the group must fall back (then nothing is written).</summary>
    public bool TryEmit(FusedGroup g, StringBuilder sb)
    {
        var body = new StringBuilder();
        _pre = new StringBuilder();
        var ok = g.Kind switch
        {
            GroupKind.Injective => Injective(g, body),
            GroupKind.Reduce => Reduce(g, body),
            GroupKind.Conv2d => Conv(g, body),
            GroupKind.Matmul => Matmul(g, body),
            GroupKind.Pool => Pool(g, body),
            GroupKind.Softmax => Softmax(g, body),
            GroupKind.LayerNorm => LayerNorm(g, body),
            GroupKind.Concat => Concat(g, body),
            _ => false,
        };
        if (!ok) return false;
        sb.Append($"/* group {g.Index}: {g.Describe()} -> {g.Output.Name} */\n").Append(_pre);
        sb.Append($"static int g{g.Index}(brg_model* m) {{\n").Append(body).Append("    return 0;\n}\n\n");
        return true;
    }

    private bool Injective(FusedGroup g, StringBuilder b)
    {
        if (RowEmitter.Injective(g, vars, pointer) is { } row) return ParallelRows(g, b, row, "o");
        var outB = g.Output;
        var inner = new StringBuilder();
        var e = new InjectiveEmitter(g, vars, pointer, inner, "        ");
        var v = e.Value(outB, InjectiveEmitter.FlatCtx("i", outB.Shape));
        return ParallelRows(g, b, new RowEmitter.Loop($"    float* restrict y = (float*){pointer(outB)};\n", CExpr.Product(outB.Shape, vars),
            inner.Append($"        y[i] = {v};\n").ToString(), "16384"), "i");
    }

    /// <summary>
    /// A loop over rows on the thread pool: the body becomes <c>g{index}_rows(ctx, lo, hi)</c> (written before the group's
    /// function) and the group calls <c>brg_parallel_for(rows, grain, …)</c>; the setup lines run in both.
    /// </summary>
    private bool ParallelRows(FusedGroup g, StringBuilder b, RowEmitter.Loop loop, string index)
    {
        _pre.Append($"static void g{g.Index}_rows(void* ctx_, int64_t lo_, int64_t hi_) {{\n    brg_model* m = (brg_model*)ctx_;\n");
        _pre.Append(loop.Setup).Append($"    for (int64_t {index} = lo_; {index} < hi_; {index}++) {{\n").Append(loop.Body).Append("    }\n}\n");
        b.Append($"    brg_parallel_for({loop.Rows}, {loop.Grain}, g{g.Index}_rows, m);\n");
        return true;
    }

    private bool Reduce(FusedGroup g, StringBuilder body)
    {
        var op = g.Root;
        var r = (ReduceAttrs)op.Attrs;
        var x = op.Inputs[0];
        var outB = g.Output;
        if (RowEmitter.Reduce(g, vars, pointer) is { } row) return ParallelRows(g, body, row, "o");
        var reduced = r.Axes.Select(a => x.Shape[a]).ToList();
        var nrExpr = CExpr.Product(reduced, vars);
        var b = new StringBuilder();
        var outer = new StringBuilder();
        var oe = new InjectiveEmitter(g, vars, pointer, outer, "        ", "o");
        var oc = oe.CoordsOf(InjectiveEmitter.FlatCtx("o", outB.Shape));
        b.Append(outer);
        var init = r.Fn switch { "max" => "-INFINITY", "min" => "INFINITY", _ => "0.0" };
        b.Append($"        double acc = {init};\n");
        b.Append("        for (int64_t q = 0; q < nr; q++) {\n");
        var inner = new StringBuilder();
        var ie = new InjectiveEmitter(g, vars, pointer, inner, "            ", "q");
        var rc = ie.CoordsOf(InjectiveEmitter.FlatCtx("q", [.. reduced]));
        var coords = new string[x.Rank];
        var kept = 0;
        for (var k = 0; k < x.Rank; k++)
        {
            var ri = r.Axes.IndexOf(k);
            if (ri >= 0) { coords[k] = rc[ri]; if (r.KeepDims) kept++; }
            else coords[k] = oc[kept++];
        }
        // the reduce op itself is in the group; its input is read through the inlined prologue
        var v = ie.Value(x, InjectiveEmitter.CoordCtx(coords, x.Shape));
        b.Append(inner);
        b.Append(r.Fn switch
        {
            "max" => $"            acc = acc > {v} ? acc : {v};\n",
            "min" => $"            acc = acc < {v} ? acc : {v};\n",
            _ => $"            acc += {v};\n",
        });
        b.Append("        }\n");
        b.Append(r.Fn == "mean" ? "        y[o] = (float)(acc / (double)nr);\n" : "        y[o] = (float)acc;\n");
        return ParallelRows(g, body, new RowEmitter.Loop($"    float* restrict y = (float*){pointer(outB)};\n    const int64_t nr = {nrExpr};\n",
            CExpr.Product(outB.Shape, vars), b.ToString(), $"BRG_MAX(1, 16384 / BRG_MAX(1, {nrExpr}))"), "o");
    }

    private string Ep(FusedGroup g, long channels, int axis, int rank, string residualOffset = "")
    {
        var ep = g.Epilogue;
        var bias = ep.Bias is null ? "NULL" : perChannel(ep.Bias, ConstantFolding.PerChannel(ep.Bias, rank, channels, axis));
        var res = ep.Residual is null ? "NULL" : $"(const float*){pointer(ep.Residual)}{residualOffset}";
        var act = Fusion.Act(ep.Act) ?? 0;
        return $"brg_epilogue ep = {{ NULL, {bias}, {res}, {act}, {CExpr.Float(ep.Lo)}, {CExpr.Float(ep.Hi)} }};";
    }

    private bool Conv(FusedGroup g, StringBuilder b)
    {
        var a = g.Anchor!;
        var c = (Conv2dAttrs)a.Attrs;
        var (x, w, y) = (a.Inputs[0], a.Inputs[1], a.Output);
        if (x.Rank != 4 || w.Rank != 4 || !w.IsConstant || w.Shape.Any(d => !d.IsConst())) return false;
        var oc = w.Shape[0].AsConst!.Value;
        b.Append("    brg_conv2d_params p = {0};\n");
        b.Append($"    p.n = {Dim(x.Shape[0])}; p.c = {Dim(x.Shape[1])}; p.h = {Dim(x.Shape[2])}; p.w = {Dim(x.Shape[3])};\n");
        b.Append($"    p.oc = {oc}; p.kh = {Dim(w.Shape[2])}; p.kw = {Dim(w.Shape[3])};\n");
        b.Append($"    p.stride_h = {c.StrideH}; p.stride_w = {c.StrideW}; p.pad_t = {c.PadT}; p.pad_l = {c.PadL}; p.pad_b = {c.PadB}; p.pad_r = {c.PadR};\n");
        b.Append($"    p.dil_h = {c.DilH}; p.dil_w = {c.DilW}; p.groups = {c.Groups}; p.oh = {Dim(y.Shape[2])}; p.ow = {Dim(y.Shape[3])};\n");
        var pk = $"m->pk[{g.Index}]";
        if (prepacked?.Invoke(g) is { } pre)
        {
            // packed at compile time; the layout belongs to one algorithm, which does not depend on the batch
            pk = "pk";
            b.Append($"    const float* pk = {pre.Ptr};\n");
            b.Append($"    if (strcmp(brg_conv2d_algorithm(&p), \"{pre.Algorithm}\") != 0) {{ snprintf(m->err, sizeof m->err, \"group {g.Index}: conv weights were packed at compile time for {pre.Algorithm}, the kernel now picks %s\", brg_conv2d_algorithm(&p)); return 1; }}\n");
        }
        else b.Append($"    if (brg_pack_conv(m, {g.Index}, &p, (const float*){pointer(w)})) return 1;\n");
        b.Append("    if (brg_scratch(m, brg_conv2d_scratch_floats(&p))) return 1;\n");
        b.Append("    ").Append(Ep(g, oc, 1, 4)).Append('\n');
        b.Append($"    brg_conv2d(&p, (const float*){pointer(x)}, {pk}, (float*){pointer(g.Output)}, &ep, m->scratch);\n");
        return true;
    }

    private bool Matmul(FusedGroup g, StringBuilder b)
    {
        var a = g.Anchor!;
        var t = ((MatmulAttrs)a.Attrs).TransB;
        var (x, w, y) = (a.Inputs[0], a.Inputs[1], a.Output);
        if (w is { IsConstant: true, Rank: 2 })
        {
            long k = w.Shape[t ? 1 : 0].AsConst!.Value, n = w.Shape[t ? 0 : 1].AsConst!.Value;
            b.Append($"    const int64_t M = {CExpr.Product(x.Shape.Take(x.Rank - 1), vars)};\n");
            var pre = prepacked?.Invoke(g);
            if (pre is null) b.Append($"    if (brg_pack_gemm(m, {g.Index}, {k}, {n}, (const float*){pointer(w)}, {(t ? k : n)}, {(t ? 1 : 0)})) return 1;\n");
            b.Append("    ").Append(Ep(g, n, y.Rank - 1, y.Rank)).Append('\n');
            b.Append($"    brg_gemm_packed(M, {n}, {k}, (const float*){pointer(x)}, {k}, {pre?.Ptr ?? $"m->pk[{g.Index}]"}, (float*){pointer(g.Output)}, {n}, &ep);\n");
            return true;
        }
        if (g.Epilogue != Epilogue.None) return false;
        // run-time B: batched GEMM; batch dims of A and B must each equal the output's or be absent
        var batch = y.Shape.Take(y.Rank - 2).ToList();
        string Stride(TBuffer o, string mat)
        {
            var ob = o.Shape.Take(o.Rank - 2).ToList();
            if (ob.All(d => d.AsConst == 1)) return "0";
            if (ob.Count == batch.Count && ob.Zip(batch).All(p => SymExpr.ProveEqual(p.First, p.Second) == Core.Shapes.Tri.Proven)) return mat;
            return "";
        }
        var sa = Stride(x, "M * K");
        var sbs = Stride(w, "K * N");
        if (sa.Length == 0 || sbs.Length == 0) return false;
        b.Append($"    const int64_t M = {Dim(x.Shape[^2])}, K = {Dim(x.Shape[^1])}, N = {Dim(y.Shape[^1])};\n");
        b.Append($"    const int64_t batch = {CExpr.Product(batch, vars)};\n");
        b.Append($"    brg_gemm_batched(batch, M, N, K, (const float*){pointer(x)}, K, {sa}, (const float*){pointer(w)}, {(t ? "K" : "N")}, {sbs}, {(t ? 1 : 0)}, (float*){pointer(g.Output)}, N, M * N);\n");
        return true;
    }

    private bool Pool(FusedGroup g, StringBuilder b)
    {
        var op = g.Root;
        var p = (Pool2dAttrs)op.Attrs;
        var (x, y) = (op.Inputs[0], op.Output);
        if (x.Rank != 4) return false;
        b.Append("    brg_pool2d_params p = {0};\n");
        b.Append($"    p.n = {Dim(x.Shape[0])}; p.c = {Dim(x.Shape[1])}; p.h = {Dim(x.Shape[2])}; p.w = {Dim(x.Shape[3])};\n");
        b.Append($"    p.kh = {p.KH}; p.kw = {p.KW}; p.stride_h = {p.StrideH}; p.stride_w = {p.StrideW};\n");
        b.Append($"    p.pad_t = {p.PadT}; p.pad_l = {p.PadL}; p.pad_b = {p.PadB}; p.pad_r = {p.PadR}; p.dil_h = {p.DilH}; p.dil_w = {p.DilW};\n");
        b.Append($"    p.oh = {Dim(y.Shape[2])}; p.ow = {Dim(y.Shape[3])}; p.count_include_pad = {(p.CountIncludePad ? 1 : 0)};\n");
        b.Append($"    brg_{(op.Kind == OpKind.MaxPool2d ? "max" : "avg")}_pool2d(&p, (const float*){pointer(x)}, (float*){pointer(y)});\n");
        return true;
    }

    private bool Softmax(FusedGroup g, StringBuilder b)
    {
        var op = g.Root;
        var x = op.Inputs[0];
        if (x.Rank == 0) return false;
        b.Append($"    const int64_t cols = {Dim(x.Shape[^1])};\n");
        b.Append($"    const int64_t rows = {CExpr.Product(x.Shape.Take(x.Rank - 1), vars)};\n");
        b.Append($"    brg_{(((SoftmaxAttrs)op.Attrs).Log ? "log_softmax" : "softmax")}(rows, cols, (const float*){pointer(x)}, (float*){pointer(op.Output)});\n");
        return true;
    }

    /// <summary>Concat: per input, one block copy per index of the axes before the concat axis.</summary>
    private bool Concat(FusedGroup g, StringBuilder b)
    {
        var op = g.Root;
        var axis = ((ConcatAttrs)op.Attrs).Axis;
        var y = op.Output;
        var innerY = CExpr.Product(y.Shape.Skip(axis), vars);
        var setup = $"    const int64_t inner_y = {innerY};\n    float* restrict y = (float*){pointer(y)};\n";
        var body = new StringBuilder("        int64_t off = 0;\n");
        foreach (var x in op.Inputs)
        {
            body.Append("        {\n");
            body.Append($"            const int64_t inner = {CExpr.Product(x.Shape.Skip(axis), vars)};\n");
            body.Append($"            memcpy(y + o * inner_y + off, (const float*){pointer(x)} + o * inner, (size_t)inner * sizeof(float));\n");
            body.Append("            off += inner;\n        }\n");
        }
        return ParallelRows(g, b, new RowEmitter.Loop(setup, CExpr.Product(y.Shape.Take(axis), vars), body.ToString(), $"BRG_MAX(1, 65536 / BRG_MAX(1, {innerY}))"), "o");
    }

    private bool LayerNorm(FusedGroup g, StringBuilder b)
    {
        var op = g.Root;
        var (x, gamma, beta) = (op.Inputs[0], op.Inputs[1], op.Inputs[2]);
        if (x.Rank == 0 || gamma.Rank != 1 || beta.Rank != 1) return false;
        b.Append($"    const int64_t cols = {Dim(x.Shape[^1])};\n");
        b.Append($"    const int64_t rows = {CExpr.Product(x.Shape.Take(x.Rank - 1), vars)};\n");
        b.Append($"    brg_layer_norm(rows, cols, (const float*){pointer(x)}, (const float*){pointer(gamma)}, (const float*){pointer(beta)}, {CExpr.Float(((LayerNormAttrs)op.Attrs).Eps)}, (float*){pointer(op.Output)});\n");
        return true;
    }
}

using System.Collections.Immutable;
using Bridge.Core.Collections;
using Bridge.Core.Shapes;
using Bridge.Core.Tensors;
using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Ops.Relax;
using Bridge.Ir.Relax;
using Bridge.Translators.Onnx;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

public sealed partial class OnnxToRelaxEmitter
{
    /// <summary>A scalar bool condition: ONNX allows shape [] or [1].</summary>
    private Expr ScalarCond(CanonicalNode n, Expr c) =>
        c.Info is TensorSInfo { Shape: { Length: 0 } } ? c : Reshape(n, c, []);

    /// <summary>Emits a subgraph's nodes into a new plain block; returns the block and the output expressions.</summary>
    private (BindingBlock Block, List<Expr> Outputs) EmitSubgraph(OnnxGraph g, Action? bindInputs = null)
    {
        PushScope();
        _b.BeginBlock(dataflow: false);
        try
        {
            bindInputs?.Invoke();
            foreach (var (name, t) in g.Initializers) SetConst(name, t);
            var nodes = Canonicalize(g);
            EmitNodes(nodes);
            var outs = g.Outputs.Select(o => X(o.Name, nodes.Length > 0 ? nodes[^1] : FakeNode(o.Name))).ToList();
            return (_b.EndBlock(), outs);
        }
        catch
        {
            _b.EndBlock();
            throw;
        }
        finally { PopScope(); }
    }

    /// <summary>The join of two branch infos: equal, else the same rank with unknown dims, else Object.</summary>
    private static StructInfo Join(StructInfo a, StructInfo b)
    {
        if (a.Equals(b)) return a;
        return (a, b) switch
        {
            (TensorSInfo x, TensorSInfo y) => new TensorSInfo(
                x.Shape is { } sx && y.Shape is { } sy && sx.Length == sy.Length && sx.Zip(sy).All(p => SymExpr.ProveEqual(p.First, p.Second) == Tri.Proven)
                    ? sx : (ValueArray<SymExpr>?)null,
                x.DType == y.DType ? x.DType : (DataType?)null, x.NDim == y.NDim ? x.NDim : -1),
            (TupleSInfo x, TupleSInfo y) when x.Fields.Length == y.Fields.Length => new TupleSInfo(new ValueArray<StructInfo>(x.Fields.Zip(y.Fields, Join))),
            _ => StructInfo.Object,
        };
    }

    /// <summary>ONNX If → Relax <c>R.If</c> with SeqExpr branches (the branches see the enclosing scope).</summary>
    private void EmitIf(CanonicalNode n)
    {
        var a = n.AttrsAs<IfAttrs>();
        if (_b.IsDataflow) throw Unsupported(n, "If inside a dataflow block");
        var cond = ScalarCond(n, X(n, 0));
        var (tb, touts) = EmitSubgraph(a.ThenBranch!);
        var (eb, eouts) = EmitSubgraph(a.ElseBranch!);
        if (touts.Count != eouts.Count || touts.Count != n.Outputs.Length) throw Unsupported(n, "branches with different output counts");
        Expr tr = touts.Count == 1 ? touts[0] : RelaxEmitBuilder.Tuple(touts);
        Expr er = eouts.Count == 1 ? eouts[0] : RelaxEmitBuilder.Tuple(eouts);
        var info = Join(tr.Info ?? StructInfo.Object, er.Info ?? StructInfo.Object);
        var ife = new If(cond, new SeqExpr([tb], tr) { Info = tr.Info }, new SeqExpr([eb], er) { Info = er.Info }, n.Loc) { Info = info };
        var v = _b.Emit(ife, "lv", n.Loc);
        if (n.Outputs.Length == 1) Out(n, v);
        else for (var i = 0; i < n.Outputs.Length; i++) Out(n, _b.Emit(RelaxEmitBuilder.Item(v, i), "lv", n.Loc), i);
    }

    /// <summary>
    /// ONNX Loop → a recursive private Relax function <c>loop_k(iter, max, cond, carried…, captured…)</c> returning the final
    /// carried values: <c>if iter &lt; max and cond: body; loop_k(iter + 1, max, cond', carried'…)</c> else the carried values.
    /// The trip count and condition may be data-dependent (the corpus control-flow model's is); carried values keep their
    /// initial struct info, so shapes must be loop-invariant. Scan outputs are not supported (diagnostic).
    /// </summary>
    private void EmitLoop(CanonicalNode n)
    {
        var body = n.AttrsAs<LoopAttrs>().Body!;
        var nCarried = n.Inputs.Length - 2;
        if (body.Outputs.Length != nCarried + 1) throw Unsupported(n, $"{body.Outputs.Length - 1 - nCarried} scan output(s) (only loop-carried values are supported)");
        if (body.Inputs.Length != nCarried + 2) throw Unsupported(n, "a body whose inputs do not match (iter, cond, carried…)");
        var i64 = DataType.Int64;
        Expr max = n.Input(0).IsPresent ? Reshape(n, X(n, 0), []) : Scalar(i64, long.MaxValue);
        // torch.onnx exports a float trip count for `range(int(float_expr))` loops; ONNX says int64, so cast (truncation).
        if (DTypeOf(max) is { } mdt && mdt != i64) max = Op(n, "astype", new RA.AstypeAttrs { Dtype = i64 }, max);
        Expr cond0 = n.Input(1).IsPresent ? ScalarCond(n, X(n, 1)) : RelaxEmitBuilder.Const(Tensor.Scalar(DataType.Bool, 1));
        var init = Enumerable.Range(0, nCarried).Select(i => X(n, 2 + i)).ToList();

        // Captured outer values that are not constants become extra parameters.
        var defined = new HashSet<string>(body.Inputs.Select(i => i.Name).Concat(body.Initializers.Keys), StringComparer.Ordinal);
        var captured = new List<string>();
        foreach (var g in body.SelfAndSubgraphs())
            foreach (var bn in g.Nodes)
            {
                foreach (var inp in bn.Inputs)
                    if (inp.Length > 0 && !defined.Contains(inp) && !captured.Contains(inp) && IsDefined(inp) && ConstOf(new CanonicalInput(inp, null)) is null)
                        captured.Add(inp);
                foreach (var o in bn.Outputs) defined.Add(o);
            }
        var capturedExprs = captured.Select(c => X(c, n)).ToList();

        var name = _b.Fresh($"loop_{n.Source.Name}");
        var gv = new GlobalVar(name);
        var outer = _b;
        var fb = new RelaxEmitBuilder(false);
        _b = fb;
        try
        {
            var pIter = new Var(fb.Fresh("iter"), TensorSInfo.Of(i64));
            var pMax = new Var(fb.Fresh("max_trip"), TensorSInfo.Of(i64));
            var pCond = new Var(fb.Fresh("cond"), TensorSInfo.Of(DataType.Bool));
            // Symbolic vars are per function in Relax: the loop function gets its own copies (bound from its parameters).
            var own = new Dictionary<SymVar, SymExpr>();
            StructInfo Own(StructInfo? si)
            {
                var sinfo = si ?? StructInfo.Object;
                foreach (var v in sinfo.SymVars()) if (!own.ContainsKey(v)) own[v] = new SymVar(v.Name);
                return sinfo.Substitute(v => own.TryGetValue(v, out var w) ? w : null);
            }
            var pCarried = init.Select((e, i) => new Var(fb.Fresh(body.Inputs[2 + i].Name), Own(e.Info))).ToList();
            var pCaptured = capturedExprs.Select((e, i) => new Var(fb.Fresh(captured[i]), Own(e.Info))).ToList();
            var ps = new List<Var> { pIter, pMax, pCond };
            ps.AddRange(pCarried);
            ps.AddRange(pCaptured);
            var retInfo = new TupleSInfo(new ValueArray<StructInfo>(pCarried.Select(p => p.Info!)));
            var fsig = new FuncSInfo(new ValueArray<StructInfo>(ps.Select(p => p.Info!)), retInfo, true);
            gv = new GlobalVar(name) { Info = fsig };

            // The loop test, in the function's top block.
            var go = fb.Call("logical_and", null, n.Loc, fb.Call("less", null, n.Loc, pIter, pMax), pCond);
            // Then: the body, then the recursive call.
            PushScope();
            for (var i = 0; i < captured.Count; i++) Set(captured[i], pCaptured[i]);
            var (thenBlock, outs) = EmitSubgraph(body, () =>
            {
                Set(body.Inputs[0].Name, pIter);
                Set(body.Inputs[1].Name, pCond);
                for (var i = 0; i < nCarried; i++) Set(body.Inputs[2 + i].Name, pCarried[i]);
            });
            PopScope();
            // The recursive call is bound in the then-branch block (after the body's bindings).
            var nextIter = RelaxEmitBuilder.MakeCall("add", null, n.Loc, pIter, Scalar(i64, 1));
            var newCond = outs[0].Info is TensorSInfo { Shape: { Length: 0 } } ? outs[0] : RelaxEmitBuilder.MakeCall("reshape", null, n.Loc, outs[0], RelaxEmitBuilder.Shape([]));
            var thenBindings = thenBlock.Bindings.ToBuilder();
            var vi = new Var(fb.Fresh("next_iter"), nextIter.Info);
            thenBindings.Add(new VarBinding(vi, nextIter));
            Expr condArg = newCond;
            if (newCond is not Var)
            {
                var vc = new Var(fb.Fresh("next_cond"), newCond.Info);
                thenBindings.Add(new VarBinding(vc, newCond));
                condArg = vc;
            }
            var args = new List<Expr> { vi, pMax, condArg };
            args.AddRange(outs.Skip(1));
            args.AddRange(pCaptured);
            var rec = new Call(gv, [.. args], new Bridge.Ir.Ops.NoAttrs(), [], n.Loc) { Info = retInfo };
            var vr = new Var(fb.Fresh("rec"), retInfo);
            thenBindings.Add(new VarBinding(vr, rec));
            var thenSeq = new SeqExpr([new BindingBlock(thenBindings.ToImmutable())], vr) { Info = retInfo };
            var doneTuple = RelaxEmitBuilder.Tuple(pCarried);
            var elseSeq = new SeqExpr([], doneTuple) { Info = doneTuple.Info };
            var ife = new If(go, thenSeq, elseSeq, n.Loc) { Info = retInfo };
            var res = fb.Emit(ife, "res", n.Loc);
            var fblock = fb.EndBlock();
            var fn = new Function([.. ps], new SeqExpr([fblock], res) { Info = retInfo }, retInfo, true, []) { Info = fsig };
            _extraFunctions.Add(new ModuleEntry(gv, fn));
        }
        finally { _b = outer; }

        var callArgs = new List<Expr> { Scalar(i64, 0), max, cond0 };
        callArgs.AddRange(init);
        callArgs.AddRange(capturedExprs);
        var tmp = new Call(gv, [.. callArgs], new Bridge.Ir.Ops.NoAttrs(), [], n.Loc);
        var call = new Call(gv, tmp.Args, tmp.Attrs, [], n.Loc) { Info = Infer.Call(tmp, new InferContext(n.Loc)) };
        var r = _b.Emit(call, "lv", n.Loc);
        for (var i = 0; i < nCarried; i++) Out(n, _b.Emit(RelaxEmitBuilder.Item(r, i), "lv", n.Loc), i);
    }

    /// <summary>
    /// LSTM / GRU / RNN unrolled over the (static) sequence length, forward and/or reverse, default activations only.
    /// Gate layouts as in the ONNX spec: LSTM W = [i, o, f, c], GRU W = [z, r, h].
    /// </summary>
    private void Recurrent(CanonicalNode n, string kind)
    {
        var a = n.AttrsAs<RnnAttrs>();
        string[] defaults = kind switch { "LSTM" => ["Sigmoid", "Tanh", "Tanh"], "GRU" => ["Sigmoid", "Tanh"], _ => ["Tanh"] };
        for (var i = 0; i < a.ResolvedActivations.Count; i++)
            if (!string.Equals(a.ResolvedActivations[i], defaults[i % defaults.Length], StringComparison.OrdinalIgnoreCase))
                throw Unsupported(n, $"activation '{a.ResolvedActivations[i]}' (only the defaults are supported)");
        if (a.Clip is not null) throw Unsupported(n, "clip");
        if (a.InputForget) throw Unsupported(n, "input_forget=1");
        if (n.Input(4).IsPresent) throw Unsupported(n, "sequence_lens");
        if (kind == "LSTM" && n.Input(7).IsPresent) throw Unsupported(n, "peephole weights P");
        var gates = kind switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        var xs = RequireShape(n, 0);
        if (xs.Length != 3) throw Unsupported(n, "X must be 3-D");
        var seqAxis = a.Layout == 0 ? 0 : 1;
        var batch = a.Layout == 0 ? xs[1] : xs[0];
        var seq = xs[seqAxis].AsConst ?? throw Unsupported(n, "a symbolic sequence length (unrolling needs it static)");
        var hidden = a.HiddenSize ?? throw Unsupported(n, "unknown hidden_size");
        var dt = DTypeOfValue(n, 0);
        var X0 = X(n, 0);
        Expr Take(Expr t, long i, int axis) => Op(n, "take", new RA.TakeAttrs { Axis = axis }, t, Scalar(DataType.Int64, i));
        Expr T2(Expr t) => Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([1, 0]) }, t);
        // Split by explicit cut points (the sections form does not survive a TVMScript print/parse round trip here).
        List<Expr> Split(Expr t, int parts, long size)
        {
            var s = Op(n, "split", new RA.SplitAttrs { IndicesOrSections = VA(Enumerable.Range(1, parts - 1).Select(i => i * size)), IsSections = false, Axis = 1 }, t);
            return [.. Enumerable.Range(0, parts).Select(i => (Expr)_b.Emit(RelaxEmitBuilder.Item(s, i), "lv", n.Loc))];
        }
        Expr Add(Expr p, Expr q) => Op(n, "add", null, p, q);
        Expr Mul(Expr p, Expr q) => Op(n, "multiply", null, p, q);
        var dirs = (int)a.NumDirections;
        var ys = new List<Expr>(); var hs = new List<Expr>(); var cs = new List<Expr>();
        for (var d = 0; d < dirs; d++)
        {
            var reverse = a.Direction == "reverse" || d == 1;
            var W = Take(X(n, 1), d, 0); var R = Take(X(n, 2), d, 0);
            var WT = T2(W); var RT = T2(R);
            Expr? wb = null, rb = null;
            if (n.Input(3).IsPresent)
            {
                var bsp = Split(Reshape(n, Take(X(n, 3), d, 0), [1, 2 * gates * hidden]), 2, gates * hidden);
                wb = bsp[0]; rb = bsp[1];
            }
            var zeros = Op(n, "zeros", new RA.InitAttrs { Dtype = dt }, RelaxEmitBuilder.Shape([batch, hidden]));
            Expr h = n.Input(5).IsPresent ? Take(X(n, 5), d, 0) : zeros;
            Expr c = kind == "LSTM" && n.Input(6).IsPresent ? Take(X(n, 6), d, 0) : zeros;
            var steps = new Expr[seq];
            for (var s = 0; s < seq; s++)
            {
                var t = reverse ? seq - 1 - s : s;
                var xt = Take(X0, t, seqAxis);
                Expr xw = Op(n, "matmul", null, xt, WT);
                if (wb is not null) xw = Add(xw, wb);
                Expr hr = Op(n, "matmul", null, h, RT);
                if (rb is not null) hr = Add(hr, rb);
                switch (kind)
                {
                    case "LSTM":
                    {
                        var g = Split(Add(xw, hr), 4, hidden);
                        var ig = Op(n, "sigmoid", null, g[0]); var og = Op(n, "sigmoid", null, g[1]);
                        var fg = Op(n, "sigmoid", null, g[2]); var cg = Op(n, "tanh", null, g[3]);
                        c = Add(Mul(fg, c), Mul(ig, cg));
                        h = Mul(og, Op(n, "tanh", null, c));
                        break;
                    }
                    case "GRU":
                    {
                        var xg = Split(xw, 3, hidden);
                        var hg = Split(hr, 3, hidden);
                        var z = Op(n, "sigmoid", null, Add(xg[0], hg[0]));
                        var r = Op(n, "sigmoid", null, Add(xg[1], hg[1]));
                        Expr hh;
                        if (a.LinearBeforeReset) hh = Op(n, "tanh", null, Add(xg[2], Mul(r, hg[2])));
                        else
                        {
                            // (r ⊙ h) Rh^T + Rbh: recompute with the h-gate rows of R only.
                            var rh = Op(n, "strided_slice", new RA.StridedSliceAttrs(), R, RelaxEmitBuilder.Tuple([PrimValue.Int64(0)]),
                                RelaxEmitBuilder.Tuple([PrimValue.Int64(2 * hidden)]), RelaxEmitBuilder.Tuple([PrimValue.Int64(3 * hidden)]), RelaxEmitBuilder.Tuple([PrimValue.Int64(1)]));
                            Expr rr = Op(n, "matmul", null, Mul(r, h), T2(rh));
                            if (rb is not null)
                                rr = Add(rr, Op(n, "strided_slice", new RA.StridedSliceAttrs(), rb, RelaxEmitBuilder.Tuple([PrimValue.Int64(1)]),
                                    RelaxEmitBuilder.Tuple([PrimValue.Int64(2 * hidden)]), RelaxEmitBuilder.Tuple([PrimValue.Int64(3 * hidden)]), RelaxEmitBuilder.Tuple([PrimValue.Int64(1)])));
                            hh = Op(n, "tanh", null, Add(xg[2], rr));
                        }
                        var one = Scalar(dt, 1);
                        h = Add(Mul(Op(n, "subtract", null, one, z), hh), Mul(z, h));
                        break;
                    }
                    default:
                        h = Op(n, "tanh", null, Add(xw, hr));
                        break;
                }
                steps[t] = h;
            }
            ys.Add(Op(n, "stack", new RA.StackAttrs { Axis = 0 }, RelaxEmitBuilder.Tuple(steps)));
            hs.Add(h); cs.Add(c);
        }
        // Y: [seq, dirs, batch, hidden]; Y_h / Y_c: [dirs, batch, hidden] (layout 0).
        Expr Y = Op(n, "stack", new RA.StackAttrs { Axis = 1 }, RelaxEmitBuilder.Tuple(ys));
        Expr Yh = Op(n, "stack", new RA.StackAttrs { Axis = 0 }, RelaxEmitBuilder.Tuple(hs));
        Expr Yc = Op(n, "stack", new RA.StackAttrs { Axis = 0 }, RelaxEmitBuilder.Tuple(cs));
        if (a.Layout != 0)
        {
            Y = Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([2, 0, 1, 3]) }, Y);
            Yh = Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([1, 0, 2]) }, Yh);
            Yc = Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([1, 0, 2]) }, Yc);
        }
        Out(n, Y, 0);
        Out(n, Yh, 1);
        if (kind == "LSTM") Out(n, Yc, 2);
    }
}

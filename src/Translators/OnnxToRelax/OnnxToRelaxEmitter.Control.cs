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

    /// <summary>
    /// A branch body: a branch that only forwards an outer value has no bindings, and then no block (TVM's normaliser drops
    /// empty blocks, and the TVMScript reader builds none), so the printed module re-parses to the same one.
    /// </summary>
    private static SeqExpr BranchSeq(BindingBlock block, Expr result) =>
        new(block.Bindings.IsEmpty ? [] : [block], result) { Info = result.Info };

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
        var ife = new If(cond, BranchSeq(tb, tr), BranchSeq(eb, er), n.Loc) { Info = info };
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
        var captured = CapturedOuterValues(body);
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
}

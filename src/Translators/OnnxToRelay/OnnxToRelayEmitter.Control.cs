using System.Collections.Immutable;
using Bridge.Core.Collections;
using Bridge.Core.Shapes;
using Bridge.Core.Tensors;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relay;
using R = Bridge.Ir.Ops.Relay;

namespace Bridge.Translators.OnnxToRelay;

public sealed partial class OnnxToRelayEmitter
{
    private readonly List<(GlobalVar Var, Function Func)> _extraFunctions = [];

    private Expr ScalarOf(CanonicalNode n, Expr c) =>
        ShapeOf(c) is { Length: > 0 } ? Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([]) }, c) : c;

    /// <summary>
    /// ONNX Loop → a recursive global Relay function (as from_onnx's <c>while_loop</c>):
    /// <c>@loop_k(iter, max, cond, carried…, captured…) = if (iter &lt; max &amp;&amp; cond) { body; @loop_k(iter + 1, …) } else { (carried…) }</c>.
    /// Scan outputs are not supported (diagnostic).
    /// </summary>
    private void EmitLoop(CanonicalNode n)
    {
        var body = n.AttrsAs<LoopAttrs>().Body!;
        var nCarried = n.Inputs.Length - 2;
        if (body.Outputs.Length != nCarried + 1) throw Unsupported(n, $"{body.Outputs.Length - 1 - nCarried} scan output(s) (only loop-carried values are supported)");
        if (body.Inputs.Length != nCarried + 2) throw Unsupported(n, "a body whose inputs do not match (iter, cond, carried…)");
        var i64 = DataType.Int64;
        var max = n.Input(0).IsPresent ? ScalarOf(n, X(n, 0)) : Const(Tensor.Scalar(i64, long.MaxValue));
        // torch.onnx exports a float trip count for `range(int(float_expr))` loops; ONNX says int64, so cast (truncation).
        if (DTypeOf(max) is { } mdt && mdt != i64) max = Op(n, "cast", new R.CastAttrs { Dtype = "int64" }, max);
        var cond0 = n.Input(1).IsPresent ? ScalarOf(n, X(n, 1)) : Const(Tensor.Scalar(DataType.Bool, 1));
        var init = Enumerable.Range(0, nCarried).Select(i => X(n, 2 + i)).ToList();
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
        RelayType T(Expr e) => _types[e];
        var pIter = new Var("iter", TensorType.Scalar(i64));
        var pMax = new Var("max_trip", TensorType.Scalar(i64));
        var pCond = new Var("cond", TensorType.Scalar(DataType.Bool));
        var pCarried = init.Select((e, i) => new Var(body.Inputs[2 + i].Name, T(e))).ToList();
        var pCaptured = capturedExprs.Select((e, i) => new Var(captured[i], T(e))).ToList();
        var ps = new List<Var> { pIter, pMax, pCond };
        ps.AddRange(pCarried);
        ps.AddRange(pCaptured);
        foreach (var p in ps) _types[p] = p.TypeAnnotation!;
        var retType = new TupleType([.. pCarried.Select(p => p.TypeAnnotation!)]);
        var gv = new GlobalVar($"loop_{_extraFunctions.Count}");
        _types[gv] = new FuncType([.. ps.Select(p => p.TypeAnnotation!)], retType, []);

        PushScope();
        Expr thenExpr;
        try
        {
            for (var i = 0; i < captured.Count; i++) Set(captured[i], pCaptured[i]);
            Set(body.Inputs[0].Name, pIter);
            Set(body.Inputs[1].Name, pCond);
            for (var i = 0; i < nCarried; i++) Set(body.Inputs[2 + i].Name, pCarried[i]);
            foreach (var (name, t) in body.Initializers) SetConst(name, t);
            EmitNodes(Canonicalize(body));
            var outs = body.Outputs.Select(o => X(o.Name, n)).ToList();
            var args = new List<Expr> { Op(n, "add", null, pIter, Const(Tensor.Scalar(i64, 1))), pMax, ScalarOf(n, outs[0]) };
            args.AddRange(outs.Skip(1));
            args.AddRange(pCaptured);
            thenExpr = new Call(gv, [.. args], DictAttrs.Empty, [], n.Loc);
            _types[thenExpr] = retType;
        }
        finally { PopScope(); }
        var go = Op(n, "logical_and", null, Op(n, "less", null, pIter, pMax), pCond);
        var elseExpr = Tup(pCarried);
        var fn = new Function([.. ps], new If(go, thenExpr, elseExpr, n.Loc), retType, [], DictAttrs.Empty, n.Loc);
        _extraFunctions.Add((gv, fn));
        var callArgs = new List<Expr> { Const(Tensor.Scalar(i64, 0)), max, cond0 };
        callArgs.AddRange(init);
        callArgs.AddRange(capturedExprs);
        var call = new Call(gv, [.. callArgs], DictAttrs.Empty, [], n.Loc);
        _types[call] = retType;
        for (var i = 0; i < nCarried; i++) Out(n, Item(call, i), i);
    }

    /// <summary>LSTM / GRU / RNN unrolled over the static sequence length (default activations; no clip, peepholes or sequence_lens).</summary>
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
        var seq = xs[seqAxis].AsConst ?? throw Unsupported(n, "a dynamic sequence length (unrolling needs it static)");
        var hidden = a.HiddenSize ?? throw Unsupported(n, "unknown hidden_size");
        Expr Take(Expr t, long i, int axis) => Op(n, "take", new R.TakeAttrs { Axis = axis, Mode = "clip" }, t, Const(Tensor.Scalar(DataType.Int64, i)));
        Expr Add(Expr p, Expr q) => Op(n, "add", null, p, q);
        Expr Mul(Expr p, Expr q) => Op(n, "multiply", null, p, q);
        Expr Slice1(Expr t, long b, long e) => Op(n, "strided_slice", new R.StridedSliceAttrs { Begin = VA([b]), End = VA([e]), Strides = VA([1]), Axes = VA([1]) }, t);
        List<Expr> Split(Expr t, int parts, long size)
        {
            var s = Op(n, "split", new R.SplitAttrs { IndicesOrSections = new ValueArray<object?>([.. Enumerable.Range(1, parts - 1).Select(i => (object?)(i * size))]), Axis = 1 }, t);
            return [.. Enumerable.Range(0, parts).Select(i => Item(s, i))];
        }
        var X0 = X(n, 0);
        var dirs = (int)a.NumDirections;
        var ys = new List<Expr>(); var hs = new List<Expr>(); var cs = new List<Expr>();
        for (var d = 0; d < dirs; d++)
        {
            var reverse = a.Direction == "reverse" || d == 1;
            var W = Take(X(n, 1), d, 0); var Rw = Take(X(n, 2), d, 0);
            Expr? wb = null, rb = null;
            if (n.Input(3).IsPresent)
            {
                var bd = Take(X(n, 3), d, 0);
                wb = Op(n, "strided_slice", new R.StridedSliceAttrs { Begin = VA([0]), End = VA([gates * hidden]), Strides = VA([1]), Axes = VA([0]) }, bd);
                rb = Op(n, "strided_slice", new R.StridedSliceAttrs { Begin = VA([gates * hidden]), End = VA([2 * gates * hidden]), Strides = VA([1]), Axes = VA([0]) }, bd);
            }
            // nn.dense(x, W) = x·Wᵀ: ONNX W is already [gates·hidden, input].
            var zeros = Op(n, "zeros_like", null, Slice1(Op(n, "nn.dense", new R.DenseAttrs(), Take(X0, 0, seqAxis), W), 0, hidden));
            Expr h = n.Input(5).IsPresent ? Take(X(n, 5), d, 0) : zeros;
            Expr c = kind == "LSTM" && n.Input(6).IsPresent ? Take(X(n, 6), d, 0) : zeros;
            var steps = new Expr[seq];
            for (var s = 0; s < seq; s++)
            {
                var t = reverse ? seq - 1 - s : s;
                Expr xw = Op(n, "nn.dense", new R.DenseAttrs(), Take(X0, t, seqAxis), W);
                if (wb is not null) xw = Add(xw, wb);
                Expr hr = Op(n, "nn.dense", new R.DenseAttrs(), h, Rw);
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
                            var rh = Op(n, "strided_slice", new R.StridedSliceAttrs { Begin = VA([2 * hidden]), End = VA([3 * hidden]), Strides = VA([1]), Axes = VA([0]) }, Rw);
                            Expr rr = Op(n, "nn.dense", new R.DenseAttrs(), Mul(r, h), rh);
                            if (rb is not null) rr = Add(rr, Op(n, "strided_slice", new R.StridedSliceAttrs { Begin = VA([2 * hidden]), End = VA([3 * hidden]), Strides = VA([1]), Axes = VA([0]) }, rb));
                            hh = Op(n, "tanh", null, Add(xg[2], rr));
                        }
                        h = Add(Mul(Op(n, "subtract", null, Const(Tensor.Scalar(DTypeOfValue(n, 0), 1)), z), hh), Mul(z, h));
                        break;
                    }
                    default:
                        h = Op(n, "tanh", null, Add(xw, hr));
                        break;
                }
                steps[t] = h;
            }
            ys.Add(Op(n, "stack", new R.StackAttrs { Axis = 0 }, Tup(steps)));
            hs.Add(h); cs.Add(c);
        }
        var Y = Op(n, "stack", new R.StackAttrs { Axis = 1 }, Tup(ys));
        var Yh = Op(n, "stack", new R.StackAttrs { Axis = 0 }, Tup(hs));
        var Yc = Op(n, "stack", new R.StackAttrs { Axis = 0 }, Tup(cs));
        if (a.Layout != 0)
        {
            Y = Op(n, "transpose", new R.TransposeAttrs { Axes = VA([2, 0, 1, 3]) }, Y);
            Yh = Op(n, "transpose", new R.TransposeAttrs { Axes = VA([1, 0, 2]) }, Yh);
            Yc = Op(n, "transpose", new R.TransposeAttrs { Axes = VA([1, 0, 2]) }, Yc);
        }
        Out(n, Y, 0);
        Out(n, Yh, 1);
        if (kind == "LSTM") Out(n, Yc, 2);
    }
}

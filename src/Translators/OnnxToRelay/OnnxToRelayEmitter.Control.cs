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
        var captured = CapturedOuterValues(body);
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
}

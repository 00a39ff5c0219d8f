using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;
using Bridge.Ir.Relax;

namespace Bridge.Translators.OnnxToRelax;

/// <summary>
/// A minimal Relax block builder for the emitter: every call gets its struct info from the op registry when created
/// (TVM's <c>BlockBuilder.normalize</c>) and is bound to a fresh var in the current block (a dataflow block unless control
/// flow forces plain bindings, as TVM's frontend does). Names are made unique per function.
/// </summary>
internal sealed class RelaxEmitBuilder
{
    private readonly Stack<(List<Binding> Bindings, bool Dataflow)> _blocks = new();
    private readonly Dictionary<string, int> _names;

    public RelaxEmitBuilder(bool dataflow, Dictionary<string, int>? names = null)
    {
        _names = names ?? new(StringComparer.Ordinal);
        _blocks.Push(([], dataflow));
    }

    public bool IsDataflow => _blocks.Peek().Dataflow;
    public Dictionary<string, int> NameTable => _names;

    public string Fresh(string hint)
    {
        var id = Onnx.Names.Identifier(hint);
        if (!_names.TryGetValue(id, out var n)) { _names[id] = 1; return id; }
        string cand;
        do { cand = $"{id}_{n++}"; } while (_names.ContainsKey(cand));
        _names[id] = n;
        _names[cand] = 1;
        return cand;
    }

    /// <summary>Binds <paramref name="value"/> (its struct info already set) to a new var.</summary>
    public Var Emit(Expr value, string hint = "lv", SourceLoc? loc = null, bool output = false)
    {
        var info = value.Info ?? throw new BridgeInternalError("emitting an expression without struct info");
        var (bindings, dataflow) = _blocks.Peek();
        var name = Fresh(hint);
        Var v = dataflow && !output ? new DataflowVar(name, info, loc) : new Var(name, info, loc);
        bindings.Add(new VarBinding(v, value, loc));
        return v;
    }

    /// <summary>
    /// <c>R.match_cast(value, target)</c> bound to a new var: introduces the target's fresh symbolic vars (TVM's frontend does
    /// this after <c>R.tensor_to_shape</c> so that shapes computed at run time have names later struct info can use).
    /// </summary>
    public Var MatchCast(Expr value, StructInfo target, string hint, SourceLoc? loc = null)
    {
        var (bindings, dataflow) = _blocks.Peek();
        var name = Fresh(hint);
        Var v = dataflow ? new DataflowVar(name, target, loc) : new Var(name, target, loc);
        bindings.Add(new MatchCast(v, value, target, loc));
        return v;
    }

    /// <summary>A call of a registered Relax op with its struct info inferred.</summary>
    public static Call MakeCall(string op, Attrs? attrs, SourceLoc loc, params Expr[] args)
    {
        var def = OpRegistry.Find(Dialect.Relax, "relax." + op) ?? throw new BridgeInternalError($"Relax op relax.{op} is not registered");
        var tmp = new Call(new OpRef(def), [.. args], attrs ?? def.DefaultAttrs, [], loc);
        var info = Infer.Call(tmp, new InferContext(loc));
        return new Call(tmp.Callee, tmp.Args, tmp.Attrs, [], loc) { Info = info };
    }

    public Var Call(string op, Attrs? attrs, SourceLoc loc, params Expr[] args) => Emit(MakeCall(op, attrs, loc, args), "lv", loc);

    public void BeginBlock(bool dataflow) => _blocks.Push(([], dataflow));

    public BindingBlock EndBlock()
    {
        var (b, df) = _blocks.Pop();
        return df ? new DataflowBlock([.. b]) : new BindingBlock([.. b]);
    }

    public static Constant Const(Tensor t) => new(t) { Info = new TensorSInfo(new Core.Collections.ValueArray<SymExpr>(t.Shape.Select(d => (SymExpr)d)), t.DType) };

    public static ShapeExpr Shape(IEnumerable<SymExpr> dims)
    {
        var d = dims.ToImmutableArray();
        return new ShapeExpr(d) { Info = new ShapeSInfo(new Core.Collections.ValueArray<SymExpr>(d)) };
    }

    public static TupleExpr Tuple(IEnumerable<Expr> fields)
    {
        var f = fields.ToImmutableArray();
        return new TupleExpr(f) { Info = new TupleSInfo(new Core.Collections.ValueArray<StructInfo>(f.Select(x => x.Info ?? StructInfo.Object))) };
    }

    public static TupleGetItem Item(Expr tuple, int i) =>
        new(tuple, i) { Info = tuple.Info is TupleSInfo t && i < t.Fields.Length ? t.Fields[i] : StructInfo.Object };
}

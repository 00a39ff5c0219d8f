using Bridge.Ir.Ops;

namespace Bridge.Ir.Relax;

/// <summary>
/// Base of every Relax expression. Nodes are immutable sealed classes with reference identity (STYLE 1); <see cref="Info"/> is
/// the struct info the builder or parser attached (null only before normalization).
/// </summary>
public abstract class Expr(SourceLoc? loc)
{
    public SourceLoc Loc { get; } = loc ?? SourceLoc.Unknown.Instance;
    public StructInfo? Info { get; init; }
}

/// <summary>A Relax variable (<c>relax.Var</c>). Identity matters: two vars named <c>x</c> are different vars.</summary>
public class Var : Expr
{
    public Var(string name, StructInfo? info, SourceLoc? loc = null) : base(loc)
    {
        Name = name;
        Info = info;
    }

    public string Name { get; }
    public override string ToString() => Name;
}

/// <summary>A variable bound inside a dataflow block that is not an output (<c>relax.DataflowVar</c>).</summary>
public sealed class DataflowVar(string name, StructInfo? info, SourceLoc? loc = null) : Var(name, info, loc);

/// <summary>A reference to a module-level function (<c>cls.f</c>, or a bare name such as <c>tir_func</c> in fragments).</summary>
public sealed class GlobalVar(string name, SourceLoc? loc = null) : Expr(loc)
{
    public string Name { get; } = name;
    public override string ToString() => "@" + Name;
}

/// <summary>An op used as a value (the callee of a <see cref="Call"/>).</summary>
public sealed class OpRef(OpDef op, SourceLoc? loc = null) : Expr(loc)
{
    public OpDef Op { get; } = op;
}

/// <summary>A call of an op (<see cref="Callee"/> is an <see cref="OpRef"/>) or of a function/closure/extern expression.</summary>
public sealed class Call(Expr callee, ImmutableArray<Expr> args, Attrs attrs, ImmutableArray<StructInfo> sinfoArgs, SourceLoc? loc = null) : Expr(loc)
{
    public Expr Callee { get; } = callee;
    public ImmutableArray<Expr> Args { get; } = args;
    public Attrs Attrs { get; } = attrs;
    /// <summary><c>sinfo_args</c> / <c>ty_args</c> (e.g. the <c>out_sinfo</c> of <c>call_tir</c>).</summary>
    public ImmutableArray<StructInfo> SInfoArgs { get; } = sinfoArgs.IsDefault ? [] : sinfoArgs;
    public OpDef? Op => (Callee as OpRef)?.Op;

    public Call Update(Expr callee, ImmutableArray<Expr> args) =>
        ReferenceEquals(callee, Callee) && args == Args ? this : new Call(callee, args, Attrs, SInfoArgs, Loc) { Info = Info };
}

/// <summary>A tensor constant (<c>R.const(...)</c> or a metadata constant).</summary>
public sealed class Constant(Tensor data, SourceLoc? loc = null) : Expr(loc)
{
    public Tensor Data { get; } = data;
}

/// <summary>A tuple construction <c>(a, b)</c>.</summary>
public sealed class TupleExpr(ImmutableArray<Expr> fields, SourceLoc? loc = null) : Expr(loc)
{
    public ImmutableArray<Expr> Fields { get; } = fields;
    public TupleExpr Update(ImmutableArray<Expr> fields) => fields == Fields ? this : new TupleExpr(fields, Loc) { Info = Info };
}

/// <summary>A tuple projection <c>t[i]</c>.</summary>
public sealed class TupleGetItem(Expr tuple, int index, SourceLoc? loc = null) : Expr(loc)
{
    public Expr Tuple { get; } = tuple;
    public int Index { get; } = index;
    public TupleGetItem Update(Expr t) => ReferenceEquals(t, Tuple) ? this : new TupleGetItem(t, Index, Loc) { Info = Info };
}

/// <summary>A shape value <c>R.shape([1, n])</c>.</summary>
public sealed class ShapeExpr(ImmutableArray<SymExpr> values, SourceLoc? loc = null) : Expr(loc)
{
    public ImmutableArray<SymExpr> Values { get; } = values;
}

/// <summary>
/// A primitive value (<c>R.prim_value(1)</c> ≤ v0.25, bare <c>1</c> / <c>T.float32(0.5)</c> / a symbolic var from v0.26).
/// Integer values are <see cref="IntValue"/> (possibly symbolic); float values <see cref="FloatValue"/>.
/// </summary>
public sealed class PrimValue(DataType dtype, SymExpr? intValue, double floatValue = 0, SourceLoc? loc = null) : Expr(loc)
{
    public DataType DType { get; } = dtype;
    public SymExpr? IntValue { get; } = intValue;
    public double FloatValue { get; } = floatValue;
    public static PrimValue Int64(SymExpr v, SourceLoc? loc = null) => new(DataType.Int64, v, 0, loc) { Info = new PrimSInfo(DataType.Int64, v) };
}

/// <summary>A string literal <c>R.str("...")</c>.</summary>
public sealed class StringImm(string value, SourceLoc? loc = null) : Expr(loc)
{
    public string Value { get; } = value;
}

/// <summary>A dtype literal <c>R.dtype("float32")</c>.</summary>
public sealed class DataTypeImm(DataType value, SourceLoc? loc = null) : Expr(loc)
{
    public DataType Value { get; } = value;
}

/// <summary>An if/else; each branch is a <see cref="SeqExpr"/>. Must be bound to a var, not inside a dataflow block.</summary>
public sealed class If(Expr cond, SeqExpr thenBranch, SeqExpr elseBranch, SourceLoc? loc = null) : Expr(loc)
{
    public Expr Cond { get; } = cond;
    public SeqExpr Then { get; } = thenBranch;
    public SeqExpr Else { get; } = elseBranch;
}

/// <summary>Blocks of bindings followed by a result expression (a function body, an if branch).</summary>
public sealed class SeqExpr(ImmutableArray<BindingBlock> blocks, Expr body, SourceLoc? loc = null) : Expr(loc)
{
    public ImmutableArray<BindingBlock> Blocks { get; } = blocks;
    public Expr Body { get; } = body;
    public SeqExpr Update(ImmutableArray<BindingBlock> blocks, Expr body) =>
        blocks == Blocks && ReferenceEquals(body, Body) ? this : new SeqExpr(blocks, body, Loc) { Info = Info };
}

/// <summary>An extern (packed) function by symbol (<c>R.ExternFunc("name")</c>).</summary>
public sealed class ExternFunc(string globalSymbol, StructInfo? type = null, SourceLoc? loc = null) : Expr(loc)
{
    public string GlobalSymbol { get; } = globalSymbol;
    /// <summary>The explicit struct info printed as second argument (v0.24+), or null for the default opaque one.</summary>
    public StructInfo? Type { get; } = type;
}

/// <summary>A Relax function.</summary>
public sealed class Function(ImmutableArray<Var> parameters, SeqExpr body, StructInfo? retInfo, bool isPure,
    ImmutableArray<KeyValuePair<string, object>> attrs, SourceLoc? loc = null) : Expr(loc)
{
    public ImmutableArray<Var> Params { get; } = parameters;
    public SeqExpr Body { get; } = body;
    public StructInfo? RetInfo { get; } = retInfo;
    public bool IsPure { get; } = isPure;
    /// <summary>Function attributes sorted by key (values: long, double, bool, string, <see cref="ImmutableArray{Object}"/>, nested attrs as <see cref="ImmutableArray{T}"/> of pairs).</summary>
    public ImmutableArray<KeyValuePair<string, object>> Attrs { get; } = attrs.IsDefault ? [] : [.. attrs.OrderBy(k => k.Key, StringComparer.Ordinal)];
    public string? GlobalSymbol => Attrs.FirstOrDefault(k => k.Key == "global_symbol").Value as string;
    public bool IsPrivate => GlobalSymbol is null;
    public Function UpdateBody(SeqExpr body) => ReferenceEquals(body, Body) ? this : new Function(Params, body, RetInfo, IsPure, Attrs, Loc) { Info = Info };
    public FuncSInfo Signature => new(new Core.Collections.ValueArray<StructInfo>(Params.Select(p => p.Info ?? StructInfo.Object)), RetInfo ?? Body.Info ?? StructInfo.Object, IsPure);
}

/// <summary>A binding inside a block.</summary>
public abstract class Binding(Var var, Expr value, SourceLoc? loc)
{
    public Var Var { get; } = var;
    public Expr Value { get; } = value;
    public SourceLoc Loc { get; } = loc ?? SourceLoc.Unknown.Instance;
}

/// <summary><c>var: ann = value</c>.</summary>
public sealed class VarBinding(Var var, Expr value, SourceLoc? loc = null) : Binding(var, value, loc);

/// <summary><c>var = R.match_cast(value, info)</c>: checks at run time and binds the symbolic vars of <see cref="Target"/>.</summary>
public sealed class MatchCast(Var var, Expr value, StructInfo target, SourceLoc? loc = null) : Binding(var, value, loc)
{
    public StructInfo Target { get; } = target;
}

/// <summary>A plain binding block.</summary>
public class BindingBlock(ImmutableArray<Binding> bindings, SourceLoc? loc = null)
{
    public ImmutableArray<Binding> Bindings { get; } = bindings;
    public SourceLoc Loc { get; } = loc ?? SourceLoc.Unknown.Instance;
    public virtual bool IsDataflow => false;
}

/// <summary>A dataflow block (<c>with R.dataflow():</c>): pure, its <see cref="DataflowVar"/>s do not escape.</summary>
public sealed class DataflowBlock(ImmutableArray<Binding> bindings, SourceLoc? loc = null) : BindingBlock(bindings, loc)
{
    public override bool IsDataflow => true;
}

using Bridge.Ir.Ops;

namespace Bridge.Ir.Relay;

/// <summary>Base of Relay expressions: sealed node classes with reference identity, a source location and an optional checked type.</summary>
public abstract class Expr(SourceLoc? loc)
{
    public SourceLoc Loc { get; } = loc ?? SourceLoc.Unknown.Instance;
    /// <summary>The type inferred by <see cref="RelayTypeInference"/> (null before inference). Set once per node.</summary>
    public RelayType? CheckedType { get; internal set; }
    /// <summary>A frontend span name printed as a comment (<c>/* moments/mean */</c>), kept for the printer.</summary>
    public string? SpanName { get; init; }
}

/// <summary>A local variable (<c>%x</c>); identity is the binding, the name is only a hint.</summary>
public sealed class Var(string name, RelayType? annotation, SourceLoc? loc = null) : Expr(loc)
{
    public string Name { get; } = name;
    public RelayType? TypeAnnotation { get; } = annotation;
    /// <summary>Key/value annotations written in braces after the name (<c>{virtual_device=...}</c>).</summary>
    public ImmutableDictionary<string, object?> Annotations { get; init; } = ImmutableDictionary<string, object?>.Empty;
}

/// <summary>A global function name (<c>@f</c>), shared per module.</summary>
public sealed class GlobalVar(string name, SourceLoc? loc = null) : Expr(loc)
{
    public string Name { get; } = name;
}

/// <summary>A constant: a tensor value, or only its type when the meta table gives types but no values.</summary>
public sealed class Constant : Expr
{
    public Constant(Tensor value, SourceLoc? loc = null) : base(loc)
    {
        Value = value;
        Type = new TensorType([.. value.Shape.Select(d => (Core.Shapes.SymExpr)d)], value.DType);
    }

    public Constant(TensorType type, SourceLoc? loc = null) : base(loc) => Type = type;

    /// <summary>
    /// A <c>meta[relay.Constant][i]</c> reference with no table entry: neither value nor type is known. Type inference
    /// may infer its type from context; otherwise it reports the reference and its line.
    /// </summary>
    public static Constant UnresolvedMeta(int index, SourceLoc loc) =>
        new(new TensorType([], Core.Tensors.DataType.Void), loc) { MetaIndex = index, IsUnresolvedMeta = true };

    public bool IsUnresolvedMeta { get; private init; }

    /// <summary>The tensor, or null for a types-only meta-table constant.</summary>
    public Tensor? Value { get; }
    public TensorType Type { get; }
    /// <summary>Index into the meta table when this constant came from (or prints as) <c>meta[relay.Constant][i]</c>.</summary>
    public int? MetaIndex { get; init; }
    public bool IsScalar => Type.Rank == 0;
}

/// <summary>A reference to a registered Relay operator.</summary>
public sealed class OpRef(OpDef op, SourceLoc? loc = null) : Expr(loc)
{
    public OpDef Op { get; } = op;
    public string Name => Op.Name;
}

/// <summary>A call of an op, function, global, constructor or closure.</summary>
public sealed class Call(Expr callee, ImmutableArray<Expr> args, Attrs attrs, ImmutableArray<RelayType> typeArgs, SourceLoc? loc = null) : Expr(loc)
{
    public Expr Callee { get; } = callee;
    public ImmutableArray<Expr> Args { get; } = args;
    /// <summary>The op's typed record, <see cref="NoAttrs"/>, or <see cref="DictAttrs"/> for closure calls.</summary>
    public Attrs Attrs { get; } = attrs;
    public ImmutableArray<RelayType> TypeArgs { get; } = typeArgs;
    public OpDef? Op => (Callee as OpRef)?.Op;

    public Call Update(Expr callee, ImmutableArray<Expr> args) =>
        ReferenceEquals(callee, Callee) && args == Args ? this : new Call(callee, args, Attrs, TypeArgs, Loc) { SpanName = SpanName };
}

/// <summary>Attributes of a non-op call or a function: an ordered string-keyed dictionary (TVM DictAttrs).</summary>
public sealed record DictAttrs(ImmutableArray<KeyValuePair<string, object?>> Entries) : Attrs
{
    public static readonly DictAttrs Empty = new(ImmutableArray<KeyValuePair<string, object?>>.Empty);
    public object? this[string key] => Entries.FirstOrDefault(e => e.Key == key).Value;
    public bool Contains(string key) => Entries.Any(e => e.Key == key);
    public bool Equals(DictAttrs? other) => other is not null && Entries.Length == other.Entries.Length &&
        Entries.Zip(other.Entries).All(p => p.First.Key == p.Second.Key && AttrValues.Equal(p.First.Value, p.Second.Value));
    public override int GetHashCode() => Entries.Length;
}

/// <summary><c>(a, b, ...)</c>.</summary>
public sealed class Tuple(ImmutableArray<Expr> fields, SourceLoc? loc = null) : Expr(loc)
{
    public ImmutableArray<Expr> Fields { get; } = fields;
    public Tuple Update(ImmutableArray<Expr> fields) => fields == Fields ? this : new Tuple(fields, Loc) { SpanName = SpanName };
}

/// <summary><c>t.N</c>.</summary>
public sealed class TupleGetItem(Expr tuple, int index, SourceLoc? loc = null) : Expr(loc)
{
    public Expr TupleValue { get; } = tuple;
    public int Index { get; } = index;
    public TupleGetItem Update(Expr t) => ReferenceEquals(t, TupleValue) ? this : new TupleGetItem(t, Index, Loc) { SpanName = SpanName };
}

/// <summary><c>let %x = value; body</c>.</summary>
public sealed class Let(Var var, Expr value, Expr body, SourceLoc? loc = null) : Expr(loc)
{
    public Var Var { get; } = var;
    public Expr Value { get; } = value;
    public Expr Body { get; } = body;
    public Let Update(Expr value, Expr body) => ReferenceEquals(value, Value) && ReferenceEquals(body, Body) ? this : new Let(Var, value, body, Loc);
}

/// <summary><c>if (c) { t } else { f }</c>.</summary>
public sealed class If(Expr cond, Expr then, Expr @else, SourceLoc? loc = null) : Expr(loc)
{
    public Expr Cond { get; } = cond;
    public Expr Then { get; } = then;
    public Expr Else { get; } = @else;
    public If Update(Expr c, Expr t, Expr e) => ReferenceEquals(c, Cond) && ReferenceEquals(t, Then) && ReferenceEquals(e, Else) ? this : new If(c, t, e, Loc);
}

/// <summary>A function literal (global definition body or closure).</summary>
public sealed class Function(ImmutableArray<Var> parameters, Expr body, RelayType? retType, ImmutableArray<TypeVar> typeParams,
    DictAttrs attrs, SourceLoc? loc = null) : Expr(loc)
{
    public ImmutableArray<Var> Params { get; } = parameters;
    public Expr Body { get; } = body;
    public RelayType? RetType { get; } = retType;
    public ImmutableArray<TypeVar> TypeParams { get; } = typeParams;
    public DictAttrs Attrs { get; } = attrs;
    public Function Update(Expr body) => ReferenceEquals(body, Body) ? this : new Function(Params, body, RetType, TypeParams, Attrs, Loc);
    public Function WithParams(ImmutableArray<Var> ps, Expr body) => new(ps, body, RetType, TypeParams, Attrs, Loc);
}

/// <summary>An ADT constructor (<c>Cons</c>); belongs to one <see cref="TypeData"/>.</summary>
public sealed class Constructor(string name, ImmutableArray<RelayType> inputs, GlobalTypeVar belongsTo, SourceLoc? loc = null) : Expr(loc)
{
    public string Name { get; } = name;
    public ImmutableArray<RelayType> Inputs { get; internal set; } = inputs;
    public GlobalTypeVar BelongsTo { get; } = belongsTo;
    /// <summary>Index of this constructor in its type's list.</summary>
    public int Tag { get; internal set; }
}

/// <summary><c>match (e) { clauses }</c>; <see cref="Complete"/> is false for <c>match?</c>.</summary>
public sealed class Match(Expr data, ImmutableArray<Clause> clauses, bool complete, SourceLoc? loc = null) : Expr(loc)
{
    public Expr Data { get; } = data;
    public ImmutableArray<Clause> Clauses { get; } = clauses;
    public bool Complete { get; } = complete;
}

/// <summary><c>pattern => rhs</c>.</summary>
public sealed record Clause(Pattern Lhs, Expr Rhs);

/// <summary>Base of match patterns.</summary>
public abstract record Pattern;
/// <summary><c>_</c>.</summary>
public sealed record PatternWildcard : Pattern { public static readonly PatternWildcard Instance = new(); }
/// <summary><c>%x</c> binding pattern.</summary>
public sealed record PatternVar(Var Var) : Pattern;
/// <summary><c>Cons(p1, p2)</c>.</summary>
public sealed record PatternConstructor(Constructor Constructor, ImmutableArray<Pattern> Patterns) : Pattern;
/// <summary><c>(p1, p2)</c>.</summary>
public sealed record PatternTuple(ImmutableArray<Pattern> Patterns) : Pattern;

/// <summary><c>ref(e)</c>.</summary>
public sealed class RefCreate(Expr value, SourceLoc? loc = null) : Expr(loc) { public Expr Value { get; } = value; }
/// <summary><c>ref_read(r)</c>.</summary>
public sealed class RefRead(Expr @ref, SourceLoc? loc = null) : Expr(loc) { public Expr Ref { get; } = @ref; }
/// <summary><c>ref_write(r, v)</c>.</summary>
public sealed class RefWrite(Expr @ref, Expr value, SourceLoc? loc = null) : Expr(loc)
{
    public Expr Ref { get; } = @ref;
    public Expr Value { get; } = value;
}

/// <summary>A metadata object that is not a constant (<c>meta[VirtualDevice][0]</c>), kept by key and index.</summary>
public sealed record MetaRef(string Key, int Index)
{
    public override string ToString() => $"meta[{Key}][{Index}]";
}

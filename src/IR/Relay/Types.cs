
namespace Bridge.Ir.Relay;

/// <summary>Base of Relay types. Types are immutable; equality of types is <see cref="RelayStructuralEqual"/>.</summary>
public abstract class RelayType
{
    public override string ToString() => Text.RelayTextWriter.PrintType(this);
}

/// <summary><c>Tensor[(d0, d1, ...), dtype]</c>; dims are <see cref="SymExpr"/> (<c>?</c> is <see cref="SymVar.Any"/>).</summary>
public sealed class TensorType(ImmutableArray<SymExpr> shape, DataType dtype) : RelayType
{
    public ImmutableArray<SymExpr> Shape { get; } = shape;
    public DataType DType { get; } = dtype;
    public int Rank => Shape.Length;
    public static TensorType Scalar(DataType dtype) => new([], dtype);
    public static TensorType Of(DataType dtype, params long[] dims) => new([.. dims.Select(d => (SymExpr)d)], dtype);
}

/// <summary>Tuple type <c>(T1, T2, ...)</c>; <c>()</c> is unit.</summary>
public sealed class TupleType(ImmutableArray<RelayType> fields) : RelayType
{
    public ImmutableArray<RelayType> Fields { get; } = fields;
    public static readonly TupleType Unit = new([]);
}

/// <summary>Function type <c>fn [T](A, B) -> C</c>.</summary>
public sealed class FuncType(ImmutableArray<RelayType> argTypes, RelayType retType, ImmutableArray<TypeVar> typeParams) : RelayType
{
    public ImmutableArray<RelayType> ArgTypes { get; } = argTypes;
    public RelayType RetType { get; } = retType;
    public ImmutableArray<TypeVar> TypeParams { get; } = typeParams;
}

/// <summary>Kind of a type variable.</summary>
public enum TypeKind { Type, ShapeVar, BaseType, Constraint, AdtHandle, TypeData }

/// <summary>A type variable (identity matters: two TypeVars named <c>A</c> are different).</summary>
public sealed class TypeVar(string name, TypeKind kind = TypeKind.Type) : RelayType
{
    public string Name { get; } = name;
    public TypeKind Kind { get; } = kind;
}

/// <summary>A global type variable naming an ADT (<c>List</c>).</summary>
public sealed class GlobalTypeVar(string name) : RelayType
{
    public string Name { get; } = name;
}

/// <summary>An ADT applied to type arguments: <c>List[int32]</c> (or a bare <c>Box</c>).</summary>
public sealed class TypeCall(RelayType func, ImmutableArray<RelayType> args) : RelayType
{
    public RelayType Func { get; } = func;
    public ImmutableArray<RelayType> Args { get; } = args;
}

/// <summary><c>_</c>: a type to be inferred.</summary>
public sealed class IncompleteType(TypeKind kind = TypeKind.Type) : RelayType
{
    public TypeKind Kind { get; } = kind;
}

/// <summary>Reference type <c>ref(T)</c>.</summary>
public sealed class RelayRefType(RelayType valueType) : RelayType
{
    public RelayType ValueType { get; } = valueType;
}

/// <summary>An ADT definition: <c>type List[A] { Cons(A, List[A]), Nil }</c>.</summary>
public sealed class TypeData(GlobalTypeVar header, ImmutableArray<TypeVar> typeParams, ImmutableArray<Constructor> constructors)
{
    public GlobalTypeVar Header { get; } = header;
    public ImmutableArray<TypeVar> TypeParams { get; } = typeParams;
    /// <summary>Constructors in declaration order; empty for <c>extern type</c>.</summary>
    public ImmutableArray<Constructor> Constructors { get; } = constructors;
    public bool IsExtern { get; init; }
}

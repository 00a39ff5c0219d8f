
namespace Bridge.Importers.TorchScript.Code;

// AST of the PythonPrint subset that torch.jit.save writes under code/ (spec frontends.md §3.6). Types are kept as
// expressions (List[int] is a subscript of the name List), as the TorchScript parser itself does.

/// <summary>A position in a code file (1-based line and column).</summary>
public readonly record struct TsPos(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>Base of code expressions.</summary>
public abstract record TsExpr(TsPos Pos);
/// <summary>A bare name (<c>x</c>, <c>torch</c>, <c>CONSTANTS</c>).</summary>
public sealed record TsName(string Id, TsPos Pos) : TsExpr(Pos);
/// <summary>A literal: long, double, string, bool or null (None).</summary>
public sealed record TsConst(object? Value, TsPos Pos) : TsExpr(Pos);
/// <summary>Attribute access <c>target.name</c>.</summary>
public sealed record TsAttribute(TsExpr Target, string Name, TsPos Pos) : TsExpr(Pos);
/// <summary>A keyword argument of a call.</summary>
public sealed record TsKeyword(string Name, TsExpr Value);
/// <summary>A call <c>fn(args, name=value)</c>.</summary>
public sealed record TsCall(TsExpr Function, ImmutableArray<TsExpr> Args, ImmutableArray<TsKeyword> Keywords, TsPos Pos) : TsExpr(Pos);
/// <summary>Subscript <c>target[index]</c> (the index may be a <see cref="TsSlice"/> or a tuple).</summary>
public sealed record TsSubscript(TsExpr Target, TsExpr Index, TsPos Pos) : TsExpr(Pos);
/// <summary>A slice <c>lo:hi:step</c> inside a subscript.</summary>
public sealed record TsSlice(TsExpr? Lower, TsExpr? Upper, TsExpr? Step, TsPos Pos) : TsExpr(Pos);
/// <summary>A tuple display <c>(a, b)</c>.</summary>
public sealed record TsTuple(ImmutableArray<TsExpr> Items, TsPos Pos) : TsExpr(Pos);
/// <summary>A list display <c>[a, b]</c>.</summary>
public sealed record TsList(ImmutableArray<TsExpr> Items, TsPos Pos) : TsExpr(Pos);
/// <summary>A dict display <c>{k: v}</c>.</summary>
public sealed record TsDict(ImmutableArray<(TsExpr Key, TsExpr Value)> Items, TsPos Pos) : TsExpr(Pos);
/// <summary>A binary operation, comparison or boolean operator (<c>+ - * / // % ** &amp; | ^ &lt;&lt; &gt;&gt; == != &lt; &lt;= &gt; &gt;= is is_not in not_in and or</c>).</summary>
public sealed record TsBinary(string Op, TsExpr Left, TsExpr Right, TsPos Pos) : TsExpr(Pos);
/// <summary>A unary operation (<c>- + ~ not</c>).</summary>
public sealed record TsUnary(string Op, TsExpr Operand, TsPos Pos) : TsExpr(Pos);
/// <summary><c>a if cond else b</c>.</summary>
public sealed record TsConditional(TsExpr Condition, TsExpr Then, TsExpr Else, TsPos Pos) : TsExpr(Pos);

/// <summary>Base of code statements.</summary>
public abstract record TsStmt(TsPos Pos);
/// <summary>
/// <c>targets = value</c>; <c>a, b, = value</c> has two targets and <see cref="Unpack"/> set; <c>x : T = value</c> carries an
/// annotation; <c>name : T</c> alone (class attribute slots) has a null value.
/// </summary>
public sealed record TsAssign(ImmutableArray<TsExpr> Targets, bool Unpack, TsExpr? Annotation, TsExpr? Value, TsPos Pos) : TsStmt(Pos);
/// <summary><c>x += v</c> and friends.</summary>
public sealed record TsAugAssign(TsExpr Target, string Op, TsExpr Value, TsPos Pos) : TsStmt(Pos);
/// <summary>A bare expression statement (calls such as <c>ops.prim.RaiseException(...)</c>).</summary>
public sealed record TsExprStmt(TsExpr Value, TsPos Pos) : TsStmt(Pos);
/// <summary><c>return [value]</c>.</summary>
public sealed record TsReturn(TsExpr? Value, TsPos Pos) : TsStmt(Pos);
/// <summary><c>if cond: ... else: ...</c> (<c>elif</c> becomes a nested if in the else branch).</summary>
public sealed record TsIf(TsExpr Condition, ImmutableArray<TsStmt> Then, ImmutableArray<TsStmt> Else, TsPos Pos) : TsStmt(Pos);
/// <summary><c>for target in iter: body</c>.</summary>
public sealed record TsFor(TsExpr Target, TsExpr Iterable, ImmutableArray<TsStmt> Body, TsPos Pos) : TsStmt(Pos);
/// <summary><c>while cond: body</c>.</summary>
public sealed record TsWhile(TsExpr Condition, ImmutableArray<TsStmt> Body, TsPos Pos) : TsStmt(Pos);
/// <summary><c>with ctx as name: body</c>.</summary>
public sealed record TsWith(TsExpr Context, TsExpr? Alias, ImmutableArray<TsStmt> Body, TsPos Pos) : TsStmt(Pos);
/// <summary><c>pass</c>, <c>break</c> or <c>continue</c>.</summary>
public sealed record TsSimple(string Keyword, TsPos Pos) : TsStmt(Pos);
/// <summary><c>raise expr</c>.</summary>
public sealed record TsRaise(TsExpr? Value, TsPos Pos) : TsStmt(Pos);
/// <summary><c>assert cond[, msg]</c>.</summary>
public sealed record TsAssert(TsExpr Condition, TsExpr? Message, TsPos Pos) : TsStmt(Pos);
/// <summary>A nested <c>def</c> (fork closures).</summary>
public sealed record TsDefStmt(TsFunctionDef Function, TsPos Pos) : TsStmt(Pos);

/// <summary>A function parameter <c>name: Type = default</c>.</summary>
public sealed record TsParam(string Name, TsExpr? Type, TsExpr? Default);

/// <summary>A <c>def</c>: method or free function.</summary>
public sealed record TsFunctionDef(string Name, ImmutableArray<TsParam> Params, TsExpr? Returns, ImmutableArray<TsStmt> Body, TsPos Pos);

/// <summary>
/// A <c>class</c> of the serialized code. For modules: <see cref="Parameters"/> and <see cref="Buffers"/> from
/// <c>__parameters__</c>/<c>__buffers__</c>, the attribute slots in declaration order (<c>name : T</c>, including
/// <c>__annotations__["0"] = T</c> for non-identifier names) and <c>Final</c> constants.
/// </summary>
public sealed record TsClassDef(string Name, ImmutableArray<TsExpr> Bases, ImmutableArray<TsStmt> Body, TsPos Pos)
{
    public ImmutableArray<string> Parameters { get; init; } = [];
    public ImmutableArray<string> Buffers { get; init; } = [];
    public ImmutableArray<(string Name, TsExpr Type)> Slots { get; init; } = [];
    public ImmutableArray<TsFunctionDef> Methods { get; init; } = [];
    public TsFunctionDef? Method(string name) => Methods.FirstOrDefault(m => m.Name == name);
    public bool IsModule => Bases.Any(b => b is TsName { Id: "Module" });
}

/// <summary>One parsed file under <c>code/</c>.</summary>
public sealed record TsCodeFile(string Path, ImmutableArray<TsClassDef> Classes, ImmutableArray<TsFunctionDef> Functions);


namespace Bridge.Ir.Relax.Script;

// The Python-subset syntax tree TVMScript is written in. The Relax reader interprets it (RelaxScriptReader).

internal abstract record PyExpr(SourceLoc Loc);
internal sealed record PyName(string Id, SourceLoc Loc) : PyExpr(Loc);
internal sealed record PyAttr(PyExpr Obj, string Name, SourceLoc Loc) : PyExpr(Loc);
internal sealed record PyCall(PyExpr Func, ImmutableArray<PyExpr> Args, ImmutableArray<(string Name, PyExpr Value)> Kwargs, SourceLoc Loc) : PyExpr(Loc);
internal sealed record PyInt(long Value, SourceLoc Loc) : PyExpr(Loc);
internal sealed record PyFloat(double Value, SourceLoc Loc) : PyExpr(Loc);
internal sealed record PyStr(string Value, SourceLoc Loc) : PyExpr(Loc);
internal sealed record PyConst(string Id, SourceLoc Loc) : PyExpr(Loc); // True False None
internal sealed record PyTuple(ImmutableArray<PyExpr> Items, SourceLoc Loc) : PyExpr(Loc);
internal sealed record PyList(ImmutableArray<PyExpr> Items, SourceLoc Loc) : PyExpr(Loc);
internal sealed record PyDict(ImmutableArray<(PyExpr Key, PyExpr Value)> Items, SourceLoc Loc) : PyExpr(Loc);
internal sealed record PySubscript(PyExpr Obj, PyExpr Index, SourceLoc Loc) : PyExpr(Loc);
internal sealed record PyBin(string Op, PyExpr A, PyExpr B, SourceLoc Loc) : PyExpr(Loc);
internal sealed record PyNeg(PyExpr A, SourceLoc Loc) : PyExpr(Loc);

internal abstract record PyStmt(SourceLoc Loc);
internal sealed record PyAssign(PyExpr Target, PyExpr? Annotation, PyExpr? Value, SourceLoc Loc) : PyStmt(Loc);
internal sealed record PyExprStmt(PyExpr Value, SourceLoc Loc) : PyStmt(Loc);
internal sealed record PyWith(PyExpr Item, ImmutableArray<PyStmt> Body, SourceLoc Loc) : PyStmt(Loc);
internal sealed record PyIf(PyExpr Cond, ImmutableArray<PyStmt> Then, ImmutableArray<PyStmt> Else, SourceLoc Loc) : PyStmt(Loc);
internal sealed record PyReturn(PyExpr? Value, SourceLoc Loc) : PyStmt(Loc);
internal sealed record PyPass(SourceLoc Loc) : PyStmt(Loc);
internal sealed record PyDef(ImmutableArray<PyExpr> Decorators, string Name, ImmutableArray<(string Name, PyExpr? Ann, SourceLoc Loc)> Params,
    PyExpr? Ret, ImmutableArray<PyStmt> Body, ImmutableArray<string> TypeParams, SourceLoc Loc) : PyStmt(Loc);
internal sealed record PyClass(ImmutableArray<PyExpr> Decorators, string Name, ImmutableArray<PyStmt> Body, SourceLoc Loc) : PyStmt(Loc);
/// <summary>A verbatim TIR PrimFunc (captured by line range before tokenizing).</summary>
internal sealed record PyPrimFunc(string Name, string Text, SourceLoc Loc) : PyStmt(Loc);

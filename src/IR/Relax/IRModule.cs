
namespace Bridge.Ir.Relax;

/// <summary>A TIR PrimFunc carried verbatim (its decorator line through its last body line, dedented to column 0).</summary>
public sealed class PrimFuncText(string name, string text, SourceLoc? loc = null)
{
    public string Name { get; } = name;
    /// <summary>The source lines, starting with the <c>@T.prim_func...</c> decorator, with the class indentation removed.</summary>
    public string Text { get; } = text;
    public SourceLoc Loc { get; } = loc ?? SourceLoc.Unknown.Instance;
}

/// <summary>One module-level definition: a Relax <see cref="Function"/>, an <see cref="ExternFunc"/> or a <see cref="PrimFuncText"/>.</summary>
public sealed record ModuleEntry(GlobalVar Var, object Value)
{
    public string Name => Var.Name;
    public Function? Function => Value as Function;
    public ExternFunc? Extern => Value as ExternFunc;
    public PrimFuncText? PrimFunc => Value as PrimFuncText;
}

/// <summary>A Relax IRModule: definitions in source order (the printer sorts them as TVM does).</summary>
public sealed class IRModule(string name, ImmutableArray<ModuleEntry> entries, SourceLoc? loc = null)
{
    /// <summary>The class name (<c>Module</c>).</summary>
    public string Name { get; } = name;
    public ImmutableArray<ModuleEntry> Entries { get; } = entries;
    public SourceLoc Loc { get; } = loc ?? SourceLoc.Unknown.Instance;
    /// <summary>True when read from a stand-alone <c>@R.function</c> (printed without the module wrapper).</summary>
    public bool IsStandaloneFunction { get; init; }

    public IEnumerable<(GlobalVar Var, Function Function)> Functions =>
        Entries.Where(e => e.Function is not null).Select(e => (e.Var, e.Function!));

    public ModuleEntry? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);

    public IRModule WithEntries(ImmutableArray<ModuleEntry> entries) => entries == Entries ? this : new IRModule(Name, entries, Loc);
}

/// <summary>
/// What a TVMScript file holds: a module, a standalone <c>@R.function</c>, or a printer fragment (free vars, bindings and an
/// optional result expression, as printed for a single binding block or expression), or a struct-info repr.
/// </summary>
public sealed class RelaxFragment(ImmutableArray<Var> freeVars, ImmutableArray<BindingBlock> blocks, Expr? result, StructInfo? structInfo = null)
{
    public ImmutableArray<Var> FreeVars { get; } = freeVars;
    public ImmutableArray<BindingBlock> Blocks { get; } = blocks;
    public Expr? Result { get; } = result;
    /// <summary>Set when the fragment is a bare struct-info repr (<c>R.Tensor(...)</c>).</summary>
    public StructInfo? StructInfo { get; } = structInfo;
}

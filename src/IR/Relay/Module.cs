
namespace Bridge.Ir.Relay;

/// <summary>A Relay module: global functions (in definition order) and ADT definitions.</summary>
public sealed class IRModule
{
    private readonly List<(GlobalVar Var, Function Func)> _functions = [];
    private readonly List<TypeData> _types = [];

    public IReadOnlyList<(GlobalVar Var, Function Func)> Functions => _functions;
    public IReadOnlyList<TypeData> TypeDefinitions => _types;
    /// <summary>The metadata objects (<c>meta[key][i]</c>) this module's text referred to, by key.</summary>
    public MetaTable? Meta { get; set; }

    public GlobalVar? FindGlobal(string name) => _functions.FirstOrDefault(f => f.Var.Name == name).Var;
    public Function? Lookup(GlobalVar gv) => _functions.FirstOrDefault(f => ReferenceEquals(f.Var, gv)).Func;
    public Function? Lookup(string name) => _functions.FirstOrDefault(f => f.Var.Name == name).Func;
    public TypeData? FindType(string name) => _types.FirstOrDefault(t => t.Header.Name == name);
    public TypeData? FindType(GlobalTypeVar gtv) => _types.FirstOrDefault(t => ReferenceEquals(t.Header, gtv));

    public Constructor? FindConstructor(string name)
    {
        foreach (var t in _types) foreach (var c in t.Constructors) if (c.Name == name) return c;
        return null;
    }

    /// <summary>Adds or replaces a function.</summary>
    public void Add(GlobalVar gv, Function f)
    {
        var i = _functions.FindIndex(p => ReferenceEquals(p.Var, gv));
        if (i >= 0) _functions[i] = (gv, f); else _functions.Add((gv, f));
    }

    public void AddType(TypeData td)
    {
        var i = _types.FindIndex(t => ReferenceEquals(t.Header, td.Header));
        if (i >= 0) _types[i] = td; else _types.Add(td);
    }

    /// <summary>A shallow copy (same nodes) that can be extended without changing this module.</summary>
    public IRModule Clone()
    {
        var m = new IRModule { Meta = Meta };
        m._functions.AddRange(_functions);
        m._types.AddRange(_types);
        return m;
    }

    public ImmutableArray<GlobalVar> GlobalVars => [.. _functions.Select(f => f.Var)];
}

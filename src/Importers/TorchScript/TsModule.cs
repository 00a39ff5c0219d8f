using Bridge.Importers.TorchScript.Code;
using Bridge.Importers.TorchScript.Pickle;

namespace Bridge.Importers.TorchScript;

/// <summary>
/// One module of the <c>__torch__</c> hierarchy: its class (qualified name and parsed definition), parameters, buffers,
/// submodules and plain attributes, in slot order (the order <c>data.pkl</c> wrote them, which is the class annotation
/// order). <see cref="Path"/> is the dotted path from the root (<c>layer1.0.conv1</c>), empty for the root.
/// </summary>
public sealed class TsModule
{
    private TsModule(string path, TsObject obj, TsClassDef? cls)
    {
        Path = path;
        Object = obj;
        Class = cls;
    }

    public string Path { get; }
    public TsObject Object { get; }
    public string QualifiedName => Object.QualifiedName;
    /// <summary>The class name without qualifier and mangling (<c>Conv2d</c>).</summary>
    public string TypeName => QualifiedName[(QualifiedName.LastIndexOf('.') + 1)..];
    /// <summary>The parsed class from <c>code/</c>; null when the archive lacks its code file.</summary>
    public TsClassDef? Class { get; }
    public ImmutableArray<(string Name, TorchTensor Tensor)> Parameters { get; private set; } = [];
    public ImmutableArray<(string Name, TorchTensor Tensor)> Buffers { get; private set; } = [];
    public ImmutableArray<(string Name, TsModule Module)> Submodules { get; private set; } = [];
    /// <summary>Every other slot (training flags, ints, lists, tensors not declared as parameter/buffer, objects that are not modules).</summary>
    public ImmutableArray<(string Name, object? Value)> Attributes { get; private set; } = [];

    /// <summary>The module's <c>forward</c>, if its class is known.</summary>
    public TsFunctionDef? Forward => Class?.Method("forward");

    /// <summary>Walks this module and all submodules, pre-order.</summary>
    public IEnumerable<TsModule> Descendants()
    {
        yield return this;
        foreach (var (_, m) in Submodules)
            foreach (var d in m.Descendants()) yield return d;
    }

    /// <summary>All parameters of the tree with dotted names (<c>layer1.0.conv1.weight</c>).</summary>
    public IEnumerable<(string Name, TorchTensor Tensor)> AllParameters() =>
        Descendants().SelectMany(m => m.Parameters.Select(p => (Join(m.Path, p.Name), p.Tensor)));

    /// <summary>All buffers of the tree with dotted names.</summary>
    public IEnumerable<(string Name, TorchTensor Tensor)> AllBuffers() =>
        Descendants().SelectMany(m => m.Buffers.Select(p => (Join(m.Path, p.Name), p.Tensor)));

    /// <summary>Finds a submodule by dotted path relative to this one; null when absent.</summary>
    public TsModule? Find(string dotted)
    {
        var m = this;
        foreach (var part in dotted.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            m = m.Submodules.FirstOrDefault(s => s.Name == part).Module;
            if (m is null) return null;
        }
        return m;
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : a + "." + b;

    internal static TsModule Build(TorchScriptArchive archive, TsObject obj, string path) => Build(archive, obj, path, 0);

    private static TsModule Build(TorchScriptArchive archive, TsObject obj, string path, int depth)
    {
        var loc = archive.EntryLoc("data.pkl");
        if (depth > 256)
            throw new BridgeException(TorchScriptDiagnosticIds.BadModuleObject, loc, $"module tree deeper than 256 levels at '{path}'");
        var cls = archive.FindClass(obj.QualifiedName);
        var m = new TsModule(path, obj, cls);
        if (obj.State is not PyDict slots)
        {
            // __getstate__ objects keep their state opaque; they still appear in the tree.
            m.Attributes = obj.State is null ? [] : [("__state__", obj.State)];
            return m;
        }
        var paramNames = cls?.Parameters.ToHashSet(StringComparer.Ordinal) ?? [];
        var bufferNames = cls?.Buffers.ToHashSet(StringComparer.Ordinal) ?? [];
        var ps = ImmutableArray.CreateBuilder<(string, TorchTensor)>();
        var bs = ImmutableArray.CreateBuilder<(string, TorchTensor)>();
        var subs = ImmutableArray.CreateBuilder<(string, TsModule)>();
        var attrs = ImmutableArray.CreateBuilder<(string, object?)>();
        foreach (var (k, v) in slots.Items)
        {
            if (k is not string name)
                throw new BridgeException(TorchScriptDiagnosticIds.BadModuleObject, loc, $"module '{Display(path)}' ({obj.QualifiedName}) has a non-string slot name {PyRepr.Of(k)}");
            if (v is TorchTensor t && paramNames.Contains(name)) { t.IsParameter = true; ps.Add((name, t)); }
            else if (v is TorchTensor b && bufferNames.Contains(name)) bs.Add((name, b));
            else if (v is TsObject o && IsModule(archive, o)) subs.Add((name, Build(archive, o, Join(path, name), depth + 1)));
            else attrs.Add((name, v));
        }
        m.Parameters = ps.ToImmutable();
        m.Buffers = bs.ToImmutable();
        m.Submodules = subs.ToImmutable();
        m.Attributes = attrs.ToImmutable();
        return m;
    }

    private static string Display(string path) => path.Length == 0 ? "<root>" : path;

    // A nested object is a submodule when its class derives from Module; without code we fall back to "has a training slot".
    private static bool IsModule(TorchScriptArchive archive, TsObject o) =>
        archive.FindClass(o.QualifiedName) is { } c ? c.IsModule : o.Slots?.TryGet("training", out _) == true;

    public override string ToString() => $"{Display(Path)}: {TypeName}";
}

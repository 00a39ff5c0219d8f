using System.Collections.Frozen;
using System.Reflection;

namespace Bridge.Importers.Onnx.Ops;

/// <summary>
/// The table of declared ONNX ops, gathered once from every <see cref="OnnxOpFamilyAttribute"/> class of this assembly
/// (one file per family). Lookup is by (domain, op_type), never by op_type alone (frontends.md §6).
/// </summary>
public static class OnnxOps
{
    private static readonly Lazy<(ImmutableArray<OnnxOpSpec> All, FrozenDictionary<(string, string), OnnxOpSpec> ByKey)> s_table = new(Build);

    /// <summary>Every declared op, sorted by domain then op type.</summary>
    public static ImmutableArray<OnnxOpSpec> All => s_table.Value.All;

    public static OnnxOpSpec? Find(string domain, string opType) =>
        s_table.Value.ByKey.TryGetValue((OnnxDomains.Normalize(domain), opType), out var s) ? s : null;

    private static (ImmutableArray<OnnxOpSpec>, FrozenDictionary<(string, string), OnnxOpSpec>) Build()
    {
        var specs = new List<OnnxOpSpec>();
        foreach (var t in typeof(OnnxOps).Assembly.GetTypes())
        {
            if (t.GetCustomAttribute<OnnxOpFamilyAttribute>() is null) continue;
            var m = t.GetMethod("Ops", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
                ?? throw new BridgeInternalError($"op family {t.Name} has no static Ops()");
            specs.AddRange((IEnumerable<OnnxOpSpec>)m.Invoke(null, null)!);
        }
        var byKey = new Dictionary<(string, string), OnnxOpSpec>();
        foreach (var s in specs)
        {
            if (!byKey.TryAdd((s.Domain, s.OpType), s)) throw new BridgeInternalError($"ONNX op {s.Domain}.{s.OpType} declared twice");
            if (s.Versions.IsDefaultOrEmpty || !s.Versions.SequenceEqual(s.Versions.Order()))
                throw new BridgeInternalError($"ONNX op {s.Domain}.{s.OpType} versions must be ascending and non-empty");
        }
        var all = specs.OrderBy(s => s.Domain == OnnxDomains.AiOnnx ? "" : s.Domain, StringComparer.Ordinal).ThenBy(s => s.OpType, StringComparer.Ordinal).ToImmutableArray();
        return (all, byKey.ToFrozenDictionary());
    }
}

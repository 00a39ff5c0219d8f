using System.Text;

namespace Bridge.Ir.Relay;

/// <summary>Short human-readable description of a module for <c>bridge inspect</c>.</summary>
public static class RelaySummary
{
    /// <summary>Each function's signature (with inferred types when available) and an op histogram.</summary>
    public static string Describe(IRModule module)
    {
        var sb = new StringBuilder();
        foreach (var td in module.TypeDefinitions)
            sb.Append(td.IsExtern ? "extern type " : "type ").Append(td.Header.Name)
              .Append(td.TypeParams.Length > 0 ? "[" + string.Join(", ", td.TypeParams.Select(t => t.Name)) + "]" : "")
              .Append(td.Constructors.Length > 0 ? " { " + string.Join(", ", td.Constructors.Select(c => c.Name)) + " }" : "").Append('\n');
        var ops = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (gv, f) in module.Functions)
        {
            var ft = f.CheckedType as FuncType;
            var ps = f.Params.Select((p, i) => $"%{p.Name}: {(ft is not null ? ft.ArgTypes[i] : p.TypeAnnotation?.ToString() ?? "_")}");
            var ret = ft?.RetType ?? f.RetType;
            sb.Append('@').Append(gv.Name);
            if (f.TypeParams.Length > 0) sb.Append('[').Append(string.Join(", ", f.TypeParams.Select(t => t.Name))).Append(']');
            sb.Append('(').Append(string.Join(", ", ps)).Append(')');
            if (ret is not null) sb.Append(" -> ").Append(ret);
            if (f.Attrs.Entries.Length > 0) sb.Append("  [").Append(string.Join(", ", f.Attrs.Entries.Select(e => $"{e.Key}={AttrValues.Format(e.Value)}"))).Append(']');
            sb.Append('\n');
            RelayVisit.PreOrder(f, e => { if (e is Call { Callee: OpRef o }) ops[o.Name] = ops.GetValueOrDefault(o.Name) + 1; });
        }
        if (ops.Count > 0)
        {
            sb.Append("ops (").Append(ops.Values.Sum()).Append(" calls):\n");
            foreach (var (name, n) in ops.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
                sb.Append("  ").Append(name).Append(' ').Append(n).Append('\n');
        }
        return sb.ToString();
    }
}

using System.Text.Json;

namespace Bridge.Importers.Relay;

/// <summary>Diagnostics of graph-executor artifacts (2500–2599 range, shared with params).</summary>
public static class GraphExecutorDiagnosticIds
{
    public static readonly DiagnosticId BadJson = new(2550, "GraphJsonMalformed");
    public static readonly DiagnosticId BadNode = new(2551, "GraphJsonBadNode");
    public static readonly DiagnosticId BadEntry = new(2552, "GraphJsonBadEntry");
    public static readonly DiagnosticId BadAttrs = new(2553, "GraphJsonBadAttrs");
}

/// <summary>An input reference <c>[node_id, output_index, version]</c>.</summary>
public readonly record struct GraphEntry(int NodeId, int Index, int Version = 0);

/// <summary>One node: a graph input (<c>op: "null"</c>) or a compiled kernel call (<c>op: "tvm_op"</c>).</summary>
public sealed record GraphNode(int Id, string Op, string Name, ImmutableArray<GraphEntry> Inputs, ImmutableDictionary<string, string> Attrs)
{
    public bool IsInput => Op == "null";
    /// <summary>The kernel symbol (<c>func_name</c>); <c>__nop</c> aliases its input, <c>__copy</c> is a device copy.</summary>
    public string? FuncName => Attrs.GetValueOrDefault("func_name");
    public int NumOutputs => Attrs.TryGetValue("num_outputs", out var s) && int.TryParse(s, out var n) ? n : 1;
}

/// <summary>Per-entry information (indexed by entry id = node_row_ptr[node] + output).</summary>
public sealed record GraphEntryInfo(int EntryId, ImmutableArray<long> Shape, string DType, int? StorageId, int? DeviceIndex, string? StorageScope);

/// <summary>
/// A graph-executor JSON (spec §4.1) read into a typed, validated model. The kernels it names are compiled code, not
/// Relay: the graph can be inspected (inputs, outputs, shapes, dtypes, memory plan) but not translated op by op.
/// </summary>
public sealed class GraphExecutorJson
{
    public required string Path { get; init; }
    public required ImmutableArray<GraphNode> Nodes { get; init; }
    public required ImmutableArray<int> ArgNodes { get; init; }
    public required ImmutableArray<GraphEntry> Heads { get; init; }
    public required ImmutableArray<int> NodeRowPtr { get; init; }
    public required ImmutableArray<GraphEntryInfo> Entries { get; init; }

    public int EntryId(GraphEntry e) => NodeRowPtr[e.NodeId] + e.Index;
    public GraphEntryInfo Info(GraphEntry e) => Entries[EntryId(e)];
    public IEnumerable<GraphNode> Inputs => ArgNodes.Select(i => Nodes[i]);
    public IEnumerable<GraphNode> Kernels => Nodes.Where(n => !n.IsInput);

    public static GraphExecutorJson Load(string path) => Parse(File.ReadAllText(path), path);

    public static GraphExecutorJson Parse(string json, string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 256 });
            return Read(doc.RootElement, path);
        }
        catch (JsonException ex)
        {
            throw new BridgeException(GraphExecutorDiagnosticIds.BadJson, new SourceLoc.Text(path, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1), $"malformed graph JSON: {ex.Message}");
        }
    }

    private static BridgeException Bad(DiagnosticId id, string path, string node, string op, string msg) =>
        new(id, new SourceLoc.GraphNode(path, "graph", node, op), msg);

    private static Exception Top(string path, string msg) => new BridgeException(GraphExecutorDiagnosticIds.BadJson, new SourceLoc.JsonNode(path, -1, msg.Split(' ')[0]), msg);

    private static GraphExecutorJson Read(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object) throw Top(path, "root: the graph must be a JSON object");
        if (!root.TryGetProperty("nodes", out var nodesEl) || nodesEl.ValueKind != JsonValueKind.Array) throw Top(path, "nodes: missing or not an array");
        var nodes = ImmutableArray.CreateBuilder<GraphNode>();
        var i = 0;
        foreach (var n in nodesEl.EnumerateArray())
        {
            var id = i++;
            if (n.ValueKind != JsonValueKind.Object) throw Bad(GraphExecutorDiagnosticIds.BadNode, path, $"#{id}", "?", $"node {id} is not an object");
            var op = Str(n, "op") ?? throw Bad(GraphExecutorDiagnosticIds.BadNode, path, $"#{id}", "?", $"node {id} has no 'op'");
            var name = Str(n, "name") ?? throw Bad(GraphExecutorDiagnosticIds.BadNode, path, $"#{id}", op, $"node {id} has no 'name'");
            if (op is not ("null" or "tvm_op")) throw Bad(GraphExecutorDiagnosticIds.BadNode, path, name, op, $"node '{name}': unknown op kind '{op}' (expected \"null\" or \"tvm_op\")");
            var inputs = ImmutableArray.CreateBuilder<GraphEntry>();
            if (n.TryGetProperty("inputs", out var ins))
            {
                if (ins.ValueKind != JsonValueKind.Array) throw Bad(GraphExecutorDiagnosticIds.BadNode, path, name, op, $"node '{name}': inputs is not an array");
                foreach (var e in ins.EnumerateArray()) inputs.Add(Entry(e, path, name, op));
            }
            var attrs = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            if (n.TryGetProperty("attrs", out var at) || n.TryGetProperty("attr", out at))
            {
                if (at.ValueKind != JsonValueKind.Object) throw Bad(GraphExecutorDiagnosticIds.BadNode, path, name, op, $"node '{name}': attrs is not an object");
                foreach (var p in at.EnumerateObject())
                    attrs[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
            foreach (var e in inputs)
                if (e.NodeId < 0 || e.NodeId >= id)
                    throw Bad(GraphExecutorDiagnosticIds.BadEntry, path, name, op, $"node '{name}': input refers to node {e.NodeId}, which is not an earlier node");
            if (op == "tvm_op" && !attrs.ContainsKey("func_name"))
                throw Bad(GraphExecutorDiagnosticIds.BadNode, path, name, op, $"node '{name}': tvm_op without func_name");
            nodes.Add(new GraphNode(id, op, name, inputs.ToImmutable(), attrs.ToImmutable()));
        }
        var nodeList = nodes.ToImmutable();
        var argNodes = Ints(root, "arg_nodes", path) ?? [.. nodeList.Where(n => n.IsInput).Select(n => n.Id)];
        foreach (var a in argNodes)
            if (a < 0 || a >= nodeList.Length || !nodeList[a].IsInput) throw Top(path, $"arg_nodes: {a} is not an input node");
        var rowPtr = Ints(root, "node_row_ptr", path);
        if (rowPtr is null)
        {
            var b = ImmutableArray.CreateBuilder<int>();
            var acc = 0;
            b.Add(0);
            foreach (var n in nodeList) { acc += n.IsInput ? 1 : n.NumOutputs; b.Add(acc); }
            rowPtr = b.ToImmutable();
        }
        if (rowPtr.Value.Length != nodeList.Length + 1) throw Top(path, $"node_row_ptr: has {rowPtr.Value.Length} entries, expected {nodeList.Length + 1}");
        for (var k = 1; k < rowPtr.Value.Length; k++)
            if (rowPtr.Value[k] < rowPtr.Value[k - 1]) throw Top(path, "node_row_ptr: is not non-decreasing");
        var numEntries = rowPtr.Value[^1];
        var heads = ImmutableArray.CreateBuilder<GraphEntry>();
        if (root.TryGetProperty("heads", out var hs) && hs.ValueKind == JsonValueKind.Array)
            foreach (var h in hs.EnumerateArray()) heads.Add(Entry(h, path, "heads", "heads"));
        foreach (var n in nodeList)
            foreach (var e in n.Inputs)
                CheckEntry(e, nodeList, rowPtr.Value, path, n);
        foreach (var h in heads) CheckEntry(h, nodeList, rowPtr.Value, path, null);

        // Graph-level attrs: [type_tag, list] per key; all indexed by entry id.
        var shapes = new ImmutableArray<long>[numEntries];
        var dtypes = new string[numEntries];
        var storage = new int?[numEntries];
        var device = new int?[numEntries];
        var scope = new string?[numEntries];
        if (root.TryGetProperty("attrs", out var ga) && ga.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in ga.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() != 2) throw Top(path, $"attrs.{p.Name}: expected [type_tag, list]");
                var tag = p.Value[0].GetString();
                var list = p.Value[1];
                if (list.ValueKind != JsonValueKind.Array) throw Top(path, $"attrs.{p.Name}: list is not an array");
                var known = p.Name is "shape" or "dltype" or "storage_id" or "device_index" or "storage_scope";
                if (!known) continue; // legacy NNVM "dtype" (list_int) and unknown keys are skipped
                if (list.GetArrayLength() != numEntries)
                    throw Top(path, $"attrs.{p.Name}: has {list.GetArrayLength()} entries but the graph has {numEntries} (node_row_ptr)");
                var k = 0;
                foreach (var v in list.EnumerateArray())
                {
                    switch (p.Name)
                    {
                        case "shape":
                            if (v.ValueKind != JsonValueKind.Array) throw Top(path, $"attrs.shape: entry {k} is not a list");
                            shapes[k] = [.. v.EnumerateArray().Select(d => d.TryGetInt64(out var x) && x >= 0 ? x : throw Top(path, $"attrs.shape: entry {k} has a bad dim"))];
                            break;
                        case "dltype": dtypes[k] = v.GetString() ?? throw Top(path, $"attrs.dltype: entry {k} is not a string"); break;
                        case "storage_id": storage[k] = v.TryGetInt32(out var s) ? s : throw Top(path, $"attrs.storage_id: entry {k} is not an int"); break;
                        case "device_index": device[k] = v.TryGetInt32(out var d2) ? d2 : throw Top(path, $"attrs.device_index: entry {k} is not an int"); break;
                        case "storage_scope": scope[k] = v.GetString(); break;
                    }
                    k++;
                }
                _ = tag;
            }
        }
        var entries = ImmutableArray.CreateBuilder<GraphEntryInfo>(numEntries);
        for (var k = 0; k < numEntries; k++)
        {
            if (shapes[k].IsDefault) throw Top(path, $"attrs.shape: missing (entry {k})");
            if (dtypes[k] is null) throw Top(path, $"attrs.dltype: missing (entry {k})");
            entries.Add(new GraphEntryInfo(k, shapes[k], dtypes[k], storage[k], device[k], scope[k]));
        }
        return new GraphExecutorJson
        {
            Path = path, Nodes = nodeList, ArgNodes = argNodes, Heads = heads.ToImmutable(), NodeRowPtr = rowPtr.Value, Entries = entries.MoveToImmutable(),
        };
    }

    private static void CheckEntry(GraphEntry e, ImmutableArray<GraphNode> nodes, ImmutableArray<int> rowPtr, string path, GraphNode? user)
    {
        var name = user?.Name ?? "heads";
        var op = user?.Op ?? "heads";
        if (e.NodeId < 0 || e.NodeId >= nodes.Length) throw Bad(GraphExecutorDiagnosticIds.BadEntry, path, name, op, $"'{name}': entry refers to missing node {e.NodeId}");
        if (e.Index < 0 || e.Index >= rowPtr[e.NodeId + 1] - rowPtr[e.NodeId])
            throw Bad(GraphExecutorDiagnosticIds.BadEntry, path, name, op, $"'{name}': node {e.NodeId} ('{nodes[e.NodeId].Name}') has no output {e.Index}");
    }

    private static GraphEntry Entry(JsonElement e, string path, string node, string op)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() is < 2 or > 3 || !e[0].TryGetInt32(out var n) || !e[1].TryGetInt32(out var i))
            throw Bad(GraphExecutorDiagnosticIds.BadEntry, path, node, op, $"'{node}': an entry must be [node_id, output_index(, version)]");
        return new GraphEntry(n, i, e.GetArrayLength() == 3 && e[2].TryGetInt32(out var v) ? v : 0);
    }

    private static string? Str(JsonElement o, string key) => o.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static ImmutableArray<int>? Ints(JsonElement o, string key, string path)
    {
        if (!o.TryGetProperty(key, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Top(path, $"{key}: is not an array");
        return [.. v.EnumerateArray().Select(x => x.TryGetInt32(out var i) ? i : throw Top(path, $"{key}: holds a non-integer"))];
    }

    /// <summary>A short report for <c>bridge inspect</c>.</summary>
    public string Describe()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("graph-executor JSON: ").Append(Nodes.Length).Append(" nodes (").Append(ArgNodes.Length).Append(" inputs, ")
          .Append(Kernels.Count()).Append(" kernel calls)\n");
        foreach (var n in Inputs)
        {
            var info = Entries[NodeRowPtr[n.Id]];
            sb.Append("  input ").Append(n.Name).Append(": ").Append(info.DType).Append('[').Append(string.Join(", ", info.Shape)).Append("]\n");
        }
        foreach (var h in Heads)
        {
            var info = Info(h);
            sb.Append("  output ").Append(Nodes[h.NodeId].Name).Append('.').Append(h.Index).Append(": ").Append(info.DType).Append('[').Append(string.Join(", ", info.Shape)).Append("]\n");
        }
        foreach (var g in Kernels.GroupBy(k => k.FuncName).OrderBy(g => g.Key, StringComparer.Ordinal))
            sb.Append("  kernel ").Append(g.Key).Append(" x").Append(g.Count()).Append('\n');
        sb.Append("  note: the kernels are compiled code, not Relay; the graph can be inspected or run with its library, not translated op by op.\n");
        return sb.ToString();
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridge.Ir.Relax.Json;

/// <summary>Relax JSON diagnostics (3300–3499).</summary>
public static class RelaxJsonDiagnosticIds
{
    public static readonly DiagnosticId BadJson = new(3300, "BadJson");
    public static readonly DiagnosticId UnsupportedNode = new(3301, "UnsupportedNode");
    public static readonly DiagnosticId BadReference = new(3302, "BadReference");
    public static readonly DiagnosticId MissingField = new(3303, "MissingField");
    public static readonly DiagnosticId UnknownEra = new(3304, "UnknownEra");
}

/// <summary>The three <c>save_json</c> eras (spec §4.1).</summary>
public enum JsonEra
{
    /// <summary>≤ v0.21: <c>{"root", "nodes":[{"type_key","attrs"}], "b64ndarrays", "attrs"}</c>, every attr a string.</summary>
    Legacy,
    /// <summary>v0.22–v0.25: tvm-ffi graph, StructInfo IR.</summary>
    FfiStructInfo,
    /// <summary>v0.26–main: tvm-ffi graph, unified Type IR.</summary>
    FfiType,
}

/// <summary>A field value of a graph node: a reference or an inline scalar.</summary>
internal abstract record GVal
{
    internal sealed record Ref(int Index) : GVal;
    internal sealed record Int(long Value) : GVal;
    internal sealed record Float(double Value) : GVal;
    internal sealed record Bool(bool Value) : GVal;
    internal sealed record Text(string Value) : GVal; // inline dtype strings
}

/// <summary>One node of the era-independent graph model; <see cref="Payload"/> holds built-in data (strings, arrays, op names…).</summary>
internal sealed class GNode(string type)
{
    public string Type { get; } = type;
    public List<(string Name, GVal Value)> Fields { get; } = [];
    public object? Payload { get; set; }
    public GVal? Field(string name) => Fields.FirstOrDefault(f => f.Name == name).Value;
}

/// <summary>Serializes the graph model in the envelope of each era, and reads it back.</summary>
internal static class JsonGraph
{
    // Built-in node kinds of the model: "None", "String", "Array", "Map" (payload List<(int,int)>), "StrMap" (List<(string,int)>),
    // "IntBox"/"FloatBox"/"BoolBox" (payload number), "Op" (name), "Tensor" (byte[]), "DataType" (string).

    public static string Write(List<GNode> nodes, int root, JsonEra era, string version)
    {
        var arr = new JsonArray();
        if (era == JsonEra.Legacy)
        {
            var b64 = new JsonArray();
            foreach (var n in nodes) arr.Add(Legacy(n, b64));
            var o = new JsonObject { ["root"] = root, ["nodes"] = arr, ["b64ndarrays"] = b64, ["attrs"] = new JsonObject { ["tvm_version"] = version } };
            return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        }
        foreach (var n in nodes) arr.Add(Ffi(n));
        var r = new JsonObject { ["root_index"] = root, ["nodes"] = arr, ["metadata"] = new JsonObject { ["tvm_version"] = version } };
        return r.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonNode Ffi(GNode n)
    {
        JsonNode? data = n.Type switch
        {
            "None" => null,
            "String" => JsonValue.Create((string)n.Payload!),
            "Op" or "DataType" => JsonValue.Create((string)n.Payload!),
            "IntBox" => JsonValue.Create((long)n.Payload!),
            "FloatBox" => JsonValue.Create((double)n.Payload!),
            "BoolBox" => JsonValue.Create((bool)n.Payload!),
            "Array" => new JsonArray([.. ((List<int>)n.Payload!).Select(i => (JsonNode)JsonValue.Create(i))]),
            "Map" => new JsonArray([.. ((List<(int K, int V)>)n.Payload!).SelectMany(p => new JsonNode[] { JsonValue.Create(p.K), JsonValue.Create(p.V) })]),
            "Tensor" => JsonValue.Create(Convert.ToBase64String((byte[])n.Payload!)),
            _ => FieldsObj(n),
        };
        var type = n.Type switch
        {
            "String" => "ffi.String", "Array" => "ffi.Array", "Map" => "ffi.Map", "IntBox" => "int", "FloatBox" => "float", "BoolBox" => "bool",
            "Tensor" => "ffi.Tensor", "Op" => "ir.Op", _ => n.Type,
        };
        var o = new JsonObject { ["type"] = type };
        if (data is not null) o["data"] = data;
        return o;
    }

    private static JsonObject FieldsObj(GNode n)
    {
        var o = new JsonObject();
        foreach (var (k, v) in n.Fields)
            o[k] = v switch
            {
                GVal.Ref r => JsonValue.Create(r.Index),
                GVal.Int i => JsonValue.Create(i.Value),
                GVal.Float f => JsonValue.Create(f.Value),
                GVal.Bool b => JsonValue.Create(b.Value),
                GVal.Text t => JsonValue.Create(t.Value),
                _ => null,
            };
        return o;
    }

    private static JsonObject Legacy(GNode n, JsonArray b64)
    {
        var o = new JsonObject();
        switch (n.Type)
        {
            case "None": o["type_key"] = ""; break;
            case "String": o["type_key"] = "runtime.String"; o["repr_str"] = (string)n.Payload!; break;
            case "Op": o["type_key"] = "Op"; o["repr_str"] = (string)n.Payload!; break;
            case "DataType": o["type_key"] = "runtime.DataType"; o["repr_str"] = (string)n.Payload!; break;
            case "IntBox": o["type_key"] = "IntImm"; o["attrs"] = new JsonObject { ["dtype"] = "int64", ["value"] = ((long)n.Payload!).ToString(CultureInfo.InvariantCulture) }; break;
            case "FloatBox": o["type_key"] = "FloatImm"; o["attrs"] = new JsonObject { ["dtype"] = "float64", ["value"] = Num((double)n.Payload!) }; break;
            case "BoolBox": o["type_key"] = "IntImm"; o["attrs"] = new JsonObject { ["dtype"] = "bool", ["value"] = (bool)n.Payload! ? "1" : "0" }; break;
            case "Array": o["type_key"] = "Array"; o["data"] = new JsonArray([.. ((List<int>)n.Payload!).Select(i => (JsonNode)JsonValue.Create(i))]); break;
            case "Map":
                o["type_key"] = "Map";
                o["data"] = new JsonArray([.. ((List<(int K, int V)>)n.Payload!).SelectMany(p => new JsonNode[] { JsonValue.Create(p.K), JsonValue.Create(p.V) })]);
                break;
            case "Tensor":
                o["type_key"] = "runtime.NDArray";
                o["data"] = new JsonArray(JsonValue.Create(b64.Count));
                b64.Add(Convert.ToBase64String((byte[])n.Payload!));
                break;
            default:
                o["type_key"] = n.Type;
                var a = new JsonObject();
                foreach (var (k, v) in n.Fields)
                    a[k] = v switch
                    {
                        GVal.Ref r => r.Index.ToString(CultureInfo.InvariantCulture),
                        GVal.Int i => i.Value.ToString(CultureInfo.InvariantCulture),
                        GVal.Float f => Num(f.Value),
                        GVal.Bool b => b.Value ? "1" : "0",
                        GVal.Text t => t.Value,
                        _ => "",
                    };
                o["attrs"] = a;
                break;
        }
        return o;
    }

    private static string Num(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    // ------------------------------------------------------------ reading

    public static (List<GNode> Nodes, int Root, JsonEra Era) Read(string text, string path)
    {
        JsonNode? doc;
        try { doc = JsonNode.Parse(text); }
        catch (JsonException e)
        {
            throw new BridgeException(RelaxJsonDiagnosticIds.BadJson, new SourceLoc.Text(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1), $"malformed JSON: {e.Message}");
        }
        if (doc is not JsonObject root || root["nodes"] is not JsonArray nodes)
            throw new BridgeException(RelaxJsonDiagnosticIds.BadJson, new SourceLoc.JsonNode(path, -1), "not a save_json graph (no 'nodes' array)");
        var legacy = root.ContainsKey("root");
        var b64 = root["b64ndarrays"] as JsonArray;
        var list = new List<GNode>(nodes.Count);
        for (var i = 0; i < nodes.Count; i++)
        {
            try { list.Add(legacy ? ReadLegacy(nodes[i] as JsonObject, b64) : ReadFfi(nodes[i] as JsonObject)); }
            catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidCastException or NullReferenceException or ArgumentException or KeyNotFoundException)
            {
                throw new BridgeException(RelaxJsonDiagnosticIds.BadJson, new SourceLoc.JsonNode(path, i), $"malformed node: {e.Message}");
            }
        }
        int rootIdx;
        try { rootIdx = (root[legacy ? "root" : "root_index"] ?? throw new FormatException("missing root")).GetValue<int>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new BridgeException(RelaxJsonDiagnosticIds.BadJson, new SourceLoc.JsonNode(path, -1), "missing or bad root index");
        }
        if (rootIdx < 0 || rootIdx >= list.Count) throw new BridgeException(RelaxJsonDiagnosticIds.BadReference, new SourceLoc.JsonNode(path, -1), $"root index {rootIdx} out of range");
        var typeEra = list.Any(n => n.Type is "ir.Var" or "ir.Call" or "relax.TensorType" or "relax.AnyType" or "ir.PrimType");
        return (list, rootIdx, legacy ? JsonEra.Legacy : typeEra ? JsonEra.FfiType : JsonEra.FfiStructInfo);
    }

    private static GNode ReadFfi(JsonObject? o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var type = o["type"]!.GetValue<string>();
        var data = o["data"];
        GNode n;
        switch (type)
        {
            case "None": return new GNode("None");
            case "ffi.String": n = new GNode("String") { Payload = data!.GetValue<string>() }; return n;
            case "ir.Op": return new GNode("Op") { Payload = data!.GetValue<string>() };
            case "DataType": return new GNode("DataType") { Payload = data!.GetValue<string>() };
            case "int": return new GNode("IntBox") { Payload = data!.GetValue<long>() };
            case "float": return new GNode("FloatBox") { Payload = data!.GetValue<double>() };
            case "bool": return new GNode("BoolBox") { Payload = data!.GetValue<bool>() };
            case "ffi.Array" or "ffi.List": return new GNode("Array") { Payload = data!.AsArray().Select(x => x!.GetValue<int>()).ToList() };
            case "ffi.Map":
            {
                var a = data!.AsArray().Select(x => x!.GetValue<int>()).ToList();
                return new GNode("Map") { Payload = Enumerable.Range(0, a.Count / 2).Select(i => (a[2 * i], a[2 * i + 1])).ToList() };
            }
            case "ffi.Tensor": return new GNode("Tensor") { Payload = Convert.FromBase64String(data!.GetValue<string>()) };
        }
        n = new GNode(type);
        if (data is JsonObject fo)
            foreach (var (k, v) in fo)
            {
                var jv = v!.AsValue();
                GVal val = jv.GetValueKind() switch
                {
                    JsonValueKind.True => new GVal.Bool(true),
                    JsonValueKind.False => new GVal.Bool(false),
                    JsonValueKind.String => new GVal.Text(jv.GetValue<string>()),
                    _ => jv.TryGetValue<long>(out var l) ? new GVal.Int(l) : new GVal.Float(jv.GetValue<double>()),
                };
                n.Fields.Add((k, val));
            }
        return n;
    }

    private static GNode ReadLegacy(JsonObject? o, JsonArray? b64)
    {
        ArgumentNullException.ThrowIfNull(o);
        var type = o["type_key"]?.GetValue<string>() ?? "";
        switch (type)
        {
            case "": return new GNode("None");
            case "runtime.String": return new GNode("String") { Payload = o["repr_str"]!.GetValue<string>() };
            case "Op": return new GNode("Op") { Payload = o["repr_str"]!.GetValue<string>() };
            case "runtime.DataType": return new GNode("DataType") { Payload = o["repr_str"]!.GetValue<string>() };
            case "Array": return new GNode("Array") { Payload = (o["data"] as JsonArray ?? []).Select(x => x!.GetValue<int>()).ToList() };
            case "Map" when o["keys"] is JsonArray keys:
                // TVM ≤ 0.19 writes a string-keyed map as {"keys": [names], "data": [values]}.
                return new GNode("StrMap") { Payload = keys.Select(k => k!.GetValue<string>()).Zip((o["data"] as JsonArray ?? []).Select(x => x!.GetValue<int>())).ToList() };
            case "Map":
            {
                var a = (o["data"] as JsonArray ?? []).Select(x => x!.GetValue<int>()).ToList();
                return new GNode("Map") { Payload = Enumerable.Range(0, a.Count / 2).Select(i => (a[2 * i], a[2 * i + 1])).ToList() };
            }
            case "runtime.NDArray":
            {
                var idx = o["data"]![0]!.GetValue<int>();
                return new GNode("Tensor") { Payload = Convert.FromBase64String(b64![idx]!.GetValue<string>()) };
            }
        }
        var n = new GNode(type);
        if (o["attrs"] is JsonObject a2)
            foreach (var (k, v) in a2) n.Fields.Add((k, new GVal.Text(v!.GetValue<string>())));
        return n;
    }
}

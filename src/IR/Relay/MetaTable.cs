using System.Buffers.Binary;
using System.Text.Json;
using Bridge.Core.Files;

namespace Bridge.Ir.Relay;

/// <summary>
/// The objects <c>meta[key][i]</c> refers to. <c>relay.Constant</c> entries are <see cref="Constant"/>s (with values, or
/// types only); other keys hold <see cref="MetaRef"/> placeholders. External tables are appended after in-file entries, as TVM does.
/// </summary>
public sealed class MetaTable
{
    private readonly Dictionary<string, List<object>> _entries = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, List<object>> Entries => _entries;

    public void Add(string key, object value)
    {
        if (!_entries.TryGetValue(key, out var l)) _entries[key] = l = [];
        l.Add(value);
    }

    public bool TryGet(string key, int index, out object value)
    {
        value = null!;
        if (!_entries.TryGetValue(key, out var l) || index < 0 || index >= l.Count) return false;
        value = l[index];
        return true;
    }

    public int Count(string key) => _entries.TryGetValue(key, out var l) ? l.Count : 0;

    /// <summary>Appends every entry of <paramref name="other"/> after this table's own.</summary>
    public void Append(MetaTable other)
    {
        foreach (var (k, l) in other._entries) foreach (var v in l) Add(k, v);
    }

    /// <summary>Values keyed <c>relay.Constant.0</c>, <c>relay.Constant.1</c>, … (npz/params form), or in list order.</summary>
    public static MetaTable FromTensors(IReadOnlyList<(string Name, Tensor Value)> values)
    {
        var t = new MetaTable();
        var ordered = values.Select((v, i) => (v, idx: TryIndex(v.Name) ?? i)).OrderBy(p => p.idx).ToList();
        foreach (var (v, idx) in ordered) t.Add("relay.Constant", new Constant(v.Value) { MetaIndex = idx });
        return t;
    }

    private static int? TryIndex(string name)
    {
        const string prefix = "relay.Constant.";
        return name.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(name.AsSpan(prefix.Length), out var i) ? i : null;
    }

    /// <summary>Reads the corpora's <c>{"relay.Constant": [{"dtype": …, "shape": […]}, …]}</c> form (types only).</summary>
    public static MetaTable FromConstsJson(string path) => FromConstsJsonText(File.ReadAllText(path), path);

    public static MetaTable FromConstsJsonText(string text, string path)
    {
        var t = new MetaTable();
        try
        {
            using var doc = JsonDocument.Parse(text);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                var i = 0;
                foreach (var e in prop.Value.EnumerateArray())
                {
                    var dt = DataType.Parse(e.GetProperty("dtype").GetString() ?? "");
                    var shape = e.GetProperty("shape").EnumerateArray().Select(d => (SymExpr)d.GetInt64()).ToArray();
                    t.Add(prop.Name, new Constant(new TensorType([.. shape], dt)) { MetaIndex = i++ });
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new BridgeException(RelayParamsDiagnosticIds.BadConstsJson, new SourceLoc.Text(path, 1, 1), $"bad consts.json: {ex.Message}");
        }
        return t;
    }

    /// <summary>Decodes the <c>#[metadata]</c> save_json document (relay.Constant entries with b64ndarrays; others as placeholders).</summary>
    internal static MetaTable FromSaveJson(string json, string path, int line)
    {
        var t = new MetaTable();
        SourceLoc Loc() => new SourceLoc.Text(path, line, 1);
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
            var root = doc.RootElement;
            var nodes = root.GetProperty("nodes");
            var blobs = root.TryGetProperty("b64ndarrays", out var b) ? b.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
            var rootIdx = root.GetProperty("root").GetInt32();
            var map = nodes[rootIdx];
            var keys = map.GetProperty("keys").EnumerateArray().Select(k => k.GetString() ?? "").ToList();
            var data = map.GetProperty("data").EnumerateArray().Select(d => d.GetInt32()).ToList();
            for (var k = 0; k < keys.Count && k < data.Count; k++)
            {
                var arr = nodes[data[k]];
                var items = arr.TryGetProperty("data", out var ad) ? ad.EnumerateArray().Select(x => x.GetInt32()).ToList() : [];
                var i = 0;
                foreach (var idx in items)
                {
                    var node = nodes[idx];
                    var tk = node.GetProperty("type_key").GetString();
                    if (tk == "relay.Constant")
                    {
                        var di = int.Parse(node.GetProperty("attrs").GetProperty("data").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                        t.Add(keys[k], new Constant(DecodeNdArray(Convert.FromBase64String(blobs[di]), Loc(), di)) { MetaIndex = i });
                    }
                    else t.Add(keys[k], new MetaRef(keys[k], i));
                    i++;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException
                                       or IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            throw new BridgeException(RelayTextDiagnosticIds.BadMetadata, Loc(), $"cannot decode the #[metadata] section: {ex.Message}");
        }
        return t;
    }

    /// <summary>One <c>b64ndarrays</c> entry through the one NDArray codec (<see cref="NDArrayBlob"/>).</summary>
    private static Tensor DecodeNdArray(byte[] b, SourceLoc loc, int index)
    {
        try { return NDArrayBlob.Read(b, "#[metadata]", $"b64ndarrays[{index}]"); }
        catch (BridgeException e) { throw new BridgeException(RelayTextDiagnosticIds.BadMetadata, loc, "bad NDArray blob: " + e.Diagnostic.Message); }
    }
}

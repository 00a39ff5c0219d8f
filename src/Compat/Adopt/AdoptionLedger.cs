using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bridge.Core.Diagnostics;
using Bridge.Core.IO;

namespace Bridge.Compat.Adopt;

/// <summary>IDs of the staged-adoption ledger (compat range 6700–6749).</summary>
public static class AdoptDiagnosticIds
{
    public static readonly DiagnosticId BadLedger = new(6700, "AdoptBadLedger");
    public static readonly DiagnosticId NoResults = new(6701, "AdoptNoResults");
    public static readonly DiagnosticId UnknownModel = new(6702, "AdoptUnknownModel");
    public static readonly DiagnosticId GateNotMet = new(6703, "AdoptGateNotMet");
    public static readonly DiagnosticId BadStage = new(6704, "AdoptBadStage");
}

/// <summary>
/// The fleet's adoption stage. <b>S0 shadow</b>: Relay serves every model; the Relax path runs beside it and only reports.
/// <b>S1 opt-in</b>: Relax serves the models that passed their gates; Relay stays the fallback for the rest.
/// <b>S2 default</b>: Relax serves everything and Relay is retired; entering S2 needs every model past its gate.
/// </summary>
public enum AdoptionStage { S0, S1, S2 }

/// <summary>Which path serves a model.</summary>
public enum ServingPath { Relay, Relax }

/// <summary>One model's adoption record.</summary>
public sealed record ModelRecord
{
    public string Path { get; init; } = "";
    /// <summary>Consecutive zoo runs in which every applicable stage passed (a failure resets it to 0).</summary>
    public int GreenRuns { get; init; }
    public int TotalRuns { get; init; }
    public string LastOutcome { get; init; } = "";
    public string LastErrorIds { get; init; } = "";
    public string LastRecorded { get; init; } = "";
}

/// <summary>
/// The adoption ledger (<c>adoption.json</c>): the fleet stage, the gate, and per-model evidence accumulated from
/// <c>bridge zoo</c> result folders. Pure data plus the rules; the CLI verb <c>bridge adopt</c> drives it.
/// </summary>
public sealed record AdoptionLedger
{
    [JsonConverter(typeof(JsonStringEnumConverter))]
    public AdoptionStage Stage { get; init; } = AdoptionStage.S0;
    /// <summary>Green zoo runs in a row a model needs before Relax may serve it (S1) or Relay may be retired (S2).</summary>
    public int MinGreenRuns { get; init; } = 3;
    public SortedDictionary<string, ModelRecord> Models { get; init; } = new(StringComparer.Ordinal);

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    public static AdoptionLedger Load(string path)
    {
        if (!File.Exists(path)) return new AdoptionLedger();
        try
        {
            return JsonSerializer.Deserialize<AdoptionLedger>(File.ReadAllText(path), s_json)
                ?? throw new JsonException("empty ledger");
        }
        catch (JsonException e)
        {
            throw new BridgeException(AdoptDiagnosticIds.BadLedger, new SourceLoc.Text(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1),
                $"the adoption ledger is not valid: {e.Message}");
        }
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, s_json));

    /// <summary>True when the model's evidence meets the gate.</summary>
    public bool GateMet(string model) => Models.TryGetValue(model, out var r) && r.GreenRuns >= MinGreenRuns;

    /// <summary>Which path serves <paramref name="model"/> at the current stage.</summary>
    public ServingPath Route(string model)
    {
        if (!Models.ContainsKey(model))
            throw new BridgeException(AdoptDiagnosticIds.UnknownModel, SourceLoc.Unknown.Instance,
                $"model '{model}' has no adoption record; run `bridge zoo` and `bridge adopt record` first");
        return Stage switch
        {
            AdoptionStage.S0 => ServingPath.Relay,
            AdoptionStage.S1 => GateMet(model) ? ServingPath.Relax : ServingPath.Relay,
            _ => ServingPath.Relax,
        };
    }

    /// <summary>
    /// Folds one zoo run (the <c>results/*.json</c> files of a <c>bridge zoo</c> output folder) into the ledger: a model whose
    /// applicable stages all passed gains a green run; any failure resets its streak.
    /// </summary>
    public AdoptionLedger Record(string zooOutDir, DateTimeOffset now)
    {
        var dir = Directory.Exists(System.IO.Path.Combine(zooOutDir, "results")) ? System.IO.Path.Combine(zooOutDir, "results") : zooOutDir;
        var files = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal).ToArray() : [];
        if (files.Length == 0)
            throw new BridgeException(AdoptDiagnosticIds.NoResults, SourceLoc.Unknown.Instance, $"no zoo results (*.json) under {dir}");
        var models = new SortedDictionary<string, ModelRecord>(Models, StringComparer.Ordinal);
        foreach (var f in files)
        {
            using var doc = ParseResult(f);
            var r = doc.RootElement;
            var name = r.TryGetProperty("Name", out var n) && n.GetString() is { Length: > 0 } s ? s : System.IO.Path.GetFileNameWithoutExtension(f);
            var passed = r.TryGetProperty("Passed", out var p) && p.ValueKind == JsonValueKind.True;
            var old = models.TryGetValue(name, out var o) ? o : new ModelRecord();
            models[name] = old with
            {
                Path = r.TryGetProperty("Path", out var path) ? path.GetString() ?? old.Path : old.Path,
                GreenRuns = passed ? old.GreenRuns + 1 : 0,
                TotalRuns = old.TotalRuns + 1,
                LastOutcome = passed ? "pass" : "fail",
                LastErrorIds = r.TryGetProperty("ErrorIds", out var ids) ? ids.GetString() ?? "" : "",
                LastRecorded = now.ToString("u", CultureInfo.InvariantCulture),
            };
        }
        return this with { Models = models };
    }

    /// <summary>Models that block entering <paramref name="target"/> (S2 needs every model past its gate).</summary>
    public IReadOnlyList<string> Blockers(AdoptionStage target) =>
        target == AdoptionStage.S2 ? [.. Models.Keys.Where(m => !GateMet(m))] : [];

    private static JsonDocument ParseResult(string f)
    {
        try { return JsonDocument.Parse(File.ReadAllText(f)); }
        catch (JsonException e)
        {
            throw new BridgeException(AdoptDiagnosticIds.NoResults, new SourceLoc.Text(f, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1),
                $"not a zoo result file: {e.Message}");
        }
    }
}

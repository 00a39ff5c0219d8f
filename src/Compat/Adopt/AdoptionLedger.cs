using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bridge.Compat.Zoo;
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
    public static readonly DiagnosticId UnboundResult = new(6705, "AdoptResultWithoutContentHash");
    public static readonly DiagnosticId Demoted = new(6706, "AdoptDemotedByGate");
}

/// <summary>
/// A model's adoption stage. <b>S0 shadow</b>: Relay serves it; Relax runs beside it and only reports. <b>S1 opt-in</b>:
/// Relax serves it, Relay stays loaded as the fallback. <b>S2 default</b>: Relax serves it and its Relay path is retired.
/// </summary>
public enum AdoptionStage { S0, S1, S2 }

/// <summary>Which path serves a model.</summary>
public enum ServingPath { Relay, Relax }

/// <summary>One zoo result as evidence, bound to what it is evidence of: the model's bytes, Bridge's version, the run.</summary>
public sealed record Evidence
{
    public string RunId { get; init; } = "";
    public string Time { get; init; } = "";
    public string BridgeVersion { get; init; } = "";
    public string ContentHash { get; init; } = "";
    public ulong Seed { get; init; }
    /// <summary>pass or fail (a nondeterministic check whose shapes agree is a pass).</summary>
    public string Verdict { get; init; } = "";
    public string ErrorIds { get; init; } = "";
    public string Message { get; init; } = "";
    /// <summary>Relax time / Relay time on the CPU backend, when a run measured it (null: not measured).</summary>
    public double? PerfRatio { get; init; }
    /// <summary>The size each symbolic input dim ran at (<c>batch=2;seq=16</c>, <see cref="ZooDims.Format"/>; empty: none).</summary>
    public string Dims { get; init; } = "";
}

/// <summary>A stage change and why (gate, promote, demote, content change).</summary>
public sealed record StageChange(string Time, AdoptionStage From, AdoptionStage To, string By, string Reason);

/// <summary>One model's adoption record: its stage, the evidence on its current bytes, and the history of its stage.</summary>
public sealed record ModelRecord
{
    public string Path { get; init; } = "";
    public string ContentHash { get; init; } = "";
    [JsonConverter(typeof(JsonStringEnumConverter))]
    public AdoptionStage Stage { get; init; } = AdoptionStage.S0;
    public List<Evidence> Evidence { get; init; } = [];
    public List<StageChange> History { get; init; } = [];
}

/// <summary>What a stage needs, as data (kept in the ledger; change it there or with <c>adopt gates</c>).</summary>
public sealed record GatePolicy
{
    /// <summary>Green runs in a row (distinct run ids, on the current bytes) for S1 / S2.</summary>
    public int S1Runs { get; init; } = 3;
    public int S2Runs { get; init; } = 5;
    /// <summary>Distinct input seeds among those green runs for S1 / S2.</summary>
    public int S1Seeds { get; init; } = 2;
    public int S2Seeds { get; init; } = 3;
    /// <summary>Highest Relax/Relay time ratio allowed for S2 when measured.</summary>
    public double MaxPerfRatio { get; init; } = 1.25;
    /// <summary>Distinct values of each symbolic input dim among the green runs for S2 (a model with dynamic shapes must have run
    /// at more than one size: <c>bridge zoo --dim batch=2</c>, then <c>--dim batch=5</c>).</summary>
    public int S2DimValues { get; init; } = 2;
    /// <summary>S2 needs a measured perf ratio (a CPU-backend run); false until the CPU backend reports one, so a ratio that was
    /// not run is shown as "not run" without blocking.</summary>
    public bool S2RequiresPerfRatio { get; init; }
    /// <summary>Diagnostic IDs a green run may carry without blocking (e.g. a reference runtime's refusal).</summary>
    public List<string> AllowedDiagnostics { get; init; } = [];
}

/// <summary>
/// The adoption ledger (<c>adoption.json</c>): per model, its stage S0/S1/S2, the evidence that stage rests on, and the
/// gate policy. Evidence is bound to the model's content hash (a changed model starts over at S0), to Bridge's version and to
/// the zoo run (the same run recorded twice counts once). Pure data plus the rules; <c>bridge adopt</c> drives it.
/// </summary>
public sealed record AdoptionLedger
{
    public int Version { get; init; } = 2;
    public GatePolicy Gates { get; init; } = new();
    public SortedDictionary<string, ModelRecord> Models { get; init; } = new(StringComparer.Ordinal);

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public static AdoptionLedger Load(string path)
    {
        if (!File.Exists(path)) return new AdoptionLedger();
        try
        {
            var l = JsonSerializer.Deserialize<AdoptionLedger>(File.ReadAllText(path), Json) ?? throw new JsonException("empty ledger");
            if (l.Version != 2)
                throw new BridgeException(AdoptDiagnosticIds.BadLedger, new SourceLoc.Text(path, 1, 1),
                    $"adoption ledger version {l.Version} is not 2 (a ledger from before evidence was bound to content hashes): start a new one");
            return l with { Models = new SortedDictionary<string, ModelRecord>(l.Models, StringComparer.Ordinal) };
        }
        catch (JsonException e)
        {
            throw new BridgeException(AdoptDiagnosticIds.BadLedger, new SourceLoc.Text(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1),
                $"the adoption ledger is not valid: {e.Message}");
        }
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public ModelRecord Get(string model) => Models.TryGetValue(model, out var r) ? r
        : throw new BridgeException(AdoptDiagnosticIds.UnknownModel, SourceLoc.Unknown.Instance,
            $"model '{(model.Length > 200 ? model[..200] + "…" : model)}' has no adoption record; run `bridge zoo` and `bridge adopt record` first");

    /// <summary>Which path serves <paramref name="model"/>.</summary>
    public ServingPath Route(string model) => Get(model).Stage == AdoptionStage.S0 ? ServingPath.Relay : ServingPath.Relax;

    /// <summary>
    /// Folds a zoo output folder (its <c>results/*.json</c>) into the ledger. A result whose run id is already recorded for
    /// the same bytes is not counted again; a result for changed bytes drops the old evidence and puts the model back to S0.
    /// Returns the ledger and how many results were new.
    /// </summary>
    public (AdoptionLedger Ledger, int Added, int Duplicates) Record(string zooOutDir, DateTimeOffset now)
    {
        var dir = Directory.Exists(System.IO.Path.Combine(zooOutDir, "results")) ? System.IO.Path.Combine(zooOutDir, "results") : zooOutDir;
        var results = ZooSession.ReadResults(dir);
        if (results.Count == 0)
            throw new BridgeException(AdoptDiagnosticIds.NoResults, SourceLoc.Unknown.Instance, $"no zoo results (*.json) under {dir}");
        var models = new SortedDictionary<string, ModelRecord>(Models, StringComparer.Ordinal);
        int added = 0, dup = 0;
        var time = Stamp(now);
        foreach (var (file, r) in results)
        {
            if (r.ContentHash.Length == 0 || r.RunId.Length == 0)
                throw new BridgeException(AdoptDiagnosticIds.UnboundResult, new SourceLoc.Text(file, 1, 1),
                    $"result of {r.Name} carries no content hash or run id (written by an older bridge, or the model was unreadable); rerun `bridge zoo`");
            var rec = models.TryGetValue(r.Name, out var o) ? o : new ModelRecord { Path = r.Path, ContentHash = r.ContentHash };
            if (rec.ContentHash != r.ContentHash)
            {
                var history = new List<StageChange>(rec.History);
                history.Add(new StageChange(time, rec.Stage, AdoptionStage.S0, "record",
                    $"model content changed ({Short(rec.ContentHash)} -> {Short(r.ContentHash)}): evidence starts over"));
                rec = rec with { ContentHash = r.ContentHash, Stage = AdoptionStage.S0, Evidence = [], History = history };
            }
            if (rec.Evidence.Any(e => e.RunId == r.RunId)) { dup++; models[r.Name] = rec; continue; }
            var ev = new Evidence
            {
                RunId = r.RunId, Time = r.Finished.Length > 0 ? r.Finished : time, BridgeVersion = r.BridgeVersion, ContentHash = r.ContentHash,
                Seed = r.Seed, Verdict = r.Passed ? "pass" : "fail", ErrorIds = r.ErrorIds, Message = r.Message,
                Dims = r.Dims, PerfRatio = r.PerfRatio,
            };
            models[r.Name] = rec with { Path = r.Path, Evidence = [.. rec.Evidence, ev] };
            added++;
        }
        return (this with { Models = models }, added, dup);
    }

    /// <summary>What keeps <paramref name="model"/> from <paramref name="stage"/> now (empty: its evidence supports it).</summary>
    public List<string> Blockers(string model, AdoptionStage stage)
    {
        var rec = Get(model);
        if (stage == AdoptionStage.S0) return [];
        var (runs, seeds) = stage == AdoptionStage.S1 ? (Gates.S1Runs, Gates.S1Seeds) : (Gates.S2Runs, Gates.S2Seeds);
        var ev = rec.Evidence.Where(e => e.ContentHash == rec.ContentHash).OrderBy(e => e.Time, StringComparer.Ordinal).ToList();
        var blockers = new List<string>();
        if (ev.Count == 0) return [$"no evidence on the current model ({Short(rec.ContentHash)})"];
        var last = ev[^1];
        if (last.Verdict != "pass")
            blockers.Add($"latest check fails (run {last.RunId}{(last.ErrorIds.Length > 0 ? ", " + last.ErrorIds : "")}{(last.Message.Length > 0 ? ": " + Trim(last.Message) : "")})");
        var streak = ev.AsEnumerable().Reverse().TakeWhile(e => e.Verdict == "pass").ToList();
        if (streak.Count < runs) blockers.Add($"{streak.Count} of {runs} green runs in a row");
        var distinctSeeds = streak.Select(e => e.Seed).Distinct().Count();
        if (distinctSeeds < seeds) blockers.Add($"{distinctSeeds} of {seeds} input seeds");
        var fresh = streak.SelectMany(e => e.ErrorIds.Split(';', StringSplitOptions.RemoveEmptyEntries)).Distinct()
            .Where(id => !Gates.AllowedDiagnostics.Contains(id)).ToList();
        if (fresh.Count > 0) blockers.Add($"diagnostics not on the allowed list: {string.Join(", ", fresh)}");
        if (stage == AdoptionStage.S2 && streak.Where(e => e.PerfRatio is not null).Select(e => e.PerfRatio!.Value).DefaultIfEmpty(0).Max() is var worst && worst > Gates.MaxPerfRatio)
            blockers.Add($"Relax/Relay time ratio {worst:0.00} over {Gates.MaxPerfRatio:0.00}");
        if (stage == AdoptionStage.S2 && Gates.S2RequiresPerfRatio && streak.All(e => e.PerfRatio is null))
            blockers.Add("Relax/Relay time ratio not run (needs a CPU-backend run)");
        if (stage == AdoptionStage.S2) blockers.AddRange(DimBlockers(streak));
        return blockers;
    }

    /// <summary>S2: each symbolic dim any green run bound must have run at <see cref="GatePolicy.S2DimValues"/> distinct sizes.</summary>
    private List<string> DimBlockers(IReadOnlyList<Evidence> streak)
    {
        var values = new SortedDictionary<string, SortedSet<long>>(StringComparer.Ordinal);
        foreach (var e in streak)
            foreach (var (k, v) in ZooDims.Parse(e.Dims))
                (values.TryGetValue(k, out var set) ? set : values[k] = []).Add(v);
        return [.. values.Where(kv => kv.Value.Count < Gates.S2DimValues).Select(kv =>
            $"dim {kv.Key}: {kv.Value.Count} of {Gates.S2DimValues} sizes (ran at {string.Join(", ", kv.Value)}; add a zoo run with --dim {kv.Key}=N)")];
    }

    /// <summary>What the gate of <paramref name="stage"/> could not judge (not blockers): today, the perf ratio when no run measured it.</summary>
    public List<string> NotRun(string model, AdoptionStage stage)
    {
        var rec = Get(model);
        if (stage != AdoptionStage.S2 || Gates.S2RequiresPerfRatio) return [];
        var ev = rec.Evidence.Where(e => e.ContentHash == rec.ContentHash && e.Verdict == "pass").ToList();
        return ev.Any(e => e.PerfRatio is not null) ? [] : ["Relax/Relay time ratio: not run (no CPU-backend measurement; not required until S2RequiresPerfRatio)"];
    }

    /// <summary>Sets a model's stage and records why.</summary>
    public AdoptionLedger Move(string model, AdoptionStage to, string by, string reason, DateTimeOffset now)
    {
        var rec = Get(model);
        var history = new List<StageChange>(rec.History) { new(Stamp(now), rec.Stage, to, by, reason) };
        var models = new SortedDictionary<string, ModelRecord>(Models, StringComparer.Ordinal) { [model] = rec with { Stage = to, History = history } };
        return this with { Models = models };
    }

    /// <summary>
    /// <c>adopt gate</c>: every model whose evidence no longer supports its stage is demoted to the highest stage it does
    /// support. Returns the ledger and the demotions (model, from, to, why).
    /// </summary>
    public (AdoptionLedger Ledger, List<(string Model, AdoptionStage From, AdoptionStage To, string Why)> Demoted) Gate(DateTimeOffset now)
    {
        var ledger = this;
        var demoted = new List<(string, AdoptionStage, AdoptionStage, string)>();
        foreach (var (name, rec) in Models)
        {
            var why = Blockers(name, rec.Stage);
            if (why.Count == 0) continue;
            var to = rec.Stage == AdoptionStage.S2 && Blockers(name, AdoptionStage.S1).Count == 0 ? AdoptionStage.S1 : AdoptionStage.S0;
            var reason = string.Join("; ", why);
            ledger = ledger.Move(name, to, "gate", reason, now);
            demoted.Add((name, rec.Stage, to, reason));
        }
        return (ledger, demoted);
    }

    /// <summary>Route manifest a serving system reads: per model, the path, the fallback and the bytes it applies to.</summary>
    public string RouteManifest(DateTimeOffset now) => JsonSerializer.Serialize(new
    {
        generated = Stamp(now),
        models = Models.ToDictionary(kv => kv.Key, kv => new
        {
            serve = Route(kv.Key).ToString().ToLowerInvariant(),
            fallback = kv.Value.Stage == AdoptionStage.S1 ? "relay" : null,
            stage = kv.Value.Stage.ToString(),
            contentHash = kv.Value.ContentHash,
        }),
    }, Json);

    internal static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
    private static string Short(string h) => h.Length > 12 ? h[..12] : h;
    private static string Trim(string s) => s.Length > 160 ? s[..160] + "…" : s;
}

using System.CommandLine;
using Bridge.Compat.Adopt;
using Bridge.Core.IO;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge adopt</c>: staged adoption of Relax per model (S0 shadow → S1 opt-in → S2 default), driven by the evidence of
/// <c>bridge zoo</c> runs bound to each model's content hash, kept in a ledger file (<c>adoption.json</c>). See MIGRATION.md.
/// </summary>
public static class AdoptCommand
{
    public static Command Create(CliContext ctx)
    {
        var state = new Option<string>("--state") { Description = "the adoption ledger (JSON)", DefaultValueFactory = _ => "adoption.json" };
        var cmd = new Command("adopt", "Staged Relax adoption per model: record zoo evidence, gate (CI), promote/demote, route, fleet page.");

        var zooDir = new Argument<string>("ZOO_OUT") { Description = "a `bridge zoo -o` (or `zoo merge -o`) output folder" };
        var record = new Command("record", "Fold a zoo run into the ledger (a run already recorded counts once; a changed model starts over at S0).") { zooDir, state };
        record.SetAction(p => ctx.Guard(() =>
        {
            var path = p.GetValue(state)!;
            var (ledger, added, dup) = AdoptionLedger.Load(path).Record(p.GetValue(zooDir)!, DateTimeOffset.UtcNow);
            ledger.Save(path);
            ctx.Out.WriteLine($"recorded {added} result(s) into {path}{(dup > 0 ? $"; {dup} already recorded (same run), not counted again" : "")}");
            return ExitCodes.Ok;
        }));

        var json = new Option<bool>("--json") { Description = "machine-readable: stages, gates, per-model evidence and blockers" };
        var status = new Command("status", "Each model's stage, serving path, evidence and what blocks it.") { state, json };
        status.SetAction(p => ctx.Guard(() =>
        {
            var ledger = AdoptionLedger.Load(p.GetValue(state)!);
            if (p.GetValue(json)) { ctx.Out.WriteLine(AdoptionPage.Json(ledger)); return ExitCodes.Ok; }
            var views = AdoptionPage.Views(ledger).ToList();
            ctx.Out.WriteLine(string.Join("  ", Enum.GetValues<AdoptionStage>().Select(s => $"{s}: {views.Count(v => v.Stage == s.ToString())}")));
            var w = Math.Max(5, views.Select(v => v.Model.Length).DefaultIfEmpty(5).Max());
            ctx.Out.WriteLine($"  {"model".PadRight(w)}  stage  serves  green/runs  last  blockers");
            foreach (var v in views)
            {
                var why = v.StageBlockers.Count > 0 ? "DEMOTE: " + string.Join("; ", v.StageBlockers)
                    : v.Next is null ? "-" : v.NextBlockers.Count == 0 ? $"ready for {v.Next}" : $"{v.Next}: " + string.Join("; ", v.NextBlockers);
                if (v.NotRun.Count > 0) why += " (" + string.Join("; ", v.NotRun) + ")";
                ctx.Out.WriteLine($"  {v.Model.PadRight(w)}  {v.Stage,5}  {v.Serves,6}  {$"{v.Green}/{v.Runs}",10}  {v.LastVerdict,4}  {why}");
            }
            return ExitCodes.Ok;
        }));

        var gate = new Command("gate", "Demote every model whose evidence no longer supports its stage; exit 1 if any was (for CI).") { state };
        gate.SetAction(p => ctx.Guard(() =>
        {
            var path = p.GetValue(state)!;
            var (ledger, demoted) = AdoptionLedger.Load(path).Gate(DateTimeOffset.UtcNow);
            ledger.Save(path);
            foreach (var (m, from, to, why) in demoted)
                ctx.Err.WriteLine(Diagnostic.Error(AdoptDiagnosticIds.Demoted, SourceLoc.Unknown.Instance, $"{m}: {from} -> {to}: {why}").Render());
            ctx.Out.WriteLine(demoted.Count == 0 ? $"gate: all {ledger.Models.Count} model(s) hold their stage" : $"gate: {demoted.Count} model(s) demoted");
            return demoted.Count == 0 ? ExitCodes.Ok : ExitCodes.Mismatch;
        }));

        var model = new Argument<string>("MODEL") { Description = "a model name as the zoo reports it (its path in the zoo folder)" };
        var to = new Option<string?>("--to") { Description = "target stage (promote: default the next one; demote: default the previous one)" };
        var reason = new Option<string>("--reason") { Description = "why (kept in the model's history)", Required = true };
        var force = new Option<bool>("--force") { Description = "promote although the gate is not met (recorded as forced)" };
        var promote = new Command("promote", "Move MODEL up a stage when its evidence meets the gate (exit 1 and the blockers otherwise).") { model, to, reason, force, state };
        promote.SetAction(p => ctx.Guard(() =>
        {
            var path = p.GetValue(state)!;
            var ledger = AdoptionLedger.Load(path);
            var name = p.GetValue(model)!;
            var cur = ledger.Get(name).Stage;
            var target = p.GetValue(to) is { } t ? ParseStage(t) : cur == AdoptionStage.S2 ? AdoptionStage.S2 : cur + 1;
            if (target <= cur) throw new BridgeException(AdoptDiagnosticIds.BadStage, SourceLoc.Unknown.Instance, $"{name} is at {cur}; promote goes up (use demote)");
            var blockers = ledger.Blockers(name, target);
            if (blockers.Count > 0 && !p.GetValue(force))
            {
                ctx.Err.WriteLine(Diagnostic.Error(AdoptDiagnosticIds.GateNotMet, SourceLoc.Unknown.Instance, $"{name} cannot enter {target}: {string.Join("; ", blockers)}").Render());
                return ExitCodes.Mismatch;
            }
            ledger.Move(name, target, blockers.Count > 0 ? "promote --force" : "promote", p.GetValue(reason)!, DateTimeOffset.UtcNow).Save(path);
            ctx.Out.WriteLine($"{name}: {cur} -> {target}");
            return ExitCodes.Ok;
        }));
        var demote = new Command("demote", "Move MODEL down a stage (always allowed; the reason is kept).") { model, to, reason, state };
        demote.SetAction(p => ctx.Guard(() =>
        {
            var path = p.GetValue(state)!;
            var ledger = AdoptionLedger.Load(path);
            var name = p.GetValue(model)!;
            var cur = ledger.Get(name).Stage;
            var target = p.GetValue(to) is { } t ? ParseStage(t) : cur == AdoptionStage.S0 ? AdoptionStage.S0 : cur - 1;
            if (target > cur) throw new BridgeException(AdoptDiagnosticIds.BadStage, SourceLoc.Unknown.Instance, $"{name} is at {cur}; demote goes down (use promote)");
            ledger.Move(name, target, "demote", p.GetValue(reason)!, DateTimeOffset.UtcNow).Save(path);
            ctx.Out.WriteLine($"{name}: {cur} -> {target}");
            return ExitCodes.Ok;
        }));

        var route = new Command("route", "Print which path serves MODEL now (relay or relax).") { model, state };
        route.SetAction(p => ctx.Guard(() =>
        {
            ctx.Out.WriteLine(AdoptionLedger.Load(p.GetValue(state)!).Route(p.GetValue(model)!).ToString().ToLowerInvariant());
            return ExitCodes.Ok;
        }));

        var outFile = new Option<string>("--output", "-o") { Description = "file to write", Required = true };
        var routes = new Command("routes", "Write the route manifest (JSON: per model serve/fallback/stage/content hash) a serving system reads.") { outFile, state };
        routes.SetAction(p => ctx.Guard(() =>
        {
            AtomicFile.WriteAllText(p.GetValue(outFile)!, AdoptionLedger.Load(p.GetValue(state)!).RouteManifest(DateTimeOffset.UtcNow));
            return ExitCodes.Ok;
        }));
        var page = new Command("page", "Write the HTML fleet page: stage counts and what blocks each model.") { outFile, state };
        page.SetAction(p => ctx.Guard(() =>
        {
            AtomicFile.WriteAllText(p.GetValue(outFile)!, AdoptionPage.Html(AdoptionLedger.Load(p.GetValue(state)!), DateTimeOffset.UtcNow));
            return ExitCodes.Ok;
        }));

        foreach (var c in new[] { record, status, gate, promote, demote, route, routes, page }) cmd.Subcommands.Add(c);
        return cmd;
    }

    private static AdoptionStage ParseStage(string text) =>
        Enum.TryParse<AdoptionStage>(text, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s
            : throw new BridgeException(AdoptDiagnosticIds.BadStage, SourceLoc.Unknown.Instance, $"unknown stage '{(text.Length > 20 ? text[..20] + "…" : text)}' (expected S0, S1 or S2)");
}

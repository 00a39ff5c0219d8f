using System.CommandLine;
using Bridge.Compat.Adopt;
using Bridge.Core.Diagnostics;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge adopt</c>: staged adoption of Relax across a model fleet (S0 shadow → S1 opt-in → S2 default), driven by the
/// evidence of <c>bridge zoo</c> runs and kept in a ledger file (<c>adoption.json</c>). See MIGRATION.md.
/// </summary>
public static class AdoptCommand
{
    public static Command Create(CliContext ctx)
    {
        var state = new Option<string>("--state") { Description = "the adoption ledger (JSON)", DefaultValueFactory = _ => "adoption.json" };
        var cmd = new Command("adopt", "Staged Relax adoption: record zoo evidence, show gates, route models, move S0 → S1 → S2.");

        var zooDir = new Argument<string>("ZOO_OUT") { Description = "a `bridge zoo -o` output folder (its results/*.json)" };
        var record = new Command("record", "Fold one zoo run into the ledger (a pass adds a green run; a failure resets the streak).") { zooDir, state };
        record.SetAction(p => ctx.Guard(() =>
        {
            var path = p.GetValue(state)!;
            var ledger = AdoptionLedger.Load(path).Record(p.GetValue(zooDir)!, DateTimeOffset.UtcNow);
            ledger.Save(path);
            ctx.Out.WriteLine($"recorded {ledger.Models.Count} model(s) into {path}; {ledger.Models.Keys.Count(ledger.GateMet)} past the gate ({ledger.MinGreenRuns} green runs)");
            return ExitCodes.Ok;
        }));

        var status = new Command("status", "Show the stage, each model's evidence, gate and serving path.") { state };
        status.SetAction(p => ctx.Guard(() =>
        {
            var ledger = AdoptionLedger.Load(p.GetValue(state)!);
            ctx.Out.WriteLine($"stage {ledger.Stage}; gate: {ledger.MinGreenRuns} green zoo runs in a row");
            var w = Math.Max(5, ledger.Models.Keys.Select(k => k.Length).DefaultIfEmpty(5).Max());
            ctx.Out.WriteLine($"  {"model".PadRight(w)}  green  runs  gate  serves  last");
            foreach (var (name, r) in ledger.Models)
                ctx.Out.WriteLine($"  {name.PadRight(w)}  {r.GreenRuns,5}  {r.TotalRuns,4}  {(ledger.GateMet(name) ? "met" : "-"),4}  {ledger.Route(name).ToString().ToLowerInvariant(),6}  {r.LastOutcome}{(r.LastErrorIds.Length > 0 ? " " + r.LastErrorIds : "")}");
            return ExitCodes.Ok;
        }));

        var target = new Argument<string>("STAGE") { Description = "S0 (shadow), S1 (opt-in) or S2 (default, Relay retired)" };
        var force = new Option<bool>("--force") { Description = "enter S2 although some models have not met the gate" };
        var minGreen = new Option<int?>("--min-green") { Description = "change the gate (green zoo runs in a row)" };
        var stage = new Command("stage", "Move the fleet to another stage (S2 requires every model past its gate).") { target, state, force, minGreen };
        stage.SetAction(p => ctx.Guard(() =>
        {
            var path = p.GetValue(state)!;
            var text = p.GetValue(target)!;
            if (!Enum.TryParse<AdoptionStage>(text, ignoreCase: true, out var to) || !Enum.IsDefined(to))
                throw new BridgeException(AdoptDiagnosticIds.BadStage, SourceLoc.Unknown.Instance, $"unknown stage '{text}' (expected S0, S1 or S2)");
            var ledger = AdoptionLedger.Load(path);
            if (p.GetValue(minGreen) is int g) ledger = ledger with { MinGreenRuns = Math.Max(1, g) };
            var blockers = ledger.Blockers(to);
            if (blockers.Count > 0 && !p.GetValue(force))
            {
                ctx.Err.WriteLine(Diagnostic.Error(AdoptDiagnosticIds.GateNotMet, SourceLoc.Unknown.Instance,
                    $"cannot enter {to}: {blockers.Count} model(s) have not met the gate ({ledger.MinGreenRuns} green runs): {string.Join(", ", blockers)}").Render());
                return ExitCodes.Mismatch;
            }
            (ledger with { Stage = to }).Save(path);
            ctx.Out.WriteLine($"stage {ledger.Stage} -> {to}");
            return ExitCodes.Ok;
        }));

        var model = new Argument<string>("MODEL") { Description = "a model name as the zoo reports it" };
        var route = new Command("route", "Print which path serves MODEL now (relay or relax).") { model, state };
        route.SetAction(p => ctx.Guard(() =>
        {
            var ledger = AdoptionLedger.Load(p.GetValue(state)!);
            ctx.Out.WriteLine(ledger.Route(p.GetValue(model)!).ToString().ToLowerInvariant());
            return ExitCodes.Ok;
        }));

        cmd.Subcommands.Add(record);
        cmd.Subcommands.Add(status);
        cmd.Subcommands.Add(stage);
        cmd.Subcommands.Add(route);
        return cmd;
    }
}

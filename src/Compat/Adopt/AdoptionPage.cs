using System.Net;
using System.Text;
using System.Text.Json;

namespace Bridge.Compat.Adopt;

/// <summary>The fleet views of the ledger: an HTML page (stage counts, what blocks each model) and <c>status --json</c>.</summary>
public static class AdoptionPage
{
    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    /// <summary>Per model: stage, serving path, evidence counts, the blockers of its current stage (if it would be demoted)
    /// and of the next one.</summary>
    public static IEnumerable<ModelView> Views(AdoptionLedger l) => l.Models.Select(kv =>
    {
        var (name, r) = (kv.Key, kv.Value);
        var next = r.Stage == AdoptionStage.S2 ? (AdoptionStage?)null : r.Stage + 1;
        var last = r.Evidence.OrderBy(e => e.Time, StringComparer.Ordinal).LastOrDefault();
        return new ModelView(name, r.Stage.ToString(), l.Route(name).ToString().ToLowerInvariant(), r.ContentHash, r.Evidence.Count,
            r.Evidence.Count(e => e.Verdict == "pass"), last?.Verdict ?? "none", last?.RunId ?? "",
            l.Blockers(name, r.Stage), next?.ToString(), next is { } n ? l.Blockers(name, n) : [],
            r.History.LastOrDefault() is { } h ? $"{h.Time} {h.From}->{h.To} by {h.By}: {h.Reason}" : "",
            l.NotRun(name, next ?? r.Stage),
            [.. r.Evidence.Where(e => e.ContentHash == r.ContentHash && e.Dims.Length > 0).Select(e => e.Dims).Distinct(StringComparer.Ordinal)]);
    });

    public sealed record ModelView(string Model, string Stage, string Serves, string ContentHash, int Runs, int Green, string LastVerdict,
        string LastRun, List<string> StageBlockers, string? Next, List<string> NextBlockers, string LastChange,
        List<string> NotRun, List<string> DimsRun);

    public static string Json(AdoptionLedger l) => JsonSerializer.Serialize(new
    {
        gates = l.Gates,
        stages = Enum.GetValues<AdoptionStage>().ToDictionary(s => s.ToString(), s => l.Models.Values.Count(m => m.Stage == s)),
        models = Views(l),
    }, AdoptionLedger.Json);

    public static string Html(AdoptionLedger l, DateTimeOffset now)
    {
        var views = Views(l).ToList();
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>bridge adoption fleet</title><style>")
          .Append("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;vertical-align:top}")
          .Append(".S0{background:#eee}.S1{background:#def}.S2{background:#dfd}.bad{color:#a00}.num{text-align:right}</style></head><body>\n")
          .Append("<h1>Relax adoption: ").Append(views.Count).Append(" models</h1>\n<p>generated ").Append(E(AdoptionLedger.Stamp(now)))
          .Append(". Gates: S1 needs ").Append(l.Gates.S1Runs).Append(" green runs over ").Append(l.Gates.S1Seeds).Append(" seeds; S2 needs ")
          .Append(l.Gates.S2Runs).Append(" over ").Append(l.Gates.S2Seeds).Append(" seeds and a Relax/Relay time ratio under ")
          .Append(l.Gates.MaxPerfRatio.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).Append(" when measured, and ").Append(l.Gates.S2DimValues).Append(" sizes of each symbolic input dim.</p>\n");
        sb.Append("<h2>Stages</h2><table><tr><th>stage</th><th>models</th></tr>\n");
        foreach (var s in Enum.GetValues<AdoptionStage>())
            sb.Append("<tr class=\"").Append(s).Append("\"><td>").Append(s).Append("</td><td class=\"num\">").Append(views.Count(v => v.Stage == s.ToString())).Append("</td></tr>\n");
        sb.Append("</table>\n<h2>Models</h2><table><tr><th>model</th><th>stage</th><th>serves</th><th>green / runs</th><th>last</th><th>blocks its stage</th><th>blocks the next stage</th><th>not run</th><th>dims run at</th><th>last change</th></tr>\n");
        foreach (var v in views)
        {
            sb.Append("<tr class=\"").Append(v.Stage).Append("\"><td>").Append(E(v.Model)).Append("<br><small>").Append(E(v.ContentHash.Length > 12 ? v.ContentHash[..12] : v.ContentHash))
              .Append("</small></td><td>").Append(v.Stage).Append("</td><td>").Append(v.Serves).Append("</td><td class=\"num\">").Append(v.Green).Append(" / ").Append(v.Runs)
              .Append("</td><td").Append(v.LastVerdict == "fail" ? " class=\"bad\"" : "").Append('>').Append(E(v.LastVerdict)).Append("</td><td class=\"bad\">")
              .Append(string.Join("<br>", v.StageBlockers.Select(E))).Append("</td><td>")
              .Append(v.Next is null ? "-" : v.NextBlockers.Count == 0 ? $"ready for {v.Next}" : string.Join("<br>", v.NextBlockers.Select(E)))
              .Append("</td><td><small>").Append(string.Join("<br>", v.NotRun.Select(E))).Append("</small></td><td><small>")
              .Append(string.Join("<br>", v.DimsRun.Select(E))).Append("</small></td><td><small>").Append(E(v.LastChange)).Append("</small></td></tr>\n");
        }
        return sb.Append("</table></body></html>\n").ToString();
    }
}

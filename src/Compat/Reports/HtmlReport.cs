using System.Globalization;
using System.Net;
using System.Text;
using Bridge.Compat.Check;
using Bridge.Compat.Zoo;

namespace Bridge.Compat.Reports;

/// <summary>
/// Self-contained HTML reports (one file, inline CSS, no scripts, no external resources) for <c>bridge check --report x.html</c>
/// and the zoo's <c>report.html</c>, for people who review a migration in a browser or attach it to a CI run. Every value
/// that comes from a model (names, messages, locations) is HTML-encoded.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
        h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
        table{border-collapse:collapse;margin:.5em 0}
        th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
        th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .pass{background:#e6f4ea}.fail{background:#fce8e6}.nondeterministic,.unsupported{background:#fef7e0}
        .skipped,.n\/a{color:#888}code{font-size:.95em}
        """;

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
    private static string N(double d) => double.IsFinite(d) ? d.ToString("G4", CultureInfo.InvariantCulture) : E(d.ToString(CultureInfo.InvariantCulture));

    private static StringBuilder Begin(string title)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
          .Append(Style).Append("</style></head><body>\n<h1>").Append(E(title)).Append("</h1>\n");
        return sb;
    }

    private static string End(StringBuilder sb) => sb.Append("</body></html>\n").ToString();

    /// <summary>One model's check: the paths that ran, every pairwise comparison, the first diverging op.</summary>
    public static string Check(CheckReport r)
    {
        var sb = Begin($"bridge check: {r.Model}");
        var verdict = !r.Compared ? "not compared" : r.Agree ? "all paths agree" : "paths differ";
        sb.Append("<p>Seed ").Append(r.Seed).Append(" · <strong class=\"").Append(r.Agree ? "pass" : "fail").Append("\">").Append(E(verdict)).Append("</strong></p>\n");
        sb.Append("<h2>Paths</h2>\n<table><tr><th>path</th><th>status</th><th>outputs</th><th>seconds</th></tr>\n");
        foreach (var p in r.Paths)
        {
            var outputs = p.Outputs is null ? "" : string.Join(", ", p.Outputs.Select(o => $"{o.Name}: {o.Tensor.DType}[{string.Join(", ", o.Tensor.Shape)}]"));
            sb.Append("<tr class=\"").Append(p.Ok ? "pass" : "fail").Append("\"><td>").Append(E(p.Name)).Append("</td><td>")
              .Append(p.Ok ? "ok" : E(p.Error?.Render())).Append("</td><td>").Append(E(outputs)).Append("</td><td class=\"num\">")
              .Append(p.Seconds.ToString("0.000", CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        }
        foreach (var (path, reason) in r.Skipped)
            sb.Append("<tr class=\"skipped\"><td>").Append(E(path)).Append("</td><td colspan=\"3\">skipped: ").Append(E(reason)).Append("</td></tr>\n");
        sb.Append("</table>\n<h2>Comparisons</h2>\n<table><tr><th>reference</th><th>actual</th><th>output</th><th>status</th><th>rule</th>" +
                  "<th>atol</th><th>rtol</th><th>max abs</th><th>max rel</th><th>mismatched</th><th>note</th></tr>\n");
        foreach (var d in r.Diffs)
        {
            var o = d.Result.Options;
            sb.Append("<tr class=\"").Append(E(d.Status)).Append("\"><td>").Append(E(d.Reference)).Append("</td><td>").Append(E(d.Actual))
              .Append("</td><td>").Append(E(d.Output)).Append("</td><td>").Append(E(d.Status)).Append("</td><td>").Append(E(o.Rule.ToString()))
              .Append("</td><td class=\"num\">").Append(N(o.Atol)).Append("</td><td class=\"num\">").Append(N(o.Rtol))
              .Append("</td><td class=\"num\">").Append(N(d.Result.MaxAbsError)).Append("</td><td class=\"num\">").Append(N(d.Result.MaxRelError))
              .Append("</td><td class=\"num\">").Append(d.Result.Mismatches).Append(" / ").Append(d.Result.Elements).Append("</td><td>")
              .Append(d.RandomSource is { } rs ? "depends on random node " + E(rs) : "").Append("</td></tr>\n");
        }
        sb.Append("</table>\n");
        if (r.Divergences.FirstOrDefault() is { } v)
            sb.Append("<h2>First diverging op</h2>\n<p><code>").Append(E(v.RelayLoc.ToString())).Append("</code>: ").Append(E(v.RelayOp))
              .Append(" → ").Append(E(v.RelaxOp)).Append("<br>").Append(E(v.Result.ToString())).Append("</p>\n");
        sb.Append(HtmlCharts.CheckSection(r));
        return End(sb);
    }

    /// <summary>A zoo run: the per-stage pass rates, then one row per model with its stages and first error.</summary>
    public static string Zoo(IReadOnlyList<ZooResult> results)
    {
        var sb = Begin($"bridge zoo: {results.Count} models");
        sb.Append("<h2>Stages</h2>\n<table><tr><th>stage</th><th>passed</th><th>applies</th><th>rate</th></tr>\n");
        foreach (var (stage, passed, applicable) in ZooRunner.Summary(results))
            sb.Append("<tr><td>").Append(E(stage)).Append("</td><td class=\"num\">").Append(passed).Append("</td><td class=\"num\">").Append(applicable)
              .Append("</td><td class=\"num\">").Append(applicable == 0 ? "-" : (100.0 * passed / applicable).ToString("0.0", CultureInfo.InvariantCulture) + "%")
              .Append("</td></tr>\n");
        sb.Append("</table>\n<h2>Models</h2>\n<table><tr><th>model</th><th>kind</th><th>import</th><th>translate</th><th>well-formed</th><th>run</th>" +
                  "<th>check</th><th>round trip</th><th>diagnostics</th><th>message</th><th>seconds</th></tr>\n");
        foreach (var r in results.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            sb.Append("<tr><td>").Append(E(r.Name)).Append("</td><td>").Append(E(r.Kind)).Append("</td>");
            foreach (var s in (string[])[r.Import, r.Translate, r.WellFormed, r.Run, r.Check, r.RoundTrip])
                sb.Append("<td class=\"").Append(E(s)).Append("\">").Append(E(s)).Append("</td>");
            sb.Append("<td>").Append(E(r.ErrorIds)).Append("</td><td>").Append(E(r.Message)).Append("</td><td class=\"num\">")
              .Append(r.Seconds.ToString("0.000", CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        }
        sb.Append("</table>\n");
        sb.Append(HtmlCharts.ZooSection(results));
        return End(sb);
    }
}

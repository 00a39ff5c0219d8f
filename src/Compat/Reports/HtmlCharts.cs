using System.Globalization;
using System.Net;
using System.Text;
using Bridge.Compat.Check;
using Bridge.Compat.Diff;
using Bridge.Compat.Zoo;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Bridge.Compat.Reports;

/// <summary>
/// The charts of the HTML reports, drawn by OxyPlot (OxyPlot.Core's SVG exporter, MIT, from NuGet) as inline SVG, so the
/// reports stay one self-contained file without scripts: per compared output a histogram of absolute errors (log10 buckets) with
/// its statistics, the error-by-node curve of a per-node comparison, and for the zoo a histogram of the models' largest errors.
/// Each chart is a <c>figure</c> of class <c>chart</c> plus its kind (<c>histogram</c>, <c>curve</c>).
/// </summary>
public static class HtmlCharts
{
    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
    private static string G(double d) => d.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>The statistics table and one histogram per compared output with values (check report).</summary>
    public static string CheckSection(CheckReport r)
    {
        var sb = new StringBuilder();
        var rows = r.Diffs.Where(d => d.RandomSource is null).Select(d => (d, s: DiffStats.Of(r, d))).Where(x => x.s is not null).ToList();
        if (rows.Count > 0)
        {
            sb.Append("<h2>Error statistics</h2>\n<table><tr><th>actual vs reference</th><th>output</th><th>max abs</th><th>mean abs</th><th>median abs</th>" +
                      "<th>p99 abs</th><th>max rel</th><th>mean rel</th><th>median rel</th><th>p99 rel</th><th>cosine</th><th>mismatched</th></tr>\n");
            foreach (var (d, s) in rows)
                sb.Append("<tr class=\"").Append(E(d.Status)).Append("\"><td>").Append(E($"{d.Actual} vs {d.Reference}")).Append("</td><td>").Append(E(d.Output))
                  .Append(string.Concat(new[] { s!.MaxAbs, s.MeanAbs, s.MedianAbs, s.P99Abs, s.MaxRel, s.MeanRel, s.MedianRel, s.P99Rel, s.Cosine }
                      .Select(v => "</td><td class=\"num\">" + E(G(v)))))
                  .Append("</td><td class=\"num\">").Append(s.Mismatches).Append(" / ").Append(s.Elements).Append("</td></tr>\n");
            sb.Append("</table>\n<h2>Error histograms</h2>\n");
            foreach (var (d, s) in rows)
            {
                var (labels, counts) = ErrorStats.Histogram(s!.AbsSample);
                var title = $"{d.Actual} vs {d.Reference}: {d.Output}";
                sb.Append(Figure("histogram", title, Bars(title, "|actual − reference|", labels, counts,
                    s.AbsSample.Length < s.Elements - s.NonFinite ? $"elements (sample of {s.AbsSample.Length})" : "elements")));
            }
        }
        if (r.Localization is { } loc)
        {
            sb.Append("<h2>Per-node comparison</h2>\n");
            foreach (var n in loc.Notes) sb.Append("<p>").Append(E(n)).Append("</p>\n");
            foreach (var f in loc.First)
            {
                sb.Append("<p><strong>").Append(E($"{f.Actual} vs {f.Reference}")).Append("</strong>: first diverging node <code>").Append(E(f.Node))
                  .Append("</code> (").Append(E(f.Op)).Append(f.Attributes.Length > 0 ? " " + E(f.Attributes) : "").Append(")<br>").Append(E(f.Result.ToString()));
                foreach (var i in f.InputStats) sb.Append("<br>input ").Append(E(i));
                if (f.Stats is { } st) sb.Append("<br>error ").Append(E(st.ToString()));
                sb.Append("</p>\n");
            }
            foreach (var c in loc.Curves.Where(c => c.Points.Count > 0))
            {
                var title = $"max |error| by node: {c.Actual} vs {c.Reference}";
                sb.Append(Figure("curve", title, Curve(title, c)));
            }
        }
        return sb.ToString();
    }

    /// <summary>A histogram of the models' largest absolute errors (zoo report); empty when no model was compared.</summary>
    public static string ZooSection(IReadOnlyList<ZooResult> results)
    {
        var errors = results.Where(r => r.MaxAbsError is not null).Select(r => r.MaxAbsError!.Value).ToList();
        if (errors.Count == 0) return "";
        var (labels, counts) = ErrorStats.Histogram(errors);
        const string title = "largest |error| per compared model";
        return "<h2>Error histogram</h2>\n" + Figure("histogram", title, Bars(title, "max |actual − reference|", labels, counts, "models"));
    }

    private static string Figure(string kind, string title, string svg) =>
        $"<figure class=\"chart {kind}\" data-title=\"{E(title)}\">{svg}<figcaption>{E(title)}</figcaption></figure>\n";

    private static string Bars(string title, string bucketTitle, IReadOnlyList<string> labels, IReadOnlyList<long> counts, string countTitle)
    {
        var model = new PlotModel { Title = title, TitleFontSize = 12 };
        var cat = new CategoryAxis { Position = AxisPosition.Left, Title = bucketTitle, Key = "buckets" };
        cat.Labels.AddRange(labels);
        model.Axes.Add(cat);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = countTitle, Minimum = 0, MinimumPadding = 0, AbsoluteMinimum = 0 });
        var bars = new BarSeries { YAxisKey = "buckets", FillColor = OxyColor.FromRgb(0x4e, 0x79, 0xa7) };
        // Empty buckets get no bar (not even a zero-width one), so the drawn bars are the occupied buckets.
        for (var i = 0; i < counts.Count; i++)
            if (counts[i] > 0) bars.Items.Add(new BarItem { Value = counts[i], CategoryIndex = i });
        model.Series.Add(bars);
        return Svg(model, 640, 360);
    }

    private static string Curve(string title, PairCurve c)
    {
        const double floor = 1e-12;
        var model = new PlotModel { Title = title, TitleFontSize = 12 };
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "node (topological order)" });
        model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Left, Title = $"max |error| (floor {floor:G0})", Minimum = floor });
        var line = new LineSeries { Color = OxyColor.FromRgb(0x4e, 0x79, 0xa7), MarkerType = MarkerType.Circle, MarkerSize = 2 };
        var bad = new ScatterSeries { MarkerType = MarkerType.Diamond, MarkerSize = 4, MarkerFill = OxyColor.FromRgb(0xe1, 0x57, 0x59), Title = "over tolerance" };
        foreach (var p in c.Points)
        {
            var y = double.IsFinite(p.MaxAbs) ? Math.Max(p.MaxAbs, floor) : 1e6;
            line.Points.Add(new DataPoint(p.Index, y));
            if (!p.Passed) bad.Points.Add(new ScatterPoint(p.Index, y, double.NaN, double.NaN, null));
        }
        model.Series.Add(line);
        model.Series.Add(bad);
        return Svg(model, 720, 320);
    }

    /// <summary>The chart as an inline <c>svg</c> element (the exporter's XML declaration dropped: it has no place inside HTML).</summary>
    private static string Svg(PlotModel model, double width, double height)
    {
        var svg = SvgExporter.ExportToString(model, width, height, false, null, false);
        var at = svg.IndexOf("<svg", StringComparison.Ordinal);
        // Inline SVG in HTML needs no namespace declarations (the parser puts <svg> in the SVG namespace); dropping them keeps
        // the reports free of any URL.
        return (at > 0 ? svg[at..] : svg).Replace(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "", StringComparison.Ordinal)
            .Replace(" xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal);
    }
}

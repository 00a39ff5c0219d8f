using System.Diagnostics;
using System.Text.RegularExpressions;
using Bridge.Compat.Check;
using Bridge.Compat.Reports;
using Bridge.Compat.Tests.Reference;
using Bridge.Compat.Zoo;
using Bridge.Core.IO;

namespace Bridge.Compat.Tests.Reports;

/// <summary>
/// Opens the check and zoo HTML reports in headless Chromium (Debian's <c>/usr/bin/chromium</c>, installed by scripts/setup.sh)
/// and reads back the DOM the browser built: every histogram figure must hold a parsed SVG chart with drawn bars (OxyPlot's bar
/// fill), so a report whose charts fail to parse or are empty fails here.
/// </summary>
[NonParallelizable]
public class HtmlChartsBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string BarFill = "fill:rgb(78,121,167)";

    private static string DumpDom(string html)
    {
        if (!File.Exists(Chromium)) Assert.Fail($"{Chromium} is missing: scripts/setup.sh installs Debian's chromium");
        var file = Path.Combine(Path.GetTempPath(), $"bridge-report-{Environment.ProcessId}-{Guid.NewGuid():N}.html");
        AtomicFile.WriteAllText(file, html);
        try
        {
            var profile = Directory.CreateTempSubdirectory("bridge-chromium-").FullName;
            var psi = new ProcessStartInfo(Chromium, ["--headless", "--no-sandbox", "--disable-gpu", $"--user-data-dir={profile}", "--dump-dom", new Uri(file).AbsoluteUri])
                { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var dom = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(120_000)) { p.Kill(true); Assert.Fail("chromium --dump-dom timed out"); }
            try { Directory.Delete(profile, true); } catch (IOException) { }
            Assert.That(p.ExitCode, Is.EqualTo(0), () => stderr.Result);
            return dom;
        }
        finally { File.Delete(file); }
    }

    /// <summary>The figures of a kind in the browser's DOM, each with its bar count.</summary>
    private static List<(string Title, int Bars)> Figures(string dom, string kind) =>
        [.. Regex.Matches(dom, $"<figure class=\"chart {kind}\" data-title=\"([^\"]*)\">(.*?)</figure>", RegexOptions.Singleline)
            .Select(m => (m.Groups[1].Value, Regex.Count(m.Groups[2].Value, Regex.Escape(BarFill)) + (m.Groups[2].Value.Contains("<svg", StringComparison.Ordinal) ? 0 : -1000)))];

    [Test]
    public void CheckReportHistogramsRender()
    {
        var r = ModelChecker.Check(OnnxFixtures.Good("num_conv_v11"), new CheckOptions { Load = new LoadOptions { Seed = 1 } });
        var figures = Figures(DumpDom(HtmlReport.Check(r)), "histogram");
        Assert.That(figures.Select(f => f.Title), Is.EquivalentTo(r.Diffs.Select(d => $"{d.Actual} vs {d.Reference}: {d.Output}")));
        Assert.That(figures.Where(f => f.Bars < 1), Is.Empty, "each histogram has an SVG with at least one drawn bar");
    }

    [Test]
    public void ZooReportHistogramRenders()
    {
        ZooResult[] results =
        [
            new() { Name = "a", Kind = "Onnx", Check = StageStatus.Pass, MaxAbsError = 3e-7 },
            new() { Name = "b", Kind = "Onnx", Check = StageStatus.Pass, MaxAbsError = 0 },
            new() { Name = "c", Kind = "Onnx", Check = StageStatus.Fail, MaxAbsError = 0.25 },
            new() { Name = "d", Kind = "RelayText", Check = StageStatus.Fail },
        ];
        var figures = Figures(DumpDom(HtmlReport.Zoo(results)), "histogram");
        Assert.That(figures, Has.Count.EqualTo(1));
        Assert.That(figures[0].Bars, Is.EqualTo(3), "three models have an error, each in its own decade");
    }
}

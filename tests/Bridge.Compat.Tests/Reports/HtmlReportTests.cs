using Bridge.Compat.Check;
using Bridge.Compat.Reports;
using Bridge.Compat.Zoo;

namespace Bridge.Compat.Tests.Reports;

/// <summary>The HTML reports: complete, self-contained pages whose model-derived text is encoded.</summary>
public sealed class HtmlReportTests
{
    [Test]
    public void CheckReportListsPathsAndComparisonsAndEncodesNames()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"bridge-html-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var model = Path.Combine(dir, "m<script>.relay");
            File.WriteAllText(model, "#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(2, 3), float32]) { negative(%x) }\n");
            var report = ModelChecker.Check(model);
            var html = HtmlReport.Check(report);
            Assert.That(html, Does.StartWith("<!DOCTYPE html>").And.EndWith("</html>\n"));
            Assert.That(html, Does.Contain("m&lt;script&gt;.relay").And.Not.Contain("m<script>"));
            Assert.That(html, Does.Contain("<td>relay</td>").And.Contain("<td>relax</td>").And.Contain("all paths agree"));
            Assert.That(html, Does.Contain("<td>relax</td><td>output0</td><td>pass</td>"));
            Assert.That(html, Does.Not.Contain("<script").And.Not.Contain("http"));
            // The writer picks the format from the extension.
            var path = Path.Combine(dir, "r.html");
            CheckReportWriter.Write(path, report);
            Assert.That(File.ReadAllText(path), Is.EqualTo(html));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void ZooReportHasTheStageRatesAndOneRowPerModel()
    {
        ZooResult[] results =
        [
            new() { Name = "b.onnx", Kind = "Onnx", Import = StageStatus.Pass, Translate = StageStatus.Pass, WellFormed = StageStatus.Pass, Run = StageStatus.Pass, Check = StageStatus.Pass },
            new() { Name = "a.relay", Kind = "RelayText", Import = StageStatus.Pass, Translate = StageStatus.Fail, ErrorIds = "BRG4000", Message = "ADT & <match>" },
        ];
        var html = HtmlReport.Zoo(results);
        Assert.That(html, Does.Contain("bridge zoo: 2 models"));
        Assert.That(html, Does.Contain("<td>translate</td><td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">50.0%</td>"));
        Assert.That(html.IndexOf("a.relay", StringComparison.Ordinal), Is.LessThan(html.IndexOf("b.onnx", StringComparison.Ordinal)));
        Assert.That(html, Does.Contain("ADT &amp; &lt;match&gt;"));
        Assert.That(html, Does.Contain($"<td class=\"{StageStatus.Fail}\">{StageStatus.Fail}</td>"));
    }
}

using Bridge.Compat.Zoo;

namespace Bridge.Compat.Tests.Zoo;

/// <summary>
/// The zoo report of committed corpora is unchanged by refactoring (issue 21: "the corpus zoo report is identical before and
/// after"). The golden files were written by the zoo of main before the zoo moved onto the verbs' pipeline (<c>bridge zoo DIR
/// -o OUT</c>, the CSV less its seconds column, the corpus folder written <c>&lt;corpus&gt;</c>). A deliberate change of a row
/// updates the golden file in the same commit, with the reason in its message.
/// </summary>
[NonParallelizable]
public class ZooReportGoldenTests
{
    private static string GoldenDir([System.Runtime.CompilerServices.CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Golden");

    [TestCase("relay/text", true, "relay-text.random-weights.csv")]
    [TestCase("relax", false, "relax.csv")]
    public void ZooReportOfTheCommittedCorpusIsUnchanged(string folder, bool randomWeights, string golden)
    {
        var corpus = Path.Combine(AgreementTests.Corpora, folder);
        var outDir = Directory.CreateTempSubdirectory("bridge-zoo-golden-").FullName;
        try
        {
            ZooRunner.Run(corpus, outDir, new ZooOptions { Jobs = 2, RandomWeights = randomWeights });
            var rows = File.ReadAllLines(Path.Combine(outDir, "report.csv"))
                .Select(l => l[..l.LastIndexOf(',')].Replace(corpus, "<corpus>", StringComparison.Ordinal)).ToList();
            var expected = File.ReadAllLines(Path.Combine(GoldenDir(), golden));
            Assert.That(rows, Is.EqualTo(expected), $"zoo report of corpora/{folder} differs from Zoo/Golden/{golden}");
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }
}

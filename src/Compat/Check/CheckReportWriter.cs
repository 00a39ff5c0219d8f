using System.Globalization;
using System.Text.Json;
using Bridge.Core.IO;
using CsvHelper;

namespace Bridge.Compat.Check;

/// <summary>
/// Writes a <see cref="CheckReport"/> as CSV (one row per compared output, CsvHelper), JSON (everything) or HTML (a page for
/// people, <see cref="Reports.HtmlReport"/>), by the file's extension, atomically. Each
/// comparison has a status: pass, fail, or nondeterministic (a random-dependent output, compared on shape and dtype only, with
/// the random node named in RandomSource).
/// </summary>
public static class CheckReportWriter
{
    /// <summary>One CSV row.</summary>
    public sealed record Row(string Model, ulong Seed, string Reference, string Actual, string Output, string Rule, double Atol, double Rtol,
        bool Passed, double MaxAbsError, double MaxRelError, long Mismatches, long Elements, string FirstDivergence, string Status, string RandomSource);

    public static void Write(string path, CheckReport report)
    {
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) AtomicFile.WriteAllText(path, ToJson(report));
        else if (path.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".htm", StringComparison.OrdinalIgnoreCase))
            AtomicFile.WriteAllText(path, Reports.HtmlReport.Check(report));
        else AtomicFile.WriteAllText(path, ToCsv(report));
    }

    public static string ToCsv(CheckReport r)
    {
        var div = r.Divergences.FirstOrDefault()?.ToString() ?? "";
        var rows = r.Diffs.Select(d => new Row(r.Model, r.Seed, d.Reference, d.Actual, d.Output, d.Result.Options.Rule.ToString(), d.Result.Options.Atol,
            d.Result.Options.Rtol, d.Result.Passed, d.Result.MaxAbsError, d.Result.MaxRelError, d.Result.Mismatches, d.Result.Elements, div,
            d.Status, d.RandomSource ?? ""));
        using var sw = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(sw, CultureInfo.InvariantCulture)) csv.WriteRecords(rows);
        return sw.ToString();
    }

    public static string ToJson(CheckReport r)
    {
        var doc = new
        {
            model = r.Model,
            seed = r.Seed,
            agree = r.Agree,
            paths = r.Paths.Select(p => new { name = p.Name, ok = p.Ok, seconds = p.Seconds, error = p.Error?.Render(), errorId = p.Error?.Id.ToString(),
                outputs = p.Outputs?.Select(o => OutputJson(o.Name, o.Tensor)) }),
            dims = r.Dims?.All.Select(b => new { name = b.Name, value = b.Value, source = b.Source.ToString().ToLowerInvariant(), detail = b.Detail }),
            generatedInputs = r.GeneratedInputs,
            internalFloat = r.InternalFloat?.ToString(),
            skipped = r.Skipped.Select(s => new { path = s.Path, reason = s.Reason }),
            comparisons = r.Diffs.Select(d => new
            {
                reference = d.Reference, actual = d.Actual, output = d.Output, passed = d.Result.Passed, status = d.Status, randomSource = d.RandomSource,
                rule = d.Result.Options.Rule.ToString(),
                atol = d.Result.Options.Atol, rtol = d.Result.Options.Rtol, maxAbs = Finite(d.Result.MaxAbsError), maxRel = Finite(d.Result.MaxRelError),
                mismatches = d.Result.Mismatches, elements = d.Result.Elements,
                scale = d.Scale, strictPassed = d.Strict?.Passed, strictMismatches = d.Strict?.Mismatches,
            }),
            firstDivergence = r.Divergences.Select(v => new { relayLocation = v.RelayLoc.ToString(), relayOp = v.RelayOp, relaxOp = v.RelaxOp, invocation = v.Invocation, detail = v.Result.ToString() }).FirstOrDefault(),
            cannotLocalise = r.Divergences.Count == 0 ? r.CannotLocalise : null,
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true });
    }

    private static object OutputJson(string name, Core.Tensors.Tensor t)
    {
        var sv = SpecialValues.Of(t);
        return new { name, dtype = t.DType.ToString(), shape = t.Shape.ToArray(), nan = sv.NaN, posInf = sv.PosInf, negInf = sv.NegInf };
    }

    // JSON has no NaN/Infinity.
    private static double? Finite(double d) => double.IsFinite(d) ? d : null;
}

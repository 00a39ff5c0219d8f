using System.CommandLine;
using Bridge.Compat.Check;
using Bridge.Compat.Diff;
using Bridge.Core.Files;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge compare REFERENCE.npz ACTUAL.npz [--rtol R --atol A] [--tol name=rtol,atol]… [--policy P]</c>: compares two saved
/// output sets (<c>check --save-outputs</c>, <c>run -o</c>, numpy/torch/TVM runs saved with <c>np.savez</c>) with the rules of
/// <c>bridge check</c>; prints the statistics per output; exit 0 all agree, 1 any differ, 2 bad input.
/// </summary>
public static class CompareCommand
{
    public static Command Create(CliContext ctx)
    {
        var reference = new Argument<string>("REFERENCE") { Description = "expected outputs (.npz/.npy/.params); the reference side of the relative error" };
        var actual = new Argument<string>("ACTUAL") { Description = "outputs to check against the reference" };
        var rtol = new Option<double?>("--rtol") { Description = "relative tolerance for every output (default: per dtype)" };
        var atol = new Option<double?>("--atol") { Description = "absolute tolerance for every output (default: per dtype)" };
        var tol = new Option<string[]>("--tol") { Description = "tolerances of one output: name=rtol,atol (repeatable)", AllowMultipleArgumentsPerToken = true };
        var policy = new Option<TolerancePolicy>("--policy")
        {
            Description = "default tolerances: strict (torch.testing table, Polygraphy rule; default) or framework (allclose, fp32 1e-5/1e-5)",
            DefaultValueFactory = _ => TolerancePolicy.Strict,
        };
        var cmd = new Command("compare", "Compare two saved output sets (.npz) with check's tolerance rules and print error statistics.")
            { reference, actual, rtol, atol, tol, policy };
        cmd.SetAction(p => Run(ctx, p.GetValue(reference)!, p.GetValue(actual)!, p.GetValue(rtol), p.GetValue(atol), p.GetValue(tol) ?? [], p.GetValue(policy)));
        return cmd;
    }

    public static int Run(CliContext ctx, string referencePath, string actualPath, double? rtol, double? atol, string[] tol,
        TolerancePolicy policy = TolerancePolicy.Strict) => ctx.Guard(() =>
    {
        var options = new OutputSetComparer.Options
        {
            Policy = policy == TolerancePolicy.Auto ? TolerancePolicy.Strict : policy, Rtol = rtol, Atol = atol, PerOutput = OutputTolerances.Parse(tol),
        };
        var expected = TensorFiles.Load(referencePath);
        var got = TensorFiles.Load(actualPath);
        var matched = OutputSetComparer.MatchedBy(expected, got, $"{referencePath} vs {actualPath}");
        var results = OutputSetComparer.Compare(expected, got, options, $"{referencePath} vs {actualPath}");
        var o = ctx.Out;
        o.WriteLine($"{actualPath} vs {referencePath}: {results.Count} output(s) matched by {matched}");
        foreach (var r in results)
        {
            o.WriteLine($"  {r.Name}{(r.ActualName == r.Name ? "" : $" ~ {r.ActualName}")}: {r.Result}");
            if (r.Stats is { } s) o.WriteLine($"    {s}");
        }
        var extra = got.Select(g => g.Name).Except(results.Select(r => r.ActualName), StringComparer.Ordinal).ToList();
        if (extra.Count > 0) o.WriteLine($"  not in the reference (not compared): {string.Join(", ", extra)}");
        var ok = results.All(r => r.Result.Passed);
        o.WriteLine(ok ? "PASSED: all outputs agree" : $"FAILED: {results.Count(r => !r.Result.Passed)} of {results.Count} output(s) differ");
        return ok ? ExitCodes.Ok : ExitCodes.Mismatch;
    });
}

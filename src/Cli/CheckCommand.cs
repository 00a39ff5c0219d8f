using System.CommandLine;
using System.Globalization;
using Bridge.Compat.Check;
using Bridge.Compat.Inputs;
using Bridge.Core.Files;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge check MODEL [--inputs IN.npz | --seed N] [--dim n=4] [--rtol R --atol A] [--nan-mismatch] [--report FILE.csv|.json|.html]</c>:
/// runs every path of the model on the same inputs and compares the outputs pairwise. Every path is reported, also one that fails
/// to convert or run; the paths that ran are still compared. Exit 0: every pair agreed and no path failed; 1: a pair differs or a
/// path failed; 2: no path could run, or bad input/usage; 3: a bug in bridge (a path stopped on an internal error).
/// </summary>
public static class CheckCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = new Argument<string>("MODEL") { Description = "Relay text, Relax TVMScript or ONNX" };
        var inputs = new Option<string?>("--inputs") { Description = "input tensors by name (.npz/.npy/.params); missing ones are generated; their shapes set the symbolic dims" };
        var seed = new Option<ulong>("--seed") { Description = "seed of generated inputs and constants", DefaultValueFactory = _ => 0 };
        var rtol = new Option<double?>("--rtol") { Description = "relative tolerance (default: per dtype, torch.testing's table)" };
        var atol = new Option<double?>("--atol") { Description = "absolute tolerance (default: per dtype; setting it turns the scale rule off)" };
        var policy = new Option<TolerancePolicy>("--policy")
        {
            Description = "default tolerances: auto (strict between Bridge paths, framework + scale rule against ONNX Runtime/PyTorch), strict (torch.testing table, " +
                "Polygraphy rule) or framework (allclose, fp32 1e-5/1e-5, as TVM's ONNX frontend tests)",
            DefaultValueFactory = _ => TolerancePolicy.Auto,
        };
        var report = new Option<string?>("--report") { Description = "write a report (.csv, .json or .html)" };
        var dim = DimOption.Create();
        var nanMismatch = new Option<bool>("--nan-mismatch") { Description = "NaN at the same position in both outputs is a mismatch (default: equal, as numpy assert_allclose)" };
        var meta = new Option<string?>("--meta") { Description = "meta table (consts.json, npz or params)" };
        var pars = new Option<string?>("--params") { Description = "parameter values (npz/params)" };
        var randomWeights = new Option<bool>("--random-weights") { Description = "fill weights that have no value (types-only meta table, missing .params) with seeded random values" };
        var printAfter = PrintAfterOption.Create();
        var reference = TorchReferenceHelp.Option();
        var cmd = new Command("check", "Run every available path (Relay, Relax, ONNX Runtime) on the same inputs and compare the outputs.")
            { model, inputs, seed, rtol, atol, policy, report, dim, nanMismatch, meta, pars, randomWeights, printAfter, reference };
        var backend = CpuBackendCli.BackendOption();
        cmd.Options.Add(backend);
        var simulate = CudaBackendCli.AddTo(cmd);
        var diff = new CheckDiffCli();
        diff.AddTo(cmd);
        cmd.SetAction(p =>
        {
            var d = diff.Read(p);
            return CheckDiffCli.Finish(ctx, d, p.GetValue(model)!, Run(ctx, p.GetValue(model)!, p.GetValue(inputs), p.GetValue(seed), p.GetValue(rtol),
                p.GetValue(atol), p.GetValue(report), p.GetValue(dim) ?? [], p.GetValue(meta), p.GetValue(pars), p.GetValue(policy), p.GetValue(nanMismatch),
                p.GetValue(randomWeights), d, p.GetValue(printAfter) ?? [], p.GetValue(reference)!, CpuBackendCli.IsCpu(p.GetValue(backend)),
                CudaBackendCli.IsCuda(p.GetValue(backend)), p.GetValue(simulate)));
        });
        return cmd;
    }

    public static int Run(CliContext ctx, string modelPath, string? inputsPath, ulong seed, double? rtol, double? atol, string? reportPath,
        string[] dims, string? meta, string? pars, TolerancePolicy policy = TolerancePolicy.Auto, bool nanMismatch = false, bool randomWeights = false,
        CheckDiffCli.Request? diff = null, string[]? printAfter = null, string reference = "saved", bool cpu = false, bool cuda = false, bool simulate = false) => ctx.Guard(() =>
    {
        if (cuda) CudaBackendCli.OpenForCheck(ctx, simulate);
        var (input, load, pipeline) = VerbInputs.Open("check", modelPath, dims, meta, pars, seed, randomWeights, printAfter, ctx.Err);
        var given = inputsPath is null ? null : TensorFiles.Load(inputsPath).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
        var opts = new CheckOptions
        {
            Load = load,
            Pipeline = pipeline,
            Inputs = given,
            InputsOrigin = inputsPath,
            Rtol = rtol,
            Atol = atol,
            Policy = policy,
            NanMismatch = nanMismatch,
            PerOutput = diff?.PerOutput ?? Bridge.Compat.Diff.OutputTolerances.None,
            Reference = reference,
        };
        var r = ModelChecker.Check(input, opts);
        if (cpu) CpuBackendCli.AddToCheck(ctx, r, modelPath, opts);
        if (cuda) CudaBackendCli.AddToCheck(ctx, r, modelPath, opts, simulate);
        CheckDiffCli.AfterCheck(diff, r, opts, CheckDiffCli.RerunArguments(seed, rtol, atol, policy, dims, nanMismatch, randomWeights));
        var o = ctx.Out;
        o.WriteLine($"{modelPath}: seed {seed}, tolerance policy {policy.ToString().ToLowerInvariant()} (Elementwise: Polygraphy, fail iff |a-b| > atol AND " +
            $"|a-b|/|ref| > rtol; AllClose: fail iff |a-b| > atol + rtol·|ref|; NaN {(nanMismatch ? "fails" : "equal where both are NaN")})");
        if (r.Dims is { } b) WriteInputsSummary(o, b, r.GeneratedInputs, given?.Keys, seed);
        if (r.RandomWeights > 0) o.WriteLine($"  {r.RandomWeights} weights filled with seeded random values (--random-weights)");
        if (r.InternalFloat is { } lf) o.WriteLine($"  the model computes in {lf} inside: float outputs are compared against the source runtime with {lf} tolerances");
        foreach (var p in r.Paths)
        {
            o.WriteLine(p.Ok ? $"  path {p.Name}: ok, {p.Outputs!.Count} output(s), {p.Seconds.ToString("0.000", CultureInfo.InvariantCulture)} s"
                : $"  path {p.Name}: FAILED {p.Error!.Id} {p.Error.Message}");
            foreach (var (name, t) in p.Outputs ?? [])
                if (SpecialValues.Of(t) is { Any: true } sv) o.WriteLine($"    {name}: {sv}");
        }
        foreach (var (path, why) in r.Skipped) o.WriteLine($"  path {path}: skipped ({why})");
        foreach (var (path, note) in r.Notes) o.WriteLine($"  path {path}: note {note.Id} {note.Message}");
        foreach (var d in r.Diffs)
        {
            o.WriteLine(d.RandomSource is { } src
                ? $"  {d.Actual} vs {d.Reference} {d.Output}: {d.Status.ToUpperInvariant()} (depends on random node {src}; shape and dtype compared{(d.Result.Passed ? "" : $": {d.Result}")})"
                : $"  {d.Actual} vs {d.Reference} {d.Output}: {d.Result}");
            if (OutputComparison.Explain(d) is { } why) o.WriteLine($"    {why}");
        }
        foreach (var v in r.Divergences) o.WriteLine($"  {v}");
        if (r.CannotLocalise is { } cl && r.Divergences.Count == 0 && r.Compared && !r.Agree) o.WriteLine($"  first divergence: cannot localise ({cl})");
        CheckDiffCli.Print(o, r);
        if (reportPath is not null) CheckReportWriter.Write(reportPath, r);
        foreach (var failed in r.Paths.Where(p => !p.Ok)) ctx.Err.WriteLine(failed.Error!.Render());
        var verdict = Verdict(r);
        o.WriteLine(verdict.Line);
        return verdict.Exit;
    });

    /// <summary>The verdict line and exit code of a check (see the class summary).</summary>
    public static (string Line, int Exit) Verdict(CheckReport r)
    {
        var failed = r.Paths.Where(p => !p.Ok).Select(p => $"{p.Name} ({p.Error!.Id})").ToList();
        if (r.NoPathRan)
            return ($"ERROR: no path could run ({string.Join(", ", failed)})", r.InternalError ? ExitCodes.InternalError : ExitCodes.InputError);
        var differ = r.Diffs.Any(d => !d.Result.Passed);
        var pairs = r.Diffs.Select(d => (d.Reference, d.Actual)).Distinct().Count();
        string line;
        if (failed.Count > 0)
            line = $"FAILED: path(s) {string.Join(", ", failed)} did not run; " +
                (pairs == 0 ? "no pair of paths left to compare" : differ ? "the paths that ran differ" : $"the {pairs} pair(s) of paths that ran agree");
        else if (!r.Compared)
            return ($"NOT COMPARED: only one path could run ({string.Join(", ", r.Paths.Select(p => p.Name))}); nothing to compare", ExitCodes.InputError);
        else line = differ ? "FAILED: paths differ"
            : $"PASSED: all paths agree{(r.Nondeterministic.Any() ? " (random-dependent outputs: shape and dtype only)" : "")}";
        if (r.InternalError) return (line + " (a path stopped on a bug in bridge: exit 3)", ExitCodes.InternalError);
        return (line, failed.Count > 0 || differ ? ExitCodes.Mismatch : ExitCodes.Ok);
    }

    /// <summary>Prints the symbolic dims with their sources and which inputs were generated (run and check).</summary>
    public static void WriteInputsSummary(TextWriter o, DimBindings dims, IReadOnlyCollection<string> generated, IEnumerable<string>? given, ulong seed)
    {
        if (dims.All.Count > 0) o.WriteLine($"  dims: {string.Join(", ", dims.All)}");
        if (given is not null) o.WriteLine($"  inputs given: {string.Join(", ", given.Order(StringComparer.Ordinal))}");
        if (generated.Count > 0) o.WriteLine($"  inputs generated (seed {seed}, floats uniform [0, 1), ints 0/1): {string.Join(", ", generated)}");
    }
}

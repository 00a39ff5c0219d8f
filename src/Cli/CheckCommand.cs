using System.CommandLine;
using System.Globalization;
using Bridge.Compat.Check;
using Bridge.Compat.Inputs;
using Bridge.Core.Files;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge check MODEL [--inputs IN.npz | --seed N] [--rtol R --atol A] [--report FILE.csv|.json] [--shape n=4]</c>: runs every
/// available path on the same inputs and compares outputs with Polygraphy's rule; exit 0 all agree, 1 any differ, 2 error.
/// </summary>
public static class CheckCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = new Argument<string>("MODEL") { Description = "Relay text, Relax TVMScript or ONNX" };
        var inputs = new Option<string?>("--inputs") { Description = "input tensors by name (.npz/.npy/.params); missing ones are generated" };
        var seed = new Option<ulong>("--seed") { Description = "seed of generated inputs and constants", DefaultValueFactory = _ => 0 };
        var rtol = new Option<double?>("--rtol") { Description = "relative tolerance (default: per dtype, torch.testing's table)" };
        var atol = new Option<double?>("--atol") { Description = "absolute tolerance (default: per dtype)" };
        var policy = new Option<TolerancePolicy>("--policy")
        {
            Description = "default tolerances: auto (strict between Bridge paths, framework against ONNX Runtime/PyTorch), strict (torch.testing table, " +
                "Polygraphy rule) or framework (allclose, fp32 1e-5/1e-5, as TVM's ONNX frontend tests)",
            DefaultValueFactory = _ => TolerancePolicy.Auto,
        };
        var report = new Option<string?>("--report") { Description = "write a report (.csv, .json or .html)" };
        var shape = new Option<string[]>("--shape") { Description = "size of a symbolic dim: n=4 (? = anonymous dims)", AllowMultipleArgumentsPerToken = true };
        var meta = new Option<string?>("--meta") { Description = "meta table (consts.json, npz or params)" };
        var pars = new Option<string?>("--params") { Description = "parameter values (npz/params)" };
        var cmd = new Command("check", "Run every available path (Relay, Relax, ONNX Runtime) on the same inputs and compare the outputs.")
            { model, inputs, seed, rtol, atol, policy, report, shape, meta, pars };
        cmd.SetAction(p => Run(ctx, p.GetValue(model)!, p.GetValue(inputs), p.GetValue(seed), p.GetValue(rtol), p.GetValue(atol), p.GetValue(report),
            p.GetValue(shape) ?? [], p.GetValue(meta), p.GetValue(pars), p.GetValue(policy)));
        return cmd;
    }

    public static int Run(CliContext ctx, string modelPath, string? inputsPath, ulong seed, double? rtol, double? atol, string? reportPath,
        string[] shapes, string? meta, string? pars, TolerancePolicy policy = TolerancePolicy.Auto) => ctx.Guard(() =>
    {
        var opts = new CheckOptions
        {
            Load = new LoadOptions { Seed = seed, Dims = RandomInputs.ParseDimOverrides(shapes), Shapes = shapes, MetaPath = meta, ParamsPath = pars },
            Inputs = inputsPath is null ? null : TensorFiles.Load(inputsPath).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal),
            Rtol = rtol,
            Atol = atol,
            Policy = policy,
        };
        var r = ModelChecker.Check(modelPath, opts);
        var o = ctx.Out;
        o.WriteLine($"{modelPath}: seed {seed}, tolerance policy {policy.ToString().ToLowerInvariant()} (Elementwise: Polygraphy, fail iff |a-b| > atol AND " +
            "|a-b|/|ref| > rtol; AllClose: fail iff |a-b| > atol + rtol·|ref|; NaN fails)");
        foreach (var p in r.Paths)
            o.WriteLine(p.Ok ? $"  path {p.Name}: ok, {p.Outputs!.Count} output(s), {p.Seconds.ToString("0.000", CultureInfo.InvariantCulture)} s"
                : $"  path {p.Name}: FAILED {p.Error!.Id} {p.Error.Message}");
        foreach (var (path, why) in r.Skipped) o.WriteLine($"  path {path}: skipped ({why})");
        foreach (var d in r.Diffs)
            o.WriteLine(d.RandomSource is { } src
                ? $"  {d.Actual} vs {d.Reference} {d.Output}: {d.Status.ToUpperInvariant()} (depends on random node {src}; shape and dtype compared{(d.Result.Passed ? "" : $": {d.Result}")})"
                : $"  {d.Actual} vs {d.Reference} {d.Output}: {d.Result}");
        foreach (var v in r.Divergences) o.WriteLine($"  {v}");
        if (reportPath is not null) CheckReportWriter.Write(reportPath, r);
        var failed = r.Paths.FirstOrDefault(p => !p.Ok);
        if (failed is not null) ctx.Err.WriteLine(failed.Error!.Render());
        if (!r.Compared)
        {
            if (failed is null)
                ctx.Err.WriteLine($"{modelPath}: only one path could run ({string.Join(", ", r.Paths.Select(p => p.Name))}); nothing to compare");
            return ExitCodes.InputError;
        }
        if (failed is not null)
        {
            // Some pairs compared, but a path could not run: not a pass.
            o.WriteLine($"FAILED: path {failed.Name} did not run ({failed.Error!.Id}){(r.Agree ? "; the paths that ran agree" : "; paths differ")}");
            return ExitCodes.Mismatch;
        }
        o.WriteLine(r.Agree ? $"PASSED: all paths agree{(r.Nondeterministic.Any() ? " (random-dependent outputs: shape and dtype only)" : "")}" : "FAILED: paths differ");
        return r.Agree ? ExitCodes.Ok : ExitCodes.Mismatch;
    });
}

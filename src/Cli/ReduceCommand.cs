using System.CommandLine;
using Bridge.Compat.Check;
using Bridge.Compat.Diff;
using Bridge.Compat.Inputs;
using Bridge.Core.Files;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge reduce MODEL.onnx [--inputs IN.npz | --seed N] [-o OUT_DIR] [--rtol R --atol A --tol name=rtol,atol --policy P]</c>:
/// shrinks an ONNX model on which check's paths disagree (or one fails) to a small subgraph that still does, written as
/// OUT_DIR/MODEL.reduced.onnx plus OUT_DIR/MODEL.reduced.inputs.npz (see <see cref="OnnxReducer"/>). Exit 0 when reduced,
/// 2 on bad input or when the model shows nothing to reduce.
/// </summary>
public static class ReduceCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = new Argument<string>("MODEL") { Description = "ONNX model on which two paths disagree or one fails" };
        var inputs = new Option<string?>("--inputs") { Description = "input tensors by name (.npz/.npy/.params); missing ones are generated from --seed" };
        var output = new Option<string?>("--output", "-o") { Description = "output folder (default: MODEL's folder/MODEL-reduced)" };
        var seed = new Option<ulong>("--seed") { Description = "seed of generated inputs", DefaultValueFactory = _ => 0 };
        var rtol = new Option<double?>("--rtol") { Description = "relative tolerance (default: per dtype and policy, as check)" };
        var atol = new Option<double?>("--atol") { Description = "absolute tolerance (default: per dtype and policy, as check)" };
        var tol = new Option<string[]>("--tol") { Description = "tolerances of one output: name=rtol,atol (repeatable)", AllowMultipleArgumentsPerToken = true };
        var policy = new Option<TolerancePolicy>("--policy") { Description = "default tolerances (as check)", DefaultValueFactory = _ => TolerancePolicy.Auto };
        var shape = DimOption.Create();
        var cmd = new Command("reduce", "Shrink an ONNX model whose paths disagree (or one fails) to a minimal subgraph that still shows it.")
            { model, inputs, output, seed, rtol, atol, tol, policy, shape };
        cmd.SetAction(p => Run(ctx, p.GetValue(model)!, p.GetValue(inputs), p.GetValue(output), p.GetValue(seed), p.GetValue(rtol), p.GetValue(atol),
            p.GetValue(tol) ?? [], p.GetValue(policy), p.GetValue(shape) ?? []));
        return cmd;
    }

    public static int Run(CliContext ctx, string modelPath, string? inputsPath, string? outDir, ulong seed, double? rtol, double? atol, string[] tol,
        TolerancePolicy policy, string[] shapes) => ctx.Guard(() =>
    {
        // Refused before anything is loaded (a Relay model's weights, a Relax module's params): reduce rewrites ONNX graphs only.
        if (File.Exists(modelPath) && FormatSniffer.Identify(modelPath).Format != ModelFormat.Onnx)
            throw new BridgeException(DiffDiagnosticIds.UnsupportedForDiff, new SourceLoc.Text(modelPath, 1, 1), "reduce works on ONNX models (Relay text is not supported yet)");
        var options = new CheckOptions
        {
            Load = new LoadOptions { Seed = seed, Dims = RandomInputs.ParseDimOverrides(shapes) },
            Inputs = inputsPath is null ? null : TensorFiles.Load(inputsPath).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal),
            Rtol = rtol, Atol = atol, Policy = policy, PerOutput = OutputTolerances.Parse(tol),
        };
        var feeds = ModelChecker.Inputs(LoadedModel.Load(modelPath, options.Load), options);
        var dir = outDir ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".", Path.GetFileNameWithoutExtension(modelPath) + "-reduced");
        var r = OnnxReducer.Reduce(modelPath, feeds, options, dir);
        var o = ctx.Out;
        o.WriteLine($"{modelPath}: {r.Symptom}" + (inputsPath is null ? $" (inputs generated, seed {seed})" : ""));
        o.WriteLine($"  reduced {r.OriginalNodes} node(s) to {r.Nodes.Length} in {r.Evaluations} check(s): {string.Join(", ", r.Nodes)}");
        o.WriteLine($"  outputs: {string.Join(", ", r.Outputs)}");
        foreach (var d in r.Final.Diffs.Where(d => !d.Result.Passed)) o.WriteLine($"  {d.Actual} vs {d.Reference} {d.Output}: {d.Result}");
        foreach (var p in r.Final.Paths.Where(p => !p.Ok)) o.WriteLine($"  path {p.Name}: FAILED {p.Error!.Id} {p.Error.Message}");
        o.WriteLine($"  wrote {r.ModelPath} and {r.InputsPath} (bridge check {r.ModelPath} --inputs {r.InputsPath} reproduces it)");
        return ExitCodes.Ok;
    });
}

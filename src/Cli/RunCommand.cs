using System.CommandLine;
using Bridge.Compat.Check;
using Bridge.Compat.Inputs;
using Bridge.Core.Files;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge run MODEL [--inputs IN.npz] -o OUT.npz [--path relay|relax|ort] [--dim n=4] [--meta M] [--params P] [--seed N]</c>:
/// runs one path of a model (<see cref="ModelPaths"/>): a Relay text model on the Relay interpreter (or translated, on the Relax
/// interpreter), a Relax TVMScript model on the Relax interpreter, an ONNX model translated to Relax (default) or Relay on the
/// interpreters, or on ONNX Runtime. Symbolic dims take their sizes from <c>--dim</c>, the inputs given, or the documented defaults;
/// inputs missing from IN.npz are generated (seeded) and named as such, as are constants of a types-only meta table.
/// </summary>
public static class RunCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = new Argument<string>("MODEL") { Description = "Relay text, Relax TVMScript or ONNX file" };
        var inputs = new Option<string?>("--inputs") { Description = "input tensors (.npz/.npy/.params) by input name; missing ones are generated" };
        var output = new Option<string>("--output", "-o", "--save-outputs") { Description = "where to write the outputs (.npz: output0, output1, … or the model's output names)", Required = true };
        var path = new Option<string?>("--path") { Description = "relay, relax, ort (onnxruntime) or torch (a .pt in PyTorch itself: " + TorchReferenceHelp.Warning + "); default: relay for Relay models, relax otherwise" };
        var meta = new Option<string?>("--meta") { Description = "meta table (consts.json, npz or params); default: MODEL's .consts.json sibling" };
        var pars = new Option<string?>("--params") { Description = "parameter values (npz/params) for entry params of the same name" };
        var seed = new Option<ulong>("--seed") { Description = "seed of generated inputs and constants", DefaultValueFactory = _ => 0 };
        var dim = DimOption.Create();
        var entry = new Option<string>("--entry") { Description = "function to run", DefaultValueFactory = _ => "main" };
        var randomWeights = new Option<bool>("--random-weights") { Description = "fill weights that have no value (types-only meta table, missing .params) with seeded random values" };
        var load = new Option<string?>("--load-outputs") { Description = "compare the outputs with golden ones (.npz; check's strict rules); exit 1 when they differ" };
        var tol = new Option<string[]>("--tol") { Description = "tolerances of one output: name=rtol,atol (repeatable)", AllowMultipleArgumentsPerToken = true };
        var printAfter = PrintAfterOption.Create();
        var backend = CpuBackendCli.BackendOption();
        var threads = new Option<int?>("--threads") { Description = "--backend cpu: threads of the compiled code (default: all cores)" };
        var cmd = new Command("run", "Run a model on one path (Relay or Relax interpreter, or ONNX Runtime) and write its outputs.")
            { model, inputs, output, path, meta, pars, seed, dim, entry, randomWeights, load, tol, printAfter, backend, threads };
        var simulate = CudaBackendCli.AddTo(cmd);
        cmd.SetAction(p => CudaBackendCli.IsCuda(p.GetValue(backend))
            ? CudaBackendCli.Run(ctx, p.GetValue(model)!, p.GetValue(inputs), p.GetValue(output)!, p.GetValue(path), p.GetValue(seed), p.GetValue(dim) ?? [], p.GetValue(entry)!, p.GetValue(simulate))
            : CpuBackendCli.IsCpu(p.GetValue(backend)) || p.GetValue(model)!.EndsWith(".so", StringComparison.Ordinal)
            ? CpuBackendCli.Run(ctx, p.GetValue(model)!, p.GetValue(inputs), p.GetValue(output)!, p.GetValue(path), p.GetValue(seed), p.GetValue(dim) ?? [], p.GetValue(entry)!, p.GetValue(threads))
            : Run(ctx, p.GetValue(model)!, p.GetValue(inputs), p.GetValue(output)!, p.GetValue(path), p.GetValue(meta), p.GetValue(pars),
            p.GetValue(seed), p.GetValue(dim) ?? [], p.GetValue(entry)!, p.GetValue(randomWeights), p.GetValue(load), p.GetValue(tol) ?? [], p.GetValue(printAfter) ?? []));
        return cmd;
    }

    public static int Run(CliContext ctx, string modelPath, string? inputsPath, string outPath, string? path, string? meta, string? pars, ulong seed,
        string[] dims, string entry, bool randomWeights = false, string? loadOutputs = null, string[]? tol = null, string[]? printAfter = null) => ctx.Guard(() =>
    {
        var (input, load, pipeline) = VerbInputs.Open("run", modelPath, dims, meta, pars, seed, randomWeights, printAfter, ctx.Err);
        var m = LoadedModel.Load(input, load, pipeline);
        var given = inputsPath is null ? null : TensorFiles.Load(inputsPath).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
        var options = new CheckOptions { Load = load, Inputs = given, InputsOrigin = inputsPath, Entry = entry };
        var which = ModelPaths.Canonical(path ?? ModelPaths.Default(m.Kind));
        if (!ModelPaths.Available(m.Kind).Contains(which))
            throw new BridgeException(CheckDiagnosticIds.UnknownPath, SourceLoc.Unknown.Instance, $"--path {path}: {modelPath} can run on {string.Join(", ", ModelPaths.Available(m.Kind))}" +
                (m.Kind == ModelKind.RelaxScript && which == "relay" ? " (Relax cannot be converted back to Relay)" : ""));
        var (feeds, bindings, generated) = ModelChecker.Prepare(m, options);
        var outs = ModelPaths.Run(m, which, feeds, bindings, entry, CancellationToken.None, pipeline);
        NpzFile.Write(outPath, outs);
        ctx.Out.WriteLine($"{modelPath}: ran on {ModelPaths.Engine(which)}, {outs.Count} output(s) -> {outPath}" +
            (m.RandomConstants > 0 ? $" ({m.RandomConstants} weights filled with seeded random values, seed {seed})" : ""));
        if (m.ParamsPath is { } wp) ctx.Out.WriteLine($"  weights: {m.Params.Count} from {wp}");
        CheckCommand.WriteInputsSummary(ctx.Out, bindings, generated, given?.Keys, seed);
        foreach (var (n, t) in outs) ctx.Out.WriteLine($"  {n}: {t}");
        return loadOutputs is null ? ExitCodes.Ok : CheckDiffCli.CompareWithLoaded(ctx.Out, outs, loadOutputs, tol ?? [], which);
    });

}

/// <summary>
/// <c>--dim</c>/<c>--shape</c> on run and check: the one grammar of <see cref="Compat.Pipeline.ShapeArgs"/> (repeatable; <c>--shape</c> is
/// an alias, as <c>--dim</c> is on convert).
/// </summary>
public static class DimOption
{
    public static Option<string[]> Create() => new("--dim", "--shape")
    {
        Description = "size of a symbolic input dim: name=value (repeatable; ?=N for every anonymous dim, input:axis=N for one); TorchScript also " +
            "takes input shapes x=1,3,h,w (x=[n] for rank 1); unset dims take the size of the inputs given, else the documented default (docs/check.md)",
        AllowMultipleArgumentsPerToken = true,
    };
}

/// <summary>The loading steps run and check share: open once, parse the shared options once, enforce the option rules.</summary>
internal static class VerbInputs
{
    public static (Compat.Pipeline.ModelInput Input, LoadOptions Load, Compat.Pipeline.PipelineContext Pipeline) Open(string verb, string modelPath,
        IEnumerable<string> dims, string? meta, string? pars, ulong seed, bool randomWeights, IEnumerable<string>? printAfter, TextWriter err)
    {
        var shapes = Compat.Pipeline.ShapeArgs.Parse(dims, "--dim");
        var pipeline = Compat.Pipeline.PipelineContext.Create(verb, null, printAfter, err);
        var input = Compat.Pipeline.ModelInput.Open(modelPath);
        Compat.Pipeline.OptionRules.Enforce(verb, input, Compat.Pipeline.OptionRules.Given(
            ("--meta", meta is not null), ("--params", pars is not null), ("--random-weights", randomWeights)));
        if (input.Kind != Compat.Pipeline.InputKind.TorchScript)
            shapes.OnlyDims($"{verb} --dim", $"to {Compat.Pipeline.ModelInput.Describe(input.Kind)} (its input shapes are declared; size its symbolic dims with n=4)");
        var load = new LoadOptions { MetaPath = meta, ParamsPath = pars, Seed = seed, Dims = shapes.Dims, Shapes = shapes.TorchEntries(), RandomWeights = randomWeights };
        return (input, load, pipeline);
    }
}

/// <summary>Diagnostics of the interpreter-facing verbs (run, check, zoo, bench) in the CLI range.</summary>
public static class InterpCliDiagnosticIds
{
    /// <summary>An option value is invalid or options conflict.</summary>
    public static readonly DiagnosticId BadOption = new(7600, "CliRunBadOption");
}

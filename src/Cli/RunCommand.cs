using System.CommandLine;
using Bridge.Backends.Reference;
using Bridge.Compat.Check;
using Bridge.Compat.Inputs;
using Bridge.Core.Diagnostics;
using Bridge.Core.Files;
using Bridge.Core.Tensors;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge run MODEL --inputs IN.npz -o OUT.npz [--path relay|relax] [--meta M] [--params P] [--seed N] [--shape n=4]</c>:
/// runs a Relay text model on the Relay interpreter (or translated, on the Relax interpreter with <c>--path relax</c>) or a
/// Relax TVMScript model on the Relax interpreter. Inputs missing from IN.npz and constants of a types-only meta table get
/// seeded random values.
/// </summary>
public static class RunCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = new Argument<string>("MODEL") { Description = "Relay text or Relax TVMScript file" };
        var inputs = new Option<string?>("--inputs") { Description = "input tensors (.npz/.npy/.params) by parameter name" };
        var output = new Option<string>("--output", "-o") { Description = "where to write the outputs (.npz: output0, output1, …)", Required = true };
        var path = new Option<string?>("--path") { Description = "relay (default for Relay input) or relax" };
        var meta = new Option<string?>("--meta") { Description = "meta table (consts.json, npz or params); default: MODEL's .consts.json sibling" };
        var pars = new Option<string?>("--params") { Description = "parameter values (npz/params) for entry params of the same name" };
        var seed = new Option<ulong>("--seed") { Description = "seed of generated inputs and constants", DefaultValueFactory = _ => 0 };
        var shape = new Option<string[]>("--shape") { Description = "size of a symbolic dim: n=4 (? = anonymous dims)", AllowMultipleArgumentsPerToken = true };
        var entry = new Option<string>("--entry") { Description = "function to run", DefaultValueFactory = _ => "main" };
        var cmd = new Command("run", "Run a model on the reference interpreter (Relay or Relax) and write its outputs.")
            { model, inputs, output, path, meta, pars, seed, shape, entry };
        cmd.SetAction(p => Run(ctx, p.GetValue(model)!, p.GetValue(inputs), p.GetValue(output)!, p.GetValue(path), p.GetValue(meta), p.GetValue(pars),
            p.GetValue(seed), p.GetValue(shape) ?? [], p.GetValue(entry)!));
        return cmd;
    }

    public static int Run(CliContext ctx, string modelPath, string? inputsPath, string outPath, string? path, string? meta, string? pars, ulong seed,
        string[] shapes, string entry) => ctx.Guard(() =>
    {
        var load = new LoadOptions { MetaPath = meta, ParamsPath = pars, Seed = seed, Dims = RandomInputs.ParseDimOverrides(shapes), Shapes = shapes };
        var m = LoadedModel.Load(modelPath, load);
        var given = inputsPath is null ? null : TensorFiles.Load(inputsPath).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
        var feeds = m.Kind == ModelKind.Onnx ? throw Bad("ONNX models run on ONNX Runtime through `bridge check`; `bridge run` executes Relay/Relax")
            : m.MakeInputs(load, entry);
        if (given is not null) foreach (var (k, v) in given) feeds[k] = v;
        var which = path ?? (m.Kind == ModelKind.RelayText ? "relay" : "relax");
        IReadOnlyList<(string Name, Tensor Tensor)> outs = (which, m.Kind) switch
        {
            ("relay", ModelKind.RelayText) => ModelChecker.RunRelay(m, feeds, entry, null, CancellationToken.None),
            ("relax", ModelKind.RelayText) => ModelChecker.RunRelax(ModelChecker.Translate(m), m, feeds, entry, null, CancellationToken.None),
            ("relax", ModelKind.RelaxScript) => ModelChecker.RunRelax(m.Relax!, m, feeds, entry, null, CancellationToken.None),
            ("relay" or "relax", ModelKind.TorchScript) => m.Torch!.Run(which, feeds, CancellationToken.None),
            ("relay", ModelKind.RelaxScript) => throw Bad("--path relay needs a Relay model (Relax cannot be converted back)"),
            _ => throw Bad($"unknown --path '{which}' (relay or relax)"),
        };
        NpzFile.Write(outPath, outs);
        ctx.Out.WriteLine($"{modelPath}: ran on the {which} interpreter, {outs.Count} output(s) -> {outPath}" +
            (m.RandomConstants > 0 ? $" ({m.RandomConstants} constants filled with seeded random values, seed {seed})" : ""));
        foreach (var (n, t) in outs) ctx.Out.WriteLine($"  {n}: {t}");
        return ExitCodes.Ok;
    });

    private static BridgeException Bad(string message) => new(InterpCliDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, message);
}

/// <summary>Diagnostics of the interpreter-facing verbs (run, check, zoo, bench) in the CLI range.</summary>
public static class InterpCliDiagnosticIds
{
    /// <summary>An option value is invalid or options conflict.</summary>
    public static readonly DiagnosticId BadOption = new(7600, "CliRunBadOption");
}

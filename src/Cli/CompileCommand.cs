using System.CommandLine;
using System.Globalization;
using Bridge.Backends.Cpu.Runtime;
using Bridge.Compat.Check;
using Bridge.Compat.Cpu;
using Bridge.Compat.Inputs;
using Bridge.Core.IO;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge compile MODEL --target cpu [--path relay|relax] -o model.so [--dim n=4] [--emit-c model.c]</c>: compiles a model
/// to a shared library with the C ABI of <c>bridge_model.h</c> (docs/cpu-backend.md). The library embeds its weights and
/// the kernel library; symbolic dims of the Relax path stay run-time arguments. Prints the fusion/fallback summary.
/// </summary>
public static class CompileCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = new Argument<string>("MODEL") { Description = "ONNX, Relay text or Relax TVMScript model" };
        var target = new Option<string>("--target") { Description = "cpu (generated C, gcc -O3 -march=native, OpenMP)", DefaultValueFactory = _ => "cpu" };
        var path = new Option<string>("--path") { Description = "which IR to compile: relax (default; keeps symbolic dims) or relay", DefaultValueFactory = _ => "relax" };
        var output = new Option<string>("--output", "-o") { Description = "the shared library to write (model.so)", Required = true };
        var emitC = new Option<string?>("--emit-c") { Description = "also write the generated C unit here" };
        var dim = DimOption.Create();
        var meta = new Option<string?>("--meta") { Description = "meta table (consts.json, npz or params)" };
        var pars = new Option<string?>("--params") { Description = "parameter values (npz/params)" };
        var cmd = new Command("compile", "Compile a model to a native shared library (CPU backend).") { model, target, path, output, emitC, dim, meta, pars };
        cmd.SetAction(p => Run(ctx, p.GetValue(model)!, p.GetValue(target)!, p.GetValue(path)!, p.GetValue(output)!, p.GetValue(emitC), p.GetValue(dim) ?? [],
            p.GetValue(meta), p.GetValue(pars)));
        return cmd;
    }

    public static int Run(CliContext ctx, string modelPath, string target, string path, string output, string? emitC, string[] dims, string? meta = null, string? pars = null) =>
        ctx.Guard(() =>
        {
            if (target == "cuda") throw Backends.Cuda.CudaDiagnosticIds.NoArtifactError();
            if (target != "cpu")
                throw new BridgeException(InterpCliDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, $"--target {target}: only cpu is built (docs/cpu-backend.md)");
            if (path is not ("relay" or "relax"))
                throw new BridgeException(InterpCliDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, $"--path {path}: relay or relax");
            var load = new LoadOptions { MetaPath = meta, ParamsPath = pars, Dims = RandomInputs.ParseDimOverrides(dims), Shapes = dims };
            var sw = System.Diagnostics.Stopwatch.StartNew();
            // the model cache first: a hit needs no load, no input signature and no lowering
            var requestKey = CpuCompileCache.ForRequest(modelPath, load, path, "main");
            using var cm = ModelCache.TryOpen(requestKey) ?? CompileLoaded(modelPath, load, path, requestKey);
            var total = sw.Elapsed.TotalSeconds;
            AtomicFile.Write(output, s => { using var lib = File.OpenRead(cm.LibraryPath); lib.CopyTo(s); });
            if (emitC is not null) AtomicFile.WriteAllText(emitC, cm.CSource);
            var r = cm.Report;
            ctx.Out.WriteLine($"{modelPath}: compiled the {path} path -> {output} ({new FileInfo(output).Length / 1024} KiB) in {total.ToString("0.00", CultureInfo.InvariantCulture)} s");
            ctx.Out.WriteLine($"  {r.Summary}");
            if (!r.FromModelCache && r.Phases.Length > 0) ctx.Out.WriteLine($"  codegen phases (s): {r.Phases}");
            var vars = cm.Signature.SymbolicDims;
            ctx.Out.WriteLine($"  inputs: {string.Join(", ", cm.Signature.Inputs.Select(b => $"{b.Name} {b.DType}[{string.Join(", ", b.Shape)}]"))}" +
                (vars.Length > 0 ? $"; symbolic dims {string.Join(", ", vars)} are run-time arguments" : ""));
            if (r.FallbackOps.Length > 0)
                ctx.Out.WriteLine($"  note: {r.FallbackOps.Length} group(s) run on reference kernels ({string.Join(", ", r.FallbackOps.Distinct())}); the library runs them only inside bridge");
            return ExitCodes.Ok;
        });

    private static CompiledModel CompileLoaded(string modelPath, LoadOptions load, string path, string requestKey)
    {
        var m = LoadedModel.Load(modelPath, load);
        // The Relax path of an ONNX model keeps its symbolic dims symbolic: it needs no sizes, so no input signature (which
        // costs an ONNX Runtime session on the whole model) is read for it.
        IReadOnlyDictionary<string, long> sizes = m.Kind == ModelKind.Onnx && path == "relax"
            ? load.Dims : ModelChecker.ResolveDims(m, new CheckOptions { Load = load }).Values;
        return CpuPaths.Compile(m, path, sizes, "main", load, requestKey);
    }
}

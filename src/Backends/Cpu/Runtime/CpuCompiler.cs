using System.Collections.Immutable;
using System.Diagnostics;
using Bridge.Backends.Cpu.Codegen;
using Bridge.Backends.Cpu.Lowering;
using Bridge.Core.Diagnostics;
using Bridge.Core.Shapes;

namespace Bridge.Backends.Cpu.Runtime;

/// <summary>What the compiler did: groups, fallbacks, memory plan, timings (for <c>bridge compile</c>, <c>check</c>, <c>bench</c>).</summary>
public sealed record CompileReport(
    string Source, int Ops, ImmutableArray<string> Groups, ImmutableArray<string> FallbackOps, int PlannedBuffers, int Slots,
    double LowerSeconds, double CodegenSeconds, double BuildSeconds, bool Cached)
{
    public string Summary =>
        $"{Source}: {Ops} ops → {Groups.Length} groups, {FallbackOps.Length} on reference kernels{(FallbackOps.Length > 0 ? " (" + string.Join(", ", FallbackOps.Distinct()) + ")" : "")}, " +
        $"{PlannedBuffers} intermediates in {Slots} slots; codegen {CodegenSeconds:F2} s, C build {BuildSeconds:F2} s{(Cached ? " (cached)" : "")}";
}

/// <summary>
/// The CPU compiler: a lowered <see cref="TensorProgram"/> → constant folding → fusion → memory plan → C → shared library
/// (kernel library + model, cached by content hash by <see cref="NativeBuild"/>).
/// </summary>
public static class CpuCompiler
{
    /// <summary>Compiles <paramref name="program"/>; <paramref name="lowerSeconds"/> is the front end's time, for the report.</summary>
    public static CompiledModel Compile(TensorProgram program, double lowerSeconds = 0)
    {
        var sw = Stopwatch.StartNew();
        CheckVars(program);
        var folded = ConstantFolding.Run(program);
        var groups = Fusion.Run(folded);
        var plan = MemoryPlan.Build(groups, folded.Outputs);
        var module = CModuleWriter.Write(folded, groups, plan, WeightsFile, WeightPrepack.Run(groups));
        var codegen = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var sources = NativeBuild.KernelSources().Append(new NativeSource("model.c", module.CText)).ToList();
        var runsBefore = NativeBuild.CompilerRuns;
        var lib = NativeBuild.BuildSharedLibrary(sources);
        var build = sw.Elapsed.TotalSeconds;
        var cached = NativeBuild.CompilerRuns == runsBefore;
        var report = new CompileReport(program.Source, program.Ops.Length, [.. groups.Select(g => g.Describe())],
            [.. module.Fallbacks.Select(f => f.Root.SourceOp)], plan.Buffers, plan.SlotSizes.Length, lowerSeconds, codegen, build, cached);
        return new CompiledModel(lib, folded, groups, module, report);
    }

    /// <summary>Every symbolic dim inside the program must be an expression of dims the inputs bind (BRG6103).</summary>
    private static void CheckVars(TensorProgram p)
    {
        var bound = new HashSet<SymVar>(p.Inputs.SelectMany(b => b.Shape).OfType<SymVar>(), ReferenceEqualityComparer.Instance);
        foreach (var op in p.Ops)
            foreach (var d in op.Output.Shape)
                foreach (var v in d.FreeVars())
                    if (!bound.Contains(v))
                        throw new BridgeException(CpuDiagnosticIds.CannotCompile, op.Loc,
                            $"cannot compile the {p.Source} program: {op.SourceOp} has dim {d} that no input shape binds ({v.Name}{(v.IsAny ? ", an unnamed '?' dim" : "")})");
    }

    /// <summary>The weights of a model live in the cache under their content hash; the generated C embeds them with .incbin.</summary>
    private static string WeightsFile(byte[] weights)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(weights));
        var path = Path.Combine(NativeBuild.CacheDir, "weights-" + hash[..32] + ".bin");
        if (!File.Exists(path))
        {
            var tmp = path + ".tmp" + Environment.ProcessId;
            File.WriteAllBytes(tmp, weights);
            File.Move(tmp, path, overwrite: true);
        }
        return path;
    }
}

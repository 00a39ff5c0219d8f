using System.Diagnostics;
using Bridge.Backends.Cpu.Codegen;
using Bridge.Backends.Cpu.Lowering;

namespace Bridge.Backends.Cpu.Runtime;

/// <summary>What the compiler did: groups, fallbacks, memory plan, timings (for <c>bridge compile</c>, <c>check</c>, <c>bench</c>).</summary>
public sealed record CompileReport(
    string Source, int Ops, ImmutableArray<string> Groups, ImmutableArray<string> FallbackOps, int PlannedBuffers, int Slots,
    double LowerSeconds, double CodegenSeconds, double BuildSeconds, bool Cached)
{
    /// <summary>The whole model came from the compile cache (<see cref="ModelCache"/>): no lowering, codegen or C build ran.</summary>
    public bool FromModelCache { get; init; }
    /// <summary>Where the code generation's time went (<c>fold 0.40, fuse+plan 0.01, …</c>), for <c>compile --verbose</c> and docs.</summary>
    public string Phases { get; init; } = "";
    /// <summary>What the front end had to give up (e.g. symbolic dims compiled at fixed sizes), null when nothing.</summary>
    public string? Note { get; init; }
    /// <summary>How many C units the model was split into (compiled in parallel).</summary>
    public int Units { get; init; } = 1;

    public string Summary =>
        $"{Source}: {Ops} ops → {Groups.Length} groups, {FallbackOps.Length} on reference kernels{(FallbackOps.Length > 0 ? " (" + string.Join(", ", FallbackOps.Distinct()) + ")" : "")}, " +
        $"{PlannedBuffers} intermediates in {Slots} slots; " +
        (FromModelCache ? "from the compile cache (model hash + options)" :
            $"lower {LowerSeconds:F2} s, codegen {CodegenSeconds:F2} s, C build {BuildSeconds:F2} s{(Cached ? " (cached)" : $" ({Units} unit{(Units == 1 ? "" : "s")})")}") +
        (Note is null ? "" : "; " + Note);
}

/// <summary>
/// The CPU compiler: a lowered <see cref="TensorProgram"/> → constant folding → fusion → memory plan → C → shared library
/// (kernel library + model, cached by content hash by <see cref="NativeBuild"/>).
/// </summary>
public static class CpuCompiler
{
    /// <summary>
    /// The most C units a model is split into: <c>$BRIDGE_CPU_UNITS</c>, else twice the build jobs (so the largest unit does
    /// not hold the others up). 1 turns splitting off.
    /// </summary>
    public static int MaxUnits =>
        int.TryParse(Environment.GetEnvironmentVariable("BRIDGE_CPU_UNITS"), out var u) && u > 0 ? u : 2 * NativeBuild.BuildJobs;

    /// <summary>Compiles <paramref name="program"/>; <paramref name="lowerSeconds"/> is the front end's time, for the report.</summary>
    public static CompiledModel Compile(TensorProgram program, double lowerSeconds = 0, string? note = null)
    {
        var sw = Stopwatch.StartNew();
        CheckVars(program);
        var phases = new List<string>();
        var lap = Stopwatch.StartNew();
        void Lap(string what) { phases.Add($"{what} {lap.Elapsed.TotalSeconds:F2}"); lap.Restart(); }
        var folded = ConstantFolding.Run(program);
        Lap("fold");
        var groups = Fusion.Run(folded);
        var plan = MemoryPlan.Build(groups, folded.Outputs);
        Lap("fuse+plan");
        var module = CModuleWriter.Write(folded, groups, plan, WeightsFile, WeightPrepack.Run(groups));
        Lap($"C+weights ({module.CText.Length / 1024} KiB C, {module.Weights.Length >> 20} MiB weights)");
        var codegen = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var units = UnitSplitter.Split(module.CText, MaxUnits);
        var sources = NativeBuild.KernelSources().Concat(units).ToList();
        var runsBefore = NativeBuild.CompilerRuns;
        var lib = NativeBuild.BuildSharedLibrary(sources);
        var build = sw.Elapsed.TotalSeconds;
        var cached = NativeBuild.CompilerRuns == runsBefore;
        var report = new CompileReport(program.Source, program.Ops.Length, [.. groups.Select(g => g.Describe())],
            [.. module.Fallbacks.Select(f => f.Root.SourceOp)], plan.Buffers, plan.SlotSizes.Length, lowerSeconds, codegen, build, cached) { Units = units.Count, Phases = string.Join(", ", phases), Note = note };
        return new CompiledModel(lib, folded, groups, module, report);
    }

    /// <summary>
    /// Every symbolic dim inside the program must be an expression of dims the inputs bind (BRG6103); <paramref name="target"/>
    /// names the backend in the message when it is not the CPU (the CUDA backend checks the same program).
    /// </summary>
    public static void CheckVars(TensorProgram p, string? target = null)
    {
        var bound = new HashSet<SymVar>(p.Inputs.SelectMany(b => b.Shape).OfType<SymVar>(), ReferenceEqualityComparer.Instance);
        foreach (var op in p.Ops)
            foreach (var d in op.Output.Shape)
                foreach (var v in d.FreeVars())
                    if (!bound.Contains(v))
                        throw new BridgeException(CpuDiagnosticIds.CannotCompile, op.Loc,
                            $"cannot compile the {p.Source} program{(target is null ? "" : " for " + target)}: {op.SourceOp} has dim {d} that no input shape binds ({v.Name}{(v.IsAny ? ", an unnamed '?' dim" : "")})");
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

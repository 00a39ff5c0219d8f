
namespace Bridge.Backends.Cpu;

/// <summary>Diagnostics of the CPU backend (range 6100–6199).</summary>
public static class CpuDiagnosticIds
{
    /// <summary>No C compiler was found (gcc, or the one named by <c>BRIDGE_CC</c>); <c>scripts/setup.sh</c> installs gcc.</summary>
    public static readonly DiagnosticId NoCompiler = new(6100, "CpuNoCompiler");
    /// <summary>The C compiler rejected generated or library code (a Bridge bug unless the toolchain is broken).</summary>
    public static readonly DiagnosticId CompileFailed = new(6101, "CpuCompileFailed");
    /// <summary>A compiled library could not be loaded or lacks an expected symbol.</summary>
    public static readonly DiagnosticId LoadFailed = new(6102, "CpuLoadFailed");
    /// <summary>The program uses something the CPU compiler cannot lower (control flow, a non-tensor result, an unnamed symbolic dim).</summary>
    public static readonly DiagnosticId CannotCompile = new(6103, "CpuCannotCompile");
    /// <summary>A run of a compiled model got an input of the wrong count, dtype or shape, or the generated code reported an error.</summary>
    public static readonly DiagnosticId RunFailed = new(6104, "CpuRunFailed");
    /// <summary>A file given as a compiled model is not a Bridge CPU library (no <c>brg_model_create</c>), or its metadata is unreadable.</summary>
    public static readonly DiagnosticId NotAModel = new(6105, "CpuNotAModel");
}

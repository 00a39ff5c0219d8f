using Bridge.Core.Diagnostics;

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
}

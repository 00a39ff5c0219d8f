using Bridge.Core.Diagnostics;

namespace Bridge.Ir.Relax.Script;

/// <summary>A target TVM version for printing: <c>portable</c> (§1.12), <c>0.19</c>, <c>0.22</c>…<c>0.26</c>, <c>main</c>.</summary>
public readonly record struct RelaxVersion(int Minor, bool IsMain = false, bool IsPortable = false)
{
    public static readonly RelaxVersion Portable = new(19, IsPortable: true);
    public static readonly RelaxVersion V0_19 = new(19);
    public static readonly RelaxVersion Main = new(27, IsMain: true);

    /// <summary>Unified Type IR (R.Any, T.int64, out_ty, bare prim values, None dtypes).</summary>
    public bool TypeEra => Minor >= 26 && !IsPortable;

    public static RelaxVersion Parse(string text) => text switch
    {
        "portable" => Portable,
        "main" or "head" => Main,
        _ when text.StartsWith("0.", StringComparison.Ordinal) && int.TryParse(text.AsSpan(2).ToString().Split('.')[0], out var m) && m is >= 19 and <= 26 && m is not (20 or 21)
            => new RelaxVersion(m),
        _ => throw new BridgeException(RelaxScriptDiagnosticIds.UnknownVersion, SourceLoc.Unknown.Instance,
            $"unknown TVM version '{text}' (expected portable, 0.19, 0.22, 0.23, 0.24, 0.25, 0.26 or main)"),
    };

    public override string ToString() => IsPortable ? "portable" : IsMain ? "main" : $"0.{Minor}";
}

/// <summary>Printer options.</summary>
public sealed record RelaxPrinterOptions
{
    public RelaxVersion TargetVersion { get; init; } = RelaxVersion.Portable;
    /// <summary>The module alias printed as <c>cls = Module</c>; empty prints <c>Module.f</c>.</summary>
    public string ModuleAlias { get; init; } = "cls";
}

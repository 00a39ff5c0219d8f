
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
        _ when text.StartsWith("0.", StringComparison.Ordinal) && int.TryParse(text.AsSpan(2).ToString().Split('.')[0], out var m) && m is >= 19 and <= 26
            => m is 20 or 21 ? new RelaxVersion(19) : new RelaxVersion(m),
        _ => throw new BridgeException(RelaxScriptDiagnosticIds.UnknownVersion, SourceLoc.Unknown.Instance,
            $"unknown TVM version '{text}' (expected portable, 0.19, 0.20, 0.21, 0.22, 0.23, 0.24, 0.25, 0.26 or main)"),
    };

    /// <summary>
    /// A note for versions that have no format era of their own: TVM 0.20 and 0.21 print and save Relax as 0.19 does (the
    /// struct-info JSON schema and TVMScript spellings changed with the FFI rework in 0.22), so they are written in the 0.19 era.
    /// </summary>
    public static string? EraNote(string text) =>
        text.StartsWith("0.20", StringComparison.Ordinal) || text.StartsWith("0.21", StringComparison.Ordinal)
            ? $"note: --tvm-version {text} is written in the 0.19 format era (TVM {text} prints and saves Relax as 0.19 does; the next format change is 0.22)"
            : null;

    public override string ToString() => IsPortable ? "portable" : IsMain ? "main" : $"0.{Minor}";
}

/// <summary>Printer options.</summary>
public sealed record RelaxPrinterOptions
{
    public RelaxVersion TargetVersion { get; init; } = RelaxVersion.Portable;
    /// <summary>The module alias printed as <c>cls = Module</c>; empty prints <c>Module.f</c>.</summary>
    public string ModuleAlias { get; init; } = "cls";
    /// <summary>
    /// Tensor constants with more elements than this print as <c>metadata["relax.expr.Constant"][i]</c> with TVM's metadata section
    /// (<c>script(show_meta=True)</c>); null prints every constant inline as <c>R.const([...])</c> (<c>--inline-constants</c>).
    /// </summary>
    public long? MetadataThreshold { get; init; }
    /// <summary>
    /// TVM's <c>show_all_struct_info</c> (default true). False (<c>--hide-inferable-types</c>) omits a binding's annotation when TVM
    /// could infer it from the right-hand side: an op call whose struct-info rule gives the same struct info, a tuple, a tuple item, a
    /// variable; and every <c>R.match_cast</c> annotation. Calls of functions keep theirs (TVM's printer does not derive them).
    /// </summary>
    public bool ShowAllStructInfo { get; init; } = true;
}

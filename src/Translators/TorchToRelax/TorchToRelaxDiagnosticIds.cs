
namespace Bridge.Translators.TorchToRelax;

/// <summary>Diagnostics of the TorchScript → Relax translator (range 4700–4999).</summary>
public static class TorchToRelaxDiagnosticIds
{
    public static readonly DiagnosticId UnsupportedOps = new(4700, "TorchUnsupportedOps");
    public static readonly DiagnosticId UnsupportedConstruct = new(4701, "TorchUnsupportedConstruct");
    public static readonly DiagnosticId BadArguments = new(4702, "TorchBadArguments");
    public static readonly DiagnosticId UnknownName = new(4703, "TorchUnknownName");
    public static readonly DiagnosticId InputCount = new(4704, "TorchInputCount");
}

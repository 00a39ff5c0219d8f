
namespace Bridge.Importers.TorchScript;

/// <summary>Diagnostics of the TorchScript archive reader (range 5300–5599).</summary>
public static class TorchScriptDiagnosticIds
{
    // Container (5300–5329)
    public static readonly DiagnosticId BadZip = new(5300, "TsBadZip");
    public static readonly DiagnosticId MissingEntry = new(5301, "TsMissingEntry");
    public static readonly DiagnosticId BadEntry = new(5302, "TsBadEntry");
    public static readonly DiagnosticId NotAnArchive = new(5303, "TsNotAnArchive");
    public static readonly DiagnosticId BadVersion = new(5304, "TsBadVersion");
    public static readonly DiagnosticId BigEndian = new(5305, "TsBigEndian");
    // Pickle (5330–5399)
    public static readonly DiagnosticId PickleTruncated = new(5330, "TsPickleTruncated");
    public static readonly DiagnosticId PickleBadOpcode = new(5331, "TsPickleBadOpcode");
    public static readonly DiagnosticId PickleRefusedGlobal = new(5332, "TsPickleRefusedGlobal");
    public static readonly DiagnosticId PickleRefusedCall = new(5333, "TsPickleRefusedCall");
    public static readonly DiagnosticId PickleMalformed = new(5334, "TsPickleMalformed");
    public static readonly DiagnosticId PickleBadPersistentId = new(5335, "TsPickleBadPersistentId");
    // Tensors (5400–5429)
    public static readonly DiagnosticId StorageMissing = new(5400, "TsStorageMissing");
    public static readonly DiagnosticId StorageTooSmall = new(5401, "TsStorageTooSmall");
    public static readonly DiagnosticId TensorOutOfBounds = new(5402, "TsTensorOutOfBounds");
    public static readonly DiagnosticId UnsupportedStorageType = new(5403, "TsUnsupportedStorageType");
    public static readonly DiagnosticId UnsupportedTensorKind = new(5404, "TsUnsupportedTensorKind");
    public static readonly DiagnosticId StorageDtypeConflict = new(5405, "TsStorageDtypeConflict");
    // Module tree and code (5430–5499)
    public static readonly DiagnosticId BadModuleObject = new(5430, "TsBadModuleObject");
    public static readonly DiagnosticId ClassNotFound = new(5431, "TsClassNotFound");
    public static readonly DiagnosticId CodeSyntax = new(5440, "TsCodeSyntax");
    public static readonly DiagnosticId CodeIndent = new(5441, "TsCodeIndent");
    public static readonly DiagnosticId CodeUnsupported = new(5442, "TsCodeUnsupported");
}

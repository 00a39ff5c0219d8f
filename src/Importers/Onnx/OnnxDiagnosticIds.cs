
namespace Bridge.Importers.Onnx;

/// <summary>Diagnostics of the ONNX loader and canonicalizer (range 5000–5299).</summary>
public static class OnnxDiagnosticIds
{
    public static readonly DiagnosticId BadProtobuf = new(5000, "OnnxBadProtobuf");
    public static readonly DiagnosticId FileUnreadable = new(5001, "OnnxFileUnreadable");
    public static readonly DiagnosticId NoGraph = new(5002, "OnnxNoGraph");
    public static readonly DiagnosticId IrVersion = new(5003, "OnnxIrVersion");
    public static readonly DiagnosticId OpsetOutOfRange = new(5004, "OnnxOpsetOutOfRange");
    public static readonly DiagnosticId DomainNotImported = new(5005, "OnnxDomainNotImported");
    public static readonly DiagnosticId UnknownDType = new(5010, "OnnxUnknownDType");
    public static readonly DiagnosticId UnsupportedDType = new(5011, "OnnxUnsupportedDType");
    public static readonly DiagnosticId BadDim = new(5012, "OnnxBadDim");
    public static readonly DiagnosticId TensorDataSize = new(5013, "OnnxTensorDataSize");
    public static readonly DiagnosticId AbsurdTensor = new(5014, "OnnxAbsurdTensor");
    public static readonly DiagnosticId ExternalDataPath = new(5020, "OnnxExternalDataPath");
    public static readonly DiagnosticId ExternalDataMissing = new(5021, "OnnxExternalDataMissing");
    public static readonly DiagnosticId ExternalDataRange = new(5022, "OnnxExternalDataRange");
    public static readonly DiagnosticId MissingInput = new(5030, "OnnxMissingInput");
    public static readonly DiagnosticId Cycle = new(5031, "OnnxCycle");
    public static readonly DiagnosticId DuplicateName = new(5032, "OnnxDuplicateName");
    public static readonly DiagnosticId MissingOutput = new(5033, "OnnxMissingOutput");
    public static readonly DiagnosticId BadFunction = new(5040, "OnnxBadFunction");
    public static readonly DiagnosticId FunctionRecursion = new(5041, "OnnxFunctionRecursion");
    public static readonly DiagnosticId BadAttribute = new(5050, "OnnxBadAttribute");
    public static readonly DiagnosticId MissingAttribute = new(5051, "OnnxMissingAttribute");
    public static readonly DiagnosticId UnknownAttribute = new(5052, "OnnxUnknownAttribute");
    public static readonly DiagnosticId BadArity = new(5053, "OnnxBadArity");
    public static readonly DiagnosticId BadValueInfo = new(5054, "OnnxBadValueInfo");
    public static readonly DiagnosticId UnsupportedOps = new(5060, "OnnxUnsupportedOps");
    public static readonly DiagnosticId UnsupportedForm = new(5061, "OnnxUnsupportedForm");
    public static readonly DiagnosticId BadOverride = new(5070, "OnnxBadOverride");
}

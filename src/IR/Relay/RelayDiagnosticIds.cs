
namespace Bridge.Ir.Relay;

/// <summary>Diagnostics of the Relay text format (2000–2299).</summary>
public static class RelayTextDiagnosticIds
{
    public static readonly DiagnosticId Lex = new(2001, "RelayLexError");
    public static readonly DiagnosticId Syntax = new(2002, "RelaySyntaxError");
    public static readonly DiagnosticId UnknownVar = new(2003, "RelayUnknownVariable");
    public static readonly DiagnosticId UnknownOp = new(2004, "RelayUnknownOperator");
    public static readonly DiagnosticId UnknownAttr = new(2005, "RelayUnknownAttribute");
    public static readonly DiagnosticId BadAttrValue = new(2006, "RelayBadAttributeValue");
    public static readonly DiagnosticId MissingMeta = new(2007, "RelayMissingMetaEntry");
    public static readonly DiagnosticId BadLiteral = new(2008, "RelayBadLiteral");
    public static readonly DiagnosticId Version = new(2009, "RelayVersionHeader");
    public static readonly DiagnosticId DuplicateTemp = new(2010, "RelayDuplicateTemporary");
    public static readonly DiagnosticId DuplicateGlobal = new(2011, "RelayDuplicateGlobal");
    public static readonly DiagnosticId BadMetadata = new(2012, "RelayBadMetadataSection");
    public static readonly DiagnosticId BadArity = new(2013, "RelayBadArity");
}

/// <summary>Diagnostics of Relay types and op relations (2600–2999).</summary>
public static class RelayTypeDiagnosticIds
{
    public static readonly DiagnosticId Mismatch = new(2601, "RelayTypeMismatch");
    public static readonly DiagnosticId OpRelation = new(2602, "RelayOpTypeError");
    public static readonly DiagnosticId NoRelation = new(2603, "RelayOpHasNoTypeRelation");
    public static readonly DiagnosticId Unresolved = new(2604, "RelayTypeUnresolved");
    public static readonly DiagnosticId NotCallable = new(2605, "RelayNotCallable");
    public static readonly DiagnosticId UnboundGlobal = new(2606, "RelayUnboundGlobal");
}

/// <summary>Diagnostics of Relay parameter binding and meta tables (2500–2599).</summary>
public static class RelayParamsDiagnosticIds
{
    public static readonly DiagnosticId UnknownParam = new(2501, "RelayUnknownParam");
    public static readonly DiagnosticId ParamTypeMismatch = new(2502, "RelayParamTypeMismatch");
    public static readonly DiagnosticId BadConstsJson = new(2503, "RelayBadConstsJson");
}

using System.Globalization;
using Bridge.Core.Limits;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relay;

namespace Bridge.Ir.Relay.Text;

// The Relay text parser: call attributes (key = value lists, meta references, typed records and version defaults).
internal sealed partial class Parser
{
    private Expr? _padValue;

    private bool IsAttrStart()
    {
        var k = _i;
        while (_t[k].Kind == Tok.Ident && IsP(_t[k + 1], ".") && _t[k + 2].Kind == Tok.Ident) k += 2;
        return _t[k].Kind == Tok.Ident && IsP(_t[k + 1], "=") && !IsP(_t[k + 1], "==");
    }

    private List<KeyValuePair<string, object?>> ParseAttrPairs(string close)
    {
        var list = new List<KeyValuePair<string, object?>>();
        while (!IsP(close) && Cur.Kind == Tok.Ident)
        {
            var name = Advance().Text;
            while (IsP(".") && Peek().Kind == Tok.Ident) { Advance(); name += "." + Advance().Text; }
            ExpectP("=");
            list.Add(new(name, ParseAttrValue()));
            if (!AcceptP(",")) break;
        }
        return list;
    }

    /// <summary>Attribute value: long, double, bool, string, null, List, MetaRef/Constant, or an Expr.</summary>
    private object? ParseAttrValue()
    {
        var t = Cur;
        switch (t.Kind)
        {
            case Tok.Int: Advance(); return (long)ParseIntLiteral(t).Value!.GetInt64(0);
            case Tok.Float:
                {
                    Advance();
                    var c = ParseFloatLiteral(t);
                    return c.Value!.GetDouble(0);
                }
            case Tok.String: Advance(); return t.Text;
            case Tok.Meta: Advance(); return LookupMetaObject(t);
            case Tok.Ident when t.Text is "True" or "False": Advance(); return t.Text == "True";
            case Tok.Ident when t.Text is "None" or "nullptr": Advance(); return null;
            case Tok.Punct when t.Text == "[":
                {
                    Advance();
                    var l = new List<object?>();
                    while (!IsP("]")) { l.Add(ParseAttrValue()); if (!AcceptP(",")) break; }
                    ExpectP("]");
                    return l;
                }
            case Tok.Punct when t.Text == "(" && Peek().Kind != Tok.Punct:
                {
                    var save = _i;
                    Advance();
                    var v = ParseAttrValue();
                    if (AcceptP(")")) return v;
                    _i = save;
                    return ParseCall();
                }
            default: return ParseCall();
        }
    }

    private object LookupMetaObject(Token t)
    {
        LoadMeta();
        if (_meta.TryGet(t.Text, t.MetaIndex, out var v)) return v;
        if (t.Text == "relay.Constant")
        {
            // Shared per index, like a table entry; its type may still come from context (type inference decides).
            if (!_unresolvedMeta.TryGetValue(t.MetaIndex, out var k)) _unresolvedMeta[t.MetaIndex] = k = Constant.UnresolvedMeta(t.MetaIndex, Loc(t));
            return k;
        }
        if (t.Text.StartsWith("relay.attrs.", StringComparison.Ordinal))
            throw Err(t, $"meta[{t.Text}][{t.MetaIndex}] is not in the metadata table (the file has no #[metadata] entry for it; supply an external meta table)", RelayTextDiagnosticIds.MissingMeta);
        return new MetaRef(t.Text, t.MetaIndex);
    }

    private Attrs BuildOpAttrs(OpDef op, List<KeyValuePair<string, object?>> pairs, Token at)
    {
        var schema = op.Schema;
        if (op.AttrsType == typeof(NoAttrs))
            return pairs.Count == 0 ? NoAttrs.Instance : new DictAttrs(AttrValues.FreezeAll(pairs));
        var converted = new List<KeyValuePair<string, object?>>();
        foreach (var (k, v) in pairs)
        {
            if (op.Name == "nn.pad" && k == "pad_value")
            {
                _padValue = new Constant(Tensor.Scalar(DataType.Float32, v is long l ? l : v is double d ? d : 0), Loc(at));
                continue;
            }
            if (!schema.TryGetField(k, out var f))
                throw Err(at, $"operator {op.Name} has no attribute '{k}' ({schema.Type.Name} fields: {string.Join(", ", schema.Fields.Select(x => x.Name))})", RelayTextDiagnosticIds.UnknownAttr);
            try { converted.Add(new(k, AttrValues.Coerce(v, f))); }
            catch (FormatException ex) { throw Err(at, $"attribute {k} of {op.Name}: {ex.Message}", RelayTextDiagnosticIds.BadAttrValue); }
        }
        var result = schema.Create(converted, out _);
        return ApplyVersionDefaults(op, result, pairs);
    }

    /// <summary>
    /// Defaults that changed between TVM releases (spec §5.3, trap 1). The text only says "0.0.5", so the caller's
    /// <see cref="RelayTextOptions.RelayVersion"/> hint decides; without a hint the 0.19 meaning is used.
    /// </summary>
    private Attrs ApplyVersionDefaults(OpDef op, Attrs attrs, List<KeyValuePair<string, object?>> given)
    {
        var minor = ParseMinor(_opt.RelayVersion);
        bool Given(string k) => given.Any(p => p.Key == k);
        // nn.batch_matmul had no attrs and always computed x·yᵀ up to 0.7.
        if (op.Name is "nn.batch_matmul" && minor is <= 7 && attrs is BatchMatmulAttrs bm && !Given("transpose_b"))
            return bm with { TransposeB = true };
        // Transposed convs were labelled OI* up to 0.11 although the kernels always read IO* weights.
        if (minor is <= 11 && !Given("kernel_layout"))
        {
            switch (attrs)
            {
                case Conv1DTransposeAttrs c1: return c1 with { KernelLayout = "IOW" };
                case Conv2DTransposeAttrs c2: return c2 with { KernelLayout = "IOHW" };
                case Conv3DTransposeAttrs c3: return c3 with { KernelLayout = "IODHW" };
            }
        }
        return attrs;
    }

    private static int? ParseMinor(string? v)
    {
        if (string.IsNullOrEmpty(v)) return null;
        var parts = v.Split('.');
        return parts.Length >= 2 && int.TryParse(parts[1], out var m) ? m : null;
    }
}

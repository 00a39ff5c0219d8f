using System.Globalization;
using Bridge.Core.Limits;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relay;

namespace Bridge.Ir.Relay.Text;

// The Relay text parser: literals (int/float with dtype suffixes), types and dims.
internal sealed partial class Parser
{
    // ---------- literals ----------
    private Constant ParseIntLiteral(Token t)
    {
        var text = t.Text;
        var width = 0;
        var ipos = text.IndexOf('i');
        if (ipos >= 0)
        {
            width = text.Length > ipos + 1 ? int.Parse(text.AsSpan(ipos + 1), CultureInfo.InvariantCulture) : 32;
            text = text[..ipos];
        }
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            if (text.Contains('.') || text.Contains('e') || text.Contains('E')) throw Err(t, $"integer literal {t.Text} has a fractional part", RelayTextDiagnosticIds.BadLiteral);
            throw Err(t, $"integer literal {t.Text} is out of range", RelayTextDiagnosticIds.BadLiteral);
        }
        DataType dt;
        if (width == 0) dt = v is >= int.MinValue and <= int.MaxValue ? DataType.Int32 : DataType.Int64;
        else
        {
            dt = width switch { 8 => DataType.Int8, 16 => DataType.Int16, 32 => DataType.Int32, 64 => DataType.Int64, _ => throw Err(t, $"unsupported integer width i{width}", RelayTextDiagnosticIds.BadLiteral) };
            var max = width == 64 ? long.MaxValue : (1L << (width - 1)) - 1;
            var min = width == 64 ? long.MinValue : -(1L << (width - 1));
            if (v > max || v < min) throw Err(t, $"literal {t.Text} does not fit in {dt}", RelayTextDiagnosticIds.BadLiteral);
        }
        var tensor = Tensor.Zeros(dt);
        tensor.SetInt64(0, v);
        return new Constant(tensor, Loc(t));
    }

    private Constant ParseFloatLiteral(Token t)
    {
        var text = t.Text;
        int width;
        if (text is "-inff" or "inff") return new Constant(Tensor.Scalar(DataType.Float32, text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity), Loc(t));
        var fpos = text.IndexOf('f');
        if (fpos >= 0)
        {
            width = text.Length > fpos + 1 ? int.Parse(text.AsSpan(fpos + 1), CultureInfo.InvariantCulture) : 32;
            text = text[..fpos];
        }
        else width = 64; // trap 4: a bare decimal (0.7 printer's float64) reads as float64
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            throw Err(t, $"malformed float literal {t.Text}", RelayTextDiagnosticIds.BadLiteral);
        var dt = width switch { 16 => DataType.Float16, 32 => DataType.Float32, 64 => DataType.Float64, _ => throw Err(t, $"unsupported float width f{width}", RelayTextDiagnosticIds.BadLiteral) };
        var limit = width == 16 ? 65504.0 : width == 32 ? float.MaxValue : double.MaxValue;
        if (double.IsFinite(v) && Math.Abs(v) > limit) throw Err(t, $"literal {t.Text} does not fit in {dt}", RelayTextDiagnosticIds.BadLiteral);
        return new Constant(Tensor.Scalar(dt, v), Loc(t));
    }

    // ---------- types ----------
    private RelayType ParseType()
    {
        var t = Cur;
        Deeper(t);
        if (IsP("("))
        {
            Advance();
            var fs = ImmutableArray.CreateBuilder<RelayType>();
            var trailingComma = false;
            while (!IsP(")")) { fs.Add(ParseType()); trailingComma = AcceptP(","); if (!trailingComma) break; }
            ExpectP(")");
            if (_legacy && fs.Count == 1 && !trailingComma) return fs[0];
            return new TupleType(fs.ToImmutable()); // trap 10: "(T)" is a 1-tuple in 0.0.5
        }
        if (t.Kind == Tok.Meta) { Advance(); throw Err(t, $"meta[{t.Text}][{t.MetaIndex}] in type position is not supported", RelayTextDiagnosticIds.MissingMeta); }
        if (t.Kind != Tok.Ident) throw Err(t, $"expected a type but found {t}");
        switch (t.Text)
        {
            case "_": Advance(); return new IncompleteType();
            case "fn":
                {
                    Advance();
                    var tps = ParseTypeParams();
                    _typeScopes.Add(tps.ToDictionary(x => x.Name, StringComparer.Ordinal));
                    ExpectP("(");
                    var args = ImmutableArray.CreateBuilder<RelayType>();
                    while (!IsP(")")) { args.Add(ParseType()); if (!AcceptP(",")) break; }
                    ExpectP(")");
                    ExpectP("->");
                    var ret = ParseType();
                    _typeScopes.RemoveAt(_typeScopes.Count - 1);
                    return new FuncType(args.ToImmutable(), ret, tps);
                }
            case "ref" when IsP(Peek(), "("):
                {
                    Advance(); Advance();
                    var inner = ParseType();
                    ExpectP(")");
                    return new RelayRefType(inner);
                }
            case "Tensor" when IsP(Peek(), "["):
                {
                    Advance(); Advance();
                    var dims = ImmutableArray.CreateBuilder<SymExpr>();
                    if (AcceptP("("))
                    {
                        while (!IsP(")")) { dims.Add(ParseDim()); if (!AcceptP(",")) break; }
                        ExpectP(")");
                    }
                    else dims.Add(ParseDim());
                    ExpectP(",");
                    var dtTok = Expect(Tok.Ident, "a dtype");
                    var dt = ParseDType(dtTok) ?? throw Err(dtTok, $"unknown dtype '{dtTok.Text}'");
                    ExpectP("]");
                    return new TensorType(dims.ToImmutable(), dt);
                }
        }
        Advance();
        for (var k = _typeScopes.Count - 1; k >= 0; k--)
            if (_typeScopes[k].TryGetValue(t.Text, out var tv)) return tv;
        if (!_typeGlobals.ContainsKey(t.Text) && ParseDType(t) is { } sdt) return TensorType.Scalar(sdt);
        var g = GetTypeGlobal(t.Text);
        var targs = ImmutableArray.CreateBuilder<RelayType>();
        if (AcceptP("["))
        {
            while (!IsP("]")) { targs.Add(ParseType()); if (!AcceptP(",")) break; }
            ExpectP("]");
        }
        return new TypeCall(g, targs.ToImmutable());
    }

    private static DataType? ParseDType(Token t) => t.Text switch
    {
        "int" => DataType.Int32,
        "float" => DataType.Float32,
        "uint" => DataType.UInt32,
        _ => DataType.TryParse(t.Text, out var d) ? d : null,
    };

    private SymExpr ParseDim()
    {
        var t = Cur;
        if (AcceptP("?")) return SymVar.Any();
        if (t.Kind == Tok.Int) { Advance(); return ParseIntLiteral(t).Value!.GetInt64(0); }
        if (t.Kind == Tok.Meta)
        {
            Advance();
            var key = $"meta[{t.Text}][{t.MetaIndex}]";
            if (!_symVars.TryGetValue(key, out var sv)) _symVars[key] = sv = new SymVar($"{t.Text.Split('.')[^1]}{t.MetaIndex}");
            return sv;
        }
        throw Err(t, $"expected a dimension but found {t}");
    }
}

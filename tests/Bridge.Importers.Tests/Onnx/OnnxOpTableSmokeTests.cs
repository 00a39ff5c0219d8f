using System.Reflection;
using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Importers.Onnx.Proto;
using Google.Protobuf;
using Attr = Bridge.Importers.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace Bridge.Importers.Tests.Onnx;

/// <summary>
/// Every row of the op table is exercised: a one-node model is built with the generated protobuf classes (required inputs as
/// rank-4 float inputs, required attributes filled from the record's schema) at the op's first supported opset, loaded and
/// canonicalized. It must canonicalize, with the declared kind and the resolved version and no warnings.
/// </summary>
public class OnnxOpTableSmokeTests
{
    public static IEnumerable<TestCaseData> Specs() =>
        OnnxOps.All.Where(s => FirstOpset(s) is not null).Select(s => new TestCaseData(s.Domain, s.OpType).SetName($"Canonicalizes({s.Domain}.{s.OpType})"));

    private static int? FirstOpset(OnnxOpSpec s)
    {
        if (s.Domain != OnnxDomains.AiOnnx) return s.Versions[0];
        for (var v = OnnxModelLoader.MinAiOnnxOpset; v <= OnnxModelLoader.MaxAiOnnxOpset; v++) if (s.Resolve(v) is not null) return v;
        return null;
    }

    private static ValueInfoProto Input(string name) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = new TensorShapeProto { Dim = { Enumerable.Range(0, 4).Select(i => new TensorShapeProto.Types.Dimension { DimValue = i < 2 ? 1 : 4 }) } } } },
    };

    private static AttributeProto? RequiredAttr(string opType, AttrSchemaField f)
    {
        var oneOf = f.OneOf;
        var t = Nullable.GetUnderlyingType(f.Type) ?? f.Type;
        if (t == typeof(long) || t == typeof(bool)) return new AttributeProto { Name = f.Name, Type = Attr.Int, I = f.Name == "to" ? 1 : f.Name == "num_scan_inputs" ? 1 : 1 };
        if (t == typeof(float)) return new AttributeProto { Name = f.Name, Type = Attr.Float, F = 1 };
        if (t == typeof(string)) return new AttributeProto { Name = f.Name, Type = Attr.String, S = ByteString.CopyFromUtf8(oneOf ?? (f.Name == "equation" ? "ij->ji" : "abs")) };
        if (t == typeof(ValueArray<long>)) return new AttributeProto { Name = f.Name, Type = Attr.Ints, Ints = { 1, 1 } };
        if (t == typeof(ValueArray<float>)) return new AttributeProto { Name = f.Name, Type = Attr.Floats, Floats = { 1f } };
        if (t == typeof(OnnxGraph))
        {
            // A body that passes its inputs through (works for If branches and Loop/Scan/SequenceMap bodies alike for parsing).
            var g = new GraphProto { Name = f.Name, Node = { new NodeProto { OpType = "Identity", Input = { "X0" }, Output = { "o" }, Name = f.Name + "_id" } }, Output = { new ValueInfoProto { Name = "o" } } };
            return new AttributeProto { Name = f.Name, Type = Attr.Graph, G = g };
        }
        Assert.Fail($"{opType}: no filler for required attribute {f.Name} of type {t.Name}");
        return null;
    }

    private sealed record AttrSchemaField(string Name, Type Type, string? OneOf);

    [TestCaseSource(nameof(Specs))]
    public void Canonicalizes(string domain, string opType)
    {
        var spec = OnnxOps.Find(domain, opType)!;
        // Scan-8 (batched) is deliberately rejected (BRG5061); exercise Scan from 9.
        var opset = opType == "Scan" ? 9 : FirstOpset(spec)!.Value;
        var sig = spec.Signature.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var node = new NodeProto { Name = "n", OpType = opType, Domain = domain == OnnxDomains.AiOnnx ? "" : domain, Output = { "Y" } };
        var graph = new GraphProto { Name = "g", Output = { new ValueInfoProto { Name = "Y" } } };
        static bool Optional(string s) => s.EndsWith('?') || s.EndsWith("?...", StringComparison.Ordinal);
        var lastRequired = Array.FindLastIndex(sig, s => !Optional(s));
        for (var i = 0; i <= lastRequired; i++)
        {
            // An omitted optional input before a required one is written as "" (ONNX's convention).
            if (Optional(sig[i])) { node.Input.Add(""); continue; }
            node.Input.Add($"X{i}");
            graph.Input.Add(Input($"X{i}"));
        }
        if (!graph.Input.Any(i => i.Name == "X0")) graph.Input.Add(Input("X0"));
        if (spec.AttrsType.IsSubclassOf(typeof(WindowAttrs)) && !spec.Signature.Contains(", W", StringComparison.Ordinal) && !spec.Signature.Contains(", w", StringComparison.Ordinal))
            node.Attribute.Add(new AttributeProto { Name = "kernel_shape", Type = Attr.Ints, Ints = { 2, 2 } });
        if (opType is "Split" or "TopK" or "Unique" or "LSTM" or "MaxPool" or "Dropout") { /* one output is enough */ }
        foreach (var p in spec.AttrsType.GetProperties())
        {
            if (p.GetCustomAttribute<RequiredAttribute>() is null) continue;
            var name = p.GetCustomAttribute<Bridge.Ir.Ops.AttrNameAttribute>()?.Name ?? Bridge.Ir.Ops.AttrSchema.SnakeCase(p.Name);
            var oneOf = p.GetCustomAttribute<OneOfAttribute>()?.Values.FirstOrDefault() as string;
            node.Attribute.Add(RequiredAttr(opType, new AttrSchemaField(name, p.PropertyType, oneOf))!);
        }
        // Old-opset attribute forms whose lifted inputs are required by the canonical signature.
        if (opType == "Slice" && opset < 10) { node.Attribute.Add(new AttributeProto { Name = "starts", Type = Attr.Ints, Ints = { 0 } }); node.Attribute.Add(new AttributeProto { Name = "ends", Type = Attr.Ints, Ints = { 1 } }); }
        if (opType == "Pad" && opset < 11) node.Attribute.Add(new AttributeProto { Name = "pads", Type = Attr.Ints, Ints = { 0, 0, 0, 0, 0, 0, 0, 0 } });
        if (opType == "TopK" && opset < 10) node.Attribute.Add(new AttributeProto { Name = "k", Type = Attr.Int, I = 1 });
        if (opType == "Upsample" && opset < 9) node.Attribute.Add(new AttributeProto { Name = "scales", Type = Attr.Floats, Floats = { 1, 1, 2, 2 } });
        if (opType == "Unsqueeze" && opset < 13) node.Attribute.Add(new AttributeProto { Name = "axes", Type = Attr.Ints, Ints = { 0 } });
        if (opType == "Constant") node.Attribute.Add(new AttributeProto { Name = "value_float", Type = Attr.Float, F = 1 });
        if (opType == "Scan") node.Attribute.Single(a => a.Name == "num_scan_inputs").I = 1;
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Domain = "", Version = domain == OnnxDomains.AiOnnx ? opset : 17 } } };
        if (domain != OnnxDomains.AiOnnx) model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = opset });

        var m = OnnxModelLoader.Load(model.ToByteArray(), $"{opType}.onnx");
        var bag = new DiagnosticBag();
        CanonicalNode c;
        try { c = OnnxCanonicalizer.Canonicalize(m, bag).Single(); }
        catch (BridgeException e) { Assert.Fail($"{domain}.{opType}-{opset}: {e.Diagnostic.Render()}"); return; }
        Assert.That(c.Kind, Is.EqualTo(spec.CanonicalKind));
        Assert.That(c.Version, Is.EqualTo(spec.Resolve(opset)));
        Assert.That(bag.Items, Is.Empty, string.Join("\n", bag.Items));
    }
}

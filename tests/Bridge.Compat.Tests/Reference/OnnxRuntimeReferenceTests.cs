using System.Text.Json;
using Bridge.Compat.Inputs;
using Bridge.Compat.Reference;

namespace Bridge.Compat.Tests.Reference;

/// <summary>The ONNX Runtime runner against numpy references computed by the fixture script, and its dtype mapping.</summary>
public class OnnxRuntimeReferenceTests
{
    private static readonly Lazy<JsonElement> s_numeric = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(OnnxFixtures.Dir, "numeric.json"))).RootElement.Clone());

    private static DataType NumpyType(string s) => s switch
    {
        "float32" => DataType.Float32, "float16" => DataType.Float16, "float64" => DataType.Float64, "int64" => DataType.Int64,
        "int32" => DataType.Int32, "bool" => DataType.Bool, "uint8" => DataType.UInt8,
        _ => throw new ArgumentException(s),
    };

    private static Tensor FromJson(JsonElement e)
    {
        var dtype = NumpyType(e.GetProperty("dtype").GetString()!);
        var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        var t = Tensor.Zeros(dtype, shape);
        var i = 0;
        foreach (var v in e.GetProperty("data").EnumerateArray()) t.SetDouble(i++, v.GetDouble());
        return t;
    }

    public static IEnumerable<string> NumericModels() =>
        ["num_add_v13", "num_softmax_v13", "num_conv_v11", "num_topk_v11", "num_cast_fp16_v13", "num_and_v13", "function_v13", "external_v13", "loop_v13"];

    [TestCaseSource(nameof(NumericModels))]
    public void MatchesNumpy(string name)
    {
        var entry = s_numeric.Value.GetProperty(name);
        var inputs = entry.GetProperty("inputs").EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value));
        using var ort = new OnnxRuntimeReference(OnnxFixtures.Good(name), new OrtOptions { IntraOpThreads = 1 });
        var outputs = ort.Run(inputs);
        foreach (var p in entry.GetProperty("outputs").EnumerateObject())
        {
            var want = FromJson(p.Value);
            var got = outputs[p.Name];
            Assert.That(got.DType, Is.EqualTo(want.DType), p.Name);
            Assert.That(got.Shape, Is.EqualTo(want.Shape), p.Name);
            Assert.That(got.ToDoubleArray(), Is.EqualTo(want.ToDoubleArray()).Within(1e-5), $"{name}:{p.Name}");
        }
    }

    [Test]
    public void InputsReportSymbolicDims()
    {
        using var ort = new OnnxRuntimeReference(OnnxFixtures.Good("num_add_v13"));
        var a = ort.Inputs.Single(i => i.Name == "A");
        Assert.That(a.DType, Is.EqualTo(DataType.Float32));
        Assert.That(a.Shape, Is.EqualTo(new[] { InputDim.Named("batch"), InputDim.Fixed(3) }));
        Assert.That(ort.OutputNames, Is.EqualTo(new[] { "Y" }));
    }

    [Test]
    public void RandomInputsRespectOverridesAndRun()
    {
        using var ort = new OnnxRuntimeReference(OnnxFixtures.Good("num_add_v13"));
        var feeds = RandomInputs.For(ort.Inputs, seed: 42, RandomInputs.ParseDimOverrides(["batch=4"]));
        Assert.That(feeds["A"].Shape, Is.EqualTo(new long[] { 4, 3 }));
        var y = ort.Run(feeds)["Y"];
        Assert.That(y.Shape, Is.EqualTo(new long[] { 4, 3 }));
        var a = feeds["A"].ToDoubleArray();
        var b = feeds["B"].ToDoubleArray();
        var got = y.ToDoubleArray();
        for (var i = 0; i < got.Length; i++) Assert.That(got[i], Is.EqualTo((float)a[i] + (float)b[i % 3]).Within(1e-6));
    }

    [Test]
    public void BoolAndFloat16RoundTripThroughOrt()
    {
        using var ort = new OnnxRuntimeReference(OnnxFixtures.Good("num_and_v13"));
        var a = Tensor.FromArray<byte>(DataType.Bool, [1, 0, 1], 3);
        var b = Tensor.FromArray<byte>(DataType.Bool, [1, 1, 0], 3);
        var y = ort.Run(new Dictionary<string, Tensor> { ["A"] = a, ["B"] = b })["Y"];
        Assert.That(y.DType, Is.EqualTo(DataType.Bool));
        Assert.That(y.ToDoubleArray(), Is.EqualTo(new double[] { 1, 0, 0 }));
        using var cast = new OnnxRuntimeReference(OnnxFixtures.Good("num_cast_fp16_v13"));
        var h = Tensor.FromArray<Half>(DataType.Float16, [(Half)0.5, (Half)(-2), (Half)65504, (Half)0.099975586], 4);
        Assert.That(cast.Run(new Dictionary<string, Tensor> { ["X"] = h })["Y"].ToDoubleArray(), Is.EqualTo(new double[] { 0.5, -2, 65504, 0.099975586 }).Within(1e-9));
    }

    [Test]
    public void WrongInputsAreDiagnostics()
    {
        using var ort = new OnnxRuntimeReference(OnnxFixtures.Good("num_and_v13"));
        var e = Assert.Throws<BridgeException>(() => ort.Run(new Dictionary<string, Tensor> { ["A"] = Tensor.Zeros(DataType.Bool, 3) }))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(CompatDiagnosticIds.InputMismatch));
        Assert.That(e.Diagnostic.Message, Does.Contain("'B'"));
        var f = Assert.Throws<BridgeException>(() => ort.Run(new Dictionary<string, Tensor> { ["A"] = Tensor.Zeros(DataType.Float32, 3), ["B"] = Tensor.Zeros(DataType.Bool, 3) }))!;
        Assert.That(f.Diagnostic.Message, Does.Contain("float32"));
        var g = Assert.Throws<BridgeException>(() => new OnnxRuntimeReference(Path.Combine(OnnxFixtures.Dir, "numeric.json")))!;
        Assert.That(g.Diagnostic.Id, Is.EqualTo(CompatDiagnosticIds.OrtSessionFailed));
    }

    [Test]
    public void SessionCreationIsMeasured()
    {
        var times = OnnxRuntimeReference.MeasureSessionCreation(OnnxFixtures.Good("num_conv_v11"), new OrtOptions { IntraOpThreads = 2 }, repeats: 2);
        Assert.That(times, Has.Length.EqualTo(2));
        Assert.That(times.All(t => t > TimeSpan.Zero), Is.True);
    }
}

/// <summary>Every generated fixture model (the loader tests' inputs) is also valid for ONNX Runtime and runs on random inputs.</summary>
public class OnnxRuntimeFixtureTests
{
    public static IEnumerable<string> Models() =>
        Directory.GetFiles(Path.Combine(OnnxFixtures.Dir, "good"), "*.onnx").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!
            // unsupported_v13 uses a made-up domain on purpose.
            .Where(n => n != "unsupported_v13")!;

    [TestCaseSource(nameof(Models))]
    public void RunsInOrt(string name)
    {
        using var ort = new OnnxRuntimeReference(OnnxFixtures.Good(name), new OrtOptions { IntraOpThreads = 1 });
        var feeds = RandomInputs.For(ort.Inputs, 3, new Dictionary<string, long> { ["N"] = 1, ["H"] = 7, ["W"] = 7, ["batch"] = 2 });
        var outs = ort.Run(feeds);
        Assert.That(outs.Keys, Is.EquivalentTo(ort.OutputNames));
    }
}

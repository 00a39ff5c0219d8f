using System.Diagnostics;
using System.Text.Json;
using Bridge.Backends.Reference;
using Bridge.Compat.Inputs;
using Bridge.Compat.Reference;
using Bridge.Importers.Onnx;
using Bridge.Translators.OnnxToRelax;
using Bridge.Translators.OnnxToRelay;
using NUnit.Framework;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// Numeric checks of the quantization and com.microsoft contrib cases of gen_single_ops.py (its "quant" section, cases with
/// <c>"group": "quant"</c>): ONNX Runtime is the reference; the Relay and the Relax translations run on the reference
/// interpreters. Float outputs compare with the per-dtype defaults of <see cref="TensorCompare"/>. 8/16-bit quantized outputs
/// may differ by exactly one unit, in at most max(1, 2 %) of the elements: ORT requantizes with one float multiplier (a_scale·b_scale/y_scale) or through lookup
/// tables, the translations with TVM's qnn.requantize (double multiplier, half-up rounding) or float32 dequantize → op →
/// quantize, so a value whose scaled result lies at a rounding tie may round the other way. int32 outputs (integer
/// accumulators) compare exactly.
/// </summary>
[TestFixture]
public sealed class OnnxQuantContribNumericTests
{
    private static readonly Lazy<(string Dir, string[] Cases, Dictionary<string, string> Refs, Dictionary<string, string[]> Unsupported)> s_models = new(Generate);

    private static (string, string[], Dictionary<string, string>, Dictionary<string, string[]>) Generate()
    {
        var dir = SingleOpModels.Dir;
        if (SingleOpModels.Error is not null) return (dir, [$"!{SingleOpModels.Error}"], [], []);
        // quant_cases.json lists the section's cases, including those whose reference is a standard-op model ("ref").
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "quant_cases.json")));
        var all = doc.RootElement.EnumerateArray().ToList();
        var refs = all.Where(c => c.TryGetProperty("ref", out _)).ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("ref").GetString()!);
        var unsupported = all.Where(c => c.TryGetProperty("unsupported", out _)).ToDictionary(c => c.GetProperty("name").GetString()!,
            c => c.GetProperty("unsupported").EnumerateArray().Select(x => x.GetString()!).ToArray());
        return (dir, [.. all.Select(c => c.GetProperty("name").GetString()!)], refs, unsupported);
    }

    public static IEnumerable<string> Cases() => s_models.Value.Cases;

    /// <summary>The cases the Relay emitter takes.</summary>
    public static IEnumerable<string> RelayCases() =>
        s_models.Value.Cases.Where(c => !(s_models.Value.Unsupported.GetValueOrDefault(c) ?? []).Contains("relay"));

    private static string ModelOf(string name)
    {
        if (name.StartsWith('!')) Assert.Ignore(name[1..]);
        return Path.Combine(s_models.Value.Dir, name + ".onnx");
    }

    /// <summary>Seeded inputs: floats in [-2, 2), integer types over their whole range (int16/int32: ±300).</summary>
    private static Dictionary<string, Tensor> Feeds(OnnxRuntimeReference ort)
    {
        var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        ulong seed = 5;
        foreach (var i in ort.Inputs)
        {
            var shape = i.Shape.Select(d => d.Value ?? 3).ToArray();
            var (lo, hi) = i.DType == DataType.UInt8 ? (0.0, 255.0) : i.DType == DataType.Int8 ? (-128.0, 127.0) : i.DType.IsFloat ? (-2.0, 2.0) : (-300.0, 300.0);
            feeds[i.Name] = RandomInputs.Generate(i.DType, shape, lo, hi, seed++);
        }
        return feeds;
    }

    private static IReadOnlyList<Tensor> Outputs(Value v, int count) => v switch
    {
        TensorValue t when count == 1 => [t.Tensor],
        TupleValue tv => [.. tv.Fields.Select(f => ((TensorValue)f).Tensor)],
        _ => throw new AssertionException($"unexpected result {v.Describe()}"),
    };

    private static void AssertClose(string what, Tensor got, Tensor want)
    {
        Assert.That(got.DType, Is.EqualTo(want.DType), $"{what}: dtype");
        Assert.That(got.Shape, Is.EqualTo(want.Shape), $"{what}: shape");
        if (want.DType.IsFloat)
        {
            var r = TensorCompare.Compare(got, want, CompareOptions.For(want.DType));
            Assert.That(r.Passed, $"{what}: {r}");
            return;
        }
        // Quantized 8/16-bit values: one unit of rounding difference allowed (see the class summary); int32 exact.
        // A tie is rare: besides the one-unit bound, at most max(1, 2 %) of the elements may differ at all (a wrong scale or
        // rounding rule shifts many values by one and fails here).
        var tol = want.DType.Bits <= 16 ? 1L : 0L;
        long worst = 0, at = -1, differing = 0;
        for (long i = 0; i < want.Length; i++)
        {
            var d = Math.Abs(got.GetInt64(i) - want.GetInt64(i));
            if (d != 0) differing++;
            if (d > worst) (worst, at) = (d, i);
        }
        Assert.That(worst, Is.LessThanOrEqualTo(tol), $"{what}: max |difference| {worst} at flat index {at} (got {(at >= 0 ? got.GetInt64(at) : 0)}, want {(at >= 0 ? want.GetInt64(at) : 0)})");
        Assert.That(differing, Is.LessThanOrEqualTo(Math.Max(1, want.Length / 50)), $"{what}: {differing} of {want.Length} elements differ by one unit");
    }

    [TestCaseSource(nameof(Cases))]
    public void Relay_And_Relax_MatchOrtValues(string name)
    {
        var path = ModelOf(name);
        var model = OnnxModelLoader.Load(path);
        var rejects = s_models.Value.Unsupported.GetValueOrDefault(name) ?? [];
        foreach (var d in rejects)
        {
            // A form the emitter does not take: one BRG4301 naming the node, never a crash or a wrong translation.
            var ex = Assert.Throws<Core.Diagnostics.BridgeException>(() => _ = d == "relay" ? OnnxToRelayEmitter.Translate(model).Module.ToString() : OnnxToRelaxEmitter.Translate(model).Module.ToString());
            Assert.That(ex!.Diagnostic.Id, Is.EqualTo(Translators.Onnx.OnnxTranslateDiagnosticIds.UnsupportedForm), $"{d}: {ex.Message}");
            Assert.That(ex.Message, Does.Contain(model.Graph.Nodes[0].Name));
        }
        if (rejects.Length == 2) return;
        // Ops without an ORT CPU kernel (BiasAdd, BiasSoftmax) are checked against the same computation in standard ops.
        var refPath = s_models.Value.Refs.TryGetValue(name, out var r) ? Path.Combine(s_models.Value.Dir, r + ".onnx") : path;
        using var ort = new OnnxRuntimeReference(refPath);
        var feeds = Feeds(ort);
        var want = ort.Run(feeds);
        var names = model.Graph.Outputs.Select(o => o.Name).ToList();

        IReadOnlyList<Tensor>? relayOut = null, relaxOut = null;
        if (!rejects.Contains("relay")) relayOut = Outputs(new RelayInterpreter(OnnxToRelayEmitter.Translate(model).Module).Run(feeds), names.Count);
        if (!rejects.Contains("relax")) relaxOut = Outputs(new RelaxInterpreter(OnnxToRelaxEmitter.Translate(model).Module).Run(feeds), names.Count);
        Assert.Multiple(() =>
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (relayOut is not null) AssertClose($"Relay {names[i]}", relayOut[i], want[names[i]]);
                if (relaxOut is not null) AssertClose($"Relax {names[i]}", relaxOut[i], want[names[i]]);
            }
        });
    }

    /// <summary>
    /// The Relay import (qnn ops) migrated by <see cref="RelayToRelax.RelayToRelaxTranslator"/> computes what the Relay
    /// interpreter computes: the qnn kernels and the Relay→Relax qnn converters agree (one unit of requantize rounding allowed).
    /// </summary>
    [TestCaseSource(nameof(RelayCases))]
    public void RelayImport_MigratedToRelax_MatchesRelay(string name)
    {
        var path = ModelOf(name);
        var model = OnnxModelLoader.Load(path);
        var relay = OnnxToRelayEmitter.Translate(model).Module;
        var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        ulong seed = 9;
        foreach (var vi in model.Graph.Inputs)
        {
            var dt = vi.Type.DType!.Value;
            var shape = (vi.Type.Shape ?? []).Select(d => d.Value is > 0 ? d.Value.Value : 3).ToArray();
            var (lo, hi) = dt == DataType.UInt8 ? (0.0, 255.0) : dt == DataType.Int8 ? (-128.0, 127.0) : dt.IsFloat ? (-2.0, 2.0) : (-300.0, 300.0);
            feeds[vi.Name] = RandomInputs.Generate(dt, shape, lo, hi, seed++);
        }
        var names = model.Graph.Outputs.Select(o => o.Name).ToList();
        var want = Outputs(new RelayInterpreter(relay).Run(feeds), names.Count);
        var migrated = RelayToRelax.RelayToRelaxTranslator.Translate(relay).Module;
        var got = Outputs(new RelaxInterpreter(migrated).Run(feeds), names.Count);
        Assert.Multiple(() =>
        {
            for (var i = 0; i < names.Count; i++) AssertClose($"migrated {names[i]}", got[i], want[i]);
        });
    }

    /// <summary>Hand values: ONNX QuantizeLinear rounds half to even and saturates (the qnn.quantize kernel).</summary>
    [Test]
    public void QuantizeKernel_RoundsHalfToEven_AndSaturates()
    {
        var x = Tensor.FromArray([0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 300f, -300f], 7);
        var q = Quant.Quantize(x, Tensor.Scalar(DataType.Float32, 1), Tensor.Scalar(DataType.Int8, 0), -1, DataType.Int8);
        Assert.That(Enumerable.Range(0, 7).Select(i => q.GetInt64(i)), Is.EqualTo(new long[] { 0, 2, 2, 0, -2, 127, -128 }));
        var u = Quant.Quantize(x, Tensor.Scalar(DataType.Float32, 2), Tensor.Scalar(DataType.UInt8, 10), -1, DataType.UInt8);
        Assert.That(Enumerable.Range(0, 7).Select(i => u.GetInt64(i)), Is.EqualTo(new long[] { 10, 11, 11, 10, 9, 160, 0 }));
    }

    /// <summary>Hand values: per-axis dequantize and the zero-point shift of integer conv/matmul operands.</summary>
    [Test]
    public void DequantizeAndShift_PerAxis()
    {
        var x = Tensor.FromArray<byte>(DataType.UInt8, [10, 20, 30, 40, 50, 60], 2, 3);
        var scale = Tensor.FromArray([0.5f, 1f, 2f], 3);
        var zp = Tensor.FromArray<byte>(DataType.UInt8, [10, 0, 20], 3);
        var d = Quant.Dequantize(x, scale, zp, 1);
        Assert.That(Enumerable.Range(0, 6).Select(i => d.GetDouble(i)), Is.EqualTo(new double[] { 0, 20, 20, 15, 50, 80 }));
        var rows = Quant.Shift(x, Tensor.FromArray<byte>(DataType.UInt8, [1, 2], 2), 0);
        Assert.That(rows.DType, Is.EqualTo(DataType.Int32));
        Assert.That(Enumerable.Range(0, 6).Select(i => rows.GetInt64(i)), Is.EqualTo(new long[] { 9, 19, 29, 38, 48, 58 }));
        var ex = Assert.Throws<Core.Diagnostics.BridgeException>(() => Quant.Dequantize(x, Tensor.FromArray([1f, 2f], 2), null, 1));
        Assert.That(ex!.Message, Does.Contain("per-axis parameter"));
    }

    /// <summary>Hand values: requantize rounding modes of TVM (UPWARD is half toward +∞, TONEAREST half away from zero).</summary>
    [Test]
    public void RequantizeKernel_RoundingModes()
    {
        var acc = Tensor.FromArray([5, -5, 7], 3);
        Tensor S(double v) => Tensor.Scalar(DataType.Float32, v);
        Tensor Z(DataType d) => Tensor.Scalar(d, 0);
        var up = Quant.Requantize(acc, S(1), Z(DataType.Int32), S(2), Z(DataType.Int8), -1, QuantRounding.Upward, DataType.Int8);
        var near = Quant.Requantize(acc, S(1), Z(DataType.Int32), S(2), Z(DataType.Int8), -1, QuantRounding.AwayFromZero, DataType.Int8);
        Assert.That(Enumerable.Range(0, 3).Select(i => up.GetInt64(i)), Is.EqualTo(new long[] { 3, -2, 4 }));
        Assert.That(Enumerable.Range(0, 3).Select(i => near.GetInt64(i)), Is.EqualTo(new long[] { 3, -3, 4 }));
    }
}

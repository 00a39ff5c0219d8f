using Bridge.Core.Files;

namespace Bridge.Core.Tests;

public class TensorFileTests
{
    private static readonly Dictionary<string, long[]> s_shapes = new()
    {
        ["2x3"] = [2, 3], ["scalar"] = [], ["empty"] = [0], ["4x1x2"] = [4, 1, 2], ["3x0x2"] = [3, 0, 2],
    };

    public static IEnumerable<TestCaseData> NpyCases() =>
        from dt in DataType.AllTensorTypes
        from shape in s_shapes.Keys
        select new TestCaseData(dt.ToString(), shape).SetName($"Npy_{dt}_{shape}");

    /// <summary>The same value formula as make_tensor_refs.py.</summary>
    internal static Tensor Make(DataType dt, params long[] shape)
    {
        var t = Tensor.Zeros(dt, shape);
        for (long i = 0; i < t.Length; i++)
        {
            if (dt.IsBool) t.SetInt64(i, i % 3 == 0 ? 1 : 0);
            else if (dt.IsIntegral) t.SetInt64(i, i * 7 - 11);
            else if (dt == DataType.BFloat16) t.Span<ushort>()[(int)i] = BFloat16Bits.FromSingle((float)(i * 0.37 - 3.1));
            else t.SetDouble(i, i * 0.37 - 3.1);
        }
        return t;
    }

    private static void AssertSame(Tensor actual, Tensor expected)
    {
        Assert.That(actual.DType, Is.EqualTo(expected.DType));
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape));
        Assert.That(actual.Bytes.ToArray(), Is.EqualTo(expected.Bytes.ToArray()));
    }

    [TestCaseSource(nameof(NpyCases))]
    public void Npy_Write_IsByteIdentical_ToNumpy_And_Reads_Back(string dtype, string shape)
    {
        var file = Path.Combine(PythonRefs.RefDir, $"npy_{dtype}_{shape}.npy");
        var expected = Make(DataType.Parse(dtype), s_shapes[shape]);
        Assert.That(NpyFile.ToBytes(expected), Is.EqualTo(File.ReadAllBytes(file)), "bytes differ from numpy.save");
        AssertSame(NpyFile.Read(file), expected);
        var tmp = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".npy");
        NpyFile.Write(tmp, expected);
        AssertSame(NpyFile.Read(tmp), expected);
        File.Delete(tmp);
    }

    [TestCase("be_int32.npy", "int32")]
    [TestCase("be_float64.npy", "float64")]
    [TestCase("v2_float32.npy", "float32")]
    [TestCase("v3_float32.npy", "float32")]
    public void Npy_Reads_BigEndian_And_Later_Header_Versions(string file, string dtype)
    {
        var t = NpyFile.Read(Path.Combine(PythonRefs.RefDir, file));
        AssertSame(t, Make(DataType.Parse(dtype), 2, 3));
    }

    [TestCase("fortran.npy", 1005)]
    [TestCase("object.npy", 1006)]
    [TestCase("structured.npy", 1004)]
    public void Npy_Rejects_Unsupported_Layouts_With_Diagnostic(string file, int code)
    {
        var path = Path.Combine(PythonRefs.RefDir, file);
        var e = Assert.Throws<BridgeException>(() => NpyFile.Read(path))!;
        Assert.That(e.Diagnostic.Id.Code, Is.EqualTo(code), e.Message);
        Assert.That(e.Diagnostic.Loc.FilePath, Is.EqualTo(path));
    }

    [TestCase("savez.npz")]
    [TestCase("savez_compressed.npz")]
    public void Npz_Reads_Numpy_Archives_In_Order(string file)
    {
        var arrays = NpzFile.Read(Path.Combine(PythonRefs.RefDir, file));
        Assert.That(arrays.Select(a => a.Name), Is.EqualTo(new[] { "c", "a", "b" }));
        AssertSame(arrays[0].Tensor, Make(DataType.Float32, 2, 3));
        AssertSame(arrays[1].Tensor, Make(DataType.Int64));
        AssertSame(arrays[2].Tensor, Make(DataType.Bool, 0));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Npz_Written_By_Bridge_Loads_In_Numpy_With_Order_And_Values(bool compress)
    {
        _ = PythonRefs.RefDir; // ignore when numpy is absent
        var arrays = new List<(string, Tensor)>
        {
            ("zeta", Make(DataType.Float16, 2, 3)), ("alpha", Make(DataType.Int64)), ("mid", Make(DataType.Bool, 4, 1, 2)),
            ("bf", Make(DataType.UInt32, 0)),
        };
        var tmp = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".npz");
        NpzFile.Write(tmp, arrays, compress);
        var (rc, output) = PythonRefs.Run("check_npz.py", tmp);
        Assert.That(rc, Is.EqualTo(0), output);
        var lines = output.Trim().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(4));
        Assert.That(lines[0], Does.StartWith("zeta float16 [2, 3]"));
        Assert.That(lines[1], Is.EqualTo("alpha int64 [] -11.0"));
        Assert.That(lines[2], Is.EqualTo("mid bool [4, 1, 2] 3.0"));
        Assert.That(lines[3], Is.EqualTo("bf uint32 [0] 0.0"));
        var back = NpzFile.Read(tmp);
        for (var i = 0; i < arrays.Count; i++) { Assert.That(back[i].Name, Is.EqualTo(arrays[i].Item1)); AssertSame(back[i].Tensor, arrays[i].Item2); }
        File.Delete(tmp);
    }

    private static readonly (string Name, DataType Type, long[] Shape)[] s_params =
    [
        ("conv1.weight", DataType.Float32, [2, 3]), ("flag", DataType.Bool, [4, 1, 2]), ("bf", DataType.BFloat16, [2, 3]),
        ("idx", DataType.Int64, []), ("empty", DataType.Float16, [3, 0, 2]), ("u", DataType.UInt8, [2, 3]), ("d", DataType.Float64, [2, 3]),
    ];

    [Test]
    public void Params_Write_IsByteIdentical_To_Spec_Bytes_And_Reads_Back()
    {
        var file = Path.Combine(PythonRefs.RefDir, "ref.params");
        var arrays = s_params.Select(p => (p.Name, Make(p.Type, p.Shape))).ToList();
        Assert.That(ParamsFile.ToBytes(arrays), Is.EqualTo(File.ReadAllBytes(file)));
        var back = ParamsFile.Read(file);
        Assert.That(back.Select(b => b.Name), Is.EqualTo(s_params.Select(p => p.Name)));
        for (var i = 0; i < arrays.Count; i++) AssertSame(back[i].Tensor, arrays[i].Item2);
    }

    [Test]
    public void Params_Blob_Matches_Spec_Example()
    {
        // relay-formats.md §3.2: float32 scalar 1.0 as base64.
        var blob = NDArrayBlob.Write(Tensor.Scalar(DataType.Float32, 1.0));
        Assert.That(Convert.ToBase64String(blob), Is.EqualTo("P6G0lvBAXt0AAAAAAAAAAAEAAAAAAAAAAAAAAAIgAQAEAAAAAAAAAAAAgD8="));
        var t = NDArrayBlob.Read(blob, "b64", "x");
        Assert.That(t.GetDouble(0), Is.EqualTo(1.0));
    }

    [Test]
    public void Params_Prefix_Matches_Spec_Example()
    {
        var bytes = ParamsFile.ToBytes([("w", Make(DataType.Float32, 1)), ("b", Make(DataType.Float32, 1))]);
        var expected = Convert.FromHexString("b79c04054f8de5f7" + "0000000000000000" + "0200000000000000" + "0100000000000000" + "77" + "0100000000000000" + "62" + "0200000000000000");
        Assert.That(bytes.AsSpan(0, expected.Length).ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void RoundTrip_Every_DType_Without_Python()
    {
        foreach (var dt in DataType.AllTensorTypes)
        {
            foreach (var shape in s_shapes.Values)
            {
                var t = Make(dt, shape);
                AssertSame(NpyFile.Read(NpyFile.ToBytes(t), "mem.npy"), t);
                AssertSame(ParamsFile.Read(ParamsFile.ToBytes([("p", t)]), "mem.params")[0].Tensor, t);
                AssertSame(NpzFile.Read(NpzFile.ToBytes([("p", t)], compress: true), "mem.npz")[0].Tensor, t);
            }
        }
    }

    [Test]
    public void TensorFiles_Load_Detects_By_Content()
    {
        var dir = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var t = Make(DataType.Int32, 2, 3);
        // Misleading extensions on purpose: detection is by content.
        File.WriteAllBytes(Path.Combine(dir, "a.bin"), NpyFile.ToBytes(t));
        File.WriteAllBytes(Path.Combine(dir, "b.npy"), ParamsFile.ToBytes([("w", t)]));
        File.WriteAllBytes(Path.Combine(dir, "c.params"), NpzFile.ToBytes([("z", t)]));
        Assert.That(TensorFiles.Load(Path.Combine(dir, "a.bin"))[0].Name, Is.EqualTo("a"));
        Assert.That(TensorFiles.Load(Path.Combine(dir, "b.npy"))[0].Name, Is.EqualTo("w"));
        Assert.That(TensorFiles.Load(Path.Combine(dir, "c.params"))[0].Name, Is.EqualTo("z"));
        foreach (var f in Directory.GetFiles(dir)) AssertSame(TensorFiles.Load(f)[0].Tensor, t);
        Directory.Delete(dir, true);
    }

    public static IEnumerable<TestCaseData> Malformed()
    {
        var t = Make(DataType.Float32, 2, 3);
        yield return new TestCaseData("npy", NpyFile.ToBytes(t));
        yield return new TestCaseData("params", ParamsFile.ToBytes([("w", t), ("flag", Make(DataType.Bool, 3))]));
        yield return new TestCaseData("npz", NpzFile.ToBytes([("w", t), ("v", Make(DataType.Int8, 4))]));
        yield return new TestCaseData("npzc", NpzFile.ToBytes([("w", t), ("v", Make(DataType.Int8, 4))], compress: true));
    }

    private static object ReadAs(string kind, byte[] data) => kind switch
    {
        "npy" => NpyFile.Read(data, "bad.npy"),
        "params" => ParamsFile.Read(data, "bad.params"),
        _ => NpzFile.Read(data, "bad.npz"),
    };

    [TestCaseSource(nameof(Malformed))]
    public void Truncated_At_Every_Prefix_Is_A_Diagnostic(string kind, byte[] full)
    {
        for (var n = 0; n < full.Length; n++)
        {
            var cut = full.AsSpan(0, n).ToArray();
            var e = Assert.Throws<BridgeException>(() => ReadAs(kind, cut), $"prefix {n} of {full.Length}")!;
            Assert.That(e.Diagnostic.Id.Code, Is.InRange(1000, 1999));
            // Also through the sniffer, as `bridge inspect` would see it.
            try { TensorFiles.Load(WriteTemp(cut)); Assert.Fail($"prefix {n} loaded"); }
            catch (BridgeException) { }
        }
    }

    private static string WriteTemp(byte[] data)
    {
        var p = Path.Combine(Path.GetTempPath(), "bridge-trunc-" + Environment.ProcessId + ".bin");
        File.WriteAllBytes(p, data);
        return p;
    }

    [TestCaseSource(nameof(Malformed))]
    public void Corrupted_Bytes_Never_Escape_As_Other_Exceptions(string kind, byte[] full)
    {
        var rng = new Random(1234);
        for (var k = 0; k < 300; k++)
        {
            var data = (byte[])full.Clone();
            for (var j = 0; j < 1 + k % 4; j++) data[rng.Next(data.Length)] = (byte)rng.Next(256);
            try { ReadAs(kind, data); }
            catch (BridgeException) { }
        }
    }

    [Test]
    public void Wrong_Magic_And_Absurd_Shapes_Are_Diagnostics()
    {
        var good = ParamsFile.ToBytes([("w", Make(DataType.Float32, 2))]);
        var bad = (byte[])good.Clone();
        bad[0] ^= 0xFF;
        Assert.That(Assert.Throws<BridgeException>(() => ParamsFile.Read(bad, "x.params"))!.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.BadMagic));
        var npy = NpyFile.ToBytes(Make(DataType.Float32, 2));
        npy[1] = (byte)'X';
        Assert.That(Assert.Throws<BridgeException>(() => NpyFile.Read(npy, "x.npy"))!.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.BadMagic));

        // Shape (4000000000, 4000000000): over the size limit, rejected before allocating.
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4000000000, 4000000000), }";
        var hdr = System.Text.Encoding.ASCII.GetBytes(header.PadRight(118) + "\n");
        var huge = new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)hdr.Length, 0 }.Concat(hdr).ToArray();
        Assert.That(Assert.Throws<BridgeException>(() => NpyFile.Read(huge, "huge.npy"))!.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.AbsurdShape));

        // A params blob whose shape claims 2^40 elements.
        var p = ParamsFile.ToBytes([("w", Make(DataType.Float32, 2))]);
        var shapeAt = p.Length - 8 - 8 - 8; // data (8 bytes) + data_byte_size + the one shape entry
        BitConverter.GetBytes(1L << 40).CopyTo(p, shapeAt);
        Assert.That(Assert.Throws<BridgeException>(() => ParamsFile.Read(p, "huge.params"))!.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.AbsurdShape));

        // Negative dimension.
        BitConverter.GetBytes(-2L).CopyTo(p, shapeAt);
        Assert.That(Assert.Throws<BridgeException>(() => ParamsFile.Read(p, "neg.params"))!.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.AbsurdShape));
    }
}

using Bridge.Core.Files;

namespace Bridge.Core.Tests;

/// <summary>The one NDArray blob codec: write → read round trips, the layout against the spec's bytes, and located errors.</summary>
public class NDArrayBlobTests
{
    private static readonly DataType[] s_dtypes =
    [
        DataType.Int8, DataType.Int16, DataType.Int32, DataType.Int64, DataType.UInt8, DataType.UInt16, DataType.UInt32, DataType.UInt64,
        DataType.Bool, DataType.Float16, DataType.BFloat16, DataType.Float32, DataType.Float64,
    ];

    private static readonly long[][] s_shapes = [[], [0], [2, 3], [3, 0, 2], [1, 1, 1, 5]];

    public static IEnumerable<TestCaseData> Cases() =>
        from d in s_dtypes from s in s_shapes select new TestCaseData(d, s).SetName($"RoundTrip({d}, [{string.Join(",", s)}])");

    [TestCaseSource(nameof(Cases))]
    public void RoundTrip(DataType dtype, long[] shape)
    {
        var t = Tensor.Zeros(dtype, shape);
        for (long i = 0; i < t.Length; i++) t.SetDouble(i, dtype.IsBool ? i % 2 : dtype.IsFloat ? i * 0.5 - 1 : i % 7);
        var blob = NDArrayBlob.Write(t);
        // Header: magic, reserved, device (1, 0), ndim, dtype (code, bits, lanes = 1), shape, byte size, then the data.
        Assert.That(blob.Length, Is.EqualTo(8 + 8 + 4 + 4 + 4 + 4 + 8 * shape.Length + 8 + t.ByteLength));
        var back = NDArrayBlob.Read(blob, "t", "x");
        Assert.That(back.DType, Is.EqualTo(dtype));
        Assert.That(back.Shape.ToArray(), Is.EqualTo(shape));
        Assert.That(back.Bytes.ToArray(), Is.EqualTo(t.Bytes.ToArray()));
        Assert.That(NDArrayBlob.Write(back), Is.EqualTo(blob), "write(read(b)) == b");
    }

    [Test]
    public void ParamsFileHoldsTheSameBlobs()
    {
        var a = Tensor.FromArray(new float[] { 1, 2, 3 }, 3);
        var bytes = ParamsFile.ToBytes([("w", a)]);
        var blob = NDArrayBlob.Write(a);
        Assert.That(bytes[^blob.Length..], Is.EqualTo(blob));
    }

    [Test]
    public void TrailingBytesAreAnError()
    {
        var blob = NDArrayBlob.Write(Tensor.Scalar(DataType.Float32, 1.0)).Append((byte)0).ToArray();
        var ex = Assert.Throws<BridgeException>(() => NDArrayBlob.Read(blob, "t", "x"))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.BadHeader));
        Assert.That(ex.Diagnostic.Message, Does.Contain("1 unexpected bytes"));
    }

    [Test]
    public void BadMagicIsAnError()
    {
        var blob = NDArrayBlob.Write(Tensor.Scalar(DataType.Float32, 1.0));
        blob[0] ^= 0xFF;
        var ex = Assert.Throws<BridgeException>(() => NDArrayBlob.Read(blob, "t", "x"))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.BadMagic));
    }

    [Test]
    public void SizeFieldMustMatchTheShape()
    {
        var blob = NDArrayBlob.Write(Tensor.FromArray(new float[] { 1, 2 }, 2));
        // data_byte_size sits after the 32-byte header and one dim.
        blob[40] = 4;
        var ex = Assert.Throws<BridgeException>(() => NDArrayBlob.Read(blob, "t", "x"))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.BadHeader));
    }
}

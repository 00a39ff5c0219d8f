
namespace Bridge.Core.Files;

/// <summary>
/// Locations inside binary tensor files. <see cref="SourceLoc"/> has no byte-offset case, so a binary position is written as a
/// graph-node location: the file, the container format as "graph", the item (entry or parameter name) as "node" and the byte
/// offset as "op" — rendered <c>w.params [graph "params", node "conv1.weight" (offset 120)]</c>. Kept in one place so a
/// dedicated location case can replace it later.
/// </summary>
public static class BinaryLoc
{
    public static SourceLoc At(string path, string format, string item, long offset) =>
        new SourceLoc.GraphNode(path, format, item, $"offset {offset}");
}

/// <summary>A bounds-checked little-endian cursor over a byte buffer; every overrun is a located <c>TruncatedFile</c> error.</summary>
internal sealed class ByteCursor(byte[] data, string path, string format)
{
    public int Position { get; set; }
    public int Remaining => data.Length - Position;
    public string Item { get; set; } = "header";
    public byte[] Data => data;

    public SourceLoc Loc => BinaryLoc.At(path, format, Item, Position);

    public BridgeException Error(DiagnosticId id, string message) => new(id, Loc, message);

    public ReadOnlySpan<byte> Take(long n, string what)
    {
        if (n < 0 || n > Remaining)
            throw Error(CoreDiagnosticIds.TruncatedFile, $"{format} file ends inside {what}: needs {n} bytes at offset {Position}, {Remaining} left");
        var s = data.AsSpan(Position, (int)n);
        Position += (int)n;
        return s;
    }

    public ulong U64(string what) => System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));
    public long I64(string what) => System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));
    public int I32(string what) => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(Take(4, what));
    public ushort U16(string what) => System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));
    public uint U32(string what) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));
    public byte U8(string what) => Take(1, what)[0];
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Bridge.Core.Limits;
using Bridge.Importers.Onnx.Proto;
using Google.Protobuf.Collections;

namespace Bridge.Importers.Onnx;

public static partial class OnnxModelLoader
{
    private sealed partial class Reader
    {
        /// <summary>
        /// Decodes a TensorProto into a Core tensor: raw_data (little-endian), the typed repeated fields, or external data.
        /// Element counts are checked against the dims before anything is allocated.
        /// </summary>
        private Tensor DecodeTensor(TensorProto t, string gname, string name, string what)
        {
            var code = t.DataType;
            if (!OnnxDTypes.IsKnown(code))
                throw Err(OnnxDiagnosticIds.UnknownDType, path, gname, name, what, $"tensor '{name}' has unknown data_type {code}");
            if (OnnxDTypes.ToCore(code) is not { } dtype)
                throw Err(OnnxDiagnosticIds.UnsupportedDType, path, gname, name, what, $"tensor '{name}' has data_type {OnnxDTypes.Name(code)}, which Bridge tensors cannot hold");
            if (t.Segment is not null)
                throw Err(OnnxDiagnosticIds.TensorDataSize, path, gname, name, what, $"tensor '{name}' is a segment of a larger tensor; segmented tensors are not supported");
            double count = 1;
            foreach (var d in t.Dims) { CheckDim(d, gname, name, what); count *= d; }
            var bytes = count * dtype.ElementSize;
            if (bytes > Tensor.MaxBytes)
                throw Err(OnnxDiagnosticIds.AbsurdTensor, path, gname, name, what, $"tensor '{name}' of {OnnxDTypes.Name(code)}[{string.Join(", ", t.Dims)}] needs {bytes:0} bytes, over the {Tensor.MaxBytes}-byte limit");
            var n = (long)count;
            var shape = t.Dims.ToArray();
            // Every tensor counts against the model's memory budget (external data charges when it reads).
            if (t.DataLocation != TensorProto.Types.DataLocation.External)
                MemoryBudget.Charge(bytes, $"tensor '{name}'", new SourceLoc.GraphNode(path, gname, name, what));
            byte[] buf;
            if (t.DataLocation == TensorProto.Types.DataLocation.External)
                buf = ReadExternal(t, n * dtype.ElementSize, gname, name, what);
            else if (t.HasRawData)
            {
                if (t.RawData.Length != n * dtype.ElementSize)
                    throw Err(OnnxDiagnosticIds.TensorDataSize, path, gname, name, what, $"tensor '{name}' raw_data has {t.RawData.Length} bytes; {OnnxDTypes.Name(code)}[{string.Join(", ", t.Dims)}] needs {n * dtype.ElementSize}");
                // Adopt the array protobuf already copied raw_data into (ByteString is immutable and tensors are never
                // written after construction): no second 100 MB copy for a resnet50.
                buf = MemoryMarshal.TryGetArray(t.RawData.Memory, out var seg) && seg.Offset == 0 && seg.Array!.Length == seg.Count
                    ? seg.Array : t.RawData.ToByteArray();
                if (!BitConverter.IsLittleEndian) throw new Bridge.Core.Diagnostics.BridgeInternalError("big-endian hosts are not supported");
            }
            else buf = FromTyped(t, code, dtype, n, gname, name, what);
            return Tensor.FromBytes(dtype, shape, buf);
        }

        private byte[] FromTyped(TensorProto t, int code, DataType dtype, long n, string gname, string name, string what)
        {
            void Count(int have, string field)
            {
                if (have != n)
                    throw Err(OnnxDiagnosticIds.TensorDataSize, path, gname, name, what, $"tensor '{name}' has {have} values in {field}; shape [{string.Join(", ", t.Dims)}] needs {n}");
            }
            var buf = new byte[n * dtype.ElementSize];
            switch (code)
            {
                case 1: Count(t.FloatData.Count, "float_data"); Copy(t.FloatData, buf); break;
                case 11: Count(t.DoubleData.Count, "double_data"); Copy(t.DoubleData, buf); break;
                case 7: Count(t.Int64Data.Count, "int64_data"); Copy(t.Int64Data, buf); break;
                case 12: Count(t.Uint64Data.Count, "uint64_data"); for (var i = 0; i < n; i++) BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(i * 4), (uint)t.Uint64Data[i]); break;
                case 13: Count(t.Uint64Data.Count, "uint64_data"); Copy(t.Uint64Data, buf); break;
                case 6: Count(t.Int32Data.Count, "int32_data"); Copy(t.Int32Data, buf); break;
                // Narrow types travel widened in int32_data (float16/bfloat16 as their bit patterns).
                case 2 or 3 or 9: Count(t.Int32Data.Count, "int32_data"); for (var i = 0; i < n; i++) buf[i] = (byte)t.Int32Data[i]; break;
                case 4 or 5 or 10 or 16: Count(t.Int32Data.Count, "int32_data"); for (var i = 0; i < n; i++) BinaryPrimitives.WriteUInt16LittleEndian(buf.AsSpan(i * 2), (ushort)t.Int32Data[i]); break;
                default: throw Err(OnnxDiagnosticIds.UnsupportedDType, path, gname, name, what, $"tensor '{name}' data_type {OnnxDTypes.Name(code)} is not supported");
            }
            return buf;
        }

        private static void Copy<T>(RepeatedField<T> src, byte[] dst) where T : unmanaged =>
            MemoryMarshal.AsBytes(src.ToArray().AsSpan()).CopyTo(dst);

        /// <summary>
        /// External data: <c>location</c> is relative to the model's directory; absolute paths and paths that leave that directory
        /// (after following every link) are rejected, as are non-regular files and offsets/lengths outside the opened file.
        /// </summary>
        private byte[] ReadExternal(TensorProto t, long need, string gname, string name, string what)
        {
            string? location = null;
            long offset = 0, length = -1;
            foreach (var kv in t.ExternalData)
            {
                switch (kv.Key)
                {
                    case "location": location = kv.Value; break;
                    case "offset" when !long.TryParse(kv.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out offset):
                    case "length" when !long.TryParse(kv.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length):
                        throw Err(OnnxDiagnosticIds.ExternalDataRange, path, gname, name, what, $"tensor '{name}' external_data {kv.Key}='{kv.Value}' is not a non-negative integer");
                }
            }
            if (string.IsNullOrEmpty(location))
                throw Err(OnnxDiagnosticIds.ExternalDataPath, path, gname, name, what, $"tensor '{name}' is external but has no location");
            if (System.IO.Path.IsPathRooted(location) || location.Contains(':', StringComparison.Ordinal))
                throw Err(OnnxDiagnosticIds.ExternalDataPath, path, gname, name, what, $"tensor '{name}' external data location '{location}' is absolute; it must be relative to the model directory");
            if (location.Contains('\0', StringComparison.Ordinal))
                throw Err(OnnxDiagnosticIds.ExternalDataPath, path, gname, name, what, $"tensor '{name}' external data location '{Diagnostic.Quote(location)}' contains a NUL character");
            var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(_dir, location));
            var root = _dir.EndsWith(System.IO.Path.DirectorySeparatorChar) ? _dir : _dir + System.IO.Path.DirectorySeparatorChar;
            if (!full.StartsWith(root, StringComparison.Ordinal))
                throw Err(OnnxDiagnosticIds.ExternalDataPath, path, gname, name, what, $"tensor '{name}' external data location '{location}' escapes the model directory");
            var fi = new FileInfo(full);
            if (!fi.Exists && !Directory.Exists(full))
                throw Err(OnnxDiagnosticIds.ExternalDataMissing, path, gname, name, what, $"tensor '{name}' external data file '{location}' does not exist");
            if (length < 0) length = need;
            if (length != need)
                throw Err(OnnxDiagnosticIds.TensorDataSize, path, gname, name, what, $"tensor '{name}' external data length {length} does not match the {need} bytes its shape needs");
            if (length > options.MaxExternalBytes)
                throw Err(OnnxDiagnosticIds.AbsurdTensor, path, gname, name, what, $"tensor '{name}' external data of {length} bytes exceeds the limit");
            // Confined: resolved through links inside the model's folder (or an --allow-dir), a regular file opened without
            // blocking, bounds checked against the opened file (docs/reliability.md).
            var loc = new SourceLoc.GraphNode(path, gname, name, what);
            try
            {
                using var fs = ConfinedFile.OpenRead(_dir, location, loc);
                if (offset > fs.Length || length > fs.Length - offset)
                    throw Err(OnnxDiagnosticIds.ExternalDataRange, path, gname, name, what, $"tensor '{name}' external data [{offset}, {offset + length}) lies outside '{location}' ({fs.Length} bytes)");
                MemoryBudget.Charge(length, $"external data of tensor '{name}'", loc);
                var buf = GC.AllocateUninitializedArray<byte>(checked((int)length));
                fs.Position = offset;
                fs.ReadExactly(buf);
                return buf;
            }
            catch (IOException e)
            {
                throw Err(OnnxDiagnosticIds.ExternalDataMissing, path, gname, name, what, $"tensor '{name}': cannot read external data '{Diagnostic.Quote(location)}': {e.Message}");
            }
        }

        /// <summary>A sparse initializer densified: values at the given flat (1-D) or coordinate (2-D) indices, zeros elsewhere.</summary>
        private Tensor DecodeSparse(SparseTensorProto s, string gname)
        {
            var name = s.Values?.Name ?? "";
            if (s.Values is null || s.Indices is null)
                throw Err(OnnxDiagnosticIds.TensorDataSize, path, gname, name, "sparse_initializer", $"sparse tensor '{name}' lacks values or indices");
            var values = DecodeTensor(s.Values, gname, name, "sparse_initializer");
            var idx = DecodeTensor(s.Indices, gname, name + ".indices", "sparse_initializer");
            foreach (var d in s.Dims) CheckDim(d, gname, name, "sparse_initializer");
            double count = 1;
            foreach (var d in s.Dims) count *= d;
            if (count * values.DType.ElementSize > Tensor.MaxBytes)
                throw Err(OnnxDiagnosticIds.AbsurdTensor, path, gname, name, "sparse_initializer", $"sparse tensor '{name}' densifies to over {Tensor.MaxBytes} bytes");
            var dense = Tensor.Zeros(values.DType, s.Dims.ToArray());
            var nnz = values.Length;
            var rank = s.Dims.Count;
            var coo = idx.Rank == 2;
            if ((coo && (idx.Shape[0] != nnz || idx.Shape[1] != rank)) || (!coo && idx.Length != nnz))
                throw Err(OnnxDiagnosticIds.TensorDataSize, path, gname, name, "sparse_initializer", $"sparse tensor '{name}' indices shape {Tensor.FormatShape(idx.Shape)} does not fit {nnz} values of rank {rank}");
            var strides = dense.Strides();
            var esz = values.DType.ElementSize;
            for (long k = 0; k < nnz; k++)
            {
                long flat = 0;
                if (coo) for (var r = 0; r < rank; r++) flat += idx.GetInt64(k * rank + r) * strides[r];
                else flat = idx.GetInt64(k);
                if (flat < 0 || flat >= dense.Length)
                    throw Err(OnnxDiagnosticIds.TensorDataSize, path, gname, name, "sparse_initializer", $"sparse tensor '{name}' index {flat} is out of range");
                values.Bytes.Slice((int)(k * esz), esz).CopyTo(dense.Bytes[(int)(flat * esz)..]);
            }
            return dense;
        }
    }
}

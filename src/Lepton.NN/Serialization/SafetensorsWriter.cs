using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Lepton.Engine;

namespace Lepton.NN.Serialization;

/// <summary>
/// Writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// (<c>{"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {...}}</c>) padded with spaces to a
/// multiple of 8, then the tensors' little-endian bytes back to back in the order given.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Serializes tensors in the given order. Names for which <paramref name="writeAsInt64"/> is true must be
    /// Int32 and are widened to I64 (PyTorch stores <c>num_batches_tracked</c> as int64).
    /// </summary>
    public static byte[] ToBytes(IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, Func<string, bool>? writeAsInt64 = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var m = new JsonObject();
            foreach (var (k, v) in metadata) m[k] = v;
            header["__metadata__"] = m;
        }
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            if (name == "__metadata__") throw new ArgumentException("A tensor cannot be named __metadata__ in safetensors.");
            bool wide = writeAsInt64?.Invoke(name) == true;
            if (wide && tensor.DType != DType.Int32)
                throw new ArgumentException($"Safetensors: tensor '{name}' is {tensor.DType}; only Int32 tensors can be written as I64.");
            var bytes = wide ? Int64Bytes(tensor) : RawBytes(tensor);
            header[name] = new JsonObject
            {
                ["dtype"] = wide ? "I64" : tensor.DType.SafetensorsName(),
                ["shape"] = new JsonArray(tensor.Shape.ToArray().Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            blobs.Add(bytes);
            offset += bytes.Length;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;
        var result = new byte[8 + padded + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        json.CopyTo(result, 8);
        result.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        long pos = 8 + padded;
        foreach (var b in blobs)
        {
            b.CopyTo(result, pos);
            pos += b.Length;
        }
        return result;
    }

    /// <summary>Writes atomically: a temporary file in the same folder, then a rename over the target.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, Func<string, bool>? writeAsInt64 = null) =>
        AtomicFile.WriteAllBytes(path, ToBytes(tensors, metadata, writeAsInt64));

    private static byte[] RawBytes(Tensor t)
    {
        var c = t.Contiguous();
        var bytes = new byte[(long)c.Numel * c.DType.SizeOf()];
        // .NET runs little-endian on every supported platform, matching safetensors.
        switch (c.DType)
        {
            case DType.Float32: System.Runtime.InteropServices.MemoryMarshal.AsBytes(c.Span<float>()).CopyTo(bytes); break;
            case DType.Float64: System.Runtime.InteropServices.MemoryMarshal.AsBytes(c.Span<double>()).CopyTo(bytes); break;
            case DType.Int32: System.Runtime.InteropServices.MemoryMarshal.AsBytes(c.Span<int>()).CopyTo(bytes); break;
            default: throw new NotSupportedException($"Safetensors cannot write {c.DType}.");
        }
        return bytes;
    }

    private static byte[] Int64Bytes(Tensor t)
    {
        var v = t.ToIntArray();
        var bytes = new byte[v.Length * 8];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), v[i]);
        return bytes;
    }
}

using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Lepton.Engine;

namespace Lepton.NN.Serialization;

/// <summary>
/// Writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// (<c>{"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {...}}</c>) padded with spaces to a
/// multiple of 8, then the tensors' little-endian bytes back to back in the order given. Every dtype is
/// written as itself (F32, F64, I32, I8, U8, I64, F16, BF16).
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Serializes tensors in the given order. Names for which <paramref name="writeAsInt64"/> is true must be
    /// Int32 or Int64 and are written as I64 (PyTorch stores <c>num_batches_tracked</c> as int64; Lepton holds it as Int32).
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
            if (wide && tensor.DType is not (DType.Int32 or DType.Int64))
                throw new ArgumentException($"Safetensors: tensor '{name}' is {tensor.DType}; only Int32 or Int64 tensors can be written as I64.");
            var stored = wide ? tensor.To(DType.Int64) : tensor; // Int32 -> Int64 is exact
            var bytes = stored.ToBytes();
            header[name] = new JsonObject
            {
                ["dtype"] = stored.DType.SafetensorsName(),
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
}

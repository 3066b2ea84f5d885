using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Engine;

namespace Lepton.NN.Serialization;

/// <summary>The contents of a safetensors file: tensors in header order, the dtype each was stored as, and <c>__metadata__</c>.</summary>
public sealed record SafetensorsContent(
    IReadOnlyList<KeyValuePair<string, Tensor>> Tensors,
    IReadOnlyDictionary<string, string> StoredDTypes,
    IReadOnlyDictionary<string, string> Metadata)
{
    public IReadOnlyDictionary<string, Tensor> ToDictionary() => Tensors.ToDictionary(kv => kv.Key, kv => kv.Value);
}

/// <summary>
/// Reads safetensors, validating every field before touching data: header length against the file
/// size, well-formed JSON, known dtypes, shapes, offsets in range, non-overlapping and covering the
/// data exactly, so no allocation is sized by the header beyond what the file holds. Every dtype loads as
/// itself (F32, F64, I32, I8, U8, I64, F16, BF16); <see cref="ModelFile.LoadWeights"/> converts to the model's dtypes.
/// </summary>
public static class SafetensorsReader
{
    private const long MaxHeaderBytes = 100_000_000;

    public static SafetensorsContent Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} not found.", path);
        return Parse(File.ReadAllBytes(path), Path.GetFileName(path));
    }

    /// <summary>Parses bytes; <paramref name="source"/> (a file name) starts every error message.</summary>
    public static SafetensorsContent Parse(byte[] file, string source = "weights.safetensors")
    {
        if (file.Length < 8)
            throw new InvalidDataException($"{source} is truncated: {file.Length} bytes, less than the 8-byte header length.");
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLen < 2 || headerLen > MaxHeaderBytes)
            throw new InvalidDataException($"{source} has a bad header length {headerLen:N0}; it is not a safetensors file or is corrupted.");
        if (8 + (long)headerLen > file.Length)
            throw new InvalidDataException($"{source} is truncated: header length says {headerLen:N0} bytes of JSON, file has {file.Length - 8:N0} after the length field.");

        JsonObject header;
        try
        {
            header = JsonNode.Parse(Encoding.UTF8.GetString(file, 8, (int)headerLen)) as JsonObject
                ?? throw new InvalidDataException($"{source}: the header is not a JSON object.");
            _ = header.Count; // JsonObject finds repeated names lazily; make it happen inside this try
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the header is not valid JSON ({e.Message}).");
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: the header names an entry twice ({e.Message}); the file is corrupted.");
        }

        long dataStart = 8 + (long)headerLen;
        long dataLen = file.Length - dataStart;
        var metadata = new Dictionary<string, string>();
        var entries = new List<(string Name, DType DType, int[] Shape, long Begin, long End)>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                if (node is not JsonObject mo) throw new InvalidDataException($"{source}: __metadata__ must be an object of strings.");
                foreach (var (k, v) in mo)
                    metadata[k] = v is JsonValue sv && sv.TryGetValue<string>(out var s) ? s
                        : throw new InvalidDataException($"{source}: __metadata__ value '{k}' must be a string.");
                continue;
            }
            if (node is not JsonObject o) throw new InvalidDataException($"{source}: entry '{name}' must be an object with dtype, shape and data_offsets.");
            string dtype = o["dtype"] is JsonValue dv && dv.TryGetValue<string>(out var ds) ? ds
                : throw new InvalidDataException($"{source}: tensor '{name}' has no dtype.");
            var known = DTypeInfo.FromSafetensorsName(dtype) ?? throw new InvalidDataException(
                $"{source}: tensor '{name}' has dtype {dtype}, which Lepton cannot read; supported: " +
                $"{string.Join(", ", DTypeInfo.All.Select(d => d.SafetensorsName()))}.");
            int elemSize = known.SizeOf();
            var shape = ReadLongs(o["shape"], source, name, "shape");
            if (shape.Any(d => d < 0 || d > int.MaxValue)) throw new InvalidDataException($"{source}: tensor '{name}' has an invalid shape [{string.Join(", ", shape)}].");
            var offsets = ReadLongs(o["data_offsets"], source, name, "data_offsets");
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
                throw new InvalidDataException($"{source}: tensor '{name}' has bad data_offsets [{string.Join(", ", offsets)}]; expected [begin, end] with 0 <= begin <= end.");
            // Each factor is <= int.MaxValue and the product is checked after every step, so it cannot overflow a long.
            long numel = shape.Contains(0) ? 0 : 1;
            foreach (var d in numel == 0 ? [] : shape)
            {
                numel *= d;
                if (numel > int.MaxValue)
                    throw new InvalidDataException($"{source}: tensor '{name}' has shape [{string.Join(", ", shape)}], more than the {int.MaxValue:N0} elements Lepton supports.");
            }
            long expected = numel * elemSize;
            if (offsets[1] - offsets[0] != expected)
                throw new InvalidDataException($"{source}: tensor '{name}' ({dtype}, shape [{string.Join(", ", shape)}]) needs {expected:N0} bytes but data_offsets span {offsets[1] - offsets[0]:N0}.");
            entries.Add((name, known, shape.Select(d => (int)d).ToArray(), offsets[0], offsets[1]));
        }

        long needed = entries.Count == 0 ? 0 : entries.Max(e => e.End);
        if (needed > dataLen)
            throw new InvalidDataException($"{source} is truncated: header says {needed:N0} bytes of data, file has {dataLen:N0}.");
        long cursor = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < cursor) throw new InvalidDataException($"{source}: tensor '{e.Name}' overlaps the previous tensor (bytes {e.Begin:N0}..{e.End:N0}).");
            if (e.Begin > cursor) throw new InvalidDataException($"{source}: bytes {cursor:N0}..{e.Begin:N0} of the data belong to no tensor; the header or data are corrupted.");
            cursor = e.End;
        }
        if (cursor != dataLen)
            throw new InvalidDataException($"{source} has {dataLen - cursor:N0} bytes after the last tensor; header says {cursor:N0} bytes of data, file has {dataLen:N0}.");

        var tensors = new List<KeyValuePair<string, Tensor>>();
        var stored = new Dictionary<string, string>();
        foreach (var e in entries)
        {
            var bytes = new ReadOnlySpan<byte>(file, (int)(dataStart + e.Begin), (int)(e.End - e.Begin));
            tensors.Add(new(e.Name, Tensor.FromBytes(bytes, e.DType, new Shape(e.Shape))));
            stored[e.Name] = e.DType.SafetensorsName();
        }
        return new SafetensorsContent(tensors, stored, metadata);
    }

    private static long[] ReadLongs(JsonNode? n, string source, string name, string field)
    {
        if (n is not JsonArray a) throw new InvalidDataException($"{source}: tensor '{name}' has no {field} list.");
        var r = new long[a.Count];
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<long>(out r[i]))
                throw new InvalidDataException($"{source}: tensor '{name}' {field}[{i}] must be an integer, got {a[i]?.ToJsonString() ?? "null"}.");
        }
        return r;
    }
}

using System.Buffers.Binary;
using System.Text;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Tests;

/// <summary>Safetensors round trips and every corruption the reader must reject with a clear message.</summary>
public class SafetensorsTests
{
    private static byte[] Sample() => SafetensorsWriter.ToBytes(
        new Dictionary<string, Tensor>
        {
            ["a"] = Tensor.FromArray(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 2, 3),
            ["b"] = Tensor.FromArray(new[] { 1.5, -2.5 }, 2),
            ["n"] = Tensor.Scalar(7, DType.Int32),
        }, new Dictionary<string, string> { ["format"] = "pt" }, n => n == "n");

    /// <summary>A file with a hand-written header and data.</summary>
    private static byte[] Raw(string header, int dataBytes)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        return bytes;
    }

    [Fact]
    public void RoundTripKeepsNamesOrderShapesValuesAndMetadata()
    {
        var bytes = Sample();
        Assert.Equal(0, (int)(BinaryPrimitives.ReadUInt64LittleEndian(bytes) % 8));
        var r = SafetensorsReader.Parse(bytes);
        Assert.Equal(["a", "b", "n"], r.Tensors.Select(t => t.Key).ToArray());
        var d = r.ToDictionary();
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], d["a"].ToArray());
        Assert.Equal([2, 3], d["a"].Shape.ToArray());
        Assert.Equal(DType.Float64, d["b"].DType);
        Assert.Equal([1.5, -2.5], d["b"].ToDoubleArray());
        Assert.Equal(DType.Int64, d["n"].DType); // written as I64, read as itself
        Assert.Equal(0, d["n"].Rank);
        Assert.Equal(7L, d["n"].ToArray<long>()[0]);
        Assert.Equal("I64", r.StoredDTypes["n"]);
        Assert.Equal("pt", r.Metadata["format"]);
    }

    [Fact]
    public void ReadsHalfPrecisionAsFloat16AndBFloat16()
    {
        var f16 = BitConverter.GetBytes((Half)1.5).Concat(BitConverter.GetBytes((Half)(-2))).ToArray();
        var bf16 = BitConverter.GetBytes((ushort)(BitConverter.SingleToInt32Bits(3.0f) >> 16));
        var bytes = Raw("""{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}""", 6);
        int start = bytes.Length - 6;
        f16.CopyTo(bytes, start);
        bf16.CopyTo(bytes, start + 4);
        var d = SafetensorsReader.Parse(bytes).ToDictionary();
        Assert.Equal(DType.Float16, d["h"].DType);
        Assert.Equal([(Half)1.5, (Half)(-2)], d["h"].ToArray<Half>());
        Assert.Equal(DType.BFloat16, d["b"].DType);
        Assert.Equal([1.5f, -2f], d["h"].ToArray());
        Assert.Equal([3f], d["b"].ToArray());
    }

    [Fact]
    public void TruncatedDataIsReported()
    {
        var bytes = Sample();
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Parse(bytes[..^5], "weights.safetensors"));
        Assert.StartsWith("weights.safetensors is truncated: header says 48 bytes of data, file has 43", e.Message);
    }

    [Theory]
    [InlineData(0, "less than the 8-byte header length")]
    [InlineData(6, "less than the 8-byte header length")]
    [InlineData(20, "is truncated: header length says")]
    public void TruncatedHeaderIsReported(int keep, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Parse(Sample()[..keep]));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AbsurdHeaderLengthIsReported()
    {
        var bytes = Sample();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue - 3);
        Assert.Contains("bad header length", Assert.Throws<InvalidDataException>(() => SafetensorsReader.Parse(bytes)).Message);
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}""", 8, "not valid JSON")]
    [InlineData("""[1,2]""", 0, "not a JSON object")]
    [InlineData("""{"a":{"dtype":"Q8","shape":[2],"data_offsets":[0,8]}}""", 8, "dtype Q8, which Lepton cannot read")]
    [InlineData("""{"a":{"shape":[2],"data_offsets":[0,8]}}""", 8, "has no dtype")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "needs 12 bytes but data_offsets span 8")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8, "bad data_offsets")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "overlaps")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "belong to no tensor")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 12, "bytes after the last tensor")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8, "invalid shape")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,"8"]}}""", 8, "must be an integer")]
    [InlineData("""{"__metadata__":{"k":1}}""", 0, "must be a string")]
    public void CorruptHeadersAreReported(string header, int dataBytes, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Parse(Raw(header, dataBytes), "w.safetensors"));
        Assert.StartsWith("w.safetensors", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Int64BeyondInt32IsReadExactly()
    {
        var bytes = Raw("""{"n":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}""", 8);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), 1L << 40);
        Assert.Equal([1L << 40], SafetensorsReader.Parse(bytes).ToDictionary()["n"].ToArray<long>());
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}}""", 8, "more than the 2,147,483,647 elements")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2147483648],"data_offsets":[0,8]}}""", 8, "invalid shape")]
    [InlineData("""{"a":{"dtype":"I8","shape":[9],"data_offsets":[0,8]}}""", 8, "(I8, shape [9]) needs 9 bytes but data_offsets span 8")]
    [InlineData("""{"a":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,6]}}""", 6, "needs 8 bytes but data_offsets span 6")]
    [InlineData("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", 2, "names an entry twice")]
    [InlineData("""{"a":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}}""", 1, "dtype BOOL, which Lepton cannot read; supported: F32, F64, I32, I8, U8, I64, F16, BF16")]
    [InlineData("""{"a":{"dtype":"I64","shape":[4],"data_offsets":[0,32]}}""", 8, "truncated: header says 32 bytes of data, file has 8")]
    public void HostileHeadersAreRefusedBeforeAllocating(string header, int dataBytes, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Parse(Raw(header, dataBytes), "w.safetensors"));
        Assert.StartsWith("w.safetensors", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void EveryDTypeRoundTripsWithItsBytes()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = Tensor.FromArray(new[] { 1.5f, float.NaN, float.NegativeInfinity, -0f }, 2, 2),
            ["f64"] = Tensor.FromArray(new[] { double.Epsilon, -1e300 }),
            ["i32"] = Tensor.FromArray(new[] { int.MinValue, int.MaxValue }),
            ["i8"] = Tensor.FromArray(new sbyte[] { -128, 127, 0 }),
            ["u8"] = Tensor.FromArray(new byte[] { 0, 255, 7 }),
            ["i64"] = Tensor.FromArray(new[] { long.MinValue, long.MaxValue }),
            ["f16"] = Tensor.FromArray(new[] { Half.MaxValue, Half.Epsilon, Half.NaN, (Half)(-1.5) }, 4, 1),
            ["bf16"] = Tensor.FromArray(new[] { BFloat16.MaxValue, BFloat16.NaN, (BFloat16)(-0.5f) }),
            ["empty_i8"] = Tensor.Zeros(new Shape(0, 3), DType.Int8),
            ["scalar_bf16"] = Tensor.Scalar(2, DType.BFloat16),
            ["strided_i64"] = Tensor.FromArray(new[] { 1L, 2, 3, 4, 5, 6 }, 2, 3).Transpose(0, 1),
        };
        var bytes = SafetensorsWriter.ToBytes(tensors);
        var read = SafetensorsReader.Parse(bytes);
        Assert.Equal(tensors.Keys, read.Tensors.Select(t => t.Key));
        foreach (var (name, t) in read.Tensors)
        {
            var want = tensors[name];
            Assert.Equal(want.DType, t.DType);
            Assert.Equal(want.DType.SafetensorsName(), read.StoredDTypes[name]);
            Assert.Equal(want.Shape, t.Shape);
            Assert.Equal(want.ToBytes(), t.ToBytes()); // bit for bit, NaN payloads and -0 included
        }
        Assert.Equal([1L, 4, 2, 5, 3, 6], read.ToDictionary()["strided_i64"].ToArray<long>());
        Assert.Equal(bytes, SafetensorsWriter.ToBytes(read.Tensors));
    }
}

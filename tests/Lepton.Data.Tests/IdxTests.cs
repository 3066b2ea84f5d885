using System.Buffers.Binary;
using System.IO.Compression;
using Lepton.Data.Formats;
using Lepton.Engine;

namespace Lepton.Data.Tests;

public class IdxTests
{
    internal static byte[] Build(IdxDataType type, int[] dims, byte[] payload)
    {
        var ms = new MemoryStream();
        ms.Write([0, 0, (byte)type, (byte)dims.Length]);
        var d = new byte[4];
        foreach (var dim in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(d, dim);
            ms.Write(d);
        }
        ms.Write(payload);
        return ms.ToArray();
    }

    internal static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    private static IdxArray ReadBytes(byte[] bytes, string name = "test.idx") => Idx.Read(new MemoryStream(bytes), name);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsUbyteImagesPlainOrGzip(bool gzip)
    {
        var payload = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 10)).ToArray();
        var bytes = Build(IdxDataType.UInt8, [2, 3, 4], payload);
        var idx = ReadBytes(gzip ? Gzip(bytes) : bytes);
        Assert.Equal(IdxDataType.UInt8, idx.DataType);
        Assert.Equal(new Shape(2, 3, 4), idx.Shape);
        var t = idx.ToFloat32(1f / 10f);
        Assert.Equal(new Shape(2, 3, 4), t.Shape);
        Assert.Equal(23f, t[1, 2, 3], 5);
        Assert.Equal(payload.Select(b => (int)b), idx.ToInt32().ToIntArray());
    }

    [Fact]
    public void GzipIsDetectedByContentNotName()
    {
        var dir = TestData.TempDir();
        var path = Path.Combine(dir, "labels-without-gz-suffix");
        File.WriteAllBytes(path, Gzip(Build(IdxDataType.UInt8, [3], [7, 8, 9])));
        Assert.Equal(new[] { 7, 8, 9 }, Idx.Read(path).ToInt32().ToIntArray());
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ReadsEveryElementTypeBigEndian()
    {
        var i16 = new byte[4];
        BinaryPrimitives.WriteInt16BigEndian(i16, -300);
        BinaryPrimitives.WriteInt16BigEndian(i16.AsSpan(2), 1234);
        Assert.Equal(new[] { -300, 1234 }, ReadBytes(Build(IdxDataType.Int16, [2], i16)).ToInt32().ToIntArray());

        var i32 = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(i32, -70000);
        Assert.Equal(new[] { -70000 }, ReadBytes(Build(IdxDataType.Int32, [1], i32)).ToInt32().ToIntArray());

        Assert.Equal(new[] { -2, 5 }, ReadBytes(Build(IdxDataType.Int8, [2], [0xFE, 5])).ToInt32().ToIntArray());

        var f32 = new byte[4];
        BinaryPrimitives.WriteSingleBigEndian(f32, 1.5f);
        Assert.Equal(new[] { 1.5f }, ReadBytes(Build(IdxDataType.Float32, [1], f32)).ToFloat32().ToArray());

        var f64 = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(f64, -0.25);
        var doubles = ReadBytes(Build(IdxDataType.Float64, [1, 1], f64));
        Assert.Equal(new[] { -0.25f }, doubles.ToFloat32().ToArray());
        Assert.Throws<InvalidOperationException>(() => doubles.ToInt32());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedPayloadNamesDeclaredAndActualSizes(bool gzip)
    {
        var bytes = Build(IdxDataType.UInt8, [60000, 28, 28], new byte[1000]);
        var ex = Assert.Throws<InvalidDataException>(() => ReadBytes(gzip ? Gzip(bytes) : bytes, "train-images-idx3-ubyte.gz"));
        Assert.Equal("train-images-idx3-ubyte.gz: truncated: header declares 60000x28x28 = 47,040,000 bytes, file has 1,000.", ex.Message);
    }

    [Fact]
    public void TrailingBytesAreAnError()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ReadBytes(Build(IdxDataType.UInt8, [2], [1, 2, 3])));
        Assert.Contains("more data", ex.Message);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0, 0 })]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4 })]
    [InlineData(new byte[] { 0, 0, 0x07, 1, 0, 0, 0, 1, 5 })]
    [InlineData(new byte[] { 0, 0, 0x08, 0, 5 })]
    [InlineData(new byte[] { 0, 0, 0x08, 3, 0, 0, 0, 1 })]
    [InlineData(new byte[] { 0, 0, 0x08, 1, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0, 0, 0x0E, 3, 0x7F, 0, 0, 0, 0x7F, 0, 0, 0, 0x7F, 0, 0, 0 })]
    public void GarbageIsRejectedWithTheFileName(byte[] bytes)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ReadBytes(bytes, "junk.idx"));
        Assert.StartsWith("junk.idx: ", ex.Message);
    }

    [Fact]
    public void CorruptGzipIsRejectedWithTheFileName()
    {
        var gz = Gzip(Build(IdxDataType.UInt8, [100], new byte[100]));
        for (int i = 10; i < gz.Length - 8; i++) gz[i] ^= 0x5A;
        var ex = Assert.Throws<InvalidDataException>(() => ReadBytes(gz, "broken.gz"));
        Assert.StartsWith("broken.gz: ", ex.Message);
    }
}

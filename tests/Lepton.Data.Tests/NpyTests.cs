using System.Text.Json;
using Lepton.Data.Formats;
using Lepton.Engine;

namespace Lepton.Data.Tests;

/// <summary>Reads .npy files written by NumPy (tools/fixtures/data_npy.py) and round-trips our own.</summary>
public class NpyTests
{
    private static readonly JsonElement[] Cases = LoadCases();

    private static JsonElement[] LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Fixture("npy/npy_expected.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    }

    public static TheoryData<string> ReadableFiles() => new(Cases.Where(c => !c.TryGetProperty("error", out _)).Select(c => c.GetProperty("file").GetString()!));

    public static TheoryData<string> BrokenFiles() => new(Cases.Where(c => c.TryGetProperty("error", out _)).Select(c => c.GetProperty("file").GetString()!));

    private static JsonElement Case(string file) => Cases.Single(c => c.GetProperty("file").GetString() == file);

    [Theory]
    [MemberData(nameof(ReadableFiles))]
    public void ReadsFilesWrittenByNumPy(string file)
    {
        var expected = Case(file);
        var t = Npy.Read(TestData.Fixture("npy/" + file));
        Assert.Equal(Enum.Parse<DType>(expected.GetProperty("dtype").GetString()!), t.DType);
        Assert.Equal(expected.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(), t.Shape.ToArray());
        var values = expected.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var actual = t.ToDoubleArray();
        Assert.Equal(values.Length, actual.Length);
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(values[i], actual[i], t.DType == DType.Float32 ? 1e-6 : 0);
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void UnsupportedFilesGetClearErrors(string file)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Npy.Read(TestData.Fixture("npy/" + file)));
        Assert.StartsWith(file + ": ", ex.Message);
        Assert.Contains(Case(file).GetProperty("error").GetString()!, ex.Message);
    }

    [Theory]
    [InlineData("f4_2x3.npy")]
    [InlineData("f8_4.npy")]
    [InlineData("i4_2x2x2.npy")]
    [InlineData("f4_scalar.npy")]
    [InlineData("f4_empty_0x3.npy")]
    public void WriterMatchesNumPyByteForByte(string file)
    {
        var path = TestData.Fixture("npy/" + file);
        Assert.Equal(File.ReadAllBytes(path), Npy.ToBytes(Npy.Read(path)));
    }

    [Fact]
    public void RoundTripsStridedViewsAsTheirValues()
    {
        var t = Tensor.Arange(0, 12).Reshape(3, 4).Transpose(0, 1);
        var back = Npy.Read(new MemoryStream(Npy.ToBytes(t)));
        Assert.Equal(new Shape(4, 3), back.Shape);
        Assert.Equal(t.ToArray(), back.ToArray());
        Assert.Equal(0, (Npy.ToBytes(t).Length - 48) % 64);
    }

    [Fact]
    public void TruncatedAndForeignFilesAreRejected()
    {
        var bytes = Npy.ToBytes(Tensor.Ones(4, 4));
        var ex = Assert.Throws<InvalidDataException>(() => Npy.Read(new MemoryStream(bytes[..^5]), "cut.npy"));
        Assert.Equal("cut.npy: truncated: header declares shape (4, 4) of <f4 = 64 bytes, file has 59.", ex.Message);
        Assert.Contains("truncated inside the .npy header", Assert.Throws<InvalidDataException>(() => Npy.Read(new MemoryStream(bytes[..40]), "h.npy")).Message);
        Assert.Contains("not a .npy file", Assert.Throws<InvalidDataException>(() => Npy.Read(new MemoryStream("PK\u0003\u0004zip!!"u8.ToArray()), "a.npz")).Message);
        Assert.Contains("more data", Assert.Throws<InvalidDataException>(() => Npy.Read(new MemoryStream([.. bytes, 0]), "long.npy")).Message);
    }
}

using System.Text;
using System.Text.Json;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Tests.Protocol;

/// <summary>
/// The flat-array fast path against its reference twin, the reader's token-by-token path: the same values, nesting
/// and following tokens for every array it takes, and the same outcome (value or error) for every array it declines.
/// </summary>
public sealed class FlatNumberArrayTests
{
    [Theory]
    [InlineData("[0.0,255.0,1,-0.5]")]
    [InlineData("[ 1 , 2\n,\t3\r\n ]")]
    [InlineData("[-0,0e5,1E-3,2.5e+2,-7.25E2]")]
    [InlineData("[9007199254740993,1e23,1.7976931348623157e308,4.9e-324]")]
    [InlineData("[0.1]")]
    public void FlatNumbers_AreTakenAndMatchTheReader(string array)
    {
        var fast = ReadData(array, fastPath: true, out var fastRest, out bool taken);
        var slow = ReadData(array, fastPath: false, out var slowRest, out _);
        Assert.True(taken);
        AssertSameData(slow, fast);
        Assert.Equal(slowRest, fastRest);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[1,2,]")]
    [InlineData("[01]")]
    [InlineData("[1.]")]
    [InlineData("[.5]")]
    [InlineData("[-]")]
    [InlineData("[1e]")]
    [InlineData("[+1]")]
    [InlineData("[1 2]")]
    [InlineData("[1,[2]]")]
    [InlineData("[[1,2],[3,4]]")]
    [InlineData("[1,\"NaN\"]")]
    [InlineData("[true,0]")]
    [InlineData("[1e400]")]
    [InlineData("[1}")]
    [InlineData("[1,2")]
    public void AnythingElse_IsDeclinedAndReadAsBefore(string array)
    {
        var slow = Outcome(array, fastPath: false);
        var fast = Outcome(array, fastPath: true);
        Assert.Equal(slow, fast);
    }

    [Fact]
    public void RandomNumberArrays_MatchTheReader()
    {
        var random = new Random(11);
        string[] forms = ["0", "-0.0", "255.0", "1e-7", "-3.5E+2", "0.000123", "9007199254740993", "1e23", "12345678901234567890123", "2.5e-400"];
        for (int a = 0; a < 300; a++)
        {
            var values = Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(3) == 0
                ? forms[random.Next(forms.Length)]
                : ((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 12))).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            string array = "[" + string.Join(random.Next(2) == 0 ? "," : " ,\n", values) + "]";
            var fast = ReadData(array, fastPath: true, out var fastRest, out bool taken);
            var slow = ReadData(array, fastPath: false, out var slowRest, out _);
            Assert.True(taken, array);
            AssertSameData(slow, fast);
            Assert.Equal(slowRest, fastRest);
        }
    }

    [Fact]
    public void FastPath_DeclinesNonFlatArrays()
    {
        ReadData("[[1,2],[3,4]]", fastPath: true, out _, out bool taken);
        Assert.False(taken);
    }

    [Fact]
    public void MalformedJsonAfterAFastReadArray_NamesThePositionInTheWholeBody()
    {
        const string body = "{\"inputs\":[{\"name\":\"x\",\"shape\":[3],\"datatype\":\"FP32\",\"data\":[1,2,3]}] x}";
        var error = Assert.Throws<ProtocolException>(() => InferenceRequestParser.Parse(Encoding.UTF8.GetBytes(body), []));
        Assert.Contains(PlainReaderError(body), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoInputs_AfterAFastReadArray_AreBothRead()
    {
        var r = InferenceRequestParser.Parse(Encoding.UTF8.GetBytes(
            "{\"inputs\":[{\"name\":\"a\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1.5,2]},{\"data\":[[3],[4]],\"name\":\"b\",\"shape\":[2,1],\"datatype\":\"INT32\"}],\"id\":\"q\"}"), []);
        Assert.Equal([1.5f, 2f], r.Inputs[0].Data);
        Assert.Equal([3f, 4f], r.Inputs[1].Data);
        Assert.Equal("q", r.Id);
    }

    // The array inside {"data": ARRAY, "after": true}: the data read, then every token that follows, as text.
    private static TensorData ReadData(string array, bool fastPath, out string rest, out bool taken)
    {
        ReadOnlySpan<byte> json = Encoding.UTF8.GetBytes("{\"data\":" + array + ",\"after\":[true]}");
        var reader = new Utf8JsonReader(json);
        reader.Read();
        reader.Read();
        reader.Read();
        int before = json.Length;
        var data = TensorDataReader.Read(ref reader, ref json, "data", fastPath);
        taken = json.Length != before;
        var tokens = new StringBuilder();
        while (reader.Read()) tokens.Append(reader.TokenType).Append(' ');
        rest = tokens.ToString();
        return data;
    }

    private static string Outcome(string array, bool fastPath)
    {
        try
        {
            var data = ReadData(array, fastPath, out var rest, out _);
            return $"ok {string.Join(",", data.Values.ToArray())} depth {data.LeafDepth} lengths {string.Join(",", data.Lengths)} then {rest}";
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static void AssertSameData(TensorData expected, TensorData actual)
    {
        Assert.Equal(expected.Values.ToArray().Select(BitConverter.DoubleToInt64Bits), actual.Values.ToArray().Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expected.LeafDepth, actual.LeafDepth);
        Assert.Equal(expected.Lengths, actual.Lengths);
    }

    private static string PlainReaderError(string body)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(body));
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            return e.Message;
        }
        throw new InvalidOperationException("the body was expected to be malformed");
    }
}

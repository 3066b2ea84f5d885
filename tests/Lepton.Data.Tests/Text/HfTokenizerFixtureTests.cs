using System.Text.Json;
using Lepton.Data.Text.Tokenizers;

namespace Lepton.Data.Tests.Text;

/// <summary>
/// Compatibility with Hugging Face's tokenizer.json: the hand-verified fixture (tools/fixtures/data_tokenizers.py) holds a
/// byte-level BPE with merges in the newer [a, b] form and a BERT uncased WordPiece as tokenizers writes them; both our
/// reader with the reference encoder and Microsoft.ML.Tokenizers give the fixture's ids.
/// </summary>
public sealed class HfTokenizerFixtureTests
{
    public static TheoryData<string> Kinds => new() { "bpe", "wordpiece" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Fixture_TokenizerJsonFromHuggingFace_EncodesToItsIds(string kind)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(TestData.Fixture("tokenizers/hf_tokenizers.json")));
        var section = doc.RootElement.GetProperty(kind);
        var model = TokenizerJson.Read(JsonSerializer.SerializeToUtf8Bytes(section.GetProperty("tokenizer")));
        var reference = new ReferenceEncoder(model);
        var fast = new TextTokenizer(model);
        bool special = kind == "wordpiece";
        foreach (var c in section.GetProperty("cases").EnumerateArray())
        {
            var text = c.GetProperty("text").GetString()!;
            int[] expected = [.. c.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32())];
            Assert.Equal(expected, reference.Encode(text, special));
            Assert.Equal(expected, fast.Encode(text, special));
        }
    }
}

using System.Text;
using Lepton.Data.Text.Tokenizers;

namespace Lepton.Data.Tests.Text;

/// <summary>
/// The trainers (deterministic, the stated tie rule), the two encoders held equal (Microsoft.ML.Tokenizers on the
/// tokenizer.json we write, and the plain reference), round trips in several scripts, and tokenizer.json round trips.
/// </summary>
public sealed class TokenizerTests
{
    private static readonly string[] Sentences =
    [
        "The quick brown fox jumps over the lazy dog.",
        "Machine learning models need clean, well-labelled data; don't forget the test split!",
        "Tokenizers split text into pieces: words, sub-words and bytes.",
        "机器学习需要干净的数据。我们今天训练一个分词器。",
        "東京で機械学習を勉強しています。ひらがなとカタカナと漢字。",
        "Emoji work too 😀🚀 and accents: café, naïve, Zürich.",
        "Numbers like 3.14159 and 2026 are split by digits 12345.",
    ];

    private static IEnumerable<string> Corpus() => Enumerable.Range(0, 40).SelectMany(i => Sentences.Select(s => i % 3 == 0 ? s : $"{s} {i}"));

    private static readonly TokenizerModel Bpe = TokenizerTrainer.Train(Corpus(), new TokenizerTrainingOptions(TokenizerKind.ByteLevelBpe, VocabSize: 500));
    private static readonly TokenizerModel WordPiece = TokenizerTrainer.Train(Corpus(), new TokenizerTrainingOptions(TokenizerKind.WordPiece, VocabSize: 300));
    private static readonly TokenizerModel WordPieceStripped = TokenizerTrainer.Train(Corpus(), new TokenizerTrainingOptions(TokenizerKind.WordPiece, VocabSize: 300, StripAccents: true));

    public static TheoryData<string> Texts => new()
    {
        "The quick brown fox jumps over the lazy dog.",
        "A sentence it never saw, with Unusual CASING and tabs\tand\nnew lines.",
        "机器学习需要干净的数据。",
        "東京で機械学習を勉強しています。",
        "Emoji 😀🚀👩‍👩‍👧 and flags 🇯🇵",
        "한국어와 العربية were never in the corpus",
        "  leading and trailing spaces  ",
        "Cr\u00e8me br\u00fbl\u00e9e \u00e0 Z\u00fcrich, NA\u00cfVE caf\u00e9",
        "",
    };

    [Fact]
    public void Train_SameCorpusTwiceAndInAnotherOrder_GivesTheSameTokenizerJsonBitForBit()
    {
        var again = TokenizerTrainer.Train(Corpus(), new TokenizerTrainingOptions(TokenizerKind.ByteLevelBpe, VocabSize: 500));
        var reversed = TokenizerTrainer.Train(Corpus().Reverse(), new TokenizerTrainingOptions(TokenizerKind.ByteLevelBpe, VocabSize: 500));
        Assert.Equal(TokenizerJson.Write(Bpe), TokenizerJson.Write(again));
        Assert.Equal(TokenizerJson.Write(Bpe), TokenizerJson.Write(reversed));
        var wp = TokenizerTrainer.Train(Corpus().Reverse(), new TokenizerTrainingOptions(TokenizerKind.WordPiece, VocabSize: 300));
        Assert.Equal(TokenizerJson.Write(WordPiece), TokenizerJson.Write(wp));
        Assert.Equal(500, Bpe.Vocab.Count);
        Assert.Equal(300, WordPiece.Vocab.Count);
    }

    [Fact]
    public void Train_EqualCounts_MergeTheLeftTokenThatSortsFirst()
    {
        var model = TokenizerTrainer.Train(["ab cd"], new TokenizerTrainingOptions(TokenizerKind.ByteLevelBpe, VocabSize: 261, MinFrequency: 1));
        Assert.Equal([("a", "b"), ("c", "d"), ("Ġ", "cd")], model.Merges);
        Assert.Equal(["<|endoftext|>", "<pad>"], model.Vocab.Take(2));
        Assert.Equal(["ab", "cd", "Ġcd"], model.Vocab.Skip(258));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Bpe_EncodeDecode_RoundTripsAnyScriptWithoutUnknownTokens(string text)
    {
        foreach (ITextEncoder encoder in new ITextEncoder[] { new ReferenceEncoder(Bpe), new TextTokenizer(Bpe) })
        {
            var ids = encoder.Encode(text);
            Assert.All(ids, id => Assert.InRange(id, 2, Bpe.Vocab.Count - 1)); // never a special token
            Assert.Equal(text, encoder.Decode(ids));
        }
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void MlTokenizers_OnOurTokenizerJson_GiveTheReferenceIds(string text)
    {
        foreach (var model in new[] { Bpe, WordPiece, WordPieceStripped })
        {
            var path = Path.Combine(Path.GetTempPath(), $"lepton-tok-{Guid.NewGuid():N}.json");
            try
            {
                File.WriteAllBytes(path, TokenizerJson.Write(model));
                var loaded = TextTokenizer.Load(path);
                Assert.Equal(new ReferenceEncoder(model).Encode(text, addSpecialTokens: true), loaded.Encode(text, addSpecialTokens: true));
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public void WordPiece_Encode_SplitsCjkAndPunctuationAndMarksUnseenCharactersUnknown()
    {
        var reference = new ReferenceEncoder(WordPiece);
        string Tokens(string text) => string.Join(" ", reference.Encode(text, addSpecialTokens: true).Select(i => WordPiece.Vocab[i]));
        Assert.Equal("[CLS] 机 器 学 习 。 [SEP]", Tokens("机器学习。"));
        Assert.EndsWith(" [UNK] [SEP]", Tokens("The QUICK ✈"));
        Assert.DoesNotContain("[UNK]", Tokens("The QUICK"));
        Assert.Equal("the quick", reference.Decode(reference.Encode("The quick", addSpecialTokens: true)));
        Assert.Equal("the quick", new TextTokenizer(WordPiece).Decode(reference.Encode("The quick", addSpecialTokens: true)));
    }

    [Fact]
    public void WordPiece_StripAccents_EncodesAccentedAndPlainWordsAlike()
    {
        var reference = new ReferenceEncoder(WordPieceStripped);
        Assert.Equal(reference.Encode("cafe naive zurich"), reference.Encode("Caf\u00e9 Na\u00efve Z\u00fcrich"));
        Assert.NotEqual(new ReferenceEncoder(WordPiece).Encode("cafe"), new ReferenceEncoder(WordPiece).Encode("caf\u00e9"));
    }

    [Fact]
    public void TokenizerJson_WriteThenRead_GivesTheSameModel()
    {
        foreach (var model in new[] { Bpe, WordPiece, WordPieceStripped })
        {
            var read = TokenizerJson.Read(TokenizerJson.Write(model));
            Assert.Equal(model.Kind, read.Kind);
            Assert.Equal(model.Vocab, read.Vocab);
            Assert.Equal(model.Merges, read.Merges);
            Assert.Equal(model.SpecialTokens, read.SpecialTokens);
            Assert.Equal(model.Lowercase, read.Lowercase);
            Assert.Equal(model.StripAccents, read.StripAccents);
        }
    }

    [Theory]
    [InlineData("{\"model\": {\"type\": \"Unigram\", \"vocab\": {}}}", "Unigram")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 0}, \"merges\": []}, \"pre_tokenizer\": {\"type\": \"ByteLevel\"}}", "each used once")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}, \"pre_tokenizer\": {\"type\": \"Whitespace\"}}", "ByteLevel")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b c\"]}, \"pre_tokenizer\": {\"type\": \"ByteLevel\"}}", "two tokens")]
    public void TokenizerJson_Read_RefusesWhatItCannotHonour(string json, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => TokenizerJson.Read(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ByteLevel_Alphabet_IsGpt2sMapping()
    {
        Assert.Equal('Ġ', ByteLevel.Symbol((byte)' '));
        Assert.Equal('Ċ', ByteLevel.Symbol((byte)'\n'));
        Assert.Equal('!', ByteLevel.Symbol((byte)'!'));
        Assert.Equal('Ń', ByteLevel.Symbol(0xAD)); // the soft hyphen: the 68th byte that is not printable, U+0100 + 67
        Assert.Equal(256, ByteLevel.Alphabet.Distinct().Count());
        Assert.Equal(["Hello", ",", " world", "'s", " 世界", "!!", " 123", "  ", " x"], ByteLevel.PreTokenize("Hello, world's 世界!! 123   x"));
    }
}

using System.Text;
using Microsoft.ML.Tokenizers;

namespace Lepton.Data.Text.Tokenizers;

/// <summary>
/// The tokenizer used for training and serving: a <see cref="TokenizerModel"/> (trained here or read from a
/// tokenizer.json) encoded by Microsoft.ML.Tokenizers. Byte-level BPE runs its <see cref="BpeTokenizer"/> with byte-level
/// handling and GPT-2's pre-tokenization pattern. WordPiece runs its <see cref="WordPieceTokenizer"/> on the words of our
/// <see cref="BertPreTokenizer"/>, not its BertTokenizer: that one inspects UTF-16 units, so it drops every character
/// outside the BMP (emoji, rare CJK) where Hugging Face's BERT normalizer keeps them as words ([UNK] when unknown).
/// <see cref="ReferenceEncoder"/> is the plain twin the tests hold it equal to.
/// </summary>
public sealed class TextTokenizer : ITextEncoder
{
    private readonly Tokenizer _tokenizer;
    private readonly HashSet<int> _special;

    public TextTokenizer(TokenizerModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _special = [.. model.SpecialTokens.Select(model.Id)];
        _tokenizer = model.Kind == TokenizerKind.ByteLevelBpe ? CreateBpe(model) : CreateWordPiece(model);
    }

    public TokenizerModel Model { get; }

    /// <summary>Loads a tokenizer.json written by Lepton or by Hugging Face tokenizers (byte-level BPE or WordPiece).</summary>
    public static TextTokenizer Load(string path) => new(TokenizerJson.Read(path));

    /// <summary>Writes this tokenizer as tokenizer.json.</summary>
    public void Save(string path) => File.WriteAllBytes(path, TokenizerJson.Write(Model));

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false)
    {
        if (Model.Kind == TokenizerKind.ByteLevelBpe) return _tokenizer.EncodeToIds(text);
        // Words never hold a space, so the space pre-tokenizer gives them back one by one.
        var words = string.Join(' ', BertPreTokenizer.PreTokenize(text, Model.Lowercase, Model.StripAccents));
        var ids = _tokenizer.EncodeToIds(words);
        if (!addSpecialTokens) return ids;
        var all = new List<int>(ids.Count + 2) { Model.Id(TokenizerModel.Classification) };
        all.AddRange(ids);
        all.Add(Model.Id(TokenizerModel.Separator));
        return all;
    }

    public string Decode(IEnumerable<int> ids)
    {
        var kept = ids.Where(i => !_special.Contains(i)).ToList();
        if (Model.Kind == TokenizerKind.ByteLevelBpe)
            return ByteLevel.Decode(string.Concat(kept.Select(i => Model.Vocab[i])));
        return ReferenceEncoder.JoinWordPieces(kept.Select(i => Model.Vocab[i]));
    }

    private static BpeTokenizer CreateBpe(TokenizerModel model)
    {
        // Special tokens stay plain vocabulary entries: text never encodes to them (the trainer never merges into them),
        // exactly as in the reference encoder, which does not look for special strings in text.
        var options = new BpeOptions(model.Vocab.Select((t, i) => new KeyValuePair<string, int>(t, i)))
        {
            Merges = model.Merges.Select(m => $"{m.Left} {m.Right}"),
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(ByteLevel.Gpt2Pattern(), null),
        };
        return BpeTokenizer.Create(options);
    }

    private static WordPieceTokenizer CreateWordPiece(TokenizerModel model)
    {
        var vocab = new StringBuilder();
        foreach (var t in model.Vocab) vocab.Append(t).Append('\n');
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(vocab.ToString()));
        return WordPieceTokenizer.Create(stream, new WordPieceOptions
        {
            PreTokenizer = new SpacePreTokenizer(),
            UnknownToken = TokenizerModel.Unknown,
            ContinuingSubwordPrefix = TokenizerModel.ContinuingSubwordPrefix,
            MaxInputCharsPerWord = model.MaxInputCharsPerWord,
        });
    }

    /// <summary>Splits on the single spaces that join <see cref="BertPreTokenizer"/>'s words.</summary>
    private sealed class SpacePreTokenizer : PreTokenizer
    {
        public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text);

        public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text.ToString());

        private static IEnumerable<(int Offset, int Length)> Split(string text)
        {
            int start = 0;
            for (int i = 0; i <= text.Length; i++)
            {
                if (i < text.Length && text[i] != ' ') continue;
                if (i > start) yield return (start, i - start);
                start = i + 1;
            }
        }
    }
}

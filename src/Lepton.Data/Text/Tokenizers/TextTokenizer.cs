using System.Text;
using Microsoft.ML.Tokenizers;

namespace Lepton.Data.Text.Tokenizers;

/// <summary>
/// The tokenizer used for training and serving: a <see cref="TokenizerModel"/> (trained here or read from a
/// tokenizer.json) encoded by Microsoft.ML.Tokenizers. Byte-level BPE runs its <see cref="BpeTokenizer"/> with byte-level
/// handling and GPT-2's pre-tokenization pattern; WordPiece runs its <see cref="BertTokenizer"/> (BERT basic tokenization,
/// CJK characters split, [CLS]/[SEP] added on request). <see cref="ReferenceEncoder"/> is its plain twin.
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
        if (_tokenizer is BertTokenizer bert) return bert.EncodeToIds(text, addSpecialTokens);
        return _tokenizer.EncodeToIds(text);
    }

    public string Decode(IEnumerable<int> ids)
    {
        var kept = ids.Where(i => !_special.Contains(i)).ToList();
        if (Model.Kind == TokenizerKind.ByteLevelBpe)
            return ByteLevel.Decode(string.Concat(kept.Select(i => Model.Vocab[i])));
        return _tokenizer.Decode(kept) ?? "";
    }

    private static BpeTokenizer CreateBpe(TokenizerModel model)
    {
        var specials = model.SpecialTokens.ToDictionary(t => t, model.Id, StringComparer.Ordinal);
        var options = new BpeOptions(model.Vocab.Select((t, i) => (t, i)).Where(x => !specials.ContainsKey(x.t)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal))
        {
            Merges = model.Merges.Select(m => $"{m.Left} {m.Right}"),
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(ByteLevel.Gpt2Pattern(), null),
            SpecialTokens = specials,
        };
        return BpeTokenizer.Create(options);
    }

    private static BertTokenizer CreateWordPiece(TokenizerModel model)
    {
        var vocab = new StringBuilder();
        foreach (var t in model.Vocab) vocab.Append(t).Append('\n');
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(vocab.ToString()));
        return BertTokenizer.Create(stream, new BertOptions
        {
            LowerCaseBeforeTokenization = model.Lowercase,
            RemoveNonSpacingMarks = false,
            ApplyBasicTokenization = true,
            SplitOnSpecialTokens = true,
            IndividuallyTokenizeCjk = true,
            UnknownToken = TokenizerModel.Unknown,
            ClassificationToken = TokenizerModel.Classification,
            SeparatorToken = TokenizerModel.Separator,
            PaddingToken = TokenizerModel.Padding,
            MaskingToken = TokenizerModel.Mask,
            MaxInputCharsPerWord = model.MaxInputCharsPerWord,
            ContinuingSubwordPrefix = TokenizerModel.ContinuingSubwordPrefix,
        });
    }
}

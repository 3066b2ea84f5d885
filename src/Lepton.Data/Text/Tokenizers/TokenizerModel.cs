namespace Lepton.Data.Text.Tokenizers;

/// <summary>The two tokenizer families Lepton trains and saves in Hugging Face's tokenizer.json format.</summary>
public enum TokenizerKind
{
    /// <summary>GPT-2 style byte-level BPE: any script, no unknown token.</summary>
    ByteLevelBpe,

    /// <summary>BERT-style WordPiece with [UNK], [CLS], [SEP], [PAD], [MASK] and BERT's basic pre-tokenization.</summary>
    WordPiece,
}

/// <summary>
/// A trained tokenizer: its kind, the vocabulary in id order, the BPE merges in rank order (empty for WordPiece), the
/// special tokens (ids at the start of the vocabulary) and, for WordPiece, whether text is lower-cased and stripped of accents.
/// </summary>
public sealed record TokenizerModel(
    TokenizerKind Kind,
    IReadOnlyList<string> Vocab,
    IReadOnlyList<(string Left, string Right)> Merges,
    IReadOnlyList<string> SpecialTokens,
    bool Lowercase = false,
    int MaxInputCharsPerWord = TokenizerModel.DefaultMaxInputCharsPerWord,
    bool StripAccents = false)
{
    public const int DefaultMaxInputCharsPerWord = 100;
    public const string ContinuingSubwordPrefix = "##";
    public const string Unknown = "[UNK]";
    public const string Classification = "[CLS]";
    public const string Separator = "[SEP]";
    public const string Padding = "[PAD]";
    public const string Mask = "[MASK]";
    public const string EndOfText = "<|endoftext|>";
    public const string BpePadding = "<pad>";

    private Dictionary<string, int>? _ids;

    /// <summary>Token string to id.</summary>
    public IReadOnlyDictionary<string, int> Ids => _ids ??= Vocab.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);

    /// <summary>The id that pads a batch: [PAD] or &lt;pad&gt;.</summary>
    public int PadId => Ids.TryGetValue(Kind == TokenizerKind.WordPiece ? Padding : BpePadding, out int id) ? id : 0;

    public int Id(string token) => Ids.TryGetValue(token, out int id) ? id
        : throw new KeyNotFoundException($"The tokenizer has no token '{token}' ({Vocab.Count} tokens).");
}

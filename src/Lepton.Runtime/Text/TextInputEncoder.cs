using System.Text;
using System.Text.Json.Nodes;
using Lepton.Data.Text;
using Lepton.Data.Text.Batching;
using Lepton.Data.Text.Tokenizers;
using Lepton.Data.Profiles;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Text;

/// <summary>
/// Turns raw strings into a text model's inputs exactly as its training did: the data set's Unicode normalization, the
/// folder's <c>tokenizer.json</c> with special tokens, the same truncation to <c>max_length</c>, then token ids (N,T)
/// Int32 padded with the pad id and, when the model takes one, the float32 mask (N,T). One encoder per served text model.
/// </summary>
public sealed class TextInputEncoder
{
    /// <summary>The protocol name of the string input a text model offers in place of its token inputs.</summary>
    public const string InputName = "text";

    /// <summary>The model.json metadata key naming the import's Unicode normalization (nfc, nfkc or none).</summary>
    public const string NormalizationKey = "normalization";

    /// <summary>A text longer than this (in UTF-16 code units) is refused before tokenizing: the tokenizer's cost grows with it.</summary>
    public const int MaxTextChars = 1 << 20;

    private readonly ITextEncoder _encoder;
    private readonly int _padId;
    private readonly int? _keepFirst;
    private readonly int? _keepLast;
    private readonly int _idsInput;
    private readonly int _maskInput;
    private readonly int _inputs;
    private readonly int _unknownId;
    private readonly TokenizerModel _model;
    private readonly HashSet<int> _specialIds;

    private TextInputEncoder(ITextEncoder encoder, TokenizerModel model, int maxLength, NormalizationForm? normalization, int idsInput, int maskInput, int inputs,
        TextReferenceProfile? reference)
    {
        _encoder = encoder;
        _model = model;
        _specialIds = [.. model.SpecialTokens.Where(model.Ids.ContainsKey).Select(t => model.Ids[t])];
        _padId = model.PadId;
        _unknownId = model.Kind == TokenizerKind.WordPiece && model.Ids.TryGetValue(TokenizerModel.Unknown, out int unk) ? unk : -1;
        Reference = reference;
        VocabSize = model.Vocab.Count;
        bool wordPiece = model.Kind == TokenizerKind.WordPiece;
        _keepFirst = wordPiece ? model.Id(TokenizerModel.Classification) : null;
        _keepLast = wordPiece ? model.Id(TokenizerModel.Separator) : null;
        MaxLength = maxLength;
        Normalization = normalization;
        _idsInput = idsInput;
        _maskInput = maskInput;
        _inputs = inputs;
    }

    /// <summary>The most tokens a text keeps (training's <c>max_length</c>).</summary>
    public int MaxLength { get; }

    /// <summary>The normalization applied before tokenizing; null for none.</summary>
    public NormalizationForm? Normalization { get; }

    /// <summary>The index of the token-ids input among the model's inputs.</summary>
    public int IdsInput => _idsInput;

    /// <summary>The id that pads rows to the longest text of a batch.</summary>
    public int PadId => _padId;

    /// <summary>The tokenizer's vocabulary size.</summary>
    public int VocabSize { get; }

    /// <summary>The training texts' statistics from the folder's reference.json, which text drift is measured against; null when it has none.</summary>
    public TextReferenceProfile? Reference { get; }

    /// <summary>An encoder for a tokenizer alone (one ids input, no mask), as training uses it to profile its texts the way serving will.</summary>
    public static TextInputEncoder ForTokenizer(TextTokenizer tokenizer, int maxLength, NormalizationForm? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        return new TextInputEncoder(tokenizer, tokenizer.Model, maxLength, normalization, 0, -1, 1, null);
    }

    /// <summary>
    /// The encoder of a model folder holding <c>tokenizer.json</c>, or null when it holds none (not a text model). Throws
    /// <see cref="InvalidDataException"/> when the tokenizer or the model's inputs do not fit together.
    /// </summary>
    public static TextInputEncoder? TryLoad(string folder, PredictorSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        string path = Path.Combine(folder, "tokenizer.json");
        if (!File.Exists(path)) return null;
        var tokenizer = TextTokenizer.Load(path);
        var metadata = ReadMetadata(folder);
        int maxLength = metadata?["max_length"] is JsonValue v && v.TryGetValue(out int m) && m >= 1 ? m : 512;
        var normalization = metadata?[NormalizationKey] is JsonValue n && n.TryGetValue(out string? form) ? ParseNormalization(form) : null;

        var inputs = signature.Inputs;
        int ids = -1, mask = -1;
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Name == "mask" && inputs[i].DType == DType.Float32) mask = i;
            else if (ids < 0 && inputs[i].DType == DType.Int32) ids = i;
        }
        if (ids < 0 || inputs.Count != (mask < 0 ? 1 : 2))
            throw new InvalidDataException(
                $"The folder has tokenizer.json, but the model's inputs ({string.Join(", ", inputs.Select(x => $"{x.Name} {x.DType}"))}) are not token ids (Int32) with an optional float32 'mask'.");
        var reference = ReferenceProfile.Load(folder)?.Text;
        if (reference is not null && reference.Bins.VocabSize != tokenizer.Model.Vocab.Count)
            throw new InvalidDataException($"reference.json's token bins cover {reference.Bins.VocabSize} ids but tokenizer.json has {tokenizer.Model.Vocab.Count}; retrain the model to rebuild them.");
        return new TextInputEncoder(tokenizer, tokenizer.Model, maxLength, normalization, ids, mask, inputs.Count, reference);
    }

    /// <summary>
    /// One (N, ...) tensor per model input for <paramref name="texts"/>: ids (N,T) with T the longest text's token count
    /// (after truncation, at least 1), and the mask (N,T) when the model takes one.
    /// </summary>
    public TensorSet Encode(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) throw new ArgumentException("No texts to encode; send at least one.");
        var rows = new int[texts.Count][];
        int t = 1;
        for (int i = 0; i < texts.Count; i++)
        {
            rows[i] = EncodeOne(texts[i], i);
            t = Math.Max(t, rows[i].Length);
        }
        int n = rows.Length;
        var ids = new int[n * t];
        var mask = new float[n * t];
        Array.Fill(ids, _padId);
        for (int i = 0; i < n; i++)
        {
            rows[i].CopyTo(ids, i * t);
            mask.AsSpan(i * t, rows[i].Length).Fill(1f);
        }
        var tensors = new Tensor[_inputs];
        tensors[_idsInput] = Tensor.FromArray(ids, n, t);     // ids: (N,T) Int32
        if (_maskInput >= 0) tensors[_maskInput] = Tensor.FromArray(mask, n, t); // mask: (N,T) 1 for tokens, 0 for padding
        return new TensorSet(tensors);
    }

    /// <summary>
    /// The model inputs for <paramref name="rows"/> rows of token ids (N,T) already laid out row-major, with the mask (N,T) when the
    /// model takes one: the form explanations use to run copies of one text with single tokens taken out.
    /// </summary>
    public TensorSet FromIds(int[] ids, float[] mask, int rows)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(mask);
        if (rows < 1 || ids.Length % rows != 0 || mask.Length != ids.Length)
            throw new ArgumentException($"FromIds: {ids.Length} ids and {mask.Length} mask values do not make {rows} equal rows.");
        int t = ids.Length / rows;
        var tensors = new Tensor[_inputs];
        tensors[_idsInput] = Tensor.FromArray(ids, rows, t);                    // ids: (N,T) Int32
        if (_maskInput >= 0) tensors[_maskInput] = Tensor.FromArray(mask, rows, t); // mask: (N,T)
        return new TensorSet(tensors);
    }

    /// <summary>True when the model takes a mask input beside the ids (a masked-out position is ignored by the model).</summary>
    public bool HasMask => _maskInput >= 0;

    /// <summary>
    /// A token as a person reads it, with the space before it when it starts a word, so a text's tokens joined give its words back:
    /// byte-level BPE's symbols turned back into text (its pieces already carry their space), a WordPiece word with a space before
    /// it and a continuation ("##ing") glued on. Special tokens are shown as they are.
    /// </summary>
    public string TokenText(int id)
    {
        if (id < 0 || id >= _model.Vocab.Count) return "?";
        string token = _model.Vocab[id];
        if (_specialIds.Contains(id)) return token;
        if (_model.Kind == TokenizerKind.ByteLevelBpe) return ByteLevel.Decode(token);
        return token.StartsWith(TokenizerModel.ContinuingSubwordPrefix, StringComparison.Ordinal) ? token[TokenizerModel.ContinuingSubwordPrefix.Length..] : " " + token;
    }

    /// <summary>
    /// Several tokens read together: byte-level BPE's symbols decoded as one byte string, so a character whose UTF-8 bytes
    /// span tokens (Cyrillic, Han, emoji) comes out whole where <see cref="TokenText"/> of each part gives U+FFFD.
    /// </summary>
    public string TokensText(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (_model.Kind != TokenizerKind.ByteLevelBpe || ids.Any(id => id < 0 || id >= _model.Vocab.Count || _specialIds.Contains(id)))
            return string.Concat(ids.Select(TokenText));
        return ByteLevel.Decode(string.Concat(ids.Select(id => _model.Vocab[id])));
    }

    /// <summary>True for the tokenizer's special tokens ([CLS], [SEP], [PAD], &lt;pad&gt;, ...), which carry no words of the text.</summary>
    public bool IsSpecial(int id) => _specialIds.Contains(id);

    /// <summary>The token ids a text becomes (normalized, special tokens added, truncated to <see cref="MaxLength"/>), unpadded.</summary>
    public int[] Ids(string text) => EncodeOne(text, 0);

    /// <summary>
    /// The statistics of a served text (its unpadded <paramref name="ids"/>: a row of <see cref="Encode"/> with the
    /// trailing padding removed) against this model's reference; null when the model has no text reference.
    /// </summary>
    public TextStatistics? Statistics(string text, ReadOnlySpan<int> ids)
    {
        if (Reference is null) return null;
        int length = ids.Length;
        while (length > 0 && ids[length - 1] == _padId) length--;
        return TextStatistics.Of(text, ids[..length], Reference.Bins, _unknownId);
    }

    /// <summary>The text reference of <paramref name="texts"/> (training texts, already normalized by the import): token bins from their ids, then each text's statistics.</summary>
    public TextReferenceProfile BuildReference(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var ids = texts.Select(Ids).ToList();
        var bins = TokenFrequencyBins.Build(ids, VocabSize);
        var statistics = texts.Select((t, i) => TextStatistics.Of(t, ids[i], bins, _unknownId)).ToList();
        return TextReferenceProfile.Build(statistics, bins);
    }

    private int[] EncodeOne(string text, int index)
    {
        if (text.Length > MaxTextChars)
            throw new ArgumentException($"Text {index} has {text.Length:N0} characters, more than the {MaxTextChars:N0} a request may send; split it.");
        if (Normalization is { } form) text = UnicodeNormalizer.Normalize(text, form);
        int[] ids = [.. _encoder.Encode(text, addSpecialTokens: true)];
        return SequenceTruncation.Cut(ids, MaxLength, TextTruncation.KeepStart, _keepFirst, _keepLast);
    }

    private static JsonObject? ReadMetadata(string folder)
    {
        string path = Path.Combine(folder, ModelFile.SpecFileName);
        if (!File.Exists(path)) return null;
        return ModelSpec.FromJson(File.ReadAllText(path), path).Metadata;
    }

    private static NormalizationForm? ParseNormalization(string? form) => form?.ToLowerInvariant() switch
    {
        "nfc" => NormalizationForm.FormC,
        "nfkc" => NormalizationForm.FormKC,
        _ => null,
    };
}

using System.Text;
using System.Text.Json.Nodes;
using Lepton.Data.Text;
using Lepton.Data.Text.Batching;
using Lepton.Data.Text.Tokenizers;
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

    private TextInputEncoder(ITextEncoder encoder, TokenizerModel model, int maxLength, NormalizationForm? normalization, int idsInput, int maskInput, int inputs)
    {
        _encoder = encoder;
        _padId = model.PadId;
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
        return new TextInputEncoder(tokenizer, tokenizer.Model, maxLength, normalization, ids, mask, inputs.Count);
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

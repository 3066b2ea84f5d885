using System.Text.Json.Nodes;
using Lepton.Data.Text.Tokenizers;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Text;

/// <summary>
/// Writes a text classifier's model folder: model.json (token-id input, classes, the tokenization's max length and
/// normalization in its metadata), weights.safetensors and tokenizer.json, everything <see cref="TextInputEncoder"/> needs
/// to replay the tokenization when the model serves or predicts raw text.
/// </summary>
public static class TextModelFolder
{
    /// <summary>The file in a text model folder that holds its tokenizer.</summary>
    public const string TokenizerFile = "tokenizer.json";

    /// <param name="normalization">The import's Unicode normalization: nfc, nfkc or none.</param>
    /// <param name="metadata">Further metadata (preset, data set, training settings) merged in.</param>
    public static void Save(string dir, Module model, TextTokenizer tokenizer, IReadOnlyList<string> classes, int maxLength, string normalization,
        IReadOnlyDictionary<string, double>? metrics = null, JsonObject? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var meta = metadata?.DeepClone().AsObject() ?? [];
        meta["tokenizer"] = TokenizerFile;
        meta["max_length"] = maxLength;
        meta[TextInputEncoder.NormalizationKey] = normalization;
        var spec = new ModelSpec
        {
            Input = new InputSpec("ids", [-1, -1], DType.Int32),
            ClassNames = classes,
            Task = TaskSpec.Multiclass,
            Metrics = metrics ?? new Dictionary<string, double>(),
            Metadata = meta,
        };
        Directory.CreateDirectory(dir);
        tokenizer.Save(Path.Combine(dir, TokenizerFile));
        ModelFile.Save(dir, model, spec);
    }
}

using Lepton.Data.Text.Tokenizers;

namespace Lepton.Data.Text.Batching;

/// <summary>Builds a <see cref="TokenizedTextDataset"/> from a text data set version and a tokenizer.</summary>
public static class TokenizedText
{
    /// <summary>
    /// The labelled, readable items of <paramref name="split"/> (all when null), encoded with special tokens (WordPiece:
    /// [CLS] ... [SEP], kept through truncation), with class ids in the manifest's class order.
    /// </summary>
    public static TokenizedTextDataset From(TextCorpus corpus, ITextEncoder encoder, TokenizerModel model, TextBatchOptions options, string? split = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var classes = corpus.Manifest.Classes;
        var classId = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var sequences = new List<int[]>();
        var labels = new List<int[]>();
        foreach (var (item, text) in corpus.Texts(split))
        {
            if (item.Labels.Count == 0) continue;
            sequences.Add([.. encoder.Encode(text, addSpecialTokens: true)]);
            labels.Add([.. item.Labels.Select(l => classId[l])]);
        }
        bool wordPiece = model.Kind == TokenizerKind.WordPiece;
        return new TokenizedTextDataset(sequences, labels, classes, corpus.Manifest.MultiLabel, model.PadId, options,
            wordPiece ? model.Id(TokenizerModel.Classification) : null, wordPiece ? model.Id(TokenizerModel.Separator) : null);
    }
}

using Lepton.Data.Text;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Runtime.Text;
using Lepton.Training.Metrics;
using Lepton.Training.Workflows.Text;

namespace Lepton.Factory.Loop.Text;

/// <summary>
/// Scores a text champion and challenger on identical texts: the champion's base test split (as its training held it out)
/// and the feedback holdout, each model tokenizing with its own tokenizer.json exactly as the server does.
/// </summary>
public static class TextEvaluation
{
    private const int ChunkRows = 64;

    public static EvaluationComparison Compare(int championVersion, string championFolder, int challengerVersion, string challengerFolder,
        TextCorpus baseCorpus, TextFeedbackData feedback, LoopPolicy policy)
    {
        var (_, test) = TextTrainingSplits.Split(baseCorpus, (int)policy.Seed);
        // A seeded sample when the test split is larger than the policy's base test size, as for images.
        var rng = new Random((int)policy.Seed);
        var baseTest = test.Count <= policy.BaseTestSize ? test : [.. test.OrderBy(_ => rng.Next()).Take(policy.BaseTestSize)];
        var baseTexts = baseTest.Select(x => (x.Text, x.Item.Labels[0])).ToList();
        var holdout = feedback.Holdout.Select(e => (e.Text, e.Label)).ToList();
        var (champBase, champHold) = Score(championFolder, baseTexts, holdout);
        var (challBase, challHold) = Score(challengerFolder, baseTexts, holdout);
        return new EvaluationComparison(championVersion, challengerVersion, champBase, challBase, champHold, challHold);
    }

    private static (SetScore BaseTest, SetScore? Holdout) Score(string folder, IReadOnlyList<(string Text, string Label)> baseTest,
        IReadOnlyList<(string Text, string Label)> holdout)
    {
        using var predictor = PredictorLoader.Default.Load(folder);
        var encoder = TextInputEncoder.TryLoad(folder, predictor.Signature)
                      ?? throw new InvalidDataException($"Model folder {Path.GetFileName(folder)} has no tokenizer.json; the text loop needs text models on both sides.");
        var names = predictor.Signature.ClassNames;
        return (ScoreSet(predictor, encoder, names, baseTest), holdout.Count == 0 ? null : ScoreSet(predictor, encoder, names, holdout));
    }

    /// <summary>Accuracy and per-class recall of one model on labelled texts (every label one of its classes).</summary>
    public static SetScore ScoreSet(IPredictor predictor, TextInputEncoder encoder, IReadOnlyList<string> classNames, IReadOnlyList<(string Text, string Label)> texts)
    {
        if (texts.Count == 0) throw new ArgumentException("No texts to score.", nameof(texts));
        var index = classNames.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        if (texts.FirstOrDefault(t => !index.ContainsKey(t.Label)) is { Label: { } unknown })
            throw new InvalidDataException($"A scored text is labelled '{unknown}', which is not one of the model's classes ({string.Join(", ", classNames)}).");
        var parts = new List<Tensor>();
        for (int start = 0; start < texts.Count; start += ChunkRows)
        {
            var encoded = encoder.Encode([.. texts.Skip(start).Take(ChunkRows).Select(t => t.Text)]);
            parts.Add(predictor.FirstOutput([.. Enumerable.Range(0, encoded.Count).Select(i => encoded[i])]));
        }
        var logits = parts.Count == 1 ? parts[0] : Tensor.Concat(parts, 0); // (N,C)
        var targets = Tensor.FromArray(texts.Select(t => index[t.Label]).ToArray(), texts.Count);
        return SetScore.From(ClassificationReport.FromLogits(logits, targets, classNames));
    }
}

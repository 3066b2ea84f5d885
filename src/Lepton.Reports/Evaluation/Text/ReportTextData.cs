using Lepton.Data.Images.Datasets;
using Lepton.Data.Text;

namespace Lepton.Reports.Evaluation.Text;

/// <summary>
/// A text data set version as report data: every readable text with a label among the version's classes (a multi-label text
/// counts by its first label, as single-label training reads it), its split (unassigned: train), the headline on the test split.
/// </summary>
public static class ReportTextData
{
    public static ReportData FromCorpus(TextCorpus corpus, string reference)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var classes = corpus.Manifest.Classes;
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var texts = new List<string>();
        var labels = new List<int>();
        var splits = new List<string>();
        foreach (var (item, text) in corpus.Texts())
        {
            if (item.Label is not { } label || !index.TryGetValue(label, out int y)) continue;
            texts.Add(text);
            labels.Add(y);
            splits.Add(item.Split ?? ImageSplits.Train);
        }
        if (texts.Count == 0)
            throw new InvalidDataException($"{reference} has no readable, labelled texts to evaluate on; see lepton data inspect {reference}.");
        string? headline = splits.Contains(ImageSplits.Test) ? ImageSplits.Test : null;
        return new ReportData(reference, new TextExamples(texts, labels, classes), splits, headline, reference);
    }
}

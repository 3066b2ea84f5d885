using Lepton.Data;

namespace Lepton.Reports.Evaluation;

/// <summary>
/// The labelled examples a report evaluates, of any modality behind <see cref="IReportExamples"/> (images, texts, table rows);
/// <see cref="Splits"/> names each example's split;
/// the headline metrics cover the examples of <see cref="HeadlineSplit"/> (all when null), the slices cover every example.
/// </summary>
public sealed record ReportData
{
    /// <summary>Images: <paramref name="examples"/> gives raw inputs (N,C,H,W) as clients send them (pixels 0..255) with Int32 class ids.</summary>
    public ReportData(string name, IDataset examples, IReadOnlyList<string> splits, string? headlineSplit = null, string? datasetRef = null)
        : this(name, new Images.ImageExamples(examples ?? throw new ArgumentNullException(nameof(examples))), splits, headlineSplit, datasetRef)
    {
    }

    public ReportData(string name, IReportExamples examples, IReadOnlyList<string> splits, string? headlineSplit = null, string? datasetRef = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(splits);
        if (splits.Count != examples.Count)
            throw new ArgumentException($"ReportData: {splits.Count} split names for {examples.Count} examples; give one per example.");
        if (examples.ClassNames.Count == 0)
            throw new ArgumentException($"ReportData: {name} names no classes; reports evaluate classifiers on class-labelled data.");
        Name = name;
        Examples = examples;
        Splits = splits;
        HeadlineSplit = headlineSplit;
        DatasetRef = datasetRef;
        var headline = new List<int>();
        for (int i = 0; i < splits.Count; i++)
            if (headlineSplit is null || string.Equals(splits[i], headlineSplit, StringComparison.Ordinal)) headline.Add(i);
        if (headline.Count == 0)
            throw new ArgumentException($"ReportData: {name} has no examples in split '{headlineSplit}' (splits: {string.Join(", ", splits.Distinct())}).");
        HeadlineIndices = headline;
    }

    /// <summary>What the examples are, for people (e.g. <c>fashion-mnist (test split)</c>, <c>shapes@2</c>).</summary>
    public string Name { get; }

    public IReportExamples Examples { get; }

    public IReadOnlyList<string> Splits { get; }

    public string? HeadlineSplit { get; }

    /// <summary>The registry's dataset version (<c>name@3</c>) when the examples came from one.</summary>
    public string? DatasetRef { get; }

    /// <summary>The examples the headline metrics, curves, calibration and error gallery cover.</summary>
    public IReadOnlyList<int> HeadlineIndices { get; }

    public IReadOnlyList<string> ClassNames => Examples.ClassNames;

    public int Count => Examples.Count;
}

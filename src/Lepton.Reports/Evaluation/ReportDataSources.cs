using Lepton.Data;
using Lepton.Data.Images.Datasets;
using Lepton.Registry;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.Datasets.Text;
using Lepton.Registry.References;
using Lepton.Reports.Evaluation.Tables;
using Lepton.Reports.Evaluation.Text;

namespace Lepton.Reports.Evaluation;

/// <summary>A loaded <see cref="ReportData"/> and what keeps its pixels readable (an image version's shard files); dispose after the report.</summary>
public sealed class ReportDataSource(ReportData data, IDisposable? owner = null) : IDisposable
{
    public ReportData Data { get; } = data;

    /// <summary>The table version the rows came from, when they came from one (its schema names the label and group columns).</summary>
    public TableDatasetVersion? Table { get; init; }

    public void Dispose() => owner?.Dispose();
}

/// <summary>
/// Where report data comes from: Fashion-MNIST's test split, or an image, text or table data set version (<c>NAME@V</c>) from the
/// registry, every readable labelled example with its split (unassigned examples count as training examples, as training reads
/// them) and the headline on its test split when it has one.
/// </summary>
public static class ReportDataSources
{
    public static async Task<ReportDataSource> LoadAsync(string data, string? dataDir, ModelRegistry? registry, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(data);
        if (string.Equals(data, "fashion-mnist", StringComparison.OrdinalIgnoreCase)) return new ReportDataSource(FashionMnistTest(dataDir));
        if (TensorFolder.IsTensorFolder(data))
            throw new ArgumentException($"--data {data} is a tensor data set folder; reports cover image classifiers on fashion-mnist or an image data set version (NAME@V). For a tensor folder, lepton eval without --report prints its metrics.");
        if (Directory.Exists(data))
            throw new ArgumentException($"--data {data} is a folder; reports read fashion-mnist or an image data set version: import the folder first (lepton data import {data} --name NAME) and pass --data NAME@1.");
        if (registry is null) throw new ArgumentException($"--data {data} names a data set version, which needs the registry.");
        var resolved = await DatasetReference.Parse(data).ResolveAsync(registry.Store, ct);
        if (TextDatasetSummary.IsTextVersion(resolved))
            return new ReportDataSource(ReportTextData.FromCorpus(await TextDatasets.LoadAsync(registry.Artifacts, resolved, ct), $"{resolved.Name}@{resolved.Version}"));
        if (TableDatasetSummary.IsTableVersion(resolved))
        {
            var table = await TableDatasets.LoadAsync(registry.Artifacts, resolved, ct);
            return new ReportDataSource(ReportTableData.FromVersion(table)) { Table = table };
        }
        if (Registry.Datasets.Audio.AudioDatasetSummary.IsAudioVersion(resolved))
            throw new ArgumentException($"--data {data} is an audio data set version; lepton eval covers image, text and table versions; an audio run's test metrics are in lepton runs show.");
        var version = await ImageDatasets.LoadAsync(registry.Store, registry.Artifacts, DatasetReference.Parse(data), ct: ct);
        try
        {
            return new ReportDataSource(FromImageVersion(version), version);
        }
        catch
        {
            version.Dispose();
            throw;
        }
    }

    /// <summary>Fashion-MNIST's 10,000 test images as raw 0..255 pixels.</summary>
    public static ReportData FashionMnistTest(string? dataDir)
    {
        var test = FashionMnist.Load(dataDir, train: false);
        // The loader scales pixels to [0,1]; models replay their own preprocessing from raw 0..255 pixels.
        var raw = new InMemoryDataset(test.Inputs.Mul(255.0), test.Targets, test.ClassNames);
        return new ReportData("fashion-mnist (test split)", raw, [.. Enumerable.Repeat(ImageSplits.Test, raw.Count)], ImageSplits.Test, "fashion-mnist");
    }

    /// <summary>An image version's readable labelled images with their splits; the headline covers its test split when it has one.</summary>
    public static ReportData FromImageVersion(ImageDatasetVersion version)
    {
        var classes = version.Manifest.Classes;
        var known = classes.ToHashSet(StringComparer.Ordinal);
        var items = version.Manifest.Items.Where(i => i.IsReadable && i.Label is not null && known.Contains(i.Label)).ToList();
        string reference = $"{version.Version.Name}@{version.Version.Version}";
        if (items.Count == 0)
            throw new InvalidDataException($"{reference} has no readable, labelled images to evaluate on; see lepton data inspect {reference}.");
        var examples = new ImageDataset(items, version.Pixels, classes, Preprocessing.Identity);
        var splits = items.Select(i => i.Split ?? ImageSplits.Train).ToList();
        string? headline = splits.Contains(ImageSplits.Test) ? ImageSplits.Test : null;
        return new ReportData(reference, examples, splits, headline, reference);
    }
}

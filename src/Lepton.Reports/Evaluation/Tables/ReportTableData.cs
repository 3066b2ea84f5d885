using Lepton.Data.Images.Datasets;
using Lepton.Registry.Datasets.Tables;

namespace Lepton.Reports.Evaluation.Tables;

/// <summary>
/// A table data set version as report data for a classifier: every row with a label (its classes are the label column's
/// distinct values, in ordinal order), its split (unsplit rows: train), the headline on the test split, else on the validation
/// split, else every row; the schema's group column becomes a slice.
/// </summary>
public static class ReportTableData
{
    public static ReportData FromVersion(TableDatasetVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        string reference = $"{version.Version.Name}@{version.Version.Version}";
        var labelColumn = version.Schema.LabelColumn
                          ?? throw new ArgumentException($"{reference} has no label column; import it with --label-column to evaluate a model on it.");
        var label = version.Table[labelColumn];
        var rows = Enumerable.Range(0, version.Table.RowCount).Where(r => !label.IsMissing(r) && label.Format(r) is not null).ToList();
        if (rows.Count == 0) throw new InvalidDataException($"{reference} has no labelled rows to evaluate on.");
        var classes = rows.Select(r => label.Format(r)!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var table = version.Table.Take(rows);
        var labels = rows.Select(r => index[label.Format(r)!]).ToList();
        var splits = rows.Select(r => version.Splits?.Split[r] ?? ImageSplits.Train).ToList();
        string? headline = splits.Contains(ImageSplits.Test) ? ImageSplits.Test : splits.Contains(ImageSplits.Validation) ? ImageSplits.Validation : null;
        string? group = version.Schema.GroupColumn is { } g && table.HasColumn(g) ? g : null;
        return new ReportData(reference, new TableExamples(table, labels, classes, group), splits, headline, reference);
    }
}

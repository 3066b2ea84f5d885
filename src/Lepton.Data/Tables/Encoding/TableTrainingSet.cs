using Lepton.Data.Images.Datasets;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tables.Encoding;

/// <summary>One split ready for a learner: its features, labels (class index or value) and the row numbers they came from.</summary>
public sealed record EncodedSplit(FeatureMatrix Features, float[] Labels, IReadOnlyList<int> RowNumbers);

/// <summary>
/// A table version turned into what a tabular learner needs: encoders and label encoder fitted on the train split only,
/// and each split encoded with them. Rows without a label are left out of every split (an inspection reports them as
/// missing-label); rows whose class was never seen in training are left out of validation and test. With a time column the
/// training rows run from oldest to newest (<see cref="FeatureMatrix.TimeOrdered"/>), so learners hold out the latest; else
/// with a group column each training row carries its group (<see cref="FeatureMatrix.Groups"/>), so learners hold out whole groups.
/// </summary>
public sealed record TableTrainingSet(EncoderSet Encoders, LabelEncoder Labels, EncodedSplit Train, EncodedSplit? Validation, EncodedSplit? Test)
{
    /// <summary>Fits on the train split (every row when the table is not split) and encodes each split.</summary>
    public static TableTrainingSet Build(Table table, TableSchema schema, TableSplits? splits, EncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(schema);
        var labelName = schema.LabelColumn ?? throw new ArgumentException("Training needs a label column; import the table with --label-column.");
        schema = schema.WithColumnsOf(table);
        int[] Rows(string split) => splits is null ? (split == ImageSplits.Train ? [.. Enumerable.Range(0, table.RowCount)] : []) : splits.RowsOf(split);
        var label = table[labelName];
        var train = table.Take(InTimeOrder(table, schema.TimeColumn, [.. Rows(ImageSplits.Train).Where(r => !label.IsMissing(r))]));
        if (train.RowCount == 0) throw new ArgumentException("No labelled training rows; label some rows, or split with a smaller --test.");
        var features = schema.FeatureColumns();
        if (features.Count == 0)
        {
            var left = schema.Columns.Where(c => c.Name != labelName && c.Name != schema.GroupColumn).Select(c => $"'{c.Name}' ({ColumnKinds.Name(c.Kind)})").ToList();
            throw new ArgumentException("This table has no column to learn from: " + (left.Count == 0 ? "it holds only the label." :
                $"{string.Join(", ", left)} {(left.Count == 1 ? "is" : "are")} not features (identifiers never are). " +
                "If a column only looks like an id (nearly every value different), pin its kind in a schema file (--schema; kinds: numeric, categorical) and import again."));
        }
        var encoders = EncoderSet.Fit(train, features, options);
        var labels = LabelEncoder.Fit(train, schema);
        EncodedSplit? Encode(string split)
        {
            var rows = Rows(split);
            if (rows.Length == 0) return null;
            var part = table.Take(rows);
            var y = labels.Encode(part);
            var keep = Enumerable.Range(0, part.RowCount).Where(i => !float.IsNaN(y[i])).ToArray();
            if (keep.Length < part.RowCount)
            {
                part = part.Take(keep);
                y = [.. keep.Select(i => y[i])];
            }
            return new EncodedSplit(encoders.Transform(part), y, part.RowNumbers);
        }
        var encodedTrain = new EncodedSplit(encoders.Transform(train), labels.Encode(train), train.RowNumbers);
        if (schema.TimeColumn is { } time && table.HasColumn(time)) encodedTrain = encodedTrain with { Features = encodedTrain.Features with { TimeOrdered = true } };
        else if (schema.GroupColumn is { } group && train.HasColumn(group)) encodedTrain = encodedTrain with { Features = encodedTrain.Features with { Groups = GroupCodes(train[group]) } };
        return new TableTrainingSet(encoders, labels, encodedTrain, Encode(ImageSplits.Validation), Encode(ImageSplits.Test));
    }

    // Each row's group as a code in order of first appearance; a row without a group value is a group of its own.
    private static int[] GroupCodes(TableColumn column)
    {
        var codes = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new int[column.Length];
        int next = 0;
        for (int r = 0; r < column.Length; r++)
        {
            if (column.Format(r) is not { } value) { result[r] = next++; continue; }
            if (!codes.TryGetValue(value, out int code)) codes[value] = code = next++;
            result[r] = code;
        }
        return result;
    }

    // Oldest first; rows without a time sort first (they can train but never stand for "the latest"), ties keep table order.
    private static int[] InTimeOrder(Table table, string? timeColumn, int[] rows)
    {
        if (timeColumn is null || !table.HasColumn(timeColumn)) return rows;
        var column = table[timeColumn];
        double Time(int r) => column switch
        {
            DateTimeColumn t => t.Values[r] is { } v ? v.Ticks : double.NegativeInfinity,
            NumericColumn x => double.IsNaN(x.Values[r]) ? double.NegativeInfinity : x.Values[r],
            _ => throw new ArgumentException($"The time column '{timeColumn}' is {ColumnKinds.Name(column.Kind)}; a time column holds date-times or numbers. Pin its kind, or import without --time-column."),
        };
        return [.. rows.OrderBy(Time)];
    }
}

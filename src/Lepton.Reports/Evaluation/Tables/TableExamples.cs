using Lepton.Data.Tables;
using Lepton.Engine;
using Lepton.Runtime.Tables;

namespace Lepton.Reports.Evaluation.Tables;

/// <summary>
/// Table rows as report examples: each model gets the features its own encoders (<c>encoders.json</c>) make of the raw column
/// values, exactly as <c>lepton predict</c> and the server encode a row; sliced by the version's group column (when it has one)
/// and by whether a row has missing cells; shown as the row's raw values.
/// </summary>
public sealed class TableExamples : IReportExamples
{
    private readonly int[] _labels;

    /// <param name="table">The rows to evaluate, every column as imported (the label and identifiers too: the gallery shows them).</param>
    /// <param name="labels">Each row's class id into <paramref name="classNames"/>.</param>
    /// <param name="groupColumn">The column whose values group rows (the version's group column), sliced by value; null for none.</param>
    public TableExamples(Table table, IReadOnlyList<int> labels, IReadOnlyList<string> classNames, string? groupColumn = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (table.RowCount != labels.Count) throw new ArgumentException($"TableExamples: {table.RowCount} rows and {labels.Count} labels; give one label per row.");
        if (groupColumn is not null && !table.HasColumn(groupColumn))
            throw new ArgumentException($"TableExamples: the group column '{groupColumn}' is not one of the table's columns ({string.Join(", ", table.ColumnNames)}).");
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] < 0 || labels[i] >= classNames.Count)
                throw new ArgumentException($"TableExamples: row {i} has class id {labels[i]}, but there are {classNames.Count} classes.");
        Table = table;
        _labels = [.. labels];
        ClassNames = classNames;
        GroupColumn = groupColumn;
    }

    public Table Table { get; }

    public string? GroupColumn { get; }

    public string Kind => "row";

    public int Count => Table.RowCount;

    public IReadOnlyList<string> ClassNames { get; }

    public string SlicesNote => (GroupColumn is null ? "" : $"by its group ({GroupColumn}) and ") + "by whether it has missing cells";

    /// <summary>Row <paramref name="index"/>'s raw values of <paramref name="columns"/> (those the table has), as a client would send them.</summary>
    public IReadOnlyDictionary<string, object?> Row(int index, IEnumerable<string> columns)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var name in columns)
            if (Table.TryGetColumn(name, out var c) && !c.IsMissing(index)) row[name] = c.GetValue(index);
        return row;
    }

    /// <summary>The class id of row <paramref name="index"/>.</summary>
    public int Label(int index) => _labels[index];

    public IReportReader Open(IReadOnlyList<ScoredModel> models) => new Reader(this, [.. models.Select(EncoderOf)]);

    public IExampleViews Views(ScoredModel? model) => new TableRowViews(Table);

    /// <summary>The model's table encoder from its folder; an error says why a model cannot read rows.</summary>
    internal static TableInputEncoder EncoderOf(ScoredModel model)
    {
        if (model.Folder is null)
            throw new ArgumentException($"{model.Name}: a table report needs the model's folder, where its encoders.json lives.");
        return TableInputEncoder.TryLoad(model.Folder, model.Predictor.Signature)
               ?? throw new InvalidDataException($"{model.Name} is not a table model (its folder has no encoders.json); evaluate it on the kind of data it was trained on.");
    }

    private sealed class Reader(TableExamples examples, TableInputEncoder[] encoders) : IReportReader
    {
        public IReadOnlyList<NumericStatisticName> Numeric { get; } = [];

        public IReadOnlyList<string> Categorical { get; } =
            examples.GroupColumn is { } g ? [$"group ({g})", "missing cells"] : ["missing cells"];

        public ReportBatch Read(int[] indices)
        {
            int n = indices.Length;
            var inputs = new IReadOnlyList<Tensor>[encoders.Length];
            for (int m = 0; m < encoders.Length; m++)
            {
                var columns = encoders[m].Columns.Select(c => c.Name).ToList();
                var rows = indices.Select(i => examples.Row(i, columns)).ToList();
                inputs[m] = [TableInputEncoder.ToTensor(encoders[m].Encode(rows))]; // features: (N,F)
            }
            var labels = indices.Select(examples.Label).ToArray();
            var missing = indices.Select(i => examples.Table.Columns.Any(c => c.IsMissing(i)) ? "some missing" : "complete").ToArray();
            string[][] categorical = examples.GroupColumn is { } g
                ? [[.. indices.Select(i => examples.Table[g].Format(i) ?? "(missing)")], missing]
                : [missing];
            return new ReportBatch(labels, inputs, Preprocess: true, [], categorical);
        }
    }
}

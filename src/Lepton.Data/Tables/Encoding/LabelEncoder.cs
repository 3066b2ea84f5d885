using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tables.Encoding;

/// <summary>
/// The label column as learners take it: for classification the class names (ordinal order, fitted on the training
/// rows) and each row's class index; for regression the values. Rows without a label, or (at evaluation) with a class
/// not seen in training, get NaN so callers can leave them out.
/// </summary>
public sealed record LabelEncoder(string Column, TableTask Task, IReadOnlyList<string> Classes)
{
    public static LabelEncoder Fit(Table train, TableSchema schema)
    {
        var name = schema.LabelColumn ?? throw new ArgumentException("The table has no label column; import it with --label-column.");
        var task = schema.Task ?? TableRoles.InferTask(train[name]);
        var column = train[name];
        if (task == TableTask.Regression)
        {
            if (column is not NumericColumn) throw new ArgumentException($"Regression needs a numeric label, but '{name}' is {ColumnKinds.Name(column.Kind)}.");
            return new LabelEncoder(name, task, []);
        }
        var classes = Enumerable.Range(0, column.Length).Select(column.Format).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        if (classes.Count < 2) throw new ArgumentException($"Classification needs at least two classes in '{name}', found {classes.Count}.");
        return new LabelEncoder(name, task, classes);
    }

    /// <summary>One value per row: the class index (classification) or the value (regression); NaN when missing or unseen.</summary>
    public float[] Encode(Table table)
    {
        var column = table[Column];
        var y = new float[table.RowCount];
        if (Task == TableTask.Regression)
        {
            var values = ((NumericColumn)column).Values;
            for (int r = 0; r < y.Length; r++) y[r] = (float)values[r];
            return y;
        }
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Classes.Count; i++) index[Classes[i]] = i;
        for (int r = 0; r < y.Length; r++)
            y[r] = column.Format(r) is { } v && index.TryGetValue(v, out int k) ? k : float.NaN;
        return y;
    }
}

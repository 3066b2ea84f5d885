namespace Lepton.Data.Tables.Columns;

/// <summary>Strings of a categorical, text or identifier column; null is missing.</summary>
public sealed class StringColumn : TableColumn
{
    public StringColumn(string name, ColumnKind kind, string?[] values) : base(name, kind)
    {
        if (!ColumnKinds.IsString(kind))
            throw new ArgumentException($"A string column is categorical, text or identifier, got {ColumnKinds.Name(kind)} for '{name}'.", nameof(kind));
        Values = values ?? throw new ArgumentNullException(nameof(values));
    }

    public string?[] Values { get; }

    public override int Length => Values.Length;

    public override bool IsMissing(int row) => Values[row] is null;

    public override object? GetValue(int row) => Values[row];

    public override string? Format(int row) => Values[row];

    public override TableColumn Take(IReadOnlyList<int> rows)
    {
        var v = new string?[rows.Count];
        for (int i = 0; i < v.Length; i++) v[i] = Values[rows[i]];
        return new StringColumn(Name, Kind, v);
    }

    public override TableColumn Rename(string name) => new StringColumn(name, Kind, Values);
}

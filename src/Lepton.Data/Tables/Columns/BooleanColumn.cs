namespace Lepton.Data.Tables.Columns;

/// <summary>true/false values; null is missing.</summary>
public sealed class BooleanColumn(string name, bool?[] values) : TableColumn(name, ColumnKind.Boolean)
{
    public bool?[] Values { get; } = values ?? throw new ArgumentNullException(nameof(values));

    public override int Length => Values.Length;

    public override bool IsMissing(int row) => Values[row] is null;

    public override object? GetValue(int row) => Values[row];

    public override string? Format(int row) => Values[row] switch { null => null, true => "true", false => "false" };

    public override TableColumn Take(IReadOnlyList<int> rows)
    {
        var v = new bool?[rows.Count];
        for (int i = 0; i < v.Length; i++) v[i] = Values[rows[i]];
        return new BooleanColumn(Name, v);
    }

    public override TableColumn Rename(string name) => new BooleanColumn(name, Values);
}

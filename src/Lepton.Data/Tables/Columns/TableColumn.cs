namespace Lepton.Data.Tables.Columns;

/// <summary>
/// One typed column of a <see cref="Table"/>: a name, a <see cref="ColumnKind"/> and one value per row (missing values
/// allowed). Concrete columns: <see cref="NumericColumn"/>, <see cref="StringColumn"/>, <see cref="BooleanColumn"/>,
/// <see cref="DateTimeColumn"/>.
/// </summary>
public abstract class TableColumn(string name, ColumnKind kind)
{
    public string Name { get; } = name;

    public ColumnKind Kind { get; } = kind;

    public abstract int Length { get; }

    public abstract bool IsMissing(int row);

    /// <summary>The value as an object: double, string, bool or DateTime (UTC); null when missing.</summary>
    public abstract object? GetValue(int row);

    /// <summary>
    /// The value as canonical invariant text (numbers round-trip "R", booleans "true"/"false", times ISO 8601 "o");
    /// null when missing. Equal values give equal text, so duplicates and categories compare by it.
    /// </summary>
    public abstract string? Format(int row);

    /// <summary>Row <paramref name="row"/> as a person reads it (pages, previews, diffs); as <see cref="Format"/> unless a kind has a plainer form.</summary>
    public virtual string? Display(int row) => Format(row);

    /// <summary>A column of the rows at <paramref name="rows"/> (positions in this column), in that order.</summary>
    public abstract TableColumn Take(IReadOnlyList<int> rows);

    /// <summary>A column with the same values under another name.</summary>
    public abstract TableColumn Rename(string name);

    public int MissingCount()
    {
        int n = 0;
        for (int i = 0; i < Length; i++) if (IsMissing(i)) n++;
        return n;
    }

    public override string ToString() => $"{Name} ({ColumnKinds.Name(Kind)}, {Length} rows)";
}

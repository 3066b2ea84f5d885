namespace Lepton.Runtime.Tables;

/// <summary>
/// Which columns' groups to compare a table model across (<c>lepton eval --groups</c>), which class of a yes/no model is the
/// favorable outcome (null: the second, the one its decision threshold grants), and the fewest rows a group needs to be judged.
/// </summary>
public sealed record GroupOptions(IReadOnlyList<string> Columns, string? Favorable = null, int MinRows = GroupFairness.DefaultMinRows)
{
    public static GroupOptions None { get; } = new([]);

    /// <summary>Columns from <c>--groups a,b</c> (commas or separate words), checked for blanks and repeats.</summary>
    public static GroupOptions Parse(IEnumerable<string>? groups, string? favorable, int minRows)
    {
        var columns = ColumnList.Parse(groups, "--groups");
        if (minRows < 1) throw new ArgumentException($"--min-group-rows must be at least 1, got {minRows}.");
        if (columns.Count == 0 && favorable is not null) throw new ArgumentException("--favorable says which class the groups are compared on; name the groups with --groups COLUMN.");
        return new GroupOptions(columns, favorable, minRows);
    }
}

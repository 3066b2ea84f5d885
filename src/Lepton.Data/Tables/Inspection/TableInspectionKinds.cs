namespace Lepton.Data.Tables.Inspection;

/// <summary>The kinds of finding a table inspection reports: stable kebab-case words for scripts and <c>clean --drop</c>.</summary>
public static class TableInspectionKinds
{
    public const string MissingValues = "missing-values";
    public const string MissingLabel = "missing-label";
    public const string ConstantColumn = "constant-column";
    public const string NearConstantColumn = "near-constant-column";
    public const string DuplicateRows = "duplicate-rows";
    public const string LabelConflict = "label-conflict";
    public const string ClassImbalance = "class-imbalance";
    public const string CountLabel = "count-label";
    public const string LeakageSuspect = "leakage-suspect";
    public const string IdentifierColumn = "identifier-column";
    public const string Outliers = "outliers";
    public const string RareCategories = "rare-categories";
    public const string GroupCandidate = "group-candidate";
    public const string DistributionShift = "distribution-shift";
    public const string ProxyColumn = "proxy-column";

    public static IReadOnlyList<string> All { get; } =
    [
        MissingValues, MissingLabel, ConstantColumn, NearConstantColumn, DuplicateRows, LabelConflict, ClassImbalance, CountLabel, LeakageSuspect,
        IdentifierColumn, Outliers, RareCategories, GroupCandidate, DistributionShift, ProxyColumn,
    ];

    /// <summary>The kinds whose rows <c>clean --drop</c> can remove (the others concern whole columns or splits).</summary>
    public static IReadOnlyList<string> Droppable { get; } = [DuplicateRows, LabelConflict, MissingLabel, Outliers];

    /// <summary>
    /// Parses a comma-separated list of droppable kinds; "duplicates" and "conflicts" are accepted for duplicate-rows and
    /// label-conflict, and "all" means duplicate-rows, label-conflict and missing-label (outliers must be named).
    /// </summary>
    public static IReadOnlySet<string> ParseDroppable(string list)
    {
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var word = raw.ToLowerInvariant() switch { "duplicates" => DuplicateRows, "conflicts" => LabelConflict, var w => w };
            // "all" leaves out outliers: an extreme value may be real, so dropping those rows is asked for by name.
            if (word == "all") { kinds.UnionWith([DuplicateRows, LabelConflict, MissingLabel]); continue; }
            if (!Droppable.Contains(word))
                throw new ArgumentException(All.Contains(word)
                    ? $"'{raw}' findings concern whole columns or splits, not rows; clean drops rows of: {string.Join(", ", Droppable)} (or 'all')."
                    : $"Unknown finding kind '{raw}'; clean drops rows of: {string.Join(", ", Droppable)} (also 'duplicates', 'conflicts', or 'all').");
            kinds.Add(word);
        }
        if (kinds.Count == 0) throw new ArgumentException($"No finding kinds given; expected a comma-separated list of: {string.Join(", ", Droppable)} (or 'all').");
        return kinds;
    }
}

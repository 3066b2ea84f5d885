namespace Lepton.Data.Images.Inspection;

/// <summary>The kinds of finding an inspection reports: stable kebab-case words for scripts and for <c>clean --drop</c>.</summary>
public static class InspectionKinds
{
    public const string Unreadable = "unreadable";
    public const string NotAnImage = "not-an-image";
    public const string ExactDuplicate = "exact-duplicate";
    public const string NearDuplicate = "near-duplicate";
    public const string SplitLeakage = "split-leakage";
    public const string ConflictingLabels = "conflicting-labels";
    public const string ClassImbalance = "class-imbalance";
    public const string ExtremeSize = "extreme-size";
    public const string NearConstant = "near-constant";
    public const string LabelError = "label-error";

    public static IReadOnlyList<string> All { get; } =
    [
        Unreadable, NotAnImage, ExactDuplicate, NearDuplicate, SplitLeakage, ConflictingLabels,
        ClassImbalance, ExtremeSize, NearConstant, LabelError,
    ];

    /// <summary>
    /// Parses a comma-separated list of kinds ("all" for every kind but label-error, which must be named because it
    /// trains models); an unknown word is an error listing the known ones.
    /// </summary>
    public static IReadOnlySet<string> Parse(string list)
    {
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var word = raw.ToLowerInvariant();
            // "all" leaves out label-error: finding label errors trains models, so it is asked for by name.
            if (word == "all") { kinds.UnionWith(All.Where(k => k != LabelError)); continue; }
            if (!All.Contains(word))
                throw new ArgumentException($"Unknown finding kind '{raw}'; expected a comma-separated list of: {string.Join(", ", All)} (or 'all', every kind but label-error).");
            kinds.Add(word);
        }
        if (kinds.Count == 0)
            throw new ArgumentException($"No finding kinds given; expected a comma-separated list of: {string.Join(", ", All)} (or 'all', every kind but label-error).");
        return kinds;
    }
}

namespace Lepton.Data.Audio.Inspection;

/// <summary>The kinds of finding an audio inspection reports: stable kebab-case words for scripts and for <c>clean --drop</c>.</summary>
public static class AudioInspectionKinds
{
    public const string Unreadable = "unreadable";
    public const string Silence = "silence";
    public const string Clipping = "clipping";
    public const string TooShort = "too-short";
    public const string TooLong = "too-long";
    public const string ExactDuplicate = "exact-duplicate";
    public const string SplitLeakage = "split-leakage";
    public const string ConflictingLabels = "conflicting-labels";
    public const string SpeakerLeakage = "speaker-leakage";
    public const string ClassImbalance = "class-imbalance";

    public static IReadOnlyList<string> All { get; } =
        [Unreadable, Silence, Clipping, TooShort, TooLong, ExactDuplicate, SplitLeakage, ConflictingLabels, SpeakerLeakage, ClassImbalance];

    /// <summary>Parses a comma-separated list of kinds ("all" for every kind); an unknown word is an error listing the known ones.</summary>
    public static IReadOnlySet<string> Parse(string list)
    {
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var word = raw.ToLowerInvariant();
            if (word == "all") { kinds.UnionWith(All); continue; }
            if (!All.Contains(word))
                throw new ArgumentException($"Unknown audio finding kind '{raw}'; expected a comma-separated list of: {string.Join(", ", All)} (or 'all').");
            kinds.Add(word);
        }
        if (kinds.Count == 0)
            throw new ArgumentException($"No finding kinds given; expected a comma-separated list of: {string.Join(", ", All)} (or 'all').");
        return kinds;
    }
}

namespace Lepton.Data.Profiles;

/// <summary>
/// What the prediction log records of one served text, and text drift is measured on: its length in characters and tokens,
/// the unknown rate ([UNK] tokens and U+FFFD replacement characters per token), the rare-token rate (tokens seen fewer than
/// <see cref="TokenFrequencyBins.RareBelow"/> times in training), its tokens per frequency bin and its characters per script.
/// </summary>
public sealed record TextStatistics(int Chars, int Tokens, int Unknown, int Rare, int[] FrequencyBins, int[] Scripts)
{
    /// <summary>The per-text statistics drift is tested on one by one (PSI and KS), as the log and reference key them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["chars", "tokens", "unknown_rate", "rare_token_rate"];

    /// <summary>The statistic called <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    public double this[string name] => name switch
    {
        "chars" => Chars,
        "tokens" => Tokens,
        "unknown_rate" => Tokens == 0 ? 0 : (double)Unknown / Tokens,
        "rare_token_rate" => Tokens == 0 ? 0 : (double)Rare / Tokens,
        _ => throw new ArgumentException($"Unknown text statistic '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>
    /// The statistics of <paramref name="text"/> encoded as <paramref name="ids"/> (special tokens included, padding not),
    /// binned by <paramref name="bins"/>; <paramref name="unknownId"/> is the tokenizer's [UNK] id, or -1 when it has none.
    /// </summary>
    public static TextStatistics Of(string text, ReadOnlySpan<int> ids, TokenFrequencyBins bins, int unknownId)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(bins);
        var frequency = new int[TokenFrequencyBins.Count];
        int unknown = 0, rare = 0;
        foreach (int id in ids)
        {
            frequency[bins.BinOf(id)]++;
            if (id == unknownId) unknown++;
            if (bins.IsRare(id)) rare++;
        }
        foreach (char c in text)
            if (c == '\uFFFD') unknown++;
        var scripts = new int[TextScripts.Names.Count];
        TextScripts.Count(text, scripts);
        return new TextStatistics(text.Length, ids.Length, unknown, rare, frequency, scripts);
    }
}

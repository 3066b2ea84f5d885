namespace Lepton.Data.Profiles;

/// <summary>
/// Every vocabulary id's place in the training corpus's token frequencies: ids sorted by training count are cut into
/// <see cref="SeenBins"/> bins holding about equal shares of the training tokens (bin 0 the most frequent words), and one
/// more bin for ids never seen in training. Live tokens counted per bin give a token-frequency PSI that needs no per-token
/// log; ids seen fewer than <see cref="RareBelow"/> times (or never) are also marked rare.
/// </summary>
public sealed class TokenFrequencyBins
{
    /// <summary>Bins of seen tokens; bin <see cref="SeenBins"/> is for unseen ids.</summary>
    public const int SeenBins = 10;

    /// <summary>All bins: the seen ones and the unseen one.</summary>
    public const int Count = SeenBins + 1;

    /// <summary>A token seen fewer times than this in training is rare.</summary>
    public const int RareBelow = 5;

    private const byte RareFlag = 0x80;
    private readonly byte[] _table; // per id: bin in the low bits, RareFlag when rare

    private TokenFrequencyBins(byte[] table) => _table = table;

    /// <summary>The vocabulary size the table covers; ids at or past it count as unseen and rare.</summary>
    public int VocabSize => _table.Length;

    /// <summary>Builds the table from the training sequences' token ids (ids in [0, vocabSize); special tokens included).</summary>
    public static TokenFrequencyBins Build(IEnumerable<int[]> sequences, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (vocabSize < 1) throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, "The vocabulary needs at least one id.");
        var counts = new long[vocabSize];
        long total = 0;
        foreach (var ids in sequences)
            foreach (int id in ids)
            {
                if ((uint)id >= (uint)vocabSize) throw new ArgumentException($"Token id {id} is outside the vocabulary of {vocabSize}.", nameof(sequences));
                counts[id]++;
                total++;
            }
        var table = new byte[vocabSize];
        // Most frequent first; ties by id so the same corpus gives the same table.
        var order = Enumerable.Range(0, vocabSize).Where(i => counts[i] > 0).OrderByDescending(i => counts[i]).ThenBy(i => i).ToArray();
        Array.Fill(table, (byte)(SeenBins | RareFlag));
        long cumulative = 0;
        foreach (int id in order)
        {
            // The bin of the token's first occurrence in the cumulative mass: a token heavier than a tenth fills its own bin.
            int bin = (int)Math.Min(SeenBins - 1, cumulative * SeenBins / Math.Max(1, total));
            cumulative += counts[id];
            table[id] = (byte)(bin | (counts[id] < RareBelow ? RareFlag : 0));
        }
        return new TokenFrequencyBins(table);
    }

    /// <summary>The bin of <paramref name="id"/> (0..<see cref="SeenBins"/>).</summary>
    public int BinOf(int id) => (uint)id < (uint)_table.Length ? _table[id] & ~RareFlag : SeenBins;

    /// <summary>True when <paramref name="id"/> was seen fewer than <see cref="RareBelow"/> times in training.</summary>
    public bool IsRare(int id) => (uint)id >= (uint)_table.Length || (_table[id] & RareFlag) != 0;

    /// <summary>The table as base64, one byte per id, as reference.json stores it.</summary>
    public string ToBase64() => Convert.ToBase64String(_table);

    /// <summary>The table stored by <see cref="ToBase64"/>; throws <see cref="InvalidDataException"/> for anything else.</summary>
    public static TokenFrequencyBins FromBase64(string text)
    {
        byte[] table;
        try
        {
            table = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new InvalidDataException("The reference's token bins are not base64; retrain the model to rebuild reference.json.");
        }
        if (table.Length == 0 || table.Any(b => (b & ~RareFlag) > SeenBins))
            throw new InvalidDataException("The reference's token bins are out of range; retrain the model to rebuild reference.json.");
        return new TokenFrequencyBins(table);
    }
}

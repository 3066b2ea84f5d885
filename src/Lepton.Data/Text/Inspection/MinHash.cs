using System.Text;

namespace Lepton.Data.Text.Inspection;

/// <summary>
/// MinHash signatures of texts and LSH candidate pairs. A text's shingles are its character <see cref="ShingleSize"/>-grams
/// after lower-casing and collapsing white space (characters, not words, so Chinese and Japanese work as well as English);
/// each shingle is hashed to 64 bits (FNV-1a over UTF-16 units), and signature slot i is the minimum over shingles of
/// SplitMix64(hash XOR seed_i), seeds fixed from <see cref="Seed"/>, so the same text has the same signature everywhere.
/// Candidates share all rows of one of <see cref="Bands"/> bands; with 32 bands of 4 rows a pair of Jaccard similarity s
/// becomes a candidate with probability 1-(1-s^4)^32: 0.9996 at s=0.8, 0.08 at s=0.3.
/// </summary>
public sealed class MinHash(int hashes = 128, int bands = 32, int shingleSize = 5, ulong seed = 0x5EED_1E47_0000_0001UL)
{
    public int Hashes { get; } = hashes;
    public int Bands { get; } = bands;
    public int ShingleSize { get; } = shingleSize;
    public ulong Seed { get; } = seed;

    private readonly ulong[] _seeds = Seeds(hashes, seed);

    /// <summary>The distinct shingle hashes of a text (one shingle when the text is shorter than a shingle).</summary>
    public HashSet<ulong> Shingles(string text)
    {
        var canonical = Canonical(text);
        var set = new HashSet<ulong>();
        if (canonical.Length <= ShingleSize) { set.Add(Fnv(canonical.AsSpan())); return set; }
        for (int i = 0; i + ShingleSize <= canonical.Length; i++) set.Add(Fnv(canonical.AsSpan(i, ShingleSize)));
        return set;
    }

    public ulong[] Signature(HashSet<ulong> shingles)
    {
        var sig = new ulong[Hashes];
        Array.Fill(sig, ulong.MaxValue);
        foreach (var s in shingles)
            for (int i = 0; i < sig.Length; i++)
            {
                ulong h = Mix(s ^ _seeds[i]);
                if (h < sig[i]) sig[i] = h;
            }
        return sig;
    }

    /// <summary>Candidate pairs (a &lt; b) of signatures that agree on every row of some band; each item is compared with at most <paramref name="maxPerBucket"/> earlier members of a bucket, which bounds the work on texts that share boilerplate.</summary>
    public List<(int A, int B)> Candidates(IReadOnlyList<ulong[]> signatures, int maxPerBucket = 32)
    {
        if (Hashes % Bands != 0) throw new ArgumentException($"MinHash: {Hashes} hashes do not split into {Bands} equal bands.");
        int rows = Hashes / Bands;
        var pairs = new HashSet<(int, int)>();
        for (int band = 0; band < Bands; band++)
        {
            var buckets = new Dictionary<ulong, List<int>>();
            for (int i = 0; i < signatures.Count; i++)
            {
                ulong key = 0xCBF29CE484222325UL ^ (ulong)band;
                for (int r = 0; r < rows; r++) key = Mix(key ^ signatures[i][band * rows + r]);
                if (!buckets.TryGetValue(key, out var members)) buckets[key] = members = [];
                for (int m = Math.Max(0, members.Count - maxPerBucket); m < members.Count; m++) pairs.Add((members[m], i));
                members.Add(i);
            }
        }
        return [.. pairs.OrderBy(p => p.Item1).ThenBy(p => p.Item2)];
    }

    /// <summary>Exact Jaccard similarity of two shingle sets.</summary>
    public static double Jaccard(HashSet<ulong> a, HashSet<ulong> b)
    {
        if (a.Count == 0 && b.Count == 0) return 1;
        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        int both = small.Count(large.Contains);
        return (double)both / (a.Count + b.Count - both);
    }

    internal static string Canonical(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    private static ulong Fnv(ReadOnlySpan<char> s)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (var c in s) { h ^= c; h *= 0x100000001B3UL; }
        return h;
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong[] Seeds(int n, ulong seed)
    {
        var seeds = new ulong[n];
        ulong s = seed;
        for (int i = 0; i < n; i++) seeds[i] = s = Mix(s);
        return seeds;
    }
}

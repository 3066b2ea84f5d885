namespace Lepton.Data.Text.Tokenizers;

/// <summary>
/// The merge loop both trainers share: words are sequences of symbol ids with counts; each step merges the most frequent
/// adjacent pair into a new symbol, until the vocabulary holds <c>vocabSize</c> strings or no pair occurs
/// <c>minFrequency</c> times. Ties are broken by a stated rule so a corpus always gives the same vocabulary: the higher
/// count first, then the pair whose left token string sorts first (ordinal, UTF-16), then whose right token string does.
/// A merge whose string already exists reuses that id (as Hugging Face's trainer does). Pair counts are kept up to date
/// incrementally: only words that hold the merged pair are recounted.
/// </summary>
internal sealed class PairMerger
{
    private readonly List<string> _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly List<int[]> _words;
    private readonly long[] _counts;
    private readonly Dictionary<(int, int), long> _pairs = [];
    private readonly Dictionary<(int, int), HashSet<int>> _where = [];
    private readonly PriorityQueue<(int A, int B), (long Count, int A, int B)> _queue;

    private readonly HashSet<string> _reserved;
    private readonly HashSet<(int, int)> _banned = [];

    /// <param name="reserved">Strings a merge may never produce (the special tokens): such a pair is never merged.</param>
    public PairMerger(List<string> tokens, List<int[]> words, long[] counts, IEnumerable<string> reserved)
    {
        _reserved = new HashSet<string>(reserved, StringComparer.Ordinal);
        _tokens = tokens;
        _ids = tokens.Select((t, i) => (t, i)).GroupBy(x => x.t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        _words = words;
        _counts = counts;
        _queue = new PriorityQueue<(int, int), (long, int, int)>(Comparer<(long Count, int A, int B)>.Create(Compare));
        for (int w = 0; w < words.Count; w++) AddPairs(w, +1, null);
        foreach (var (pair, count) in _pairs) _queue.Enqueue(pair, (count, pair.Item1, pair.Item2));
    }

    public List<(string Left, string Right)> Merges { get; } = [];

    private int Compare((long Count, int A, int B) x, (long Count, int A, int B) y)
    {
        int c = y.Count.CompareTo(x.Count);
        if (c != 0) return c;
        c = string.CompareOrdinal(_tokens[x.A], _tokens[y.A]);
        return c != 0 ? c : string.CompareOrdinal(_tokens[x.B], _tokens[y.B]);
    }

    /// <summary>Merges until the vocabulary holds <paramref name="vocabSize"/> strings; <paramref name="join"/> makes the new token's string.</summary>
    public void Run(int vocabSize, int minFrequency, Func<string, string, string> join, CancellationToken ct)
    {
        int steps = 0;
        while (_ids.Count < vocabSize && _queue.TryDequeue(out var pair, out var key))
        {
            if (++steps % 256 == 0) ct.ThrowIfCancellationRequested();
            if (_banned.Contains(pair) || !_pairs.TryGetValue(pair, out long current) || current != key.Count) continue; // banned or stale
            if (current < minFrequency) break;
            var merged = join(_tokens[pair.A], _tokens[pair.B]);
            if (_reserved.Contains(merged)) { _banned.Add(pair); continue; }
            if (!_ids.TryGetValue(merged, out int id))
            {
                id = _tokens.Count;
                _tokens.Add(merged);
                _ids[merged] = id;
            }
            Merges.Add((_tokens[pair.A], _tokens[pair.B]));
            var changed = new HashSet<(int, int)>();
            foreach (int w in _where[pair].Order().ToList())
            {
                var word = _words[w];
                if (!Contains(word, pair.A, pair.B)) continue;
                AddPairs(w, -1, changed);
                _words[w] = Merge(word, pair.A, pair.B, id);
                AddPairs(w, +1, changed);
            }
            _pairs.Remove(pair);
            _where.Remove(pair);
            foreach (var p in changed)
                if (_pairs.TryGetValue(p, out long n) && n > 0) _queue.Enqueue(p, (n, p.Item1, p.Item2));
        }
    }

    private void AddPairs(int w, int sign, HashSet<(int, int)>? changed)
    {
        var word = _words[w];
        long count = _counts[w] * sign;
        for (int i = 0; i + 1 < word.Length; i++)
        {
            var p = (word[i], word[i + 1]);
            long n = _pairs.GetValueOrDefault(p) + count;
            if (n <= 0) _pairs.Remove(p); else _pairs[p] = n;
            if (sign > 0)
            {
                if (!_where.TryGetValue(p, out var set)) _where[p] = set = [];
                set.Add(w);
            }
            changed?.Add(p);
        }
    }

    private static bool Contains(int[] word, int a, int b)
    {
        for (int i = 0; i + 1 < word.Length; i++)
            if (word[i] == a && word[i + 1] == b) return true;
        return false;
    }

    // Left to right, non-overlapping: "a a a" with pair (a,a) becomes "aa a", as BPE applies a merge.
    private static int[] Merge(int[] word, int a, int b, int id)
    {
        var result = new List<int>(word.Length);
        for (int i = 0; i < word.Length; i++)
        {
            if (i + 1 < word.Length && word[i] == a && word[i + 1] == b) { result.Add(id); i++; }
            else result.Add(word[i]);
        }
        return [.. result];
    }
}

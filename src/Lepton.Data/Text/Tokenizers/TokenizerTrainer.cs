namespace Lepton.Data.Text.Tokenizers;

/// <summary>
/// What to train: the kind, the vocabulary size (special tokens and the alphabet included), the minimum count of a pair
/// to be merged, and for WordPiece whether to lower-case (BERT uncased), whether to strip accents (off by default; needs ICU) and the longest word it splits.
/// </summary>
public sealed record TokenizerTrainingOptions(
    TokenizerKind Kind = TokenizerKind.ByteLevelBpe,
    int VocabSize = 8000,
    int MinFrequency = 2,
    bool Lowercase = true,
    int MaxInputCharsPerWord = TokenizerModel.DefaultMaxInputCharsPerWord,
    bool StripAccents = false)
{
    public void Validate()
    {
        int floor = Kind == TokenizerKind.ByteLevelBpe ? 258 : 6;
        if (VocabSize < floor || VocabSize > 1_000_000)
            throw new ArgumentException($"Vocabulary size {VocabSize} is out of range for {Kind}: {floor}..1,000,000 (byte-level BPE needs its 256 byte symbols and 2 special tokens).");
        if (MinFrequency < 1) throw new ArgumentException($"MinFrequency {MinFrequency} must be at least 1.");
    }
}

/// <summary>
/// Trains byte-level BPE and WordPiece vocabularies (Microsoft.ML.Tokenizers encodes but has no trainer). Both count the
/// pre-tokens of the corpus (GPT-2's pattern on the text, or BERT's basic tokenization), then merge the most frequent
/// adjacent pairs (<see cref="PairMerger"/>, with its stated tie rule), so the same corpus and options give the same
/// vocabulary bit for bit, whatever the order of equal counts in memory. Vocabulary order: special tokens, then the
/// alphabet (byte-level: the 256 byte symbols in byte order; WordPiece: characters by descending count, then ordinal,
/// each followed later by its ## form), then merged tokens in the order they were made.
/// </summary>
public static class TokenizerTrainer
{
    public static IReadOnlyList<string> BpeSpecialTokens { get; } = [TokenizerModel.EndOfText, TokenizerModel.BpePadding];

    public static IReadOnlyList<string> WordPieceSpecialTokens { get; } =
        [TokenizerModel.Padding, TokenizerModel.Unknown, TokenizerModel.Classification, TokenizerModel.Separator, TokenizerModel.Mask];

    public static TokenizerModel Train(IEnumerable<string> texts, TokenizerTrainingOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options.Validate();
        return options.Kind == TokenizerKind.ByteLevelBpe ? TrainBpe(texts, options, ct) : TrainWordPiece(texts, options, ct);
    }

    private static Dictionary<string, long> Count(IEnumerable<string> texts, Func<string, IEnumerable<string>> preTokenize, CancellationToken ct)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        int n = 0;
        foreach (var text in texts)
        {
            if (++n % 1024 == 0) ct.ThrowIfCancellationRequested();
            foreach (var word in preTokenize(text))
                counts[word] = counts.GetValueOrDefault(word) + 1;
        }
        return counts;
    }

    private static TokenizerModel TrainBpe(IEnumerable<string> texts, TokenizerTrainingOptions options, CancellationToken ct)
    {
        var counts = Count(texts, t => ByteLevel.PreTokenize(t).Select(ByteLevel.Encode), ct);
        var tokens = new List<string>(BpeSpecialTokens);
        int alphabetStart = tokens.Count;
        tokens.AddRange(ByteLevel.Alphabet.Select(c => c.ToString()));
        var symbol = new Dictionary<char, int>();
        for (int b = 0; b < 256; b++) symbol[ByteLevel.Symbol((byte)b)] = alphabetStart + b;
        var words = counts.Keys.Order(StringComparer.Ordinal).ToList();
        var merger = new PairMerger(tokens, [.. words.Select(w => w.Select(c => symbol[c]).ToArray())], [.. words.Select(w => counts[w])], BpeSpecialTokens);
        merger.Run(options.VocabSize, options.MinFrequency, (a, b) => a + b, ct);
        return new TokenizerModel(TokenizerKind.ByteLevelBpe, tokens, merger.Merges, BpeSpecialTokens);
    }

    private static TokenizerModel TrainWordPiece(IEnumerable<string> texts, TokenizerTrainingOptions options, CancellationToken ct)
    {
        const string prefix = TokenizerModel.ContinuingSubwordPrefix;
        var counts = Count(texts, t => BertPreTokenizer.PreTokenize(t, options.Lowercase, options.StripAccents).Where(w => w.Length <= options.MaxInputCharsPerWord), ct);
        // Alphabet: every character (as a text element of one code point) by descending count, then ordinal; each also as ##c.
        var charCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (word, n) in counts)
            foreach (var r in word.EnumerateRunes()) charCounts[r.ToString()] = charCounts.GetValueOrDefault(r.ToString()) + n;
        var alphabet = charCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key).ToList();
        int room = options.VocabSize - WordPieceSpecialTokens.Count;
        if (alphabet.Count * 2 > room) alphabet = alphabet.Take(room / 2).ToList(); // the rarest characters become [UNK]
        var tokens = new List<string>(WordPieceSpecialTokens);
        tokens.AddRange(alphabet);
        tokens.AddRange(alphabet.Select(c => prefix + c));
        var ids = tokens.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        var wordList = new List<int[]>();
        var wordCounts = new List<long>();
        foreach (var word in counts.Keys.Order(StringComparer.Ordinal))
        {
            var symbols = new List<int>();
            bool known = true;
            int k = 0;
            foreach (var r in word.EnumerateRunes())
            {
                if (!ids.TryGetValue(k == 0 ? r.ToString() : prefix + r, out int id)) { known = false; break; }
                symbols.Add(id);
                k++;
            }
            if (!known) continue;
            wordList.Add([.. symbols]);
            wordCounts.Add(counts[word]);
        }
        var merger = new PairMerger(tokens, wordList, [.. wordCounts], WordPieceSpecialTokens);
        merger.Run(options.VocabSize, options.MinFrequency, (a, b) => a + (b.StartsWith(prefix, StringComparison.Ordinal) ? b[prefix.Length..] : b), ct);
        return new TokenizerModel(TokenizerKind.WordPiece, tokens, [], WordPieceSpecialTokens, options.Lowercase, options.MaxInputCharsPerWord, options.StripAccents);
    }
}

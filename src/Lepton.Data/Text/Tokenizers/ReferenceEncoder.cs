using System.Text;

namespace Lepton.Data.Text.Tokenizers;

/// <summary>
/// The plain reference twin of <see cref="TextTokenizer"/>: byte-level BPE applies the merges by rank inside each GPT-2
/// pre-token (the lowest-ranked adjacent pair first, until none is left); WordPiece takes the longest vocabulary entry at
/// each position of each BERT word (## after the first piece), and a word it cannot cover, or longer than the limit, is
/// [UNK]. Slow and obvious; tests hold the Microsoft.ML.Tokenizers encoder equal to it.
/// </summary>
public sealed class ReferenceEncoder(TokenizerModel model) : ITextEncoder
{
    private readonly Dictionary<(string, string), int> _ranks = model.Merges.Select((m, i) => (m, i)).GroupBy(x => x.m).ToDictionary(g => g.Key, g => g.First().i);
    private readonly HashSet<string> _special = new(model.SpecialTokens, StringComparer.Ordinal);

    public TokenizerModel Model { get; } = model;

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false)
    {
        var ids = new List<int>();
        if (Model.Kind == TokenizerKind.ByteLevelBpe)
        {
            foreach (var piece in ByteLevel.PreTokenize(text))
                foreach (var token in Bpe(ByteLevel.Encode(piece))) ids.Add(Model.Id(token));
            return ids;
        }
        if (addSpecialTokens) ids.Add(Model.Id(TokenizerModel.Classification));
        foreach (var word in BertPreTokenizer.PreTokenize(text, Model.Lowercase, Model.StripAccents)) ids.AddRange(WordPiece(word));
        if (addSpecialTokens) ids.Add(Model.Id(TokenizerModel.Separator));
        return ids;
    }

    public string Decode(IEnumerable<int> ids)
    {
        var tokens = ids.Select(i => Model.Vocab[i]).Where(t => !_special.Contains(t)).ToList();
        return Model.Kind == TokenizerKind.ByteLevelBpe ? ByteLevel.Decode(string.Concat(tokens)) : JoinWordPieces(tokens);
    }

    /// <summary>WordPiece tokens back to words: a ## piece joins the word before it, other tokens start a new word.</summary>
    internal static string JoinWordPieces(IEnumerable<string> tokens)
    {
        var sb = new StringBuilder();
        foreach (var t in tokens)
        {
            if (t.StartsWith(TokenizerModel.ContinuingSubwordPrefix, StringComparison.Ordinal)) sb.Append(t, 2, t.Length - 2);
            else { if (sb.Length > 0) sb.Append(' '); sb.Append(t); }
        }
        return sb.ToString();
    }

    private List<string> Bpe(string symbols)
    {
        var parts = symbols.Select(c => c.ToString()).ToList();
        while (parts.Count > 1)
        {
            int best = -1, bestRank = int.MaxValue;
            for (int i = 0; i + 1 < parts.Count; i++)
                if (_ranks.TryGetValue((parts[i], parts[i + 1]), out int rank) && rank < bestRank) { best = i; bestRank = rank; }
            if (best < 0) break;
            // Merge every occurrence of the best pair, left to right.
            var (a, b) = (parts[best], parts[best + 1]);
            var merged = new List<string>(parts.Count);
            for (int i = 0; i < parts.Count; i++)
            {
                if (i + 1 < parts.Count && parts[i] == a && parts[i + 1] == b) { merged.Add(a + b); i++; }
                else merged.Add(parts[i]);
            }
            parts = merged;
        }
        return parts;
    }

    private IEnumerable<int> WordPiece(string word)
    {
        int unk = Model.Id(TokenizerModel.Unknown);
        var runes = word.EnumerateRunes().Select(r => r.ToString()).ToArray();
        if (runes.Length > Model.MaxInputCharsPerWord) return [unk];
        var pieces = new List<int>();
        int start = 0;
        while (start < runes.Length)
        {
            int found = -1, end = runes.Length;
            for (; end > start; end--)
            {
                var piece = (start > 0 ? TokenizerModel.ContinuingSubwordPrefix : "") + string.Concat(runes[start..end]);
                if (Model.Ids.TryGetValue(piece, out found)) break;
                found = -1;
            }
            if (found < 0) return [unk];
            pieces.Add(found);
            start = end;
        }
        return pieces;
    }
}

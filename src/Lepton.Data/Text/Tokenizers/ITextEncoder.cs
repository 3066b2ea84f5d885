namespace Lepton.Data.Text.Tokenizers;

/// <summary>Text to token ids and back.</summary>
public interface ITextEncoder
{
    /// <summary>The token ids of <paramref name="text"/>; with <paramref name="addSpecialTokens"/>, WordPiece adds [CLS] ... [SEP].</summary>
    IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false);

    /// <summary>The text of <paramref name="ids"/> (special tokens left out).</summary>
    string Decode(IEnumerable<int> ids);
}

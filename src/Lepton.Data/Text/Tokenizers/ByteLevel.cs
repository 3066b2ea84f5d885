using System.Text;
using System.Text.RegularExpressions;

namespace Lepton.Data.Text.Tokenizers;

/// <summary>
/// GPT-2's byte-level view of text: UTF-8 bytes, each shown as one printable character (bytes that are printable Latin-1
/// stand for themselves; the other 68 map to U+0100.. in byte order, so a space is 'Ġ' and a newline 'Ċ'), and GPT-2's
/// pre-tokenization pattern (contractions, letter runs, digit runs, other-symbol runs, each with one optional leading
/// space, and white space). Any string of any script becomes symbols from a fixed alphabet of 256: no unknown tokens.
/// </summary>
public static partial class ByteLevel
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByte = ByteToChar.Select((c, b) => (c, b)).ToDictionary(x => x.c, x => (byte)x.b);

    /// <summary>The 256 symbols, in byte order.</summary>
    public static IReadOnlyList<char> Alphabet => ByteToChar;

    /// <summary>The symbol standing for byte <paramref name="b"/>.</summary>
    public static char Symbol(byte b) => ByteToChar[b];

    /// <summary>A piece of text as its byte symbols.</summary>
    public static string Encode(string piece)
    {
        var bytes = Encoding.UTF8.GetBytes(piece);
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>Byte symbols back to text (bytes that do not form UTF-8 become U+FFFD, as a cut-off sequence would).</summary>
    public static string Decode(string symbols)
    {
        var bytes = new byte[symbols.Length];
        int n = 0;
        foreach (var c in symbols)
            if (CharToByte.TryGetValue(c, out var b)) bytes[n++] = b;
        return Encoding.UTF8.GetString(bytes, 0, n);
    }

    /// <summary>GPT-2's pre-tokens of <paramref name="text"/> (the pieces BPE merges within; never across).</summary>
    public static IEnumerable<string> PreTokenize(string text)
    {
        foreach (Match m in Gpt2Pattern().Matches(text)) yield return m.Value;
    }

    /// <summary>GPT-2's pattern, as tokenizers' ByteLevel pre-tokenizer uses it (use_regex true).</summary>
    public const string Gpt2PatternText = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    [GeneratedRegex(Gpt2PatternText, RegexOptions.CultureInvariant)]
    public static partial Regex Gpt2Pattern();

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }
}

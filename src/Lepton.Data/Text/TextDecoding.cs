using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Lepton.Data.Text;

/// <summary>
/// Bytes to normalized text: strict UTF-8 (a BOM is dropped; the first invalid byte is reported by its offset, or replaced
/// with U+FFFD when asked) and Unicode normalization (NFC or NFKC), so the same words typed on two systems are the same text.
/// </summary>
public static class TextDecoding
{
    /// <summary>Decodes UTF-8; returns null and the reason when the bytes are not UTF-8 and <paramref name="replace"/> is false.</summary>
    public static string? DecodeUtf8(ReadOnlySpan<byte> bytes, bool replace, out string? error)
    {
        error = null;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        if (replace) return Encoding.UTF8.GetString(bytes);
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(16, bytes.Length));
        try
        {
            var status = Utf8.ToUtf16(bytes, chars, out int read, out int written, replaceInvalidSequences: false);
            if (status == OperationStatus.Done) return new string(chars, 0, written);
            error = $"not valid UTF-8 at byte {read:N0} (0x{(read < bytes.Length ? bytes[read] : 0):X2})";
            return null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The text in normalization form <paramref name="form"/>, by ICU (<see cref="UnicodeNormalizer"/>; string.Normalize does nothing in invariant mode).</summary>
    public static string Normalize(string text, NormalizationForm form) => UnicodeNormalizer.Normalize(text, form);
}

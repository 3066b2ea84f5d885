using System.Text;

namespace Lepton.Data.Text.Import.Email;

/// <summary>Body decoding: transfer encodings, charsets and RFC 2047 encoded words.</summary>
public static partial class MimeText
{
    private static byte[] Decode(byte[] body, string encoding) => encoding switch
    {
        "base64" => Base64(body),
        "quoted-printable" => QuotedPrintable.Decode(body),
        _ => body,
    };

    // Lenient: line breaks and stray characters are skipped, a missing pad is added, trailing garbage ignored.
    private static byte[] Base64(byte[] body)
    {
        var clean = new StringBuilder(body.Length);
        foreach (var b in body)
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/') clean.Append(c);
            else if (c == '=') break;
        }
        if (clean.Length % 4 == 1) clean.Length--; // one stray character cannot encode a byte
        while (clean.Length % 4 != 0) clean.Append('=');
        try { return Convert.FromBase64String(clean.ToString()); }
        catch (FormatException) { return []; }
    }

    /// <summary>Bytes in a declared charset to text; no charset or us-ascii: UTF-8 when valid, else Windows-1252 (what 8-bit mail without a charset almost always is).</summary>
    internal static string Charset(byte[] bytes, string? charset, bool replace = false)
    {
        var name = charset?.Trim().Trim('"').ToLowerInvariant();
        if (name is null or "" or "us-ascii" or "ascii" or "utf-8" or "utf8")
        {
            var utf8 = TextDecoding.DecodeUtf8(bytes, replace: replace && name is "utf-8" or "utf8", out var error);
            if (utf8 is not null) return utf8;
            if (name is "utf-8" or "utf8") throw new DecoderFallbackException($"a part declared UTF-8 is {error}");
            return Encoding.GetEncoding(1252).GetString(bytes);
        }
        Encoding encoding;
        try { encoding = Encoding.GetEncoding(name); }
        catch (ArgumentException)
        {
            // An unknown charset name: the bytes still say most of what the message says.
            return TextDecoding.DecodeUtf8(bytes, replace: false, out _) ?? Encoding.GetEncoding(1252).GetString(bytes);
        }
        return encoding.GetString(bytes);
    }

    /// <summary>RFC 2047 encoded words (<c>=?charset?B|Q?...?=</c>) in a header value, decoded; anything malformed is left as is.</summary>
    internal static string DecodeWords(string value)
    {
        if (!value.Contains("=?", StringComparison.Ordinal)) return value;
        var output = new StringBuilder();
        int pos = 0;
        bool lastWasWord = false;
        while (pos < value.Length)
        {
            int start = value.IndexOf("=?", pos, StringComparison.Ordinal);
            if (start < 0) { output.Append(value, pos, value.Length - pos); break; }
            var between = value[pos..start];
            // White space between two encoded words is dropped (RFC 2047 6.2).
            if (!(lastWasWord && string.IsNullOrWhiteSpace(between))) output.Append(between);
            int q1 = value.IndexOf('?', start + 2);
            int q2 = q1 < 0 ? -1 : value.IndexOf('?', q1 + 1);
            int end = q2 < 0 ? -1 : value.IndexOf("?=", q2 + 1, StringComparison.Ordinal);
            if (q1 < 0 || q2 != q1 + 2 || end < 0)
            {
                output.Append("=?");
                pos = start + 2;
                lastWasWord = false;
                continue;
            }
            var charset = value[(start + 2)..q1];
            char mode = char.ToUpperInvariant(value[q1 + 1]);
            var payload = value[(q2 + 1)..end];
            byte[] bytes = mode == 'B'
                ? Base64(Encoding.ASCII.GetBytes(payload))
                : QuotedPrintable.Decode(Encoding.Latin1.GetBytes(payload.Replace('_', ' ')));
            int star = charset.IndexOf('*'); // RFC 2231 language suffix
            output.Append(Charset(bytes, star >= 0 ? charset[..star] : charset));
            pos = end + 2;
            lastWasWord = true;
        }
        return output.ToString();
    }
}

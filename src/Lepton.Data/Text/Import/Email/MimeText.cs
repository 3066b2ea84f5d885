using System.Text;

namespace Lepton.Data.Text.Import.Email;

/// <summary>
/// The readable text of a raw e-mail (RFC 822 / MIME): headers unfolded (kept with RFC 2047 words decoded, or dropped),
/// multipart bodies walked (alternative: the text/plain part, else the HTML one; mixed and others: every text part in
/// order; attachments that are not text skipped; message/rfc822 read as a nested message), quoted-printable and base64
/// decoded, charsets decoded by <see cref="Encoding"/> with the code-page provider, HTML kept or reduced to its text.
/// Written here rather than taken from MimeKit because this is a small read-only subset and MimeKit brings S/MIME and
/// PGP cryptography dependencies that an import never needs. Hostile messages are bounded: at most
/// <see cref="MaxDepth"/> nested multiparts and <see cref="MaxParts"/> parts.
/// </summary>
public static class MimeText
{
    public const int MaxDepth = 16;
    public const int MaxParts = 1000;

    private static readonly string[] KnownHeaders =
        ["from", "to", "subject", "date", "received", "return-path", "message-id", "content-type", "mime-version", "delivered-to", "reply-to", "cc"];

    static MimeText() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>True when the first bytes look like an e-mail: an optional mbox "From " line, then header lines naming at least two well-known headers.</summary>
    public static bool LooksLikeEmail(ReadOnlySpan<byte> head)
    {
        var text = Encoding.Latin1.GetString(head[..Math.Min(head.Length, 4096)]);
        var lines = text.Split('\n');
        int start = lines.Length > 0 && lines[0].StartsWith("From ", StringComparison.Ordinal) ? 1 : 0;
        int known = 0;
        for (int i = start; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0) break;
            if (line[0] is ' ' or '\t') continue;
            int colon = line.IndexOf(':');
            if (colon <= 0 || !IsFieldName(line.AsSpan(0, colon))) return false;
            if (KnownHeaders.Contains(line[..colon].ToLowerInvariant())) known++;
        }
        return known >= 2;
    }

    /// <summary>The message's text; <see cref="InvalidDataException"/> when its structure is too deep or too wide, <see cref="DecoderFallbackException"/> when a UTF-8 part is not UTF-8.</summary>
    public static string Extract(byte[] raw, bool keepHeaders, bool keepHtml, bool replaceInvalid = false)
    {
        var counter = new Walk(replaceInvalid);
        var text = new StringBuilder();
        Entity(raw, keepHeaders, keepHtml, 0, counter, text, topLevel: true);
        return text.ToString().Trim();
    }

    private static void Entity(ReadOnlySpan<byte> raw, bool keepHeaders, bool keepHtml, int depth, Walk parts, StringBuilder output, bool topLevel)
    {
        if (depth > MaxDepth) throw new InvalidDataException($"the message nests more than {MaxDepth} multiparts");
        if (++parts.Parts > MaxParts) throw new InvalidDataException($"the message has more than {MaxParts} parts");
        var (headers, body) = SplitHeaders(raw, topLevel);
        if (keepHeaders && (topLevel || Header(headers, "from") is not null))
        {
            foreach (var (name, value) in headers) output.Append(name).Append(": ").Append(DecodeWords(value)).Append('\n');
            output.Append('\n');
        }
        var (type, parameters) = ContentType(Header(headers, "content-type"));
        var encoding = (Header(headers, "content-transfer-encoding") ?? "7bit").Trim().ToLowerInvariant();
        if (type.StartsWith("multipart/", StringComparison.Ordinal) && parameters.TryGetValue("boundary", out var boundary) && boundary.Length > 0)
        {
            var children = Multipart(body, boundary);
            if (type == "multipart/alternative")
            {
                var chosen = children.Select(c => (c, t: ContentType(Header(SplitHeaders(c, false).Headers, "content-type")).Type)).ToList();
                var pick = chosen.FirstOrDefault(x => x.t == "text/plain");
                if (pick.c is null) pick = chosen.FirstOrDefault(x => x.t == "text/html");
                if (pick.c is null) pick = chosen.FirstOrDefault();
                if (pick.c is not null) Entity(pick.c, keepHeaders, keepHtml, depth + 1, parts, output, topLevel: false);
                return;
            }
            foreach (var child in children)
            {
                int before = output.Length;
                Entity(child, keepHeaders, keepHtml, depth + 1, parts, output, topLevel: false);
                if (output.Length > before) output.Append("\n\n");
            }
            return;
        }
        var content = Decode(body, encoding);
        if (type == "message/rfc822")
        {
            Entity(content, keepHeaders, keepHtml, depth + 1, parts, output, topLevel: true);
            return;
        }
        if (!type.StartsWith("text/", StringComparison.Ordinal)) return; // attachments: images, archives, ...
        var text = Charset(content, parameters.GetValueOrDefault("charset"), parts.Replace);
        output.Append(type == "text/html" && !keepHtml ? HtmlText.ToPlain(text) : text);
    }

    /// <summary>What one extraction counts and knows: parts seen so far, and whether bad UTF-8 is replaced.</summary>
    private sealed class Walk(bool replace)
    {
        public int Parts { get; set; }

        public bool Replace { get; } = replace;
    }

    private static List<byte[]> Multipart(ReadOnlySpan<byte> body, string boundary)
    {
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var parts = new List<byte[]>();
        int start = -1;
        int pos = 0;
        while (pos <= body.Length)
        {
            int end = body[pos..].IndexOf((byte)'\n');
            int lineEnd = end < 0 ? body.Length : pos + end;
            var line = body[pos..lineEnd].TrimEnd((ReadOnlySpan<byte>)[(byte)'\r', (byte)' ', (byte)'\t']);
            if (line.StartsWith(delimiter))
            {
                var rest = line[delimiter.Length..];
                bool close = rest.SequenceEqual("--"u8);
                if (rest.Length == 0 || close)
                {
                    // The line break before a delimiter belongs to the delimiter (RFC 2046 5.1.1).
                    if (start >= 0) parts.Add(body[start..TrimBreak(body, pos)].ToArray());
                    if (close) return parts;
                    start = lineEnd + 1;
                    if (parts.Count > MaxParts) throw new InvalidDataException($"the message has more than {MaxParts} parts");
                }
            }
            if (end < 0) break;
            pos = lineEnd + 1;
        }
        // A message cut short (no closing delimiter) keeps what it has.
        if (start >= 0 && start <= body.Length) parts.Add(body[start..].ToArray());
        return parts;
    }

    private static int TrimBreak(ReadOnlySpan<byte> body, int at)
    {
        int end = Math.Max(0, at);
        if (end > 0 && body[end - 1] == '\n') end--;
        if (end > 0 && body[end - 1] == '\r') end--;
        return end;
    }

    private static (List<(string Name, string Value)> Headers, byte[] Body) SplitHeaders(ReadOnlySpan<byte> raw, bool topLevel)
    {
        var headers = new List<(string, string)>();
        int pos = 0;
        bool first = true;
        while (pos < raw.Length)
        {
            int nl = raw[pos..].IndexOf((byte)'\n');
            int lineEnd = nl < 0 ? raw.Length : pos + nl;
            var line = Encoding.Latin1.GetString(raw[pos..lineEnd]).TrimEnd('\r');
            if (first && topLevel && line.StartsWith("From ", StringComparison.Ordinal)) { pos = lineEnd + 1; first = false; continue; }
            first = false;
            if (line.Length == 0) { pos = lineEnd + 1; break; }
            if (line[0] is ' ' or '\t' && headers.Count > 0)
            {
                var (n, v) = headers[^1];
                headers[^1] = (n, v + " " + line.Trim());
            }
            else
            {
                int colon = line.IndexOf(':');
                // Not a header: the body starts here (a part without headers, or a broken message).
                if (colon <= 0 || !IsFieldName(line.AsSpan(0, colon))) break;
                headers.Add((line[..colon], line[(colon + 1)..].Trim()));
            }
            pos = lineEnd + 1;
        }
        return (headers, raw[Math.Min(pos, raw.Length)..].ToArray());
    }

    private static bool IsFieldName(ReadOnlySpan<char> name)
    {
        foreach (var c in name) if (c is < '!' or > '~') return false;
        return true;
    }

    private static string? Header(List<(string Name, string Value)> headers, string name) =>
        headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static (string Type, Dictionary<string, string> Parameters) ContentType(string? value)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(value)) return ("text/plain", parameters);
        var pieces = SplitParameters(value);
        var type = pieces[0].Trim().ToLowerInvariant();
        foreach (var p in pieces.Skip(1))
        {
            int eq = p.IndexOf('=');
            if (eq <= 0) continue;
            var v = p[(eq + 1)..].Trim();
            if (v.Length >= 2 && v[0] == '"' && v[^1] == '"') v = v[1..^1].Replace("\\\"", "\"");
            parameters.TryAdd(p[..eq].Trim(), v);
        }
        return (type.Contains('/') ? type : "text/plain", parameters);
    }

    // Semicolons inside quoted parameter values do not separate parameters.
    private static List<string> SplitParameters(string value)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        foreach (var c in value)
        {
            if (c == '"') quoted = !quoted;
            if (c == ';' && !quoted) { result.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        result.Add(current.ToString());
        return result;
    }

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

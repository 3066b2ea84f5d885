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
public static partial class MimeText
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
}

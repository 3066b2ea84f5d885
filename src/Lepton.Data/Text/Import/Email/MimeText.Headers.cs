using System.Text;

namespace Lepton.Data.Text.Import.Email;

/// <summary>Header parsing: unfolding, Content-Type and its parameters.</summary>
public static partial class MimeText
{
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
}

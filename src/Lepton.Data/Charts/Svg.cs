using System.Globalization;
using System.Net;
using System.Text;

namespace Lepton.Data.Charts;

/// <summary>
/// What every chart of the module shares: number formats, HTML encoding, <c>data-*</c> attributes and the palette.
/// Lepton draws its charts as inline SVG written here rather than with a plotting library because pages (the dashboard,
/// evaluation reports, inspection) must stay self-contained, scriptless and readable back from the DOM (every drawn number
/// is also an attribute); the charts live in Lepton.Data because it is the lowest project that both the server (which
/// must not reference training) and the reports reference.
/// </summary>
public static class Svg
{
    /// <summary>Series colours, chosen to stay apart for common colour-vision deficiencies.</summary>
    public static IReadOnlyList<string> Palette { get; } = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2"];

    /// <summary>Text or attribute value, HTML-encoded.</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A coordinate with one decimal.</summary>
    public static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A value that reads back to the same double (for <c>data-*</c> attributes).</summary>
    public static string Exact(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A short axis-tick label: thousands as k and millions as M past 10,000 (-226k, 1.25M).</summary>
    public static string Tick(double v) =>
        Math.Abs(v) >= 1e6 ? (v / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M"
        : Math.Abs(v) >= 1e4 ? (v / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : Math.Abs(v) >= 1000 ? v.ToString("0", CultureInfo.InvariantCulture)
        : Math.Abs(v) >= 10 ? v.ToString("0.#", CultureInfo.InvariantCulture)
        : v.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Appends <c> data-key="value"</c> for each entry; keys must be lower-case letters, digits and dashes.</summary>
    public static StringBuilder AppendData(StringBuilder svg, IReadOnlyDictionary<string, string>? data)
    {
        if (data is null) return svg;
        foreach (var (key, value) in data)
        {
            if (key.Length == 0 || !key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
                throw new ArgumentException($"Chart data attribute '{key}' must be lower-case letters, digits and dashes (it becomes data-{key}).");
            svg.Append(" data-").Append(key).Append("=\"").Append(Encode(value)).Append('"');
        }
        return svg;
    }
}

using System.Globalization;
using System.Net;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>Small helpers for writing HTML by hand: encoding and invariant number formats.</summary>
public static class Html
{
    /// <summary>HTML-encodes text for element content and quoted attribute values.</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A fraction as a percentage with one decimal ("91.3%"), or a dash.</summary>
    public static string Percent(double? fraction) =>
        fraction is { } f && double.IsFinite(f) ? (f * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";

    /// <summary>A number with up to <paramref name="decimals"/> decimals, or a dash.</summary>
    public static string Number(double? value, int decimals = 2) =>
        value is { } v && double.IsFinite(v) ? v.ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture) : "–";

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A UTC time as "2025-01-31 14:05:09Z", or a dash.</summary>
    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z" : "–";

    /// <summary>A duration as "3d 4h", "2h 5m", "4m 10s" or "12s".</summary>
    public static string Duration(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes}m"
        : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m {span.Seconds}s"
        : $"{(int)span.TotalSeconds}s";

    /// <summary>An id for an anchor made of letters, digits and dashes only.</summary>
    public static string Anchor(string name) =>
        "model-" + new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
}

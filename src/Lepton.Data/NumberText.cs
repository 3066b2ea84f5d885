using System.Globalization;

namespace Lepton.Data;

/// <summary>
/// Scores and values as people read them in terminals and reports: four or five significant digits with thousands grouped
/// (an RMSE of 26,208 rather than 26208.1828, an accuracy of 0.9580), the invariant culture, and "–" for NaN or infinity.
/// </summary>
public static class NumberText
{
    /// <summary>A score with a fixed count of decimals for its size, so a column of them lines up (0.9500, 26,208).</summary>
    public static string Readable(double value) => Format(value, ["N0", "N1", "F2", "F3", "F4"]);

    /// <summary>A data value without trailing zeros (135, 1,492.1, 3.0107): minima, maxima and means of a column.</summary>
    public static string Value(double value) => Format(value, ["#,0", "#,0.#", "0.##", "0.###", "0.####"]);

    /// <summary>A p-value: three decimals, or one significant digit in e-notation below 0.001 (4.0e-5).</summary>
    public static string PValue(double p) =>
        p < 0.001 ? p.ToString("0.0e0", CultureInfo.InvariantCulture) : p.ToString("0.###", CultureInfo.InvariantCulture);

    // formats: for |v| >= 10,000, >= 1,000, >= 100, >= 10 and below.
    private static string Format(double value, string[] formats)
    {
        if (!double.IsFinite(value)) return "–";
        double a = Math.Abs(value);
        int tier = a >= 10_000 ? 0 : a >= 1000 ? 1 : a >= 100 ? 2 : a >= 10 ? 3 : 4;
        return value.ToString(formats[tier], CultureInfo.InvariantCulture);
    }
}

using System.Globalization;

namespace Lepton.Data.Tables;

/// <summary>A row's weight as a logged or stored row holds it (a weight column's cell): a number, or numeric text, of 0 or more.</summary>
public static class RowWeight
{
    /// <summary>The weight in <paramref name="value"/>, or null when it is missing, not a number, negative or not finite.</summary>
    public static double? Read(object? value)
    {
        double w = value switch
        {
            double d => d,
            float f => f,
            long l => l,
            int n => n,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
            _ => double.NaN,
        };
        return double.IsFinite(w) && w >= 0 ? w : null;
    }
}

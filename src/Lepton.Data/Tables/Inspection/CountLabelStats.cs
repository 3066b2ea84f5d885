namespace Lepton.Data.Tables.Inspection;

/// <summary>
/// A number label that looks like counts (whole numbers from 0, not all 0, mean under 100: units sold, visits, claims), for
/// which inspect and train name the Poisson loss: how many values, the share of zeros, the largest and the mean.
/// </summary>
public sealed record CountLabelStats(int Rows, double ZeroShare, double Max, double Mean)
{
    /// <summary>The stats of <paramref name="values"/> (missing values left out) when they look like counts, else null.</summary>
    public static CountLabelStats? Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = 0, zeros = 0;
        double sum = 0, max = 0;
        foreach (var y in values)
        {
            if (double.IsNaN(y)) continue;
            if (y < 0 || y != Math.Floor(y)) return null;
            n++;
            sum += y;
            max = Math.Max(max, y);
            if (y == 0) zeros++;
        }
        return n == 0 || max == 0 || sum / n >= 100 ? null : new CountLabelStats(n, (double)zeros / n, max, sum / n);
    }
}

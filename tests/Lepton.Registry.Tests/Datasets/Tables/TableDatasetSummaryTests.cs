using Lepton.Data.Tables.Columns;
using Lepton.Registry.Datasets.Tables;

namespace Lepton.Registry.Tests.Datasets.Tables;

/// <summary>The statistics' distinct count of a numeric column, taken from bits, equals the count of its canonical texts.</summary>
public sealed class TableDatasetSummaryTests
{
    [Fact]
    public void DistinctNumbers_MixedValues_SameAsDistinctCanonicalTexts()
    {
        var rng = new Random(5);
        var values = new double[20_000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = rng.Next(8) switch
            {
                0 => double.NaN,
                1 => rng.Next(300),                       // small non-negative integers: the bitmap
                2 => rng.Next(70_000),                    // integers past the bitmap
                3 => -rng.Next(50),                       // negative integers, -0 among them
                4 => 0.0,
                5 => -0.0,
                6 => Math.Round(rng.NextDouble() * 10, 2),
                _ => rng.NextDouble() * 1e20,
            };
        }
        var column = new NumericColumn("x", values);
        var texts = new HashSet<string>(StringComparer.Ordinal);
        for (int r = 0; r < column.Length; r++) if (column.Format(r) is { } t) texts.Add(t);
        Assert.Contains("-0", texts);
        Assert.Equal(texts.Count, TableDatasetSummary.DistinctNumbers(values));
    }

    [Fact]
    public void DistinctNumbers_OnlyMissing_Zero() => Assert.Equal(0, TableDatasetSummary.DistinctNumbers([double.NaN, double.NaN]));
}

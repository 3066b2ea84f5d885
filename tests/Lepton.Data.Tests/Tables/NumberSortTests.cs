using Lepton.Data.Tables.Inspection;

namespace Lepton.Data.Tests.Tables;

/// <summary>The counting sort of small integers gives the array <see cref="Array.Sort(Array)"/> gives, and other values still sort.</summary>
public sealed class NumberSortTests
{
    public static TheoryData<string> Kinds => ["pixels", "wide", "mixed", "negative-zero", "fractions", "nan", "tiny"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Sort_Values_SameBitsAsArraySort(string kind)
    {
        var rng = new Random(kind.Length);
        int n = kind == "tiny" ? 10 : 5000;
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = kind switch
            {
                "pixels" => rng.Next(256),
                "wide" => rng.Next(1 << 20),
                "mixed" => rng.Next(10) == 0 ? rng.NextDouble() : rng.Next(100),
                "negative-zero" => rng.Next(3) == 0 ? -0.0 : rng.Next(5),
                "fractions" => Math.Round(rng.NextDouble() * 10, 1),
                "nan" => rng.Next(20) == 0 ? double.NaN : rng.Next(50),
                _ => rng.Next(4),
            };
        }
        var expected = (double[])values.Clone();
        Array.Sort(expected);
        NumberSort.Sort(values);
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), values.Select(BitConverter.DoubleToInt64Bits));
    }
}

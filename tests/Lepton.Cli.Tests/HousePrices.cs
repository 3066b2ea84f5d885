using System.Globalization;
using System.Text;

namespace Lepton.Cli.Tests;

/// <summary>A test-made table of house prices: price = 3 × size + 40 on the "city" side + noise, plus what a test plants per row.</summary>
internal static class HousePrices
{
    /// <summary>Writes <c>houses.csv</c> (house_id, size, side, price) under <paramref name="root"/>; <paramref name="planted"/> adds to row i's price given its size.</summary>
    public static string Csv(string root, int rows, int seed, Func<int, double, double>? planted = null)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder("house_id,size,side,price\n");
        for (int i = 0; i < rows; i++)
        {
            double size = Math.Round(40 + rng.NextDouble() * 120, 1);
            string side = rng.Next(2) == 0 ? "city" : "farm";
            double price = 3 * size + (side == "city" ? 40 : 0) + (rng.NextDouble() - 0.5) * 10 + (planted?.Invoke(i, size) ?? 0);
            sb.Append(CultureInfo.InvariantCulture, $"H{i},{size.ToString(CultureInfo.InvariantCulture)},{side},{Math.Round(price, 2).ToString(CultureInfo.InvariantCulture)}\n");
        }
        string path = Path.Combine(root, "houses.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }
}

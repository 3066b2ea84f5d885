using System.Globalization;
using System.Text;

namespace Lepton.Data.Tests.Tables;

/// <summary>
/// CSV tables with known problems planted at known rows, and clean columns beside them, for the inspection tests:
/// everything is drawn from a seeded generator, so the tables are the same on every run.
/// </summary>
internal static class PlantedTables
{
    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Normal(0, 1) by Box-Muller from <paramref name="rng"/>.</summary>
    public static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>
    /// 300 rows. Planted: 'id' an identifier; 'bonus' missing in every odd row; 'constant' one value; 'mostly_zero'
    /// 0 except row 10; 'color' with 'magenta' once (row 77); 'leak' a copy of the label; 'age' 4000 in row 50;
    /// row 300 a copy of row 5 (its own id); row 299 row 6's features with the other label.
    /// Clean: age (otherwise), city, flag, label.
    /// </summary>
    public static string Problems()
    {
        var rng = new Random(42);
        var rows = new List<string[]>();
        string[] colors = ["red", "green", "blue"];
        for (int r = 1; r <= 300; r++)
        {
            string label = rng.NextDouble() < 0.5 ? "yes" : "no";
            double age = 40 + 10 * Normal(rng);
            double bonus = 1000 + 200 * Normal(rng);
            rows.Add(
            [
                r.ToString(CultureInfo.InvariantCulture),
                r == 50 ? "4000" : F(age),
                r % 2 == 1 ? "" : F(bonus),
                new[] { "Paris", "Lyon", "Nice" }[(r * 7) % 3],
                r == 77 ? "magenta" : colors[rng.Next(3)],
                rng.NextDouble() < 0.5 ? "true" : "false",
                "x",
                r == 10 ? "1" : "0",
                "L_" + label,
                label,
            ]);
        }
        rows[299] = [.. rows[4]];
        rows[299][0] = "300";
        rows[298] = [.. rows[5]];
        rows[298][0] = "299";
        rows[298][9] = rows[5][9] == "yes" ? "no" : "yes";
        return Csv("id,age,bonus,city,color,flag,constant,mostly_zero,leak,label", rows);
    }

    /// <summary>
    /// 400 rows whose test split is every fifth row (row 5, 10, ...). Planted: 'drift' shifted by +3 standard deviations in
    /// test; 'channel' mostly 'd' in test and never 'd' in train. Clean: x, kind, label.
    /// </summary>
    public static string Shift()
    {
        var rng = new Random(7);
        var rows = new List<string[]>();
        for (int r = 1; r <= 400; r++)
        {
            bool test = r % 5 == 0;
            rows.Add(
            [
                F(Normal(rng)),
                F(Normal(rng) + (test ? 3 : 0)),
                test && rng.NextDouble() < 0.8 ? "d" : new[] { "a", "b", "c" }[rng.Next(3)],
                new[] { "p", "q", "r" }[rng.Next(3)],
                rng.NextDouble() < 0.5 ? "yes" : "no",
            ]);
        }
        return Csv("x,drift,channel,kind,label", rows);
    }

    private static string Csv(string header, List<string[]> rows)
    {
        var sb = new StringBuilder(header).Append('\n');
        foreach (var row in rows) sb.Append(string.Join(",", row)).Append('\n');
        return sb.ToString();
    }
}

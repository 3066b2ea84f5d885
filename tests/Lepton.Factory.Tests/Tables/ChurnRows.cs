using System.Globalization;
using System.Text;

namespace Lepton.Factory.Tests.Tables;

/// <summary>
/// A synthetic churn table with the columns that make tables hard: an identifier, a numeric column with missing values, a
/// categorical plan, a sign-up date-time, a monthly charge, and the label. Churn follows plan, age and charge, so a tree model
/// learns it; <c>chargeShift</c> moves one column for drift tests; <c>newMarket</c> draws customers from a price range training
/// never saw (100 to 160 a month) where churn follows another rule (team plans leave), for the loop.
/// </summary>
internal sealed record ChurnRow(string Id, double? Age, string Plan, DateTime Signup, double Monthly, string Churn)
{
    public static IReadOnlyList<ChurnRow> Make(int count, int seed, double chargeShift = 0, bool newMarket = false, int idOffset = 0)
    {
        var rng = new Random(seed);
        string[] plans = ["basic", "pro", "team"];
        var rows = new List<ChurnRow>(count);
        for (int i = 0; i < count; i++)
        {
            double? age = rng.NextDouble() < 0.1 ? null : 18 + rng.Next(60);
            string plan = plans[rng.Next(3)];
            var signup = new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(rng.Next(3 * 365 * 24));
            double monthly = Math.Round(newMarket ? 100 + rng.NextDouble() * 60 : 20 + rng.NextDouble() * 60, 2);
            double risk = (plan == "basic" ? 1.2 : 0) + (age is < 30 ? 0.8 : 0) + (monthly > 60 ? 0.9 : 0) + rng.NextDouble() * 0.8;
            bool churns = newMarket ? plan == "team" : risk > 1.2;
            rows.Add(new ChurnRow($"c{idOffset + i:D6}", age, plan, signup, monthly + chargeShift, churns ? "yes" : "no"));
        }
        return rows;
    }

    /// <summary>
    /// Imports <paramref name="count"/> rows as data set <c>customers</c> with every fourth row a test row (a split column kept as
    /// the version's split), so each model is scored on the same held-out customers; returns the version's reference (NAME@V).
    /// </summary>
    public static async Task<string> ImportSplitAsync(Lepton.Registry.ModelRegistry registry, string root, int count, int seed)
    {
        string csv = Path.Combine(root, "customers.csv");
        var lines = Csv(Make(count, seed)).TrimEnd('\n').Split('\n');
        await File.WriteAllLinesAsync(csv, lines.Select((line, i) => line + (i == 0 ? ",split" : i % 4 == 0 ? ",test" : ",train")));
        var import = await Lepton.Registry.Datasets.Tables.TableDatasets.ImportAsync(registry.Store, registry.Artifacts, csv, "customers",
            new Lepton.Registry.Datasets.Tables.TableImportOptions(LabelColumn: "churn", SplitColumn: "split"), "test");
        return $"customers@{import.Version.Version}";
    }

    public static string Csv(IEnumerable<ChurnRow> rows)
    {
        var csv = new StringBuilder("customer_id,age,plan,signup,monthly,churn\n");
        foreach (var r in rows)
            csv.Append(CultureInfo.InvariantCulture, $"{r.Id},{(r.Age is { } a ? a.ToString(CultureInfo.InvariantCulture) : "")},{r.Plan},{r.Signup:yyyy-MM-ddTHH:mm:ssZ},{r.Monthly.ToString(CultureInfo.InvariantCulture)},{r.Churn}\n");
        return csv.ToString();
    }

    /// <summary>The row as a client sends it to /predict: every column but the label, the id included (the server ignores it).</summary>
    public string Json() => string.Create(CultureInfo.InvariantCulture,
        $$"""{"customer_id":"{{Id}}","age":{{(Age is { } a ? a.ToString(CultureInfo.InvariantCulture) : "null")}},"plan":"{{Plan}}","signup":"{{Signup:yyyy-MM-ddTHH:mm:ssZ}}","monthly":{{Monthly}}}""");
}

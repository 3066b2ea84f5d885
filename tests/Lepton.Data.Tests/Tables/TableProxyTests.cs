using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Inspection;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tests.Tables;

/// <summary>
/// <c>lepton data inspect --sensitive</c>: a postcode that mostly tells whether an applicant rents, and a job tenure that follows age,
/// stand in for the sensitive columns; an unrelated income does not; a bad sensitive column is refused by name.
/// </summary>
public sealed class TableProxyTests
{
    private static Table Applicants(int n = 600, int seed = 3)
    {
        var rng = new Random(seed);
        var home = new string?[n];
        var zip = new string?[n];
        var age = new double[n];
        var tenure = new double[n];
        var income = new double[n];
        var id = new string?[n];
        var approved = new string?[n];
        for (int i = 0; i < n; i++)
        {
            bool rent = rng.NextDouble() < 0.4;
            home[i] = rent ? "rent" : "own";
            // Nine in ten renters live in the two city postcodes, nine in ten owners in the three suburban ones.
            bool typical = rng.NextDouble() < 0.9;
            zip[i] = (rent == typical) ? $"C{rng.Next(2)}" : $"S{rng.Next(3)}";
            age[i] = 21 + rng.Next(50);
            tenure[i] = Math.Max(0, age[i] - 21 - rng.Next(6));
            income[i] = 20 + rng.NextDouble() * 80;
            id[i] = $"A{i:D4}";
            approved[i] = rng.NextDouble() < 0.5 ? "yes" : "no";
        }
        return new Table([
            new StringColumn("applicant", ColumnKind.Identifier, id), new StringColumn("home", ColumnKind.Categorical, home),
            new StringColumn("zip", ColumnKind.Categorical, zip), new NumericColumn("age", age), new NumericColumn("tenure", tenure),
            new NumericColumn("income", income), new StringColumn("approved", ColumnKind.Categorical, approved),
        ]);
    }

    private static TableSchema Schema(Table t) => new TableSchema([], LabelColumn: "approved").WithColumnsOf(t);

    [Fact]
    public void ColumnsThatCarryASensitiveOne_AreProxyFindings_AndOthersAreNot()
    {
        var table = Applicants();
        var report = TableInspector.Inspect(table, Schema(table), options: new TableInspectionOptions { Sensitive = ["home", "age"] });
        var proxies = report.Findings.Where(f => f.Kind == TableInspectionKinds.ProxyColumn).ToList();
        Assert.Equal(["zip:home", "tenure:age"], proxies.Select(f => $"{f.Columns[0]}:{f.Columns[1]}"));
        Assert.Contains("'zip' may stand in for 'home': alone it tells 'home' for", proxies[0].Message, StringComparison.Ordinal);
        Assert.Contains("compare its answers with lepton eval --groups home", proxies[0].Message, StringComparison.Ordinal);
        Assert.Contains("its correlation with 'age' is 0.9", proxies[1].Message, StringComparison.Ordinal);
        // Without sensitive columns, nothing is looked for.
        Assert.DoesNotContain(TableInspector.Inspect(table, Schema(table)).Findings, f => f.Kind == TableInspectionKinds.ProxyColumn);
    }

    [Fact]
    public void ThePostcodeRemovesMostOfTheErrorsOfGuessingHome_AWeakerOneIsNotReported()
    {
        var table = Applicants();
        var strict = TableInspector.Inspect(table, Schema(table), options: new TableInspectionOptions(ProxyScore: 0.9) { Sensitive = ["home"] });
        Assert.DoesNotContain(strict.Findings, f => f.Kind == TableInspectionKinds.ProxyColumn);
    }

    [Theory]
    [InlineData("region", "--sensitive names 'region', which the table does not have")]
    [InlineData("applicant", "--sensitive names 'applicant', a column of kind identifier")]
    public void ABadSensitiveColumn_IsRefusedByName(string column, string message)
    {
        var table = Applicants(50);
        var e = Assert.Throws<ArgumentException>(() => TableInspector.Inspect(table, Schema(table), options: new TableInspectionOptions { Sensitive = [column] }));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}

using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tests.Tables;

/// <summary>A mistyped column name is answered with the column it most likely meant, and only then.</summary>
public sealed class ColumnNameSuggestionTests : IDisposable
{
    private readonly TableFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly string[] Columns = ["Kunde", "Größe", "kündigt", "monthly_fee", "plan"];

    [Theory]
    [InlineData("kuendigt", " Did you mean 'kündigt'?")]
    [InlineData("KUNDE", " Did you mean 'Kunde'?")]
    [InlineData("monthly fee", " Did you mean 'monthly_fee'?")]
    [InlineData("monthlyfe", " Did you mean 'monthly_fee'?")]
    [InlineData("groesse", " Did you mean 'Größe'?")]
    [InlineData("plan", "")]
    [InlineData("revenue", "")]
    [InlineData("x", "")]
    public void For_Name_SuggestsOnlyACloseColumn(string name, string expected) =>
        Assert.Equal(expected, ColumnNameSuggestion.For(name, Columns));

    [Fact]
    public void ALabelColumnMisspelt_ErrorSuggestsTheColumn()
    {
        var table = TableReader.Read(_files.Write("t.csv", "Kunde,kündigt\n" + string.Concat(Enumerable.Range(0, 5).Select(i => $"K{i},ja\n"))));
        var e = Assert.Throws<ArgumentException>(() => TableRoles.Apply(table, "kuendigt"));
        Assert.EndsWith("its columns are 'Kunde', 'kündigt'. Did you mean 'kündigt'?", e.Message);
    }
}

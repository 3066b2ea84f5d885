using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Reports.Tables;
using Lepton.Runtime.Tables;

namespace Lepton.Reports.Tests;

/// <summary>The table-level entry of group comparisons: which models and options it takes, and the one-line verdicts it prints.</summary>
public sealed class TableFairnessTests
{
    private static Table Rows(int n) => new([new StringColumn("home", ColumnKind.Categorical, [.. Enumerable.Range(0, n).Select(i => i % 2 == 0 ? "rent" : "own")])]);

    [Fact]
    public void Decisions_RefuseAModelOfSeveralClasses_AndAFavorableClassItDoesNotHave()
    {
        var rows = Rows(60);
        int[] predicted = [.. Enumerable.Range(0, 60).Select(i => i % 3)];
        var e = Assert.Throws<ArgumentException>(() => TableFairness.Decisions(new GroupOptions(["home"]), rows, ["a", "b", "c"], predicted, predicted));
        Assert.Contains("this model has 3 classes", e.Message, StringComparison.Ordinal);
        int[] yesNo = [.. Enumerable.Range(0, 60).Select(i => i % 2)];
        e = Assert.Throws<ArgumentException>(() => TableFairness.Decisions(new GroupOptions(["home"], "maybe"), rows, ["no", "yes"], yesNo, yesNo));
        Assert.Contains("--favorable names 'maybe'", e.Message, StringComparison.Ordinal);
        Assert.Empty(TableFairness.Decisions(GroupOptions.None, rows, ["a", "b", "c"], predicted, predicted));
    }

    [Fact]
    public void Verdicts_SayWhetherTheFourFifthsRuleHolds_AndWhenGroupsAreTooFewToJudge()
    {
        var rows = Rows(80);
        // Renters (even rows) are never given "yes", owners always: ratio 0.
        int[] predicted = [.. Enumerable.Range(0, 80).Select(i => i % 2)];
        var d = TableFairness.Decisions(new GroupOptions(["home"]), rows, ["no", "yes"], predicted, predicted).Single();
        Assert.Equal("'home', 'yes' given to 0.0%-100.0% of a group: selection ratio 0.000 (under 0.8: fails the four-fifths rule), chi-square p < 0.0001; " +
                     "equal opportunity difference –, equalized odds difference –.", GroupFairnessView.Verdict(d));
        var few = TableFairness.Decisions(new GroupOptions(["home"], MinRows: 50), rows, ["no", "yes"], predicted, predicted).Single();
        Assert.Equal("'home': fewer than two groups have 50 rows or more; too few to compare.", GroupFairnessView.Verdict(few));
        Assert.False(few.FailsFourFifths);
    }

    [Fact]
    public void GroupOptions_ParseCommasAndRefuseBlanksRepeatsAndAStrayFavorable()
    {
        Assert.Equal(["home", "age", "plan"], GroupOptions.Parse(["home, age", "plan"], null, 30).Columns);
        Assert.Throws<ArgumentException>(() => GroupOptions.Parse(["home,"], null, 30));
        Assert.Throws<ArgumentException>(() => GroupOptions.Parse(["home", "home"], null, 30));
        Assert.Throws<ArgumentException>(() => GroupOptions.Parse([], "yes", 30));
        Assert.Throws<ArgumentException>(() => GroupOptions.Parse(["home"], null, 0));
    }
}

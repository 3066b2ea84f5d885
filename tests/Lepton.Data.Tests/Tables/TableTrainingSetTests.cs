using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Encoding;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tests.Tables;

/// <summary>A split table encoded for a learner: fitted on train only, unlabelled and unseen-class rows left out.</summary>
public sealed class TableTrainingSetTests
{
    [Fact]
    public void Build_SplitTable_TrainFittedEncodersAndEverySplitEncoded()
    {
        var table = new Table(
        [
            new NumericColumn("x", [1, 2, 3, 4, 100, 6]),
            new StringColumn("id", ColumnKind.Identifier, ["a", "b", "c", "d", "e", "f"]),
            new StringColumn("y", ColumnKind.Categorical, ["p", "q", null, "p", "q", "r"]),
        ], [11, 12, 13, 14, 15, 16]);
        var splits = new TableSplits(["train", "train", "train", "train", "test", "test"], new int?[6]);
        var set = TableTrainingSet.Build(table, TableRoles.Apply(table, "y"), splits, new EncoderOptions(EncoderMode.Linear));
        Assert.Equal(["x"], set.Encoders.FeatureNames);
        Assert.Equal(["p", "q"], set.Labels.Classes);
        Assert.Equal([11, 12, 14], set.Train.RowNumbers);
        Assert.Equal([0f, 1f, 0f], set.Train.Labels);
        Assert.Equal(3, set.Train.Features.Rows);
        // Row 16's class 'r' was never seen in training: left out of test.
        Assert.Equal([15], set.Test!.RowNumbers);
        Assert.Null(set.Validation);
        var x = (NumericEncoder)set.Encoders.Encoders[0];
        Assert.Equal(7.0 / 3, x.Mean, 12);
    }

    [Fact]
    public void Build_TimeColumn_TrainingRowsOldestFirstAndMarkedTimeOrdered()
    {
        var table = new Table(
        [
            new DateTimeColumn("at", [new DateTime(2024, 3, 1), null, new DateTime(2024, 1, 1), new DateTime(2024, 2, 1), new DateTime(2024, 1, 1)]),
            new NumericColumn("x", [1, 2, 3, 4, 5]),
            new NumericColumn("y", [10, 20, 30, 40, 50]),
        ], [1, 2, 3, 4, 5]);
        var set = TableTrainingSet.Build(table, TableRoles.Apply(table, "y", TableTask.Regression, time: "at"), null);
        // The row without a time first, then by time, ties in table order.
        Assert.Equal([2, 3, 5, 4, 1], set.Train.RowNumbers);
        Assert.Equal([20f, 30f, 50f, 40f, 10f], set.Train.Labels);
        Assert.True(set.Train.Features.TimeOrdered);
        Assert.False(TableTrainingSet.Build(table, TableRoles.Apply(table, "y", TableTask.Regression), null).Train.Features.TimeOrdered);
        Assert.Null(set.Train.Features.Groups);
    }

    [Fact]
    public void Build_GroupColumn_EachTrainingRowCarriesItsGroup()
    {
        var table = new Table(
        [
            new StringColumn("customer", ColumnKind.Categorical, ["a", "b", "a", null, "c", "b"]),
            new NumericColumn("x", [1, 2, 3, 4, 5, 6]),
            new NumericColumn("y", [10, 20, 30, 40, 50, 60]),
        ]);
        var set = TableTrainingSet.Build(table, TableRoles.Apply(table, "y", TableTask.Regression, group: "customer"), null);
        // Codes in order of first appearance; the row without a customer is a group of its own.
        Assert.Equal([0, 1, 0, 2, 3, 1], set.Train.Features.Groups);
        Assert.Equal(["x"], set.Encoders.FeatureNames);
    }

    [Fact]
    public void Build_OnlyAnIdentifierBesideTheLabel_RefusedNamingItAndTheWayOut()
    {
        var table = new Table([new StringColumn("id", ColumnKind.Identifier, ["a", "b", "c"]), new StringColumn("y", ColumnKind.Categorical, ["p", "q", "p"])]);
        var e = Assert.Throws<ArgumentException>(() => TableTrainingSet.Build(table, TableRoles.Apply(table, "y"), null));
        Assert.Contains("no column to learn from: 'id' (identifier) is not", e.Message);
        Assert.Contains("--schema", e.Message);
    }

    [Fact]
    public void Build_NoLabel_Refused()
    {
        var table = new Table([new NumericColumn("x", [1, 2])]);
        var e = Assert.Throws<ArgumentException>(() => TableTrainingSet.Build(table, TableSchema.Empty, null));
        Assert.Contains("label column", e.Message);
    }
}

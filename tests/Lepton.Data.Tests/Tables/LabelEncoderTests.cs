using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Encoding;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tests.Tables;

/// <summary>Labels as learners take them.</summary>
public sealed class LabelEncoderTests
{
    [Fact]
    public void Fit_Classification_OrdinalClassesAndIndicesNaNForMissingAndUnseen()
    {
        var train = new Table([new StringColumn("y", ColumnKind.Categorical, ["b", "a", null, "b"])]);
        var enc = LabelEncoder.Fit(train, TableRoles.Apply(train, "y"));
        Assert.Equal(["a", "b"], enc.Classes);
        var y = enc.Encode(new Table([new StringColumn("y", ColumnKind.Categorical, ["a", "b", null, "c"])]));
        Assert.Equal((0f, 1f), (y[0], y[1]));
        Assert.True(float.IsNaN(y[2]) && float.IsNaN(y[3]));
    }

    [Fact]
    public void Fit_Regression_Values()
    {
        var train = new Table([new NumericColumn("y", [0.5, 1.25, 3.5])]);
        var enc = LabelEncoder.Fit(train, TableRoles.Apply(train, "y"));
        Assert.Equal(TableTask.Regression, enc.Task);
        Assert.Equal([0.5f, 1.25f, 3.5f], enc.Encode(train));
    }
}

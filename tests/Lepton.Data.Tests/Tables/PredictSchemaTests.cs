using Lepton.Data.Tables.Encoding;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tests.Tables;

/// <summary>
/// Training and predicting through files: a small predict file read with the encoders' input schema pinned encodes like
/// the same rows sent as request objects, even where inference alone would have read its columns differently.
/// </summary>
public sealed class PredictSchemaTests : IDisposable
{
    private readonly TableFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Transform_PredictFileReadWithInputSchema_SameBitsAsRequestRows()
    {
        var train = TableReader.Read(_files.Write("train.csv",
            "zip,size,when,y\n02134,1.5,2024-01-01,a\n10001,2.5,2024-02-01,b\nA1B,3,2024-03-01,a\n02134,4,2024-04-01,b\n"));
        var set = EncoderSet.FitOnTrain(train, TableRoles.Apply(train, "y"), options: new EncoderOptions(EncoderMode.Linear));
        // Alone, this file's zip column would read as numbers (losing the leading zero) and 'when' is missing a value.
        var predictPath = _files.Write("predict.csv", "zip,size,when\n02134,2,\n99999,,2024-05-05\n");
        Assert.Equal(Lepton.Data.Tables.Columns.ColumnKind.Numeric, TableReader.Read(predictPath)["zip"].Kind);
        var fromFile = set.Transform(TableReader.Read(predictPath, set.InputSchema));
        var fromRows = set.Transform([
            new Dictionary<string, object?> { ["zip"] = "02134", ["size"] = 2, ["when"] = null },
            new Dictionary<string, object?> { ["zip"] = "99999", ["when"] = "2024-05-05" },
        ]);
        Assert.Equal(fromRows.Values.Select(BitConverter.SingleToInt32Bits), fromFile.Values.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(1f, fromFile.Row(0)[set.FeatureNames.ToList().IndexOf("zip=02134")]);
        Assert.Equal(1f, fromFile.Row(1)[set.FeatureNames.ToList().IndexOf("zip=<unknown>")]);
    }
}

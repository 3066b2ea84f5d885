using System.Text.Json;
using Lepton.Cli.Rendering;
using Lepton.NN.Tasks;

namespace Lepton.Cli.Tests;

/// <summary>Scored rows written back: each task's answer columns after the input's, quoting, missing cells, and name clashes refused.</summary>
public sealed class TableAnswerFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("table-answer-file").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly object?[][] Cells = [["x,1", 2.5], [null, double.NaN]];

    private static object? Value(int r, string c) => Cells[r][c == "name" ? 0 : 1];

    [Fact]
    public void Multiclass_WritesThePredictionItsProbabilityAndEveryClassInNameOrder()
    {
        string path = Path.Combine(_root, "m.csv");
        TableAnswerFile.Write(path, ["name", "size"], 2, Value,
        [
            new ClassAnswer([new("dog", 0.7), new("cat", 0.2), new("ant", 0.1)]),
            new ClassAnswer([new("cat", 0.5), new("ant", 0.3), new("dog", 0.2)]),
        ]);
        Assert.Equal(["name,size,prediction,probability,p_ant,p_cat,p_dog", "\"x,1\",2.5,dog,0.7,0.1,0.2,0.7", ",,cat,0.5,0.3,0.5,0.2"], File.ReadAllLines(path));
    }

    [Fact]
    public void ASemicolonStyle_WritesSemicolonsAndDecimalCommas_QuotingOnlyWhatHoldsASemicolon()
    {
        string path = Path.Combine(_root, "de.csv");
        object?[][] cells = [["a;b", 2.5], ["x,1", double.NaN]];
        TableAnswerFile.Write(path, ["name", "size"], 2, (r, c) => cells[r][c == "name" ? 0 : 1],
            [new BinaryAnswer("ja", 0.75, true), new BinaryAnswer("nein", 0.125, false)], style: new CsvStyle(';', DecimalComma: true));
        Assert.Equal(["name;size;prediction;probability", "\"a;b\";2,5;ja;0,75", "x,1;;nein;0,125"], File.ReadAllLines(path));
    }

    [Fact]
    public void ExtraColumns_ComeAfterTheAnswer()
    {
        string path = Path.Combine(_root, "e.csv");
        TableAnswerFile.Write(path, ["name"], 1, Value, [new ClassAnswer([new("dog", 0.7), new("cat", 0.3)])], [("contribution_size", r => -0.25)]);
        Assert.Equal(["name,prediction,probability,p_cat,p_dog,contribution_size", "\"x,1\",dog,0.7,0.3,0.7,-0.25"], File.ReadAllLines(path));
    }

    [Fact]
    public void Regression_OneValueIsThePrediction_SeveralAreNamed_AndJsonKeepsTypes()
    {
        string one = Path.Combine(_root, "r.json");
        TableAnswerFile.Write(one, ["name", "size"], 2, Value, [new RegressionAnswer([new("y", 1.5)]), new RegressionAnswer([new("y", -2)])]);
        var rows = JsonDocument.Parse(File.ReadAllText(one)).RootElement;
        Assert.Equal(1.5, rows[0].GetProperty("prediction").GetDouble());
        Assert.Equal("x,1", rows[0].GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("size").ValueKind);

        string two = Path.Combine(_root, "r.csv");
        TableAnswerFile.Write(two, ["name"], 1, Value, [new RegressionAnswer([new("low", 1), new("high", 3)])]);
        Assert.Equal("name,prediction_low,prediction_high", File.ReadAllLines(two)[0]);
    }

    [Fact]
    public void AnInputColumnNamedLikeAnAnswerColumn_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => TableAnswerFile.Write(Path.Combine(_root, "c.csv"), ["prediction"], 1, (_, _) => 1.0,
            [new BinaryAnswer("yes", 0.9, true)]));
        Assert.Contains("already has a column 'prediction'", e.Message);
        Assert.False(File.Exists(Path.Combine(_root, "c.csv")));
    }
}

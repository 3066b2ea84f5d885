using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Encoding;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Runtime.Tables;

namespace Lepton.Runtime.Tests.Tables;

/// <summary>
/// The table front of a served model: encoders.json checked against the model's input, contributions of one-hot, date-time and
/// missing-indicator features summed back to their raw column (against a plain per-feature reference), and the NaN rule of the
/// single-tensor form.
/// </summary>
public sealed class TableInputEncoderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lepton-table-encoder").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private EncoderSet Fit(EncoderMode mode)
    {
        var table = new Table([
            new NumericColumn("age", [30, double.NaN, 50, 41]),
            new StringColumn("plan", ColumnKind.Categorical, ["basic", "pro", "team", "pro"]),
            new DateTimeColumn("signup", [new DateTime(2023, 1, 2, 0, 0, 0, DateTimeKind.Utc), null, new DateTime(2024, 5, 6, 0, 0, 0, DateTimeKind.Utc), new DateTime(2022, 3, 4, 0, 0, 0, DateTimeKind.Utc)]),
        ]);
        var set = EncoderSet.Fit(table, ["age", "plan", "signup"], new EncoderOptions(mode, MissingIndicators: true));
        set.Save(Path.Combine(_folder, EncoderSet.FileName));
        return set;
    }

    private static PredictorSignature Signature(int features, int outputs, IReadOnlyList<string> classes) => outputs == 1
        ? new PredictorSignature([new TensorSignature("features", DType.Float32, [features])], [new TensorSignature("logits", DType.Float32, [1])], OutputKind.TaskAnswers,
            classes, new TaskSpec(TaskKind.Binary))
        : new PredictorSignature([new TensorSignature("features", DType.Float32, [features])], [new TensorSignature("logits", DType.Float32, [outputs])], OutputKind.ClassLogits, classes);

    /// <summary>A predictor whose contribution of feature j to output k of row r is (r + 1) * (j + 1) * (k + 1), bias 0.5 * (k + 1).</summary>
    private sealed class KnownContributions(int outputs, PredictorSignature signature) : IPredictor, IFeatureContributor
    {
        public string Kind => "known";

        public PredictorSignature Signature => signature;

        public Tensor Preprocess(int input, Tensor raw) => raw;

        public TensorSet Predict(TensorSet inputs) => throw new NotSupportedException();

        public FeatureContributions Contributions(FeatureMatrix rows)
        {
            int f = rows.Columns;
            var values = new double[rows.Rows * outputs * (f + 1)];
            for (int r = 0; r < rows.Rows; r++)
                for (int k = 0; k < outputs; k++)
                {
                    int at = (r * outputs + k) * (f + 1);
                    for (int j = 0; j < f; j++) values[at + j] = (r + 1) * (j + 1) * (k + 1);
                    values[at + f] = 0.5 * (k + 1);
                }
            return new FeatureContributions(rows.Rows, outputs, rows.FeatureNames, values);
        }

        public void Dispose() { }
    }

    [Theory]
    [InlineData(EncoderMode.Linear, 3)]
    [InlineData(EncoderMode.Trees, 1)]
    public void Contributions_SumEveryEncodedFeatureIntoItsRawColumn(EncoderMode mode, int outputs)
    {
        var set = Fit(mode);
        string[] classes = outputs == 1 ? ["stay", "churn"] : ["a", "b", "c"];
        var signature = Signature(set.FeatureNames.Count, outputs, classes);
        var encoder = TableInputEncoder.TryLoad(_folder, signature)!;
        Assert.Equal([("age", "FP64"), ("plan", "BYTES"), ("signup", "BYTES")], encoder.Columns.Select(c => (c.Name, c.Datatype)));
        Assert.Equal(outputs == 1 ? ["churn"] : classes, encoder.OutputNames);
        var rows = encoder.Encode([new Dictionary<string, object?> { ["age"] = 33.0, ["plan"] = "pro" }, new Dictionary<string, object?> { ["plan"] = "gold" }]);
        var predictor = new KnownContributions(outputs, signature);
        var byColumn = encoder.Contributions(predictor, rows);
        var byFeature = predictor.Contributions(rows);
        // Reference: each feature's name starts with its column ("plan=pro", "signup.year", "age:missing").
        for (int r = 0; r < 2; r++)
            for (int k = 0; k < outputs; k++)
            {
                for (int c = 0; c < 3; c++)
                {
                    string column = byColumn.Columns[c];
                    double expected = Enumerable.Range(0, set.FeatureNames.Count)
                        .Where(j => set.FeatureNames[j] == column || set.FeatureNames[j].StartsWith(column + "=") || set.FeatureNames[j].StartsWith(column + ".") || set.FeatureNames[j].StartsWith(column + ":"))
                        .Sum(j => byFeature.Of(r, k, j));
                    Assert.Equal(expected, byColumn.Of(r, k, c), 9);
                }
                Assert.Equal(byFeature.Total(r, k), byColumn.Bias(r, k) + Enumerable.Range(0, 3).Sum(c => byColumn.Of(r, k, c)), 9);
            }
    }

    [Fact]
    public void TryLoad_RefusesEncodersThatDoNotFitTheModelInput()
    {
        var set = Fit(EncoderMode.Trees);
        var wrong = Signature(set.FeatureNames.Count + 1, 1, ["no", "yes"]);
        var e = Assert.Throws<InvalidDataException>(() => TableInputEncoder.TryLoad(_folder, wrong));
        Assert.Contains("encoders.json", e.Message);
        Assert.Null(TableInputEncoder.TryLoad(Path.Combine(_folder, "nothing-here"), wrong));
    }

    [Fact]
    public void CheckEncoded_AllowsNaNOnlyWhereTheEncodersWriteIt()
    {
        var trees = TableInputEncoder.TryLoad(_folder, Signature(Fit(EncoderMode.Trees).FeatureNames.Count, 1, ["no", "yes"]))!;
        var missing = trees.Encode([new Dictionary<string, object?>()]).Values;
        Assert.Null(trees.CheckEncoded(missing));
        var indicator = (float[])missing.Clone();
        indicator[1] = float.NaN; // age:missing
        Assert.Contains("age:missing", trees.CheckEncoded(indicator));
        var linear = TableInputEncoder.TryLoad(_folder, Signature(Fit(EncoderMode.Linear).FeatureNames.Count, 1, ["no", "yes"]))!;
        var values = linear.Encode([new Dictionary<string, object?>()]).Values;
        Assert.Null(linear.CheckEncoded(values));
        values[0] = float.NaN;
        Assert.Contains("'age'", linear.CheckEncoded(values));
    }
}

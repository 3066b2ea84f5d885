using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Runtime.LightGbm;

namespace Lepton.Runtime.Tests.LightGbm;

/// <summary>The lightgbm predictor kind: loading a folder, raw scores the server decodes, LightGBM's probabilities, TreeSHAP, errors.</summary>
public sealed class LightGbmPredictorTests : IDisposable
{
    private static readonly PredictorLoader Loader = new PredictorLoader([new LeptonModelKind(), new LightGbmModelKind(numThreads: 2)]);
    private readonly TempFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    [Theory]
    [InlineData(TaskKind.Multiclass)]
    [InlineData(TaskKind.Binary)]
    [InlineData(TaskKind.Regression)]
    public void Predict_EqualsAnIndependentlyLoadedModelFile(TaskKind task)
    {
        var dir = LightGbmTestData.Folder(_folders, task, out var x);
        using var predictor = Loader.Load(dir);
        // The same model.txt through LGBM_BoosterCreateFromModelfile, not through the predictor's LoadModelFromString.
        using var independent = LightGbmBooster.FromFile(Path.Combine(dir, LightGbmModelFolder.ModelTextFile));

        var raw = independent.Predict(x.Values, x.Rows, LightGbmPrediction.RawScore);
        var got = predictor.Predict(Tensor.FromArray(x.Values, x.Rows, x.Columns))[0];
        int k = task == TaskKind.Multiclass ? 3 : 1;
        Assert.Equal([x.Rows, k], got.Shape.Dims.ToArray());
        var values = got.ToArray();
        for (int i = 0; i < raw.Length; i++) Assert.True(Math.Abs(raw[i] - values[i]) <= 1e-6 * Math.Max(1, Math.Abs(raw[i])), $"score {i}: {raw[i]} vs {values[i]}");

        var lgbm = Assert.IsType<LightGbmPredictor>(predictor);
        Assert.Equal(independent.Predict(x.Values, x.Rows), lgbm.Probabilities(x));
    }

    [Fact]
    public void Multiclass_SignatureIsClassLogits_AndSoftmaxOfScoresIsLightGbmsProbabilities()
    {
        var dir = LightGbmTestData.Folder(_folders, TaskKind.Multiclass, out var x);
        using var predictor = (LightGbmPredictor)Loader.Load(dir);

        Assert.Equal("lightgbm", predictor.Kind);
        Assert.True(predictor.Signature.IsClassifier);
        Assert.Equal(["a", "b", "c"], predictor.Signature.ClassNames);
        Assert.Equal(("features", DType.Float32), (predictor.Signature.Inputs[0].Name, predictor.Signature.Inputs[0].DType));
        Assert.Equal([4], predictor.Signature.Inputs[0].ExampleShape);
        ((IPredictor)predictor).WarmUp(3);

        var raw = predictor.RawScores(x);
        var p = predictor.Probabilities(x);
        for (int i = 0; i < x.Rows; i++)
        {
            double max = Math.Max(raw[3 * i], Math.Max(raw[3 * i + 1], raw[3 * i + 2]));
            double sum = 0;
            for (int c = 0; c < 3; c++) sum += Math.Exp(raw[3 * i + c] - max);
            for (int c = 0; c < 3; c++) Assert.Equal(Math.Exp(raw[3 * i + c] - max) / sum, p[3 * i + c], 12);
        }
    }

    [Fact]
    public void Binary_SignatureIsABinaryTask_AndSigmoidOfTheScoreIsTheProbability()
    {
        var dir = LightGbmTestData.Folder(_folders, TaskKind.Binary, out var x);
        using var predictor = (LightGbmPredictor)Loader.Load(dir);

        Assert.Equal(OutputKind.TaskAnswers, predictor.Signature.Kind);
        Assert.Equal(TaskKind.Binary, predictor.Signature.Task!.Kind);
        Assert.Equal([1], predictor.Signature.Outputs[0].ExampleShape);
        var raw = predictor.RawScores(x);
        var p = predictor.Probabilities(x);
        for (int i = 0; i < x.Rows; i++) Assert.Equal(1 / (1 + Math.Exp(-raw[i])), p[i], 12);
        // It learned the rule: most rows on the right side of 0.5.
        var y = LightGbmTestData.Binary(x);
        Assert.True(Enumerable.Range(0, x.Rows).Count(i => p[i] >= 0.5 == (y[i] == 1)) > 0.9 * x.Rows);
    }

    [Theory]
    [InlineData(TaskKind.Multiclass)]
    [InlineData(TaskKind.Regression)]
    public void Contributions_SumToTheRawScoreOfEveryRowAndOutput(TaskKind task)
    {
        var dir = LightGbmTestData.Folder(_folders, task, out var x);
        using var predictor = (LightGbmPredictor)Loader.Load(dir);
        var contributions = predictor.Contributions(x);
        var raw = predictor.RawScores(x);

        int k = contributions.Outputs;
        Assert.Equal(task == TaskKind.Multiclass ? 3 : 1, k);
        for (int i = 0; i < x.Rows; i++)
            for (int c = 0; c < k; c++) Assert.Equal(raw[i * k + c], contributions.Total(i, c), 9);
        // x2 never decides the label: its contributions stay far below x0's.
        double x0 = 0, x2 = 0;
        for (int i = 0; i < x.Rows; i++) { x0 += Math.Abs(contributions.Of(i, 0, 0)); x2 += Math.Abs(contributions.Of(i, 0, 2)); }
        Assert.True(x2 < 0.25 * x0, $"|x2| {x2} vs |x0| {x0}");
    }

    [Fact]
    public void SpecJson_IsALeptonModelSpec_WithKindFeaturesAndOutputs()
    {
        var dir = LightGbmTestData.Folder(_folders, TaskKind.Multiclass, out _);
        var json = File.ReadAllText(Path.Combine(dir, ModelFile.SpecFileName));
        var spec = ModelSpec.FromJson(json);
        Assert.Equal([-1, 4], spec.Input.Shape);
        Assert.Equal(["a", "b", "c"], spec.ClassNames);
        var info = LightGbmModelFolder.ReadSpec(json);
        Assert.Equal(["x0", "x 1", "x:2", "x3"], info.FeatureNames);
        Assert.Contains("\"kind\": \"lightgbm\"", json, StringComparison.Ordinal);
        Assert.Contains("\"logits\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_WrongFeatureCount_NamesWhatTheModelTakes()
    {
        var dir = LightGbmTestData.Folder(_folders, TaskKind.Regression, out _);
        using var predictor = Loader.Load(dir);
        var e = Assert.Throws<ArgumentException>(() => predictor.Predict(Tensor.Zeros(2, 5)));
        Assert.Contains("features (N, 4), got (2,5)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ModelJsonNamingOtherFeatureCount_IsRefusedNamingBothFiles()
    {
        var dir = LightGbmTestData.Folder(_folders, TaskKind.Regression, out _);
        var path = Path.Combine(dir, ModelFile.SpecFileName);
        File.WriteAllText(path, LightGbmModelFolder.SpecJson(new LightGbmModelInfo(TaskKind.Regression, ["a", "b", "c"])));
        var e = Assert.Throws<InvalidDataException>(() => Loader.Load(dir));
        Assert.Contains("takes 4 features but model.json names 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ModelJsonWithoutLightGbmKind_IsRefused()
    {
        var dir = LightGbmTestData.Folder(_folders, TaskKind.Regression, out _);
        var path = Path.Combine(dir, ModelFile.SpecFileName);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"kind\": \"lightgbm\"", "\"kind\": \"other\"", StringComparison.Ordinal));
        var e = Assert.Throws<InvalidDataException>(() => Loader.Load(dir));
        Assert.Contains("\"kind\" must be \"lightgbm\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadModelFromString_Garbage_ThrowsNamingTheCall()
    {
        var e = Assert.Throws<LightGbmException>(() => LightGbmBooster.FromString("this is not a model"));
        Assert.Equal("LGBM_BoosterLoadModelFromString", e.Call);
        Assert.StartsWith("LightGBM LGBM_BoosterLoadModelFromString failed: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BoosterCreate_BadParameter_ThrowsWithLightGbmsMessage()
    {
        var (x, y) = LightGbmTestData.ThreeClasses(50);
        using var data = LightGbmDataset.Create(x, y, "verbosity=-1");
        var e = Assert.Throws<LightGbmException>(() => LightGbmBooster.Create(data, "objective=multiclass num_class=3 num_leaves=-5 verbosity=-1"));
        Assert.Equal("LGBM_BoosterCreate", e.Call);
        Assert.Contains("num_leaves", e.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Training_IsDeterministic_BitForBit()
    {
        var (x, y) = LightGbmTestData.ThreeClasses();
        var parameters = $"objective=multiclass num_class=3 bagging_fraction=0.7 bagging_freq=1 feature_fraction=0.8 {LightGbmTestData.Deterministic}";
        Assert.Equal(LightGbmTestData.Train(x, y, parameters), LightGbmTestData.Train(x, y, parameters));
    }

    [Fact]
    public void FeatureNames_AreSanitizedForLightGbm_AndKeptUnique()
    {
        Assert.Equal(["a_b", "x_1_", "a_b_1", "f3"], LightGbmFeatureNames.Sanitize(["a b", "x[1]", "a,b", ""]));
    }
}

using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Tests;

/// <summary>The loader picks a folder's predictor kind by its marker file and refuses folders it cannot place, naming why.</summary>
public sealed class PredictorLoaderTests : IDisposable
{
    private readonly TempFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public void LeptonFolder_LoadsANeuralNetworkPredictor_ThatMatchesInferenceForward()
    {
        var dir = _folders.LeptonModel(new PreprocessingSpec(Scale: 0.5));
        using var predictor = PredictorLoader.Default.Load(dir);

        var nn = Assert.IsType<NeuralNetworkPredictor>(predictor);
        Assert.Equal(LeptonModelKind.KindName, predictor.Kind);
        var input = Assert.Single(predictor.Signature.Inputs);
        Assert.Equal(("image", DType.Float32), (input.Name, input.DType));
        Assert.Equal([2, 4], input.ExampleShape);
        Assert.True(predictor.Signature.IsClassifier);
        Assert.Equal(["a", "b", "c"], predictor.Signature.ClassNames);
        Assert.Equal([3], Assert.Single(predictor.Signature.Outputs).ExampleShape);

        var raw = Tensor.Randn(new Shape(5, 2, 4), new Generator(3));
        var x = predictor.Preprocess(0, raw);
        Assert.Equal(raw.Mul(0.5).ToArray(), x.ToArray());
        var expected = Inference.Forward(ModelFile.Load(dir).Model, x);
        Assert.Equal(expected.ToArray(), predictor.Predict(x)[0].ToArray());
        Assert.False(nn.Model.Model.IsTraining);
    }

    [Fact]
    public void WithoutStoredPreprocessing_PreprocessReturnsTheRawTensor()
    {
        using var predictor = PredictorLoader.Default.Load(_folders.LeptonModel());
        var raw = Tensor.Zeros(1, 2, 4);
        Assert.Same(raw, predictor.Preprocess(0, raw));
    }

    [Fact]
    public void AnAddedKind_IsChosenByItsMarkerFile()
    {
        var dir = _folders.New();
        File.WriteAllText(Path.Combine(dir, "doubling.txt"), "");
        var loader = PredictorLoader.Default.With(new DoublingKind());

        Assert.Equal("doubling", loader.KindOf(dir).Name);
        using var predictor = loader.Load(dir);
        Assert.Equal([2f, 4f], predictor.Predict(Tensor.FromArray([1f, 2f], 1, 2))[0].ToArray());
        Assert.Equal(LeptonModelKind.KindName, loader.KindOf(_folders.LeptonModel()).Name);
    }

    [Fact]
    public void AFolderOfNoKnownKind_IsRefused_NamingTheMarkersLookedFor()
    {
        var dir = _folders.New();
        File.WriteAllText(Path.Combine(dir, "model.lgb.txt"), "tree");
        var error = Assert.Throws<InvalidDataException>(() => PredictorLoader.Default.Load(dir));
        Assert.Contains("no model of a known kind", error.Message);
        Assert.Contains("weights.safetensors (lepton)", error.Message);
        Assert.Contains("PredictorLoader.With", error.Message);
    }

    [Fact]
    public void AFolderWithMarkersOfTwoKinds_IsRefused()
    {
        var dir = _folders.LeptonModel();
        File.WriteAllText(Path.Combine(dir, "doubling.txt"), "");
        var error = Assert.Throws<InvalidDataException>(() => PredictorLoader.Default.With(new DoublingKind()).KindOf(dir));
        Assert.Contains("several kinds", error.Message);
        Assert.Contains("doubling.txt (doubling)", error.Message);
    }

    [Fact]
    public void KindsSharingANameOrMarker_AreRefused()
    {
        Assert.Contains("registered twice", Assert.Throws<ArgumentException>(() => PredictorLoader.Default.With(new DoublingKind("lepton", "x.txt"))).Message);
        Assert.Contains("both use marker file", Assert.Throws<ArgumentException>(() =>
            PredictorLoader.Default.With(new DoublingKind("other", ModelFile.WeightsFileName))).Message);
    }

    [Fact]
    public void AMissingFolder_IsRefused()
    {
        Assert.Throws<DirectoryNotFoundException>(() => PredictorLoader.Default.Load(Path.Combine(_folders.New(), "absent")));
    }
}

using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Tests;

/// <summary>An input of the right name, dtype and shape whose values the model cannot use is the sender's error, told as such.</summary>
public sealed class PredictorInputErrorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-runtime-input-errors", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void AnIdPastTheEmbedding_IsAPredictorInputException_NamingTheIdAndTheTable()
    {
        // ids: (N,4) int32 → embedding (N,4,3) → flatten (N,12) → linear (N,2)
        var model = new Sequential(new Embedding(10, 3, new Generator(1)), new Flatten(), new Linear(12, 2, rng: new Generator(2)));
        ModelFile.Save(_dir, model, new ModelSpec { Input = new InputSpec("ids", [-1, 4], DType.Int32) });
        using var predictor = new NeuralNetworkPredictor(ModelFile.Load(_dir));

        var ok = predictor.Predict(new TensorSet([Tensor.FromArray([0, 1, 2, 9], 1, 4)]));
        Assert.Equal([1, 2], ok[0].Shape.ToArray());
        var error = Assert.Throws<PredictorInputException>(() => predictor.Predict(new TensorSet([Tensor.FromArray([0, 1, 2, 10], 1, 4)])));
        Assert.Contains("Embedding(num_embeddings=10) got id 10; ids must be in [0, 9]", error.Message);
    }
}

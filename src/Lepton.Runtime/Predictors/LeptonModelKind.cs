using Lepton.NN.Serialization;

namespace Lepton.Runtime;

/// <summary>A Lepton model folder (<c>model.json</c> + <c>weights.safetensors</c>) served as a <see cref="NeuralNetworkPredictor"/>.</summary>
public sealed class LeptonModelKind : IPredictorKind
{
    public const string KindName = "lepton";

    public string Name => KindName;

    public string MarkerFile => ModelFile.WeightsFileName;

    public IPredictor Load(string folder, PredictorLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new NeuralNetworkPredictor(ModelFile.Load(folder), options.MaxBatchSize);
    }
}

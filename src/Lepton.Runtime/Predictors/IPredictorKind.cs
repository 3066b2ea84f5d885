namespace Lepton.Runtime;

/// <summary>
/// One kind of model a folder can hold (a Lepton network, a LightGBM booster, an ONNX file), recognised by a marker file
/// in the folder and loaded into an <see cref="IPredictor"/>. Register kinds with a <see cref="PredictorLoader"/>.
/// </summary>
public interface IPredictorKind
{
    /// <summary>Short name, e.g. <c>lepton</c>, reported as the model's platform.</summary>
    string Name { get; }

    /// <summary>The file whose presence marks a folder as this kind, e.g. <c>weights.safetensors</c> or <c>model.onnx</c>.</summary>
    string MarkerFile { get; }

    /// <summary>Loads and prepares the folder's model for inference; throws <see cref="InvalidDataException"/> naming the bad file.</summary>
    IPredictor Load(string folder, PredictorLoadOptions options);
}

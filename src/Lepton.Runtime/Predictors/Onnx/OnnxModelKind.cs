namespace Lepton.Runtime.Onnx;

/// <summary>
/// An imported ONNX model folder (<c>model.onnx</c> + <c>model.json</c>) served by ONNX Runtime as an <see cref="OnnxPredictor"/>;
/// <see cref="PredictorLoader.Default"/> knows it. <paramref name="intraOpThreads"/> bounds ORT's threads inside an op (0: its default).
/// </summary>
public sealed class OnnxModelKind(int intraOpThreads = 0) : IPredictorKind
{
    public string Name => OnnxModelFolder.KindName;

    public string MarkerFile => OnnxModelFolder.ModelFileName;

    public IPredictor Load(string folder, PredictorLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OnnxPredictor.Load(folder, intraOpThreads);
    }
}

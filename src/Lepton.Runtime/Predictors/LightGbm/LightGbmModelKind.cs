namespace Lepton.Runtime.LightGbm;

/// <summary>
/// A LightGBM model folder (<c>model.txt</c> + <c>model.json</c>) served as a <see cref="LightGbmPredictor"/>; <see cref="PredictorLoader.Default"/>
/// knows it. <paramref name="numThreads"/> bounds LightGBM's prediction threads (0: its default).
/// </summary>
public sealed class LightGbmModelKind(int numThreads = 0) : IPredictorKind
{
    public string Name => LightGbmModelFolder.KindName;

    public string MarkerFile => LightGbmModelFolder.ModelTextFile;

    public IPredictor Load(string folder, PredictorLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return LightGbmPredictor.Load(folder, numThreads);
    }
}

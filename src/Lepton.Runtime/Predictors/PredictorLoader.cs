namespace Lepton.Runtime;

/// <summary>
/// Loads a model folder into the <see cref="IPredictor"/> of its kind, chosen by the marker file the folder holds. The default
/// knows Lepton models, LightGBM boosters and ONNX models; other kinds (an application's own) are added with <see cref="With"/>.
/// </summary>
public sealed class PredictorLoader
{
    public PredictorLoader(IEnumerable<IPredictorKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var list = kinds.ToList();
        if (list.Count == 0) throw new ArgumentException("A predictor loader needs at least one kind, got none.", nameof(kinds));
        foreach (var group in list.GroupBy(k => k.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            throw new ArgumentException($"Predictor kind '{group.Key}' is registered twice; register each kind once.", nameof(kinds));
        foreach (var group in list.GroupBy(k => k.MarkerFile, StringComparer.Ordinal).Where(g => g.Count() > 1))
            throw new ArgumentException(
                $"Predictor kinds {string.Join(" and ", group.Select(k => k.Name))} both use marker file {group.Key}; each kind needs its own marker.", nameof(kinds));
        Kinds = list;
    }

    /// <summary>Lepton networks (<c>weights.safetensors</c>), LightGBM boosters (<c>model.txt</c>) and imported ONNX models (<c>model.onnx</c>).</summary>
    public static PredictorLoader Default { get; } = new([new LeptonModelKind(), new LightGbm.LightGbmModelKind(), new Onnx.OnnxModelKind()]);

    public IReadOnlyList<IPredictorKind> Kinds { get; }

    /// <summary>A loader that also knows <paramref name="kind"/>.</summary>
    public PredictorLoader With(IPredictorKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return new PredictorLoader([.. Kinds, kind]);
    }

    /// <summary>The kind whose marker file <paramref name="folder"/> holds; throws when it holds none or several.</summary>
    public IPredictorKind KindOf(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Model folder {folder} does not exist.");
        var matches = Kinds.Where(k => File.Exists(Path.Combine(folder, k.MarkerFile))).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new InvalidDataException(
                $"{folder} holds no model of a known kind: looked for {string.Join(", ", Kinds.Select(k => $"{k.MarkerFile} ({k.Name})"))}. " +
                "A Lepton model folder has model.json and weights.safetensors; register other kinds with PredictorLoader.With."),
            _ => throw new InvalidDataException(
                $"{folder} holds models of several kinds ({string.Join(", ", matches.Select(k => $"{k.MarkerFile} ({k.Name})"))}); keep one model per folder."),
        };
    }

    /// <summary>
    /// Loads <paramref name="folder"/> with the kind its marker file names, prepared for inference; a classifier with a
    /// <c>calibration.json</c> answers calibrated probabilities, and a regressor whose intervals conformalize two quantile models
    /// answers their band too (<see cref="Conformal.IntervalBandPredictor"/>), whatever its kind.
    /// </summary>
    public IPredictor Load(string folder, PredictorLoadOptions? options = null)
    {
        options ??= PredictorLoadOptions.Default;
        var model = Calibration.CalibratedPredictor.Wrap(KindOf(folder).Load(folder, options), folder);
        return Conformal.IntervalBandPredictor.Wrap(model, folder, band => KindOf(band).Load(band, options));
    }
}

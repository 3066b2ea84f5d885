using Lepton.Data.Tables;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.LightGbm;

/// <summary>
/// A LightGBM booster served as an <see cref="IPredictor"/>: takes <c>features</c> (N, F) float32 (NaN is missing, categorical
/// features hold codes) and returns raw scores, which the signature declares so servers decode them like a network's logits:
/// softmax over classes (multiclass), a sigmoid (binary); a regressor returns its values (exp of the raw score for a log link). <see cref="Probabilities"/> gives
/// LightGBM's own transformed predictions and <see cref="Contributions"/> TreeSHAP values.
/// </summary>
public sealed class LightGbmPredictor : IPredictor, IFeatureContributor
{
    private readonly LightGbmBooster _booster;
    private readonly int _numThreads;

    /// <summary>Loads <paramref name="modelText"/> (LightGBM's text format) described by <paramref name="info"/>; <paramref name="numThreads"/> 0 lets LightGBM choose.</summary>
    public LightGbmPredictor(LightGbmModelInfo info, string modelText, int numThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(modelText);
        Info = info;
        _numThreads = numThreads;
        _booster = LightGbmBooster.FromString(modelText);
        try
        {
            if (_booster.FeatureCount != info.FeatureNames.Count)
                throw new InvalidDataException(
                    $"{LightGbmModelFolder.ModelTextFile} takes {_booster.FeatureCount} features but model.json names {info.FeatureNames.Count}; the files belong to different models.");
            if (_booster.ClassCount != info.Outputs)
                throw new InvalidDataException(
                    $"{LightGbmModelFolder.ModelTextFile} gives {_booster.ClassCount} score(s) per row but model.json's {TaskSpec.NameOf(info.Task)} task with {info.ClassNames.Count} class names needs {info.Outputs}.");
        }
        catch
        {
            _booster.Dispose();
            throw;
        }
        var output = new TensorSignature(LightGbmModelFolder.OutputName(info.Task), DType.Float32, [info.Outputs]);
        var input = new TensorSignature(LightGbmModelFolder.InputName, DType.Float32, [info.FeatureNames.Count]);
        Signature = info.Task == TaskKind.Multiclass
            ? new PredictorSignature([input], [output], OutputKind.ClassLogits, info.ClassNames)
            : new PredictorSignature([input], [output], OutputKind.TaskAnswers, info.ClassNames, new TaskSpec(info.Task, info.Threshold) { Loss = info.Loss });
    }

    public string Kind => LightGbmModelFolder.KindName;

    public PredictorSignature Signature { get; }

    public LightGbmModelInfo Info { get; }

    /// <summary>Loads a model folder (model.json + model.txt).</summary>
    public static LightGbmPredictor Load(string folder, int numThreads = 0)
    {
        var (info, text) = LightGbmModelFolder.Read(folder);
        return new LightGbmPredictor(info, text, numThreads);
    }

    /// <summary>Features arrive already encoded by the table's column encoders: nothing to replay here.</summary>
    public Tensor Preprocess(int input, Tensor raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (input != 0) throw new ArgumentOutOfRangeException(nameof(input), $"A LightGBM model has one input (features); got input index {input}.");
        return raw;
    }

    // features: (N, F) float32 → raw scores (N, K)
    public TensorSet Predict(TensorSet inputs)
    {
        if (inputs.Count != 1) throw new ArgumentException($"A LightGBM model takes one input (features (N, {Info.FeatureNames.Count})), got {inputs.Count}.", nameof(inputs));
        var x = inputs[0];
        if (x.Rank != 2 || x.Shape[1] != Info.FeatureNames.Count)
            throw new ArgumentException($"A LightGBM model takes features (N, {Info.FeatureNames.Count}), got {x.Shape}.", nameof(inputs));
        var values = x.DType == DType.Float32 ? x.Contiguous() : x.To(DType.Float32).Contiguous();
        int n = x.Shape[0];
        // A regressor answers LightGBM's own prediction: a log-link objective (poisson, gamma, tweedie) exponentiates its raw score.
        var kind = Info.Task == TaskKind.Regression ? LightGbmPrediction.Normal : LightGbmPrediction.RawScore;
        var raw = _booster.Predict(values.Span<float>(), n, kind, _numThreads);
        var scores = new float[raw.Length];
        for (int i = 0; i < raw.Length; i++) scores[i] = (float)raw[i];
        return new TensorSet(Tensor.FromArray(scores, n, Info.Outputs));
    }

    /// <summary>LightGBM's predictions for <paramref name="rows"/>: (N, K) class probabilities, (N, 1) positive probability or (N, 1) values, row-major.</summary>
    public double[] Probabilities(FeatureMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return _booster.Predict(Checked(rows), rows.Rows, LightGbmPrediction.Normal, _numThreads);
    }

    /// <summary>Raw scores (N, K) in double precision, as <see cref="Predict"/> returns them in float32.</summary>
    public double[] RawScores(FeatureMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return _booster.Predict(Checked(rows), rows.Rows, LightGbmPrediction.RawScore, _numThreads);
    }

    /// <summary>
    /// TreeSHAP contributions of every feature to every raw score of every row (LightGBM's <c>C_API_PREDICT_CONTRIB</c>). LightGBM's
    /// predict calls take a shared lock on the booster, so this may run while the batcher predicts.
    /// </summary>
    public FeatureContributions Contributions(FeatureMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var values = _booster.Predict(Checked(rows), rows.Rows, LightGbmPrediction.Contributions, _numThreads);
        return new FeatureContributions(rows.Rows, Info.Outputs, Info.FeatureNames, values);
    }

    public void Dispose() => _booster.Dispose();

    private ReadOnlySpan<float> Checked(FeatureMatrix rows)
    {
        if (rows.Columns != Info.FeatureNames.Count)
            throw new ArgumentException(
                $"The LightGBM model takes {Info.FeatureNames.Count} features ({string.Join(", ", Info.FeatureNames.Take(5))}{(Info.FeatureNames.Count > 5 ? ", ..." : "")}), got a matrix of {rows.Columns}.",
                nameof(rows));
        return rows.Values;
    }
}

using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Tasks;
using Lepton.Runtime;

namespace Lepton.Reports.Evaluation;

/// <summary>
/// A classifier to score: its name in the report, the loaded predictor (any kind the runtime knows) and, when it has one, its
/// folder (where a text model's tokenizer and a table model's encoders live).
/// </summary>
public sealed record ScoredModel(string Name, IPredictor Predictor, string? Folder = null);

/// <summary>What one pass over a <see cref="ReportData"/> gives: each model's scores and each example's input statistics.</summary>
public sealed record ScoringResult(IReadOnlyList<ModelScores> Scores, InputStatistics Inputs);

/// <summary>
/// Runs classifiers over a report's examples in batches: reads each batch once (<see cref="IReportReader"/>), gives every model
/// its own inputs (raw values it preprocesses, or a text model's token ids), and keeps probabilities, predictions and losses,
/// never the inputs (a large image set stays out of memory). A binary model's one logit z counts as the two logits (0, z),
/// whose softmax is (1 − σ(z), σ(z)); it predicts the positive class from its task's threshold, not from 0.5.
/// </summary>
public static class ReportScoring
{
    public static ScoringResult Score(IReadOnlyList<ScoredModel> models, ReportData data, int batchSize = 256, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (models.Count == 0) throw new ArgumentException("ReportScoring: no models to score; give at least one.");
        int n = data.Count;
        // The modality first: a text model on images is told so, not that it lacks the image classes.
        var reader = data.Examples.Open(models);
        var maps = models.Select(m => LabelMap(m, data)).ToArray();
        var names = models.Select(m => m.Predictor.Signature.ClassNames.Count > 0 ? m.Predictor.Signature.ClassNames : data.ClassNames).ToArray();
        var probabilities = names.Select(k => new double[n * k.Count]).ToArray();
        var predicted = models.Select(_ => new int[n]).ToArray();
        var labels = models.Select(_ => new int[n]).ToArray();
        var losses = models.Select(_ => new double[n]).ToArray();
        var thresholds = models.Select(m => m.Predictor.Signature.Task is { Kind: TaskKind.Binary } t ? t.Threshold : 0.5).ToArray();
        var numeric = reader.Numeric.Select(_ => new double[n]).ToArray();
        var categorical = reader.Categorical.Select(_ => new string[n]).ToArray();
        for (int start = 0; start < n; start += batchSize)
        {
            ct.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, n - start);
            var indices = new int[count];
            for (int i = 0; i < count; i++) indices[i] = start + i;
            var batch = reader.Read(indices);
            for (int s = 0; s < numeric.Length; s++) batch.Numeric[s].CopyTo(numeric[s], start);
            for (int s = 0; s < categorical.Length; s++) batch.Categorical[s].CopyTo(categorical[s], start);
            for (int m = 0; m < models.Count; m++)
            {
                int k = names[m].Count;
                var logits = models[m].Predictor.FirstOutput(batch.Inputs[m], batch.Preprocess, batchSize).Contiguous().To(DType.Float32);
                bool binary = k == 2 && logits.Rank == 2 && logits.Shape[0] == count && logits.Shape[1] == 1;
                if (!binary && (logits.Rank != 2 || logits.Shape[0] != count || logits.Shape[1] != k))
                    throw new InvalidDataException($"{models[m].Name} answered {logits.Shape} for {count} examples; a classifier of {k} classes answers ({count}, {k}) logits.");
                ReadOnlySpan<float> l = binary ? TwoLogits(logits.Span<float>()) : logits.Span<float>();
                for (int i = 0; i < count; i++)
                {
                    int e = start + i, y = maps[m][batch.Labels[i]];
                    var p = probabilities[m].AsSpan(e * k, k);
                    double logSumExp = ScoreMath.Softmax(l.Slice(i * k, k), p);
                    int best = 0;
                    if (binary) best = p[1] >= thresholds[m] ? 1 : 0; // a yes/no model decides at its own threshold
                    else
                        for (int j = 1; j < k; j++) if (l[i * k + j] > l[i * k + best]) best = j;
                    predicted[m][e] = best;
                    labels[m][e] = y;
                    losses[m][e] = logSumExp - l[i * k + y];
                }
            }
        }
        var scores = models.Select((m, i) => new ModelScores(m.Name, names[i], probabilities[i], predicted[i], labels[i], losses[i])
        {
            Threshold = m.Predictor.Signature.Task is { Kind: TaskKind.Binary } && names[i].Count == 2 ? thresholds[i] : null,
        }).ToList();
        var inputs = new InputStatistics(n, [.. reader.Numeric.Select((s, i) => new NumericStatistic(s.Name, numeric[i], s.Format))],
            [.. reader.Categorical.Select((name, i) => new CategoricalStatistic(name, categorical[i]))]);
        return new ScoringResult(scores, inputs);
    }

    // z: (N,1) → (N,2) rows (0, z).
    private static float[] TwoLogits(ReadOnlySpan<float> z)
    {
        var two = new float[z.Length * 2];
        for (int i = 0; i < z.Length; i++) two[2 * i + 1] = z[i];
        return two;
    }

    /// <summary>
    /// The data's class ids in the model's class order: the same names in another order are remapped; a model without names
    /// must have exactly the data's class count; a data class the model does not know is an error.
    /// </summary>
    internal static int[] LabelMap(ScoredModel model, ReportData data)
    {
        var signature = model.Predictor.Signature;
        bool binary = signature.Kind == OutputKind.TaskAnswers && signature.Task?.Kind == TaskKind.Binary;
        if (!signature.IsClassifier && !binary)
            throw new InvalidDataException($"{model.Name} is not a classifier (its outputs are {signature.Kind}); evaluation reports cover multiclass and binary classifiers.");
        var dataNames = data.ClassNames;
        var modelNames = signature.ClassNames;
        int outputs = binary ? 2 : signature.Outputs[0].ExampleShape[0];
        if (modelNames.Count == 0)
        {
            if (outputs > 0 && outputs != dataNames.Count)
                throw new InvalidDataException($"{model.Name} has {outputs} outputs but {data.Name} has {dataNames.Count} classes ({string.Join(", ", dataNames)}).");
            return [.. Enumerable.Range(0, dataNames.Count)];
        }
        var index = modelNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var map = new int[dataNames.Count];
        for (int c = 0; c < dataNames.Count; c++)
        {
            if (!index.TryGetValue(dataNames[c], out map[c]))
                throw new InvalidDataException($"{data.Name} has class '{dataNames[c]}', which {model.Name} does not know (its classes: {string.Join(", ", modelNames)}); evaluate on data with the model's classes.");
        }
        return map;
    }
}

using Lepton.Data.Profiles;
using Lepton.Engine;
using Lepton.NN.Tasks;
using Lepton.Runtime;

namespace Lepton.Reports.Evaluation;

/// <summary>A classifier to score: its name in the report and the loaded predictor (any kind the runtime knows).</summary>
public sealed record ScoredModel(string Name, IPredictor Predictor);

/// <summary>What one pass over a <see cref="ReportData"/> gives: each model's scores and each example's input statistics.</summary>
public sealed record ScoringResult(IReadOnlyList<ModelScores> Scores, InputStatistics Inputs);

/// <summary>
/// Runs classifiers over a report's examples in batches: reads each batch once, replays every model's stored preprocessing
/// on the raw values, and keeps probabilities, predictions and losses, never the inputs (a large image set stays out of memory).
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
        var maps = models.Select(m => LabelMap(m, data)).ToArray();
        var names = models.Select(m => m.Predictor.Signature.ClassNames.Count > 0 ? m.Predictor.Signature.ClassNames : data.ClassNames).ToArray();
        var probabilities = names.Select(k => new double[n * k.Count]).ToArray();
        var predicted = models.Select(_ => new int[n]).ToArray();
        var labels = models.Select(_ => new int[n]).ToArray();
        var losses = models.Select(_ => new double[n]).ToArray();
        var mean = new double[n];
        var std = new double[n];
        var indices = new int[Math.Min(batchSize, Math.Max(1, n))];
        for (int start = 0; start < n; start += batchSize)
        {
            ct.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, n - start);
            for (int i = 0; i < count; i++) indices[i] = start + i;
            var batch = data.Examples.GetBatch(indices.AsSpan(0, count));
            var raw = batch.Inputs.Contiguous();
            var values = raw.Span<float>();
            int row = values.Length / count;
            var targets = batch.Targets.Contiguous().To(DType.Int32).Span<int>();
            for (int i = 0; i < count; i++)
            {
                var s = ExampleStatistics.Of(values.Slice(i * row, row));
                (mean[start + i], std[start + i]) = (s.Mean, s.Std);
            }
            for (int m = 0; m < models.Count; m++)
            {
                int k = names[m].Count;
                var logits = models[m].Predictor.FirstOutput([raw], preprocess: true, batchSize).Contiguous().To(DType.Float32);
                if (logits.Rank != 2 || logits.Shape[0] != count || logits.Shape[1] != k)
                    throw new InvalidDataException($"{models[m].Name} answered {logits.Shape} for {count} examples; a classifier of {k} classes answers ({count}, {k}) logits.");
                var l = logits.Span<float>();
                for (int i = 0; i < count; i++)
                {
                    int e = start + i, y = maps[m][targets[i]];
                    var p = probabilities[m].AsSpan(e * k, k);
                    double logSumExp = ScoreMath.Softmax(l.Slice(i * k, k), p);
                    int best = 0;
                    for (int j = 1; j < k; j++) if (l[i * k + j] > l[i * k + best]) best = j;
                    predicted[m][e] = best;
                    labels[m][e] = y;
                    losses[m][e] = logSumExp - l[i * k + y];
                }
            }
        }
        var scores = models.Select((m, i) => new ModelScores(m.Name, names[i], probabilities[i], predicted[i], labels[i], losses[i])).ToList();
        return new ScoringResult(scores, new InputStatistics(mean, std));
    }

    /// <summary>
    /// The data's class ids in the model's class order: the same names in another order are remapped; a model without names
    /// must have exactly the data's class count; a data class the model does not know is an error.
    /// </summary>
    internal static int[] LabelMap(ScoredModel model, ReportData data)
    {
        var signature = model.Predictor.Signature;
        if (!signature.IsClassifier)
            throw new InvalidDataException($"{model.Name} is not a classifier (its outputs are {signature.Kind}); evaluation reports cover multiclass classifiers.");
        if (signature.Inputs.Count != 1)
            throw new InvalidDataException($"{model.Name} takes {signature.Inputs.Count} inputs; evaluation reports cover single-input (image) classifiers.");
        var dataNames = data.ClassNames;
        var modelNames = signature.ClassNames;
        int outputs = signature.Outputs[0].ExampleShape[0];
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

using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Runtime.Tables;

namespace Lepton.Reports.Tables;

/// <summary>How much a table model's task metric worsens when one raw column's values are shuffled across the rows (mean and spread over repeats).</summary>
public sealed record ColumnImportance(string Column, double Drop, double Std);

/// <summary>
/// Global permutation importance of a table model: the task metric on labelled rows as they are, then again with one raw column's
/// values permuted among the rows (its link to the label broken, its distribution kept), seeded and repeated; the drop in ROC-AUC
/// (yes/no models: it needs no threshold and still moves when the positive class is rare, where accuracy barely does), in accuracy
/// (other classifiers) or the rise in RMSE (regressors) is the column's importance. Rows are encoded by the model's own encoders, so a
/// one-hot or date-time column is permuted as the one column a client sends.
/// </summary>
public static class PermutationImportance
{
    /// <summary>The metric on <paramref name="rows"/>: ROC-AUC of a yes/no model, accuracy of other classifiers (labels are class indices), or RMSE (labels are values).</summary>
    public static double Score(IPredictor predictor, TableInputEncoder encoder, IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, double[] labels, bool classification)
    {
        var features = encoder.Encode(rows);
        var output = predictor.FirstOutput([TableInputEncoder.ToTensor(features)]); // (N, K) logits, (N, 1) a binary logit, or (N, 1) values
        var values = output.DType == DType.Float32 ? output.Contiguous().ToArray() : output.To(DType.Float32).Contiguous().ToArray();
        int width = values.Length / rows.Count;
        if (classification && width == 1)
        {
            var scores = new double[rows.Count];
            var positive = new bool[rows.Count];
            for (int i = 0; i < rows.Count; i++) (scores[i], positive[i]) = (values[i], labels[i] >= 0.5);
            return Training.Metrics.RocAuc.Binary(scores, positive);
        }
        double total = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            var row = values.AsSpan(i * width, width);
            if (classification)
            {
                int predicted = ArgMax(row);
                if (predicted == (int)labels[i]) total++;
            }
            else
            {
                double e = row[0] - labels[i];
                total += e * e;
            }
        }
        return classification ? total / rows.Count : Math.Sqrt(total / rows.Count);
    }

    /// <summary>Each raw column's importance, most important first; <paramref name="repeats"/> permutations per column from <paramref name="seed"/>.</summary>
    /// <summary>The metric <see cref="Score"/> gives for a model answering <paramref name="width"/> values per row.</summary>
    public static string MetricOf(bool classification, int width) => !classification ? "rmse" : width == 1 ? "roc_auc" : "accuracy";

    public static (double Baseline, IReadOnlyList<ColumnImportance> Columns) Compute(IPredictor predictor, TableInputEncoder encoder,
        IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, double[] labels, bool classification, int repeats = 5, int seed = 0, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count < 2) throw new ArgumentException($"Permutation importance needs at least 2 labelled rows, got {rows.Count}.", nameof(rows));
        if (labels.Length != rows.Count) throw new ArgumentException($"{rows.Count} rows need {rows.Count} labels, got {labels.Length}.", nameof(labels));
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        double baseline = Score(predictor, encoder, rows, labels, classification);
        var rng = new Random(seed);
        var result = new List<ColumnImportance>();
        foreach (var column in encoder.Columns)
        {
            ct.ThrowIfCancellationRequested();
            var drops = new double[repeats];
            for (int k = 0; k < repeats; k++)
            {
                var order = Enumerable.Range(0, rows.Count).ToArray();
                rng.Shuffle(order);
                var permuted = new IReadOnlyDictionary<string, object?>[rows.Count];
                for (int i = 0; i < rows.Count; i++)
                {
                    var copy = new Dictionary<string, object?>(rows[i], StringComparer.Ordinal);
                    if (rows[order[i]].TryGetValue(column.Name, out var v)) copy[column.Name] = v;
                    else copy.Remove(column.Name);
                    permuted[i] = copy;
                }
                double score = Score(predictor, encoder, permuted, labels, classification);
                drops[k] = classification ? baseline - score : score - baseline;
            }
            double mean = drops.Average();
            double std = Math.Sqrt(drops.Sum(d => (d - mean) * (d - mean)) / repeats);
            result.Add(new ColumnImportance(column.Name, mean, std));
        }
        return (baseline, [.. result.OrderByDescending(c => c.Drop)]);
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}

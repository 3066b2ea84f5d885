using Lepton.Data;
using Lepton.NN.Serialization;
using Lepton.Training.Metrics;

namespace Lepton.Training;

public sealed partial class Trainer
{
    // Accuracy of class-id targets is counted by the step itself (planned steps count it without reading logits back),
    // so a metric named "accuracy" is left to that count whenever it applies.
    private bool CountsAccuracy => Task is null || Task.Kind == TaskKind.Multiclass;

    /// <summary>The metrics of this Fit: the options' list, else the task's defaults, else none; names must be unique.</summary>
    private List<IMetric> ResolveMetrics(FitOptions options)
    {
        var metrics = new List<IMetric>(options.Metrics ?? Task?.DefaultMetrics() ?? []);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in metrics)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(options));
            if (m.Name.StartsWith("val_", StringComparison.Ordinal) || m.Name is "loss" or "lr" || !seen.Add(m.Name))
                throw new ArgumentException($"Fit: metric name '{m.Name}' is reserved or given twice; names must be unique and not start with val_ (Fit adds it for validation).", nameof(options));
        }
        if (CountsAccuracy) metrics.RemoveAll(m => m.Name == "accuracy");
        return metrics;
    }

    // The extra columns of epoch records: each metric by name, then with val_ when there is a validation set.
    // A non-multiclass "accuracy" lands in the records' accuracy fields instead.
    private static IReadOnlyList<string> MetricColumns(List<IMetric> metrics, bool validation)
    {
        var names = metrics.Where(m => m.Name != "accuracy").Select(m => m.Name).ToList();
        if (validation) names.AddRange(names.Select(n => "val_" + n).ToList());
        return names;
    }

    // The first example of a set tells whether its targets fit the task, before any step is spent.
    private void CheckTaskTargets(IDataset data, string which)
    {
        if (Task is null || data.Count == 0) return;
        try
        {
            Task.CheckTargets(data.GetBatch([0]).Targets);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Fit ({which} set): {ex.Message}", ex);
        }
    }

    private static void ResetAll(List<IMetric> metrics)
    {
        foreach (var m in metrics) m.Reset();
    }

    /// <summary>Each metric's value by name (prefixed), and the "accuracy" one apart so it can fill the accuracy fields.</summary>
    private static double? Collect(List<IMetric> metrics, string prefix, Dictionary<string, double> into)
    {
        double? accuracy = null;
        foreach (var m in metrics)
        {
            double v = m.Compute();
            if (m.Name == "accuracy") accuracy = v;
            else into[prefix + m.Name] = v;
        }
        return accuracy;
    }
}
